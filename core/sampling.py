"""Sampling names from a row-stochastic table, reproducibly for a seed.

The lecture's 2022 PyTorch drew one sample by inverse CDF: one float64 uniform from the generator, looked up
in the row's float32 running sum. Today's `torch.multinomial` uses the generator differently; both are here.
"""

from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from .bigram import sequence_nlls, to_probs, uniform_probs
from .data import Vocab
from .settings import SETTINGS

LECTURE_SEED = SETTINGS.seed
METHODS = ("lecture", "torch")
MODELS = ("lecture", "torch", "uniform")  # what the sampling page offers: two samplers and the know-nothing model


@dataclass(frozen=True)
class Draw:
    """One step of sampling: from row `row`, the uniform `u` fell into the cumulative sum at `chosen`."""

    row: int
    u: float
    cumsum: list[float]  # (V,) the row's cumulative distribution, last entry 1
    chosen: int


def lecture_cdf(rows: np.ndarray) -> np.ndarray:
    """The 2022 CPU kernel's table for one draw: float32 running sum of each row over its total (so the last is 1).

    Rounding in float32 moves the slice edges a little: a float64 sum would give other names for some seeds.
    """
    cum = np.cumsum(np.asarray(rows, dtype=np.float32), axis=-1, dtype=np.float32)  # (R, V)
    cum /= cum[..., -1:]
    return cum


def draw(cdf: list[float], g: torch.Generator) -> tuple[float, int]:
    """One float64 uniform from the generator and the first slot whose cumulative sum reaches it."""
    u = torch.rand(1, dtype=torch.float64, generator=g).item()
    return u, bisect_left(cdf, u)


def walk(next_row: Callable[[int], list[float]], g: torch.Generator, max_len: int) -> Iterator[tuple[float, int]]:
    """(u, chosen) for each draw of one name from row 0, ending with the boundary or after max_len + 1 draws.

    `next_row(symbol)` gives the cumulative row to draw the symbol after `symbol` from (n-gram models keep
    their own context behind it).
    """
    row = next_row(0)
    for _ in range(max_len + 1):
        u, nxt = draw(row, g)
        yield u, nxt
        if nxt == 0:
            return
        row = next_row(nxt)


def as_sequence(drawn: list[int], max_len: int) -> list[int]:
    """The symbols a name was made of, wrapped as [0, ..., 0]: a name cut at max_len keeps no end."""
    seq = [0, *drawn]
    return seq if seq[-1] == 0 and len(seq) > 1 else seq[: max_len + 1]


