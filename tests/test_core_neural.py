"""core.neural: the forward pass, training against a loop-by-loop reference, a Run in pieces, and what the net
learned read as the counting model (softmax(W) vs P, exp(W) vs N, regularisation vs smoothing)."""

import dataclasses
import itertools
import math
import subprocess
import sys
from pathlib import Path

import pytest
import reference as ref  # tests/reference.py
import torch

import core
from core import neural
from core.neural import Run

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["emma", "olivia", "ava", "zoë", "李小龙", "さくら", "ava"]


@pytest.fixture(scope="module")
def small():
    vocab = core.Vocab.from_words(WORDS)
    return vocab, core.count_bigrams(WORDS, vocab)


def reference_losses(W: torch.Tensor, reg: float, lr: float, steps: int) -> list[float]:
    """The loss before each of `steps` plain float64 gradient steps on WORDS, by tests/reference.py."""
    examples, W, out = ref.net_examples(WORDS), W.double().tolist(), []
    for _ in range(steps):
        out.append(ref.net_loss(W, examples, reg))
        W = ref.descend(W, examples, reg, lr, 1)
    return out


# --- the forward pass -----------------------------------------------------------------------------------


def test_init_weights_is_the_lectures_seeded_randn():
    W = core.init_weights(27)
    assert W.shape == (27, 27) and W.dtype == torch.float32
    assert torch.equal(W, torch.randn((27, 27), generator=torch.Generator().manual_seed(2147483647)))
    assert torch.equal(core.init_weights(5, seed=3), torch.randn((5, 5), generator=torch.Generator().manual_seed(3)))
    assert not torch.equal(core.init_weights(5, seed=3), core.init_weights(5, seed=4))
    with pytest.raises(ValueError):
        core.init_weights(5, seed=-1)


def test_forward_matches_a_softmax_by_hand(small):
    vocab, _ = small
    W = core.init_weights(len(vocab))
    fw = core.forward("zoë", W, vocab)
    ix = ref.index(WORDS)
    assert list(zip(fw.xs.tolist(), fw.ys.tolist())) == [(ix[a], ix[b]) for a, b in ref.pairs("zoë")]
    assert torch.equal(fw.xenc.sum(1), torch.ones(4)) and torch.equal(fw.xenc.argmax(1), fw.xs)
    assert torch.equal(fw.logits, W[fw.xs])  # one-hot @ W picks row x of W
    rows = ref.softmax_rows(W.double().tolist())
    for i, (x, y) in enumerate(zip(fw.xs.tolist(), fw.ys.tolist())):
        assert fw.probs[i].tolist() == pytest.approx(rows[x], rel=1e-5)
        assert fw.p[i] == pytest.approx(rows[x][y], rel=1e-5)
        assert fw.nll[i] == pytest.approx(-math.log(rows[x][y]), rel=1e-5)
    assert fw.mean_nll == pytest.approx(sum(fw.nll) / 4)


def test_forward_refuses_unknown_characters(small):
    vocab, _ = small
    with pytest.raises(core.UnknownCharacterError):
        core.forward("emmaq", core.init_weights(len(vocab)), vocab)


def test_emma_through_the_untrained_net(lecture_corpus):
    vocab = lecture_corpus.vocab
    fw = core.forward("emma", core.init_weights(27), vocab)
    assert (fw.xs[0].item(), fw.ys[0].item()) == (0, vocab.stoi["e"]) and len(fw.p) == 5
    assert round(fw.p[0], 4) == 0.0123 and round(fw.nll[0], 4) == 4.3993  # LECTURE.md, step 9
    assert round(fw.mean_nll, 4) == 3.7693


