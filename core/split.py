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


def split_words(words: list[str], seed: int = LECTURE_SEED, fractions=FRACTIONS) -> Split:
    """Shuffle with a private generator, then cut 80/10/10. Duplicates may land in different parts."""
    if len(words) < 3:
        raise ValueError(f"a train/dev/test split needs at least 3 names, not {len(words)}")
    order = torch.randperm(len(words), generator=torch.Generator().manual_seed(seed)).tolist()
    n_train = max(1, int(fractions[0] * len(words)))
    n_dev = max(1, int(fractions[1] * len(words)))
    n_train = min(n_train, len(words) - 2)  # leave at least one name each for dev and test
    shuffled = [words[i] for i in order]
    return Split(shuffled[:n_train], shuffled[n_train : n_train + n_dev], shuffled[n_train + n_dev :])
