"""The bad-input catalogue: each file either works or gives a clear message, through core and the app.

One table drives both: `core.load_words` must return the expected words or raise DatasetError with
the expected words in its message; the app's upload must show the same outcome, stay up, and keep
the previous dataset when the file is refused.
"""

import re
import unicodedata
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import core
from core.data import MAX_BYTES, MAX_DISTINCT_CHARS, MAX_LINE_CHARS

ROOT = Path(__file__).resolve().parent.parent

# name -> (file bytes, expected words or None, words the refusal must contain)
CATALOGUE = {
    "empty file": (b"", None, "no names found"),
    "only blank lines": (b"\n  \n\t\n\r\n", None, "no names found"),
    "CRLF": (b"emma\r\nava\r\n", ["emma", "ava"], None),
    "old Mac CR": (b"emma\rava\r", ["emma", "ava"], None),
    "UTF-8 BOM": (b"\xef\xbb\xbfemma\nava\n", ["emma", "ava"], None),
    "latin-1 bytes": ("emma\nzoë\n".encode("latin-1"), None, "line 2 is not valid UTF-8"),
    "binary file": (bytes(range(256)) * 4, None, "binary"),
    "control character": (b"emma\nav\x07a\n", None, "control character"),
    "over the size cap": (b"ab\n" * (MAX_BYTES // 3 + 1), None, "the limit is 10 MB"),
    "line over the length cap": (b"a" * (MAX_LINE_CHARS + 1) + b"\n", None, "line 1 is 65 characters"),
    "mixed case": (b"Emma\nava\n", ["Emma", "ava"], None),
    "padded lines": (b"  emma \n\tava\t\n", ["emma", "ava"], None),
    "duplicates": (b"emma\nemma\nava\n", ["emma", "emma", "ava"], None),
    "unicode names": ("zoë\n李小龙\nさくら\n".encode(), ["zoë", "李小龙", "さくら"], None),
    "NFD input": (unicodedata.normalize("NFD", "zoë\n").encode(), ["zoë"], None),
    "a literal dot": (b"st.john\nava\n", ["st.john", "ava"], None),
    "too many distinct characters": (
        "\n".join(chr(0x4E00 + i) * 2 for i in range(MAX_DISTINCT_CHARS + 1)).encode(),
        None,
        "distinct characters",
    ),
}


def plain(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.mark.parametrize("case", CATALOGUE, ids=str)
def test_the_loader(case):
    data, expected, refusal = CATALOGUE[case]
    if expected is not None:
        assert core.load_words(data) == expected
    else:
        with pytest.raises(core.DatasetError, match=re.escape(refusal)):
            core.load_words(data)


@pytest.mark.parametrize("case", CATALOGUE, ids=str)
def test_the_app_upload(case):
    data, expected, refusal = CATALOGUE[case]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.sidebar.file_uploader(key="upload").set_value(("w.txt", b"emma\nava\nolivia\n", "text/plain")).run()
    at.sidebar.file_uploader(key="upload").set_value((f"{case}.txt", data, "text/plain")).run()
    assert not at.exception
    names = {m.label: m.value for m in at.metric}["Names"]
    if expected is not None:
        assert not at.sidebar.error
        assert names == f"{len(expected):,}"
    else:
        assert refusal in plain(at.sidebar.error[0].value)
        assert names == "3"  # the previous dataset stays loaded


def test_a_dot_in_the_data_never_merges_with_the_boundary():
    words = core.load_words(b"st.john\nava\n")
    vocab = core.Vocab.from_words(words)
    assert vocab.itos[0] == "<.>" and "." in vocab.itos[1:]
    N = core.count_bigrams(words, vocab)
    dot = vocab.stoi["."]
    assert N[vocab.stoi["t"], dot] == 1 and N[dot, vocab.stoi["j"]] == 1
    assert N[0].sum() == 2 and N[:, 0].sum() == 2  # two names start and end at the boundary