# --- training -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["fast", "onehot"])
@pytest.mark.parametrize("reg", [0.0, 0.01, 1.0])
def test_each_step_reports_the_loss_and_gradient_of_the_weights_before_it(small, method, reg):
    vocab, N = small
    examples = ref.net_examples(WORDS)
    W = core.init_weights(len(vocab))
    for s in core.train(N, 5, lr=2.0, reg=reg, method=method):
        assert s.loss == pytest.approx(ref.net_loss(W.tolist(), examples, reg), rel=1e-5)
        assert s.nll == pytest.approx(ref.net_loss(W.tolist(), examples, 0.0), rel=1e-5)  # the loss without reg
        expected = torch.tensor(ref.net_grad(W.tolist(), examples, reg))
        assert torch.allclose(s.grad.double(), expected.double(), atol=1e-6)
        assert torch.allclose(s.W, W - 2.0 * s.grad, atol=1e-6)
        W = s.W


def test_one_hot_rows_in_small_chunks_give_the_same_steps(small, monkeypatch):
    vocab, N = small
    monkeypatch.setattr(neural, "SETTINGS", dataclasses.replace(neural.SETTINGS, onehot_chunk_bytes=4 * len(vocab) * 3))
    chunked = list(core.train(N, 5, lr=2.0, method="onehot"))  # three examples per chunk, the last one short
    assert [s.loss for s in chunked] == pytest.approx(reference_losses(core.init_weights(len(vocab)), 0.01, 2.0, 5),
                                                      rel=1e-5)
    fast = list(core.train(N, 5, lr=2.0, method="fast"))
    assert torch.allclose(chunked[-1].W, fast[-1].W, atol=1e-5)


def test_fast_and_onehot_give_the_same_trajectory(small):
    _, N = small
    fast = list(core.train(N, 40, lr=10.0, method="fast"))
    onehot = list(core.train(N, 40, lr=10.0, method="onehot"))
    assert [s.loss for s in fast] == pytest.approx([s.loss for s in onehot], abs=1e-5)
    assert torch.allclose(fast[-1].W, onehot[-1].W, atol=1e-4)


def test_training_lowers_the_loss(small):
    _, N = small
    steps = list(core.train(N, 30, lr=1.0))
    assert [s.step for s in steps] == list(range(30))
    assert all(b.loss < a.loss for a, b in itertools.pairwise(steps))


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
    a, b = next(core.train(N, 1, seed=1)), next(core.train(N, 1, seed=2))
    assert a.loss != b.loss
    assert a.loss == pytest.approx(reference_losses(core.init_weights(len(vocab), seed=1), 0.01, 50.0, 1)[0])


def test_a_loss_ten_times_the_first_stops_training_while_everything_is_still_finite(small):
    # lr 1000 on this list: the reference's losses climb past 10x the first at step 3, then fall back
    vocab, N = small
    losses = reference_losses(core.init_weights(len(vocab)), 0.01, 1e3, 5)
    over = next(i for i, x in enumerate(losses) if x > neural.SETTINGS.explode_factor * losses[0])
    assert over == 3 and losses[over + 1] < losses[over]  # not a one-way blow-up: only the factor catches it
    done = []
    with pytest.raises(core.TrainingDiverged) as e:
        done.extend(core.train(N, 30, lr=1e3))
    err = e.value
    assert err.step == over == len(done)
    assert math.isfinite(err.loss) and err.loss == pytest.approx(losses[over], rel=1e-4)
    assert torch.isfinite(err.W).all() and torch.equal(err.W, done[-1].W)


@pytest.mark.parametrize("lr, reg", [(1e6, 0.01), (50.0, 1e38), (1e38, 0.0)])
def test_a_blow_up_raises_training_diverged_with_the_last_finite_weights(small, lr, reg):
    vocab, N = small
    done = []
    with pytest.raises(core.TrainingDiverged) as e:
        done.extend(core.train(N, 50, lr=lr, reg=reg))  # keeps the steps yielded before the blow-up
    err = e.value
    assert isinstance(err, RuntimeError) and err.code == "diverged" and "diverged" in str(err)
    assert err.W.shape == (len(vocab), len(vocab)) and torch.isfinite(err.W).all()
    assert err.step == len(done)
    assert torch.equal(err.W, done[-1].W if done else core.init_weights(len(vocab)))


