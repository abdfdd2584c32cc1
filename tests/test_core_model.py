"""The counting model (Vocab, count_bigrams, to_probs, nll, breakdown, Corpus) against the brute-force reference."""

import math
from fractions import Fraction

import pytest
import reference as ref  # tests/reference.py
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import core

SMALL = ["emma", "olivia", "ava", "zoë", "李小龙", "さくら", "ava", "a", "bob🙂"]
DOTTED = ["j.r.", "a.b", ".x", "ab", "a"]  # the data itself uses "."

# A small alphabet that mixes ASCII, a literal ".", accents, CJK, kana and an astral emoji.
alphabet = st.sampled_from(list("abcz.ëé李小龙さくら🙂"))
words_st = st.lists(st.text(alphabet, min_size=1, max_size=7), min_size=1, max_size=8)
# Any smoothing the app could use; below ~1e-300 a probability underflows float64 (to 0: inf loss),
# which is float arithmetic rather than the model, so comparisons with exact fractions stop at 1e-9.
any_smoothing = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)
smoothing_st = st.one_of(st.sampled_from([0.0, 1.0, 1e6]), st.floats(min_value=1e-9, max_value=1e6))
FEW = settings(max_examples=60, deadline=None)


def model(words, k=1.0):
    vocab = core.Vocab.from_words(words)
    N = core.count_bigrams(words, vocab)
    return vocab, N, core.to_probs(N, k)


# --- vocabulary ----------------------------------------------------------------------------


def test_vocab_is_boundary_then_sorted_characters():
    vocab = core.Vocab.from_words(SMALL)
    assert vocab.itos == [".", *ref.alphabet(SMALL)]
    assert len(vocab) == len(ref.alphabet(SMALL)) + 1
    assert all(vocab.stoi[c] == i for c, i in ref.index(SMALL).items() if c is not None)
    assert vocab.boundary == "." and vocab.stoi["."] == 0


def test_vocab_of_lowercase_names_puts_a_at_1_and_z_at_26():
    vocab = core.Vocab.from_words(["abcdefghijklm", "nopqrstuvwxyz"])
    assert vocab.stoi["a"] == 1 and vocab.stoi["z"] == 26 and len(vocab) == 27


def test_encode_wraps_in_boundaries():
    vocab = core.Vocab.from_words(["emma"])
    e, m, a = vocab.stoi["e"], vocab.stoi["m"], vocab.stoi["a"]
    assert vocab.encode("emma") == [0, e, m, m, a, 0]
    assert vocab.encode("") == [0, 0]


def test_a_dot_in_the_data_gets_its_own_index_and_the_boundary_a_label_that_cannot_collide():
    vocab = core.Vocab.from_words(DOTTED)
    assert vocab.boundary == "<.>" and vocab.itos[0] == "<.>"
    assert vocab.stoi["."] == 1 + ref.alphabet(DOTTED).index(".")
    assert vocab.encode(".") == [0, vocab.stoi["."], 0]


def test_dotted_data_counts_like_the_reference():
    vocab, N, _ = model(DOTTED)
    assert N.tolist() == ref.count_matrix(DOTTED)
    assert int(N[0, 0]) == 0  # ".x" starts with a real "." that is not the boundary
    assert int(N[0, vocab.stoi["."]]) == 1


def test_dotted_data_breakdown_labels():
    vocab, _, P = model(DOTTED)
    df = core.breakdown("a.b", P, vocab)
    assert df["bigram"].tolist() == ["<.>a", "a.", ".b", "b<.>"]
    assert df["nll"].mean() == pytest.approx(ref.nll(DOTTED, 1, ["a.b"]), rel=1e-12)


# --- unknown characters --------------------------------------------------------------------


@pytest.mark.parametrize(
    "word, char", [("emmaq", "q"), ("a.b", "."), (".", "."), ("zoè", "è"), ("李四", "四")]
)
def test_unknown_characters_are_named(word, char):
    vocab, _, P = model(["emma", "zoë", "李小龙", "ab"])
    for call in (
        lambda: vocab.encode(word),
        lambda: core.breakdown(word, P, vocab),
        lambda: core.nll([word], P, vocab),
    ):
        with pytest.raises(core.UnknownCharacterError) as e:
            call()
        assert e.value.char == char and e.value.word == word
        assert repr(char) in str(e.value) and f"U+{ord(char):04X}" in str(e.value)


def test_a_typed_boundary_label_is_not_the_boundary():
    vocab, _, P = model(DOTTED)
    with pytest.raises(core.UnknownCharacterError):
        core.breakdown("<.>", P, vocab)


def test_unknown_character_error_is_a_value_error():
    assert issubclass(core.UnknownCharacterError, ValueError)


@FEW
@given(words_st, st.lists(st.text(st.sampled_from("ab.🙂xyé"), max_size=5), min_size=1, max_size=5))
def test_scoring_many_words_names_the_first_unknown_character_and_its_word(train, scored):
    vocab, _, P = model(train)
    known = set(ref.alphabet(train))
    bad = [(w, c) for w in scored for c in w if c not in known]
    if not bad:
        assert core.nll(scored, P, vocab) == pytest.approx(ref.nll(train, 1, scored), rel=1e-9)
        return
    with pytest.raises(core.UnknownCharacterError) as e:
        core.count_bigrams(scored, vocab)
    assert (e.value.word, e.value.char) == bad[0]


# --- counts --------------------------------------------------------------------------------


