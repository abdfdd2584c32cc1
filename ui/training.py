"""Live training on the neural-net page: one learner's `core.neural.Run` in st.session_state, trained by a loop
inside one fragment run that updates the progress, the metrics and the loss chart in place.

Streamlit lets a full-page input (the sidebar) stop the loop at its next Streamlit call, but not an input inside
the fragment itself (Pause, One step, Reset, the settings): that would wait for the whole run. So after each
chunk the loop looks for a waiting input and, if there is one, ends its run with a rerun of the fragment: the
input's callback runs first, and the new run trains on unless it paused. The run's state is complete after every
chunk, so nothing is lost.
"""

import math
import time
from dataclasses import dataclass

import pandas as pd
import streamlit as st
import torch
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequests, ScriptRequestType

from core import SETTINGS, Corpus, init_weights
from core.neural import Run

from . import fmt, i18n, state
from .i18n import N_, _

STATE_KEY = "nn_run"
METHOD_LABELS = {"fast": N_("fast (from the counts)"), "onehot": N_("one-hot (the lecture's loop)")}
UPDATE_EVERY = 0.1  # s of training between redraws: about ten chart updates a second while a run lasts
MAX_POINTS = 1000  # points per curve sent to the browser; a longer run is thinned evenly
ZOOM_SPAN = 0.12  # nats above the floor shown when zoomed in


@dataclass
class SessionRun(Run):
    owner: tuple[str, int] = ("", 0)  # (dataset digest, seed) the weights belong to


def current_run(corpus: Corpus, seed: int) -> SessionRun:
    """This session's run; a fresh one when the dataset or seed changed (W must match them)."""
    owner = (corpus.digest, seed)
    run = st.session_state.get(STATE_KEY)
    if run is None or run.owner != owner:
        run = st.session_state[STATE_KEY] = SessionRun(init_weights(len(corpus.vocab), seed), owner=owner)
    return run


def _hyper() -> dict:
    return dict(lr=float(st.session_state.lr), reg=float(st.session_state.reg), method=st.session_state.train_method)


# Button callbacks: they run before the fragment does, so it draws the state they leave.
def _on_start() -> None:
    st.session_state[STATE_KEY].begin(int(st.session_state.steps))


def _on_pause() -> None:
    st.session_state[STATE_KEY].pause()


def _on_step(counts: torch.Tensor) -> None:
    st.session_state[STATE_KEY].one_step(counts, **_hyper())


def _on_reset() -> None:
    run = st.session_state[STATE_KEY]
    st.session_state[STATE_KEY] = SessionRun(init_weights(run.W.shape[0], run.owner[1]), owner=run.owner)


def _thin(values: list[float]) -> tuple[list[int], list[float]]:
    step = max(1, math.ceil(len(values) / MAX_POINTS))
    xs = list(range(0, len(values), step))
    if xs and xs[-1] != len(values) - 1:
        xs.append(len(values) - 1)  # always the last step
    return xs, [values[i] for i in xs]


def loss_chart_spec(run: Run, floor: float, ceiling: float, zoom: bool) -> dict:
    """A Vega-Lite spec that stays the same while a run grows, so the browser updates the chart's data in place
    instead of drawing a new chart: the axes are fixed by the run's target and the lines around the curve."""
    bottom = min(floor, min(run.nlls, default=floor)) - (0.02 if zoom else 0.1)
    top = floor + ZOOM_SPAN if zoom else max(ceiling, run.losses[0] if run.losses else ceiling) + 0.15
    x_max = max(run.target, run.steps, 10)
    axis_y = {"title": _("loss (nats per character)")}
    return {
        "height": 360,
        "layer": [
            {"mark": {"type": "line", "clip": True, "strokeWidth": 2},
             "encoding": {
                 "x": {"field": "step", "type": "quantitative", "title": _("step"),
                       "scale": {"domain": [0, x_max], "nice": False}},
                 "y": {"field": "loss", "type": "quantitative", "axis": axis_y,
                       "scale": {"domain": [bottom, top], "zero": False}},
                 "color": {"field": "curve", "type": "nominal", "title": None,
                           "scale": {"range": ["#5B4BDB", "#00875a"]}, "legend": {"orient": "top"}},
                 "strokeDash": {"field": "curve", "type": "nominal", "legend": None,
                                "scale": {"range": [[1, 0], [4, 3]]}},
                 "tooltip": [{"field": "curve", "title": " "}, {"field": "step", "title": _("step")},
                             {"field": "loss", "format": ".4f", "title": _("loss")}],
             }},
            {"data": {"values": [{"y": floor}]}, "mark": {"type": "rule", "color": "#d1432b", "strokeDash": [6, 4]},
             "encoding": {"y": {"field": "y", "type": "quantitative"}}},
            {"data": {"values": [{"y": ceiling}]}, "mark": {"type": "rule", "color": "grey", "strokeDash": [6, 4]},
             "encoding": {"y": {"field": "y", "type": "quantitative"}}},
        ],
    }


def loss_chart_data(run: Run) -> pd.DataFrame:
    xs, losses = _thin(run.losses)
    _xs, nlls = _thin(run.nlls)
    label_loss, label_nll = _("training loss (NLL + reg·mean W²)"), _("its NLL part")
    return pd.DataFrame({"step": xs + xs, "loss": losses + nlls,
                         "curve": [label_loss] * len(xs) + [label_nll] * len(xs)})


