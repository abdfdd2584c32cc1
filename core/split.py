"""A seeded train/dev/test split of the words: the honest way to ask whether the model generalises."""

from dataclasses import dataclass

import torch

from .sampling import LECTURE_SEED

FRACTIONS = (0.8, 0.1, 0.1)  # train, dev, test


@dataclass(frozen=True)
class Split:
    train: list[str]
    dev: list[str]
    test: list[str]


def split_sizes(n: int, fractions=FRACTIONS) -> tuple[int, int, int]:
    """How many names go to train, dev and test: at least one each."""
    if n < 3:
        raise ValueError(f"a train/dev/test split needs at least 3 names, not {n}")
    n_dev = max(1, int(fractions[1] * n))
    n_train = min(max(1, int(fractions[0] * n)), n - n_dev - 1)
    return n_train, n_dev, n - n_train - n_dev


def split_words(words: list[str], seed: int = LECTURE_SEED, fractions=FRACTIONS) -> Split:
    """Shuffle with a private generator, then cut 80/10/10. Duplicates may land in different parts."""
    n_train, n_dev, _ = split_sizes(len(words), fractions)
    order = torch.randperm(len(words), generator=torch.Generator().manual_seed(seed)).tolist()
    shuffled = [words[i] for i in order]
    return Split(shuffled[:n_train], shuffled[n_train : n_train + n_dev], shuffled[n_train + n_dev :])
