"""Live training for the neural-net page: one user's run in st.session_state, advanced a chunk per tick."""

import math
import time
from dataclasses import dataclass, field

import plotly.graph_objects as go
import streamlit as st
import torch

import core

STATE_KEY = "nn_run"
# Steps per fragment tick: 1,000 fast steps take ~20 ticks (about a second, visibly growing);
# a one-hot step costs ~45 ms, so a few per tick keep the lecture's own pace.
CHUNK = {"fast": 50, "onehot": 3}
TICK = 0.05  # seconds between fragment reruns while training


@dataclass
class Run:
    """One user's net: its weights, what every step cost, and whether it is training right now."""

    owner: tuple[str, int]  # (dataset digest, seed) the weights belong to
    W: torch.Tensor  # (V, V) weights after the last step
    losses: list[float] = field(default_factory=list)  # training loss at each step, before its update
    nlls: list[float] = field(default_factory=list)  # the NLL part of each loss (loss - reg * mean(W^2))
    start: int = 0  # steps done when the current run was started
    target: int = 0  # steps to reach before stopping
    training: bool = False
    error: str | None = None
    ms_per_step: float = math.nan  # measured over the last chunk

    @property
    def steps(self) -> int:
        return len(self.losses)

    @property
    def progress(self) -> float:
        span = self.target - self.start
        return 1.0 if span <= 0 else min(1.0, (self.steps - self.start) / span)


def current_run(corpus: core.Corpus, seed: int) -> Run:
    """This session's run; a fresh one when the dataset or seed changed (W must match them)."""
    owner = (corpus.digest, seed)
    run = st.session_state.get(STATE_KEY)
    if run is None or run.owner != owner:
        run = Run(owner, core.init_weights(len(corpus.vocab), seed))
        st.session_state[STATE_KEY] = run
    return run


# Button callbacks: they run before the script, so the page draws the state they leave.
def on_start() -> None:
    """Train the chosen number of steps more, or resume a paused run that has steps left."""
    run = st.session_state[STATE_KEY]
    if run.steps >= run.target:
        run.start, run.target = run.steps, run.steps + int(st.session_state.steps)
    run.training, run.error = True, None


def on_pause() -> None:
    st.session_state[STATE_KEY].training = False


def on_step(counts: torch.Tensor) -> None:
    run = st.session_state[STATE_KEY]
    run.start, run.target, run.error = run.steps, run.steps + 1, None
    advance(run, counts, 1)


def on_reset() -> None:
    run = st.session_state[STATE_KEY]
    st.session_state[STATE_KEY] = Run(run.owner, core.init_weights(run.W.shape[0], run.owner[1]))


def advance(run: Run, counts: torch.Tensor, n: int) -> None:
    """Up to n steps from the run's W with the current controls; stops the run at its target."""
    lr, reg, method = float(st.session_state.lr), float(st.session_state.reg), st.session_state.train_method
    run_steps(run, counts, min(n, run.target - run.steps), lr=lr, reg=reg, method=method)
    if run.steps >= run.target:
        run.training = False


def run_steps(run: Run, counts: torch.Tensor, n: int, *, lr: float, reg: float, method: str) -> None:
    """n steps from the run's W (core.train resumed with W=...); divergence keeps the last finite W."""
    t0, done = time.perf_counter(), 0
    W_before = run.W
    try:
        for s in core.train(counts, n, lr=lr, reg=reg, method=method, W=run.W):
            run.losses.append(s.loss)
            run.nlls.append(s.loss - reg * float((W_before**2).mean()))
            run.W = W_before = s.W
            done += 1
    except core.TrainingDiverged as e:
        run.W, run.training, run.target = e.W, False, run.steps
        run.error = (
            f"Training diverged at step {run.steps} (loss {e.loss:.4g}): learning rate {lr:g} overshoots. "
            f"The last finite weights (after {run.steps} steps) were kept; lower the learning rate or reset."
        )
    if done:
        run.ms_per_step = 1000 * (time.perf_counter() - t0) / done


def loss_figure(run: Run, floor: float, floor_label: str, ceiling: float) -> go.Figure:
    """Training loss per step, its NLL part, the counting model's NLL (floor) and log V (ceiling)."""
    x = list(range(run.steps))
    fig = go.Figure()
    fig.add_scatter(x=x, y=run.losses, mode="lines", name="training loss (NLL + reg·mean W²)",
                    line=dict(color="#6C5CE7", width=2))
    fig.add_scatter(x=x, y=run.nlls, mode="lines", name="its NLL part", line=dict(color="#00a884", dash="dot"))
    fig.add_hline(y=floor, line=dict(color="#e4572e", dash="dash"), annotation_text=floor_label,
                  annotation_position="bottom right")
    fig.add_hline(y=ceiling, line=dict(color="grey", dash="dash"),
                  annotation_text=f"uniform guess: log V = {ceiling:.4f}", annotation_position="top right")
    top = max([ceiling, *run.losses]) + 0.15
    bottom = min([floor, *run.nlls]) - 0.1
    fig.update_layout(
        height=380, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=1.08, x=0),
        xaxis=dict(title="step", range=[0, max(run.target, run.steps, 10)]),
        yaxis=dict(title="loss (nats per character)", range=[bottom, top]),
    )
    return fig
