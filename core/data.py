"""The data: a checked word list, its vocabulary of symbols, and a seeded train/dev/test split.

A symbol is one Unicode code point after NFC normalisation, exactly what the lecture's `list(w)` gives
for a Python string. Combining marks that NFC leaves apart (Yoruba's ọ́ is ọ + ◌́) are symbols of their own.
"""

import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from .errors import DatasetError, UnknownCharacterError
from .settings import SETTINGS

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "names.txt"
ENV_VAR = "MAKEMORE_DATA"

# Default_Ignorable_Code_Point ranges (Unicode 15.1) that are not format characters (Cf) already: fillers,
# variation selectors, the combining grapheme joiner. Text renders them as nothing at all.
_IGNORABLE = ((0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2065, 0x2065),
              (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0xE0000, 0xE0FFF))
_BLANK = {"\u2800"}  # the empty braille pattern: a printable character that draws nothing


def default_data_path() -> Path:
    """The starting dataset: `$MAKEMORE_DATA` if set, else the bundled list."""
    return Path(os.environ.get(ENV_VAR) or BUNDLED)


def read_bytes(path: str | os.PathLike, max_bytes: int = SETTINGS.max_bytes) -> bytes:
    """The bytes of a regular file of at most max_bytes, checked before reading: never a device or a pipe."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer would wait forever; a regular file ignores the flag
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:  # one open: the file checked is the file read
            info = os.fstat(fd)  # before open(fd): that would refuse a directory with a vaguer "Is a directory"
            if not stat.S_ISREG(info.st_mode):  # /dev/zero never ends, a FIFO may never answer
                raise DatasetError("not_a_file", path=str(path))
            if info.st_size > max_bytes:
                raise _too_big(info.st_size, max_bytes)
            with open(fd, "rb", closefd=False) as f:
                data = f.read(max_bytes + 1)  # a file that grew since fstat is still caught
        finally:
            os.close(fd)
    except OSError as e:
        raise DatasetError("cannot_read", path=str(path), reason=e.strerror or str(e)) from e
    if len(data) > max_bytes:
        raise _too_big(len(data), max_bytes)
    return data


def _read(source: str | os.PathLike | bytes, max_bytes: int) -> bytes:
    if not isinstance(source, (bytes, bytearray, memoryview)):
        return read_bytes(source, max_bytes)
    if len(source) > max_bytes:
        raise _too_big(len(source), max_bytes)
    return bytes(source)


def _too_big(size: int, cap: int) -> DatasetError:
    return DatasetError("too_big", size=size, limit=cap, limit_mib=f"{cap / 2**20:g}")


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise DatasetError("binary")
    body = data.removeprefix(b"\xef\xbb\xbf")  # drop the BOM first so e.start indexes `body`
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        before = body[: e.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # split as load_words does
        raise DatasetError("not_utf8", line=before.count(b"\n") + 1, byte=body[e.start]) from e


def is_invisible(ch: str) -> bool:
    """Draws nothing when shown: format characters (ZWJ, soft hyphen, bidi marks), spaces, fillers."""
    if unicodedata.category(ch) in ("Cf", "Zs", "Zl", "Zp") or ch in _BLANK:
        return True
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _IGNORABLE)


def _check_line(word: str, lineno: int) -> None:
    for ch in word:
        cat = unicodedata.category(ch)
        if ch == "\t":
            raise DatasetError("tab", line=lineno)
        if cat == "Cc":
            raise DatasetError("control_char", line=lineno, codepoint=ord(ch))
        if cat in ("Zl", "Zp"):  # U+2028, U+2029: a line break that splitting on \n does not see
            raise DatasetError("line_separator", line=lineno, codepoint=ord(ch))
    if all(is_invisible(ch) for ch in word):
        raise DatasetError("invisible_line", line=lineno, codepoint=ord(word[0]))


def load_words(
    source: str | os.PathLike | bytes,
    *,
    lowercase: bool = False,
    max_bytes: int = SETTINGS.max_bytes,
    max_line_chars: int = SETTINGS.max_line_chars,
    max_distinct_chars: int = SETTINGS.max_distinct_chars,
) -> list[str]:
    """Words from a path or bytes: one per non-blank line, stripped, NFC; duplicates kept."""
    text = _decode(_read(source, max_bytes))
    words: list[str] = []
    chars: set[str] = set()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # LF, CRLF or old-Mac CR
    for lineno, line in enumerate(lines, start=1):
        word = line.strip()
        if not word:
            continue
        if lowercase:
            word = word.lower()
        word = unicodedata.normalize("NFC", word)
        _check_line(word, lineno)
        if len(word) > max_line_chars:
            raise DatasetError("line_too_long", line=lineno, length=len(word), limit=max_line_chars)
        chars.update(word)
        words.append(word)
    if not words:
        raise DatasetError("empty")
    if len(chars) > max_distinct_chars:
        raise DatasetError("too_many_chars", count=len(chars), limit=max_distinct_chars)
    return words


# --- the vocabulary -------------------------------------------------------------------------------------

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
        chars = sorted(set("".join(unicodedata.normalize("NFC", w) for w in words)))  # as encode reads them
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

    def decode(self, ids: list[int]) -> str:
        """The characters of symbol indices, boundaries left out. Not re-normalised: one symbol, one char."""
        return "".join(self.itos[i] for i in ids if i != 0)

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


def words_of_bigrams(words: list[str]) -> np.ndarray:
    """For each bigram of `words` laid end to end (as bigram_indices orders them), the word it belongs to."""
    return np.repeat(np.arange(len(words)), np.fromiter((len(w) + 1 for w in words), np.int64, len(words)))


# --- the split ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    train: list[str]
    dev: list[str]
    test: list[str]


def split_sizes(n: int, fractions: tuple[float, float, float] = SETTINGS.split) -> tuple[int, int, int]:
    """How many names go to train, dev and test: at least one each."""
    if n < 3:
        raise ValueError(f"a train/dev/test split needs at least 3 names, not {n}")
    n_dev = max(1, int(fractions[1] * n))
    n_train = min(max(1, int(fractions[0] * n)), n - n_dev - 1)
    return n_train, n_dev, n - n_train - n_dev


def split_words(words: list[str], seed: int = SETTINGS.seed,
                fractions: tuple[float, float, float] = SETTINGS.split) -> Split:
    """Shuffle with a private generator, then cut 80/10/10. Duplicates may land in different parts."""
    n_train, n_dev, _ = split_sizes(len(words), fractions)
    order = torch.randperm(len(words), generator=torch.Generator().manual_seed(seed)).tolist()
    shuffled = [words[i] for i in order]
    return Split(shuffled[:n_train], shuffled[n_train : n_train + n_dev], shuffled[n_train + n_dev :])
