"""Figures of the Counts page: the annotated table N (or P, or −log P) and what follows one character."""

import math

import plotly.graph_objects as go
import streamlit as st

from core import Corpus
from core.bigram import followers, neg_log, smoothed, to_probs

from .. import fmt
from ..heatmap import bigram_heatmap, grid, top_symbols
from ..i18n import N_, _

MODES = {
    "counts": N_("N: how often the pair occurs"),
    "probabilities": N_("P: each row of N + k scaled to sum to 1"),
    "−log P": N_("−log P: how surprised the model is by the pair (∞ = impossible)"),
}
FAKE = "#9a5b00"  # the fake counts' part of a cell's text, apart from the real count


@st.cache_resource(max_entries=64, show_spinner=False)
def table_heatmap(digest: str, mode: str, k: float, lang: str, _corpus: Corpus) -> go.Figure:
    """N + k (the fake part told apart in each cell), P or −log P, coloured and labelled cell by cell."""
    N, itos = _corpus.counts, _corpus.vocab.itos
    P = to_probs(N, k)
    NLL = neg_log(P)
    counts, probs, nlls = N.tolist(), P.tolist(), NLL.tolist()
    fake = "" if k == 0 else f"<br><span style='color:{FAKE}'>+{fmt.smoothing(k)}</span>"

    def cell(i: int, j: int) -> str:
        if mode == "counts":
            return f"{counts[i][j]}{fake}"
        if mode == "probabilities":
            return f"{probs[i][j]:.3f}".removeprefix("0")  # ".138": three decimals fit a cell
        return "∞" if math.isinf(nlls[i][j]) else f"{nlls[i][j]:.2f}"

    count_n = _("count {n}")  # translated once, not per cell

    def hover(i: int, j: int) -> str:
        return (count_n.format(n=f"{counts[i][j]:,}") + "<br>"
                + f"P = {probs[i][j]:.4f}<br>−log P = {fmt.loss(nlls[i][j])}")

    keep = top_symbols(N)
    z = {"counts": smoothed(N, k), "probabilities": P, "−log P": NLL}[mode]
    return bigram_heatmap(
        z, itos, cell_text=grid(len(itos), keep, cell), hover=grid(len(itos), keep, hover), keep=keep,
        colorscale="Oranges" if mode == "−log P" else "Blues",
        colorbar_title={"counts": "N + k" if k else "N", "probabilities": "P", "−log P": "−log P"}[mode],
        row_px=44 if fake and mode == "counts" else None,  # a third line in every cell: the fake counts
    )


@st.cache_resource(max_entries=128, show_spinner=False)
def follow_figure(digest: str, i: int, k: float, lang: str, _corpus: Corpus) -> go.Figure:
    """Row i of N (top) and of P (bottom) as bars over the next character."""
    df = followers(_corpus.counts, to_probs(_corpus.counts, k), _corpus.vocab.itos, i)
    names = [fmt.plotly_symbol(x) for x in df["next"]]
    # two stacked plots sharing x, laid out by hand: plotly's make_subplots costs 20 ms a figure
    x_axis = {"type": "category", "tickfont": {"size": 12}}
    return go.Figure(
        data=[go.Bar(x=names, y=df["count"], name="N", marker_color="#4C78A8", xaxis="x", yaxis="y",
                     hovertemplate="%{x}: " + _("{n} times").format(n="%{y:,}") + "<extra></extra>"),
              go.Bar(x=names, y=df["prob"], name="P", marker_color="#5B4BDB", xaxis="x2", yaxis="y2",
                     hovertemplate="%{x}: P = %{y:.4f}<extra></extra>")],
        layout={"height": 420, "showlegend": False, "margin": {"t": 10, "b": 10, "l": 10, "r": 10},
                "xaxis": {**x_axis, "anchor": "y", "matches": "x2", "showticklabels": False},
                "xaxis2": {**x_axis, "anchor": "y2"},
                "yaxis": {"domain": [0.54, 1.0], "anchor": "x", "title": {"text": _("count")}},
                "yaxis2": {"domain": [0.0, 0.46], "anchor": "x2", "title": {"text": f"P (k = {fmt.smoothing(k)})"}}},
    )
