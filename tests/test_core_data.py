"""core.data: the loader (what it accepts, normalises, and every way it refuses), the vocabulary, the split."""

import os
import signal
import unicodedata
from collections import Counter

import pytest
import reference as ref  # tests/reference.py
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_support import budget

import core
from core.data import BUNDLED, is_invisible, read_bytes, split_sizes, split_words, words_of_bigrams
from core.settings import SETTINGS

UNICODE_WORDS = ["zoë", "李小龙", "さくら", "emma"]
DOTTED = ["j.r.", "a.b", ".x", "ab", "a"]  # the data itself uses "."

# Letters, marks, digits, punctuation and symbols that draw something: never whitespace, control or format
# characters, nor the fillers and selectors that are letters or marks by category (U+3164, U+FE0F, ...).
name_chars = st.characters(categories=("L", "M", "N", "P", "S")).filter(lambda c: not is_invisible(c))
names = st.lists(st.text(name_chars, min_size=1, max_size=8), min_size=1, max_size=8)

# Characters that draw nothing, as a class: format characters, fillers, variation selectors, the braille blank.
INVISIBLE = [
    "\u200d",  # zero width joiner
    "\u200c",  # zero width non-joiner
    "\u200b",  # zero width space
    "\u00ad",  # soft hyphen
    "\u2060",  # word joiner
    "\ufeff",  # a byte order mark in the middle of a file
    "\u200e", "\u200f", "\u202e",  # bidi marks and overrides
    "\u3164", "\u115f", "\u1160", "\uffa0",  # Hangul fillers
    "\ufe0f", "\ufe00", "\U000e0100",  # variation selectors
    "\u034f",  # combining grapheme joiner
    "\u180e",  # Mongolian vowel separator
    "\U000e0041",  # a tag character
    "\u2800",  # the blank braille pattern: printable, and draws nothing
]


def nfc(words: list[str]) -> list[str]:
    return [unicodedata.normalize("NFC", w) for w in words]


def load_error(data, **caps) -> core.DatasetError:
    with pytest.raises(core.DatasetError) as e:
        core.load_words(data, **caps)
    assert str(e.value), "a refusal always says why"
    return e.value


# --- what the loader accepts ----------------------------------------------------------------------------


def test_path_str_path_and_bytes_give_the_same_words(tmp_path):
    f = tmp_path / "w.txt"
    f.write_bytes("\n".join(UNICODE_WORDS).encode())
    assert core.load_words(f) == core.load_words(str(f)) == core.load_words(f.read_bytes()) == UNICODE_WORDS
    assert core.load_words(bytearray(f.read_bytes())) == core.load_words(memoryview(f.read_bytes())) == UNICODE_WORDS


def test_lines_are_stripped_blank_lines_skipped_duplicates_kept():
    assert core.load_words(b"  emma \n\n \nava\r\n   \nemma\n\n") == ["emma", "ava", "emma"]


def test_inner_spaces_and_joiners_are_part_of_a_name():
    assert core.load_words(b"mary ann\n") == ["mary ann"]
    assert core.load_words("a\u200db\n".encode()) == ["a\u200db"]  # a visible name with a ZWJ inside is kept


def test_decomposed_accents_become_one_character():
    assert core.load_words("zoe\u0308\n".encode()) == ["zoë"]
    assert len(core.load_words("zoe\u0308\n".encode())[0]) == 3


def test_marks_that_nfc_keeps_apart_stay_apart():
    # Yoruba's ọ́: o + dot below + acute composes to ọ (U+1ECD) and a separate acute (U+0301)
    assert core.load_words("o\u0323\u0301\n".encode()) == ["\u1ecd\u0301"]


def test_lowercase_is_off_by_default_and_on_when_asked():
    data = "Emma\nZOË\nE\u0301LODIE\n".encode()
    assert core.load_words(data) == ["Emma", "ZOË", "ÉLODIE"]
    assert core.load_words(data, lowercase=True) == ["emma", "zoë", "élodie"]


@budget(60)
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
        "blank lines and padding": "\n \n" + "\n\n".join(f"  {w}  " for w in words) + "\n \n",
    }
    for name, text in variants.items():
        assert core.load_words(text.encode("utf-8")) == expected, name


