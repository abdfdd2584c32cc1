"""core.evaluation: a name's score and rank, held-out loss against smoothing and regularisation, samples against
the data; brute force on small data, laws on random data, the lecture's figures on its own."""

import math
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
import reference as ref  # tests/reference.py
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_support import budget

import core
from core.bigram import word_nlls
from core.data import Split, split_words
from core.evaluation import (
    distinct_names,
    held_out,
    name_features,
    plus_one,
    rank_among,
    ranked_names,
    reg_sweep,
    sample_report,
    score_name,
    shares,
    smoothing_sweep,
    split_counts,
    total_variation,
    unseen_in,
)
from core.settings import SETTINGS

# dev uses "c" (never in train) and the pair "ba" (never in train): both kinds of unseen bigram
TRAIN = ["ab", "abb", "a", "bb", "ab"]
DEV = ["ba", "abc", "ab"]
WORDS = TRAIN + DEV


def brute_nll(train: list[str], scored: list[str], k: float, alphabet: list[str]) -> float:
    """Average -log P over `scored`, P from dict counts of `train` over `alphabet` plus the boundary."""
    tokens = [ref.BOUNDARY, *alphabet]
    counts = ref.count(train)
    k = Fraction(k)
    total, n = 0.0, 0
    for w in scored:
        for a, b in ref.pairs(w):
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


# --- one name against the dataset -----------------------------------------------------------------------


def test_rank_among_counts_strictly_lower_and_higher():
    values = np.array([2.0, 1.0, 3.0, 2.0, 5.0])
    for v in [0.5, 1.0, 2.0, 2.5, 5.0, math.inf]:
        r = rank_among(v, values)
        assert r.lower == sum(x < v for x in values) and r.higher == sum(x > v for x in values)
        assert r.total == 5 and r.rank == r.lower + 1 and r.beats == pytest.approx(100 * r.higher / 5)


def test_score_name_against_brute_force():
    words = ["emma", "ava", "anna", "bob", "abba", "e"]
    c = core.Corpus.from_bytes("\n".join(words).encode(), "w.txt")
    P = c.probs(1.0)
    dataset = word_nlls(words, P, c.vocab)
    s = score_name("bab", P, c.vocab, c.counts, dataset)
    expected = ref.nll(words, 1, ["bab"])
    assert s.nll == pytest.approx(expected, rel=1e-12) and s.loglik == pytest.approx(-4 * expected, rel=1e-12)
    assert s.table["bigram"].tolist() == [".b", "ba", "ab", "b."] and s.unseen == []
    assert s.rank.lower == sum(ref.nll(words, 1, [w]) < expected for w in words)
    with pytest.raises(core.UnknownCharacterError) as e:
        score_name("emmaz", P, c.vocab, c.counts, dataset)
    assert e.value.char == "z"


def test_score_name_reproduces_the_lecture(lecture_corpus):
    c = lecture_corpus
    s1 = score_name("andrej", c.probs(1.0), c.vocab, c.counts, word_nlls(c.words, c.probs(1.0), c.vocab))
    assert f"{s1.nll:.4f}" == "3.0368"  # LECTURE.md, step 7
    assert s1.table.loc[s1.table["nll"].idxmax(), "bigram"] == "ej" and s1.unseen == []
    s0 = score_name("andrejq", c.probs(0.0), c.vocab, c.counts, word_nlls(c.words, c.probs(0.0), c.vocab))
    assert s0.nll == math.inf and s0.loglik == -math.inf and s0.unseen == ["jq"]
    assert s0.rank.higher == 0 and s0.rank.lower == len(c.words)


# --- held-out names -------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [0.0, 0.5, 1.0, 7.0])
def test_smoothing_sweep_matches_brute_force(small, k):
    _, train_counts, dev_counts = small
    train, dev = smoothing_sweep(train_counts, dev_counts, [0.5, 7.0]).at(k)
    alphabet = ref.alphabet(WORDS)
    assert train == pytest.approx(brute_nll(TRAIN, TRAIN, k, alphabet), rel=1e-12)
    expected_dev = brute_nll(TRAIN, DEV, k, alphabet)
    assert dev == (math.inf if math.isinf(expected_dev) else pytest.approx(expected_dev, rel=1e-12))


