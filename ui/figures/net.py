"""Figures of the neural-net page: a word through one_hot @ W, and what W learned in the counting model's terms.

Figures that depend on W are cached on a fingerprint of W (`weights_key`), so the same weights are drawn once.
"""

import hashlib
import math

import plotly.graph_objects as go
import streamlit as st
import torch
from plotly.subplots import make_subplots

from core import Corpus, Vocab
from core.neural import Forward, ProbDiff, as_counts, forward, net_probs, prob_diff

from .. import fmt
from ..charts import HIGHLIGHT, PRIMARY
from ..heatmap import bigram_heatmap, grid, top_symbols
from ..i18n import _

MAX_BARS = 12  # examples drawn as probability bars; the table lists every one
MUTED = "#b8c4d6"


def weights_key(W: torch.Tensor) -> str:
    """A fingerprint of W's exact values: the cache key of everything drawn from it."""
    return hashlib.sha1(W.detach().contiguous().numpy().tobytes()).hexdigest()


def chars(vocab: Vocab) -> list[str]:
    return [fmt.plotly_symbol(c) for c in vocab.itos]


@st.cache_resource(max_entries=64, show_spinner=False)
def word_forward(digest: str, wkey: str, word: str, _W: torch.Tensor, _corpus: Corpus) -> Forward:
    return forward(word, _W, _corpus.vocab)


@st.cache_resource(max_entries=64, show_spinner=False)
def onehot_figure(digest: str, word: str, lang: str, _fw: Forward, _corpus: Corpus) -> go.Figure:
    """The one-hot inputs as an n x V image: one lit cell per row, at the input's index."""
    vocab = _corpus.vocab
    rows = [f"{i}: {fmt.plotly_symbol(vocab.itos[x])}" for i, x in enumerate(_fw.xs.tolist())]
    fig = go.Figure(go.Heatmap(z=_fw.xenc.numpy(), x=chars(vocab), y=rows, showscale=False, xgap=1, ygap=1,
                               colorscale=[[0, "#f4f6fb"], [1, PRIMARY]],
                               hovertemplate=_("example {y}, column {x}: {z}").format(
                                   y="%{y}", x="%{x}", z="%{z:.0f}") + "<extra></extra>"))
    fig.update_layout(height=min(600, 90 + 26 * len(rows)), margin=dict(l=10, r=10, t=30, b=10),
                      xaxis=dict(side="top", type="category", title=_("column = character index")),
                      yaxis=dict(autorange="reversed", type="category", title=_("example: input")))
    return fig


