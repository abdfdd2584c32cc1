"""Counting models with n = 1..4 characters of context: sharper guesses, but a table of V^n rows.

n = 1 is the lecture's bigram model. Each word is padded with n boundaries in front and one at
the end ('...emma.' for n = 3), so the first letter is predicted from the context '...'.
A context is one integer: its n symbol indices as base-V digits, the oldest first.
Only the contexts seen in training get a row of counts; the V^n table is never built.
"""

import math
from dataclasses import dataclass

import numpy as np
import torch

from .bigram import check_smoothing
from .data import Vocab
from .sampling import as_sequence, check_seed, lecture_cdf, walk
from .settings import SETTINGS

MAX_N = SETTINGS.max_context


@dataclass(frozen=True)
class NgramModel:
    vocab: Vocab
    n: int  # characters of context
    contexts: np.ndarray  # (C,) int64 sorted ids of the contexts seen in training
    counts: np.ndarray  # (C, V) int64 how often each symbol followed each seen context
    totals: np.ndarray  # (C,) int64 row sums of counts: how often each context occurred

    @property
    def table_contexts(self) -> int:
        """Rows of the full table: every possible context, V^n."""
        return len(self.vocab) ** self.n

    @property
    def table_cells(self) -> int:
        """Cells of the full table, V^(n+1): what a dense count tensor would hold."""
        return len(self.vocab) ** (self.n + 1)

    @property
    def seen_share(self) -> float:
        """Share of the V^n possible contexts that occurred in training."""
        return len(self.contexts) / self.table_contexts


def _check_n(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_N:
        raise ValueError(f"n (characters of context) must be an integer from 1 to {MAX_N}, not {n!r}")


def examples(words: list[str], vocab: Vocab, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(context id, next index) of every n-gram of `words`, each word padded. (E,), (E,) int64."""
    _check_n(n)
    # The bigram pairs of all words laid end to end: '.emma.ava.' as (first, next). Every
    # pair's context is its first symbol and up to n - 1 symbols before it, within its word.
    first, nxt = vocab.bigram_indices(words)  # (E,), (E,)
    pos = np.arange(len(first))
    # where the current word starts: the latest boundary at or before each position
    start = np.maximum.accumulate(np.where(first == 0, pos, 0))  # (E,)
    V = len(vocab)
    ctx = np.zeros(len(first), dtype=np.int64)
    for lag in range(n - 1, -1, -1):  # oldest digit first
        back = pos - lag
        symbol = np.where(back >= start, first[np.maximum(back, 0)], 0)  # before the word: padding
        ctx = ctx * V + symbol
    return ctx, nxt


def fit(words: list[str], vocab: Vocab, n: int) -> NgramModel:
    """Count every (context, next) pair of `words`, keeping a row only for contexts that occur."""
    if not words:
        raise ValueError("no words to count")
    ctx, nxt = examples(words, vocab, n)
    V = len(vocab)
    # one integer per pair (at most 257^5 ≈ 1.1e12 with the loader's 256 characters: fits int64)
    pairs, freq = np.unique(ctx * V + nxt, return_counts=True)
    contexts, row = np.unique(pairs // V, return_inverse=True)
    counts = np.zeros((len(contexts), V), dtype=np.int64)
    counts[row, pairs % V] = freq
    return NgramModel(vocab, n, contexts, counts, counts.sum(1))


def _rows(model: NgramModel, ctx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row index into model.counts for each context id, and whether the context was seen. (E,), (E,)"""
    i = np.searchsorted(model.contexts, ctx)
    i = np.minimum(i, len(model.contexts) - 1)
    return i, model.contexts[i] == ctx


def unseen_share(model: NgramModel, words: list[str]) -> float:
    """Share of the n-grams of `words` whose context never occurred in training."""
    ctx, _ = examples(words, model.vocab, model.n)
    if len(ctx) == 0:
        raise ValueError("no words to score")
    return float(1 - _rows(model, ctx)[1].mean())


def probs(model: NgramModel, ctx: np.ndarray, nxt: np.ndarray, smoothing: float) -> np.ndarray:
    """P(next | context) with k fake counts per cell. (E,) float64.

    A context never seen in training has no counts: its row is uniform. For k > 0 that is what
    the fake counts give anyway; at k = 0 it is their limit as k -> 0, and the same choice
    core.to_probs makes for an empty row. So at k = 0 an infinite loss comes only from a seen
    context followed by a symbol it was never followed by in training.
    """
    k = check_smoothing(smoothing)
    V = len(model.vocab)
    i, seen = _rows(model, ctx)
    count = np.where(seen, model.counts[i, nxt], 0) + k
    total = np.where(seen, model.totals[i], 0) + k * V
    return np.divide(count, total, out=np.full(len(ctx), 1.0 / V), where=total > 0)


def nll(model: NgramModel, words: list[str], smoothing: float) -> float:
    """Average negative log-likelihood over every n-gram of `words`; inf if any has P = 0."""
    ctx, nxt = examples(words, model.vocab, model.n)
    if len(ctx) == 0:
        raise ValueError("no words to score")
    p = probs(model, ctx, nxt, smoothing)
    if (p == 0).any():
        return math.inf
    return float(-np.log(p).mean())


def sample(model: NgramModel, num: int, *, seed: int, smoothing: float, max_len: int = SETTINGS.max_name_len
           ) -> list[str]:
    """`num` names from one seeded generator, by inverse CDF: for n = 1 exactly core.sample's names."""
    if max_len < 1:
        raise ValueError("max_len must be at least 1")
    g = torch.Generator().manual_seed(check_seed(seed))  # -1 would wrap around to 2**64 - 1
    V, size = len(model.vocab), model.table_contexts
    cdfs: dict[int, list[float]] = {}  # rows drawn from so far

    def row(ctx: int) -> list[float]:
        if ctx not in cdfs:
            cdfs[ctx] = lecture_cdf(probs(model, np.full(V, ctx, dtype=np.int64), np.arange(V), smoothing)).tolist()
        return cdfs[ctx]

    names = []
    for _ in range(num):
        ctx = 0  # context 0 = n boundaries: the start of a name

        def next_row(symbol: int) -> list[float]:
            nonlocal ctx
            ctx = (ctx * V + symbol) % size if symbol else 0  # shift: drop the oldest symbol, append the new
            return row(ctx)

        drawn = [c for _, c in walk(next_row, g, max_len)]
        names.append(model.vocab.decode(as_sequence(drawn, max_len)))
    return names


@dataclass(frozen=True)
class Summary:
    """One row of the context-length comparison."""

    n: int
    contexts: int  # V^n
    cells: int  # V^(n+1)
    seen: int  # contexts that occurred in training
    seen_share: float
    dev_unseen_share: float  # share of dev n-grams whose context never occurred in training
    train_nll: float
    dev_nll: float


def summary(model: NgramModel, train: list[str], dev: list[str], smoothing: float) -> Summary:
    """Table size, coverage, and train/dev loss of one model at smoothing k."""
    return Summary(
        model.n, model.table_contexts, model.table_cells, len(model.contexts), model.seen_share,
        unseen_share(model, dev), nll(model, train, smoothing), nll(model, dev, smoothing),
    )


def best_context(rows: list[Summary]) -> int | None:
    """The context length with the lowest finite dev loss (the shortest on a tie); None if every one is inf."""
    finite = [r for r in rows if math.isfinite(r.dev_nll)]
    return min(finite, key=lambda r: r.dev_nll).n if finite else None
