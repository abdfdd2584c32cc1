"""core.generalise against brute force on small data, its laws on random data, and the lecture's split."""

import math
import unicodedata
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
import reference
from hypothesis import given, settings
from hypothesis import strategies as st

import core
from core.generalise import (
    SMOOTHING_KS,
    distinct_names,
    held_out,
    name_features,
    plus_one,
    ranked_names,
    reg_sweep,
    search,
    shares,
    smoothing_sweep,
    split_counts,
    total_variation,
    unseen_in,
)
from core.netviz import converged_weights, net_probs
from core.scoring import word_nlls
from core.split import Split, split_words

# dev uses "c" (never in train) and the pair "ba" (never in train): both kinds of unseen bigram
TRAIN = ["ab", "abb", "a", "bb", "ab"]
DEV = ["ba", "abc", "ab"]
WORDS = TRAIN + DEV
LADDER = [0.0, 0.01, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0, 1e3, 1e6]  # steps like the sidebar's


def brute_nll(train: list[str], scored: list[str], k: float, alphabet: list[str]) -> float:
    """Average -log P over `scored`, P from dict counts of `train` over `alphabet` plus the boundary."""
    tokens = [reference.BOUNDARY, *alphabet]
    counts = reference.count(train)
    k = Fraction(k)
    total, n = 0.0, 0
    for w in scored:
        for a, b in reference.pairs(w):
            row = sum(counts.get((a, c), 0) for c in tokens)
            if row == 0 and k == 0:
                p = Fraction(1, len(tokens))
            else:
                p = (counts.get((a, b), 0) + k) / (row + len(tokens) * k)
            if p == 0:
                return math.inf
            total += math.log(p.denominator) - math.log(p.numerator)
            n += 1
    return total / n


@pytest.fixture
def small():
    vocab = core.Vocab.from_words(WORDS)
    train_counts, dev_counts = split_counts(Split(TRAIN, DEV, []), vocab)
    return vocab, train_counts, dev_counts


@pytest.mark.parametrize("k", [0.0, 0.5, 1.0, 7.0])
def test_smoothing_sweep_matches_brute_force(small, k):
    _, train_counts, dev_counts = small
    sw = smoothing_sweep(train_counts, dev_counts, [0.5, 7.0])
    alphabet = reference.alphabet(WORDS)
    train, dev = sw.at(k)
    assert train == pytest.approx(brute_nll(TRAIN, TRAIN, k, alphabet), rel=1e-12)
    expected_dev = brute_nll(TRAIN, DEV, k, alphabet)
    assert dev == (math.inf if math.isinf(expected_dev) else pytest.approx(expected_dev, rel=1e-12))


def test_sweep_always_has_zero_and_one_and_picks_the_lowest_dev(small):
    _, train_counts, dev_counts = small
    sw = smoothing_sweep(train_counts, dev_counts, [3.0, 0.2])
    assert sw.values.tolist() == [0.0, 0.2, 1.0, 3.0]
    assert sw.dev[0] == math.inf  # "ba" and "c" were never seen in train
    assert sw.best == sw.values[int(np.argmin(sw.dev))]
    assert sw.best_among([0.0, 1.0, 3.0]) == min([0.0, 1.0, 3.0], key=lambda v: sw.at(v)[1])


def test_counts_come_from_train_only_over_the_whole_vocabulary(small):
    vocab, train_counts, dev_counts = small
    assert len(vocab) == 4  # boundary, a, b, c: "c" is only in dev but still has a row and a column
    tokens = [None, "a", "b", "c"]
    brute_train = [[reference.count(TRAIN).get((a, b), 0) for b in tokens] for a in tokens]
    brute_dev = [[reference.count(DEV).get((a, b), 0) for b in tokens] for a in tokens]
    assert train_counts.tolist() == brute_train
    assert dev_counts.tolist() == brute_dev


def test_unseen_in_is_any_pair_with_zero_train_count(small):
    vocab, train_counts, _ = small
    seen = reference.count(TRAIN)
    expected = [any(p not in seen for p in reference.pairs(w)) for w in DEV]
    assert unseen_in(train_counts, DEV, vocab).tolist() == expected == [True, True, False]


