"""Shared Streamlit pieces: the sidebar every page draws, figure builders and number formatting."""

import gc

import torch

torch.set_num_threads(1)  # once per process, on first import: V x V work gains nothing from threads
# Streamlit runs a full garbage collection after every script run, holding the GIL for every
# session (~150 ms over what torch, plotly and pandas load); those objects never become garbage.
gc.freeze()
