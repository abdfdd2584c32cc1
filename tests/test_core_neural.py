"""The bigram net (core.init_weights, core.examples, core.train) against a loop-by-loop reference on small data."""

import itertools
import math

import pytest
import reference as ref  # tests/reference.py
import torch

import core

WORDS = ["emma", "olivia", "ava", "zoë", "李小龙", "さくら", "ava"]


@pytest.fixture(scope="module")
def small():
    vocab = core.Vocab.from_words(WORDS)
    return vocab, core.count_bigrams(WORDS, vocab)


def test_init_weights_is_the_lectures_seeded_randn():
    W = core.init_weights(27)
    assert W.shape == (27, 27) and W.dtype == torch.float32
    assert torch.equal(W, torch.randn((27, 27), generator=torch.Generator().manual_seed(2147483647)))
    assert torch.equal(
        core.init_weights(5, seed=3), torch.randn((5, 5), generator=torch.Generator().manual_seed(3))
    )
    assert not torch.equal(core.init_weights(5, seed=3), core.init_weights(5, seed=4))


def test_examples_match_a_softmax_by_hand(small):
    vocab, _ = small
    W = core.init_weights(len(vocab))
    rows = W.tolist()
    exs = core.examples("zoë", W, vocab)
    ix = ref.index(WORDS)
    assert [(e.x, e.y) for e in exs] == [(ix[a], ix[b]) for a, b in ref.pairs("zoë")]
    for e in exs:
        z = sum(math.exp(v) for v in rows[e.x])
        p = math.exp(rows[e.x][e.y]) / z
        assert e.p == pytest.approx(p, rel=1e-5)
        assert e.nll == pytest.approx(-math.log(p), rel=1e-5) and e.logp == -e.nll
        assert e.probs.shape == (len(vocab),) and float(e.probs.sum()) == pytest.approx(1, abs=1e-6)


def test_examples_refuse_unknown_characters(small):
    vocab, _ = small
    with pytest.raises(core.UnknownCharacterError):
        core.examples("emmaq", core.init_weights(len(vocab)), vocab)


@pytest.mark.parametrize("method", ["fast", "onehot"])
@pytest.mark.parametrize("reg", [0.0, 0.01, 1.0])
def test_each_step_reports_the_loss_and_gradient_of_the_weights_before_it(small, method, reg):
    vocab, N = small
    examples = ref.net_examples(WORDS)
    W = core.init_weights(len(vocab))
    for s in core.train(N, 5, lr=2.0, reg=reg, method=method):
        assert s.loss == pytest.approx(ref.net_loss(W.tolist(), examples, reg), rel=1e-5)
        expected = torch.tensor(ref.net_grad(W.tolist(), examples, reg))
        assert torch.allclose(s.grad.double(), expected.double(), atol=1e-6)
        assert torch.allclose(s.W, W - 2.0 * s.grad, atol=1e-6)
        W = s.W


def test_fast_and_onehot_give_the_same_trajectory(small):
    _, N = small
    fast = list(core.train(N, 40, lr=10.0, method="fast"))
    onehot = list(core.train(N, 40, lr=10.0, method="onehot"))
    assert [s.loss for s in fast] == pytest.approx([s.loss for s in onehot], abs=1e-5)
    assert torch.allclose(fast[-1].W, onehot[-1].W, atol=1e-4)


def test_training_lowers_the_loss(small):
    _, N = small
    losses = [s.loss for s in core.train(N, 30, lr=1.0)]
    assert [s.step for s in core.train(N, 30, lr=1.0)] == list(range(30))
    assert all(b < a for a, b in itertools.pairwise(losses))


def test_steps_hold_their_own_weights_and_the_callers_w_is_untouched(small):
    vocab, N = small
    W0 = core.init_weights(len(vocab), seed=7)
    before = W0.clone()
    steps = list(core.train(N, 3, lr=1.0, W=W0))
    assert torch.equal(W0, before)
    assert not torch.equal(steps[0].W, steps[1].W) and not torch.equal(steps[1].W, steps[2].W)


def test_resuming_from_a_steps_w_continues_the_same_run(small):
    _, N = small
    whole = list(core.train(N, 30, lr=1.0))
    first = list(core.train(N, 10, lr=1.0))
    rest = list(core.train(N, 20, lr=1.0, W=first[-1].W))
    assert [s.loss for s in first + rest] == pytest.approx([s.loss for s in whole], rel=1e-6)
    assert torch.allclose(rest[-1].W, whole[-1].W, atol=1e-6)


def test_the_seed_picks_the_starting_weights(small):
    vocab, N = small
    a = next(core.train(N, 1, seed=1))
    b = next(core.train(N, 1, seed=2))
    assert a.loss != b.loss
    assert a.loss == pytest.approx(
        ref.net_loss(core.init_weights(len(vocab), seed=1).tolist(), ref.net_examples(WORDS), 0.01)
    )


@pytest.mark.parametrize("lr", [1e6, math.inf, math.nan])
def test_a_blow_up_raises_training_diverged_with_the_last_finite_weights(small, lr):
    vocab, N = small
    done = []
    with pytest.raises(core.TrainingDiverged) as e:
        done.extend(core.train(N, 50, lr=lr))  # keeps the steps yielded before the blow-up
    err = e.value
    assert isinstance(err, RuntimeError) and "diverged" in str(err)
    assert err.W.shape == (len(vocab), len(vocab)) and torch.isfinite(err.W).all()
    assert err.step == len(done)
    assert torch.equal(err.W, done[-1].W if done else core.init_weights(len(vocab)))


def test_zero_steps_yield_nothing(small):
    _, N = small
    assert list(core.train(N, 0)) == []


def test_bad_training_input_is_refused(small):
    _, N = small
    with pytest.raises(ValueError):
        next(core.train(N, 1, method="sgd"))
    with pytest.raises(ValueError):
        next(core.train(torch.zeros_like(N), 1))
