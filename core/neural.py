"""The same bigram model as a one-layer neural net: one-hot(x) @ W -> softmax, trained by gradient descent."""

import math
from collections.abc import Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .errors import TrainingDiverged
from .sampling import LECTURE_SEED
from .vocab import Vocab

METHODS = ("fast", "onehot")
EXPLODE_FACTOR = 10.0  # a loss this many times the starting loss means the steps overshoot


@dataclass(frozen=True)
class TrainStep:
    step: int  # 0-based, as in the lecture's `for k in range(100)`
    loss: float  # NLL + reg * mean(W^2), before this step's update (what the lecture prints)
    W: torch.Tensor  # (V, V) weights after this step's update
    grad: torch.Tensor  # (V, V) dloss/dW at the weights the loss was measured on


@dataclass(frozen=True)
class Example:
    """One input -> label pair of a word pushed through the net (the lecture's per-example printout)."""

    x: int
    y: int
    probs: torch.Tensor  # (V,) softmax of row x of W
    p: float  # probability given to the right label
    logp: float
    nll: float


def init_weights(V: int, seed: int = LECTURE_SEED) -> torch.Tensor:
    """W ~ N(0, 1), (V, V) float32, exactly the lecture's `torch.randn((27, 27), generator=g)`."""
    return torch.randn((V, V), generator=torch.Generator().manual_seed(seed))


def examples(word: str, W: torch.Tensor, vocab: Vocab) -> list[Example]:
    """Every bigram of `word` through the net: one_hot(x) @ W picks row x of W; softmax makes P."""
    ids = vocab.encode(word)
    xs, ys = torch.tensor(ids[:-1]), torch.tensor(ids[1:])
    xenc = F.one_hot(xs, num_classes=len(vocab)).float()  # (n, V)
    probs = (xenc @ W).softmax(dim=1)  # (n, V)
    out = []
    for i, (x, y) in enumerate(zip(xs.tolist(), ys.tolist())):
        p = float(probs[i, y])
        logp = math.log(p) if p > 0 else -math.inf
        out.append(Example(x, y, probs[i], p, logp, -logp))
    return out


def _onehot_step(W: torch.Tensor, xs, ys, reg: float) -> tuple[float, torch.Tensor]:
    # The lecture's forward pass over every example, with autograd for the gradient.
    W = W.detach().requires_grad_()
    xenc = F.one_hot(xs, num_classes=W.shape[0]).float()  # (n, V)
    logits = xenc @ W  # (n, V) log-counts
    counts = logits.exp()
    probs = counts / counts.sum(1, keepdim=True)
    loss = -probs[torch.arange(len(ys)), ys].log().mean() + reg * (W**2).mean()
    loss.backward()
    return loss.item(), W.grad


def _fast_step(W: torch.Tensor, N: torch.Tensor, row_totals, total: int, reg: float):
    # The one-hot loss depends on the data only through N: sum_ij N_ij * -log softmax(W)_ij / total.
    logp = W.log_softmax(dim=1)  # (V, V)
    loss = -(N * logp).sum() / total + reg * (W**2).mean()
    grad = (row_totals * logp.exp() - N) / total + (2 * reg / W.numel()) * W
    return loss.item(), grad


def train(
    counts: torch.Tensor,
    steps: int,
    *,
    lr: float = 50.0,
    reg: float = 0.01,
    seed: int = LECTURE_SEED,
    method: str = "fast",
    W: torch.Tensor | None = None,
) -> Iterator[TrainStep]:
    """Full-batch gradient descent on the bigram net; yields one TrainStep per update.

    W starts from `init_weights(V, seed)` unless given (to resume). Raises TrainingDiverged.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    if int(counts.sum()) == 0:
        raise ValueError("no bigrams to train on")
    W = init_weights(counts.shape[0], seed) if W is None else W.detach().clone().float()
    N = counts.float()
    total = int(counts.sum())
    row_totals = N.sum(1, keepdim=True)  # (V, 1)
    if method == "onehot":
        pairs = counts.nonzero()  # (m, 2) the distinct bigrams, repeated by their counts below
        reps = counts[pairs[:, 0], pairs[:, 1]]
        xs, ys = pairs[:, 0].repeat_interleave(reps), pairs[:, 1].repeat_interleave(reps)
    first_loss = None
    for step in range(steps):
        if method == "fast":
            loss, grad = _fast_step(W, N, row_totals, total, reg)
        else:
            loss, grad = _onehot_step(W, xs, ys, reg)
        first_loss = loss if first_loss is None else first_loss
        new_W = W - lr * grad
        if not (math.isfinite(loss) and loss <= EXPLODE_FACTOR * first_loss and torch.isfinite(new_W).all()):
            raise TrainingDiverged(step, loss, W)
        W = new_W
        yield TrainStep(step, loss, W, grad)
