"""Figures and cached numbers of the Generalisation page: train/dev loss against a knob, samples against the data,
and every name ranked."""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from core import SETTINGS, Corpus, sample
from core.bigram import word_nlls
from core.evaluation import (
    HeldOut,
    SampleReport,
    Sweep,
    distinct_names,
    held_out,
    ranked_names,
    reg_sweep,
    sample_report,
)

from .. import fmt
from ..charts import DEV, TRAIN
from ..i18n import N_, _

MARK = "#00a884"  # the best value's star
DATA, SAMPLED = "#4a78b5", "#e4572e"
FEATURES = {"length": N_("Length (letters)"), "first letter": N_("First letter"), "last letter": N_("Last letter")}


@st.cache_data(max_entries=16, show_spinner=False)
def held(digest: str, seed: int, _corpus: Corpus) -> HeldOut:
    # the sidebar's ladder is on the curve too, so "Apply" can pick the best step it offers
    return held_out(_corpus.words, _corpus.vocab, seed, np.union1d(SETTINGS.dev_smoothing_grid,
                                                                   SETTINGS.smoothing_ladder))


@st.cache_data(max_entries=16, show_spinner=False)
def regs(digest: str, seed: int, _held: HeldOut) -> Sweep:
    """Trains 12 nets: only ever called from the regularisation view."""
    return reg_sweep(_held.train_counts, _held.dev_counts, SETTINGS.reg_grid, SETTINGS.reg_steps)


@st.cache_data(max_entries=32, show_spinner=False)
def report(digest: str, k: float, seed: int, n: int, _corpus: Corpus) -> SampleReport:
    return sample_report(_corpus.words, sample(_corpus.probs(k), _corpus.vocab, n, seed=seed))


@st.cache_data(max_entries=4, show_spinner=False)
def _distinct(digest: str, _corpus: Corpus) -> tuple[list[str], np.ndarray]:
    return distinct_names(_corpus.words)


@st.cache_data(max_entries=32, show_spinner=False)
def ranked(digest: str, k: float, _corpus: Corpus) -> pd.DataFrame:
    names, counts = _distinct(digest, _corpus)
    return ranked_names(names, counts, word_nlls(names, _corpus.probs(k), _corpus.vocab))


# --- what a figure shows, in words ---


def cost(delta: float) -> str:
    """+1's effect on a loss in words: a higher loss is a cost, a lower one a gain."""
    return (_("costs {x}") if delta > 0 else _("gains {x}")).format(x=f"{abs(delta):.4f}")


def plus_one_sentence(h: HeldOut) -> str:
    p = h.plus_one
    if p.n_unseen == 0:
        return _("Every bigram of the dev names occurs in train, so k = 0 is finite on dev: {k0}; +1 {cost} ({k1} at "
                 "k = 1).").format(k0=fmt.loss(p.dev_k0), cost=cost(p.dev_cost), k1=fmt.loss(p.dev_k1))
    unseen = _("**{n} of the {total} dev names** hold a bigram that never occurs in train, so at k = 0 the dev NLL is "
               "**∞**; +1 makes it **{k1}**, with {unseen_k1} on average for those {n}.").format(
        n=fmt.count(p.n_unseen), total=fmt.count(p.n_dev), k1=fmt.loss(p.dev_k1), unseen_k1=fmt.loss(p.unseen_k1))
    if p.n_unseen == p.n_dev:
        return unseen
    return unseen + " " + _("On the other {n}, +1 {cost} ({k0} at k = 0, {k1} at k = 1): probability taken from pairs "
                            "that happen and given to pairs that never do.").format(
        n=fmt.count(p.n_seen), cost=cost(p.seen_cost), k0=fmt.loss(p.seen_k0), k1=fmt.loss(p.seen_k1))


# --- figures ---


def log_ticks(lo: float, hi: float) -> list[float]:
    """1, 2, 5 × 10^e inside [lo, hi] for a short range, powers of ten for a long one (never "100µ")."""
    mantissas = (1, 2, 5) if hi / lo <= 1e3 else (1,)
    decades = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    return [m * 10.0**e for e in decades for m in mantissas if lo <= m * 10.0**e <= hi]


def zero_marker(fig: go.Figure, y: float, top: float, color: str, hover: str) -> None:
    """A value at 0 in the narrow left panel; an infinite one as a triangle at the top, marked ∞."""
    finite = math.isfinite(y)
    fig.add_scatter(x=["0"], y=[y if finite else top], mode="markers+text", showlegend=False,
                    marker=dict(color=color, size=11, symbol="circle" if finite else "triangle-up"),
                    text=None if finite else [fmt.loss(y)], textposition="bottom center",
                    hovertemplate=f"{hover}<extra></extra>", row=1, col=1)