def test_counts_match_the_reference_on_unicode_words():
    vocab, N, _ = model(SMALL)
    assert N.dtype == torch.int64 and N.shape == (len(vocab), len(vocab))
    assert N.tolist() == ref.count_matrix(SMALL)


def test_count_bigrams_of_no_words_and_of_an_empty_word():
    vocab = core.Vocab.from_words(["ab"])
    assert int(core.count_bigrams([], vocab).sum()) == 0
    N = core.count_bigrams(["", "ab"], vocab)
    assert N.tolist() == ref.count_matrix(["", "ab"]) and int(N[0, 0]) == 1


@FEW
@given(words_st)
def test_count_properties(words):
    _, N, _ = model(words)
    assert N.tolist() == ref.count_matrix(words)
    assert int(N.sum()) == sum(len(w) + 1 for w in words)
    assert int(N[0].sum()) == int(N[:, 0].sum()) == len(words)
    assert torch.equal(N.sum(0), N.sum(1))  # every character starts as many pairs as it ends


# --- probabilities -------------------------------------------------------------------------


@pytest.mark.parametrize("k", [0, 0.5, 1, 3, 1000])
def test_probs_match_exact_fractions(k):
    _, _, P = model(SMALL, k)
    exact = ref.probs(ref.count_matrix(SMALL), k)
    assert P.dtype == torch.float64
    for row, exact_row in zip(P.tolist(), exact):
        assert row == pytest.approx([float(x) for x in exact_row], rel=1e-12, abs=0)


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


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 10**6), min_size=4, max_size=4), min_size=4, max_size=4),
    st.sets(st.integers(0, 3)),
    st.one_of(st.sampled_from([0.0, 1.0, 1e6]), any_smoothing),
)
def test_every_row_sums_to_one_for_any_smoothing(rows, empty_rows, k):
    N = torch.tensor([[0] * 4 if i in empty_rows else r for i, r in enumerate(rows)], dtype=torch.int64)
    P = core.to_probs(N, k)
    assert not P.isnan().any() and (P >= 0).all()
    assert torch.allclose(P.sum(1), torch.ones(4, dtype=torch.float64), rtol=0, atol=1e-12)
    for i, row in enumerate(ref.probs(N.tolist(), Fraction(k))):
        assert P[i].tolist() == pytest.approx([float(x) for x in row], rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("k", [-1, -1e-9, math.nan, math.inf, -math.inf, "1", None, True])
def test_to_probs_rejects_bad_smoothing(k):
    with pytest.raises(ValueError):
        core.to_probs(torch.ones(3, 3, dtype=torch.int64), k)


@settings(max_examples=50, deadline=None)
@given(st.one_of(st.floats(max_value=-1e-300), st.just(math.nan), st.just(math.inf)))
def test_to_probs_rejects_any_negative_or_non_finite_smoothing(k):
    with pytest.raises(ValueError, match="smoothing"):
        core.to_probs(torch.ones(3, 3, dtype=torch.int64), k)


def test_huge_smoothing_is_close_to_uniform():
    vocab, _, P = model(SMALL, 1e6)
    V = len(vocab)
    assert torch.allclose(P, torch.full((V, V), 1 / V, dtype=torch.float64), atol=1e-5)


# --- negative log-likelihood ---------------------------------------------------------------


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


@FEW
@given(words_st, smoothing_st)
def test_nll_agrees_with_nll_from_counts_and_the_reference(words, k):
    vocab, N, P = model(words, k)
    value = core.nll(words, P, vocab)
    assert not math.isnan(value)
    assert value == pytest.approx(core.nll_from_counts(N, P), rel=1e-9)
    assert value == pytest.approx(ref.nll(words, k, words), rel=1e-9)


@FEW
@given(words_st, smoothing_st, st.data())
def test_a_words_nll_is_the_mean_of_its_breakdown(words, k, data):
    vocab, N, P = model(words, k)
    word = data.draw(st.text(st.sampled_from(ref.alphabet(words)), max_size=8), label="word")
    df = core.breakdown(word, P, vocab, counts=N)
    assert len(df) == len(word) + 1
    assert df["nll"].mean() == pytest.approx(core.nll([word], P, vocab), rel=1e-9)
    assert df["nll"].mean() == pytest.approx(ref.nll(words, k, [word]), rel=1e-9)


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


# --- Corpus --------------------------------------------------------------------------------


def test_corpus_bundles_the_same_model():
    data = "\n".join(SMALL).encode()
    c = core.Corpus.from_bytes(data, "small.txt")
    assert c.name == "small.txt" and c.words == SMALL and not c.is_lecture_data
    assert c.vocab.itos == core.Vocab.from_words(SMALL).itos
    assert c.counts.tolist() == ref.count_matrix(SMALL)
    assert c.nll(1.0) == pytest.approx(ref.nll(SMALL, 1, SMALL), rel=1e-12)
    assert torch.equal(c.probs(0.5), core.to_probs(c.counts, 0.5))
    lengths, chars = {}, {}
    for w in SMALL:
        lengths[len(w)] = lengths.get(len(w), 0) + 1
        for ch in w:
            chars[ch] = chars.get(ch, 0) + 1
    assert list(c.length_counts().items()) == sorted(lengths.items())
    assert c.char_counts() == chars


def test_corpus_digest_depends_on_content_only():
    a = core.Corpus.from_bytes(b"ab\n", "x.txt")
    assert a.digest == core.Corpus.from_bytes(b"ab\n", "y.txt").digest
    assert a.digest != core.Corpus.from_bytes(b"ab\r\n", "x.txt").digest