@pytest.mark.parametrize("lr, reg", [(math.inf, 0.01), (math.nan, 0.01), (-1.0, 0.01), (1e300, 0.01),
                                     (50.0, -1.0), (50.0, math.inf), (50.0, math.nan), (50.0, 1e300)])
def test_nonsense_hyperparameters_are_refused_before_any_step(small, lr, reg):
    _, N = small
    with pytest.raises(ValueError, match="learning rate|regularisation"):
        next(core.train(N, 5, lr=lr, reg=reg))


def test_zero_steps_yield_nothing(small):
    _, N = small
    assert list(core.train(N, 0)) == []


def test_bad_training_input_is_refused(small):
    _, N = small
    with pytest.raises(ValueError, match="method"):
        next(core.train(N, 1, method="sgd"))
    with pytest.raises(ValueError, match="no bigrams"):
        next(core.train(torch.zeros_like(N), 1))


MEMORY_PROBE = """
import resource, sys
import torch
import torch.nn.functional as F
import core

torch.set_num_threads(1)
V, n, chunks = 27, int(sys.argv[1]), int(sys.argv[2])
real_one_hot = F.one_hot
calls = []


class Enough(Exception):
    pass


def one_hot(x, num_classes):  # the peak is reached within a chunk or two: stop there to keep this quick
    calls.append(len(x))
    if len(calls) > chunks:
        raise Enough
    return real_one_hot(x, num_classes=num_classes)


F.one_hot = one_hot
counts = torch.full((V, V), n // (V * V), dtype=torch.int64)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux: the peak so far
try:
    next(core.train(counts, 1, method="onehot"))
except Enough:
    pass
print(1024 * (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before), max(calls))
"""


def test_one_hot_training_of_a_list_needing_gigabytes_of_rows_stays_bounded():
    # 20 million examples: their one-hot rows alone would take 2.2 GB (float32; F.one_hot's int64 twice that)
    n, V = 20_000_000, 27
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(n), "2"], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    growth, largest = map(int, out.stdout.split())
    one_hot_bytes = n * V * 4
    assert largest <= neural.SETTINGS.onehot_chunk_bytes // (4 * V)  # rows built a bounded chunk at a time
    # xs and ys (16 bytes an example) plus a chunk's work: well under the rows themselves (108 bytes an example)
    assert growth < one_hot_bytes, f"peak RSS grew {growth / 2**20:.0f} MiB; the rows: {one_hot_bytes / 2**20:.0f} MiB"


# --- one learner's run, in pieces -----------------------------------------------------------------------

FAST = {"lr": 10.0, "reg": 0.01, "method": "fast"}


def fresh(N) -> Run:
    return Run(W=core.init_weights(N.shape[0]))


def test_progress_is_zero_before_anything_was_asked(small):
    _, N = small
    run = fresh(N)
    assert (run.progress, run.steps, run.paused, run.training) == (0.0, 0, False, False)


def test_a_run_reaches_its_target_in_pieces_with_the_losses_of_one_training(small):
    _, N = small
    run = fresh(N)
    run.begin(10)
    assert run.training and run.target == 10
    while run.training:
        run.advance(N, 3, **FAST)
    assert run.steps == 10 and run.progress == 1.0 and not run.paused
    whole = list(core.train(N, 10, **FAST))
    assert run.losses == [s.loss for s in whole] and run.nlls == [s.nll for s in whole]
    assert torch.equal(run.W, whole[-1].W) and math.isfinite(run.ms_per_step)


