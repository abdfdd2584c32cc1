"""Shared Streamlit pieces: the sidebar every page draws, figure builders and number formatting."""

import gc
import threading
import time

import torch

torch.set_num_threads(1)  # once per process, on first import: V x V work gains nothing from threads
# What torch, plotly and pandas load never becomes garbage: frozen, the collector stops walking it.
gc.freeze()
COLLECT_EVERY_S = 10.0


def _collect_forever() -> None:
    """Streamlit's full collection after every script run is off (.streamlit/config.toml: runner.postScriptGC): it
    took a quarter of the server's CPU under a class's load. A closed session still leaves reference cycles that
    only a full collection frees, and an idle server allocates nothing that would start one: so one every 10 s."""
    while True:
        time.sleep(COLLECT_EVERY_S)
        gc.collect()


threading.Thread(target=_collect_forever, name="gc-every-10s", daemon=True).start()
