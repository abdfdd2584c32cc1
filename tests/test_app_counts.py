"""The Counts page in AppTest: the annotated heatmap, its modes, top bigrams, what follows a character."""

import math
import re
from pathlib import Path

import apptest_support as support
import numpy as np
import pytest
from apptest_support import figure
from apptest_support import plotly_array as array
from streamlit.testing.v1 import AppTest

PAGE = "pages/1_Counts.py"
LETTERS = list(".abcdefghijklmnopqrstuvwxyz")


def run_page(monkeypatch=None, data: Path | None = None) -> AppTest:
    return support.run_page(PAGE, monkeypatch, data)


def heatmap(at: AppTest) -> dict:
    return figure(at, "heatmap")["data"][0]


@pytest.fixture
def lecture_page(lecture_path, monkeypatch) -> AppTest:
    return run_page(monkeypatch, lecture_path)


def test_runs_on_the_bundled_data():
    at = run_page()
    assert not at.error
    assert array(heatmap(at)["z"]).shape == (27, 27)


def test_heatmap_holds_the_lecture_counts_with_labels(lecture_page):
    at = lecture_page
    at.sidebar.select_slider(key="smoothing").set_value(0.0).run()
    h = heatmap(at)
    z = array(h["z"])
    assert h["x"] == LETTERS and h["y"] == LETTERS
    a, n = LETTERS.index("a"), LETTERS.index("n")
    assert z.shape == (27, 27)
    assert z[a, n] == 5438 and z[0, a] == 4410 and z[n, 0] == 6763 and z[0, 0] == 0
    assert z.sum() == 228146
    assert h["text"][a][n] == "an<br>5438"
    assert "an" in h["hovertext"][a][n] and "5,438" in h["hovertext"][a][n]


@pytest.mark.parametrize("k, shown", [(1.0, "+1"), (0.01, "+0.01"), (1000.0, "+1000"), (1e6, "+1e6")])
def test_the_counts_view_shows_the_fake_counts_apart_from_the_real_ones(lecture_page, k, shown):
    at = lecture_page
    at.sidebar.select_slider(key="smoothing").set_value(k).run()
    assert at.segmented_control(key="heatmap_mode").value == "counts"  # the default view
    h = heatmap(at)
    a, n, j, q = (LETTERS.index(c) for c in "anjq")
    assert array(h["z"])[a, n] == 5438 + k and array(h["z"])[j, q] == k  # coloured by N + k
    real, fake = h["text"][a][n].split("<br>")[1:]
    assert real == "5438" and fake.endswith(f">{shown}</span>")  # the added part on its own line, in its own colour
    assert h["text"][j][q].split("<br>")[1] == "0"


def test_the_mode_toggle_shows_probabilities_whose_rows_sum_to_one(lecture_page):
    at = lecture_page
    at.segmented_control(key="heatmap_mode").set_value("probabilities").run()
    assert not at.exception
    h = heatmap(at)
    z = array(h["z"])
    assert np.allclose(z.sum(1), 1.0)
    assert round(z[0, 1], 4) == 0.1376  # '.a' at smoothing 1: 4411 / 32060
    assert h["text"][0][1] == ".a<br>.138"


def test_minus_log_p_at_smoothing_0_shows_infinity_not_nan(lecture_page):
    at = lecture_page
    at.sidebar.select_slider(key="smoothing").set_value(0.0).run()
    at.segmented_control(key="heatmap_mode").set_value("−log P").run()
    assert not at.exception
    h = heatmap(at)
    j, q = LETTERS.index("j"), LETTERS.index("q")
    assert h["text"][j][q] == "jq<br>∞"
    assert "−log P = ∞" in h["hovertext"][j][q] and "count 0" in h["hovertext"][j][q]
    assert not any("nan" in t.lower() for row in h["hovertext"] for t in row)
    a, n = LETTERS.index("a"), LETTERS.index("n")
    assert array(h["z"])[a, n] == pytest.approx(-math.log(5438 / 33885))


def test_hover_gives_count_p_and_minus_log_p(lecture_page):
    hover = heatmap(lecture_page)["hovertext"][0][1]
    assert hover == "<b>.a</b><br>count 4,410<br>P = 0.1376<br>−log P = 1.9835"


def test_top_bigrams_table(lecture_page):
    df = lecture_page.dataframe[0].value  # the page's one table (AppTest does not expose its key)
    top4 = list(zip(df["bigram"][:4], df["count"][:4]))
    assert top4 == [("n.", 6763), ("a.", 6640), ("an", 5438), (".a", 4410)]


def test_what_follows_a_character(lecture_page):
    at = lecture_page
    at.selectbox(key="follow_char").set_value("q").run()
    assert not at.exception
    bars = figure(at, "follow_chart")["data"]
    counts, probs = array(bars[0]["y"]), array(bars[1]["y"])
    assert counts[LETTERS.index("u")] == 206 and counts.sum() == 272  # row q of N
    assert probs.sum() == pytest.approx(1.0)
    assert probs[LETTERS.index("u")] == pytest.approx(207 / (272 + 27))


def test_structure_is_read_out_in_numbers(lecture_page):
    metrics = {m.label: m.value for m in lecture_page.metric}
    assert metrics["Most common first character (row .)"] == "a"
    assert metrics["Most common last character (column .)"] == "n"
    assert metrics["Empty names (cell ..)"] == "0"


def test_a_smoothing_change_rerenders(lecture_page):
    at = lecture_page
    at.segmented_control(key="heatmap_mode").set_value("probabilities").run()
    at.sidebar.select_slider(key="smoothing").set_value(1e6).run()
    assert not at.exception
    z = array(heatmap(at)["z"])
    assert np.allclose(z, 1 / 27, atol=1e-3)  # so many fake counts that every row is nearly uniform


def test_user_text_is_escaped_in_heatmap_labels(monkeypatch, tmp_path):
    data = tmp_path / "xss.txt"
    data.write_text("<img src=x onerror=alert(1)>\nemma\n<b>bold</b>\na&b\n", encoding="utf-8")
    h = heatmap(run_page(monkeypatch, data))
    assert "&lt;" in h["x"] and "&gt;" in h["x"] and "&amp;" in h["x"]
    assert not any(c in label for label in h["x"] + h["y"] for c in "<>")
    ours = re.compile(r"<br>|</?b>|<span style='color:#[0-9a-f]{6}'>|</span>")  # the page's own markup
    cells = [ours.sub("", t) for grid in (h["text"], h["hovertext"]) for row in grid for t in row]
    assert not any("<" in t or ">" in t for t in cells)
    assert any(t.startswith("&lt;b") for t in cells)  # the pair '<b' is there, as text


def test_an_upload_with_many_symbols_shows_the_most_frequent_only():
    at = run_page()
    at.selectbox(key="follow_char").set_value("z").run()
    words = "\n".join(chr(0x3B1 + i % 25) + chr(0x430 + i % 32) + chr(0x5D0 + i % 26) for i in range(2000))
    at.sidebar.file_uploader(key="upload").set_value(("many.txt", words.encode(), "text/plain")).run()
    assert not at.exception
    assert "only the boundary and the 59 most frequent" in at.info[0].value
    assert array(heatmap(at)["z"]).shape == (60, 60)
    assert at.selectbox(key="follow_char").value == "."  # 'z' is gone: back to the first option
