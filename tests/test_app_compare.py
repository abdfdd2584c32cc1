"""The "Whose names?" page in AppTest: the sidebar's list against a year of US names, on the bundled
data, the lecture's data and a unicode upload; the difference heatmap checked against brute force."""

import math
from collections import Counter
from pathlib import Path

import apptest_support as support
import numpy as np
import pandas as pd
import pytest
from apptest_support import figure
from apptest_support import plotly_array as array
from streamlit.testing.v1 import AppTest

import core
from data.build_names import build_names

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/8_Compare_datasets.py"
UNICODE_UPLOAD = "zoë\n李小龙\nemma\nzoë\n".encode()


def run_page(monkeypatch=None, data: Path | None = None) -> AppTest:
    return support.run_page(PAGE, monkeypatch, data)


def diff_trace(at: AppTest) -> dict:
    return figure(at, "cmp_diff")["data"][0]


def table(at: AppTest, first_column: str) -> pd.DataFrame:
    """The page's table whose first column is `first_column` (AppTest does not expose dataframe keys)."""
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def brute_probs(words: list[str], itos: list[str], k: float) -> np.ndarray:
    """P over `itos` (boundary first) by counting pairs in plain Python. (U, U)"""
    index = {c: i for i, c in enumerate(itos[1:], start=1)}
    pairs = Counter((a, b) for w in words for a, b in zip([0, *map(index.get, w)], [*map(index.get, w), 0]))
    N = np.zeros((len(itos), len(itos)))
    for (a, b), n in pairs.items():
        N[a, b] = n
    N += k
    sums = N.sum(1, keepdims=True)
    return np.where(sums > 0, N / np.where(sums > 0, sums, 1), 1 / len(itos))


def expected_diff(left: list[str], right: list[str], k: float) -> tuple[list[str], np.ndarray]:
    itos = [".", *sorted(set("".join(left + right)))]
    return itos, brute_probs(right, itos, k) - brute_probs(left, itos, k)


@pytest.fixture(scope="module")
def words_1920() -> list[str]:
    return build_names(1920, sex="both")


def test_bundled_against_1920_runs_and_the_diff_is_p_right_minus_p_left(words_1920):
    at = run_page()
    assert not at.error
    assert at.number_input(key="cmp_year").value == 1920 and at.radio(key="cmp_sex").value == "both"
    h = diff_trace(at)
    itos, expect = expected_diff(core.load_words(ROOT / "data/names.txt"), words_1920, 1.0)
    assert h["x"] == itos and h["zmid"] == 0 and h["colorscale"][0][1] != h["colorscale"][-1][1]
    z = array(h["z"])
    assert z.shape == (27, 27)
    assert np.allclose(z, expect, atol=1e-12)
    j, a = itos.index("j"), itos.index("a")
    assert h["text"][j][a] == f"ja<br>{100 * expect[j, a]:+.1f}".replace("-", "−")
    p_right = brute_probs(words_1920, itos, 1.0)[j, a]
    n_left = sum(w.count("ja") for w in core.load_words(ROOT / "data/names.txt"))
    hover = h["hovertext"][j][a]
    assert f"P = {p_right - expect[j, a]:.4f}, count {n_left:,}" in hover  # left
    assert f"P = {p_right:.4f}, count {sum(w.count('ja') for w in words_1920):,}" in hover  # right


def test_the_figures_and_cross_entropy_on_the_lecture_data(lecture_page, lecture_words, words_1920):
    figs = table(lecture_page, "figure").set_index("figure")
    assert figs.loc["names", "left"] == "32,033" and figs.loc["names", "right"] == f"{len(words_1920):,}"
    assert figs.loc["shortest / longest", "left"] == "2 / 15"
    assert figs.loc["NLL of its own model (k = 1)", "left"] == "2.4546"  # the lecture's figure
    m = metrics(lecture_page)
    assert m["Left's names, own model"] == "2.4546"  # same 27 symbols: the union changes nothing
    itos = [".", *"abcdefghijklmnopqrstuvwxyz"]
    pr = brute_probs(words_1920, itos, 1.0)
    pairs = [(itos.index(a), itos.index(b)) for w in lecture_words for a, b in zip("." + w, w + ".")]
    cross = -np.mean([math.log(pr[a, b]) for a, b in pairs])  # the lecture's names under 1920's model
    assert m["Left's names, right's model"] == f"{cross:.4f}"


def test_the_lecture_data_diff_against_1920(lecture_page, lecture_words, words_1920):
    _, expect = expected_diff(lecture_words, words_1920, 1.0)
    assert np.allclose(array(diff_trace(lecture_page)["z"]), expect, atol=1e-12)


