"""The same bigram model as a one-layer neural net: one_hot(x) @ W -> softmax, trained by gradient descent.

Then what it learned, in the counting model's terms: softmax(W) against P, exp(W) against N, and the
regularisation strength against the smoothing k it matches.
"""

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial

import torch
import torch.nn.functional as F

from .bigram import count_bigrams, to_probs
from .data import Vocab
from .errors import TrainingDiverged
from .sampling import check_seed
from .settings import SETTINGS

METHODS = ("fast", "onehot")
GOLDEN = (math.sqrt(5) - 1) / 2
UPHILL = 1e-6  # a relative rise in loss beyond float32 rounding: the step overshot


def init_weights(V: int, seed: int = SETTINGS.seed) -> torch.Tensor:
    """W ~ N(0, 1), (V, V) float32, exactly the lecture's `torch.randn((27, 27), generator=g)`."""
    return torch.randn((V, V), generator=torch.Generator().manual_seed(check_seed(seed)))


def net_probs(W: torch.Tensor) -> torch.Tensor:
    """softmax(W) row by row: exp makes counts of the logits, normalising makes them probabilities. (V, V)"""
    return W.softmax(dim=1)


# --- the forward pass of one word -----------------------------------------------------------------------


@dataclass(frozen=True)
class Forward:
    """A word's examples pushed through one_hot @ W: what the lecture prints before any training."""

    xs: torch.Tensor  # (n,) input indices
    ys: torch.Tensor  # (n,) label indices
    xenc: torch.Tensor  # (n, V) one-hot inputs, float
    logits: torch.Tensor  # (n, V) xenc @ W: row x of W for each example
    probs: torch.Tensor  # (n, V) softmax of the logits
    p: list[float]  # (n,) probability given to the right label
    nll: list[float]  # (n,) -log p, inf where p = 0

    @property
    def mean_nll(self) -> float:
        """The word's loss: the average NLL over its examples."""
        return sum(self.nll) / len(self.nll)


def forward(word: str, W: torch.Tensor, vocab: Vocab) -> Forward:
    """Every bigram of `word` through the net: one_hot(x) @ W picks row x of W; softmax makes P."""
    ids = vocab.encode(word)
    xs, ys = torch.tensor(ids[:-1]), torch.tensor(ids[1:])
    xenc = F.one_hot(xs, num_classes=len(vocab)).float()  # (n, V)
    logits = xenc @ W  # (n, V)
    probs = logits.softmax(dim=1)
    p = probs[torch.arange(len(ys)), ys].tolist()
    return Forward(xs, ys, xenc, logits, probs, p, [-math.log(q) if q > 0 else math.inf for q in p])


# --- training -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainStep:
    step: int  # 0-based, as in the lecture's `for k in range(100)`
    loss: float  # NLL + reg * mean(W^2), before this step's update (what the lecture prints)
    nll: float  # the NLL part of the loss
    W: torch.Tensor  # (V, V) weights after this step's update
    grad: torch.Tensor  # (V, V) dloss/dW at the weights the loss was measured on


def _onehot_step(W: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor, reg: float, chunk: int):
    # The lecture's forward pass over every example, with autograd for the gradient. The one-hot rows are
    # built `chunk` examples at a time, so memory stays bounded however many examples there are.
    W = W.detach().requires_grad_()
    total = 0.0
    for lo in range(0, len(xs), chunk):
        x, y = xs[lo:lo + chunk], ys[lo:lo + chunk]
        xenc = F.one_hot(x, num_classes=W.shape[0]).float()  # (c, V)
        logits = xenc @ W  # (c, V) log-counts
        counts = logits.exp()
        probs = counts / counts.sum(1, keepdim=True)
        part = -probs[torch.arange(len(y)), y].log().sum() / len(xs)  # this chunk's share of the mean
        part.backward()  # gradients add up in W.grad across chunks
        total += part.item()
    penalty = reg * (W**2).mean()
    penalty.backward()
    return total + penalty.item(), total, W.grad


def _fast_step(W: torch.Tensor, neg_freq: torch.Tensor, row_freq: torch.Tensor, reg: float):
    # The one-hot loss depends on the data only through N: sum_ij N_ij * -log softmax(W)_ij / total.
    # neg_freq = -N / total (V, V), row_freq = row sums / total (V, 1), both precomputed once.
    # At V = 27 each torch op costs ~1 µs of overhead and almost nothing in arithmetic, so a
    # step is kept to six ops: two dot products give the loss, one fused addcmul the gradient.
    logp = W.log_softmax(dim=1)  # (V, V)
    w = W.reshape(-1)  # (V*V,) a view unless W was handed in transposed
    nll = torch.dot(neg_freq.view(-1), logp.reshape(-1)).item()
    loss = nll + reg / w.numel() * torch.dot(w, w).item()
    grad = torch.addcmul(neg_freq, row_freq, logp.exp()).add_(W, alpha=2 * reg / w.numel())  # (V, V)
    return loss, nll, grad


