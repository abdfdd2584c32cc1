"""Figures of the Probabilities page: P and the broadcasting bug's W as colour maps, and their row/column sums."""

import plotly.graph_objects as go
import streamlit as st

from core import Corpus
from core.bigram import smoothed, to_probs, wrong_probs

from .. import fmt
from ..heatmap import bigram_heatmap, grid, top_symbols
from ..i18n import _


def fraction(x: float) -> str:
    """A count that may carry fractional fake counts: 4,411 or 4,410.01."""
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def table(N, k: float, is_wrong: bool):
    return wrong_probs(N, k) if is_wrong else to_probs(N, k)


@st.cache_resource(max_entries=64, show_spinner=False)
def division_heatmap(digest: str, k: float, is_wrong: bool, lang: str, _corpus: Corpus) -> go.Figure:
    """A colour-only heatmap (cells too small for text at half width) whose hover shows the division done."""
    N, itos = _corpus.counts, _corpus.vocab.itos
    Nk = smoothed(N, k)
    nk, rs, t = Nk.tolist(), Nk.sum(1).tolist(), table(N, k, is_wrong).tolist()
    names = [fmt.plotly_symbol(x) for x in itos]

    division = _("{cell} ÷ sum of row {row} ({total})")  # translated once, not per cell

    def hover(i: int, j: int) -> str:
        d = j if is_wrong else i  # the bug divides cell [i, j] by the sum of row j
        return division.format(cell=fraction(nk[i][j]), row=names[d],
                                                              total=fraction(rs[d])) + f"<br>= {t[i][j]:.4f}"

    keep = top_symbols(N)
    # colour only at half width (the hover has the values), no colour bar: room for the cells
    return bigram_heatmap(table(N, k, is_wrong), itos, cell_text=grid(len(itos), keep, lambda i, j: ""),
                          hover=grid(len(itos), keep, hover), keep=keep, show_text=False, showscale=False)


@st.cache_resource(max_entries=64, show_spinner=False)
def sums_figure(digest: str, k: float, is_wrong: bool, lang: str, _corpus: Corpus) -> go.Figure:
    t = table(_corpus.counts, k, is_wrong)
    names = [fmt.plotly_symbol(x) for x in _corpus.vocab.itos]
    fig = go.Figure()
    fig.add_bar(x=names, y=t.sum(1).numpy(), name=_("row sums"), marker_color="#4C78A8")
    fig.add_bar(x=names, y=t.sum(0).numpy(), name=_("column sums"), marker_color="#C55A11")
    fig.add_hline(y=1, line_dash="dash", line_color="gray", annotation_text="1")
    fig.update_layout(height=260, barmode="group", margin={"t": 10, "b": 10, "l": 10, "r": 10},
                      legend={"orientation": "h", "y": 1.12}, xaxis_type="category")
    return fig