def test_the_sweep_adds_zero_and_one_and_its_best_is_the_brute_force_minimum(small):
    _, train_counts, dev_counts = small
    ks = [3.0, 0.2, 0.05, 20.0]
    sw = smoothing_sweep(train_counts, dev_counts, ks)
    assert sw.values.tolist() == [0.0, 0.05, 0.2, 1.0, 3.0, 20.0]
    assert sw.dev[0] == math.inf  # "ba" and "c" were never seen in train
    brute = {k: brute_nll(TRAIN, DEV, k, ref.alphabet(WORDS)) for k in sw.values.tolist()}
    assert sw.best == min(brute, key=brute.get)
    options = [0.0, 1.0, 3.0, 20.0]
    assert sw.best_among(options) == min(options, key=brute.get)


def test_best_among_breaks_a_tie_toward_the_smallest():
    sw = core.evaluation.Sweep(np.array([0.0, 1.0, 2.0]), np.zeros(3), np.array([3.0, 2.0, 2.0]))
    assert sw.best == 1.0 and sw.best_among([2.0, 1.0]) == 1.0


def test_counts_come_from_train_only_over_the_whole_vocabulary(small):
    vocab, train_counts, dev_counts = small
    assert len(vocab) == 4  # boundary, a, b, c: "c" is only in dev but still has a row and a column
    tokens = [None, "a", "b", "c"]
    assert train_counts.tolist() == [[ref.count(TRAIN).get((a, b), 0) for b in tokens] for a in tokens]
    assert dev_counts.tolist() == [[ref.count(DEV).get((a, b), 0) for b in tokens] for a in tokens]


def test_unseen_in_is_any_pair_with_zero_train_count(small):
    vocab, train_counts, _ = small
    seen = ref.count(TRAIN)
    expected = [any(p not in seen for p in ref.pairs(w)) for w in DEV]
    assert unseen_in(train_counts, DEV, vocab).tolist() == expected == [True, True, False]


def test_plus_one_splits_dev_by_unseen_bigrams(small):
    vocab, train_counts, _ = small
    p = plus_one(train_counts, DEV, vocab)
    alphabet = ref.alphabet(WORDS)
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
    words = ["ab"] * 8 + ["cz", "ab"]
    vocab = core.Vocab.from_words(words)
    for seed in range(20):
        split = split_words(words, seed)
        h = held_out(words, vocab, seed, [1.0])
        assert h.sizes == (len(split.train), len(split.dev), len(split.test))
        assert h.dev_only_chars == (["c", "z"] if "cz" in split.dev else [])


@pytest.mark.parametrize("reg", [0.1, 1.0])
def test_reg_sweep_scores_the_regularised_optimum_without_its_penalty(small, reg):
    vocab, train_counts, dev_counts = small
    sw = reg_sweep(train_counts, dev_counts, [reg], steps=300)
    # the reference: plain float64 gradient descent from W = 0 until the gradient vanishes (lr 2 never overshoots)
    ix = ref.index(WORDS)
    train_ex = [(ix[a], ix[b]) for w in TRAIN for a, b in ref.pairs(w)]
    dev_ex = [(ix[a], ix[b]) for w in DEV for a, b in ref.pairs(w)]
    W = ref.descend([[0.0] * len(vocab) for _ in vocab.itos], train_ex, reg, 2.0, 2000)
    assert max(abs(g) for row in ref.net_grad(W, train_ex, reg) for g in row) < 1e-9
    P = ref.softmax_rows(W)
    assert sw.at(reg) == pytest.approx((ref.table_nll(P, train_ex), ref.table_nll(P, dev_ex)), rel=1e-5)


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
    split = split_words(lecture_words, core.LECTURE_SEED)
    assert int(h.train_counts.sum()) == sum(len(w) + 1 for w in split.train)  # test's bigrams are left out
    assert int(h.dev_counts.sum()) == sum(len(w) + 1 for w in split.dev)
    assert h.smoothing.at(0.0)[0] == pytest.approx(core.nll(split.train, core.to_probs(h.train_counts, 0.0), vocab))
    p = h.plus_one
    assert p.dev_k0 == math.inf and p.n_dev == 3_203
    assert p.n_unseen == int(unseen_in(h.train_counts, split.dev, vocab).sum()) > 0
    assert p.dev_k1 == pytest.approx(h.smoothing.at(1.0)[1])
    assert 0 < h.smoothing.best < 1 and h.smoothing.dev[h.smoothing.best_index] < p.dev_k1


