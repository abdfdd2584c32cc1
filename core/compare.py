"""Two datasets side by side: one shared alphabet, both count tables in it, and how far apart their models are.

Two lists may use different characters (an upload with accents or CJK against a year of US names),
so every comparison first re-indexes both count tables into the union of their vocabularies.
"""

from dataclasses import dataclass

import pandas as pd
import torch

from .bigram import Corpus, nll_from_counts, to_probs
from .data import Vocab


def union_vocab(a: Vocab, b: Vocab) -> Vocab:
    """Every character either vocabulary holds, sorted, after the boundary (shown as <.> if '.' is data)."""
    return Vocab.from_words(a.itos[1:] + b.itos[1:])  # itos[1:] are single data characters


def reindex(counts: torch.Tensor, vocab: Vocab, into: Vocab) -> torch.Tensor:
    """counts (V, V) over `vocab` placed into a (U, U) table over the larger `into`; new cells are 0."""
    # the boundary is index 0 in both, whatever its label (. or <.>)
    idx = torch.tensor([0, *(into.stoi[c] for c in vocab.itos[1:])])  # (V,) old index -> new index
    out = torch.zeros(len(into), len(into), dtype=counts.dtype)
    out[idx[:, None], idx[None, :]] = counts
    return out


@dataclass(frozen=True)
class Aligned:
    """Both count tables over one shared vocabulary: cell [i, j] means the same bigram in each."""

    vocab: Vocab
    left: torch.Tensor  # (U, U) int64
    right: torch.Tensor  # (U, U) int64

    def probs(self, smoothing: float) -> tuple[torch.Tensor, torch.Tensor]:
        """Each side's P over the shared alphabet: (U, U) float64 each. A row a side never uses is uniform."""
        return to_probs(self.left, smoothing), to_probs(self.right, smoothing)


def align(left: Corpus, right: Corpus) -> Aligned:
    vocab = union_vocab(left.vocab, right.vocab)
    return Aligned(vocab, reindex(left.counts, left.vocab, vocab), reindex(right.counts, right.vocab, vocab))


@dataclass(frozen=True)
class CrossNLL:
    """Average NLL of each side's names under each side's model, all over the shared alphabet."""

    left_by_left: float  # left's names, left's model: its own loss
    right_by_left: float  # right's names scored by left's model
    left_by_right: float
    right_by_right: float

    @property
    def right_extra(self) -> float:
        """What it costs (per bigram) to score right's names with left's model instead of their own."""
        return self.right_by_left - self.right_by_right

    @property
    def left_extra(self) -> float:
        return self.left_by_right - self.left_by_left


def cross_nll(aligned: Aligned, smoothing: float) -> CrossNLL:
    # sum N * -log P / sum N needs only the counts of the names scored, never the words again
    pl, pr = aligned.probs(smoothing)
    return CrossNLL(
        left_by_left=nll_from_counts(aligned.left, pl),
        right_by_left=nll_from_counts(aligned.right, pl),
        left_by_right=nll_from_counts(aligned.left, pr),
        right_by_right=nll_from_counts(aligned.right, pr),
    )


def prob_change(aligned: Aligned, smoothing: float) -> torch.Tensor:
    """P right - P left over the shared alphabet: > 0 where a bigram is more likely on the right. (U, U)"""
    pl, pr = aligned.probs(smoothing)
    return pr - pl


def top_changes(aligned: Aligned, smoothing: float, n: int = 10) -> pd.DataFrame:
    """The n bigrams whose P moved most either way (|P right − P left|, ties in vocabulary order)."""
    pl, pr = aligned.probs(smoothing)
    d = prob_change(aligned, smoothing).flatten()  # (U*U,) row-major: index = first * U + next
    order = torch.sort(d.abs(), descending=True, stable=True).indices[:n]
    U, itos = len(aligned.vocab), aligned.vocab.itos
    first, nxt = (order // U).tolist(), (order % U).tolist()
    return pd.DataFrame(
        {
            "bigram": [itos[a] + itos[b] for a, b in zip(first, nxt)],
            "P left": pl.flatten()[order].numpy(),
            "P right": pr.flatten()[order].numpy(),
            "change": d[order].numpy(),
            "count left": aligned.left.flatten()[order].numpy(),
            "count right": aligned.right.flatten()[order].numpy(),
            "first": [itos[a] for a in first],  # the bigram's two symbols, for a display that shows each apart
            "next": [itos[b] for b in nxt],
        }
    )
