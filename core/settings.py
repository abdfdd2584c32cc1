"""Every knob of the explorer in one place, as makemore.py keeps its config: the app's prose reads from here."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Settings:
    # --- the data (core.data) ---
    # a word list's size cap: 10 MiB, the upload cap of .streamlit/config.toml too (~45x the lecture's file)
    max_bytes: int = 10 * 2**20
    max_line_chars: int = 64  # a "name" longer than this is almost surely not a name
    max_distinct_chars: int = 256  # beyond this the V x V table stops being something to look at
    split: tuple[float, float, float] = (0.8, 0.1, 0.1)  # train, dev, test shares of the shuffled names

    # --- the counting model (core.bigram) ---
    smoothing: float = 1.0  # the lecture's +1 fake count in every cell
    # the sidebar's smoothing steps: exactly 0, the lecture's 1, up to 1e6 (practically uniform)
    smoothing_ladder: tuple[float, ...] = (0.0, 0.01, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0,
                                           200.0, 500.0, 1e3, 2e3, 5e3, 1e4, 1e5, 1e6)

    # --- sampling (core.sampling) ---
    seed: int = 2147483647  # the lecture's torch.Generator().manual_seed(2147483647)
    max_name_len: int = 50  # a sampled name that has not ended after this many characters is cut

    # --- the neural net (core.neural) ---
    lr: float = 50.0  # the lecture's W.data += -50 * W.grad
    reg: float = 0.01  # the lecture's 0.01 * (W**2).mean()
    steps: int = 100  # the lecture's for k in range(100)
    max_lr: float = 1e7  # beyond this one step throws W to infinity whatever the data
    max_reg: float = 100.0  # beyond this the pull toward 0 swamps the data: every row uniform
    max_steps: int = 5000  # one Start button press trains at most this many steps
    explode_factor: float = 10.0  # a loss this many times the first one means the steps overshoot
    # one-hot rows are built this many bytes at a time: memory stays bounded, and small chunks stay in the CPU cache
    # (4 MB: 115 ms a lecture step and a 0.1 GB peak, against 193 ms and 0.3 GB at 64 MB)
    onehot_chunk_bytes: int = 4_000_000

    # --- what a learner types or asks for in the app ---
    max_typed_chars: int = 300  # the Loss page's names box
    max_typed_names: int = 10  # names scored at once
    num_samples: int = 10  # names drawn on the Sampling page to start with
    max_samples: int = 500

    # --- beyond the lecture (core.ngram, core.evaluation) ---
    max_context: int = 4  # n-gram models look back 1..4 characters
    ngram_samples: int = 8  # names drawn from each n-gram model to start with
    max_ngram_samples: int = 50

    @property
    def smoothing_curve(self) -> np.ndarray:
        """Smoothing values for the dataset's NLL-vs-k curve: 0.01 (the ladder's smallest k > 0) to 1e6."""
        return np.logspace(-2, 6, 81)

    @property
    def dev_smoothing_grid(self) -> np.ndarray:
        """Smoothing values searched on dev: 0.001 to 1e4 (beyond it every row is nearly uniform)."""
        return np.logspace(-3, 4, 71)

    # regularisation strengths for the net, 0 (no pull on W) first. Above ~15 a step of lr 50 on 27 symbols
    # overshoots (lr * 2 reg / V^2 > 2); core.neural.converged_weights then halves the rate.
    reg_grid: tuple[float, ...] = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
    curve_regs: tuple[float, ...] = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # reg vs closest k
    reg_steps: int = 500  # steps per strength on the dev sweep: weak strengths are near, not at, their optimum
    closest_k_range: tuple[float, float] = (1e-6, 1e7)  # smoothing values searched for a net's twin


SETTINGS = Settings()
