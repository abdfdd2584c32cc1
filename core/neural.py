"""The same bigram model as a one-layer neural net: one-hot(x) @ W -> softmax, trained by gradient descent."""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

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


def _fast_step(W: torch.Tensor, neg_freq: torch.Tensor, row_freq: torch.Tensor, reg: float):
    # The one-hot loss depends on the data only through N: sum_ij N_ij * -log softmax(W)_ij / total.
    # neg_freq = -N / total (V, V), row_freq = row sums / total (V, 1), both precomputed once.
    # At V = 27 each torch op costs ~1 µs of overhead and almost nothing in arithmetic, so a
    # step is kept to six ops: two dot products give the loss, one fused addcmul the gradient.
    logp = W.log_softmax(dim=1)  # (V, V)
    w = W.reshape(-1)  # (V*V,) a view unless W was handed in transposed
    loss = torch.dot(neg_freq.view(-1), logp.reshape(-1)).item() + reg / w.numel() * torch.dot(w, w).item()
    grad = torch.addcmul(neg_freq, row_freq, logp.exp()).add_(W, alpha=2 * reg / w.numel())  # (V, V)
    return loss, grad


def _all_finite(W: torch.Tensor) -> bool:
    # inf and NaN propagate through a sum, so a finite sum proves every entry finite in one op;
    # only when the sum itself overflows does the exact element-wise test run.
    return math.isfinite(W.sum().item()) or bool(torch.isfinite(W).all())


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
    total = int(counts.sum())
    if method == "fast":
        N = counts.float()
        step_fn = partial(_fast_step, neg_freq=-N / total, row_freq=N.sum(1, keepdim=True) / total, reg=reg)
    else:
        pairs = counts.nonzero()  # (m, 2) the distinct bigrams, repeated by their counts below
        reps = counts[pairs[:, 0], pairs[:, 1]]
        xs, ys = pairs[:, 0].repeat_interleave(reps), pairs[:, 1].repeat_interleave(reps)
        step_fn = partial(_onehot_step, xs=xs, ys=ys, reg=reg)
    first_loss = None
    for step in range(steps):
        loss, grad = step_fn(W)
        first_loss = loss if first_loss is None else first_loss
        new_W = torch.add(W, grad, alpha=-lr)  # W - lr * grad in one op
        if not (math.isfinite(loss) and loss <= EXPLODE_FACTOR * first_loss and _all_finite(new_W)):
            raise TrainingDiverged(step, loss, W)
        W = new_W
        yield TrainStep(step, loss, W, grad)
