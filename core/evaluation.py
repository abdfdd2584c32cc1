"""Evaluation: where a name ranks among the dataset's, whether the model generalises to held-out names
(train/dev loss against smoothing and regularisation), and what samples get wrong about real names."""

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from .bigram import breakdown, count_bigrams, nll_from_counts, to_probs
from .data import Split, Vocab, split_words, words_of_bigrams
from .neural import converged_weights, net_probs
from .settings import SETTINGS

# --- one name against the dataset -----------------------------------------------------------------------


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


# --- held-out names -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sweep:
    """Train and dev NLL at each value of one knob (smoothing k or regularisation strength)."""

    values: np.ndarray  # (n,) ascending, values[0] == 0
    train: np.ndarray  # (n,) NLL on the part the model was built from
    dev: np.ndarray  # (n,) NLL on the held-out part; inf where a dev bigram gets P = 0

    @property
    def best_index(self) -> int:
        """Where dev NLL is lowest (the smallest value on a tie)."""
        return int(np.argmin(self.dev))

    @property
    def best(self) -> float:
        return float(self.values[self.best_index])

    def at(self, value: float) -> tuple[float, float]:
        """(train, dev) NLL at a value that is on the sweep."""
        i = int(np.flatnonzero(self.values == value)[0])
        return float(self.train[i]), float(self.dev[i])

    def best_among(self, options) -> float:
        """The option with the lowest dev NLL (the smallest on a tie); options must be on the sweep."""
        return min(sorted(options), key=lambda v: self.at(v)[1])


@dataclass(frozen=True)
class PlusOne:
    """What the lecture's +1 does to held-out names compared with the raw counts (k = 0)."""

    dev_k0: float  # dev NLL at k = 0: inf as soon as one dev bigram never occurs in train
    dev_k1: float
    n_dev: int
    n_unseen: int  # dev names with at least one bigram that never occurs in train
    seen_k0: float  # dev NLL at k = 0 over the other dev names (nan if there are none)
    seen_k1: float  # the same names at k = 1
    unseen_k1: float  # dev NLL at k = 1 over the n_unseen names (nan if there are none)

    @property
    def dev_cost(self) -> float:
        """What +1 adds to the dev loss (negative: what it saves)."""
        return self.dev_k1 - self.dev_k0

    @property
    def n_seen(self) -> int:
        """Dev names whose bigrams all occur in train."""
        return self.n_dev - self.n_unseen

    @property
    def seen_cost(self) -> float:
        """What +1 adds to the loss of the dev names whose bigrams all occur in train."""
        return self.seen_k1 - self.seen_k0


@dataclass(frozen=True)
class HeldOut:
    """The counting model built on the train part, scored on the dev part."""

    sizes: tuple[int, int, int]  # names in train, dev, test
    train_counts: torch.Tensor  # (V, V) int64
    dev_counts: torch.Tensor  # (V, V) int64
    smoothing: Sweep
    plus_one: PlusOne
    dev_only_chars: list[str]  # characters of dev names that no train name uses


def split_counts(split: Split, vocab: Vocab) -> tuple[torch.Tensor, torch.Tensor]:
    """Bigram counts of the train and dev parts over the whole dataset's vocabulary. (V, V) each.

    The vocabulary comes from every name so the table has a row and a column for a character
    that only dev names use; with nothing counted for it, such a bigram is simply unseen.
    """
    return count_bigrams(split.train, vocab), count_bigrams(split.dev, vocab)


def held_out(words: list[str], vocab: Vocab, seed: int, ks=SETTINGS.dev_smoothing_grid) -> HeldOut:
    """Split the words (seeded 80/10/10), count the train part, and score the dev part at every k."""
    split = split_words(words, seed)
    train_counts, dev_counts = split_counts(split, vocab)
    only_dev = (train_counts.sum(1) == 0) & (dev_counts.sum(1) > 0)  # (V,) rows: a character starts a pair
    return HeldOut(
        sizes=(len(split.train), len(split.dev), len(split.test)),
        train_counts=train_counts,
        dev_counts=dev_counts,
        smoothing=smoothing_sweep(train_counts, dev_counts, ks),
        plus_one=plus_one(train_counts, split.dev, vocab),
        dev_only_chars=[vocab.itos[i] for i in only_dev.nonzero().flatten().tolist() if i != 0],
    )


def smoothing_sweep(train_counts: torch.Tensor, dev_counts: torch.Tensor, ks=SETTINGS.dev_smoothing_grid
                    ) -> Sweep:
    """Train and dev NLL of the counting model built from `train_counts`, at 0, 1 and each k."""
    values = np.unique(np.concatenate([[0.0, 1.0], np.asarray(ks, dtype=float)]))
    train, dev = [], []
    for k in values:
        P = to_probs(train_counts, float(k))
        train.append(nll_from_counts(train_counts, P))
        dev.append(nll_from_counts(dev_counts, P))
    return Sweep(values, np.array(train), np.array(dev))