# --- every refusal: its code, its fields, its line ------------------------------------------------------


def test_dataset_error_is_a_value_error_with_a_code():
    assert issubclass(core.DatasetError, ValueError)
    e = load_error(b"")
    assert e.code == "empty" and e.fields == {}


@pytest.mark.parametrize("data", [b"", b"\n", b"  \n \n\r\n   ", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n \r\n"])
def test_no_non_blank_line(data):
    e = load_error(data)
    assert e.code == "empty" and "no names" in str(e) and "blank" in str(e)


@pytest.mark.parametrize(
    "data, line, byte",
    [
        (b"\xffemma\n", 1, 0xFF),
        (b"emma\nava\nbad\xe9\n", 3, 0xE9),
        (b"emma\r\nava\r\n\xc3(\r\n", 3, 0xC3),
        (b"emma\rava\r\x80\r", 3, 0x80),  # old-Mac CR line ends count as lines too
        (b"\xef\xbb\xbfemma\nava\n\xff\n", 3, 0xFF),  # the BOM shifts neither the line nor the byte
        (b"\xef\xbb\xbf\n\n\nab\n\xfecd\n", 5, 0xFE),
        (b"ok\n\xed\xa0\x80\n", 2, 0xED),  # an encoded surrogate is not UTF-8
    ],
)
def test_invalid_utf8_names_the_line_and_byte(data, line, byte):
    e = load_error(data)
    assert (e.code, e.fields) == ("not_utf8", {"line": line, "byte": byte})
    assert f"line {line} " in str(e) and "UTF-8" in str(e) and f"0x{byte:02X}" in str(e)


@pytest.mark.parametrize("data", [b"\x00", b"emma\x00\nava\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"])
def test_nul_bytes_mean_binary(data):
    e = load_error(data)
    assert e.code == "binary" and "NUL" in str(e)


@pytest.mark.parametrize(
    "data, line, codepoint",
    [
        (b"emma\nav\x07a\n", 2, 0x07),
        (b"\x1b[31memma\n", 1, 0x1B),
        (b"emma\n\nava\nx\x7fy\n", 4, 0x7F),
        ("ab\ncd\nc\u0085d\n".encode(), 3, 0x85),  # a C1 control inside a name
    ],
)
def test_control_characters_name_the_line_and_character(data, line, codepoint):
    e = load_error(data)
    assert (e.code, e.fields) == ("control_char", {"line": line, "codepoint": codepoint})
    assert f"line {line} " in str(e) and f"U+{codepoint:04X}" in str(e) and "control" in str(e)


def test_a_tab_inside_a_name_means_a_table():
    e = load_error(b"emma\nava\t3\n")
    assert (e.code, e.fields) == ("tab", {"line": 2}) and "tab" in str(e) and "table" in str(e)


@pytest.mark.parametrize("sep", ["\u2028", "\u2029"])
def test_a_unicode_line_separator_inside_a_name_is_refused_with_its_line(sep):
    e = load_error(f"emma\nava\nab{sep}cd\n".encode())
    assert (e.code, e.fields) == ("line_separator", {"line": 3, "codepoint": ord(sep)})
    assert "line 3 " in str(e) and f"U+{ord(sep):04X}" in str(e)
    # at either end of a line it is whitespace, stripped like a space
    assert core.load_words(f"emma\n{sep}ava{sep}\n".encode()) == ["emma", "ava"]


@pytest.mark.parametrize("ch", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_every_invisible_character_draws_nothing(ch):
    assert is_invisible(ch)
    assert not ch.isspace()  # so strip() leaves it: the loader must see it


@pytest.mark.parametrize("ch", ["a", "ë", "李", "\u0301", "\u1ecd", "🙂", "-", "1"])
def test_visible_characters_are_not_invisible(ch):
    assert not is_invisible(ch)


@budget(60)
@given(
    st.lists(st.text(name_chars, min_size=1, max_size=5), min_size=0, max_size=5),
    st.text(st.sampled_from(INVISIBLE), min_size=1, max_size=4),
    st.lists(st.text(name_chars, min_size=1, max_size=5), min_size=0, max_size=3),
)
def test_a_line_of_only_invisible_characters_is_refused_with_its_line_number(before, line, after):
    if not before and line[0] == "\ufeff":
        before = ["emma"]  # a BOM that opens the file is the encoding's mark, dropped before any line is read
    e = load_error("\n".join([*before, line, *after]).encode())
    assert e.code == "invisible_line"
    assert e.fields == {"line": len(before) + 1, "codepoint": ord(line[0])}
    assert f"line {len(before) + 1} " in str(e) and f"U+{ord(line[0]):04X}" in str(e)


@budget(40)
@given(st.text(st.sampled_from(INVISIBLE), max_size=3), st.text(name_chars, min_size=1, max_size=3),
       st.text(st.sampled_from(INVISIBLE), max_size=3))
def test_one_visible_character_makes_a_line_a_name(left, visible, right):
    word = left + visible + right  # on line 2: a BOM at the very start of a file is the encoding's, not the name's
    assert core.load_words(f"emma\n{word}".encode()) == ["emma", unicodedata.normalize("NFC", word)]


def test_a_byte_order_mark_alone_on_a_later_line_is_invisible():
    e = load_error(b"emma\n\xef\xbb\xbf\nava\n")
    assert (e.code, e.fields["line"]) == ("invisible_line", 2)


def test_over_the_byte_cap_from_bytes_and_from_a_path(tmp_path):
    data = b"emma\nava\n"  # 9 bytes
    assert core.load_words(data, max_bytes=9) == ["emma", "ava"]
    e = load_error(data, max_bytes=8)
    assert e.code == "too_big" and (e.fields["size"], e.fields["limit"]) == (9, 8)
    f = tmp_path / "big.txt"
    f.write_bytes(data)
    assert core.load_words(f, max_bytes=9) == ["emma", "ava"]
    assert load_error(f, max_bytes=8).code == "too_big"


def cap_file(size: int) -> bytes:
    """A valid word list of exactly `size` bytes: one name, then one blank line of spaces (skipped fast)."""
    head = b"emma\n"
    return head + b" " * (size - len(head))


def test_the_default_cap_is_10_mib_exactly_at_the_boundary(tmp_path):
    cap = 10 * 2**20
    assert SETTINGS.max_bytes == cap
    assert core.load_words(cap_file(cap)) == ["emma"]
    f = tmp_path / "cap.txt"
    f.write_bytes(cap_file(cap))
    assert core.load_words(f) == ["emma"]
    f.write_bytes(cap_file(cap + 1))
    for source in (cap_file(cap + 1), f, str(f)):
        e = load_error(source)
        assert e.code == "too_big" and e.fields["size"] == cap + 1 and e.fields["limit"] == cap
        assert str(e) == "the file is 10,485,761 bytes; the limit is 10,485,760 bytes (10 MiB)"


def test_a_file_is_never_read_past_the_cap(tmp_path, monkeypatch):
    # a file that grows after the size check is still cut at cap + 1 bytes and refused
    f = tmp_path / "growing.txt"
    f.write_bytes(b"emma\n")
    real_fstat = os.fstat

    def shrunk(fd):
        info = real_fstat(fd)
        return os.stat_result((*info[:6], 1, *info[7:]))  # st_size = 1: as it was before the file grew

    monkeypatch.setattr(os, "fstat", shrunk)
    assert load_error(f, max_bytes=3).fields["size"] == 4  # read stopped at max_bytes + 1


def test_a_line_over_the_length_cap_names_the_line():
    ok = "a" * 64
    assert core.load_words(f"emma\n{ok}\n".encode()) == ["emma", ok]
    e = load_error(f"emma\n\n{ok}b\n".encode())
    assert (e.code, e.fields) == ("line_too_long", {"line": 3, "length": 65, "limit": 64})
    assert "line 3 " in str(e) and "65" in str(e) and "64" in str(e)
    assert load_error(b"ab\nabcd\n", max_line_chars=3).fields["line"] == 2


def test_the_length_cap_counts_characters_after_nfc_not_bytes():
    assert core.load_words("李小龙\nzoe\u0308\n".encode(), max_line_chars=3) == ["李小龙", "zoë"]


def test_more_distinct_characters_than_the_cap():
    assert core.load_words(b"ab\nc\n", max_distinct_chars=3) == ["ab", "c"]
    e = load_error(b"ab\ncd\n", max_distinct_chars=3)
    assert (e.code, e.fields) == ("too_many_chars", {"count": 4, "limit": 3})
    many = "\n".join(chr(0x4E00 + i) for i in range(257)).encode()  # 257 CJK characters
    assert "257 distinct" in str(load_error(many))


def test_a_missing_path_is_named(tmp_path):
    missing = tmp_path / "nope.txt"
    for source in (missing, str(missing)):
        e = load_error(source)
        assert e.code == "cannot_read" and str(missing) in str(e) and "No such file" in str(e)


def test_a_directory_is_not_a_file(tmp_path):
    e = load_error(tmp_path)
    assert e.code == "not_a_file" and str(tmp_path) in str(e) and "not a regular file" in str(e)


def test_a_device_is_not_a_file():
    # /dev/zero never ends: refused before a byte is read
    e = load_error("/dev/zero")
    assert e.code == "not_a_file" and "/dev/zero" in str(e)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "names.fifo"
    os.mkfifo(fifo)

    class Hung(Exception):  # not an OSError, which the loader would turn into a refusal
        pass

    def hung(signum, frame):
        raise Hung("the loader waited for a writer on the FIFO")

    # an alarm as the timeout: a loader that blocks in open() or read() is interrupted, not left hanging
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        assert load_error(fifo).code == "not_a_file"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_read_bytes_is_the_checked_read_the_loader_uses(tmp_path):
    f = tmp_path / "w.txt"
    f.write_bytes(b"emma\n")
    assert read_bytes(f) == b"emma\n"
    with pytest.raises(core.DatasetError):
        read_bytes(f, max_bytes=4)


# --- the starting dataset -------------------------------------------------------------------------------


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


# --- the vocabulary -------------------------------------------------------------------------------------

SMALL = ["emma", "olivia", "ava", "zoë", "李小龙", "さくら", "ava", "a", "bob🙂"]


def test_vocab_is_boundary_then_sorted_characters():
    vocab = core.Vocab.from_words(SMALL)
    assert vocab.itos == [".", *ref.alphabet(SMALL)]
    assert len(vocab) == len(ref.alphabet(SMALL)) + 1
    assert all(vocab.stoi[c] == i for c, i in ref.index(SMALL).items() if c is not None)
    assert vocab.boundary == "." and vocab.stoi["."] == 0


def test_vocab_of_lowercase_names_puts_a_at_1_and_z_at_26():
    vocab = core.Vocab.from_words(["abcdefghijklm", "nopqrstuvwxyz"])
    assert vocab.stoi["a"] == 1 and vocab.stoi["z"] == 26 and len(vocab) == 27


def test_encode_wraps_in_boundaries_and_decode_leaves_them_out():
    vocab = core.Vocab.from_words(["emma"])
    e, m, a = vocab.stoi["e"], vocab.stoi["m"], vocab.stoi["a"]
    assert vocab.encode("emma") == [0, e, m, m, a, 0]
    assert vocab.encode("") == [0, 0]
    assert vocab.decode([0, e, m, m, a, 0]) == "emma"


def test_encode_normalises_typed_text_and_decode_does_not():
    vocab = core.Vocab.from_words(["\u1ecd\u0301", "o"])  # ọ, the acute on its own, o
    o, acute = vocab.stoi["o"], vocab.stoi["\u0301"]
    assert vocab.encode("o\u0323\u0301") == [0, vocab.stoi["\u1ecd"], acute, 0]
    # decode keeps one symbol as one character, even where NFC would compose o + acute into ó
    assert vocab.decode([0, o, acute, 0]) == "o\u0301"


def test_a_vocabulary_from_decomposed_words_is_the_one_their_nfc_gives():
    nfd = [unicodedata.normalize("NFD", w) for w in ["zoë", "renée", "\u1ecd\u0301"]]
    vocab = core.Vocab.from_words(nfd)
    assert vocab.itos == core.Vocab.from_words(nfc(nfd)).itos
    assert len(vocab.bigram_indices(nfd)[0]) == sum(len(w) + 1 for w in nfc(nfd))  # every character is known


def test_a_dot_in_the_data_gets_its_own_index_and_the_boundary_a_label_that_cannot_collide():
    vocab = core.Vocab.from_words(DOTTED)
    assert vocab.boundary == "<.>" and vocab.itos[0] == "<.>"
    assert vocab.stoi["."] == 1 + ref.alphabet(DOTTED).index(".")
    assert vocab.encode(".") == [0, vocab.stoi["."], 0]


@pytest.mark.parametrize("word, char", [("emmaq", "q"), ("a.b", "."), (".", "."), ("zoè", "è"), ("李四", "四")])
def test_unknown_characters_are_named(word, char):
    vocab = core.Vocab.from_words(["emma", "zoë", "李小龙", "ab"])
    for call in (lambda: vocab.encode(word), lambda: vocab.bigram_indices(["ab", word])):
        with pytest.raises(core.UnknownCharacterError) as e:
            call()
        assert e.value.char == char and e.value.word == word and e.value.code == "unknown_char"
        assert repr(char) in str(e.value) and f"U+{ord(char):04X}" in str(e.value)


def test_a_typed_boundary_label_is_not_the_boundary():
    with pytest.raises(core.UnknownCharacterError):
        core.Vocab.from_words(DOTTED).encode("<.>")


alphabet = st.sampled_from(list("abz.ëé李さ🙂") + ["\u0301", "\u1ecd"])
words_st = st.lists(st.text(alphabet, max_size=7), min_size=1, max_size=8)


@budget(60)
@given(words_st)
def test_bigram_indices_are_every_pair_of_every_word_in_order(words):
    words = nfc(words)
    vocab = core.Vocab.from_words(words)
    first, nxt = vocab.bigram_indices(words)
    ix = ref.index(words)
    assert list(zip(first.tolist(), nxt.tolist())) == [(ix[a], ix[b]) for w in words for a, b in ref.pairs(w)]
    owner = words_of_bigrams(words)
    assert owner.tolist() == [i for i, w in enumerate(words) for _ in ref.pairs(w)]
    # the same pairs from decomposed text: the data is NFC, typed or decomposed words are normalised first
    nfd = [unicodedata.normalize("NFD", w) for w in words]
    assert [a.tolist() for a in vocab.bigram_indices(nfd)] == [first.tolist(), nxt.tolist()]


# --- the split ------------------------------------------------------------------------------------------


@budget(60)
@given(st.integers(3, 100_000))
def test_split_sizes_give_each_part_at_least_one_name_and_add_up(n):
    train, dev, test = split_sizes(n)
    assert min(train, dev, test) >= 1 and train + dev + test == n
    if n >= 20:  # 80/10/10 up to rounding
        assert abs(train - 0.8 * n) <= 1 and abs(dev - 0.1 * n) <= 1


@pytest.mark.parametrize("n", [0, 1, 2])
def test_fewer_than_three_names_cannot_be_split(n):
    with pytest.raises(ValueError, match="at least 3"):
        split_sizes(n)


@budget(40)
@given(st.lists(st.text("abc", min_size=1, max_size=3), min_size=3, max_size=40), st.integers(0, 2**32))
def test_the_split_is_a_seeded_shuffle_of_the_same_names(words, seed):
    s = split_words(words, seed)
    assert Counter(s.train + s.dev + s.test) == Counter(words)
    assert (len(s.train), len(s.dev), len(s.test)) == split_sizes(len(words))
    assert split_words(words, seed) == s


def test_the_lecture_split_sizes(lecture_words):
    s = split_words(lecture_words, core.LECTURE_SEED)
    assert (len(s.train), len(s.dev), len(s.test)) == (25_626, 3_203, 3_204)
    assert split_words(lecture_words, core.LECTURE_SEED + 1).dev != s.dev
