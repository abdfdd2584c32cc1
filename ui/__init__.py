"""Shared Streamlit pieces: the sidebar every page draws, figure builders and number formatting."""

import gc

import torch

torch.set_num_threads(1)  # once per process, on first import: V x V work gains nothing from threads
# What torch, plotly and pandas load never becomes garbage: frozen, the collector stops walking it (Streamlit's
# own full collection after every script run is switched off in .streamlit/config.toml: runner.postScriptGC).
gc.freeze()
