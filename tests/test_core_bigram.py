"""core.bigram: counts N, rows into P, the loss, and the tables the first pages show, against brute force."""

import math
import sys
import unicodedata
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
import reference as ref  # tests/reference.py
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_support import budget

import core
from core.bigram import (
    followers,
    neg_log,
    nll_curve,
    sequence_nlls,
    smoothed,
    structure,
    sums,
    top_bigrams,
    uniform_nll,
    uniform_probs,
    word_nlls,
    wrong_probs,
)

SMALL = ["emma", "olivia", "ava", "zoë", "李小龙", "さくら", "ava", "a", "bob🙂"]
DOTTED = ["j.r.", "a.b", ".x", "ab", "a"]  # the data itself uses "."

# A small alphabet that mixes ASCII, a literal ".", accents, CJK, kana, an astral emoji and a lone combining mark.
alphabet = st.sampled_from(list("abcz.ëé李小龙さくら🙂") + ["\u0301"])
# NFC, as the loader hands them over (a + U+0301 is á)
words_st = st.lists(st.text(alphabet, min_size=1, max_size=7).map(lambda w: unicodedata.normalize("NFC", w)),
                    min_size=1, max_size=8)
# Any smoothing the app could use; below ~1e-300 a probability underflows float64 (to 0: inf loss),
# which is float arithmetic rather than the model, so comparisons with exact fractions stop at 1e-9.
any_smoothing = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)
smoothing_st = st.one_of(st.sampled_from([0.0, 1.0, 1e6]), st.floats(min_value=1e-9, max_value=1e6))
# Beyond any row sum float64 can hold (27 cells x 7e306 overflows): P must still be right.
HUGE = [6e306, 7e306, 1e308, sys.float_info.max]


def model(words, k=1.0):
    vocab = core.Vocab.from_words(words)
    N = core.count_bigrams(words, vocab)
    return vocab, N, core.to_probs(N, k)


def exact_rows(N: torch.Tensor, k) -> list[list[float]]:
    return [[float(x) for x in row] for row in ref.probs(N.tolist(), Fraction(k))]


# --- counts ---------------------------------------------------------------------------------------------


def test_counts_match_the_reference_on_unicode_words():
    vocab, N, _ = model(SMALL)
    assert N.dtype == torch.int64 and N.shape == (len(vocab), len(vocab))
    assert N.tolist() == ref.count_matrix(SMALL)


def test_count_bigrams_of_no_words_and_of_an_empty_word():
    vocab = core.Vocab.from_words(["ab"])
    assert int(core.count_bigrams([], vocab).sum()) == 0
    N = core.count_bigrams(["", "ab"], vocab)
    assert N.tolist() == ref.count_matrix(["", "ab"]) and int(N[0, 0]) == 1


def test_dotted_data_counts_like_the_reference():
    vocab, N, _ = model(DOTTED)
    assert N.tolist() == ref.count_matrix(DOTTED)
    assert int(N[0, 0]) == 0  # ".x" starts with a real "." that is not the boundary
    assert int(N[0, vocab.stoi["."]]) == 1


@budget(60)
@given(words_st)
def test_count_properties(words):
    _, N, _ = model(words)
    assert N.tolist() == ref.count_matrix(words)
    assert int(N.sum()) == sum(len(w) + 1 for w in words)
    assert int(N[0].sum()) == int(N[:, 0].sum()) == len(words)
    assert torch.equal(N.sum(0), N.sum(1))  # every character starts as many pairs as it ends


@budget(40)
@given(words_st, st.data())
def test_scoring_many_words_names_the_first_unknown_character_and_its_word(train, data):
    scored = data.draw(st.lists(st.text(st.sampled_from("ab.🙂xyé"), max_size=5), min_size=1, max_size=5))
    vocab, _, P = model(train)
    known = set(ref.alphabet(train))
    bad = [(w, c) for w in scored for c in w if c not in known]
    if not bad:
        assert core.nll(scored, P, vocab) == pytest.approx(ref.nll(train, 1, scored), rel=1e-9)
        return
    with pytest.raises(core.UnknownCharacterError) as e:
        core.count_bigrams(scored, vocab)
    assert (e.value.word, e.value.char) == bad[0]


def test_structure_of_a_small_list():
    words = ["emma", "ava", "anna", "bob", "eve", "abba"]
    vocab, N, _ = model(words)
    info = structure(N, vocab.itos)
    assert info.top_first == ("a", 3)  # ava, anna, abba
    assert info.top_last == ("a", 4)  # emma, ava, anna, abba
    assert info.empty_names == 0
    assert info.unseen == len(vocab) ** 2 - len(ref.count(words))
    assert info.row_sums_equal_col_sums