def _draw(run: Run, slots: dict, floor: float, ceiling: float, zoom: bool) -> None:
    """Progress, messages, metrics and the chart, each into its placeholder (replaced in place)."""
    if run.target:
        text = _("step {n} of {target}").format(n=fmt.count(run.steps), target=fmt.count(run.target))
        if run.paused:
            text += " — " + _("paused")
    else:
        text = _("not trained yet")
    slots["progress"].progress(run.progress, text=text)
    if run.diverged:
        slots["error"].error(_("{reason} Lower the learning rate and reset.").format(
            reason=i18n.error_message(run.diverged)), icon="⚠️")
    elif run.failed:
        slots["error"].error(_("Training stopped after {n} steps: this dataset's one-hot examples do not fit in "
                               "memory ({reason}). Use the fast method, which gives the same steps.").format(
                                   n=run.steps, reason=run.failed), icon="⚠️")
    else:
        slots["error"].empty()
    with slots["metrics"].container():
        m = st.columns(4)
        m[0].metric(_("Steps done"), fmt.count(run.steps))
        m[1].metric(_("Training loss"), fmt.loss(run.losses[-1]) if run.losses else "—",
                    help=_("At the last step, before its update: NLL + reg·mean(W²)."))
        m[2].metric(_("Its NLL part"), fmt.loss(run.nlls[-1]) if run.nlls else "—")
        m[3].metric(_("ms per step"), "—" if math.isnan(run.ms_per_step) else f"{run.ms_per_step:.2g}",
                    help=_("Measured over the last chunk of steps."))
    slots["chart"].vega_lite_chart(loss_chart_data(run), loss_chart_spec(run, floor, ceiling, zoom),
                                   width="stretch")


def panel(corpus: Corpus, run: Run, floor: float, floor_label: str) -> dict:
    """The controls, the buttons, and placeholders drawn with the run's state. Returns the placeholders for
    `train_live` (call it last in the same fragment: its loop keeps the fragment running)."""
    # The buttons come first: the main control a few Tab presses into the page. They are never disabled (a
    # disabled button drops the keyboard focus); a click that means nothing now (Pause when idle) does nothing.
    b = st.columns(4)
    b[0].button(_("Resume") if run.paused else _("Start"), key="train_start", on_click=_on_start, type="primary",
                width="stretch")
    b[1].button(_("Pause"), key="train_pause", on_click=_on_pause, width="stretch")
    b[2].button(_("One step"), key="train_step", on_click=_on_step, args=(corpus.counts,), width="stretch")
    b[3].button(_("Reset"), key="train_reset", on_click=_on_reset, width="stretch")
    c = st.columns([1, 1, 1, 2])
    c[0].number_input(_("Learning rate"), min_value=1e-4, max_value=SETTINGS.max_lr, step=10.0, format="%g",
                      key="lr", on_change=state.publish)
    c[1].number_input(_("Steps"), min_value=1, max_value=SETTINGS.max_steps, step=100, key="steps",
                      on_change=state.publish)
    c[2].number_input(_("Regularisation strength"), min_value=0.0, max_value=SETTINGS.max_reg, step=0.01,
                      format="%g", key="reg", on_change=state.publish)
    c[3].radio(_("Method"), list(METHOD_LABELS), key="train_method", horizontal=True,
               format_func=i18n.option_labels(METHOD_LABELS), on_change=state.publish)
    slots = {"progress": st.empty(), "error": st.empty(), "metrics": st.empty()}
    zoom = st.toggle(_("Zoom in on the floor"), key="loss_zoom")
    slots["chart"] = st.container(key="loss_chart").empty()
    st.caption(_("Red dashed line: {floor}, the floor the net heads for. Grey: the uniform guess, log V. The training "
                 "loss also contains reg·mean(W²), so it levels off a little above its NLL part.").format(
                     floor=floor_label))
    ceiling = math.log(len(corpus.vocab))
    _draw(run, slots, floor, ceiling, zoom)
    return {"slots": slots, "floor": floor, "ceiling": ceiling, "zoom": zoom}


def input_waiting(requests: ScriptRequests | None) -> bool:
    """Whether the learner has acted since this run began (Streamlit keeps the rerun it asks for waiting).
    Streamlit has no public accessor for this; tests/test_app_neural.py pins the behaviour relied on."""
    return requests is not None and requests._state == ScriptRequestType.RERUN


def train_live(corpus: Corpus, run: Run, drawn: dict) -> None:
    """While the run is training: a chunk of steps, then a redraw, until it ends; then the fragment once more, so
    its buttons and views show the new weights."""
    if not run.training:
        return
    ctx = get_script_run_ctx()
    while run.training:
        run.advance(corpus.counts, SETTINGS.max_steps, budget_s=UPDATE_EVERY, **_hyper())
        _draw(run, drawn["slots"], drawn["floor"], drawn["ceiling"], drawn["zoom"])
        if ctx is not None and input_waiting(ctx.script_requests):
            break  # let it in now: the next run of the fragment trains on unless it paused
        time.sleep(0)  # let other sessions' threads have the interpreter between chunks
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:  # the loop ran in a full run (the page was opened mid-run): rerun the page
        st.rerun()
