"""Scoring names against the counting model: per-word NLL, ranks among the dataset, samples and traces."""

import math
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from .bigrams import breakdown, nll_from_counts, to_probs
from .sampling import Draw
from .vocab import Vocab

# Smoothing values for the NLL-vs-k curve: a log axis from 0.01 (the sidebar's smallest k > 0)
# to 1e6 (where every row is practically uniform). k = 0 cannot sit on a log axis.
SMOOTHING_GRID = np.logspace(-2, 6, 81)


def uniform_probs(V: int) -> torch.Tensor:
    """Every next symbol equally likely: the model that knows nothing. (V, V) float64."""
    return torch.full((V, V), 1.0 / V, dtype=torch.float64)


def word_nlls(words: list[str], probs: torch.Tensor, vocab: Vocab) -> np.ndarray:
    """Average NLL of each word over its own bigrams (boundaries included). (W,) float64, inf if P = 0."""
    first, nxt = vocab.bigram_indices(words)  # (B,), (B,): all words end to end
    nll = -probs.double()[torch.from_numpy(first), torch.from_numpy(nxt)].log()  # (B,)
    n_bigrams = np.fromiter((len(w) + 1 for w in words), dtype=np.int64, count=len(words))  # (W,)
    word_id = torch.from_numpy(np.repeat(np.arange(len(words)), n_bigrams))  # (B,) each bigram's word
    totals = torch.bincount(word_id, weights=nll, minlength=len(words))  # (W,) sum of -log P per word
    return totals.numpy() / n_bigrams


@dataclass(frozen=True)
class Rank:
    """Where one average NLL falls among the dataset's own names' average NLLs."""

    lower: int  # dataset names with a strictly lower loss (more likely under the model)
    higher: int  # dataset names with a strictly higher loss
    total: int

    @property
    def rank(self) -> int:
        """1 = as likely as the dataset's most likely name."""
        return self.lower + 1

    @property
    def beats(self) -> float:
        """Percentage of the dataset's names this one is more likely than."""
        return 100.0 * self.higher / self.total


def rank_among(value: float, dataset_nlls: np.ndarray) -> Rank:
    """Rank of `value` (an average NLL) among `dataset_nlls`; ties count as neither lower nor higher."""
    ordered = np.sort(dataset_nlls)
    lower = int(np.searchsorted(ordered, value, side="left"))
    higher = len(ordered) - int(np.searchsorted(ordered, value, side="right"))
    return Rank(lower, higher, len(ordered))


@dataclass(frozen=True)
class NameScore:
    word: str
    table: pd.DataFrame  # core.breakdown with counts: bigram, count, prob, logprob, nll
    loglik: float  # sum of log P over the word's bigrams (-inf if one has P = 0)
    nll: float  # average -log P: the number the lecture quotes
    rank: Rank

    @property
    def unseen(self) -> list[str]:
        """Bigrams of the word with probability 0: each makes the loss infinite."""
        return self.table.loc[self.table["prob"] == 0, "bigram"].tolist()


def score_name(word: str, probs: torch.Tensor, vocab: Vocab, counts: torch.Tensor,
               dataset_nlls: np.ndarray) -> NameScore:
    """Everything the loss page shows about one name. Unknown characters raise UnknownCharacterError."""
    table = breakdown(word, probs, vocab, counts=counts)
    loglik = float(table["logprob"].sum())
    nll = -loglik / len(table)
    return NameScore(word, table, loglik, nll, rank_among(nll, dataset_nlls))


def parse_names(text: str, max_names: int) -> tuple[list[str], int]:
    """Names typed in one box, split on spaces and commas, NFC like the loader. Returns (names, dropped)."""
    names = [unicodedata.normalize("NFC", w) for w in re.split(r"[\s,]+", text) if w]
    return names[:max_names], max(0, len(names) - max_names)


def nll_curve(counts: torch.Tensor, ks: np.ndarray = SMOOTHING_GRID) -> np.ndarray:
    """The dataset's average NLL under its own model at each smoothing k. (len(ks),)"""
    return np.array([nll_from_counts(counts, to_probs(counts, float(k))) for k in ks])


def samples_table(names: list[str], dataset: set[str], probs: torch.Tensor, vocab: Vocab) -> pd.DataFrame:
    """One row per sampled name: name, new (not in the dataset), nll under `probs`."""
    return pd.DataFrame({
        "name": names,
        "new": [n not in dataset for n in names],
        "nll": word_nlls(names, probs, vocab) if names else np.array([]),
    })


def trace_table(draws: list[Draw], vocab: Vocab) -> pd.DataFrame:
    """One row per draw: from, u, the chosen symbol's slice [low, high) of the cumulative sum, name so far."""
    rows, name = [], ""
    for step, d in enumerate(draws, start=1):
        low = d.cumsum[d.chosen - 1] if d.chosen > 0 else 0.0
        if d.chosen != 0:
            name += vocab.itos[d.chosen]
        rows.append({
            "step": step,
            "from": vocab.itos[d.row],
            "u": d.u,
            "chosen": vocab.itos[d.chosen],
            "low": low,
            "high": d.cumsum[d.chosen],
            "so far": name,
        })
    return pd.DataFrame(rows)


def uniform_nll(V: int) -> float:
    """The loss of guessing: -log(1/V) = log V for every bigram."""
    return math.log(V)
