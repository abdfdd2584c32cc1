"""Sampling names from a row-stochastic table, reproducibly for a seed."""

from bisect import bisect_left
from dataclasses import dataclass

import numpy as np
import torch

from .vocab import Vocab

LECTURE_SEED = 2147483647
METHODS = ("lecture", "torch")


@dataclass(frozen=True)
class Draw:
    """One step of sampling: from row `row`, the uniform `u` fell into the cumulative sum at `chosen`."""

    row: int
    u: float
    cumsum: list[float]  # (V,) the row's cumulative distribution, last entry 1
    chosen: int


def _lecture_cumsums(probs: torch.Tensor) -> list[list[float]]:
    # The 2022 CPU kernel for one draw: float32 running sum, divided by its total, last set to 1.
    P = probs.float().numpy()
    cum = np.cumsum(P, axis=1, dtype=np.float32)
    cum /= cum[:, -1:]
    cum[:, -1] = 1.0
    return cum.tolist()


def _table(probs: torch.Tensor, method: str):
    """What one draw reads: the rows' cumulative sums (lecture) or the float32 table (torch)."""
    return _lecture_cumsums(probs) if method == "lecture" else probs.float()


def _draws(table, g: torch.Generator, method: str, max_len: int):
    """Yields the Draws of one name, ending with the boundary (or after max_len characters)."""
    ix = 0
    for _ in range(max_len + 1):
        if method == "lecture":
            # one float64 uniform from the generator, looked up by binary search (inverse CDF)
            u = torch.rand(1, dtype=torch.float64, generator=g).item()
            nxt = bisect_left(table[ix], u)
            yield Draw(ix, u, table[ix], nxt)
        else:
            nxt = torch.multinomial(table[ix], num_samples=1, replacement=True, generator=g).item()
            yield Draw(ix, float("nan"), [], nxt)
        if nxt == 0:
            return
        ix = nxt


def _check(method: str, max_len: int) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    if max_len < 1:
        raise ValueError("max_len must be at least 1")


def sample(
    probs: torch.Tensor,
    vocab: Vocab,
    n: int,
    *,
    seed: int = LECTURE_SEED,
    method: str = "lecture",
    max_len: int = 50,
) -> list[str]:
    """`n` names drawn one after another from one seeded generator, without the end token."""
    _check(method, max_len)
    g = torch.Generator().manual_seed(seed)
    table = _table(probs, method)
    names = []
    for _ in range(n):
        chars = [vocab.itos[d.chosen] for d in _draws(table, g, method, max_len) if d.chosen != 0]
        names.append("".join(chars[:max_len]))
    return names


def trace(probs: torch.Tensor, *, seed: int = LECTURE_SEED, max_len: int = 50) -> list[Draw]:
    """Every draw of the first lecture-method name for `seed`: what a learner steps through."""
    _check("lecture", max_len)
    return list(_draws(_table(probs, "lecture"), torch.Generator().manual_seed(seed), "lecture", max_len))
