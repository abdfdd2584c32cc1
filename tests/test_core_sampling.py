"""core.sample and core.trace: reproducible for a seed, only the vocabulary, never longer than max_len."""

import pytest
import reference as ref  # tests/reference.py
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import core

METHODS = ["lecture", "torch"]
alphabet = st.sampled_from(list("abz.ë李さ🙂"))
words_st = st.lists(st.text(alphabet, min_size=1, max_size=6), min_size=1, max_size=8)


def model(words, k=1.0):
    vocab = core.Vocab.from_words(words)
    N = core.count_bigrams(words, vocab)
    return vocab, N, core.to_probs(N, k)


@pytest.mark.parametrize("method", METHODS)
def test_a_model_with_one_path_always_gives_that_word(method):
    vocab, _, P = model(["李小龙"], 0)
    assert core.sample(P, vocab, 4, method=method) == ["李小龙"] * 4


@pytest.mark.parametrize("method", METHODS)
def test_max_len_stops_a_model_that_never_ends(method):
    vocab = core.Vocab.from_words(["a"])
    P = torch.tensor([[0.0, 1.0], [0.0, 1.0]], dtype=torch.float64)  # "a" is always followed by "a"
    assert core.sample(P, vocab, 3, method=method, max_len=7) == ["aaaaaaa"] * 3
    assert core.sample(P, vocab, 1, method=method, max_len=1) == ["a"]


@pytest.mark.parametrize("kwargs", [{"method": "multinomial"}, {"max_len": 0}])
def test_bad_arguments_are_refused(kwargs):
    vocab, _, P = model(["ab"])
    with pytest.raises(ValueError):
        core.sample(P, vocab, 1, **kwargs)


@settings(max_examples=40, deadline=None)
@given(
    words_st,
    st.sampled_from([0.0, 0.5, 1.0, 100.0]),
    st.integers(0, 2**63 - 1),
    st.sampled_from(METHODS),
    st.integers(1, 12),
)
def test_sampling_is_reproducible_and_uses_only_the_vocabulary(words, k, seed, method, max_len):
    vocab, _, P = model(words, k)
    names = core.sample(P, vocab, 6, seed=seed, method=method, max_len=max_len)
    assert names == core.sample(P, vocab, 6, seed=seed, method=method, max_len=max_len)
    assert names[:2] == core.sample(P, vocab, 2, seed=seed, method=method, max_len=max_len)
    chars = set(ref.alphabet(words))
    for name in names:
        assert len(name) <= max_len and set(name) <= chars  # '' is a name when '..' has P > 0
    if k == 0:  # without smoothing every step must follow a pair seen in the data
        seen = ref.count(words)
        for name in names:
            steps = ref.pairs(name) if len(name) < max_len else ref.pairs(name)[:-1]  # a cut name has no end
            assert all(pair in seen for pair in steps), name


@pytest.mark.parametrize("method", METHODS)
def test_first_characters_follow_row_zero(method):
    # Deterministic for the seed: 4000 names, so each share lands within 0.03 of its probability.
    words = ["ab", "ab", "ab", "ba", "c"]
    vocab, _, P = model(words, 0)
    names = core.sample(P, vocab, 4000, method=method)
    for ch, p in [("a", 0.6), ("b", 0.2), ("c", 0.2)]:
        share = sum(n[0] == ch for n in names) / len(names)
        assert share == pytest.approx(p, abs=0.03), ch


def test_methods_take_different_random_paths_on_the_same_seed():
    vocab, _, P = model(["emma", "olivia", "ava", "isabella", "sophia"])
    assert core.sample(P, vocab, 5, method="lecture") != core.sample(P, vocab, 5, method="torch")


def test_trace_steps_through_the_first_lecture_name():
    words = ["emma", "olivia", "ava", "zoë", "李小龙"]
    vocab, _, P = model(words)
    for seed in range(5):
        draws = core.trace(P, seed=seed)
        first = core.sample(P, vocab, 1, seed=seed)[0]
        assert [d.chosen for d in draws] == [vocab.stoi[c] for c in first] + [0]
        assert [d.row for d in draws] == [0] + [vocab.stoi[c] for c in first]
        for d in draws:
            assert len(d.cumsum) == len(vocab) and d.cumsum[-1] == 1.0
            assert 0 <= d.u <= d.cumsum[d.chosen] and (d.chosen == 0 or d.cumsum[d.chosen - 1] < d.u)
            assert P[d.row, d.chosen] > 0
