"""core.scoring against brute force on small data, and against the lecture's figures on its data."""

import math
import random

import numpy as np
import pytest
import torch

import core
from core.scoring import (
    nll_curve,
    parse_names,
    rank_among,
    samples_table,
    score_name,
    trace_table,
    uniform_nll,
    uniform_probs,
    word_nlls,
)

WORDS = ["emma", "ava", "anna", "bob", "abba", "e"]


@pytest.fixture
def small():
    return core.Corpus.from_bytes("\n".join(WORDS).encode(), "small.txt")


@pytest.fixture(scope="module")
def lecture(lecture_path):
    return core.Corpus.from_bytes(lecture_path.read_bytes(), "names.txt")


@pytest.mark.parametrize("k", [0.0, 1.0, 7.5])
def test_word_nlls_is_each_words_breakdown_mean(small, k):
    P = small.probs(k)
    words = [*WORDS, "", "ab", "bab"]
    got = word_nlls(words, P, small.vocab)
    want = [core.breakdown(w, P, small.vocab)["nll"].mean() for w in words]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_word_nlls_on_lecture_words_matches_breakdown_and_the_dataset_average(lecture):
    P = lecture.probs(1.0)
    nlls = word_nlls(lecture.words, P, lecture.vocab)
    for i in random.Random(0).sample(range(len(lecture.words)), 50):
        brute = core.breakdown(lecture.words[i], P, lecture.vocab)["nll"].mean()
        assert nlls[i] == pytest.approx(brute, rel=1e-12)
    # weighting each word's average by its bigram count gives back the dataset's average: 2.4546
    weights = np.array([len(w) + 1 for w in lecture.words])
    assert (nlls * weights).sum() / weights.sum() == pytest.approx(lecture.nll(1.0), rel=1e-12)
    assert f"{(nlls * weights).sum() / weights.sum():.4f}" == "2.4546"


def test_an_unseen_pair_at_smoothing_zero_is_infinite_only_for_that_word(small):
    got = word_nlls(["bb", "emma"], small.probs(0.0), small.vocab)  # '.b' seen, 'bb' seen, 'b.' seen
    assert np.isfinite(got).all()
    got = word_nlls(["eb", "emma"], small.probs(0.0), small.vocab)  # 'eb' never occurs
    assert got[0] == math.inf and np.isfinite(got[1])


def test_rank_among_counts_strictly_lower_and_higher():
    values = np.array([2.0, 1.0, 3.0, 2.0, 5.0])
    for v in [0.5, 1.0, 2.0, 2.5, 5.0, math.inf]:
        r = rank_among(v, values)
        assert r.lower == sum(x < v for x in values)
        assert r.higher == sum(x > v for x in values)
        assert r.rank == r.lower + 1
        assert r.beats == pytest.approx(100 * r.higher / 5)


def test_score_name_reproduces_the_lecture(lecture):
    s1 = score_name("andrej", lecture.probs(1.0), lecture.vocab, lecture.counts,
                    word_nlls(lecture.words, lecture.probs(1.0), lecture.vocab))
    assert f"{s1.nll:.4f}" == "3.0368"
    assert s1.loglik == pytest.approx(s1.table["logprob"].sum())
    assert s1.table.loc[s1.table["nll"].idxmax(), "bigram"] == "ej"
    assert s1.unseen == []
    s0 = score_name("andrejq", lecture.probs(0.0), lecture.vocab, lecture.counts,
                    word_nlls(lecture.words, lecture.probs(0.0), lecture.vocab))
    assert s0.nll == math.inf and s0.loglik == -math.inf
    assert s0.unseen == ["jq"]
    assert s0.rank.higher == 0 and s0.rank.lower == len(lecture.words)


def test_score_name_refuses_an_unknown_character(small):
    with pytest.raises(core.UnknownCharacterError) as e:
        score_name("emmaz", small.probs(1.0), small.vocab, small.counts, np.array([2.0]))
    assert e.value.char == "z"


def test_parse_names_splits_caps_and_normalises():
    assert parse_names(" andrej, emma,,ava\tbob ", 10) == (["andrej", "emma", "ava", "bob"], 0)
    assert parse_names("a b c", 2) == (["a", "b"], 1)
    assert parse_names("  , ", 5) == ([], 0)
    assert parse_names("e\u0301", 5) == (["\u00e9"], 0)  # typed decomposed, stored composed like the loader


def test_nll_curve_matches_the_lecture_and_tends_to_uniform(lecture):
    got = nll_curve(lecture.counts, np.array([0.0, 1.0, 10.0, 100.0, 1000.0, 1e9]))
    assert [f"{x:.4f}" for x in got[:5]] == ["2.4540", "2.4546", "2.4621", "2.5375", "2.8523"]
    assert got[-1] == pytest.approx(math.log(27), abs=1e-4)
    assert (np.diff(got) > 0).all()  # more smoothing, flatter rows, higher loss on the data


def test_uniform_probs_give_log_v_for_every_word(small):
    P = uniform_probs(len(small.vocab))
    assert torch.allclose(P.sum(1), torch.ones(len(small.vocab), dtype=torch.float64))
    np.testing.assert_allclose(word_nlls(WORDS, P, small.vocab), uniform_nll(len(small.vocab)))


def test_samples_table_flags_new_names_and_scores_them(small):
    P = small.probs(1.0)
    names = ["emma", "bab", "", "ava"]
    t = samples_table(names, set(WORDS), P, small.vocab)
    assert t["new"].tolist() == [False, True, True, False]
    for name, nll in zip(names, t["nll"]):
        assert nll == pytest.approx(core.breakdown(name, P, small.vocab)["nll"].mean())


def test_trace_table_follows_the_draws_to_the_first_sampled_name(lecture):
    P = lecture.probs(1.0)
    draws = core.trace(P, seed=core.LECTURE_SEED)
    t = trace_table(draws, lecture.vocab)
    assert t["so far"].iloc[-1] == core.sample(P, lecture.vocab, 1)[0] == "mor"
    assert t["chosen"].tolist() == ["m", "o", "r", "."]
    assert t["from"].tolist() == [".", "m", "o", "r"]
    assert ((t["low"] < t["u"]) & (t["u"] <= t["high"])).all()  # u fell in the chosen slice
    for d, (low, high) in zip(draws, zip(t["low"], t["high"])):
        assert high - low == pytest.approx(float(P[d.row, d.chosen]), abs=1e-6)
