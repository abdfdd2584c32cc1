"""core.netviz: the net's weights read as the counting model: probabilities, log-counts, smoothing."""

import math
from itertools import pairwise

import pytest
import torch
import torch.nn.functional as F

import core
from core import netviz

WORDS = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "ella", "anna", "liam"]


@pytest.fixture(scope="module")
def small():
    vocab = core.Vocab.from_words(WORDS)
    return vocab, core.count_bigrams(WORDS, vocab)


def test_one_hot_times_W_is_exactly_row_x_of_W(small):
    vocab, _ = small
    W = core.init_weights(len(vocab), 42)
    fw = netviz.forward("emma", W, vocab)
    assert [vocab.itos[i] for i in fw.xs] == [".", "e", "m", "m", "a"]
    assert [vocab.itos[i] for i in fw.ys] == ["e", "m", "m", "a", "."]
    assert torch.equal(fw.xenc.sum(1), torch.ones(5))
    assert torch.equal(fw.logits, W[fw.xs])


def test_forward_refuses_an_unknown_character(small):
    vocab, _ = small
    with pytest.raises(core.UnknownCharacterError):
        netviz.forward("zoe", torch.zeros(len(vocab), len(vocab)), vocab)


def test_rescaled_exp_of_log_counts_gives_the_counts_back(small):
    vocab, N = small
    k = 0.5
    # softmax ignores a constant added to a row
    shift = torch.arange(len(vocab), dtype=torch.float64).reshape(-1, 1) * 3.0
    W = (N.double() + k).log() + shift
    assert torch.allclose(netviz.as_counts(W, (N + k).sum(1)), N.double() + k, rtol=1e-12, atol=1e-12)
    # with k = 0, log 0 = -inf: the unseen pairs come back as exactly 0
    assert torch.allclose(netviz.as_counts(N.double().log(), N.sum(1)), N.double(), rtol=1e-12, atol=0)


def test_prob_diff_finds_the_largest_disagreement(small):
    _, N = small
    P = core.to_probs(N, 1.0)
    W = P.log()
    W[3, 4] += 2.0  # the net now favours one cell of row 3 much more than the counts
    d = netviz.prob_diff(W, P)
    assert (d.row, d.col) == (3, 4)
    brute = netviz.net_probs(W) - P
    assert d.value == pytest.approx(float(brute[3, 4]))
    assert abs(d.value) == pytest.approx(float(brute.abs().max()))
    assert netviz.prob_diff(P.log(), P).value == pytest.approx(0.0, abs=1e-12)


def test_closest_smoothing_recovers_the_k_of_a_counting_model(small):
    _, N = small
    for k in (0.05, 1.0, 30.0):
        found, kl = netviz.closest_smoothing(core.to_probs(N, k).log(), N)
        assert found == pytest.approx(k, rel=1e-3)
        assert kl == pytest.approx(0.0, abs=1e-9)


def test_row_kl_matches_a_brute_force_sum():
    p = torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]], dtype=torch.float64)
    q = torch.tensor([[0.25, 0.25, 0.5], [0.2, 0.3, 0.5]], dtype=torch.float64)
    w = torch.tensor([0.75, 0.25], dtype=torch.float64)
    expected = 0.75 * (0.5 * math.log(2) * 2) + 0.25 * 0.0
    assert netviz.row_kl(p, q, w) == pytest.approx(expected)


def test_gradient_moves_nothing_and_matches_the_lectures_backward_pass(small):
    vocab, _ = small
    W = core.init_weights(len(vocab), 7)
    before = W.clone()
    loss, G = netviz.gradient(netviz.word_counts("emma", vocab), W, 0.0)
    assert torch.equal(W, before)
    # the lecture's way: one-hot forward pass over the 5 examples, autograd
    Wg = W.clone().requires_grad_()
    fw = netviz.forward("emma", Wg, vocab)
    ref = -fw.logits.log_softmax(1)[torch.arange(5), fw.ys].mean()
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-6)
    assert torch.allclose(G, Wg.grad, atol=1e-6)
    rows = {vocab.itos[i] for i in range(len(vocab)) if G[i].abs().max() > 0}
    assert rows == {".", "e", "m", "a"}  # only inputs get a gradient; the closing '.' is only a label


def test_word_counts_has_one_count_per_bigram(small):
    vocab, _ = small
    C = netviz.word_counts("emma", vocab)
    assert int(C.sum()) == 5
    assert int(C[vocab.stoi["m"], vocab.stoi["m"]]) == 1
    assert int(C[0, vocab.stoi["e"]]) == 1


def test_stronger_regularisation_is_more_smoothing(small):
    _, N = small
    curve = netviz.smoothing_curve(N, (0.001, 0.01, 0.1, 1.0))
    ks = [k for _, k in curve]
    assert [r for r, _ in curve] == [0.001, 0.01, 0.1, 1.0]
    assert all(a < b for a, b in pairwise(ks))
    assert ks[0] < 0.01  # almost no pull: almost the raw counts
    assert netviz.smoothing_curve(N, (0.001, 0.01, 0.1, 1.0)) == curve  # deterministic


def test_a_net_trained_with_almost_no_regularisation_matches_small_k(small):
    _, N = small
    k, _ = netviz.closest_smoothing(netviz.converged_weights(N, 1e-5), N)
    k_strong, _ = netviz.closest_smoothing(netviz.converged_weights(N, 1e-1), N)
    assert k < 1e-4 and k_strong > 100 * k


def test_converged_weights_do_not_depend_on_the_start(small):
    vocab, N = small
    a = netviz.converged_weights(N, 0.05)
    b = netviz.converged_weights(N, 0.05, W=core.init_weights(len(vocab), 3))
    # the probabilities agree; a row's common offset is held only by the weak reg term, so W agrees less
    assert torch.allclose(netviz.net_probs(a), netviz.net_probs(b), atol=1e-4)
    assert torch.allclose(a, b, atol=1e-2)


def test_lecture_net_is_smoothing_near_8_at_reg_001(lecture_words):
    vocab = core.Vocab.from_words(lecture_words)
    N = core.count_bigrams(lecture_words, vocab)
    k, _ = netviz.closest_smoothing(netviz.converged_weights(N, 0.01), N)
    assert 5 < k < 12


def test_sampling_from_the_net_is_sampling_from_softmax_W(small):
    vocab, _ = small
    # a net whose rows each put all their mass on one next character spells one name only
    V = len(vocab)
    W = torch.full((V, V), -30.0)
    W[0, vocab.stoi["e"]] = W[vocab.stoi["e"], vocab.stoi["l"]] = 30.0
    W[vocab.stoi["l"], vocab.stoi["a"]] = W[vocab.stoi["a"], 0] = 30.0
    assert netviz.sample_net(W, vocab, 3, seed=1) == ["ela"] * 3
    W = core.init_weights(V, 5)
    names = netviz.sample_net(W, vocab, 5, seed=123)
    assert names == core.sample(F.softmax(W, dim=1), vocab, 5, seed=123)
    assert names == netviz.sample_net(W, vocab, 5, seed=123)