@st.cache_resource(max_entries=64, show_spinner=False)
def bars_figure(digest: str, wkey: str, word: str, lang: str, _fw: Forward, _corpus: Corpus) -> go.Figure:
    """Each example's V output probabilities; the label's bar in colour."""
    vocab, n = _corpus.vocab, min(len(_fw.p), MAX_BARS)
    xs, ys = _fw.xs.tolist(), _fw.ys.tolist()
    cols = 2 if n > 1 else 1
    nrows = math.ceil(n / cols)
    titles = [f"{fmt.plotly_symbol(vocab.itos[xs[i]])} → {fmt.plotly_symbol(vocab.itos[ys[i]])}:  p = {_fw.p[i]:.4f},"
              f"  log p = {-_fw.nll[i]:.4f},  NLL = {fmt.loss(_fw.nll[i])}" for i in range(n)]
    fig = make_subplots(rows=nrows, cols=cols, subplot_titles=titles, shared_yaxes=True,
                        vertical_spacing=0.5 / nrows, horizontal_spacing=0.04)
    names = chars(vocab)
    for i in range(n):
        colors = [HIGHLIGHT if j == ys[i] else MUTED for j in range(len(vocab))]
        fig.add_bar(x=names, y=_fw.probs[i].tolist(), marker_color=colors, showlegend=False,
                    hovertemplate=_("next {x}: {y}").format(x="%{x}", y="%{y:.4f}") + "<extra></extra>",
                    row=i // cols + 1, col=i % cols + 1)
    fig.update_xaxes(type="category", tickfont=dict(size=10))
    fig.update_annotations(font_size=13)
    fig.update_layout(height=70 + 190 * nrows, margin=dict(l=10, r=10, t=40, b=10), bargap=0.15)
    return fig


@st.cache_resource(max_entries=32, show_spinner=False)
def prob_pair(digest: str, wkey: str, k: float, lang: str, _W: torch.Tensor, _corpus: Corpus
              ) -> tuple[go.Figure, go.Figure]:
    """softmax(W) and P as colour only, on one shared scale: at half width, cell numbers would be unreadable, so
    they live in the hover (both values) and in the difference map."""
    net, counts = net_probs(_W), _corpus.probs(k)
    keep, V = top_symbols(_corpus.counts), len(_corpus.vocab)
    a, b = net.tolist(), counts.tolist()
    label = _("net {a} · counts {b}")
    hover = grid(V, keep, lambda i, j: label.format(a=f"{a[i][j]:.4f}", b=f"{b[i][j]:.4f}"))
    top = float(max(net.max(), counts.max()))
    figs = []
    for P in (net, counts):
        figs.append(bigram_heatmap(P, _corpus.vocab.itos, cell_text=hover, hover=hover, colorbar_title="P", keep=keep,
                                   show_text=False, zrange=(0.0, top)))
    return figs[0], figs[1]


def signed(x: float, digits: int) -> str:
    """A signed number, or a plain 0 where it rounds to zero (no '-0.00' noise)."""
    return "0" if round(x, digits) == 0 else f"{x:+.{digits}f}"


@st.cache_resource(max_entries=32, show_spinner=False)
def difference(digest: str, wkey: str, k: float, lang: str, _W: torch.Tensor, _corpus: Corpus
               ) -> tuple[ProbDiff, go.Figure]:
    """softmax(W) − P, cell by cell, with the largest disagreement."""
    d = prob_diff(_W, _corpus.probs(k))
    D, V, keep = d.delta.tolist(), len(_corpus.vocab), top_symbols(_corpus.counts)
    text = grid(V, keep, lambda i, j: signed(D[i][j], 2))
    hover = grid(V, keep, lambda i, j: f"softmax(W) − P = {D[i][j]:+.4f}")
    lim = max(abs(d.value), 1e-6)
    return d, bigram_heatmap(d.delta, _corpus.vocab.itos, cell_text=text, hover=hover, colorscale="RdBu", zmid=0.0,
                             colorbar_title="Δ", keep=keep, zrange=(-lim, lim))


@st.cache_resource(max_entries=32, show_spinner=False)
def grad_heatmap(digest: str, key: str, lang: str, _G: torch.Tensor, _corpus: Corpus) -> go.Figure:
    """dloss/dW scaled by one power of ten, so the largest entry reads as a few units (colour bar too)."""
    top = float(_G.abs().max())
    exp10 = math.floor(math.log10(top)) if top > 0 else 0
    scaled = _G.double() / 10.0**exp10
    lim = max(float(scaled.abs().max()), 1e-6)
    S, G, V, keep = scaled.tolist(), _G.tolist(), len(_corpus.vocab), top_symbols(_corpus.counts)
    return bigram_heatmap(scaled, _corpus.vocab.itos, cell_text=grid(V, keep, lambda i, j: signed(S[i][j], 1)),
                          hover=grid(V, keep, lambda i, j: f"W.grad = {G[i][j]:.3e}"), colorscale="RdBu", zmid=0.0,
                          colorbar_title=f"×10^{exp10}", keep=keep, zrange=(-lim, lim))


@st.cache_resource(max_entries=32, show_spinner=False)
def counts_scatter(digest: str, wkey: str, lang: str, _W: torch.Tensor, _corpus: Corpus) -> go.Figure:
    """Each seen bigram's count against the net's rescaled exp(W): on the diagonal, logits are log-counts."""
    N = _corpus.counts
    C = as_counts(_W, N.sum(1))
    seen = (N > 0).nonzero()
    names = chars(_corpus.vocab)
    x, y = N[seen[:, 0], seen[:, 1]].tolist(), C[seen[:, 0], seen[:, 1]].tolist()
    fig = go.Figure(go.Scatter(x=x, y=y, mode="markers", marker=dict(size=6, color=PRIMARY, opacity=0.6),
                               text=[names[i] + names[j] for i, j in seen.tolist()],
                               hovertemplate="%{text}: N = %{x}, " + _("rescaled exp(W) = {y}").format(y="%{y:.1f}")
                               + "<extra></extra>"))
    lo, hi = 0.5, max(x) * 2
    fig.add_scatter(x=[lo, hi], y=[lo, hi], mode="lines", line=dict(color="grey", dash="dash"), hoverinfo="skip",
                    showlegend=False)
    fig.update_layout(height=420, margin=dict(l=10, r=10, t=30, b=10), showlegend=False,
                      xaxis=dict(type="log", title=_("N (bigram count)")),
                      yaxis=dict(type="log", title=_("exp(W), each row rescaled to N's row total")))
    return fig


def curve_figure(curve: list[tuple[float, float]], reg: float, k_conv: float | None, k_now: float | None
                 ) -> go.Figure:
    """Closest smoothing k against regularisation strength (log-log), with this page's strength marked."""
    fig = go.Figure()
    hover = _("reg {r} ≈ smoothing {k}").format(r="%{x:g}", k="%{y:.3g}") + "<extra></extra>"
    fig.add_scatter(x=[r for r, _k in curve], y=[k for _r, k in curve], mode="lines+markers",
                    name=_("trained to convergence"), line=dict(color=PRIMARY), hovertemplate=hover)
    if reg > 0 and k_conv is not None:
        fig.add_scatter(x=[reg], y=[k_conv], mode="markers", name=_("reg {r}, converged").format(r=f"{reg:g}"),
                        marker=dict(size=13, color=HIGHLIGHT, symbol="diamond"), hovertemplate=hover)
    if k_now is not None and reg > 0:
        fig.add_scatter(x=[reg], y=[k_now], mode="markers", name=_("your net now"),
                        marker=dict(size=12, color="#00a884", symbol="circle-open", line=dict(width=3)),
                        hovertemplate=_("your net: smoothing {k}").format(k="%{y:.3g}") + "<extra></extra>")
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=1.1, x=0),
                      xaxis=dict(type="log", title=_("regularisation strength")),
                      yaxis=dict(type="log", title=_("closest smoothing k (fake counts)")))
    return fig


def row_compare_figure(rows: dict[str, torch.Tensor], vocab: Vocab) -> go.Figure:
    fig = go.Figure()
    for (name, p), color in zip(rows.items(), [PRIMARY, HIGHLIGHT, MUTED], strict=True):
        fig.add_bar(x=chars(vocab), y=p.tolist(), name=name, marker_color=color,
                    hovertemplate=_("next {x}: {y}").format(x="%{x}", y="%{y:.4f}") + "<extra></extra>")
    fig.update_layout(height=340, margin=dict(l=10, r=10, t=30, b=10), barmode="group",
                      legend=dict(orientation="h", y=1.12, x=0), xaxis=dict(type="category"), yaxis_title="P")
    return fig
