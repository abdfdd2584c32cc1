"""Figures and cached numbers of the Context-length page: n-gram models of 1..4 characters, fitted once per dataset
and split; only their losses and samples depend on the smoothing."""

import math

import plotly.graph_objects as go
import streamlit as st

from core import Corpus, ngram
from core.data import split_words
from core.evaluation import copies

from ..charts import DEV, TRAIN
from ..i18n import _


@st.cache_resource(max_entries=4, show_spinner=False)
def fitted(digest: str, seed: int, _corpus: Corpus) -> tuple[list[ngram.Fitted], frozenset[str]]:
    """The models for n = 1..4 counted on the train part, and the train names; shared read-only, never mutated."""
    split = split_words(_corpus.words, seed)
    return ngram.fit_split(split.train, split.dev, _corpus.vocab), frozenset(split.train)


@st.cache_data(max_entries=64, show_spinner=False)
def summaries(digest: str, seed: int, k: float, _corpus: Corpus) -> list[ngram.Summary]:
    return [f.summary(k) for f in fitted(digest, seed, _corpus)[0]]


@st.cache_data(max_entries=64, show_spinner=False)
def samples(digest: str, seed: int, k: float, num: int, _corpus: Corpus) -> dict[int, tuple[list[str], int]]:
    """n -> (num names from the n-gram model, how many of them are train names)."""
    fits, train = fitted(digest, seed, _corpus)
    out = {}
    for f in fits:
        names = ngram.sample(f.model, num, seed=seed, smoothing=k)
        out[f.model.n] = (names, copies(names, train))
    return out


@st.cache_resource(max_entries=64, show_spinner=False)
def nll_figure(digest: str, seed: int, k: float, lang: str, _corpus: Corpus) -> go.Figure:
    """Train and dev NLL against n; an infinite dev loss is left out of the line and named instead."""
    rows = summaries(digest, seed, k, _corpus)
    baseline = math.log(len(_corpus.vocab))
    x = [r.n for r in rows]
    dev = [r.dev_nll if math.isfinite(r.dev_nll) else None for r in rows]
    fig = go.Figure()
    fig.add_scatter(x=x, y=[r.train_nll for r in rows], mode="lines+markers", name=_("train (the counted names)"),
                    line=dict(color=TRAIN, width=3),
                    hovertemplate=_("n = {n}: train NLL {nll}").format(n="%{x}", nll="%{y:.4f}") + "<extra></extra>")
    fig.add_scatter(x=x, y=dev, mode="lines+markers", name=_("dev (names never counted)"),
                    line=dict(color=DEV, width=3),
                    hovertemplate=_("n = {n}: dev NLL {nll}").format(n="%{x}", nll="%{y:.4f}") + "<extra></extra>")
    best = ngram.best_context(rows)
    if best is not None:
        fig.add_annotation(x=best, y=rows[x.index(best)].dev_nll, text=_("lowest dev loss"), showarrow=True,
                           arrowhead=2, ay=-40, font=dict(color=DEV))
    infinite = [str(r.n) for r in rows if not math.isfinite(r.dev_nll)]
    if infinite:
        fig.add_annotation(text=_("dev NLL = ∞ for n = {ns} (not drawn)").format(ns=", ".join(infinite)), x=1,
                           xref="paper", y=0, yref="paper", xanchor="right", yanchor="bottom", showarrow=False,
                           font=dict(color=DEV, size=14))
    fig.add_hline(y=baseline, line=dict(dash="dash", color="grey"),
                  annotation_text=_("uniform guess: log V = {x}").format(x=f"{baseline:.4f}"),
                  annotation_position="bottom left")
    fig.update_layout(
        height=380, margin=dict(l=10, r=10, t=30, b=10),
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"),
        xaxis=dict(title=_("characters of context n"), tickmode="array", tickvals=x),
        yaxis_title=_("average NLL"),
    )
    return fig
