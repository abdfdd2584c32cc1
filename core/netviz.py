"""What the bigram net learned, in the counting model's terms: probabilities, log-counts, smoothing."""

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .bigrams import to_probs
from .errors import TrainingDiverged
from .neural import train
from .sampling import LECTURE_SEED, sample
from .vocab import Vocab

K_RANGE = (1e-6, 1e7)  # the smoothing values searched, 13 decades (exactly 0 is the limit reg -> 0)
CURVE_REGS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
GOLDEN = (math.sqrt(5) - 1) / 2
UPHILL = 1e-6  # a relative rise in loss beyond float32 rounding: the step overshot


@dataclass(frozen=True)
class Forward:
    """A word's examples pushed through one_hot @ W: what the lecture prints before any training."""

    xs: torch.Tensor  # (n,) input indices
    ys: torch.Tensor  # (n,) label indices
    xenc: torch.Tensor  # (n, V) one-hot inputs, float
    logits: torch.Tensor  # (n, V) xenc @ W


@dataclass(frozen=True)
class ProbDiff:
    delta: torch.Tensor  # (V, V) softmax(W) - P
    row: int  # where |delta| is largest
    col: int
    value: float  # delta[row, col], signed


def forward(word: str, W: torch.Tensor, vocab: Vocab) -> Forward:
    """The word's bigrams as one-hot inputs times W. Unknown characters raise."""
    ids = vocab.encode(word)
    xs, ys = torch.tensor(ids[:-1]), torch.tensor(ids[1:])
    xenc = F.one_hot(xs, num_classes=len(vocab)).float()
    return Forward(xs, ys, xenc, xenc @ W)


def net_probs(W: torch.Tensor) -> torch.Tensor:
    """softmax(W) row by row: exp makes counts of the logits, normalising makes them probabilities. (V, V)"""
    return W.softmax(dim=1)


def prob_diff(W: torch.Tensor, probs: torch.Tensor) -> ProbDiff:
    """softmax(W) - P and the cell where the two models disagree most."""
    delta = net_probs(W).double() - probs.double()
    flat = int(delta.abs().argmax())
    row, col = divmod(flat, delta.shape[1])
    return ProbDiff(delta, row, col, float(delta[row, col]))


def as_counts(W: torch.Tensor, row_totals: torch.Tensor) -> torch.Tensor:
    """exp(W) with row i scaled to sum to row_totals[i]: logits are log-counts, up to one constant a row."""
    return net_probs(W.double()) * row_totals.double().reshape(-1, 1)  # (V, V)


def word_counts(word: str, vocab: Vocab) -> torch.Tensor:
    """The word's own bigram counts, (V, V) int64: training on these is training on just this word."""
    ids = vocab.encode(word)
    V = len(vocab)
    return torch.bincount(torch.tensor(ids[:-1]) * V + torch.tensor(ids[1:]), minlength=V * V).view(V, V)


def gradient(counts: torch.Tensor, W: torch.Tensor, reg: float) -> tuple[float, torch.Tensor]:
    """Loss and dloss/dW at W, without moving W (a step of size 0). Raises TrainingDiverged."""
    s = next(train(counts, 1, lr=0.0, reg=reg, W=W))
    return s.loss, s.grad


def row_kl(p: torch.Tensor, q: torch.Tensor, weights: torch.Tensor) -> float:
    """Sum_i weights_i * KL(p_i || q_i) in nats: the extra surprise per character of using q where p holds."""
    p, q = p.double(), q.double()
    terms = torch.where(p > 0, p * (p.log() - q.log()), torch.zeros_like(p))  # 0 log 0 = 0
    return float((weights.double() * terms.sum(1)).sum())


def closest_smoothing(
    W: torch.Tensor, counts: torch.Tensor, grid: int = 53, iters: int = 40
) -> tuple[float, float]:
    """The smoothing k whose P is closest to softmax(W) by KL, rows weighted by how often they occur.

    A grid over log k finds the valley, then golden-section search on log k refines it. Returns (k, KL).
    """
    p = net_probs(W.double())
    weights = counts.sum(1).double() / counts.sum()

    def kl(log_k: float) -> float:
        return row_kl(p, to_probs(counts, math.exp(log_k)), weights)

    lo, hi = (math.log(k) for k in K_RANGE)
    xs = [lo + (hi - lo) * i / (grid - 1) for i in range(grid)]
    best = min(range(grid), key=lambda i: kl(xs[i]))
    a, b = xs[max(best - 1, 0)], xs[min(best + 1, grid - 1)]
    c, d = b - GOLDEN * (b - a), a + GOLDEN * (b - a)
    fc, fd = kl(c), kl(d)
    for _ in range(iters):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - GOLDEN * (b - a)
            fc = kl(c)
        else:
            a, c, fc = c, d, fd
            d = a + GOLDEN * (b - a)
            fd = kl(d)
    log_k = (a + b) / 2
    return math.exp(log_k), kl(log_k)


def converged_weights(
    counts: torch.Tensor, reg: float, *, W: torch.Tensor | None = None, lr: float = 50.0,
    tol: float = 1e-6, max_steps: int = 20_000,
) -> torch.Tensor:
    """Fast full-batch descent until no gradient entry exceeds tol (or max_steps). Deterministic.

    A step that goes uphill (the learning rate overshoots, as lr 50 does on a tiny dataset) is undone
    and the learning rate halved. With reg > 0 the loss is strictly convex: the end point does not
    depend on where W starts.
    """
    here = torch.zeros(counts.shape, dtype=torch.float32) if W is None else W
    good, good_loss, steps = here, math.inf, 0
    while steps < max_steps:
        try:
            for s in train(counts, max_steps - steps, lr=lr, reg=reg, W=here):
                steps += 1
                if s.loss > good_loss + UPHILL * abs(good_loss):
                    break  # `here` is worse than the point before it
                good, good_loss = here, s.loss
                if float(s.grad.abs().max()) < tol:
                    return good
                here = s.W
            else:
                return here
        except TrainingDiverged:
            pass
        here, lr = good, lr / 2
    return here


def smoothing_curve(counts: torch.Tensor, regs: tuple[float, ...] = CURVE_REGS) -> list[tuple[float, float]]:
    """(reg, KL-closest k) for nets trained to convergence: stronger regularisation is more smoothing.

    Strengths are visited from strongest to weakest, each starting from the previous optimum (cheaper).
    """
    out, W = [], None
    for reg in sorted(regs, reverse=True):
        W = converged_weights(counts, reg, W=W)
        out.append((reg, closest_smoothing(W, counts)[0]))
    return sorted(out)


def sample_net(W: torch.Tensor, vocab: Vocab, n: int, seed: int = LECTURE_SEED) -> list[str]:
    """Names drawn from the net's rows softmax(W), exactly as `core.sample` draws from the counts' P."""
    return sample(net_probs(W), vocab, n, seed=seed)
