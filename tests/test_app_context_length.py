"""The Context length page: the n = 1..4 table, train/dev losses with ∞ at k = 0, and samples per n."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import core
from core import ngram
from core.split import split_words

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "7_Context_length.py")
COLUMNS = ["n", "contexts V^n", "cells V^(n+1)", "dense size", "contexts seen", "dev: unseen context",
           "train NLL", "dev NLL"]


def page() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=60)


def table(at: AppTest):
    """The n = 1..4 table (AppTest does not expose a dataframe's key: it is the page's first table)."""
    t = at.dataframe[0].value
    assert list(t.columns) == COLUMNS
    return t


def samples(at: AppTest):
    return at.dataframe[1].value


@pytest.fixture
def lecture_page(lecture_path, monkeypatch):
    monkeypatch.setenv("MAKEMORE_DATA", str(lecture_path))  # before the first run: it picks the dataset
    at = page().run()
    at.sidebar.select_slider(key="smoothing").set_value(1.0).run()
    return at


def test_runs_on_the_bundled_data():
    at = page().run()
    assert not at.exception and not at.error
    assert len(table(at)) == 4
    assert samples(at).shape == (8, 4)


def test_the_table_on_the_lecture_data(lecture_page, lecture_words):
    at = lecture_page
    assert not at.exception and not at.error
    t = table(at)
    assert t["contexts V^n"].tolist() == [27, 729, 19683, 531441]
    assert t["cells V^(n+1)"].tolist() == [729, 19683, 531441, 14348907]
    assert t["dense size"].tolist()[-1] == "115 MB"
    assert t["contexts seen"].iloc[0] == "27 (100.00%)"
    # the same numbers as core on the page's own split
    split = split_words(lecture_words, core.LECTURE_SEED)
    vocab = core.Vocab.from_words(lecture_words)
    for n in range(1, 5):
        model = ngram.fit(split.train, vocab, n)
        assert t["train NLL"].iloc[n - 1] == f"{ngram.nll(model, split.train, 1.0):.4f}"
        assert t["dev NLL"].iloc[n - 1] == f"{ngram.nll(model, split.dev, 1.0):.4f}"
    dev = t["dev NLL"].astype(float).tolist()
    assert dev.index(min(dev)) == 2  # n = 3 is best on names never counted at k = 1
    assert "lowest at n = 3" in at.markdown[-1].value


def test_zero_smoothing_shows_infinity_not_nan(lecture_page):
    at = lecture_page
    at.sidebar.select_slider(key="smoothing").set_value(0.0).run()
    assert not at.exception
    t = table(at)
    assert t["dev NLL"].tolist() == ["∞"] * 4
    assert all(v != "∞" for v in t["train NLL"])  # every training n-gram was counted
    assert any("∞" in i.value for i in at.info)
    fig = json.loads(at.get_by_key("ngram_nll").proto.spec)
    assert fig["data"][1]["y"] == [None] * 4  # nothing drawn for an infinite loss
    assert any("∞" in a["text"] for a in fig["layout"]["annotations"])


def test_samples_follow_the_seed_and_n1_is_the_bigram_model(lecture_page, lecture_words):
    at = lecture_page
    first = samples(at)
    split = split_words(lecture_words, core.LECTURE_SEED)
    vocab = core.Vocab.from_words(lecture_words)
    P = core.to_probs(core.count_bigrams(split.train, vocab), 1.0)
    assert first.iloc[:, 0].tolist() == core.sample(P, vocab, 8, seed=core.LECTURE_SEED)
    at.sidebar.number_input(key="seed").set_value(42).run()
    assert not samples(at).equals(first)
    at.sidebar.number_input(key="seed").set_value(core.LECTURE_SEED).run()
    assert samples(at).equals(first)
    at.number_input(key="ngram_num_samples").set_value(20).run()
    assert samples(at).shape == (20, 4)


def test_small_odd_data_runs(tmp_path, monkeypatch):
    data = tmp_path / "odd.txt"
    data.write_text("<b>x</b>\na.b\nzoë\n李娜\n")  # '.' in the data, markup, unicode; a 2/1/1 split
    monkeypatch.setenv("MAKEMORE_DATA", str(data))
    at = page().run()
    assert not at.exception and not at.error
    assert len(table(at)) == 4
    at.sidebar.select_slider(key="smoothing").set_value(0.0).run()
    assert not at.exception and not at.error


def test_too_few_names_for_a_split_is_a_warning(tmp_path, monkeypatch):
    data = tmp_path / "two.txt"
    data.write_text("ab\ncd\n")
    monkeypatch.setenv("MAKEMORE_DATA", str(data))
    at = page().run()
    assert not at.exception
    assert "at least 3 names" in at.warning[0].value