def sweep_figure(sweep: Sweep, knob: str, current: float, current_label: str,
                 window: tuple[float, float] | None = None) -> go.Figure:
    """Train and dev NLL against a knob (translated name): 0 in its own narrow panel (a log axis has no 0), the rest on
    a log axis (within `window` if given). The best value for dev is a star; `current` a dotted line."""
    pos = sweep.values > 0
    if window is not None:
        pos &= (sweep.values >= window[0]) & (sweep.values <= window[1])
    x = sweep.values[pos]
    shown = np.concatenate([sweep.train[pos], sweep.dev[pos], sweep.train[:1], sweep.dev[:1]])
    lo, hi = float(shown[np.isfinite(shown)].min()), float(shown[np.isfinite(shown)].max())
    pad = max(hi - lo, 1e-4) * 0.08
    top = hi + pad  # where an infinite value is drawn
    # a gap between the panels, so "0" and the first tick of the log axis stay apart on a phone too
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.08, 0.92], horizontal_spacing=0.04)
    # dev drawn first and wider: where the two lines coincide, both stay visible
    for name, y, color, width in [(_("dev (held out)"), sweep.dev, DEV, 5), (_("train"), sweep.train, TRAIN, 2)]:
        fig.add_scatter(x=x, y=y[pos], mode="lines", name=name, line=dict(color=color, width=width), row=1, col=2,
                        hovertemplate=_("{knob} {x}: {line} NLL {y}").format(
                            knob=knob, x="%{x:.3g}", line=name, y="%{y:.5f}") + "<extra></extra>")
        zero_marker(fig, float(y[0]), top, color, _("{knob} {x}: {line} NLL {y}").format(
            knob=knob, x=0, line=name, y=fmt.loss(float(y[0]))))
    best = sweep.best
    fig.add_scatter(x=[best if best > 0 else "0"], y=[sweep.dev[sweep.best_index]], mode="markers",
                    name=_("best for dev: {x}").format(x=f"{best:.3g}"),
                    hovertemplate=_("best {knob}: {x}").format(knob=knob, x="%{x}") + "<extra></extra>",
                    marker=dict(symbol="star", size=18, color=MARK, line=dict(color="white", width=1)),
                    row=1, col=2 if best > 0 else 1)
    if current == 0 or window is None or window[0] <= current <= window[1]:
        fig.add_scatter(x=[current if current > 0 else "0"] * 2, y=[lo - pad, top + pad], mode="lines",
                        name=f"{current_label}: {fmt.smoothing(current)}", hoverinfo="skip",
                        line=dict(color="grey", dash="dot"), row=1, col=2 if current > 0 else 1)
    ticks = log_ticks(float(x.min()), float(x.max()))
    fig.update_xaxes(type="category", row=1, col=1)
    fig.update_xaxes(type="log", title=knob, tickvals=ticks, ticktext=[fmt.smoothing(t) for t in ticks], row=1, col=2)
    fig.update_yaxes(title=_("average NLL"), range=[lo - pad, top + pad], row=1, col=1)
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    return fig


@st.cache_resource(max_entries=64, show_spinner=False)
def smoothing_figure(digest: str, seed: int, k: float, zoom: bool, lang: str, _corpus: Corpus) -> go.Figure:
    """Train and dev NLL against smoothing k; zoomed: one decade either side of the best k."""
    sw = held(digest, seed, _corpus).smoothing
    center = sw.best if sw.best > 0 else float(sw.values[1])  # a log axis cannot centre on 0
    window = (center / 10, center * 10) if zoom else None
    return sweep_figure(sw, _("smoothing k"), k, _("sidebar"), window=window)


@st.cache_resource(max_entries=64, show_spinner=False)
def reg_figure(digest: str, seed: int, current: float, lang: str, _sweep: Sweep) -> go.Figure:
    return sweep_figure(_sweep, _("regularisation strength"), current, _("neural-net page"))


@st.cache_resource(max_entries=64, show_spinner=False)
def overlay_figure(digest: str, k: float, seed: int, n: int, what: str, lang: str, _corpus: Corpus) -> go.Figure:
    """Dataset and sample shares of each value of one feature (length, first or last letter) as overlaid bars."""
    table = report(digest, k, seed, n, _corpus).tables[what]
    numeric = what == "length"
    labels = list(table.index) if numeric else [fmt.plotly_symbol(str(v)) for v in table.index]
    fig = go.Figure()
    for col, name, color in [("dataset", _("dataset names"), DATA), ("sampled", _("sampled names"), SAMPLED)]:
        fig.add_bar(x=labels, y=table[col].tolist(), name=name, marker_color=color, opacity=0.55,
                    hovertemplate=f"{name}, %{{x}}: %{{y:.1%}}<extra></extra>")
    # every length labelled while few; beyond that plotly spaces the ticks for the width (a phone too)
    xaxis = dict(type="linear", dtick=1 if len(table) <= 20 else None) if numeric else dict(type="category")
    fig.update_layout(barmode="overlay", height=300, margin=dict(l=10, r=10, t=40, b=10), title=_(FEATURES[what]),
                      xaxis=xaxis, yaxis=dict(tickformat=".0%", title=_("share of names")),
                      legend=dict(orientation="h", x=1, xanchor="right", y=1.02, yanchor="bottom"))
    return fig