def test_pause_then_one_step_keeps_the_rest_of_the_run_for_resume(small):
    _, N = small
    run = fresh(N)
    run.begin(10)
    run.advance(N, 4, **FAST)
    run.pause()
    assert run.paused and (run.steps, run.target) == (4, 10) and run.progress == pytest.approx(0.4)
    run.one_step(N, **FAST)
    assert run.paused and (run.steps, run.target, run.start) == (5, 10, 0) and not run.training
    run.begin(99)  # Resume: the original target, not 99 more
    assert run.training and run.target == 10
    while run.training:
        run.advance(N, 100, **FAST)
    assert run.steps == 10 and not run.paused
    assert run.losses == [s.loss for s in core.train(N, 10, **FAST)]  # as if never interrupted


def test_one_step_after_a_finished_run_is_a_run_of_its_own(small):
    _, N = small
    run = fresh(N)
    run.begin(3)
    run.advance(N, 10, **FAST)
    run.one_step(N, **FAST)
    assert (run.steps, run.start, run.target, run.progress, run.training) == (4, 3, 4, 1.0, False)
    run.begin(2)  # Start after that asks for 2 more
    assert (run.start, run.target) == (4, 6)


def test_a_time_budget_stops_a_piece_early_but_not_the_run(small):
    _, N = small
    run = fresh(N)
    run.begin(20)
    run.advance(N, 20, budget_s=0.0, **FAST)  # over budget after the first step
    assert run.steps == 1 and run.training and run.progress == pytest.approx(0.05)


def test_divergence_keeps_the_last_finite_weights_and_ends_the_run(small):
    _, N = small
    run = fresh(N)
    run.begin(30)
    run.advance(N, 30, lr=1e6, reg=0.01, method="fast")
    assert run.diverged is not None and not run.training and run.target == run.steps >= 1
    assert torch.isfinite(run.W).all() and torch.equal(run.W, run.diverged.W)
    first = next(core.train(N, 1, lr=1e6, reg=0.01))
    assert torch.equal(run.W, first.W) and run.losses == [first.loss]
    run.begin(5)  # a new Start clears the failure and trains on from the kept weights
    assert run.diverged is None and run.target == run.steps + 5


def test_a_failed_allocation_ends_the_run_with_the_reason(small, monkeypatch):
    _, N = small

    def out_of_memory(*args, **kwargs):
        raise RuntimeError("DefaultCPUAllocator: not enough memory")
        yield  # a generator, like train

    run = fresh(N)
    run.begin(5)
    monkeypatch.setattr(neural, "train", out_of_memory)
    run.advance(N, 5, **FAST)
    assert run.failed and "not enough memory" in run.failed and not run.training and run.steps == 0


# --- what it learned ------------------------------------------------------------------------------------

NAMES = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "ella", "anna", "liam"]


@pytest.fixture(scope="module")
def names():
    vocab = core.Vocab.from_words(NAMES)
    return vocab, core.count_bigrams(NAMES, vocab)


def test_prob_diff_finds_the_largest_disagreement_either_way(names):
    _, N = names
    P = core.to_probs(N, 1.0)
    W = P.log()
    W[3, 4] += 2.0  # the net now favours one cell of row 3 much more than the counts
    d = neural.prob_diff(W, P)
    assert (d.row, d.col) == (3, 4) and d.value > 0
    brute = [[a - b for a, b in zip(ra, rb)] for ra, rb in zip(ref.softmax_rows(W.double().tolist()), P.tolist())]
    assert d.value == pytest.approx(brute[3][4], rel=1e-6)
    # the largest disagreement may be a loss of probability: row 0's commonest follower, made rare
    W = P.log()
    top = int(P[0].argmax())
    W[0, top] -= 20.0
    d = neural.prob_diff(W, P)
    assert (d.row, d.col) == (0, top) and d.value < 0
    assert d.value == pytest.approx(-float(P[0, top]), rel=1e-6)
    assert neural.prob_diff(P.log(), P).value == pytest.approx(0.0, abs=1e-12)