def test_structure_notices_unbalanced_sums_and_empty_names():
    info = structure(torch.tensor([[1, 2], [1, 0]]), [".", "a"])
    assert not info.row_sums_equal_col_sums and info.empty_names == 1


def test_structure_on_the_lecture_data(lecture_corpus):
    info = structure(lecture_corpus.counts, lecture_corpus.vocab.itos)
    # LECTURE.md: .a 4410 and n. 6763 are the commonest bigrams of row . and of column .; .. is 0
    assert (info.top_first, info.top_last, info.empty_names) == (("a", 4410), ("n", 6763), 0)
    assert info.row_sums_equal_col_sums


def test_top_bigrams_match_a_brute_force_count():
    words = ["emma", "ava", "anna", "bob", "eve", "abba"]
    vocab, N, P = model(words, 0.0)
    df = top_bigrams(N, P, vocab.itos, n=100)
    truth = ref.count(words)
    label = {None: ".", **{c: c for c in ref.alphabet(words)}}
    assert dict(zip(df["bigram"], df["count"])) == {label[a] + label[b]: n for (a, b), n in truth.items()}
    # most frequent first, ties in vocabulary order (row-major index)
    keys = [(-n, vocab.itos.index(b[0]) * len(vocab) + vocab.itos.index(b[1])) for b, n in zip(df["bigram"],
                                                                                          df["count"])]
    assert keys == sorted(keys)
    for row in df.itertuples():
        p = float(P[vocab.stoi[row.bigram[0]], vocab.stoi[row.bigram[1]]])
        assert row.prob == p and row.nll == pytest.approx(-math.log(p))
    assert len(top_bigrams(N, P, vocab.itos, n=3)) == 3


def test_top_bigrams_on_the_lecture_data(lecture_corpus):
    c = lecture_corpus
    df = top_bigrams(c.counts, c.probs(1.0), c.vocab.itos, n=7)
    assert list(zip(df["bigram"], df["count"])) == [  # LECTURE.md, step 2
        ("n.", 6763), ("a.", 6640), ("an", 5438), (".a", 4410), ("e.", 3983), ("ar", 3264), ("el", 3248)
    ]


def test_followers_is_one_row_of_n_and_p():
    words = ["emma", "ava", "anna", "bob", "eve", "abba"]
    vocab, N, P = model(words)
    df = followers(N, P, vocab.itos, vocab.stoi["a"])
    truth = ref.count(words)
    assert list(df["next"]) == vocab.itos
    assert list(df["count"]) == [truth.get(("a", None if c == "." else c), 0) for c in vocab.itos]
    assert df["prob"].tolist() == exact_rows(N, 1)[vocab.stoi["a"]]


def test_followers_of_the_boundary_on_the_lecture_data(lecture_corpus):
    c = lecture_corpus
    df = followers(c.counts, c.probs(0.0), c.vocab.itos, 0)
    assert [round(p, 4) for p in df["prob"][:4]] == [0.0, 0.1377, 0.0408, 0.0481]  # LECTURE.md, step 4


# --- probabilities --------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [0, 0.5, 1, 3, 1000])
def test_probs_match_exact_fractions(k):
    _, N, P = model(SMALL, k)
    assert P.dtype == torch.float64
    for row, exact in zip(P.tolist(), exact_rows(N, k)):
        assert row == pytest.approx(exact, rel=1e-12, abs=0)


def test_an_empty_row_at_smoothing_zero_is_uniform():
    N = torch.tensor([[0, 2, 0], [0, 0, 0], [1, 1, 0]])
    P = core.to_probs(N, 0)
    assert P[1].tolist() == pytest.approx([1 / 3] * 3)
    assert P[0].tolist() == [0.0, 1.0, 0.0] and P[2].tolist() == [0.5, 0.5, 0.0]
    assert core.to_probs(torch.zeros(4, 4, dtype=torch.int64), 0).tolist() == [[0.25] * 4] * 4


def test_to_probs_does_not_change_its_input():
    N = torch.tensor([[0.0, 2.0], [0.0, 0.0]], dtype=torch.float64)
    core.to_probs(N, 0)
    assert N.tolist() == [[0.0, 2.0], [0.0, 0.0]]


