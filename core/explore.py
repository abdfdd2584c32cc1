"""What the Counts and Probabilities pages show: top bigrams, a row of N, the table's structure,
and the classic normalisation bug done literally with broadcasting."""

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import torch

from .bigrams import check_smoothing, nll
from .sampling import sample
from .vocab import Vocab


def neg_log(probs: torch.Tensor) -> torch.Tensor:
    """-log P in float64; P = 0 gives +inf (an impossible bigram), never NaN."""
    return -probs.double().log()


def top_bigrams(counts: torch.Tensor, probs: torch.Tensor, itos: list[str], n: int = 20) -> pd.DataFrame:
    """The n most frequent bigrams seen at least once (ties in vocabulary order): bigram, count, prob, nll."""
    V = counts.shape[0]
    flat = counts.flatten()  # (V*V,) row-major: index = first * V + next
    order = torch.sort(flat, descending=True, stable=True).indices[: min(n, int((flat > 0).sum()))]
    first, nxt = (order // V).tolist(), (order % V).tolist()
    p = probs.double().flatten()[order]
    return pd.DataFrame(
        {
            "bigram": [itos[a] + itos[b] for a, b in zip(first, nxt)],
            "count": flat[order].numpy(),
            "prob": p.numpy(),
            "nll": neg_log(p).numpy(),
        }
    )


def followers(counts: torch.Tensor, probs: torch.Tensor, itos: list[str], i: int) -> pd.DataFrame:
    """Row i of N and of P: what follows character i, in vocabulary order (next, count, prob)."""
    return pd.DataFrame(
        {"next": list(itos), "count": counts[i].numpy(), "prob": probs[i].double().numpy()}
    )


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


def smoothed(counts: torch.Tensor, smoothing: float) -> torch.Tensor:
    """N + k in float64: what both normalisations divide."""
    return counts.double() + check_smoothing(smoothing)


def wrong_probs(counts: torch.Tensor, smoothing: float) -> torch.Tensor:
    """The bug, literally: (N + k) / (N + k).sum(1) without keepdim.

    The sum has shape (V,), which broadcasting reads as a row (1, V): cell [i, j] is divided by
    the sum of row j, so columns sum to 1 instead of rows. Loaded data has no all-zero row.
    """
    N = smoothed(counts, smoothing)  # (V, V)
    return N / N.sum(1)  # (V, V) / (V,) -> (V, V) / (1, V)


def sums(right: torch.Tensor, wrong: torch.Tensor, itos: list[str]) -> pd.DataFrame:
    """Row and column sums of both tables, one line per symbol."""
    return pd.DataFrame(
        {
            "symbol": list(itos),
            "right row sum": right.sum(1).numpy(),
            "right column sum": right.sum(0).numpy(),
            "wrong row sum": wrong.sum(1).numpy(),
            "wrong column sum": wrong.sum(0).numpy(),
        }
    )


def samples(
    right: torch.Tensor, wrong: torch.Tensor, vocab: Vocab, n: int, seed: int
) -> tuple[pd.DataFrame, float, float]:
    """n names from each table with the same seed, each scored by the right table.

    The sampler rescales every row to sum to 1 before it draws, so from the wrong table it draws
    from rows proportional to N[i, j] / sum(N[j]). Returns the table and each side's average NLL.
    """
    good = sample(right, vocab, n, seed=seed)
    bad = sample(wrong, vocab, n, seed=seed)
    table = pd.DataFrame(
        {
            "right: name": good,
            "right: NLL": [nll([w], right, vocab) for w in good],
            "wrong: name": bad,
            "wrong: NLL": [nll([w], right, vocab) for w in bad],
        }
    )
    return table, nll(good, right, vocab), nll(bad, right, vocab)


def grid(V: int, keep: list[int], cell: Callable[[int, int], str]) -> list[list[str]]:
    """(V, V) strings for a heatmap: cell(i, j) for the kept rows and columns, "" elsewhere."""
    out = [[""] * V for _ in range(V)]
    for i in keep:
        row = out[i]
        for j in keep:
            row[j] = cell(i, j)
    return out
