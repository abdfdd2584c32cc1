"""Live training for the neural-net page: one user's run in st.session_state, advanced a chunk per tick."""

import math
import time
from dataclasses import dataclass, field

import plotly.graph_objects as go
import streamlit as st
import torch

import core

from . import fmt

STATE_KEY = "nn_run"
METHOD_LABELS = {"fast": "fast (from the counts)", "onehot": "one-hot (the lecture's loop)"}
REDRAW_BUTTONS = ("train_pause", "train_step", "train_reset")  # they change W outside a running loop
# Steps per fragment tick. A tick costs ~0.1-0.25 s of drawing whatever the chunk, so 1,000 fast steps
# (20 ms of arithmetic) take 5 ticks: about a second, and the curve visibly grows. A one-hot step costs
# ~45 ms: 10 per tick keep close to the lecture's own pace.
CHUNK = {"fast": 200, "onehot": 10}
TICK = 0.05  # seconds between fragment reruns while training
ZOOM_SPAN = 0.12  # nats above the floor shown when zoomed in


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
            f"Stopped, keeping the last finite weights (after {run.steps} steps, already thrown off by the "
            "big steps before): lower the learning rate and reset."
        )
    if done:
        run.ms_per_step = 1000 * (time.perf_counter() - t0) / done


def loss_figure(run: Run, floor: float, floor_label: str, ceiling: float, zoom: bool = False
                ) -> go.Figure:
    """Training loss per step, its NLL part, the counting model's NLL (floor) and log V (ceiling).

    zoom: show only the last stretch above the floor, where the curve's slow end happens."""
    x = list(range(run.steps))
    fig = go.Figure()
    fig.add_scatter(x=x, y=run.losses, mode="lines", name="training loss (NLL + reg·mean W²)",
                    line=dict(color="#6C5CE7", width=2))
    fig.add_scatter(x=x, y=run.nlls, mode="lines", name="its NLL part",
                    line=dict(color="#00a884", dash="dot"))
    fig.add_hline(y=floor, line=dict(color="#e4572e", dash="dash"), annotation_text=floor_label,
                  annotation_position="bottom right")
    fig.add_hline(y=ceiling, line=dict(color="grey", dash="dash"),
                  annotation_text=f"uniform guess: log V = {ceiling:.4f}", annotation_position="top right")
    bottom = min([floor, *run.nlls]) - (0.02 if zoom else 0.1)
    top = floor + ZOOM_SPAN if zoom else max([ceiling, *run.losses]) + 0.15
    fig.update_layout(
        height=380, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=1.08, x=0),
        xaxis=dict(title="step", range=[0, max(run.target, run.steps, 10)]),
        yaxis=dict(title="loss (nats per character)", range=[bottom, top]),
    )
    return fig


@st.fragment
def panel(counts: torch.Tensor, floor: float, floor_label: str, ceiling: float, *, drawn_reg: float) -> None:
    """Controls, buttons and the live chart. A click here reruns only this panel, so starting a run
    does not redraw the whole page; whatever changes W for good asks for a full redraw."""
    c = st.columns([1, 1, 1, 2])
    c[0].number_input("Learning rate", min_value=1e-4, max_value=1e7, step=10.0, format="%g", key="lr")
    c[1].number_input("Steps", min_value=1, max_value=5000, step=100, key="steps")
    c[2].number_input("Regularisation strength", min_value=0.0, max_value=100.0, step=0.01, format="%g",
                      key="reg")
    c[3].radio("Method", list(METHOD_LABELS), key="train_method", horizontal=True,
               format_func=METHOD_LABELS.get)
    run = st.session_state[STATE_KEY]
    paused = not run.training and run.steps < run.target
    b = st.columns(4)
    b[0].button("Resume" if paused else "Start", key="train_start", icon=":material/play_arrow:",
                on_click=on_start, disabled=run.training, type="primary", width="stretch")
    b[1].button("Pause", key="train_pause", icon=":material/pause:", on_click=on_pause,
                disabled=not run.training, width="stretch")
    b[2].button("One step", key="train_step", icon=":material/skip_next:", on_click=on_step, args=(counts,),
                disabled=run.training, width="stretch")
    b[3].button("Reset", key="train_reset", icon=":material/restart_alt:", on_click=on_reset, width="stretch")
    if any(st.session_state.get(k) for k in REDRAW_BUTTONS) or float(st.session_state.reg) != drawn_reg:
        st.rerun()
    st.fragment(run_every=TICK if run.training else None)(_live)(counts, floor, floor_label, ceiling)


def _live(counts: torch.Tensor, floor: float, floor_label: str, ceiling: float) -> None:
    """One chunk of steps per tick, then the progress bar and the growing loss curve."""
    run = st.session_state[STATE_KEY]
    if run.training:
        advance(run, counts, CHUNK[st.session_state.train_method])
        if not run.training:  # finished or diverged: redraw the whole page with the new W
            st.rerun()
    text = f"step {run.steps} of {run.target}" if run.target else "not trained yet"
    if run.training:
        text += " — the views below catch up when the run ends or is paused"
    st.progress(run.progress, text=text)
    if run.error:
        st.error(run.error, icon=":material/error:")
    m = st.columns(4)
    m[0].metric("Steps done", f"{run.steps:,}")
    m[1].metric("Training loss", fmt.loss(run.losses[-1]) if run.losses else "—",
                help="At the last step, before its update: NLL + reg·mean(W²).")
    m[2].metric("Its NLL part", fmt.loss(run.nlls[-1]) if run.nlls else "—")
    m[3].metric("ms per step", "—" if math.isnan(run.ms_per_step) else f"{run.ms_per_step:.2g}",
                help="Measured over the last chunk of steps.")
    zoom = st.toggle("Zoom in on the floor", key="loss_zoom")
    st.plotly_chart(loss_figure(run, floor, floor_label, ceiling, zoom), key="loss_chart")
