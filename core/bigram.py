"""The counting model: bigram counts N, rows into probabilities P, and the average negative log-likelihood."""

import hashlib
import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from .data import Vocab, load_words, words_of_bigrams

# sha256 of the lecture's own names.txt (karpathy/makemore): loading it reproduces the lecture.
LECTURE_SHA256 = "0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d"


# --- counting -------------------------------------------------------------------------------------------


def count_bigrams(words: list[str], vocab: Vocab) -> torch.Tensor:
    """N[i, j] = how often character j follows character i. (V, V) int64."""
    first, nxt = vocab.bigram_indices(words)
    V = len(vocab)
    # numpy's bincount: torch's spreads this small job over threads and stalls on a busy machine
    return torch.from_numpy(np.bincount(first * V + nxt, minlength=V * V)).view(V, V)


@dataclass(frozen=True)
class Structure:
    """What the count table says at a glance."""

    top_first: tuple[str, int]  # the most common first character and its count (row 0)
    top_last: tuple[str, int]  # the most common last character and its count (column 0)
    empty_names: int  # N[0, 0]: a name with no characters; 0 for any loaded list
    unseen: int  # cells with count 0: pairs the data never shows
    row_sums_equal_col_sums: bool  # each character starts as many bigrams as it ends


def structure(counts: torch.Tensor, itos: list[str]) -> Structure:
    first, last = counts[0, 1:], counts[1:, 0]  # (V-1,) without the boundary itself
    f, l_ = int(first.argmax()) + 1, int(last.argmax()) + 1
    return Structure(
        top_first=(itos[f], int(counts[0, f])),
        top_last=(itos[l_], int(counts[l_, 0])),
        empty_names=int(counts[0, 0]),
        unseen=int((counts == 0).sum()),
        row_sums_equal_col_sums=bool(torch.equal(counts.sum(1), counts.sum(0))),
    )


