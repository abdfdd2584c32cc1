"""core.compare against brute force: the union vocabulary, re-indexed counts, cross-entropy, top changes."""

import math
from collections import Counter

import pytest
import torch

import core
from core.compare import align, cross_nll, prob_change, reindex, top_changes, union_vocab

LEFT = ["emma", "ava", "zoë", "ana"]
RIGHT = ["李小龙", "anna", "eve", "bob", "ava"]


def corpus(words: list[str], name: str = "w.txt") -> core.Corpus:
    return core.Corpus.from_bytes(("\n".join(words) + "\n").encode(), name)


def brute_counts(words: list[str], itos: list[str]) -> dict[tuple[str, str], int]:
    """Bigram counts by label, the boundary written as itos[0]."""
    b = itos[0]
    return Counter((x, y) for w in words for x, y in zip([b, *w], [*w, b]))


def brute_probs(words: list[str], itos: list[str], k: float) -> dict[tuple[str, str], float]:
    n = brute_counts(words, itos)
    out = {}
    for a in itos:
        total = sum(n[a, b] + k for b in itos)
        for b in itos:
            out[a, b] = (n[a, b] + k) / total if total else 1 / len(itos)
    return out


def brute_nll(words: list[str], probs: dict[tuple[str, str], float], boundary: str) -> float:
    pairs = [(x, y) for w in words for x, y in zip([boundary, *w], [*w, boundary])]
    if any(probs[p] == 0 for p in pairs):
        return math.inf
    return -sum(math.log(probs[p]) for p in pairs) / len(pairs)


def test_union_vocab_holds_every_character_once_in_order():
    u = union_vocab(corpus(LEFT).vocab, corpus(RIGHT).vocab)
    assert u.itos == [".", *sorted(set("".join(LEFT + RIGHT)))]
    assert u.itos[1:] == sorted(u.itos[1:]) and len(set(u.itos)) == len(u.itos)


def test_union_with_a_literal_dot_keeps_the_boundary_apart():
    u = union_vocab(corpus(["a.b"]).vocab, corpus(["ab", "c"]).vocab)
    assert u.itos == ["<.>", ".", "a", "b", "c"]


@pytest.mark.parametrize("left, right", [(LEFT, RIGHT), (["a.b", "ba"], ["abc", "cab"]), (RIGHT, RIGHT)])
def test_reindexed_counts_match_brute_force_cell_by_cell(left, right):
    a = align(corpus(left), corpus(right))
    itos = a.vocab.itos
    for words, table in [(left, a.left), (right, a.right)]:
        n = brute_counts(words, itos)
        assert table.shape == (len(itos), len(itos))
        assert {(itos[i], itos[j]): int(table[i, j]) for i in range(len(itos)) for j in range(len(itos))
                if table[i, j]} == dict(n)


def test_reindex_into_the_same_vocabulary_changes_nothing():
    c = corpus(LEFT)
    assert torch.equal(reindex(c.counts, c.vocab, c.vocab), c.counts)


@pytest.mark.parametrize("k", [0.0, 0.5, 1.0, 100.0])
def test_aligned_probs_match_brute_force(k):
    a = align(corpus(LEFT), corpus(RIGHT))
    itos = a.vocab.itos
    pl, pr = a.probs(k)
    for words, P in [(LEFT, pl), (RIGHT, pr)]:
        expect = brute_probs(words, itos, k)
        for i, x in enumerate(itos):
            for j, y in enumerate(itos):
                assert float(P[i, j]) == pytest.approx(expect[x, y], abs=1e-12)


@pytest.mark.parametrize("k", [0.0, 1.0, 10.0])
def test_cross_nll_matches_brute_force_scoring_of_the_words(k):
    a = align(corpus(LEFT), corpus(RIGHT))
    itos, b = a.vocab.itos, a.vocab.itos[0]
    pl, pr = brute_probs(LEFT, itos, k), brute_probs(RIGHT, itos, k)
    x = cross_nll(a, k)
    assert x.left_by_left == pytest.approx(brute_nll(LEFT, pl, b))
    assert x.left_by_right == pytest.approx(brute_nll(LEFT, pr, b))
    assert x.right_by_left == pytest.approx(brute_nll(RIGHT, pl, b))
    assert x.right_by_right == pytest.approx(brute_nll(RIGHT, pr, b))
    assert x.right_extra == pytest.approx(x.right_by_left - x.right_by_right)


def test_cross_nll_is_infinite_without_smoothing_when_a_pair_is_new_and_finite_with_it():
    a = align(corpus(LEFT), corpus(RIGHT))
    assert math.isinf(cross_nll(a, 0.0).right_by_left)  # 李 never occurs on the left
    assert math.isfinite(cross_nll(a, 1.0).right_by_left)
    assert math.isfinite(cross_nll(a, 0.0).right_by_right)


def test_a_model_scores_its_own_names_best():
    # Gibbs' inequality: at k = 0 the own model is the maximum-likelihood table for its names
    a = align(corpus(LEFT), corpus(RIGHT))
    x = cross_nll(a, 0.0)
    assert x.left_extra > 0 and x.right_extra > 0


def test_same_vocabulary_cross_nll_on_own_names_is_the_corpus_nll():
    left, right = corpus(["emma", "anna"]), corpus(["nana", "mae"])
    x = cross_nll(align(left, right), 1.0)
    assert x.left_by_left == pytest.approx(left.nll(1.0))
    assert x.right_by_right == pytest.approx(right.nll(1.0))


@pytest.mark.parametrize("k", [0.0, 1.0])
def test_top_changes_are_the_largest_absolute_differences(k):
    a = align(corpus(LEFT), corpus(RIGHT))
    itos = a.vocab.itos
    pl, pr = brute_probs(LEFT, itos, k), brute_probs(RIGHT, itos, k)
    nl, nr = brute_counts(LEFT, itos), brute_counts(RIGHT, itos)
    df = top_changes(a, k, n=10)
    assert len(df) == 10
    # the tenth largest |change| by brute force bounds every row shown from below
    tenth = sorted((abs(pr[p] - pl[p]) for p in pl), reverse=True)[9]
    assert all(abs(c) >= tenth - 1e-12 for c in df["change"])
    assert list(df["change"].abs()) == sorted(df["change"].abs(), reverse=True)
    pairs = {x + y: (x, y) for x in itos for y in itos}
    for row in df.to_dict("records"):
        p = pairs[row["bigram"]]
        assert row["P left"] == pytest.approx(pl[p]) and row["P right"] == pytest.approx(pr[p])
        assert row["change"] == pytest.approx(pr[p] - pl[p])
        assert (row["count left"], row["count right"]) == (nl[p], nr[p])


@pytest.mark.parametrize("k", [0.0, 1.0])
def test_prob_change_is_right_minus_left_cell_by_cell(k):
    a = align(corpus(LEFT), corpus(RIGHT))
    itos = a.vocab.itos
    pl, pr = brute_probs(LEFT, itos, k), brute_probs(RIGHT, itos, k)
    d = prob_change(a, k)
    for i, x in enumerate(itos):
        for j, y in enumerate(itos):
            assert float(d[i, j]) == pytest.approx(pr[x, y] - pl[x, y], abs=1e-12)
