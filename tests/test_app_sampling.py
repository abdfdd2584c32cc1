"""The Sampling page: the lecture's names for its seed, reproducible tables, and the draw-by-draw walk."""

import json

import pytest
import reference
from apptest_support import page
from streamlit.testing.v1 import AppTest

PAGE = "pages/3_Sampling.py"


@pytest.fixture
def lecture_page(lecture_path, monkeypatch):
    monkeypatch.setenv("MAKEMORE_DATA", str(lecture_path))  # before the first run: it picks the dataset
    return page(PAGE).run()


def samples(at: AppTest):
    """The samples table (AppTest does not expose a dataframe's key: it is the page's first table)."""
    table = at.dataframe[0].value
    assert list(table.columns) == ["name", "length", "new", "nll"]
    return table


def names(at: AppTest) -> list[str]:
    return samples(at)["name"].tolist()


def test_runs_on_the_bundled_data():
    at = page(PAGE).run()
    assert not at.exception and not at.error
    assert len(names(at)) == 10


def test_the_lecture_method_prints_the_lectures_names(lecture_page, lecture_words):
    at = lecture_page
    assert not at.exception
    assert names(at)[:5] == ["mor", "axx", "minaymoryles", "kondlaisah", "anchshizarie"]
    table = samples(at)
    assert (table["new"] == "new").all()  # none of the ten is in the dataset
    assert table["nll"].iloc[0] == f"{reference.nll(lecture_words, 1, ['mor']):.4f}"  # brute force, +1
    assert at.metric[0].value == "100%"


def test_todays_multinomial_takes_another_path(lecture_page):
    at = lecture_page
    at.radio(key="sample_method").set_value("torch").run()
    assert names(at)[:2] == ["cexze", "momasurailezitynn"]


def test_the_uniform_model_gives_worse_names(lecture_page):
    at = lecture_page
    counting = samples(at)["nll"].astype(float)
    at.radio(key="sample_method").set_value("uniform").run()
    uniform = samples(at)["nll"].astype(float)
    assert not at.exception
    assert uniform.mean() > counting.mean() + 1


def test_the_same_seed_gives_the_same_table_and_another_seed_another(lecture_path, monkeypatch):
    monkeypatch.setenv("MAKEMORE_DATA", str(lecture_path))
    first, second = page(PAGE).run(), page(PAGE).run()
    assert samples(first).equals(samples(second))
    second.sidebar.number_input(key="seed").set_value(42).run()
    assert names(second) != names(first)
    second.sidebar.number_input(key="seed").set_value(2147483647).run()
    assert names(second) == names(first)


def test_num_samples_sets_the_table_length():
    at = page(PAGE).run()
    at.number_input(key="num_samples").set_value(37).run()
    assert len(names(at)) == 37


def test_the_walk_steps_through_mor_until_the_end_token(lecture_page):
    at = lecture_page
    step = at.slider(key="trace_step")
    assert (step.min, step.max) == (1, 4)  # m, o, r, then '.'
    assert "u = 0.6650" in at.markdown[-1].value and "`m`" in at.markdown[-1].value
    at.slider(key="trace_step").set_value(4).run()
    text = at.markdown[-1].value
    assert "end token" in text and "`mor`" in text
    fig = json.loads(at.get_by_key("trace_cumsum").proto.spec)
    u = fig["layout"]["shapes"][0]["x0"]
    bar = fig["data"][0]
    chosen = 0  # the end token
    assert bar["base"][chosen] < u <= bar["base"][chosen] + bar["x"][chosen]


def test_the_walk_step_is_kept_in_range_when_the_name_gets_shorter(lecture_page):
    at = lecture_page
    at.radio(key="sample_method").set_value("uniform").run()  # a long first name
    at.slider(key="trace_step").set_value(at.slider(key="trace_step").max).run()
    at.radio(key="sample_method").set_value("lecture").run()  # back to 'mor': 4 steps
    assert not at.exception
    assert at.slider(key="trace_step").value == 4


def test_dataset_characters_are_escaped_in_the_charts(tmp_path, monkeypatch):
    data = tmp_path / "odd.txt"
    data.write_text("<b>x</b>\na.b\nab\n")
    monkeypatch.setenv("MAKEMORE_DATA", str(data))
    at = page(PAGE).run()
    assert not at.exception
    assert any("`<.>`" in m.value for m in at.markdown)  # the data uses ".", so the boundary is shown as <.>
    for key in ["trace_row", "trace_cumsum"]:
        labels = json.loads(at.get_by_key(key).proto.spec)["data"][0]
        shown = labels["x"] if key == "trace_row" else labels["text"]
        assert "&lt;" in shown and "<" not in "".join(shown)
