"""core.load_words: what it accepts (and normalises), and every way it refuses a file."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core
from core.data import BUNDLED

UNICODE_WORDS = ["zoë", "李小龙", "さくら", "emma"]

# Letters, marks, digits, punctuation and symbols: never whitespace, control or format characters.
name_chars = st.characters(categories=("L", "M", "N", "P", "S"))
names = st.lists(st.text(name_chars, min_size=1, max_size=8), min_size=1, max_size=8)


def nfc(words: list[str]) -> list[str]:
    return [unicodedata.normalize("NFC", w) for w in words]


def test_path_str_path_and_bytes_give_the_same_words(tmp_path):
    f = tmp_path / "w.txt"
    f.write_bytes("\n".join(UNICODE_WORDS).encode())
    assert core.load_words(f) == core.load_words(str(f)) == core.load_words(f.read_bytes()) == UNICODE_WORDS


def test_lines_are_stripped_blank_lines_skipped_duplicates_kept():
    data = b"  emma \n\n\t\nava\r\n   \nemma\n\n"
    assert core.load_words(data) == ["emma", "ava", "emma"]


def test_inner_spaces_are_part_of_a_name():
    assert core.load_words(b"mary ann\n") == ["mary ann"]


def test_decomposed_accents_become_one_character():
    assert core.load_words("zoe\u0308\n".encode()) == ["zoë"]
    assert len(core.load_words("zoe\u0308\n".encode())[0]) == 3


def test_lowercase_is_off_by_default_and_on_when_asked():
    data = "Emma\nZOË\nE\u0301LODIE\n".encode()
    assert core.load_words(data) == ["Emma", "ZOË", "ÉLODIE"]
    assert core.load_words(data, lowercase=True) == ["emma", "zoë", "élodie"]


@settings(max_examples=150, deadline=None)
@given(names)
def test_line_endings_bom_padding_and_nfd_give_the_same_words(words):
    expected = nfc(words)
    lf = "\n".join(words)
    variants = {
        "LF": lf,
        "LF + final newline": lf + "\n",
        "CRLF": "\r\n".join(words) + "\r\n",
        "CR": "\r".join(words),
        "BOM": "\ufeff" + lf,
        "NFD": unicodedata.normalize("NFD", lf),
        "NFC": unicodedata.normalize("NFC", lf),
        "blank lines and padding": "\n \n" + "\n\n".join(f"  {w}\t" for w in words) + "\n \n",
    }
    for name, text in variants.items():
        assert core.load_words(text.encode("utf-8")) == expected, name


# --- every DatasetError path ----------------------------------------------------------------


def load_error(data, **caps) -> str:
    with pytest.raises(core.DatasetError) as e:
        core.load_words(data, **caps)
    return str(e.value)


def test_dataset_error_is_a_value_error():
    assert issubclass(core.DatasetError, ValueError)


@pytest.mark.parametrize("data", [b"", b"\n", b"  \n\t\n\r\n   ", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n \r\n"])
def test_no_non_blank_line(data):
    msg = load_error(data)
    assert "no names" in msg and "blank" in msg


@pytest.mark.parametrize(
    "data, line, byte",
    [
        (b"\xffemma\n", 1, "0xFF"),
        (b"emma\nava\nbad\xe9\n", 3, "0xE9"),
        (b"emma\r\nava\r\n\xc3(\r\n", 3, "0xC3"),
        (b"emma\rava\r\x80\r", 3, "0x80"),  # old-Mac CR line ends count as lines too
        (b"\xef\xbb\xbfemma\nava\n\xff\n", 3, "0xFF"),  # the BOM shifts neither the line nor the byte
        (b"\xef\xbb\xbf\n\n\nab\n\xfecd\n", 5, "0xFE"),
        (b"ok\n\xed\xa0\x80\n", 2, "0xED"),  # an encoded surrogate is not UTF-8
    ],
)
def test_invalid_utf8_names_the_line_and_byte(data, line, byte):
    msg = load_error(data)
    assert f"line {line} " in msg and "UTF-8" in msg and byte in msg


@pytest.mark.parametrize("data", [b"\x00", b"emma\x00\nava\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"])
def test_nul_bytes_mean_binary(data):
    assert "NUL" in load_error(data)


@pytest.mark.parametrize(
    "data, line, code",
    [
        (b"emma\nav\x07a\n", 2, "U+0007"),
        (b"\x1b[31memma\n", 1, "U+001B"),
        (b"emma\n\nava\nx\x7fy\n", 4, "U+007F"),
        ("ab\ncd\nc\u0085d\n".encode(), 3, "U+0085"),  # a C1 control inside a name
    ],
)
def test_control_characters_name_the_line_and_character(data, line, code):
    msg = load_error(data)
    assert f"line {line} " in msg and code in msg and "control" in msg


def test_over_the_byte_cap_from_bytes_and_from_a_path(tmp_path):
    data = b"emma\nava\n"  # 9 bytes
    assert core.load_words(data, max_bytes=9) == ["emma", "ava"]
    assert "limit" in load_error(data, max_bytes=8)
    f = tmp_path / "big.txt"
    f.write_bytes(data)
    assert "limit" in load_error(f, max_bytes=8)


def test_the_default_byte_cap_is_10_mb():
    assert "limit is 10 MB" in load_error(b"a\n" * 5_000_001)


def test_a_line_over_the_length_cap_names_the_line():
    ok = "a" * 64
    assert core.load_words(f"emma\n{ok}\n".encode()) == ["emma", ok]
    msg = load_error(f"emma\n\n{ok}b\n".encode())
    assert "line 3 " in msg and "65" in msg and "64" in msg
    assert "line 2 " in load_error(b"ab\nabcd\n", max_line_chars=3)


def test_the_length_cap_counts_characters_after_nfc_not_bytes():
    assert core.load_words("李小龙\nzoe\u0308\n".encode(), max_line_chars=3) == ["李小龙", "zoë"]


def test_more_distinct_characters_than_the_cap():
    assert core.load_words(b"ab\nc\n", max_distinct_chars=3) == ["ab", "c"]
    msg = load_error(b"ab\ncd\n", max_distinct_chars=3)
    assert "4 distinct" in msg and "limit is 3" in msg
    many = "\n".join(chr(0x4E00 + i) for i in range(257)).encode()  # 257 CJK characters
    assert "257 distinct" in load_error(many)


def test_a_missing_path_is_named(tmp_path):
    missing = tmp_path / "nope.txt"
    msg = load_error(missing)
    assert str(missing) in msg and "cannot read" in msg
    assert "cannot read" in load_error(str(missing))


def test_a_directory_is_not_a_file(tmp_path):
    assert "cannot read" in load_error(tmp_path)


# --- the starting dataset ------------------------------------------------------------------


def test_default_data_path_follows_the_env_var(monkeypatch, tmp_path):
    monkeypatch.delenv("MAKEMORE_DATA", raising=False)
    assert core.default_data_path() == BUNDLED
    monkeypatch.setenv("MAKEMORE_DATA", str(tmp_path / "w.txt"))
    assert core.default_data_path() == tmp_path / "w.txt"


def test_the_bundled_list_loads_with_the_readme_figures():
    words = core.load_words(BUNDLED)
    assert len(words) == 32_469 and len(set(words)) == 29_910
    assert min(map(len, words)) == 2 and max(map(len, words)) == 15
    assert sum(len(w) + 1 for w in words) == 231_718
