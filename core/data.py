"""Loading a word list: one name per line, checked and normalised before any model sees it."""

import os
import unicodedata
from pathlib import Path

from .errors import DatasetError

MAX_BYTES = 10_000_000  # the server holds an upload in memory; 10 MB is ~300x the lecture's file
MAX_LINE_CHARS = 64  # a "name" longer than this is almost surely not a name
MAX_DISTINCT_CHARS = 256  # beyond this the V x V table stops being something to look at

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "names.txt"
ENV_VAR = "MAKEMORE_DATA"


def default_data_path() -> Path:
    """The starting dataset: `$MAKEMORE_DATA` if set, else the bundled list."""
    return Path(os.environ.get(ENV_VAR) or BUNDLED)


def _read(source: str | os.PathLike | bytes, max_bytes: int) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            if path.stat().st_size > max_bytes:
                raise DatasetError(_too_big(path.stat().st_size, max_bytes))
            data = path.read_bytes()
        except OSError as e:
            raise DatasetError(f"cannot read {path}: {e.strerror or e}") from e
    if len(data) > max_bytes:
        raise DatasetError(_too_big(len(data), max_bytes))
    return data


def _size(n: int, digits: str) -> str:
    return f"{n / 1e6:{digits}} MB" if n >= 100_000 else f"{n:,} bytes"


def _too_big(size: int, cap: int) -> str:
    return f"the file is {_size(size, '.2f')}; the limit is {_size(cap, 'g')}"


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise DatasetError("the file holds NUL bytes: it looks binary, not a text file of names")
    body = data.removeprefix(b"\xef\xbb\xbf")  # drop the BOM first so e.start indexes `body`
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        before = body[: e.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # split as load_words does
        line = before.count(b"\n") + 1
        raise DatasetError(
            f"line {line} is not valid UTF-8 (byte 0x{body[e.start]:02X}); save the file as UTF-8"
        ) from e


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc"


def load_words(
    source: str | os.PathLike | bytes,
    *,
    lowercase: bool = False,
    max_bytes: int = MAX_BYTES,
    max_line_chars: int = MAX_LINE_CHARS,
    max_distinct_chars: int = MAX_DISTINCT_CHARS,
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
        bad = next((c for c in word if _is_control(c)), None)
        if bad is not None:
            raise DatasetError(
                f"line {lineno} holds the control character U+{ord(bad):04X}"
                f"{' (a tab)' if bad == chr(9) else ''}: a name cannot "
                "contain it; expected plain text, one name per line (not a table or a binary file)"
            )
        if len(word) > max_line_chars:
            raise DatasetError(
                f"line {lineno} is {len(word)} characters long; a name may have at most "
                f"{max_line_chars}"
            )
        chars.update(word)
        words.append(word)
    if not words:
        raise DatasetError("no names found: the file is empty or has only blank lines")
    if len(chars) > max_distinct_chars:
        raise DatasetError(
            f"the file uses {len(chars)} distinct characters; the limit is {max_distinct_chars} "
            "(a table of that many rows and columns could not be shown)"
        )
    return words
