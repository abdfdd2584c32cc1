"""The Probabilities page in AppTest: right and wrong normalisation, their sums, their samples."""

from collections import Counter
from pathlib import Path

import apptest_support as support
import numpy as np
import pytest
import reference
from apptest_support import figure, plotly_array
from streamlit.testing.v1 import AppTest

PAGE = "pages/2_Probabilities.py"


def run_page(monkeypatch=None, data: Path | None = None) -> AppTest:
    return support.run_page(PAGE, monkeypatch, data)


def heatmap(at: AppTest, key: str) -> dict:
    return figure(at, key)["data"][0]


def z_of(trace: dict) -> np.ndarray:
    return plotly_array(trace["z"])


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def lecture_page(lecture_path, monkeypatch) -> AppTest:
    return run_page(monkeypatch, lecture_path)


def test_runs_on_the_bundled_data():
    at = run_page()
    assert not at.error
    assert z_of(heatmap(at, "probs_right")).shape == (27, 27)


def test_the_wrong_table_is_flagged_in_numbers_on_the_lecture_data(lecture_page):
    m = metrics(lecture_page)
    assert m["Row . of W sums to"] == "6.92"
    assert m["Column . of W sums to"] == "1.00"
    assert m["Row . of P sums to"] == "1.00"


def test_right_rows_and_wrong_columns_sum_to_one(lecture_page, lecture_words):
    right, wrong = z_of(heatmap(lecture_page, "probs_right")), z_of(heatmap(lecture_page, "probs_wrong"))
    assert right.shape == wrong.shape == (27, 27)
    assert np.allclose(right.sum(1), 1.0)
    assert np.allclose(wrong.sum(0), 1.0)
    N = reference.count_matrix(lecture_words)  # brute force: cell [0, j] + 1 over the sum of row j + 27
    assert wrong[0].sum() == pytest.approx(sum((N[0][j] + 1) / (sum(N[j]) + 27) for j in range(27)), rel=1e-12)
    assert round(wrong[0].sum(), 2) == 6.92  # the lecture's figure
    assert wrong[0, 1] == pytest.approx(4411 / (33885 + 27))  # '.a' divided by the sum of row 'a'


def test_hover_shows_which_row_sum_divides(lecture_page):
    right = heatmap(lecture_page, "probs_right")["hovertext"][0][1]
    wrong = heatmap(lecture_page, "probs_wrong")["hovertext"][0][1]
    assert "4,411 ÷ sum of row . (32,060)" in right
    assert "4,411 ÷ sum of row a (33,912)" in wrong


def test_samples_from_both_tables(lecture_page):
    df = lecture_page.dataframe[-1].value  # the samples table comes last
    assert df["right: name"].tolist()[:5] == ["mor", "axx", "minaymoryles", "kondlaisah", "anchshizarie"]
    assert df["wrong: name"].str.len().mean() > 2 * df["right: name"].str.len().mean()
    m = metrics(lecture_page)
    assert float(m["Average NLL of the names from W"]) > float(m["Average NLL of the names from P"])


def test_smoothing_0_and_a_new_seed(lecture_page, lecture_words):
    at = lecture_page
    at.sidebar.select_slider(key="smoothing").set_value(0.0).run()
    at.sidebar.number_input(key="seed").set_value(7).run()
    assert not at.exception
    firsts = Counter(w[0] for w in lecture_words)
    occurrences = Counter("".join(lecture_words))  # = the sum of each character's row
    assert metrics(at)["Row . of W sums to"] == f"{sum(firsts[c] / occurrences[c] for c in firsts):.2f}"
    df = at.dataframe[-1].value
    assert not df.isna().any().any() and "nan" not in df.to_string().lower()


def test_user_text_is_escaped_in_both_heatmaps(monkeypatch, tmp_path):
    data = tmp_path / "xss.txt"
    data.write_text("<img src=x onerror=alert(1)>\nemma\n<b>bold</b>\n", encoding="utf-8")
    at = run_page(monkeypatch, data)
    for key in ["probs_right", "probs_wrong"]:
        h = heatmap(at, key)
        assert "&lt;" in h["x"] and not any("<" in x or ">" in x for x in h["x"] + h["y"])
        hovers = [t.replace("<br>", "").replace("<b>", "").replace("</b>", "")
                  for row in h["hovertext"] for t in row]
        assert not any("<" in t or ">" in t for t in hovers)


def test_many_symbols_show_the_most_frequent_only():
    at = run_page()
    words = "\n".join(chr(0x3B1 + i % 25) + chr(0x430 + i % 32) + chr(0x5D0 + i % 26) for i in range(2000))
    at.sidebar.file_uploader(key="upload").set_value(("many.txt", words.encode(), "text/plain")).run()
    assert not at.exception
    assert "only the boundary and the 59 most frequent" in at.info[0].value
    assert z_of(heatmap(at, "probs_wrong")).shape == (60, 60)
