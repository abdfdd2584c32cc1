"""The vocabulary: index 0 is the start/end boundary, the data's characters follow in sorted order."""

import unicodedata
from dataclasses import dataclass, field

import numpy as np

from .errors import UnknownCharacterError

BOUNDARY = "."
# The boundary is an index, not a character. When the data itself uses ".", the boundary is
# displayed as this multi-character label, which no single data character can equal.
BOUNDARY_FALLBACK = "<.>"


@dataclass(frozen=True)
class Vocab:
    itos: list[str]  # index -> display string; itos[0] is the boundary
    stoi: dict[str, int] = field(repr=False)  # data character -> index (1..V-1), boundary label -> 0

    @classmethod
    def from_words(cls, words: list[str]) -> "Vocab":
        chars = sorted(set("".join(words)))
        boundary = BOUNDARY_FALLBACK if BOUNDARY in chars else BOUNDARY
        itos = [boundary, *chars]
        return cls(itos=itos, stoi={s: i for i, s in enumerate(itos)})

    def __len__(self) -> int:
        return len(self.itos)

    @property
    def boundary(self) -> str:
        return self.itos[0]

    def encode(self, word: str) -> list[int]:
        """Indices of `word` wrapped in boundaries: 'emma' -> [0, e, m, m, a, 0]."""
        word = unicodedata.normalize("NFC", word)  # typed text may be decomposed; the data is NFC
        ids = [self.stoi.get(c, 0) for c in word]
        if 0 in ids:  # a literal "." in a typed word is not the boundary
            raise UnknownCharacterError(word[ids.index(0)], word)
        return [0, *ids, 0]

    def bigram_indices(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(first, next) index arrays over every bigram of every word, boundaries included."""
        if not unicodedata.is_normalized("NFC", "\n".join(words)):  # one C call; "\n" never composes
            words = [unicodedata.normalize("NFC", w) for w in words]
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        codes = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
        chars = np.array([ord(c) for c in self.itos[1:]], dtype=np.int64)  # sorted code points
        # code point -> index by one gather from a table (3x faster than searchsorted); 0 = not in
        # the vocabulary, and the last slot catches every code point above the largest one
        table = np.zeros(int(chars.max(initial=0)) + 2, dtype=np.int32)
        table[chars] = np.arange(1, len(chars) + 1)
        ids = table[np.minimum(codes, len(table) - 1)]
        unknown = ids == 0
        if unknown.any():
            pos = int(np.argmax(unknown))
            word = words[int(np.searchsorted(np.cumsum(lengths), pos, side="right"))]
            raise UnknownCharacterError(chr(int(codes[pos])), word)
        # Lay the words end to end with a 0 between them: '.emma.ava.' -> every bigram once.
        seq = np.zeros(int(lengths.sum() + len(words) + 1), dtype=np.int64)
        is_char = np.ones(len(seq), dtype=bool)
        is_char[0] = False
        is_char[np.cumsum(lengths + 1)] = False
        seq[is_char] = ids
        return seq[:-1], seq[1:]