def test_rescaled_exp_of_log_counts_gives_the_counts_back(names):
    vocab, N = names
    k = 0.5
    shift = torch.arange(len(vocab), dtype=torch.float64).reshape(-1, 1) * 3.0  # softmax ignores a row's constant
    W = (N.double() + k).log() + shift
    assert torch.allclose(neural.as_counts(W, (N + k).sum(1)), N.double() + k, rtol=1e-12, atol=1e-12)
    # with k = 0, log 0 = -inf: the unseen pairs come back as exactly 0
    assert torch.allclose(neural.as_counts(N.double().log(), N.sum(1)), N.double(), rtol=1e-12, atol=0)


def test_unseen_fake_counts_are_the_mean_count_of_the_pairs_never_seen(names):
    _, N = names
    rows, seen = N.sum(1).tolist(), N.tolist()
    found = []
    for k in (0.1, 1.0, 30.0):
        P = ref.probs(seen, k)  # exact: P times the row's real count is the count the model hands a pair
        unseen = [float(P[i][j]) * rows[i] for i in range(len(P)) for j in range(len(P)) if seen[i][j] == 0]
        found.append(neural.unseen_fake_counts(core.to_probs(N, k).log(), N))
        assert found[-1] == pytest.approx(sum(unseen) / len(unseen), rel=1e-9)
    assert found == sorted(found)  # more smoothing, more fake counts
    everything = torch.ones(3, 3, dtype=torch.int64)
    assert neural.unseen_fake_counts(torch.zeros(3, 3), everything) is None


def test_row_kl_matches_a_brute_force_sum():
    p = torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]], dtype=torch.float64)
    q = torch.tensor([[0.25, 0.25, 0.5], [0.1, 0.6, 0.3]], dtype=torch.float64)
    w = torch.tensor([0.75, 0.25], dtype=torch.float64)
    assert neural.row_kl(p, q, w) == pytest.approx(ref.weighted_kl(p.tolist(), q.tolist(), w.tolist()), rel=1e-12)


def test_closest_smoothing_recovers_the_k_of_a_counting_model(names):
    _, N = names
    for k in (0.05, 1.0, 30.0):
        found, kl = neural.closest_smoothing(core.to_probs(N, k).log(), N)
        assert found == pytest.approx(k, rel=1e-3) and kl == pytest.approx(0.0, abs=1e-9)


def test_closest_smoothing_weighs_each_row_by_how_often_it_occurs():
    # Row 1 holds 98% of the bigrams and looks like k = 30; rows 0 and 2 look like k = 0.01. Unweighted,
    # two rows against one would pull k down; weighted, the busy row decides.
    N = torch.tensor([[1, 8, 1], [900, 0, 80], [3, 6, 1]])
    P_busy, P_rare = core.to_probs(N, 30.0), core.to_probs(N, 0.01)
    W = torch.stack([P_rare[0], P_busy[1], P_rare[2]]).log()
    k, kl = neural.closest_smoothing(W, N)
    weights = (N.sum(1) / N.sum()).tolist()
    p = W.double().softmax(1).tolist()

    def brute(kk, w):
        return ref.weighted_kl(p, [[float(x) for x in r] for r in ref.probs(N.tolist(), kk)], w)

    grid = [10 ** (e / 100) for e in range(-400, 501)]  # 1e-4 .. 1e5, 100 points a decade
    best = min(grid, key=lambda kk: brute(kk, weights))
    unweighted = min(grid, key=lambda kk: brute(kk, [1, 1, 1]))
    assert k == pytest.approx(best, rel=0.03) and kl == pytest.approx(brute(k, weights), rel=1e-6)
    assert best > 10 and unweighted < 3  # the premise: the weights decide which k is closest