@pytest.fixture
def lecture_page(lecture_path, monkeypatch) -> AppTest:
    return run_page(monkeypatch, lecture_path)


def test_a_unicode_upload_is_aligned_with_1920(words_1920):
    at = run_page()
    at.sidebar.file_uploader(key="upload").set_value(("u.txt", UNICODE_UPLOAD, "text/plain")).run()
    assert not at.exception and not at.error
    at.sidebar.select_slider(key="smoothing").set_value(0.0).run()
    assert not at.exception
    left = UNICODE_UPLOAD.decode().split()
    itos, expect = expected_diff(left, words_1920, 0.0)
    h = diff_trace(at)
    assert len(itos) == 31 and h["x"] == itos and {"ë", "李", "小", "龙"} <= set(itos)
    assert np.allclose(array(h["z"]), expect, atol=1e-12)
    # 1920 never uses 李, so its row 李 is uniform; in the upload 李 is always followed by 小
    li, xiao = itos.index("李"), itos.index("小")
    assert np.allclose(expect[li], 1 / 31 - np.eye(31)[xiao])
    m = metrics(at)
    assert m["Right's names, left's model"] == "∞"  # 1920 has pairs the upload never has
    assert m["Left's names, right's model"] == "∞"
    assert not any("nan" in v.lower() for v in m.values())
    figs = table(at, "figure").set_index("figure")
    assert figs.loc["symbols (with the boundary)", "left"] == "10"  # z o ë 李 小 龙 e m a and the boundary
    assert figs.loc["distinct names", "left"] == "3"


def test_another_year_and_sex_are_loaded():
    at = run_page()
    at.number_input(key="cmp_year").set_value(1880).run()
    at.radio(key="cmp_sex").set_value("M").run()
    assert not at.exception
    figs = table(at, "figure").set_index("figure")
    assert figs.loc["names", "right"] == f"{len(build_names(1880, sex='M')):,}"
    assert "US 1880, boys" in " ".join(md.value for md in at.markdown)


def test_the_same_list_on_both_sides_differs_nowhere():
    at = run_page()  # the bundled list is the 2017 list, girls then boys
    at.number_input(key="cmp_year").set_value(2017).run()
    assert not at.exception
    assert "same list" in at.info[0].value
    assert not array(diff_trace(at)["z"]).any()
    m = metrics(at)
    assert m["Right's names, left's model"] == m["Right's names, own model"]


def test_samples_from_both_use_the_sidebar_seed(words_1920):
    at = run_page()
    at.sidebar.number_input(key="seed").set_value(42).run()
    assert not at.exception
    samples = table(at, "left")
    left = core.Corpus.from_bytes((ROOT / "data/names.txt").read_bytes(), "names.txt")
    right = core.Corpus.from_bytes(("\n".join(words_1920) + "\n").encode(), "1920")
    assert list(samples.columns) == ["left", "right"]
    assert list(samples["left"]) == core.sample(left.probs(1.0), left.vocab, len(samples), seed=42)
    assert list(samples["right"]) == core.sample(right.probs(1.0), right.vocab, len(samples), seed=42)


def test_a_combining_mark_is_shown_apart_in_the_biggest_changes():
    at = run_page()
    upload = "\u1ecd\u0301\n".encode() * 3  # Yoruba: o with dot below, then an acute NFC keeps apart
    at.sidebar.file_uploader(key="upload").set_value(("yo.txt", upload, "text/plain")).run()
    at.sidebar.select_slider(key="smoothing").set_value(0.0).run()
    assert not at.exception and not at.error
    # 1920 never uses either symbol, so its rows are uniform; the upload's always go .→ọ→◌́→.
    bigrams = table(at, "bigram")["bigram"].tolist()
    assert "\u1ecd◌\u0301" in bigrams and "◌\u0301." in bigrams  # the mark on a dotted circle, apart
    assert not any("\u1ecd\u0301" in b for b in bigrams)


def test_a_link_names_the_compared_year():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params["cmp_year"], at.query_params["cmp_sex"] = "1990", "F"
    at.run()
    assert not at.exception
    assert at.number_input(key="cmp_year").value == 1990 and at.radio(key="cmp_sex").value == "F"
    assert "US 1990, girls" in " ".join(md.value for md in at.markdown)
    at.number_input(key="cmp_year").set_value(1950).run()
    assert at.query_params["cmp_year"] == "1950" and at.query_params["cmp_sex"] == "F"
