"""The Context length page: the n = 1..4 table against a brute-force count, ∞ at k = 0, samples per n, and a
smoothing change that refits nothing."""

import math
from collections import Counter
from pathlib import Path

import apptest_support as support
import pytest
import reference
import torch
from apptest_support import figure, shuffled_split
from streamlit.testing.v1 import AppTest

import core
from core import ngram

PAGE = "pages/7_Context_length.py"
COLUMNS = ["n", "contexts", "cells", "dense", "seen", "dev_unseen", "train_nll", "dev_nll"]


def run_page(monkeypatch=None, data: Path | None = None) -> AppTest:
    return support.run_page(PAGE, monkeypatch, data)


def table(at: AppTest):
    """The n = 1..4 table (AppTest does not expose a dataframe's key: it is the page's first table)."""
    t = at.dataframe[0].value
    assert list(t.columns) == COLUMNS
    return t


def samples(at: AppTest):
    return at.dataframe[1].value


def brute_nll(train: list[str], scored: list[str], n: int, k: float, V: int) -> float:
    """Average NLL of the n-gram model counted on `train` with dicts; an unseen context is uniform."""
    def grams(words):
        return [(tuple(t[i - n:i]), t[i]) for w in words for t in [[None] * n + list(w) + [None]]
                for i in range(n, len(t))]

    counts = Counter(grams(train))
    totals = Counter()
    for (ctx, _), c in counts.items():
        totals[ctx] += c
    total, todo = 0.0, grams(scored)
    for ctx, nxt in todo:
        p = 1 / V if totals[ctx] == 0 and k == 0 else (counts[(ctx, nxt)] + k) / (totals[ctx] + k * V)
        if p == 0:
            return math.inf
        total -= math.log(p)
    return total / len(todo)


@pytest.fixture
def lecture_page(lecture_path, monkeypatch):
    return run_page(monkeypatch, lecture_path)


def test_runs_on_the_bundled_data():
    at = run_page()
    assert not at.error
    assert len(table(at)) == 4
    assert samples(at).shape == (8, 4)


def test_the_table_on_the_lecture_data_against_a_brute_force_count(lecture_page, lecture_words):
    at = lecture_page
    assert not at.error
    t = table(at)
    assert t["contexts"].tolist() == [27**n for n in range(1, 5)]
    assert t["cells"].tolist() == [27 ** (n + 1) for n in range(1, 5)]
    assert t["dense"].tolist()[-1] == "115 MB"  # 8 bytes x 27^5
    assert t["seen"].iloc[0] == "27 (100.00%)"
    train, dev = shuffled_split(lecture_words, core.LECTURE_SEED)
    expected = [(brute_nll(train, train, n, 1.0, 27), brute_nll(train, dev, n, 1.0, 27)) for n in range(1, 5)]
    assert t["train_nll"].tolist() == [f"{tr:.4f}" for tr, _ in expected]
    assert t["dev_nll"].tolist() == [f"{dv:.4f}" for _, dv in expected]
    best = min(range(4), key=lambda i: expected[i][1]) + 1
    assert best == 3  # more context helps on names never counted, up to a point
    assert f"lowest at n = {best}" in at.markdown[-1].value
    fig = figure(at, "ngram_nll")
    assert fig["data"][1]["y"] == pytest.approx([dv for _, dv in expected], rel=1e-12)
    assert fig["layout"]["annotations"][0]["x"] == best


def test_zero_smoothing_shows_infinity_not_nan(lecture_page):
    at = lecture_page
    at.sidebar.select_slider(key="smoothing").set_value(0.0).run()
    assert not at.exception
    t = table(at)
    assert t["dev_nll"].tolist() == ["∞"] * 4
    assert all(v != "∞" for v in t["train_nll"])  # every training n-gram was counted
    assert any("∞" in i.value for i in at.info)
    fig = figure(at, "ngram_nll")
    assert fig["data"][1]["y"] == [None] * 4  # nothing drawn for an infinite loss
    assert any("∞" in a["text"] for a in fig["layout"]["annotations"])


def test_samples_follow_the_seed_and_n1_is_the_bigram_model(lecture_page, lecture_words):
    at = lecture_page
    first = samples(at)
    train, _ = shuffled_split(lecture_words, core.LECTURE_SEED)
    P = core.to_probs(torch.tensor(reference.count_matrix(train)), 1.0)  # train uses all 26 letters
    assert first.iloc[:, 0].tolist() == core.sample(P, core.Vocab.from_words(lecture_words), 8, seed=core.LECTURE_SEED)
    at.sidebar.number_input(key="seed").set_value(42).run()
    assert not samples(at).equals(first)
    at.sidebar.number_input(key="seed").set_value(core.LECTURE_SEED).run()
    assert samples(at).equals(first)
    at.number_input(key="ngram_num_samples").set_value(20).run()
    assert samples(at).shape == (20, 4)
    assert at.query_params["ngram_num_samples"] == "20"


def test_a_link_sets_the_number_of_samples():
    at = AppTest.from_file(str(support.ROOT / PAGE), default_timeout=60)
    at.query_params["ngram_num_samples"] = "3"
    at.run()
    assert not at.exception and samples(at).shape == (3, 4)


def test_a_smoothing_notch_refits_nothing(tmp_path, monkeypatch):
    calls = support.count_calls(monkeypatch, ngram, "fit_split")
    data = tmp_path / "notch.txt"
    data.write_text("\n".join(f"{a}{b}{c}" for a in "abcde" for b in "aeiou" for c in "lmnrs") + "\n")
    at = run_page(monkeypatch, data)
    before = table(at)["dev_nll"].tolist()
    for k in (0.5, 2.0, 0.0):
        at.sidebar.select_slider(key="smoothing").set_value(k).run()
        assert not at.exception
    assert table(at)["dev_nll"].tolist() != before
    assert len(calls) == 1  # counted once per dataset and split; only the losses follow k


def test_small_odd_data_runs(tmp_path, monkeypatch):
    data = tmp_path / "odd.txt"
    data.write_text("<b>x</b>\na.b\nzoë\n李娜\n")  # '.' in the data, markup, unicode; a 2/1/1 split
    at = run_page(monkeypatch, data)
    assert not at.error
    assert len(table(at)) == 4
    at.sidebar.select_slider(key="smoothing").set_value(0.0).run()
    assert not at.exception and not at.error


def test_too_few_names_for_a_split_is_a_warning(tmp_path, monkeypatch):
    data = tmp_path / "two.txt"
    data.write_text("ab\ncd\n")
    at = run_page(monkeypatch, data)
    assert "at least 3 names" in at.warning[0].value