@budget(100)
@given(
    st.lists(st.lists(st.integers(0, 10**6), min_size=4, max_size=4), min_size=4, max_size=4),
    st.sets(st.integers(0, 3)),
    st.one_of(st.sampled_from([0.0, 1.0, 1e6, *HUGE]), any_smoothing,
              st.floats(min_value=1e300, max_value=sys.float_info.max)),
)
def test_every_row_sums_to_one_and_matches_exact_fractions_for_any_smoothing(rows, empty_rows, k):
    N = torch.tensor([[0] * 4 if i in empty_rows else r for i, r in enumerate(rows)], dtype=torch.int64)
    P = core.to_probs(N, k)
    assert not P.isnan().any() and (P >= 0).all()
    assert torch.allclose(P.sum(1), torch.ones(4, dtype=torch.float64), rtol=0, atol=1e-12)
    for got, exact in zip(P.tolist(), exact_rows(N, k)):
        assert got == pytest.approx(exact, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("k", HUGE)
def test_smoothing_past_a_row_sums_overflow_gives_the_exact_probabilities(k):
    words = ["abcdefghijklm", "nopqrstuvwxyz", "anna", "emma"]  # 27 symbols, as in the lecture
    _, N, P = model(words, k)
    assert math.isinf(float((N.double() + k).sum(1).max())) == (k > 6e306)  # 6e306: the control below the edge
    for row, exact in zip(P.tolist(), exact_rows(N, k)):
        assert row == pytest.approx(exact, rel=1e-12, abs=0)


@pytest.mark.parametrize("k", [-1, -1e-9, math.nan, math.inf, -math.inf, "1", None, True])
def test_to_probs_rejects_bad_smoothing(k):
    with pytest.raises(ValueError, match="smoothing"):
        core.to_probs(torch.ones(3, 3, dtype=torch.int64), k)


@budget(30)
@given(st.one_of(st.floats(max_value=-1e-300), st.just(math.nan), st.just(math.inf)))
def test_to_probs_rejects_any_negative_or_non_finite_smoothing(k):
    with pytest.raises(ValueError, match="smoothing"):
        core.to_probs(torch.ones(3, 3, dtype=torch.int64), k)


def test_smoothed_adds_k_to_every_cell_and_refuses_bad_k():
    _, N, _ = model(SMALL)
    assert torch.equal(smoothed(N, 2.0), N.double() + 2)
    with pytest.raises(ValueError):
        smoothed(N, -1.0)


@pytest.mark.parametrize("k", [0.0, 1.0, 2.5])
def test_wrong_probs_divide_each_cell_by_the_sum_of_its_columns_row(k):
    words = ["emma", "ava", "anna", "bob", "eve", "abba"]
    _, counts, _ = model(words)
    N = counts.tolist()
    V = len(N)
    W = wrong_probs(counts, k)
    for i in range(V):
        for j in range(V):
            row_j = sum(N[j][m] + k for m in range(V))
            assert float(W[i, j]) == pytest.approx((N[i][j] + k) / row_j, rel=1e-12)
    assert W.sum(0).tolist() == pytest.approx([1.0] * V)  # columns, not rows, sum to 1


def test_wrong_probs_on_the_lecture_data(lecture_corpus):
    W = wrong_probs(lecture_corpus.counts, 1.0)
    assert round(float(W[0].sum()), 2) == 6.92  # LECTURE.md, step 4
    assert float(W[:, 0].sum()) == pytest.approx(1.0)


def test_sums_of_both_tables():
    vocab, N, right = model(SMALL)
    wrong = wrong_probs(N, 1.0)
    df = sums(right, wrong, vocab.itos)
    assert df["symbol"].tolist() == vocab.itos
    assert df["right row sum"].tolist() == pytest.approx([1.0] * len(vocab))
    assert df["wrong column sum"].tolist() == pytest.approx([1.0] * len(vocab))
    assert df["wrong row sum"].tolist() == pytest.approx([sum(r) for r in wrong.tolist()], rel=1e-12)
    assert df["right column sum"].tolist() == pytest.approx([sum(c) for c in zip(*right.tolist())])


def test_uniform_probs_give_log_v_for_every_word():
    vocab = core.Vocab.from_words(SMALL)
    P = uniform_probs(len(vocab))
    assert P.tolist() == [[1 / len(vocab)] * len(vocab)] * len(vocab)
    np.testing.assert_allclose(word_nlls(SMALL, P, vocab), math.log(len(vocab)), rtol=1e-12)
    assert uniform_nll(27) == pytest.approx(3.2958, abs=5e-5)  # LECTURE.md, step 6


def test_huge_smoothing_is_close_to_uniform():
    vocab, _, P = model(SMALL, 1e6)
    assert torch.allclose(P, uniform_probs(len(vocab)), atol=1e-5)


# --- the loss -------------------------------------------------------------------------------------------


def test_neg_log_is_inf_for_zero_never_nan():
    assert neg_log(torch.tensor([[0.0, 1.0, 0.5]])).tolist() == [[math.inf, 0.0, pytest.approx(math.log(2))]]


@pytest.mark.parametrize("k", [0, 1, 10])
def test_nll_matches_the_reference(k):
    vocab, N, P = model(SMALL, k)
    expected = ref.nll(SMALL, k, SMALL)
    assert core.nll(SMALL, P, vocab) == pytest.approx(expected, rel=1e-12)
    assert core.nll_from_counts(N, P) == pytest.approx(expected, rel=1e-12)


def test_an_unseen_bigram_at_smoothing_zero_is_infinite_not_nan():
    vocab, N, P = model(["ab", "ba"], 0)
    assert core.nll(["aa"], P, vocab) == math.inf
    assert core.nll(["ab", "aa"], P, vocab) == math.inf
    df = core.breakdown("aab", P, vocab)
    assert df["prob"].tolist()[1] == 0.0 and df["nll"].tolist()[1] == math.inf
    assert not df[["prob", "logprob", "nll"]].isna().any().any()
    assert core.nll(["aa"], core.to_probs(N, 1), vocab) == pytest.approx(ref.nll(["ab", "ba"], 1, ["aa"]))


def test_nll_from_counts_is_infinite_when_a_seen_pair_has_probability_zero():
    N = torch.tensor([[0, 1], [1, 0]])
    P = torch.tensor([[1.0, 0.0], [1.0, 0.0]], dtype=torch.float64)
    assert core.nll_from_counts(N, P) == math.inf


def test_nll_of_no_words_is_refused():
    vocab, _, P = model(SMALL)
    with pytest.raises(ValueError):
        core.nll([], P, vocab)


@budget(40)
@given(words_st, smoothing_st)
def test_nll_agrees_with_nll_from_counts_and_the_reference(words, k):
    vocab, N, P = model(words, k)
    value = core.nll(words, P, vocab)
    assert not math.isnan(value)
    assert value == pytest.approx(core.nll_from_counts(N, P), rel=1e-9)
    assert value == pytest.approx(ref.nll(words, k, words), rel=1e-9)


@budget(40)
@given(words_st, smoothing_st, st.data())
def test_a_words_nll_is_the_mean_of_its_breakdown(words, k, data):
    vocab, N, P = model(words, k)
    known = ref.alphabet(words)
    word = data.draw(st.text(st.sampled_from(known), max_size=8).map(lambda w: unicodedata.normalize("NFC", w))
                     .filter(lambda w: set(w) <= set(known)), label="word")
    df = core.breakdown(word, P, vocab, counts=N)
    assert len(df) == len(word) + 1
    assert df["nll"].mean() == pytest.approx(ref.nll(words, k, [word]), rel=1e-9)
    assert word_nlls([word], P, vocab)[0] == pytest.approx(ref.nll(words, k, [word]), rel=1e-9)


def test_breakdown_columns_and_values():
    vocab, N, P = model(SMALL, 1)
    df = core.breakdown("zoë", P, vocab, counts=N)
    assert list(df.columns) == ["bigram", "count", "prob", "logprob", "nll"]
    assert df["bigram"].tolist() == [".z", "zo", "oë", "ë."]
    counts = ref.count(SMALL)
    assert df["count"].tolist() == [counts.get(p, 0) for p in ref.pairs("zoë")]
    expected = [float(ref.prob(SMALL, 1, a, b)) for a, b in ref.pairs("zoë")]
    assert df["prob"].tolist() == pytest.approx(expected, rel=1e-12)
    assert df["logprob"].tolist() == pytest.approx([math.log(p) for p in expected], rel=1e-12)
    assert (df["nll"] == -df["logprob"]).all()
    assert "count" not in core.breakdown("zoë", P, vocab).columns


def test_dotted_data_breakdown_labels():
    vocab, _, P = model(DOTTED)
    df = core.breakdown("a.b", P, vocab)
    assert df["bigram"].tolist() == ["<.>a", "a.", ".b", "b<.>"]
    assert df["nll"].mean() == pytest.approx(ref.nll(DOTTED, 1, ["a.b"]), rel=1e-12)


@pytest.mark.parametrize("k", [0.0, 1.0, 7.5])
def test_word_nlls_is_each_words_own_average(k):
    words = ["emma", "ava", "anna", "bob", "abba", "e"]
    vocab, _, P = model(words, k)
    scored = [*words, "", "ab", "bab", "eb"]
    got = word_nlls(scored, P, vocab)
    for w, g in zip(scored, got):
        expected = ref.nll(words, k, [w])
        assert g == expected if math.isinf(expected) else g == pytest.approx(expected, rel=1e-12)
    if k == 0:  # an unseen pair is infinite for its own word only: "eb", and "" (the pair ".." never occurs)
        assert np.isinf(got).tolist() == [w in ("", "eb") for w in scored]


def test_word_nlls_weighted_by_length_give_the_lectures_dataset_average(lecture_corpus):
    c = lecture_corpus
    nlls = word_nlls(c.words, c.probs(1.0), c.vocab)
    weights = np.array([len(w) + 1 for w in c.words])
    assert f"{(nlls * weights).sum() / weights.sum():.4f}" == "2.4546"  # LECTURE.md, step 6


@budget(40)
@given(words_st, smoothing_st, st.data())
def test_sequence_nlls_score_exactly_the_given_indices(words, k, data):
    vocab, N, P = model(words, k)
    V = len(vocab)
    inner = st.lists(st.integers(1, V - 1), max_size=6).map(lambda s: [0, *s, 0])
    seqs = data.draw(st.lists(inner | st.lists(st.integers(0, V - 1), min_size=2, max_size=6), max_size=5))
    if not seqs:
        return
    rows = P.tolist()
    got = sequence_nlls(seqs, P)
    for s, g in zip(seqs, got):
        expected = ref.table_nll(rows, list(zip(s, s[1:])))
        assert g == expected if math.isinf(expected) else g == pytest.approx(expected, rel=1e-12)


def test_nll_curve_matches_the_lecture_and_tends_to_uniform(lecture_corpus):
    got = nll_curve(lecture_corpus.counts, np.array([0.0, 1.0, 10.0, 100.0, 1000.0, 1e9]))
    assert [f"{x:.4f}" for x in got[:5]] == ["2.4540", "2.4546", "2.4621", "2.5375", "2.8523"]  # LECTURE.md
    assert got[-1] == pytest.approx(math.log(27), abs=1e-4)
    assert (np.diff(got) > 0).all()  # more smoothing, flatter rows, higher loss on the data


# --- Corpus ---------------------------------------------------------------------------------------------


def test_corpus_bundles_the_same_model():
    data = "\n".join(SMALL).encode()
    c = core.Corpus.from_bytes(data, "small.txt")
    assert c.name == "small.txt" and c.words == SMALL and not c.is_lecture_data
    assert c.vocab.itos == core.Vocab.from_words(SMALL).itos
    assert c.counts.tolist() == ref.count_matrix(SMALL)
    assert c.nll(1.0) == pytest.approx(ref.nll(SMALL, 1, SMALL), rel=1e-12)
    assert c.probs(0.5).tolist() == [pytest.approx(r, rel=1e-12) for r in exact_rows(c.counts, Fraction(1, 2))]
    assert list(c.length_counts().items()) == sorted(Counter(map(len, SMALL)).items())
    assert c.char_counts() == Counter("".join(SMALL))


def test_corpus_figures_against_the_words():
    words = ["emma", "ava", "emma", "bo"]
    f = core.Corpus.from_bytes(("\n".join(words) + "\n").encode(), "w.txt").figures()
    assert (f.names, f.distinct, f.symbols, f.shortest, f.longest) == (4, 3, 7, 2, 4)  # e m a v b o + boundary
    assert f.mean_length == pytest.approx(13 / 4) and f.bigrams == 13 + 4


def test_corpus_digest_depends_on_content_only():
    a = core.Corpus.from_bytes(b"ab\n", "x.txt")
    assert a.digest == core.Corpus.from_bytes(b"ab\n", "y.txt").digest
    assert a.digest != core.Corpus.from_bytes(b"ab\r\n", "x.txt").digest


def test_the_lecture_file_is_recognised(lecture_corpus):
    assert lecture_corpus.is_lecture_data
    f = lecture_corpus.figures()
    assert (f.names, f.shortest, f.longest, f.bigrams, f.symbols) == (32_033, 2, 15, 228_146, 27)  # LECTURE.md
