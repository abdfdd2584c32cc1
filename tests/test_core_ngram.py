"""core.ngram: counts and losses against a brute-force Counter, n = 1 against the bigram model, sampling."""

import math
import unicodedata
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_support import budget

import core
from core import ngram
from core.data import split_words

SMALL = ["emma", "ava", "zoë", "renée", "李娜", "a.b", "anna", "ann", "ő"]
alphabet = st.sampled_from(list("abz.ë李🙂"))
words_st = st.lists(st.text(alphabet, min_size=1, max_size=6), min_size=1, max_size=8)


def brute_ngrams(words: list[str], n: int) -> list[tuple[tuple, object]]:
    """(context, next) of every word padded as '...word.', the boundary as None."""
    out = []
    for w in words:
        tokens = [None] * n + list(w) + [None]
        out += [(tuple(tokens[i - n : i]), tokens[i]) for i in range(n, len(tokens))]
    return out


def brute_counts(words: list[str], n: int) -> Counter:
    return Counter(brute_ngrams(words, n))


def model_counts(model: ngram.NgramModel) -> Counter:
    """The model's sparse rows read back into a Counter keyed like brute_counts."""
    V, itos = len(model.vocab), model.vocab.itos
    tokens = [None, *itos[1:]]
    out = Counter()
    for ctx, row in zip(model.contexts.tolist(), model.counts.tolist()):
        digits = [(ctx // V**p) % V for p in range(model.n - 1, -1, -1)]
        for nxt, c in enumerate(row):
            if c:
                out[(tuple(tokens[d] for d in digits), tokens[nxt])] = c
    return out


def brute_nll(train: list[str], words: list[str], n: int, k, V: int) -> float:
    """Exact average NLL with k fake counts; an unseen context is uniform (the k -> 0 limit)."""
    counts = brute_counts(train, n)
    totals = Counter()
    for (ctx, _), c in counts.items():
        totals[ctx] += c
    k = Fraction(k)
    total = 0.0
    grams = brute_ngrams(words, n)
    for ctx, nxt in grams:
        if totals[ctx] == 0:
            p = Fraction(1, V)
        else:
            p = (counts[(ctx, nxt)] + k) / (totals[ctx] + k * V)
        if p == 0:
            return math.inf
        total -= math.log(p)
    return total / len(grams)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_counts_equal_a_brute_force_count_of_padded_ngrams(n):
    vocab = core.Vocab.from_words(SMALL)
    model = ngram.fit(SMALL, vocab, n)
    assert model_counts(model) == brute_counts(SMALL, n)
    assert model.counts.sum() == sum(len(w) + 1 for w in SMALL)  # one n-gram per character and one end
    assert list(model.contexts) == sorted(model.contexts)
    np.testing.assert_array_equal(model.totals, model.counts.sum(1))


@budget(30)
@given(words_st, st.integers(1, 4))
def test_counts_and_losses_equal_brute_force_on_any_small_list(words, n):
    vocab = core.Vocab.from_words(words)
    model = ngram.fit(words, vocab, n)
    assert model_counts(model) == brute_counts(words, n)
    for k in [0, 0.5, 3]:
        assert ngram.nll(model, words, k) == pytest.approx(brute_nll(words, words, n, k, len(vocab)), rel=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("k", [0, 0.1, 1, 100])
def test_loss_on_other_words_equals_brute_force_unseen_contexts_uniform(n, k):
    train, other = SMALL[:6], ["anna", "ann", "emmaa", "zoë"]  # "ann" and "emmaa" leave the counted paths
    vocab = core.Vocab.from_words(SMALL)
    model = ngram.fit(train, vocab, n)
    expected = brute_nll(train, other, n, k, len(vocab))
    got = ngram.nll(model, other, k)
    assert got == expected if math.isinf(expected) else got == pytest.approx(expected, rel=1e-12)


def test_zero_smoothing_gives_infinity_for_an_unseen_continuation_and_uniform_for_an_unseen_context():
    vocab = core.Vocab.from_words(["ab", "ba"])
    model = ngram.fit(["ab"], vocab, 2)
    assert ngram.nll(model, ["ba"], 0) == math.inf  # context '..' was seen, but never followed by b
    assert ngram.nll(model, ["ab"], 0) == 0.0
    ctx, nxt = ngram.examples(["bb"], vocab, 2)  # '..'→b (P 0), '.b' unseen, 'bb' unseen
    p = ngram.probs(model, ctx, nxt, 0)
    assert p[0] == 0 and p[1] == p[2] == pytest.approx(1 / 3)


def test_contexts_are_base_v_digits_oldest_first_and_padded():
    vocab = core.Vocab.from_words(["emma"])  # . a e m -> 0 1 2 3
    ctx, nxt = ngram.examples(["emma"], vocab, 3)
    V = 4

    def digits(c):
        return [(c // V**p) % V for p in (2, 1, 0)]

    assert [digits(c) for c in ctx.tolist()] == [[0, 0, 0], [0, 0, 2], [0, 2, 3], [2, 3, 3], [3, 3, 1]]
    assert nxt.tolist() == [2, 3, 3, 1, 0]


def test_one_character_of_context_is_exactly_the_bigram_model():
    vocab = core.Vocab.from_words(SMALL)
    model = ngram.fit(SMALL, vocab, 1)
    V = len(vocab)
    dense = np.zeros((V, V), dtype=np.int64)
    dense[model.contexts] = model.counts
    np.testing.assert_array_equal(dense, core.count_bigrams(SMALL, vocab).numpy())
    for k in [0, 0.01, 1, 1000]:
        P = core.to_probs(core.count_bigrams(SMALL[:5], vocab), k)
        small = ngram.fit(SMALL[:5], vocab, 1)
        for words in (SMALL[:5], SMALL):
            expected = core.nll(words, P, vocab)
            got = ngram.nll(small, words, k)
            assert got == expected if math.isinf(expected) else got == pytest.approx(expected, rel=1e-12)


def test_table_size_and_coverage():
    vocab = core.Vocab.from_words(SMALL)
    V = len(vocab)
    for n in range(1, 5):
        model = ngram.fit(SMALL, vocab, n)
        seen = {ctx for ctx, _ in brute_counts(SMALL, n)}
        assert (model.table_contexts, model.table_cells) == (V**n, V ** (n + 1))
        assert len(model.contexts) == len(seen)
        assert model.seen_share == len(seen) / V**n
        dev = ["anna", "ő", "ava"]
        grams = brute_ngrams(dev, n)
        assert ngram.unseen_share(model, dev) == pytest.approx(sum(c not in seen for c, _ in grams) / len(grams))


def test_decomposed_words_are_counted_like_composed_ones():
    vocab = core.Vocab.from_words(SMALL)
    nfd = [unicodedata.normalize("NFD", w) for w in SMALL]
    a, b = ngram.fit(SMALL, vocab, 3), ngram.fit(nfd, vocab, 3)
    np.testing.assert_array_equal(a.contexts, b.contexts)
    np.testing.assert_array_equal(a.counts, b.counts)


@pytest.mark.parametrize("n", [0, 5, 2.0, True])
def test_a_bad_n_is_refused(n):
    vocab = core.Vocab.from_words(SMALL)
    with pytest.raises(ValueError, match="n "):
        ngram.fit(SMALL, vocab, n)


def test_nothing_to_count_or_score_is_refused():
    vocab = core.Vocab.from_words(SMALL)
    with pytest.raises(ValueError):
        ngram.fit([], vocab, 2)
    model = ngram.fit(SMALL, vocab, 2)
    with pytest.raises(ValueError):
        ngram.nll(model, [], 1.0)
    with pytest.raises(ValueError):
        ngram.nll(model, SMALL, -1.0)
    with pytest.raises(core.UnknownCharacterError):
        ngram.nll(model, ["xyz"], 1.0)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_samples_are_reproducible_and_use_only_the_vocabulary(n):
    vocab = core.Vocab.from_words(SMALL)
    model = ngram.fit(SMALL, vocab, n)
    first = ngram.sample(model, 30, seed=7, smoothing=1.0, max_len=12)
    assert first == ngram.sample(model, 30, seed=7, smoothing=1.0, max_len=12)
    assert first != ngram.sample(model, 30, seed=8, smoothing=1.0, max_len=12)
    allowed = set("".join(SMALL))
    assert all(set(name) <= allowed and len(name) <= 12 for name in first)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_unsmoothed_samples_only_follow_counted_paths(n):
    words = ["李娜", "anna", "ava"]
    model = ngram.fit(words, core.Vocab.from_words(words), n)
    names = ngram.sample(model, 40, seed=1, smoothing=0)
    counted = set(brute_counts(words, n))
    assert all(set(brute_ngrams([name], n)) <= counted for name in names)
    if n >= 2:  # two characters of context already pin every one of these words down
        assert set(names) <= set(words)


def test_max_len_cuts_a_name_that_never_ends():
    vocab = core.Vocab.from_words(["a"])
    model = ngram.fit(["a" * 10], vocab, 2)  # 'aa' is followed by 'a' 8 times and by the end once
    names = ngram.sample(model, 20, seed=3, smoothing=0, max_len=5)
    assert all(name == "a" * len(name) and 1 <= len(name) <= 5 for name in names)
    with pytest.raises(ValueError):
        ngram.sample(model, 1, seed=3, smoothing=0, max_len=0)


@pytest.mark.parametrize("seed", [-1, 2**64])
def test_a_seed_outside_the_generators_range_is_refused(seed):
    vocab = core.Vocab.from_words(SMALL)
    with pytest.raises(ValueError, match="seed"):
        ngram.sample(ngram.fit(SMALL, vocab, 2), 1, seed=seed, smoothing=1.0)


# --- the lecture's data -------------------------------------------------------------------------


def test_best_context_is_the_lowest_finite_dev_loss():
    def row(n, dev):
        return ngram.Summary(n, 0, 0, 0, 0.0, 0.0, 1.0, dev)

    assert ngram.best_context([row(1, 2.5), row(2, 2.2), row(3, 2.2), row(4, math.inf)]) == 2  # shortest on a tie
    assert ngram.best_context([row(1, math.inf), row(2, math.inf)]) is None


def test_on_the_lecture_data_n1_gives_the_lectures_loss_and_names(lecture_words):
    vocab = core.Vocab.from_words(lecture_words)
    model = ngram.fit(lecture_words, vocab, 1)
    assert f"{ngram.nll(model, lecture_words, 0):.4f}" == "2.4540"
    assert f"{ngram.nll(model, lecture_words, 1):.4f}" == "2.4546"
    assert ngram.sample(model, 5, seed=core.LECTURE_SEED, smoothing=1.0) == [
        "mor", "axx", "minaymoryles", "kondlaisah", "anchshizarie"]
    P = core.to_probs(core.count_bigrams(lecture_words, vocab), 1.0)
    assert ngram.sample(model, 50, seed=5, smoothing=1.0) == core.sample(P, vocab, 50, seed=5)


def test_on_the_lecture_data_more_context_fits_train_better_and_dev_turns_up(lecture_words):
    vocab = core.Vocab.from_words(lecture_words)
    split = split_words(lecture_words, core.LECTURE_SEED)
    rows = [ngram.summary(ngram.fit(split.train, vocab, n), split.train, split.dev, 0.1) for n in range(1, 5)]
    train0 = [ngram.nll(ngram.fit(split.train, vocab, n), split.train, 0) for n in range(1, 5)]
    assert train0 == sorted(train0, reverse=True) and train0[-1] < 1.6  # unsmoothed: memorising
    dev = [r.dev_nll for r in rows]
    assert dev[2] < dev[1] < dev[0] and dev[3] > dev[2]  # best at n = 3, worse at n = 4
    assert rows[0].seen == 27 and rows[3].contexts == 27**4
    assert [r.seen_share for r in rows] == sorted((r.seen_share for r in rows), reverse=True)
    assert rows[3].seen_share < 0.05 and rows[3].dev_unseen_share > 0.01
