"""Every figure LECTURE.md quotes, reproduced by core on the lecture's own names.txt (skipped when absent)."""

import math

import pytest
import torch

import core


@pytest.fixture(scope="module")
def vocab(lecture_words):
    return core.Vocab.from_words(lecture_words)


@pytest.fixture(scope="module")
def N(lecture_words, vocab):
    return core.count_bigrams(lecture_words, vocab)


def r4(x: float) -> float:
    return round(x, 4)


def test_the_data(lecture_words, lecture_path):
    assert len(lecture_words) == 32_033
    assert min(map(len, lecture_words)) == 2 and max(map(len, lecture_words)) == 15
    assert core.Corpus.from_bytes(lecture_path.read_bytes(), "names.txt").is_lecture_data


def test_vocabulary_is_dot_then_a_to_z(vocab):
    assert vocab.itos == ["."] + [chr(c) for c in range(ord("a"), ord("z") + 1)]
    assert vocab.stoi["a"] == 1 and vocab.stoi["z"] == 26


def test_counts(N, vocab):
    assert int(N.sum()) == 228_146
    assert int(N[vocab.stoi["a"], vocab.stoi["n"]]) == 5438
    assert int(N[0, 0]) == 0
    assert torch.equal(N.sum(0), N.sum(1))


def test_most_common_bigrams(N, vocab):
    flat = [(int(N[i, j]), vocab.itos[i] + vocab.itos[j]) for i in range(27) for j in range(27)]
    top = sorted(flat, reverse=True)[:7]
    assert [(b, n) for n, b in top] == [
        ("n.", 6763),
        ("a.", 6640),
        ("an", 5438),
        (".a", 4410),
        ("e.", 3983),
        ("ar", 3264),
        ("el", 3248),
    ]


def test_row_dot_normalised(N):
    P = core.to_probs(N, 0)
    assert [r4(p) for p in P[0, :4].tolist()] == [0.0, 0.1377, 0.0408, 0.0481]


@pytest.mark.parametrize(
    "k, expected", [(0, 2.4540), (1, 2.4546), (10, 2.4621), (100, 2.5375), (1000, 2.8523)]
)
def test_average_nll(lecture_words, vocab, N, k, expected):
    P = core.to_probs(N, k)
    value = core.nll(lecture_words, P, vocab)
    assert r4(value) == expected
    assert core.nll_from_counts(N, P) == pytest.approx(value, rel=1e-12)


def test_more_smoothing_flattens_toward_uniform(vocab, N):
    losses = [core.nll_from_counts(N, core.to_probs(N, k)) for k in (0, 1, 10, 100, 1000, 1e6, 1e9)]
    assert losses == sorted(losses) and losses[-1] < math.log(27)
    assert losses[-1] == pytest.approx(math.log(27), abs=1e-5)


@pytest.mark.parametrize("k, expected", [(0, 3.0391), (1, 3.0368)])
def test_andrej(vocab, N, k, expected):
    df = core.breakdown("andrej", core.to_probs(N, k), vocab)
    assert r4(df["nll"].mean()) == expected
    assert df.loc[df["nll"].idxmax(), "bigram"] == "ej"


def test_andrejq(vocab, N):
    assert core.nll(["andrejq"], core.to_probs(N, 0), vocab) == math.inf
    assert r4(core.nll(["andrejq"], core.to_probs(N, 1), vocab)) == 3.4834
    df = core.breakdown("andrejq", core.to_probs(N, 0), vocab)
    assert df.loc[df["nll"] == math.inf, "bigram"].tolist() == ["jq"]


def test_lecture_samples(vocab, N):
    P = core.to_probs(N, 1)
    names = core.sample(P, vocab, 5, seed=2147483647, method="lecture")
    assert names == ["mor", "axx", "minaymoryles", "kondlaisah", "anchshizarie"]


def test_todays_multinomial_samples(vocab, N):
    names = core.sample(core.to_probs(N, 1), vocab, 2, seed=2147483647, method="torch")
    assert names == ["cexze", "momasurailezitynn"]


def test_emma_through_the_untrained_net(vocab):
    fw = core.forward("emma", core.init_weights(27), vocab)
    assert len(fw.p) == 5
    assert (int(fw.xs[0]), int(fw.ys[0])) == (0, vocab.stoi["e"])
    assert r4(fw.p[0]) == 0.0123 and r4(fw.nll[0]) == 4.3993
    assert r4(fw.mean_nll) == 3.7693


def test_training_100_steps(N):
    steps = list(core.train(N, 100, lr=50, reg=0.01))
    assert r4(steps[0].loss) == 3.7686
    assert steps[-1].step == 99 and round(steps[-1].loss, 2) == 2.49
    assert all(b < a for a, b in zip((s.loss for s in steps), (s.loss for s in steps[1:])))


def test_the_lectures_own_one_hot_steps_give_the_same_losses(N):
    # the lecture's full-batch one-hot pass over all 228,146 examples: a few steps (each is the slow one)
    onehot = [s.loss for s in core.train(N, 4, method="onehot")]
    assert r4(onehot[0]) == 3.7686
    assert onehot == pytest.approx([s.loss for s in core.train(N, 4, method="fast")], abs=1e-5)


def test_uniform_guessing_costs_log_27(vocab):
    assert r4(core.nll(["andrej"], core.bigram.uniform_probs(27), vocab)) == 3.2958


def test_a_huge_learning_rate_diverges_with_finite_weights(N):
    with pytest.raises(core.TrainingDiverged) as e:
        list(core.train(N, 100, lr=1e6))
    assert e.value.W.shape == (27, 27) and torch.isfinite(e.value.W).all()
    assert e.value.step >= 1  # the first step itself is fine; its overshoot shows at the next


def test_resuming_continues_one_run(N):
    whole = list(core.train(N, 60))
    first = list(core.train(N, 25))
    rest = list(core.train(N, 35, W=first[-1].W))
    assert [s.loss for s in first + rest] == pytest.approx([s.loss for s in whole], rel=1e-6)
    assert torch.allclose(rest[-1].W, whole[-1].W, atol=1e-5)
