"""The counting model: bigram counts N, probabilities P, and the average negative log-likelihood."""

import math

import numpy as np
import pandas as pd
import torch

from .vocab import Vocab


def count_bigrams(words: list[str], vocab: Vocab) -> torch.Tensor:
    """N[i, j] = how often character j follows character i. (V, V) int64."""
    first, nxt = vocab.bigram_indices(words)
    V = len(vocab)
    # numpy's bincount: torch's spreads this small job over threads and stalls on a busy machine
    return torch.from_numpy(np.bincount(first * V + nxt, minlength=V * V)).view(V, V)


def check_smoothing(smoothing: float) -> float:
    if isinstance(smoothing, bool) or not isinstance(smoothing, (int, float)):
        raise ValueError(f"smoothing must be a number, not {smoothing!r}")
    if not math.isfinite(smoothing) or smoothing < 0:
        raise ValueError(f"smoothing must be a finite number >= 0, not {smoothing!r}")
    return float(smoothing)


def to_probs(counts: torch.Tensor, smoothing: float = 1.0) -> torch.Tensor:
    """P = (N + k) / row sums, in float64. A row with no counts at k = 0 becomes uniform."""
    k = check_smoothing(smoothing)
    P = counts.double() + k
    sums = P.sum(1, keepdim=True)  # keepdim: (V, 1) divides rows; (V,) would divide columns
    empty = (sums == 0).squeeze(1)
    P[empty] = 1.0
    sums[empty] = P.shape[1]
    return P / sums


def nll(words: list[str], probs: torch.Tensor, vocab: Vocab) -> float:
    """Average negative log-likelihood over every bigram of `words`; inf if any has P = 0."""
    first, nxt = vocab.bigram_indices(words)
    p = probs.double()[torch.from_numpy(first), torch.from_numpy(nxt)]
    if len(p) == 0:
        raise ValueError("no words to score")
    if (p == 0).any():
        return math.inf
    return float(-p.log().mean())


def nll_from_counts(counts: torch.Tensor, probs: torch.Tensor) -> float:
    """The same average NLL as `nll` for the words N was counted from, in O(V^2): sum N*-log P / sum N."""
    N, P = counts.double(), probs.double()
    if ((N > 0) & (P == 0)).any():
        return math.inf
    seen = N > 0  # 0 * log 0 would be NaN; unseen pairs add nothing
    return float(-(N[seen] * P[seen].log()).sum() / N.sum())


def breakdown(word: str, probs: torch.Tensor, vocab: Vocab, counts: torch.Tensor | None = None) -> pd.DataFrame:
    """One row per bigram of `word`: bigram, (count,) prob, logprob, nll. Unknown characters raise."""
    ids = vocab.encode(word)
    first, nxt = torch.tensor(ids[:-1]), torch.tensor(ids[1:])
    p = probs.double()[first, nxt]
    logp = p.log()  # log 0 = -inf: an unseen pair at smoothing 0
    df = pd.DataFrame(
        {
            "bigram": [vocab.itos[a] + vocab.itos[b] for a, b in zip(ids, ids[1:])],
            "prob": p.numpy(),
            "logprob": logp.numpy(),
            "nll": (-logp).numpy(),
        }
    )
    if counts is not None:
        df.insert(1, "count", counts[first, nxt].numpy())
    return df
