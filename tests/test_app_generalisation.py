"""The "Does it generalise?" page: the split and the held-out losses against a dict-counted model, the best k and reg
applied in one click, one view at a time (the regularisation sweep trains only when its view is open), samples
against the data, and every name ranked."""

import math
from collections import Counter
from pathlib import Path

import apptest_support as support
import numpy as np
import pytest
import reference
import torch
from apptest_support import figure, shuffled_split
from streamlit.testing.v1 import AppTest

import core
from core import SETTINGS
from ui.figures import evaluation

PAGE = "pages/6_Generalisation.py"
GRID = np.unique(np.concatenate([[0.0, 1.0], SETTINGS.dev_smoothing_grid, SETTINGS.smoothing_ladder]))


def run_page(monkeypatch=None, data: Path | None = None) -> AppTest:
    return support.run_page(PAGE, monkeypatch, data)


def data_page(monkeypatch, tmp_path, text: str) -> AppTest:
    path = tmp_path / "words.txt"
    path.write_text(text, encoding="utf-8")
    return run_page(monkeypatch, path)


def view(at: AppTest, name: str) -> AppTest:
    at.segmented_control(key="gen_view").set_value(name).run()
    assert not at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def markdown_with(at: AppTest, text: str) -> str:
    return next(m.value for m in at.markdown if text in m.value)


def tables(at: AppTest) -> dict:
    """The ranking view's three tables: top 15, bottom 15, the searchable ranking (AppTest finds them by order)."""
    return dict(zip(["top", "bottom", "all"], (d.value for d in at.dataframe), strict=True))


class DictModel:
    """The counting model of `train` from reference.count's dict, scoring names one bigram at a time."""

    def __init__(self, train: list[str], V: int):
        self.counts, self.V = reference.count(train), V
        self.rows = Counter()
        for (a, _), n in self.counts.items():
            self.rows[a] += n

    def groups(self, words: list[str]) -> Counter:
        """(pair count, row total) -> how many bigrams of `words` have them: all a loss at any k needs."""
        return Counter((self.counts.get(p, 0), self.rows[p[0]]) for w in words for p in reference.pairs(w))

    def nll(self, words: list[str], k: float) -> float:
        groups, total = self.groups(words), 0.0
        for (c, row), m in groups.items():
            p = (c + k) / (row + k * self.V) if row + k else 1 / self.V
            if p == 0:
                return math.inf
            total -= m * math.log(p)
        return total / sum(groups.values())

    def word_nll(self, word: str, k: float) -> float:
        return self.nll([word], k)


@pytest.fixture(scope="module")
def held(lecture_words):
    """The lecture split's train and dev names and the train model, computed here apart from core."""
    train, dev = shuffled_split(lecture_words, core.LECTURE_SEED)
    return train, dev, DictModel(train, 27)


@pytest.fixture
def lecture_page(lecture_path, monkeypatch):
    return run_page(monkeypatch, lecture_path)


def test_runs_on_the_bundled_data():
    at = run_page()
    assert not at.error
    assert metrics(at)["dev names"] != ""
    assert at.segmented_control(key="gen_view").value == "smoothing"  # the first view, in the lecture's order


def test_lecture_split_and_what_plus_one_does(lecture_page, held):
    train, dev, model = held
    m = metrics(lecture_page)
    assert [m["train names"], m["dev names"], m["test names"]] == ["25,626", "3,203", "3,204"]  # 80/10/10 of 32,033
    assert m["seed"] == "2147483647"
    unseen = [w for w in dev if any(p not in model.counts for p in reference.pairs(w))]
    seen = [w for w in dev if w not in unseen]
    text = markdown_with(lecture_page, "dev names** hold")
    assert f"**{len(unseen)} of the 3,203 dev names**" in text and "**∞**" in text
    assert f"+1 makes it **{model.nll(dev, 1):.4f}**" in text
    assert f"with {model.nll(unseen, 1):.4f} on average for those {len(unseen)}" in text
    cost = model.nll(seen, 1) - model.nll(seen, 0)
    assert f"On the other {len(seen):,}, +1 costs {cost:.4f}" in text and cost > 0


def test_the_smoothing_curve_draws_k0_apart_and_marks_the_best(lecture_page, held):
    _, dev, model = held
    fig = figure(lecture_page, "k_curve")
    assert fig["layout"]["xaxis2"]["type"] == "log" and fig["layout"]["xaxis"]["type"] == "category"
    at_zero = [t for t in fig["data"] if t.get("x") == ["0"] and t["mode"] == "markers+text"]
    assert [t.get("text") for t in at_zero] == [["∞"], None]  # dev is infinite at k = 0, train is not
    best = next(t for t in fig["data"] if t.get("name", "").startswith("best for dev"))
    dev_nll = [model.nll(dev, k) for k in GRID]
    assert best["x"][0] == GRID[int(np.argmin(dev_nll))] and best["marker"]["symbol"] == "star"
    assert best["y"][0] == pytest.approx(min(dev_nll), rel=1e-12)


def test_apply_best_k_sets_the_sidebar_smoothing(lecture_page, held):
    _, dev, model = held
    at = lecture_page
    ladder_best = min(SETTINGS.smoothing_ladder, key=lambda k: model.nll(dev, k))
    assert at.session_state.smoothing == 1.0 != ladder_best
    at.button(key="apply_best_k").click().run()
    assert not at.exception
    assert at.session_state.smoothing == ladder_best
    assert at.sidebar.select_slider(key="smoothing").value == ladder_best
    assert at.button(key="apply_best_k").disabled
    assert "The sidebar is set to it" in markdown_with(at, "its best is")
    assert at.query_params["smoothing"] == str(ladder_best)


