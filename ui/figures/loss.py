"""Figures of the Loss page: a name's bigrams by surprise, where it ranks, and the dataset's NLL against k."""

import math

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from core import SETTINGS, Corpus
from core.bigram import nll_curve, word_nlls
from core.evaluation import NameScore

from .. import fmt
from ..i18n import _

INF_COLOR = "#7a0019"
MAX_LABELLED = 40  # bigrams beyond this: no number on each bar, fewer ticks, so a long name stays readable


@st.cache_data(max_entries=32, show_spinner=False)
def dataset_nlls(digest: str, k: float, _corpus: Corpus) -> np.ndarray:
    """Each dataset name's average NLL at this smoothing, for ranking a typed name. (W,)"""
    return word_nlls(_corpus.words, _corpus.probs(k), _corpus.vocab)


@st.cache_data(max_entries=16, show_spinner=False)
def curve(digest: str, _corpus: Corpus) -> np.ndarray:
    return nll_curve(_corpus.counts, SETTINGS.smoothing_curve)


@st.cache_resource(max_entries=64, show_spinner=False)
def bigram_bars(digest: str, k: float, word: str, lang: str, _score: NameScore, _baseline: float) -> go.Figure:
    """−log P per bigram, coloured by its value; an infinite one is drawn as a capped dark bar marked ∞."""
    score, baseline = _score, _baseline
    t = score.table
    nll = t["nll"].to_numpy()
    finite = np.isfinite(nll)
    top = max([baseline, *nll[finite]]) * 1.15  # where an infinite bar is cut off
    x = list(range(len(t)))  # positions, not labels: a bigram can occur twice in a name
    labels = [fmt.plotly_text(b) for b in t["bigram"]]
    labelled = len(t) <= MAX_LABELLED
    fig = go.Figure()
    fig.add_bar(
        x=[i for i in x if finite[i]], y=nll[finite], name="−log P", showlegend=False,
        # one fixed colour range (0 .. 2 log V) so colours compare across names and smoothings
        marker=dict(color=nll[finite], colorscale="Reds", cmin=0, cmax=2 * baseline, showscale=False),
        text=[fmt.loss(v) for v in nll[finite]] if labelled else None, textposition="inside",
        insidetextanchor="start", textfont=dict(size=13),
        customdata=[[labels[i], p] for i, p in zip(x, t["prob"]) if finite[i]],
        hovertemplate="%{customdata[0]}: P = %{customdata[1]:.4f}, −log P = %{y:.4f}<extra></extra>",
    )
    if not finite.all():
        fig.add_bar(
            x=[i for i in x if not finite[i]], y=[top] * int((~finite).sum()), name=_("P = 0: −log P = ∞"),
            marker=dict(color=INF_COLOR, pattern=dict(shape="/")), text=["∞"] * int((~finite).sum()),
            textposition="outside", customdata=[labels[i] for i in x if not finite[i]],
            hovertemplate="%{customdata}: P = 0, −log P = ∞<extra></extra>",
        )
    # the uniform guess as a legend entry: a label on the line would collide with the bars
    fig.add_scatter(x=[-0.5, len(t) - 0.5], y=[baseline] * 2, mode="lines", hoverinfo="skip",
                    line=dict(dash="dash", color="grey"),
                    name=_("uniform guess: log V = {x}").format(x=f"{baseline:.4f}"))
    step = 1 if labelled else math.ceil(len(t) / MAX_LABELLED)
    fig.update_layout(
        height=360, uniformtext=dict(minsize=10, mode="hide"), margin=dict(l=10, r=10, t=30, b=10),
        showlegend=True, legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"), bargap=0.1 if labelled else 0,
        yaxis=dict(title="−log P", range=[0, top * 1.12]),
        xaxis=dict(tickmode="array", tickvals=x[::step], ticktext=labels[::step], title=_("bigram"),
                   tickfont=dict(size=14 if labelled else 11)),
    )
    return fig


@st.cache_data(max_entries=32, show_spinner=False)
def histogram(digest: str, k: float, _corpus: Corpus) -> tuple[np.ndarray, np.ndarray]:
    """The dataset names' average NLLs in 80 bins (the finite ones): 80 bars to send, not 32K values."""
    nlls = dataset_nlls(digest, k, _corpus)
    return np.histogram(nlls[np.isfinite(nlls)], bins=80)


@st.cache_resource(max_entries=64, show_spinner=False)
def rank_figure(digest: str, k: float, word: str, lang: str, _score: NameScore, _corpus: Corpus) -> go.Figure:
    """Histogram of the dataset names' average NLLs, with the typed name as a line."""
    score = _score
    counts, edges = histogram(digest, k, _corpus)
    fig = go.Figure(go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=counts, width=np.diff(edges) * 0.95,
                           marker_color="#8fb3d9", customdata=np.stack([edges[:-1], edges[1:]], axis=1),
                           hovertemplate=_("NLL {lo} – {hi}: {n} names").format(
                               lo="%{customdata[0]:.3f}", hi="%{customdata[1]:.3f}", n="%{y}") + "<extra></extra>"))
    word = fmt.plotly_text(score.word)
    if math.isfinite(score.nll):
        fig.add_vline(x=score.nll, line=dict(color="#d1432b", width=3), annotation_text=word,
                      annotation_position="top")
    else:
        fig.add_annotation(text=_("{word}: ∞, off the chart →").format(word=word), x=1, xref="paper", y=1,
                           yref="paper", showarrow=False, font=dict(color=INF_COLOR))
    fig.update_layout(height=260, margin=dict(l=10, r=10, t=30, b=10),
                      xaxis_title=_("average NLL of a dataset name"), yaxis_title=_("names"))
    return fig


@st.cache_resource(max_entries=64, show_spinner=False)
def curve_figure(digest: str, k: float, lang: str, _corpus: Corpus) -> go.Figure:
    """Dataset NLL against smoothing on a log axis; k = 0 (off any log axis) drawn as a level line."""
    ks, nlls = SETTINGS.smoothing_curve, curve(digest, _corpus)
    at_zero, nll_k = _corpus.nll(0.0), _corpus.nll(k)
    baseline = math.log(len(_corpus.vocab))
    fig = go.Figure(go.Scatter(x=ks, y=nlls, mode="lines", name=_("dataset NLL"),
                               hovertemplate="k = %{x:.3g}: NLL %{y:.4f}<extra></extra>"))
    fig.add_hline(y=at_zero, line=dict(dash="dot", color="#d1432b" if k == 0 else "grey"),
                  annotation_text=_("k = 0 (no smoothing; not on a log axis): {x}").format(x=fmt.loss(at_zero)),
                  annotation_position="bottom right")
    fig.add_hline(y=baseline, line=dict(dash="dash", color="grey"),
                  annotation_text=_("uniform: log V = {x}").format(x=f"{baseline:.4f}"),
                  annotation_position="top left")
    if k > 0:
        fig.add_scatter(x=[k], y=[nll_k], mode="markers+text", marker=dict(size=12, color="#d1432b"),
                        text=[f"k = {fmt.smoothing(k)}: {fmt.loss(nll_k)}"],
                        textposition="top right" if k < 1 else "top left",  # keep the label inside the plot
                        hoverinfo="skip", name=_("current k"))
    fig.update_layout(height=360, margin=dict(l=10, r=10, t=30, b=10), showlegend=False,
                      xaxis=dict(type="log", title=_("smoothing k (fake counts per cell)")),
                      yaxis_title=_("average NLL"))
    return fig
