"""Shared Streamlit pieces: the sidebar every page draws, figure builders and number formatting."""

import torch

torch.set_num_threads(1)  # once per process, on first import: V x V work gains nothing from threads