def test_plus_one_splits_dev_by_unseen_bigrams(small):
    vocab, train_counts, _ = small
    p = plus_one(train_counts, DEV, vocab)
    alphabet = reference.alphabet(WORDS)
    assert (p.n_dev, p.n_unseen) == (3, 2)
    assert p.dev_k0 == math.inf
    assert p.dev_k1 == pytest.approx(brute_nll(TRAIN, DEV, 1, alphabet))
    assert p.seen_k0 == pytest.approx(brute_nll(TRAIN, ["ab"], 0, alphabet))
    assert p.seen_k1 == pytest.approx(brute_nll(TRAIN, ["ab"], 1, alphabet))
    assert p.unseen_k1 == pytest.approx(brute_nll(TRAIN, ["ba", "abc"], 1, alphabet))


def test_plus_one_with_every_dev_bigram_seen():
    vocab = core.Vocab.from_words(["ab", "ba"])
    p = plus_one(core.count_bigrams(["ab", "ba"], vocab), ["ab"], vocab)
    assert p.n_unseen == 0 and math.isfinite(p.dev_k0) and math.isnan(p.unseen_k1)


def test_held_out_sizes_and_dev_only_characters():
    words = ["ab", "ab", "ab", "ab", "ab", "ab", "ab", "ab", "cz", "ab"]
    vocab = core.Vocab.from_words(words)
    for seed in range(20):
        split = split_words(words, seed)
        h = held_out(words, vocab, seed, [1.0])
        assert h.sizes == (len(split.train), len(split.dev), len(split.test))
        assert h.dev_only_chars == (["c", "z"] if "cz" in split.dev else [])


def test_reg_sweep_with_one_strength_is_a_trained_net_scored_without_the_penalty(small):
    _, train_counts, dev_counts = small
    sw = reg_sweep(train_counts, dev_counts, [0.1], steps=50)
    P = net_probs(converged_weights(train_counts, 0.1, max_steps=50).double())
    assert sw.at(0.1) == (core.nll_from_counts(train_counts, P), core.nll_from_counts(dev_counts, P))


def test_stronger_regularisation_flattens_the_net_toward_uniform(small):
    vocab, train_counts, dev_counts = small
    sw = reg_sweep(train_counts, dev_counts, [10.0, 0.0, 0.01], steps=300)
    assert sw.values.tolist() == [0.0, 0.01, 10.0]
    assert sw.train[0] < sw.train[1] < sw.train[2]
    assert np.isfinite(sw.dev).all()  # softmax never gives exactly 0, even to "c"
    uniform = math.log(len(vocab))
    assert abs(sw.train[2] - uniform) < abs(sw.train[0] - uniform)


def test_reg_sweep_on_lecture_data_prefers_weak_pulls(lecture_words):
    vocab = core.Vocab.from_words(lecture_words)
    h = held_out(lecture_words, vocab, core.LECTURE_SEED, [1.0])
    sw = reg_sweep(h.train_counts, h.dev_counts, [0.0, 0.01, 1.0])
    assert sw.dev[0] < sw.dev[1] < sw.dev[2]  # 25,626 names need no pull on W
    assert sw.dev[0] == pytest.approx(h.smoothing.at(1.0)[1], abs=0.002)  # the counting model's neighbourhood


def test_lecture_split_in_numbers(lecture_words):
    vocab = core.Vocab.from_words(lecture_words)
    h = held_out(lecture_words, vocab, core.LECTURE_SEED)
    assert h.sizes == (25_626, 3_203, 3_204)
    assert int(h.train_counts.sum()) + int(h.dev_counts.sum()) < 228_146  # test's bigrams are left out
    split = split_words(lecture_words, core.LECTURE_SEED)
    train_only = core.nll(split.train, core.to_probs(h.train_counts, 0.0), vocab)
    assert h.smoothing.at(0.0)[0] == pytest.approx(train_only)
    p = h.plus_one
    assert p.dev_k0 == math.inf and p.n_unseen == 7 and p.n_dev == 3_203
    assert p.dev_k1 == pytest.approx(h.smoothing.at(1.0)[1])
    assert 0 < h.smoothing.best < 1 and h.smoothing.dev[h.smoothing.best_index] < p.dev_k1


words_st = st.lists(st.text(alphabet="abcd", min_size=1, max_size=5), min_size=3, max_size=30)


