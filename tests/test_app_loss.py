"""The Loss page: the lecture's per-name losses, ∞ and its fix, bad input as messages, names as text."""

import json

import pytest
import reference
from apptest_support import figure
from apptest_support import page as app_page
from streamlit.testing.v1 import AppTest

PAGE = "pages/4_Loss.py"
XSS = "<img src=x onerror=alert(1)>"


def page() -> AppTest:
    return app_page(PAGE)


@pytest.fixture
def lecture_page(lecture_path, monkeypatch):
    monkeypatch.setenv("MAKEMORE_DATA", str(lecture_path))  # before the first run: it picks the dataset
    return page().run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def smoothing(at: AppTest, k: float) -> AppTest:
    return at.sidebar.select_slider(key="smoothing").set_value(k).run()


def test_runs_on_the_bundled_data():
    at = page().run()
    assert not at.exception and not at.error
    assert metrics(at)["Average NLL"] != ""


def test_andrej_scores_as_in_the_lecture(lecture_page):
    at = smoothing(lecture_page, 1.0)
    assert not at.exception
    m = metrics(at)
    assert (m["Average NLL"], m["Dataset average NLL"], m["Uniform guess"]) == ("3.0368", "2.4546", "3.2958")
    table = at.dataframe[0].value
    assert table["bigram"].tolist() == [".a", "an", "nd", "dr", "re", "ej", "j."]
    assert table["count"].tolist() == [4410, 5438, 704, 424, 1697, 55, 71]
    assert table.loc[table["−log P"].astype(float).idxmax(), "bigram"] == "ej"
    assert smoothing(at, 0.0).metric[1].value == "3.0391"


def test_andrejq_is_infinite_at_zero_and_finite_one_notch_up(lecture_page):
    at = lecture_page
    at.text_input(key="name").input("andrejq").run()
    smoothing(at, 0.0)
    assert not at.exception
    assert metrics(at)["Average NLL"] == "∞"
    assert metrics(at)["Log-likelihood"] == "−∞"
    row = at.dataframe[0].value.set_index("bigram").loc["jq"]
    assert (row["count"], row["P"], row["log P"], row["−log P"]) == (0, "0.0000", "−∞", "∞")
    warning = at.warning[0].value
    assert "`jq`" in warning and "log 0" in warning and "Smoothing" in warning
    bars = json.loads(at.get_by_key("bigram_bars").proto.spec)["data"]
    impossible = [b for b in bars if b["name"].startswith("P = 0")]
    assert impossible[0]["text"] == ["∞"]  # the impossible bigram is drawn and marked, not dropped
    assert impossible[0]["x"] == [6]  # at its place in the name: .a an nd dr re ej [jq] q.
    smoothing(at, 1.0)
    assert metrics(at)["Average NLL"] == "3.4834"
    assert not at.warning


def test_a_name_ranks_among_the_dataset(lecture_page):
    text = next(m.value for m in lecture_page.markdown if "Among the dataset" in m.value)
    assert "32,033" in text and "`andrej`" in text and "5.9%" in text


def test_several_names_get_a_summary_and_a_pick(lecture_page):
    at = lecture_page
    at.text_input(key="name").input("emma, ava andrej").run()
    summary = at.dataframe[0].value
    assert summary["name"].tolist() == ["emma", "ava", "andrej"]
    at.selectbox(key="loss_detail").set_value(2).run()
    assert metrics(at)["Average NLL"] == "3.0368"
    at.text_input(key="name").input("emma").run()  # the pick (2) no longer exists
    assert not at.exception
    assert at.dataframe[0].value["bigram"].tolist() == [".e", "em", "mm", "ma", "a."]


def test_an_unknown_character_is_named(lecture_page):
    at = lecture_page
    at.text_input(key="name").input("andrej9").run()
    assert not at.exception
    assert "`9`" in at.error[0].value and "U+0039" in at.error[0].value
    assert "Average NLL" not in metrics(at)


def test_empty_input_is_a_gentle_message(lecture_page):
    at = lecture_page
    at.text_input(key="name").input(" , ").run()
    assert not at.exception and not at.error
    assert "Type a name" in at.info[0].value


def test_too_many_names_are_capped_with_a_message(lecture_page):
    at = lecture_page
    at.text_input(key="name").input(", ".join(["ava"] * 12)).run()
    assert not at.exception
    assert "first 10 names" in at.warning[0].value
    assert len(at.dataframe[0].value) == 10


def test_html_in_a_name_is_shown_as_text(lecture_page):
    at = lecture_page
    at.text_input(key="name").input(XSS).run()
    assert not at.exception
    assert "`<img`" in at.error[0].value and "`onerror=alert(1)>`" in at.error[0].value
    assert not any(m.proto.allow_html for m in [*at.markdown, *at.caption])


def test_the_nll_curve_marks_the_current_smoothing(lecture_page):
    at = smoothing(lecture_page, 100.0)
    fig = json.loads(at.get_by_key("nll_curve").proto.spec)
    marker = fig["data"][1]
    assert marker["x"] == [100.0] and f"{marker['y'][0]:.4f}" == "2.5375"
    assert fig["layout"]["xaxis"]["type"] == "log"
    at = smoothing(at, 0.0)
    fig = json.loads(at.get_by_key("nll_curve").proto.spec)
    assert len(fig["data"]) == 1  # k = 0 has no place on a log axis: no marker, the level line says it
    assert any("2.4540" in a["text"] for a in fig["layout"]["annotations"])


def upload(at: AppTest, data: bytes) -> AppTest:
    return at.sidebar.file_uploader(key="upload").set_value(("names.txt", data, "text/plain")).run()


def test_a_name_with_a_space_from_the_data_is_one_name():
    at = upload(page().run(), b"mary ann\nemma\nann\n")
    at.text_input(key="name").input("mary ann, emma").run()
    assert not at.exception and not at.error
    summary = at.dataframe[0].value
    assert summary["name"].tolist() == ["mary ann", "emma"]
    words = ["mary ann", "emma", "ann"]
    assert summary["average NLL"].tolist() == [f"{reference.nll(words, 1, [w]):.4f}" for w in ["mary ann", "emma"]]
    assert "separate several with `,`" in at.text_input(key="name").label


def test_the_separator_is_a_character_no_name_of_the_list_uses():
    at = upload(page().run(), b"a,b\nc;d\nab\n")
    assert "separate several with `|`" in at.text_input(key="name").label
    at.text_input(key="name").input("a,b|c;d").run()
    assert at.dataframe[0].value["name"].tolist() == ["a,b", "c;d"]


def test_spaces_split_names_when_the_list_has_no_space(lecture_page):
    at = lecture_page
    at.text_input(key="name").input("emma ava").run()
    assert at.dataframe[0].value["name"].tolist() == ["emma", "ava"]


def test_a_paste_longer_than_the_cap_says_what_was_used(lecture_page):
    at = lecture_page
    at.text_input(key="name").input("emma, " * 100).run()
    assert not at.exception
    assert any("600 characters: only the first 300 were used" in w.value for w in at.warning)


def test_a_300_character_name_is_scored_with_a_readable_chart(lecture_page, lecture_words):
    at = lecture_page
    name = ("annabella" * 34)[:300]
    at.text_input(key="name").input(name).run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Average NLL"] == f"{reference.nll(lecture_words, 1, [name]):.4f}"
    bars = figure(at, "bigram_bars")
    assert len(bars["data"][0]["x"]) == 301  # every bigram is a bar
    assert bars["data"][0].get("text") is None  # but no number on each: they would overlap
    assert len(bars["layout"]["xaxis"]["ticktext"]) <= 41
