"""Any list the loader accepts works on every page: Hypothesis draws word lists from many writing systems (combining
marks NFC keeps apart, ZWJ sequences, right-to-left text, Indic vowel signs, CJK, emoji) and every page runs on each,
at the default settings and at smoothing 0, with no exception and no NaN on screen.

CI runs a few examples per page; `MAKEMORE_EXAMPLES=200 python -m pytest tests/test_every_script.py` runs more.
"""

import math
import os
import re
import unicodedata
from pathlib import Path

import pytest
from apptest_support import page
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import core

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]
EXAMPLES = int(os.environ.get("MAKEMORE_EXAMPLES", "3"))

SCRIPTS = {
    # Yoruba: dotted vowels with tone marks; ọ́ stays ọ + U+0301 after NFC
    "yoruba": list("abdefgijklmnoprstuwyẹọṣ") + ["\u0300", "\u0301"],
    # emoji with skin tones and zero-width joiners (a family is one picture of several code points)
    "emoji": ["\U0001F469", "\U0001F468", "\U0001F467", "\u200d", "\U0001F3FD", "\u2764", "\ufe0f", "\U0001F525"],
    "hebrew": [chr(c) for c in range(0x05D0, 0x05EB)] + ["\u05B4", "\u05B8"],  # letters and vowel points, RTL
    "arabic": [chr(c) for c in range(0x0627, 0x064B)] + ["\u064E", "\u0650"],  # letters and harakat, RTL
    "devanagari": [chr(c) for c in range(0x0915, 0x0939)] + ["\u093E", "\u093F", "\u0940", "\u094D", "\u0902"],
    "cjk": list("李王张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"),
    "thai": [chr(c) for c in range(0x0E01, 0x0E2F)] + ["\u0E31", "\u0E34", "\u0E48", "\u0E49"],
    "latin": list("abcdefghijklmnopqrstuvwxyzéüñ .-'"),
}


@st.composite
def word_lists(draw) -> bytes:
    """A file of names from one to three scripts that the loader accepts."""
    chosen = draw(st.lists(st.sampled_from(sorted(SCRIPTS)), min_size=1, max_size=3, unique=True))
    alphabet = [c for name in chosen for c in SCRIPTS[name]]
    words = draw(st.lists(st.text(st.sampled_from(alphabet), min_size=1, max_size=12), min_size=3, max_size=40))
    data = "\n".join(words).encode()
    try:
        core.load_words(data)
    except core.DatasetError:
        assume(False)
    return data


SESSIONS: dict[str, object] = {}  # one AppTest per page across examples: the first run imports torch


def session(path: str):
    if path not in SESSIONS:
        SESSIONS[path] = page(path).run()
    return SESSIONS[path]


def shows_nan(at) -> list[str]:
    """Where the page shows a NaN: a metric, a number in a table, or the word in its prose outside code."""
    found = [m.label for m in at.metric if m.value.strip().lower() in ("nan", "-nan")]
    for df in at.dataframe:
        table = df.value
        numbers = table.select_dtypes("number")
        if numbers.isna().any().any():
            found.append(f"a NaN in table {list(table.columns)}")
        for col in table.select_dtypes("object").columns:  # a number formatted as text: "nan"
            if "name" in str(col) or "n = " in str(col):
                continue  # a column of names: a name may well be "nan"
            if table[col].astype(str).str.fullmatch(r"-?nan", case=False).any():
                found.append(f"'nan' text in column {col}")
    for md in [*at.markdown, *at.caption, *at.info, *at.warning, *at.error]:
        prose = re.sub(r"`[^`]*`", "", md.value)  # names are shown as code spans: a name may well be 'nan'
        if re.search(r"\bnan\b", prose, re.IGNORECASE):
            found.append(f"'nan' in {prose[:80]!r}")
    return found


@pytest.mark.parametrize("path", PAGES)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=word_lists())
def test_every_page_takes_any_accepted_list(path, data):
    at = session(path)
    at.sidebar.select_slider(key="smoothing").set_value(1.0)
    at.sidebar.file_uploader(key="upload").set_value(("names.txt", data, "text/plain")).run()
    for k in (1.0, 0.0):
        at.sidebar.select_slider(key="smoothing").set_value(k).run()
        assert not at.exception, (k, data.decode()[:200], at.exception[0].message)
        assert not at.sidebar.error, at.sidebar.error[0].value
        assert not shows_nan(at), shows_nan(at)


def test_the_symbols_of_the_lists_are_shown_so_they_can_be_seen():
    """A combining mark alone sits on a dotted circle; an invisible one is named by its code point."""
    from ui import fmt

    assert fmt.symbol("\u0301") == "◌\u0301" and fmt.symbol("\u093F") == "◌\u093F"
    assert fmt.symbol("\u200d") == "U+200D" and fmt.symbol("\ufe0f") == "U+FE0F" and fmt.symbol(" ") == "␣"
    assert fmt.symbol("李") == "李" and fmt.symbol("<.>") == "<.>"
    for ch in (c for script in SCRIPTS.values() for c in script):
        shown = fmt.symbol(ch)
        assert shown and not math.isnan(len(shown)) and unicodedata.category(shown[0]) not in ("Mn", "Me", "Cf")