@settings(max_examples=60, deadline=None)
@given(words=words_st, seed=st.integers(0, 2**31 - 1))
def test_best_k_never_loses_to_zero_or_one_on_dev(words, seed):
    vocab = core.Vocab.from_words(words)
    sw = held_out(words, vocab, seed, np.union1d(SMOOTHING_KS, LADDER)).smoothing
    best = float(sw.dev[sw.best_index])
    for k in (0.0, 1.0):
        dev = sw.at(k)[1]
        if math.isfinite(dev):
            assert best <= dev
    ladder = sw.best_among(LADDER)  # what the page's "Apply k" sets
    assert sw.at(ladder)[1] <= min(sw.at(0.0)[1], sw.at(1.0)[1])


@settings(max_examples=60, deadline=None)
@given(words=words_st, seed=st.integers(0, 2**31 - 1))
def test_train_loss_never_falls_as_smoothing_grows(words, seed):
    # each row moves in a straight line from its counts toward uniform: the train loss only climbs
    vocab = core.Vocab.from_words(words)
    train = held_out(words, vocab, seed).smoothing.train
    assert (np.diff(train) >= -1e-12).all()


def test_shares_against_counting_by_hand():
    table = shares([3, 1, 3, 3], [1, 5])
    assert table.index.tolist() == [1, 3, 5]
    assert table["dataset"].tolist() == [0.25, 0.75, 0.0]
    assert table["sampled"].tolist() == [0.5, 0.0, 0.5]
    assert total_variation(table) == pytest.approx(0.75)
    assert total_variation(shares(["a", "b"], ["b", "a"])) == 0.0
    assert total_variation(shares(["a"], ["b"])) == 1.0


def test_shares_with_no_samples_is_all_zero_not_nan():
    table = shares(["a", "b"], [])
    assert table["sampled"].tolist() == [0.0, 0.0] and table["dataset"].sum() == 1.0


def test_name_features_skip_letters_of_an_empty_name():
    f = name_features(["emma", "", "x"])
    assert f == {"length": [4, 0, 1], "first letter": ["e", "x"], "last letter": ["a", "x"]}


def test_ranked_names_against_brute_force():
    words = ["emma", "ava", "emma", "bob", "ava", "emma", "xq"]
    corpus = core.Corpus.from_bytes("\n".join(words).encode(), "w.txt")
    names, counts = distinct_names(words)
    assert dict(zip(names, counts.tolist(), strict=True)) == Counter(words)
    P = corpus.probs(1.0)
    table = ranked_names(names, counts, word_nlls(names, P, corpus.vocab))
    expected = {}  # average -log P over each name's bigrams, by a plain loop
    for w in set(words):
        ids = corpus.vocab.encode(w)
        expected[w] = -sum(math.log(P[a, b]) for a, b in zip(ids[:-1], ids[1:], strict=True)) / (len(w) + 1)
    assert sorted(table["name"]) == sorted(expected)
    assert table["nll"].tolist() == sorted(table["nll"].tolist())
    for row in table.itertuples():
        assert row.nll == pytest.approx(expected[row.name])
        assert row.count == Counter(words)[row.name]
        assert row.rank == 1 + sum(v < row.nll for v in table["nll"])


def test_ranked_names_ties_share_the_best_rank():
    table = ranked_names(["a", "b", "c", "d"], np.array([1, 1, 1, 1]), np.array([2.0, 1.0, 2.0, math.inf]))
    assert table["name"].tolist() == ["b", "a", "c", "d"]
    assert table["rank"].tolist() == [1, 2, 2, 4]


def test_search_is_a_literal_case_insensitive_substring():
    table = ranked_names(["Anna", "hannah", "bob", "a.b", "(x"], np.ones(5, dtype=np.int64), np.arange(5.0))
    assert search(table, "ANN")["name"].tolist() == ["Anna", "hannah"]
    assert search(table, " ann ")["name"].tolist() == ["Anna", "hannah"]
    assert search(table, ".")["name"].tolist() == ["a.b"]  # not a regex: "." matches only a dot
    assert search(table, "(")["name"].tolist() == ["(x"]
    assert len(search(table, "  ")) == 5
    assert search(table, "zzz").empty


def test_search_matches_a_decomposed_query_against_nfc_names():
    table = ranked_names(["zoë", "zoe"], np.ones(2, dtype=np.int64), np.array([1.0, 2.0]))
    assert search(table, unicodedata.normalize("NFD", "ë"))["name"].tolist() == ["zoë"]