def top_bigrams(counts: torch.Tensor, probs: torch.Tensor, itos: list[str], n: int = 20) -> pd.DataFrame:
    """The n most frequent bigrams seen at least once (ties in vocabulary order): bigram, count, prob, nll."""
    V = counts.shape[0]
    flat = counts.flatten()  # (V*V,) row-major: index = first * V + next
    order = torch.sort(flat, descending=True, stable=True).indices[: min(n, int((flat > 0).sum()))]
    first, nxt = (order // V).tolist(), (order % V).tolist()
    p = probs.double().flatten()[order]
    return pd.DataFrame({
        "bigram": [itos[a] + itos[b] for a, b in zip(first, nxt)],
        "count": flat[order].numpy(),
        "prob": p.numpy(),
        "nll": neg_log(p).numpy(),
    })


def followers(counts: torch.Tensor, probs: torch.Tensor, itos: list[str], i: int) -> pd.DataFrame:
    """Row i of N and of P: what follows character i, in vocabulary order (next, count, prob)."""
    return pd.DataFrame({"next": list(itos), "count": counts[i].numpy(), "prob": probs[i].double().numpy()})


# --- rows into probabilities ----------------------------------------------------------------------------


def check_smoothing(smoothing: float) -> float:
    if isinstance(smoothing, bool) or not isinstance(smoothing, (int, float)):
        raise ValueError(f"smoothing must be a number, not {smoothing!r}")
    if not math.isfinite(smoothing) or smoothing < 0:
        raise ValueError(f"smoothing must be a finite number >= 0, not {smoothing!r}")
    return float(smoothing)


def smoothed(counts: torch.Tensor, smoothing: float) -> torch.Tensor:
    """N + k in float64: what both normalisations divide."""
    return counts.double() + check_smoothing(smoothing)


def to_probs(counts: torch.Tensor, smoothing: float = 1.0) -> torch.Tensor:
    """P = (N + k) / row sums, in float64. A row with no counts at k = 0 becomes uniform."""
    P = smoothed(counts, smoothing)
    sums = P.sum(1, keepdim=True)  # keepdim: (V, 1) divides rows; (V,) would divide columns
    if not torch.isfinite(sums).all():  # k near float64's limit: the same P as (N / k + 1) / its row sums
        P = counts.double() / float(smoothing) + 1.0
        sums = P.sum(1, keepdim=True)
    empty = (sums == 0).squeeze(1)
    P[empty] = 1.0
    sums[empty] = P.shape[1]
    return P / sums


def wrong_probs(counts: torch.Tensor, smoothing: float) -> torch.Tensor:
    """The bug, literally: (N + k) / (N + k).sum(1) without keepdim.

    The sum has shape (V,), which broadcasting reads as a row (1, V): cell [i, j] is divided by
    the sum of row j, so columns sum to 1 instead of rows. Loaded data has no all-zero row.
    """
    N = smoothed(counts, smoothing)  # (V, V)
    return N / N.sum(1)  # (V, V) / (V,) -> (V, V) / (1, V)


def uniform_probs(V: int) -> torch.Tensor:
    """Every next symbol equally likely: the model that knows nothing. (V, V) float64."""
    return torch.full((V, V), 1.0 / V, dtype=torch.float64)


def sums(right: torch.Tensor, wrong: torch.Tensor, itos: list[str]) -> pd.DataFrame:
    """Row and column sums of both tables, one line per symbol."""
    return pd.DataFrame({
        "symbol": list(itos),
        "right row sum": right.sum(1).numpy(),
        "right column sum": right.sum(0).numpy(),
        "wrong row sum": wrong.sum(1).numpy(),
        "wrong column sum": wrong.sum(0).numpy(),
    })


# --- the loss -------------------------------------------------------------------------------------------


def neg_log(probs: torch.Tensor) -> torch.Tensor:
    """-log P in float64; P = 0 gives +inf (an impossible bigram), never NaN."""
    return -probs.double().log()


def uniform_nll(V: int) -> float:
    """The loss of guessing: -log(1/V) = log V for every bigram."""
    return math.log(V)


def nll(words: list[str], probs: torch.Tensor, vocab: Vocab) -> float:
    """Average negative log-likelihood over every bigram of `words`; inf if any has P = 0."""
    first, nxt = vocab.bigram_indices(words)
    if len(first) == 0:
        raise ValueError("no words to score")
    return _mean_nll(probs.double()[torch.from_numpy(first), torch.from_numpy(nxt)])


def _mean_nll(p: torch.Tensor) -> float:
    return math.inf if bool((p == 0).any()) else float(-p.log().mean())


def nll_from_counts(counts: torch.Tensor, probs: torch.Tensor) -> float:
    """The same average NLL as `nll` for the words N was counted from, in O(V^2): sum N*-log P / sum N."""
    N, P = counts.double(), probs.double()
    seen = N > 0  # 0 * log 0 would be NaN; unseen pairs add nothing; a seen pair with P = 0 gives inf
    return float(-(N[seen] * P[seen].log()).sum() / N.sum())


def word_nlls(words: list[str], probs: torch.Tensor, vocab: Vocab) -> np.ndarray:
    """Average NLL of each word over its own bigrams (boundaries included). (W,) float64, inf if P = 0."""
    first, nxt = vocab.bigram_indices(words)  # (B,), (B,): all words end to end
    return _per_sequence(probs, first, nxt, words_of_bigrams(words), len(words))


def sequence_nlls(seqs: list[list[int]], probs: torch.Tensor) -> np.ndarray:
    """Average NLL of each drawn index sequence [0, ..., 0] over its own bigrams: a sample scored on exactly
    the symbols drawn, never re-read from its text. (S,) float64."""
    first = np.fromiter((a for s in seqs for a in s[:-1]), np.int64)
    nxt = np.fromiter((b for s in seqs for b in s[1:]), np.int64)
    owner = np.repeat(np.arange(len(seqs)), [len(s) - 1 for s in seqs])
    return _per_sequence(probs, first, nxt, owner, len(seqs))


def _per_sequence(probs: torch.Tensor, first: np.ndarray, nxt: np.ndarray, owner: np.ndarray, n: int
                  ) -> np.ndarray:
    nll = -probs.double()[torch.from_numpy(first), torch.from_numpy(nxt)].log()  # (B,)
    totals = np.bincount(owner, weights=nll.numpy(), minlength=n)  # (n,) sum of -log P per sequence
    return totals / np.bincount(owner, minlength=n)


def breakdown(word: str, probs: torch.Tensor, vocab: Vocab, counts: torch.Tensor | None = None) -> pd.DataFrame:
    """One row per bigram of `word`: bigram, (count,) prob, logprob, nll. Unknown characters raise."""
    ids = vocab.encode(word)
    first, nxt = torch.tensor(ids[:-1]), torch.tensor(ids[1:])
    p = probs.double()[first, nxt]
    logp = p.log()  # log 0 = -inf: an unseen pair at smoothing 0
    df = pd.DataFrame({
        "bigram": [vocab.itos[a] + vocab.itos[b] for a, b in zip(ids, ids[1:])],
        "prob": p.numpy(),
        "logprob": logp.numpy(),
        "nll": (-logp).numpy(),
    })
    if counts is not None:
        df.insert(1, "count", counts[first, nxt].numpy())
    return df


def nll_curve(counts: torch.Tensor, ks: np.ndarray) -> np.ndarray:
    """The dataset's average NLL under its own model at each smoothing k. (len(ks),)"""
    return np.array([nll_from_counts(counts, to_probs(counts, float(k))) for k in ks])


# --- a dataset with its model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """One dataset at a glance."""

    names: int
    distinct: int  # different names (a name on both the girls' and boys' list counts once)
    symbols: int  # vocabulary size, boundary included
    shortest: int
    longest: int
    mean_length: float
    bigrams: int


@dataclass(frozen=True)
class Corpus:
    """A loaded word list with its vocabulary and bigram counts: what every view of the model starts from."""

    name: str  # what the user calls it (a file name), for display only
    digest: str  # sha256 of the raw bytes: caches key on content, never on names
    words: list[str]
    vocab: Vocab
    counts: torch.Tensor  # (V, V) int64 bigram counts

    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> "Corpus":
        words = load_words(data)
        vocab = Vocab.from_words(words)
        digest = hashlib.sha256(data).hexdigest()
        return cls(name, digest, words, vocab, count_bigrams(words, vocab))

    @property
    def is_lecture_data(self) -> bool:
        return self.digest == LECTURE_SHA256

    def length_counts(self) -> dict[int, int]:
        """How many names have each length, shortest first."""
        return dict(sorted(Counter(len(w) for w in self.words).items()))

    def char_counts(self) -> dict[str, int]:
        """How often each character occurs: each occurrence ends exactly one bigram (column sums)."""
        return {s: int(n) for s, n in zip(self.vocab.itos[1:], self.counts.sum(0)[1:])}

    def figures(self) -> Figures:
        lengths = [len(w) for w in self.words]
        return Figures(names=len(self.words), distinct=len(set(self.words)), symbols=len(self.vocab),
                       shortest=min(lengths), longest=max(lengths), mean_length=sum(lengths) / len(lengths),
                       bigrams=int(self.counts.sum()))

    def probs(self, smoothing: float) -> torch.Tensor:
        return to_probs(self.counts, smoothing)

    def nll(self, smoothing: float) -> float:
        """Average NLL of the whole dataset under its own counting model."""
        return nll_from_counts(self.counts, self.probs(smoothing))
