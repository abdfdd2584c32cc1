"""Counting models with n = 1..4 characters of context: sharper guesses, but a table of V^n rows.

n = 1 is the lecture's bigram model. Each word is padded with n boundaries in front and one at
the end ('...emma.' for n = 3), so the first letter is predicted from the context '...'.
A context is one integer: its n symbol indices as base-V digits, the oldest first.
Only the (context, next) pairs seen in training are stored, sorted: neither the V^n table nor a
row of V counts per seen context is ever built (V = 257 and millions of contexts would be gigabytes).
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd
import torch

from .bigram import check_smoothing
from .data import Vocab
from .sampling import as_sequence, check_seed, lecture_cdf, walk
from .settings import SETTINGS

MAX_N = SETTINGS.max_context
DENSE_IDS = 2**20  # (context, next) ids below this are counted with bincount (O(E)) instead of a sort


@dataclass(frozen=True)
class NgramModel:
    vocab: Vocab
    n: int  # characters of context
    contexts: np.ndarray  # (C,) int64 sorted ids of the contexts seen in training
    totals: np.ndarray  # (C,) int64 how often each context occurred
    pairs: np.ndarray  # (P,) int64 sorted ids context * V + next of the (context, next) pairs seen in training
    pair_counts: np.ndarray  # (P,) int64 how often each pair occurred

    @property
    def counts(self) -> np.ndarray:
        """(C, V) int64 the seen contexts' rows of counts, dense: C x V cells, for looking at a small model."""
        V = len(self.vocab)
        out = np.zeros((len(self.contexts), V), dtype=np.int64)
        out[np.searchsorted(self.contexts, self.pairs // V), self.pairs % V] = self.pair_counts
        return out

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


def _contexts(first: np.ndarray, V: int, n_max: int) -> Iterator[np.ndarray]:
    """Context ids for n = 1, 2, ..., n_max of each bigram (first, next) of words laid end to end: its first
    symbol and up to n - 1 symbols before it within its word, padded with boundaries. (E,) int64, one array
    updated in place: use each context before asking for the next.

    The context of length n is the one of length n - 1 plus the symbol n - 1 places back as the oldest digit.
    """
    ctx = first.astype(np.int64)  # n = 1: the first symbol itself (a copy: first stays as it is)
    # (E,) whether `lag` places back is still inside the word (its starting boundary included): true for lag 1
    # unless the bigram starts the word, then false from the lag that passes the word's start
    inside = first != 0
    back = np.empty_like(ctx)
    yield ctx
    for lag in range(1, n_max):
        back[:lag] = 0
        np.multiply(first[:-lag], inside[lag:], out=back[lag:])  # before the word: the boundary, 0
        back *= V**lag
        ctx += back
        inside[lag:] &= first[:-lag] != 0
        yield ctx


def examples(words: list[str], vocab: Vocab, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(context id, next index) of every n-gram of `words`, each word padded. (E,), (E,) int64."""
    _check_n(n)
    # The bigram pairs of all words laid end to end: '.emma.ava.' as (first, next).
    first, nxt = vocab.bigram_indices(words)  # (E,), (E,)
    *_, ctx = _contexts(first, len(vocab), n)
    return ctx, nxt


def _count(ctx: np.ndarray, nxt: np.ndarray, vocab: Vocab, n: int) -> NgramModel:
    V = len(vocab)
    # one integer per pair (at most 257^5 ≈ 1.1e12 with the loader's 256 characters: fits int64)
    ids = ctx * V + nxt  # (E,)
    if V ** (n + 1) <= DENSE_IDS:
        freq = np.bincount(ids)
        pairs = np.flatnonzero(freq)
        pair_counts = freq[pairs]
    else:
        pairs, pair_counts = np.unique(ids, return_counts=True)
    owner = pairs // V  # (P,) sorted: each context's pairs are contiguous
    starts = np.flatnonzero(np.diff(owner, prepend=-1))
    return NgramModel(vocab, n, owner[starts], np.add.reduceat(pair_counts, starts), pairs, pair_counts)


def fit(words: list[str], vocab: Vocab, n: int) -> NgramModel:
    """Count every (context, next) pair of `words`, keeping only the pairs and contexts that occur."""
    if not words:
        raise ValueError("no words to count")
    return _count(*examples(words, vocab, n), vocab, n)


def _lookup(sorted_ids: np.ndarray, values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """values[i] where sorted_ids[i] == id, 0 for an id that is not there. (E,)"""
    i = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
    return np.where(sorted_ids[i] == ids, values[i], 0)


def _probs(pair_counts: np.ndarray, totals: np.ndarray, smoothing: float, V: int) -> np.ndarray:
    """(count + k) / (total + k V); a context never seen (total 0 at k = 0) gets the uniform 1 / V."""
    k = check_smoothing(smoothing)
    total = totals + k * V
    return np.divide(pair_counts + k, total, out=np.full(len(totals), 1.0 / V), where=total > 0)


def probs(model: NgramModel, ctx: np.ndarray, nxt: np.ndarray, smoothing: float) -> np.ndarray:
    """P(next | context) with k fake counts per cell. (E,) float64.

    A context never seen in training has no counts: its row is uniform. For k > 0 that is what
    the fake counts give anyway; at k = 0 it is their limit as k -> 0, and the same choice
    core.to_probs makes for an empty row. So at k = 0 an infinite loss comes only from a seen
    context followed by a symbol it was never followed by in training.
    """
    V = len(model.vocab)
    counts = _lookup(model.pairs, model.pair_counts, ctx * V + nxt)
    return _probs(counts, _lookup(model.contexts, model.totals, ctx), smoothing, V)


@dataclass(frozen=True)
class Scored:
    """Some words' n-grams as one model sees them, grouped by all their probability depends on: how often
    training saw the n-gram and its context. Built once per model and word list; the NLL at any k is then
    a sum over a few groups."""

    V: int
    pair_counts: np.ndarray  # (D,) int64 training count of the n-gram (context, next)
    totals: np.ndarray  # (D,) int64 training count of its context; 0 = a context training never saw
    weights: np.ndarray  # (D,) int64 how many of the words' n-grams are in this group

    @property
    def unseen_share(self) -> float:
        """Share of the n-grams whose context never occurred in training."""
        return float(self.weights[self.totals == 0].sum() / self.weights.sum())

    def nll(self, smoothing: float) -> float:
        """Average negative log-likelihood over the n-grams; inf if any has P = 0."""
        p = _probs(self.pair_counts, self.totals, smoothing, self.V)  # (D,)
        if (p == 0).any():
            return math.inf
        return float(-(self.weights * np.log(p)).sum() / self.weights.sum())


def _group(V: int, pair_counts: np.ndarray, totals: np.ndarray, weights: np.ndarray) -> Scored:
    scale = int(totals.max(initial=0)) + 1  # a pair count never exceeds its context's total
    codes, keys = pd.factorize(totals * scale + pair_counts)  # hashing: far fewer groups than n-grams, no sort
    return Scored(V, keys % scale, keys // scale, np.bincount(codes, weights=weights).astype(np.int64))


def _score(model: NgramModel, ctx: np.ndarray, nxt: np.ndarray) -> Scored:
    if len(ctx) == 0:
        raise ValueError("no words to score")
    V = len(model.vocab)
    ids = np.sort(ctx * V + nxt)  # (E,) in order, so the lookups walk the sorted tables once (order does not matter)
    counts = _lookup(model.pairs, model.pair_counts, ids)
    return _group(V, counts, _lookup(model.contexts, model.totals, ids // V), np.ones(len(ids), dtype=np.int64))


def score(model: NgramModel, words: list[str]) -> Scored:
    """The n-grams of `words` as `model` sees them, ready to give their loss at any smoothing."""
    return _score(model, *examples(words, model.vocab, model.n))


def own_ngrams(model: NgramModel) -> Scored:
    """The training words' n-grams, straight from the counts: each seen pair, as often as it occurred."""
    owner = model.pairs // len(model.vocab)  # (P,) sorted: a context's pairs are contiguous
    totals = model.totals[np.cumsum(np.diff(owner, prepend=-1) != 0) - 1]  # (P,) each pair's context total
    return _group(len(model.vocab), model.pair_counts, totals, model.pair_counts)


def unseen_share(model: NgramModel, words: list[str]) -> float:
    """Share of the n-grams of `words` whose context never occurred in training."""
    return score(model, words).unseen_share


def nll(model: NgramModel, words: list[str], smoothing: float) -> float:
    """Average negative log-likelihood over every n-gram of `words`; inf if any has P = 0."""
    return score(model, words).nll(smoothing)


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

    @property
    def dense_bytes(self) -> int:
        """The full V^(n+1) count table as int64: 8 bytes a cell."""
        return 8 * self.cells


def _summary(model: NgramModel, train: Scored, dev: Scored, smoothing: float) -> Summary:
    return Summary(model.n, model.table_contexts, model.table_cells, len(model.contexts), model.seen_share,
                   dev.unseen_share, train.nll(smoothing), dev.nll(smoothing))


def summary(model: NgramModel, train: list[str], dev: list[str], smoothing: float) -> Summary:
    """Table size, coverage, and train/dev loss of one model at smoothing k."""
    return _summary(model, score(model, train), score(model, dev), smoothing)


@dataclass(frozen=True)
class Fitted:
    """One context length counted on the train part, with the train and dev n-grams ready for any smoothing."""

    model: NgramModel
    train: Scored
    dev: Scored

    def summary(self, smoothing: float) -> Summary:
        """`summary` at smoothing k, without reading the words again."""
        return _summary(self.model, self.train, self.dev, smoothing)


def fit_split(train: list[str], dev: list[str], vocab: Vocab, ns=range(1, MAX_N + 1)) -> list[Fitted]:
    """A model for each context length in `ns`, counted on `train`, with its train and dev n-grams grouped.

    The words become symbol indices once; each n only reads their contexts again.
    """
    if not train:
        raise ValueError("no words to count")
    V = len(vocab)
    (train_first, train_next), (dev_first, dev_next) = vocab.bigram_indices(train), vocab.bigram_indices(dev)
    for n in ns:
        _check_n(n)
    out = []
    contexts = zip(_contexts(train_first, V, max(ns)), _contexts(dev_first, V, max(ns)))
    for n, (train_ctx, dev_ctx) in enumerate(contexts, start=1):
        if n in ns:
            model = _count(train_ctx, train_next, vocab, n)
            out.append(Fitted(model, own_ngrams(model), _score(model, dev_ctx, dev_next)))
    return out


def train_falls(rows: list[Summary]) -> bool:
    """Does the train loss fall with every extra character of context?"""
    return all(a.train_nll > b.train_nll for a, b in pairwise(rows))


def fake_counts(seen: int, V: int, smoothing: float) -> tuple[float, float]:
    """The fake counts in the row of a context seen `seen` times (k in each of its V cells), and their share."""
    fake = V * check_smoothing(smoothing)
    return fake, fake / (seen + fake)


def best_context(rows: list[Summary]) -> int | None:
    """The context length with the lowest finite dev loss (the shortest on a tie); None if every one is inf."""
    finite = [r for r in rows if math.isfinite(r.dev_nll)]
    return min(finite, key=lambda r: r.dev_nll).n if finite else None
