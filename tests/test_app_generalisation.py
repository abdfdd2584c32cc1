"""The "Does it generalise?" page: split numbers, best k and reg applied in one click, samples, ranking."""

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "6_Generalisation.py")


def page() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=120)


@pytest.fixture
def lecture_page(lecture_path, monkeypatch):
    monkeypatch.setenv("MAKEMORE_DATA", str(lecture_path))  # before the first run: it picks the dataset
    return page().run()


def data_page(monkeypatch, tmp_path, text: str) -> AppTest:
    path = tmp_path / "words.txt"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("MAKEMORE_DATA", str(path))
    return page().run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def markdown_with(at: AppTest, text: str) -> str:
    return next(m.value for m in at.markdown if text in m.value)


def tables(at: AppTest) -> dict[str, pd.DataFrame]:
    """The page's three tables: top 15, bottom 15, the searchable ranking (AppTest finds them by order)."""
    return dict(zip(["top", "bottom", "all"], (d.value for d in at.dataframe), strict=True))


def figure(at: AppTest, key: str) -> dict:
    return json.loads(at.get_by_key(key).proto.spec)


def test_runs_on_the_bundled_data():
    at = page().run()
    assert not at.exception and not at.error
    assert metrics(at)["dev names"] != ""


def test_lecture_split_and_what_plus_one_does(lecture_page):
    at = lecture_page
    assert not at.exception
    m = metrics(at)
    assert [m["train names"], m["dev names"], m["test names"]] == ["25,626", "3,203", "3,204"]
    assert m["seed"] == "2147483647"
    text = markdown_with(at, "dev names** hold")
    assert "7 of the 3,203 dev names" in text and "**∞**" in text and "**2.4546**" in text
    assert "other 3,196, +1 costs 0.0008" in text  # the dev names whose pairs all occur in train


def test_the_smoothing_curve_draws_k0_apart_and_marks_the_best(lecture_page):
    fig = figure(lecture_page, "k_curve")
    assert fig["layout"]["xaxis2"]["type"] == "log" and fig["layout"]["xaxis"]["type"] == "category"
    at_zero = [t for t in fig["data"] if t.get("x") == ["0"] and t["mode"] == "markers+text"]
    assert [t.get("text") for t in at_zero] == [["∞"], None]  # dev is infinite at k = 0, train is not
    best = next(t for t in fig["data"] if t.get("name", "").startswith("best for dev"))
    assert 0.2 < best["x"][0] < 0.5 and best["marker"]["symbol"] == "star"


def test_apply_best_k_sets_the_sidebar_smoothing(lecture_page):
    at = lecture_page
    assert at.session_state.smoothing == 1.0
    at.button(key="apply_best_k").click().run()
    assert not at.exception
    assert at.session_state.smoothing == 0.5
    assert at.sidebar.select_slider(key="smoothing").value == 0.5
    assert at.button(key="apply_best_k").disabled
    assert "The sidebar is set to it" in markdown_with(at, "ladder has no such step")


def test_apply_best_reg_sets_the_neural_net_pages_strength(lecture_page):
    at = lecture_page
    assert "reg" not in at.session_state
    label = at.button(key="apply_best_reg").label
    assert label == "Apply reg = 0"  # 25,626 names: no pull on W does best on dev
    at.button(key="apply_best_reg").click().run()
    assert not at.exception
    assert at.session_state["reg"] == 0.0
    assert at.button(key="apply_best_reg").disabled


def test_apply_best_reg_on_small_data(monkeypatch, tmp_path):
    at = data_page(monkeypatch, tmp_path, "ab\nba\nabba\nb\naab\nbab\nab\na\nbb\naba\n")
    assert not at.exception
    at.session_state["reg"] = 5.0
    at.run()
    at.button(key="apply_best_reg").click().run()
    fig = figure(at, "reg_curve")
    best = next(t for t in fig["data"] if t.get("name", "").startswith("best for dev"))
    assert at.session_state["reg"] == float(best["name"].split(": ")[1]) != 5.0


def test_sampled_names_against_the_data(lecture_page):
    at = lecture_page
    text = markdown_with(at, "of samples have one letter")
    assert "2,000 names" in text and "(dataset: 0.0%)" in text and "longest dataset name (15)" in text
    length = figure(at, "hist_length")
    assert [t["name"] for t in length["data"]] == ["dataset names", "sampled names"]
    assert length["layout"]["barmode"] == "overlay"
    for key in ("hist_length", "hist_first", "hist_last"):
        for trace in figure(at, key)["data"]:
            assert sum(trace["y"]) == pytest.approx(1.0)
    assert figure(at, "hist_first")["data"][0]["x"][:3] == ["a", "b", "c"]


def test_ranking_lists_the_extremes_and_searches(lecture_page, lecture_words):
    at = lecture_page
    top, bottom = tables(at)["top"], tables(at)["bottom"]
    assert len(top) == len(bottom) == 15
    assert top["rank"].tolist() == list(range(1, 16)) and top["nll"].is_monotonic_increasing
    assert bottom["rank"].iloc[0] == 29_494 and bottom["nll"].is_monotonic_decreasing
    assert len(tables(at)["all"]) == 29_494
    at.text_input(key="rank_search").input("ANN").run()
    found = tables(at)["all"]
    assert 0 < len(found) < 29_494 and found["name"].str.contains("ann").all()
    assert found["rank"].is_monotonic_increasing
    row = found.set_index("name").loc["anna"]
    assert row["count"] == lecture_words.count("anna") == 2 and row["nll"] > 0
    assert f"{len(found):,} of 29,494 names match." in [c.value for c in at.caption]


def test_ranking_follows_the_sidebar_smoothing(lecture_page):
    at = lecture_page
    before = tables(at)["top"]["nll"].iloc[0]
    at.sidebar.select_slider(key="smoothing").set_value(1e4).run()
    assert not at.exception
    assert tables(at)["top"]["nll"].iloc[0] > before  # flatter rows: every name less likely


def test_too_few_names_for_a_split_is_a_warning(monkeypatch, tmp_path):
    at = data_page(monkeypatch, tmp_path, "ab\nba\n")
    assert not at.exception
    assert "at least 3 names" in at.warning[0].value
    assert sorted(tables(at)["all"]["name"]) == ["ab", "ba"]  # the ranking needs no split


def test_user_text_in_the_data_is_escaped_in_figures(monkeypatch, tmp_path):
    at = data_page(monkeypatch, tmp_path, "<b>x\n<b>y\nab\nba\naa\n")
    assert not at.exception
    firsts = figure(at, "hist_first")["data"][0]["x"]
    assert "&lt;" in firsts and "<" not in firsts