def test_the_regularisation_sweep_trains_only_when_its_view_is_open(monkeypatch, tmp_path):
    calls = support.count_calls(monkeypatch, evaluation, "reg_sweep")
    at = data_page(monkeypatch, tmp_path, "ab\nba\nabba\nb\naab\nbab\nab\na\nbb\naba\nbba\n")
    for name in ("samples", "ranking", "smoothing"):
        view(at, name)
    assert calls == [] and not any("reg_curve" in chart.proto.id for chart in at.get("plotly_chart"))
    view(at, "reg")
    assert len(calls) == 1


def test_apply_best_reg_sets_the_neural_net_pages_strength(monkeypatch, tmp_path):
    at = data_page(monkeypatch, tmp_path, "ab\nba\nabba\nb\naab\nbab\nab\na\nbb\naba\n")
    at.session_state["reg"] = 5.0
    view(at, "reg")
    fig = figure(at, "reg_curve")
    best = next(t for t in fig["data"] if t.get("name", "").startswith("best for dev"))
    dev = next(t for t in fig["data"] if t.get("name") == "dev (held out)")
    best_reg = float(best["name"].split(": ")[1])
    assert best["y"][0] <= min(support.plotly_array(dev["y"]))  # the star is the lowest dev loss
    assert at.button(key="apply_best_reg").label == f"Apply reg = {best_reg:g}"
    at.button(key="apply_best_reg").click().run()
    assert at.session_state["reg"] == best_reg != 5.0
    assert at.button(key="apply_best_reg").disabled


def test_sampled_names_against_the_data(lecture_page, lecture_words):
    at = view(lecture_page, "samples")
    P = core.to_probs(torch.tensor(reference.count_matrix(lecture_words)), 1.0)
    sampled = core.sample(P, core.Vocab.from_words(lecture_words), 2000, seed=core.LECTURE_SEED)
    text = markdown_with(at, "of samples have one letter")
    one = sum(len(w) == 1 for w in sampled) / 2000
    assert "2,000 names" in text and f"**{one:.1%}** of samples have one letter (dataset: 0.0%)" in text
    assert "longest dataset name (15)" in text  # LECTURE.md: shortest 2, longest 15
    length = figure(at, "hist_length")
    assert [t["name"] for t in length["data"]] == ["dataset names", "sampled names"]
    assert length["layout"]["barmode"] == "overlay"
    lengths = Counter(map(len, lecture_words))
    assert length["data"][0]["y"] == pytest.approx([lengths[n] / 32_033 for n in length["data"][0]["x"]])
    for key in ("hist_length", "hist_first", "hist_last"):
        for trace in figure(at, key)["data"]:
            assert sum(trace["y"]) == pytest.approx(1.0)
    assert figure(at, "hist_first")["data"][0]["x"][:3] == ["a", "b", "c"]


def test_ranking_lists_the_extremes_and_searches(lecture_page, lecture_words):
    at = view(lecture_page, "ranking")
    model = DictModel(lecture_words, 27)
    distinct = Counter(lecture_words)
    expected = sorted(distinct, key=lambda w: model.word_nll(w, 1))
    top, bottom = tables(at)["top"], tables(at)["bottom"]
    assert len(top) == len(bottom) == 15
    assert top["name"].tolist() == expected[:15]
    assert top["nll"].tolist() == pytest.approx([model.word_nll(w, 1) for w in expected[:15]], rel=1e-9)
    assert top["rank"].tolist() == list(range(1, 16))
    assert bottom["name"].tolist() == expected[::-1][:15] and bottom["rank"].iloc[0] == len(distinct) == 29_494
    assert len(tables(at)["all"]) == 29_494
    at.text_input(key="rank_search").input("ANN").run()
    found = tables(at)["all"]
    assert sorted(found["name"]) == sorted(w for w in distinct if "ann" in w)
    assert found["rank"].is_monotonic_increasing
    assert found.set_index("name").loc["anna", "count"] == distinct["anna"] == 2
    assert f"{len(found):,} of 29,494 names match." in [c.value for c in at.caption]


def test_ranking_follows_the_sidebar_smoothing(lecture_page):
    at = view(lecture_page, "ranking")
    before = tables(at)["top"]["nll"].iloc[0]
    at.sidebar.select_slider(key="smoothing").set_value(1e4).run()
    assert not at.exception
    assert at.segmented_control(key="gen_view").value == "ranking"  # the view stays open
    assert tables(at)["top"]["nll"].iloc[0] > before  # flatter rows: every name less likely


def test_too_few_names_for_a_split_is_a_warning(monkeypatch, tmp_path):
    at = data_page(monkeypatch, tmp_path, "ab\nba\n")
    assert all("at least 3 names" in w.value for w in at.warning) and len(at.warning) == 2  # the split, the view
    view(at, "ranking")
    assert sorted(tables(at)["all"]["name"]) == ["ab", "ba"]  # the ranking needs no split


def test_user_text_in_the_data_is_escaped_in_figures(monkeypatch, tmp_path):
    at = view(data_page(monkeypatch, tmp_path, "<b>x\n<b>y\nab\nba\naa\n"), "samples")
    firsts = figure(at, "hist_first")["data"][0]["x"]
    assert "&lt;" in firsts and "<" not in firsts