def reg_sweep(train_counts: torch.Tensor, dev_counts: torch.Tensor, regs=SETTINGS.reg_grid,
              steps: int = SETTINGS.reg_steps) -> Sweep:
    """Train and dev NLL (no reg term) of the net trained on `train_counts` at each strength.

    Strengths go from strongest to weakest, each starting where the previous one stopped, so the
    weak ones (slow to converge) start close to their optimum. Deterministic: no random start.
    """
    values = np.array(sorted(regs), dtype=float)
    out, W = {}, None
    for reg in values[::-1]:
        W = converged_weights(train_counts, float(reg), W=W, max_steps=steps)
        P = net_probs(W.double())
        out[reg] = (nll_from_counts(train_counts, P), nll_from_counts(dev_counts, P))
    return Sweep(values, np.array([out[r][0] for r in values]), np.array([out[r][1] for r in values]))


def unseen_in(train_counts: torch.Tensor, words: list[str], vocab: Vocab) -> np.ndarray:
    """For each word: does it contain a bigram that never occurs in the counts? (W,) bool."""
    first, nxt = vocab.bigram_indices(words)  # (B,), (B,)
    zero = (train_counts[torch.from_numpy(first), torch.from_numpy(nxt)] == 0).numpy()  # (B,)
    return np.bincount(words_of_bigrams(words), weights=zero, minlength=len(words)) > 0


def _nll(train_counts: torch.Tensor, words: list[str], vocab: Vocab, k: float) -> float:
    if not words:
        return float("nan")
    return nll_from_counts(count_bigrams(words, vocab), to_probs(train_counts, k))


def plus_one(train_counts: torch.Tensor, dev_words: list[str], vocab: Vocab) -> PlusOne:
    """Dev NLL at k = 0 and k = 1, overall and split by whether a dev name has an unseen bigram."""
    unseen = unseen_in(train_counts, dev_words, vocab)
    seen_words = [w for w, u in zip(dev_words, unseen, strict=True) if not u]
    unseen_words = [w for w, u in zip(dev_words, unseen, strict=True) if u]
    return PlusOne(
        dev_k0=_nll(train_counts, dev_words, vocab, 0.0),
        dev_k1=_nll(train_counts, dev_words, vocab, 1.0),
        n_dev=len(dev_words),
        n_unseen=int(unseen.sum()),
        seen_k0=_nll(train_counts, seen_words, vocab, 0.0),
        seen_k1=_nll(train_counts, seen_words, vocab, 1.0),
        unseen_k1=_nll(train_counts, unseen_words, vocab, 1.0),
    )


def shares(data_values: list, sampled_values: list) -> pd.DataFrame:
    """Share of each value among the dataset's and the samples' values, side by side, sorted by value.

    Columns "dataset" and "sampled" each sum to 1 (0 for a value one side never has).
    """
    table = pd.DataFrame({
        "dataset": pd.Series(Counter(data_values), dtype=float),
        "sampled": pd.Series(Counter(sampled_values), dtype=float),
    }).fillna(0.0).sort_index()
    return table / table.sum().replace(0.0, 1.0)


def total_variation(table: pd.DataFrame) -> float:
    """Half the summed gap between the two share columns: 0 = same distribution, 1 = nothing in common."""
    return float((table["dataset"] - table["sampled"]).abs().sum() / 2)


def name_features(words: list[str]) -> dict[str, list]:
    """Length, first letter and last letter of each name (an empty name has only a length)."""
    return {
        "length": [len(w) for w in words],
        "first letter": [w[0] for w in words if w],
        "last letter": [w[-1] for w in words if w],
    }


@dataclass(frozen=True)
class SampleReport:
    """Sampled names set against the dataset's: what one character of context cannot capture."""

    tables: dict[str, pd.DataFrame]  # feature -> shares(dataset, sampled), see `shares`
    one_letter: tuple[float, float]  # share of 1-letter names: dataset, sampled
    longest: int  # the dataset's longest name
    beyond_longest: float  # share of samples longer than that
    empty: int  # samples with no letter at all (the end drawn first)


def sample_report(words: list[str], sampled: list[str]) -> SampleReport:
    data, samp = name_features(words), name_features(sampled)
    tables = {what: shares(data[what], samp[what]) for what in data}
    one = tables["length"].reindex([1], fill_value=0.0).iloc[0]
    longest = max(data["length"])
    return SampleReport(
        tables=tables,
        one_letter=(float(one["dataset"]), float(one["sampled"])),
        longest=longest,
        beyond_longest=sum(n > longest for n in samp["length"]) / max(len(sampled), 1),
        empty=sum(n == 0 for n in samp["length"]),
    )


def copies(names: list[str], words: Collection[str]) -> int:
    """How many of `names` are among `words`: samples that copy a name the model was counted from."""
    return sum(name in words for name in names)


def distinct_names(words: list[str]) -> tuple[list[str], np.ndarray]:
    """Each name once, in order of first appearance, with how often it occurs. (D,) int64 counts."""
    counts = Counter(words)
    return list(counts), np.fromiter(counts.values(), dtype=np.int64, count=len(counts))


def ranked_names(names: list[str], counts: np.ndarray, nlls: np.ndarray) -> pd.DataFrame:
    """One row per distinct name, lowest NLL first: rank (ties share the best rank), name, nll, count.

    Ties keep the names' order; numpy's stable argsort is much faster than sorting on names too.
    """
    order = np.argsort(nlls, kind="stable")  # (D,)
    ordered = np.asarray(nlls)[order]
    return pd.DataFrame({
        "rank": np.searchsorted(ordered, ordered, side="left") + 1,
        "name": [names[i] for i in order],
        "nll": ordered,
        "count": np.asarray(counts)[order],
    })
