"""The numbers pages 6-8 take from core: n-gram models fitted once per split and scored at any smoothing, the
sparse n-gram table, and the small helpers the pages read (copies, +1's cost, the bigram's symbols)."""

import math
import random
import unicodedata
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core
from core import ngram
from core.compare import align, top_changes
from core.evaluation import PlusOne, copies

alphabet = st.sampled_from(list("abz.ë李\u0301"))  # a literal '.', a combining mark, CJK
# NFC, as the loader gives them: a mark stays apart only where nothing composes with it
words_st = st.lists(st.text(alphabet, min_size=1, max_size=6).map(lambda w: unicodedata.normalize("NFC", w)),
                    min_size=1, max_size=8)


def grams(words: list[str], n: int) -> list[tuple[tuple, object]]:
    """(context, next) of every word padded as '...word.' (the boundary as None), by slicing lists."""
    out = []
    for w in words:
        tokens = [None] * n + list(w) + [None]
        out += [(tuple(tokens[i - n: i]), tokens[i]) for i in range(n, len(tokens))]
    return out


def brute_nll(train: list[str], scored: list[str], n: int, k, V: int) -> float:
    """Exact average NLL with k fake counts per cell; a context training never saw is uniform."""
    counts = Counter(grams(train, n))
    totals = Counter()
    for (ctx, _), c in counts.items():
        totals[ctx] += c
    total, todo = 0.0, grams(scored, n)
    for ctx, nxt in todo:
        p = Fraction(1, V) if totals[ctx] == 0 else (counts[(ctx, nxt)] + Fraction(k)) / (totals[ctx] + Fraction(k) * V)
        if p == 0:
            return math.inf
        total -= math.log(p)
    return total / len(todo)


def close(a: float, b: float) -> bool:
    return a == b or math.isclose(a, b, rel_tol=1e-12)


@settings(max_examples=60, deadline=None)
@given(train=words_st, dev=words_st)
def test_fit_split_scores_train_and_dev_like_brute_force_at_any_smoothing(train, dev):
    vocab = core.Vocab.from_words(train + dev)
    V = len(vocab)
    fits = ngram.fit_split(train, dev, vocab)
    assert [f.model.n for f in fits] == [1, 2, 3, 4]
    for f in fits:
        n = f.model.n
        for k in (0, 0.01, 1, 1e6):
            row = f.summary(k)
            assert close(row.train_nll, brute_nll(train, train, n, k, V))
            assert close(row.dev_nll, brute_nll(train, dev, n, k, V))
            again = ngram.summary(f.model, train, dev, k)  # from the words, not the grouped n-grams
            assert close(row.train_nll, again.train_nll) and close(row.dev_nll, again.dev_nll)
        seen = {ctx for ctx, _ in grams(train, n)}
        dev_grams = grams(dev, n)
        assert f.dev.unseen_share == pytest.approx(sum(c not in seen for c, _ in dev_grams) / len(dev_grams))
        assert f.train.unseen_share == 0


@settings(max_examples=40, deadline=None)
@given(words=words_st)
def test_the_sparse_table_holds_every_padded_ngram_once(words):
    vocab = core.Vocab.from_words(words)
    tokens = [None, *vocab.itos[1:]]
    V = len(vocab)
    for n in range(1, 5):
        model = ngram.fit(words, vocab, n)
        read_back = Counter()
        for pair, c in zip(model.pairs.tolist(), model.pair_counts.tolist()):
            ctx, nxt = divmod(pair, V)
            read_back[(tuple(tokens[(ctx // V**p) % V] for p in range(n - 1, -1, -1)), tokens[nxt])] = c
        assert read_back == Counter(grams(words, n))
        assert list(model.pairs) == sorted(set(model.pairs.tolist()))
        assert model.counts.sum(1).tolist() == model.totals.tolist()  # the dense view agrees with the totals


def test_many_symbols_and_contexts_are_counted_without_a_dense_row_per_context():
    # 255 symbols, 4,000 random 6-letter names: ~20,000 seen contexts of 4; a (C, V) table would be ~40 MB
    rng = random.Random(1)
    letters = [chr(c) for c in range(0x100, 0x1FF)]
    words = ["".join(rng.choice(letters) for _ in range(6)) for _ in range(4000)]
    vocab = core.Vocab.from_words(words)
    model = ngram.fit(words, vocab, 4)
    assert len(model.contexts) > 15_000 and len(model.pairs) == len(set(grams(words, 4)))
    assert model.pair_counts.nbytes + model.pairs.nbytes < 1_000_000
    dev = words[:50]
    assert ngram.nll(model, dev, 0.5) == pytest.approx(brute_nll(words, dev, 4, 0.5, len(vocab)), rel=1e-12)


def test_the_samples_of_n1_are_the_bigram_models_on_a_split():
    words = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "harper", "evelyn", "abigail"]
    vocab = core.Vocab.from_words(words)
    fits = ngram.fit_split(words[:7], words[7:], vocab)
    P = core.to_probs(core.count_bigrams(words[:7], vocab), 1.0)
    assert ngram.sample(fits[0].model, 6, seed=5, smoothing=1.0) == core.sample(P, vocab, 6, seed=5)


def test_train_falls_fake_counts_and_the_dense_size():
    def row(n, train):
        return ngram.Summary(n, 27**n, 27 ** (n + 1), 0, 0.0, 0.0, train, 2.0)

    assert ngram.train_falls([row(1, 2.4), row(2, 2.2), row(3, 2.1)])
    assert not ngram.train_falls([row(1, 2.4), row(2, 2.2), row(3, 2.2)])
    assert row(4, 1.0).dense_bytes == 8 * 27**5
    assert ngram.fake_counts(3, 27, 1.0) == (27.0, 27 / 30)
    assert ngram.fake_counts(3, 27, 0.01)[1] == pytest.approx(0.27 / 3.27)


def test_copies_counts_sampled_names_found_in_the_data():
    assert copies(["ann", "bob", "ann", ""], frozenset({"ann", "eve"})) == 2
    assert copies([], {"ann"}) == 0


def test_plus_ones_costs_are_differences_of_its_losses():
    p = PlusOne(dev_k0=math.inf, dev_k1=2.5, n_dev=10, n_unseen=3, seen_k0=2.4, seen_k1=2.45, unseen_k1=3.0)
    assert p.dev_cost == -math.inf  # +1 turns an infinite dev loss finite
    assert p.seen_cost == pytest.approx(0.05) and p.n_seen == 7


def test_top_changes_name_the_two_symbols_of_each_bigram():
    left = core.Corpus.from_bytes("ab\nba\na.b\n".encode(), "l")  # a literal '.': the boundary is shown as <.>
    right = core.Corpus.from_bytes("ab\nab\nbb\n".encode(), "r")
    df = top_changes(align(left, right), 1.0, 10)
    assert list(df["bigram"]) == [a + b for a, b in zip(df["first"], df["next"])]
    assert "<.>" in set(df["first"]) | set(df["next"])
    itos = align(left, right).vocab.itos
    assert set(df["first"]) <= set(itos) and set(df["next"]) <= set(itos)