def check_seed(seed: int) -> int:
    """A seed torch's generator takes as it is: an integer 0 .. 2**64 - 1 (a negative one would wrap around)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
        raise ValueError(f"the seed must be an integer from 0 to 2**64 - 1, not {seed!r}")
    return seed


def _check(method: str, max_len: int) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    if max_len < 1:
        raise ValueError("max_len must be at least 1")


def sample_ids(probs: torch.Tensor, n: int, *, seed: int = LECTURE_SEED, method: str = "lecture",
               max_len: int = SETTINGS.max_name_len) -> list[list[int]]:
    """`n` names as drawn symbol indices [0, ..., 0], one after another from one seeded generator."""
    _check(method, max_len)
    g = torch.Generator().manual_seed(check_seed(seed))
    if method == "lecture":
        cdf = lecture_cdf(probs.double().numpy()).tolist()
        return [as_sequence([c for _, c in walk(cdf.__getitem__, g, max_len)], max_len) for _ in range(n)]
    table = probs.float()
    out = []
    for _ in range(n):
        drawn, ix = [], 0
        for _ in range(max_len + 1):
            ix = torch.multinomial(table[ix], num_samples=1, replacement=True, generator=g).item()
            drawn.append(ix)
            if ix == 0:
                break
        out.append(as_sequence(drawn, max_len))
    return out


def sample(probs: torch.Tensor, vocab: Vocab, n: int, *, seed: int = LECTURE_SEED, method: str = "lecture",
           max_len: int = SETTINGS.max_name_len) -> list[str]:
    """`n` names drawn one after another from one seeded generator, without the end token."""
    return [vocab.decode(s) for s in sample_ids(probs, n, seed=seed, method=method, max_len=max_len)]


def trace(probs: torch.Tensor, *, seed: int = LECTURE_SEED, max_len: int = SETTINGS.max_name_len) -> list[Draw]:
    """Every draw of the first lecture-method name for `seed`: what a learner steps through."""
    _check("lecture", max_len)
    cdf = lecture_cdf(probs.double().numpy()).tolist()
    draws, row = [], 0
    for u, chosen in walk(cdf.__getitem__, torch.Generator().manual_seed(check_seed(seed)), max_len):
        draws.append(Draw(row, u, cdf[row], chosen))
        row = chosen
    return draws


def trace_rows(draws: list[Draw], vocab: Vocab) -> pd.DataFrame:
    """One row per draw: from, u, the chosen symbol's slice [low, high) of the cumulative sum, name so far."""
    rows, name = [], ""
    for step, d in enumerate(draws, start=1):
        if d.chosen != 0:
            name += vocab.itos[d.chosen]
        rows.append({
            "step": step,
            "from": vocab.itos[d.row],
            "u": d.u,
            "chosen": vocab.itos[d.chosen],
            "low": d.cumsum[d.chosen - 1] if d.chosen > 0 else 0.0,
            "high": d.cumsum[d.chosen],
            "so far": name,
        })
    return pd.DataFrame(rows)


def model_table(counts: torch.Tensor, smoothing: float, model: str) -> torch.Tensor:
    """The table a sampling model draws from: the counts' P, or every next symbol equally likely."""
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, not {model!r}")
    return uniform_probs(counts.shape[0]) if model == "uniform" else to_probs(counts, smoothing)


def samples_table(seqs: list[list[int]], vocab: Vocab, dataset: set[str], probs: torch.Tensor) -> pd.DataFrame:
    """One row per drawn name: name, new (not in the dataset), nll under `probs` of exactly the symbols drawn."""
    return pd.DataFrame({
        "name": [vocab.decode(s) for s in seqs],
        "new": [vocab.decode(s) not in dataset for s in seqs],
        "nll": sequence_nlls(seqs, probs) if seqs else np.array([]),
    })


def draw_samples(counts: torch.Tensor, vocab: Vocab, dataset: set[str], smoothing: float, model: str, n: int,
                 seed: int) -> pd.DataFrame:
    """The sampling page's table: n names from `model` ('uniform' draws the lecture's way), each scored by the
    counting model at this smoothing."""
    table = model_table(counts, smoothing, model)
    seqs = sample_ids(table, n, seed=seed, method="torch" if model == "torch" else "lecture")
    return samples_table(seqs, vocab, dataset, to_probs(counts, smoothing))


def side_by_side(tables: dict[str, torch.Tensor], scored_by: torch.Tensor, vocab: Vocab, n: int, seed: int
                 ) -> tuple[pd.DataFrame, dict[str, float]]:
    """n names from each table with the same seed, each scored by `scored_by` on exactly the symbols drawn.

    The sampler rescales every row to sum to 1 before it draws, so even a table whose rows do not sum to 1
    (the broadcasting bug's) gives names. Returns columns "<side>: name" and "<side>: NLL", and each side's
    average NLL over all the bigrams of its names.
    """
    columns, pooled = {}, {}
    for side, table in tables.items():
        seqs = sample_ids(table, n, seed=seed)
        nlls = sequence_nlls(seqs, scored_by)
        lengths = np.array([len(s) - 1 for s in seqs])
        columns[f"{side}: name"] = [vocab.decode(s) for s in seqs]
        columns[f"{side}: NLL"] = nlls
        pooled[side] = float((nlls * lengths).sum() / lengths.sum())
    return pd.DataFrame(columns), pooled