words_st = st.lists(st.text(alphabet="abcd", min_size=1, max_size=5), min_size=3, max_size=30)


@budget(30)
@given(words=words_st, seed=st.integers(0, 2**31 - 1))
def test_best_k_never_loses_to_zero_or_one_on_dev(words, seed):
    vocab = core.Vocab.from_words(words)
    ladder = list(SETTINGS.smoothing_ladder)
    sw = held_out(words, vocab, seed, np.union1d(SETTINGS.dev_smoothing_grid, ladder)).smoothing
    best = float(sw.dev[sw.best_index])
    assert best == min(sw.dev)
    for k in (0.0, 1.0):
        assert best <= sw.at(k)[1]
    assert sw.at(sw.best_among(ladder))[1] <= min(sw.at(0.0)[1], sw.at(1.0)[1])  # what the page's "Apply k" sets


@budget(30)
@given(words=words_st, seed=st.integers(0, 2**31 - 1))
def test_train_loss_never_falls_as_smoothing_grows(words, seed):
    # each row moves in a straight line from its counts toward uniform: the train loss only climbs
    vocab = core.Vocab.from_words(words)
    assert (np.diff(held_out(words, vocab, seed).smoothing.train) >= -1e-12).all()


# --- samples against the data ---------------------------------------------------------------------------


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
    assert name_features(["emma", "", "x"]) == {"length": [4, 0, 1], "first letter": ["e", "x"],
                                                "last letter": ["a", "x"]}


def test_sample_report_against_counting_by_hand():
    words = ["emma", "ava", "x", "olivia"]
    sampled = ["a", "", "abcdefgh", "emma", "b"]
    r = sample_report(words, sampled)
    assert r.one_letter == (0.25, 0.4) and r.longest == 6 and r.empty == 1
    assert r.beyond_longest == pytest.approx(1 / 5)
    assert r.tables["first letter"].loc["a", "sampled"] == pytest.approx(2 / 4)  # '' has no first letter
    assert r.tables["length"]["dataset"].to_dict() == pytest.approx(
        {n: Counter(map(len, words)).get(n, 0) / 4 for n in [0, 1, 3, 4, 6, 8]})


def test_ranked_names_against_brute_force():
    words = ["emma", "ava", "emma", "bob", "ava", "emma", "xq"]
    corpus = core.Corpus.from_bytes("\n".join(words).encode(), "w.txt")
    names, counts = distinct_names(words)
    assert names == ["emma", "ava", "bob", "xq"] and dict(zip(names, counts.tolist(), strict=True)) == Counter(words)
    table = ranked_names(names, counts, word_nlls(names, corpus.probs(1.0), corpus.vocab))
    expected = {w: ref.nll(words, 1, [w]) for w in set(words)}
    assert sorted(table["name"]) == sorted(expected)
    assert table["nll"].tolist() == sorted(table["nll"].tolist())
    for row in table.itertuples():
        assert row.nll == pytest.approx(expected[row.name], rel=1e-12)
        assert row.count == Counter(words)[row.name]
        assert row.rank == 1 + sum(v < row.nll for v in expected.values())


def test_ranked_names_ties_share_the_best_rank():
    table = ranked_names(["a", "b", "c", "d"], np.array([1, 1, 1, 1]), np.array([2.0, 1.0, 2.0, math.inf]))
    assert table["name"].tolist() == ["b", "a", "c", "d"]
    assert table["rank"].tolist() == [1, 2, 2, 4]