def _all_finite(W: torch.Tensor) -> bool:
    # inf and NaN propagate through a sum, so a finite sum proves every entry finite in one op;
    # only when the sum itself overflows does the exact element-wise test run.
    return math.isfinite(W.sum().item()) or bool(torch.isfinite(W).all())


def train(
    counts: torch.Tensor,
    steps: int,
    *,
    lr: float = SETTINGS.lr,
    reg: float = SETTINGS.reg,
    seed: int = SETTINGS.seed,
    method: str = "fast",
    W: torch.Tensor | None = None,
) -> Iterator[TrainStep]:
    """Full-batch gradient descent on the bigram net; yields one TrainStep per update.

    W starts from `init_weights(V, seed)` unless given (to resume). Raises TrainingDiverged.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    check_hyper(lr, reg)
    total = int(counts.sum())
    if total == 0:
        raise ValueError("no bigrams to train on")
    W = init_weights(counts.shape[0], seed) if W is None else W.detach().clone().float()
    if method == "fast":
        N = counts.float()
        step_fn = partial(_fast_step, neg_freq=-N / total, row_freq=N.sum(1, keepdim=True) / total, reg=reg)
    else:
        pairs = counts.nonzero()  # (m, 2) the distinct bigrams, repeated by their counts below
        reps = counts[pairs[:, 0], pairs[:, 1]]
        xs, ys = pairs[:, 0].repeat_interleave(reps), pairs[:, 1].repeat_interleave(reps)
        chunk = max(1, SETTINGS.onehot_chunk_bytes // (4 * counts.shape[0]))  # float32 one-hot rows
        step_fn = partial(_onehot_step, xs=xs, ys=ys, reg=reg, chunk=chunk)
    first_loss = None
    for step in range(steps):
        loss, nll, grad = step_fn(W)
        first_loss = loss if first_loss is None else first_loss
        new_W = torch.add(W, grad, alpha=-lr)  # W - lr * grad in one op
        if not (math.isfinite(loss) and loss <= SETTINGS.explode_factor * first_loss and _all_finite(new_W)):
            raise TrainingDiverged(step, loss, W)
        W = new_W
        yield TrainStep(step, loss, nll, W, grad)


FLOAT32_MAX = torch.finfo(torch.float32).max  # W is float32: a step cannot even be written past this


def check_hyper(lr: float, reg: float) -> None:
    """A learning rate and a regularisation >= 0 that float32 weights can take: anything else trains nonsense."""
    if not (math.isfinite(lr) and 0 <= lr <= FLOAT32_MAX):
        raise ValueError(f"the learning rate must be a number from 0 to {FLOAT32_MAX:.3g}, not {lr!r}")
    if not (math.isfinite(reg) and 0 <= reg <= FLOAT32_MAX):
        raise ValueError(f"the regularisation strength must be a number from 0 to {FLOAT32_MAX:.3g}, not {reg!r}")


def gradient(counts: torch.Tensor, W: torch.Tensor, reg: float) -> tuple[float, torch.Tensor]:
    """Loss and dloss/dW at W, without moving W (a step of size 0). Raises TrainingDiverged."""
    s = next(train(counts, 1, lr=0.0, reg=reg, W=W))
    return s.loss, s.grad


def word_gradient(word: str, W: torch.Tensor, vocab: Vocab) -> torch.Tensor:
    """dNLL/dW over one word's examples only (the lecture's first backward pass, no regularisation). (V, V)"""
    return gradient(count_bigrams([word], vocab), W, 0.0)[1]


# --- one learner's run, step by step --------------------------------------------------------------------


@dataclass
class Run:
    """A net being trained in pieces: Start asks for steps, Pause keeps the rest for Resume, One step takes one.

    Whoever drives it (a page, a notebook) calls `advance` until `training` is False.
    """

    W: torch.Tensor  # (V, V) weights after the last step
    losses: list[float] = field(default_factory=list)  # training loss at each step, before its update
    nlls: list[float] = field(default_factory=list)  # the NLL part of each loss
    start: int = 0  # steps done when the current run was asked for
    target: int = 0  # steps to reach before it stops; steps < target while paused
    training: bool = False
    diverged: TrainingDiverged | None = None
    failed: str | None = None  # why the last steps could not run at all (out of memory)
    ms_per_step: float = math.nan  # measured over the last chunk

    @property
    def steps(self) -> int:
        return len(self.losses)

    @property
    def paused(self) -> bool:
        return not self.training and self.steps < self.target

    @property
    def progress(self) -> float:
        """Share of the current run done: 0 before anything was asked for."""
        span = self.target - self.start
        return 0.0 if span <= 0 else min(1.0, (self.steps - self.start) / span)

    def begin(self, steps: int) -> None:
        """Start: resume a paused run, or ask for `steps` more."""
        if not self.paused:
            self.start, self.target = self.steps, self.steps + steps
        self.training, self.diverged, self.failed = True, None, None

    def pause(self) -> None:
        self.training = False

    def advance(self, counts: torch.Tensor, n: int, *, lr: float, reg: float, method: str,
                budget_s: float = math.inf) -> None:
        """Up to n steps (within `budget_s` seconds) toward the target; stops training there or on divergence."""
        t0, done = time.perf_counter(), 0
        try:
            for s in train(counts, min(n, self.target - self.steps), lr=lr, reg=reg, method=method, W=self.W):
                self.losses.append(s.loss)
                self.nlls.append(s.nll)
                self.W = s.W
                done += 1
                if time.perf_counter() - t0 > budget_s:
                    break
        except TrainingDiverged as e:
            self.target, self.diverged = self.steps, e  # self.W already holds the last finite weights
        except (MemoryError, RuntimeError) as e:  # torch reports an allocation it cannot make as RuntimeError
            self.target, self.failed = self.steps, str(e)
        if done:
            self.ms_per_step = 1000 * (time.perf_counter() - t0) / done
        if self.steps >= self.target:
            self.training = False

    def one_step(self, counts: torch.Tensor, *, lr: float, reg: float, method: str) -> None:
        """One step now; a paused run keeps the rest of its steps for Resume."""
        if self.steps >= self.target:  # nothing left to do: this step is a run of its own
            self.start, self.target = self.steps, self.steps + 1
        self.diverged = self.failed = None
        self.advance(counts, 1, lr=lr, reg=reg, method=method)


# --- what it learned ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProbDiff:
    delta: torch.Tensor  # (V, V) softmax(W) - P
    row: int  # where |delta| is largest
    col: int
    value: float  # delta[row, col], signed


def prob_diff(W: torch.Tensor, probs: torch.Tensor) -> ProbDiff:
    """softmax(W) - P and the cell where the two models disagree most."""
    delta = net_probs(W).double() - probs.double()
    flat = int(delta.abs().argmax())
    row, col = divmod(flat, delta.shape[1])
    return ProbDiff(delta, row, col, float(delta[row, col]))


def as_counts(W: torch.Tensor, row_totals: torch.Tensor) -> torch.Tensor:
    """exp(W) with row i scaled to sum to row_totals[i]: logits are log-counts, up to one constant a row."""
    return net_probs(W.double()) * row_totals.double().reshape(-1, 1)  # (V, V)


def unseen_fake_counts(W: torch.Tensor, counts: torch.Tensor) -> float | None:
    """The mean count the net hands a pair the data never shows (None if every pair occurs): its smoothing."""
    unseen = counts == 0
    return float(as_counts(W, counts.sum(1))[unseen].mean()) if bool(unseen.any()) else None


def row_kl(p: torch.Tensor, q: torch.Tensor, weights: torch.Tensor) -> float:
    """Sum_i weights_i * KL(p_i || q_i) in nats: the extra surprise per character of using q where p holds."""
    p, q = p.double(), q.double()
    terms = torch.where(p > 0, p * (p.log() - q.log()), torch.zeros_like(p))  # 0 log 0 = 0
    return float((weights.double() * terms.sum(1)).sum())


def closest_smoothing(W: torch.Tensor, counts: torch.Tensor, grid: int = 53, iters: int = 40
                      ) -> tuple[float, float]:
    """The smoothing k whose P is closest to softmax(W) by KL, rows weighted by how often they occur.

    A grid over log k finds the valley, then golden-section search on log k refines it. Returns (k, KL).
    """
    p = net_probs(W.double())
    weights = counts.sum(1).double() / counts.sum()

    def kl(log_k: float) -> float:
        return row_kl(p, to_probs(counts, math.exp(log_k)), weights)

    lo, hi = (math.log(k) for k in SETTINGS.closest_k_range)
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


def converged_weights(counts: torch.Tensor, reg: float, *, W: torch.Tensor | None = None, lr: float = SETTINGS.lr,
                      tol: float = 1e-6, max_steps: int = 20_000) -> torch.Tensor:
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


def smoothing_curve(counts: torch.Tensor, regs: tuple[float, ...], max_steps: int = 20_000
                    ) -> list[tuple[float, float]]:
    """(reg, KL-closest k) for nets trained to convergence: stronger regularisation is more smoothing.

    Strengths are visited from strongest to weakest, each starting from the previous optimum (cheaper).
    """
    out, W = [], None
    for reg in sorted(regs, reverse=True):
        W = converged_weights(counts, reg, W=W, max_steps=max_steps)
        out.append((reg, closest_smoothing(W, counts)[0]))
    return sorted(out)
