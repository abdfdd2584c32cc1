"""A loaded word list with its vocabulary and bigram counts: what every view of the model starts from."""

import hashlib
from collections import Counter
from dataclasses import dataclass

import torch

from .bigrams import count_bigrams, nll_from_counts, to_probs
from .data import load_words
from .vocab import Vocab

# sha256 of the lecture's own names.txt (karpathy/makemore): loading it reproduces the lecture.
LECTURE_SHA256 = "0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d"


@dataclass(frozen=True)
class Corpus:
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

    def probs(self, smoothing: float) -> torch.Tensor:
        return to_probs(self.counts, smoothing)

    def nll(self, smoothing: float) -> float:
        """Average NLL of the whole dataset under its own counting model."""
        return nll_from_counts(self.counts, self.probs(smoothing))