def test_gradient_moves_nothing_and_matches_the_lectures_backward_pass(names):
    vocab, N = names
    W = core.init_weights(len(vocab), 7)
    before = W.clone()
    G = neural.word_gradient("emma", W, vocab)
    assert torch.equal(W, before)
    expected = ref.net_grad(W.double().tolist(), [(ref.index(NAMES)[a], ref.index(NAMES)[b])
                                                  for a, b in ref.pairs("emma")], 0.0)
    assert torch.allclose(G.double(), torch.tensor(expected, dtype=torch.float64), atol=1e-6)
    rows = {vocab.itos[i] for i in range(len(vocab)) if G[i].abs().max() > 0}
    assert rows == {".", "e", "m", "a"}  # only inputs get a gradient; the closing '.' is only a label
    loss, G_all = neural.gradient(N, W, 0.01)
    assert loss == pytest.approx(ref.net_loss(W.double().tolist(), ref.net_examples(NAMES), 0.01), rel=1e-5)
    expected = ref.net_grad(W.double().tolist(), ref.net_examples(NAMES), 0.01)
    assert torch.allclose(G_all.double(), torch.tensor(expected, dtype=torch.float64), atol=1e-6)


def test_converged_weights_are_a_stationary_point_whatever_the_start(names):
    vocab, N = names
    a = neural.converged_weights(N, 0.05)
    b = neural.converged_weights(N, 0.05, W=core.init_weights(len(vocab), 3))
    for W in (a, b):  # the reference gradient vanishes there
        g = ref.net_grad(W.double().tolist(), ref.net_examples(NAMES), 0.05)
        assert max(abs(x) for row in g for x in row) < 1e-5
    assert torch.allclose(neural.net_probs(a), neural.net_probs(b), atol=1e-4)


def test_converged_weights_halve_a_learning_rate_that_overshoots(names):
    _, N = names
    W = neural.converged_weights(N, 0.05, lr=1e4)  # lr 1e4 diverges at once; halving finds a rate that works
    g = ref.net_grad(W.double().tolist(), ref.net_examples(NAMES), 0.05)
    assert max(abs(x) for row in g for x in row) < 1e-5


def test_stronger_regularisation_is_more_smoothing(names):
    _, N = names
    curve = neural.smoothing_curve(N, (0.001, 0.01, 0.1, 1.0), max_steps=3000)
    ks = [k for _, k in curve]
    assert [r for r, _ in curve] == [0.001, 0.01, 0.1, 1.0]
    assert all(a < b for a, b in itertools.pairwise(ks))
    assert ks[0] < 0.01  # almost no pull: almost the raw counts
    assert neural.smoothing_curve(N, (0.001, 0.01, 0.1, 1.0), max_steps=3000) == curve  # deterministic


def test_a_net_trained_with_almost_no_regularisation_matches_small_k(names):
    _, N = names
    k, _ = neural.closest_smoothing(neural.converged_weights(N, 1e-5), N)
    k_strong, _ = neural.closest_smoothing(neural.converged_weights(N, 1e-1), N)
    assert k < 1e-4 and k_strong > 100 * k


# --- the lecture's training ----------------------------------------------------------------------------


def test_training_100_steps(lecture_corpus):
    steps = list(core.train(lecture_corpus.counts, 100, lr=50, reg=0.01))
    assert round(steps[0].loss, 4) == 3.7686  # LECTURE.md, step 10
    assert steps[-1].step == 99 and round(steps[-1].loss, 2) == 2.49
    assert all(b.loss < a.loss for a, b in itertools.pairwise(steps))


def test_trained_on_toward_the_counting_models_loss(lecture_corpus):
    # LECTURE.md, step 10: the loss keeps falling toward ~2.48, of which NLL ~2.46
    last = list(core.train(lecture_corpus.counts, 1000))[-1]
    assert round(last.loss, 2) == 2.48 and round(last.nll, 2) == 2.46


def test_the_lectures_regularisation_is_a_smoothing_of_a_few_fake_counts(lecture_corpus):
    N = lecture_corpus.counts
    k, _ = neural.closest_smoothing(neural.converged_weights(N, 0.01), N)
    k_weak, _ = neural.closest_smoothing(neural.converged_weights(N, 0.001), N)
    assert 1 < k < 30 and k_weak < k  # LECTURE.md, step 11: a stronger pull is a larger k
