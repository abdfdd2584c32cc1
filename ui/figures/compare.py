"""Figures and cached numbers of the Compare page: two word lists over one alphabet, keyed on both digests."""

import plotly.graph_objects as go
import streamlit as st

from core import Corpus, sample
from core.bigram import Figures
from core.compare import Aligned, CrossNLL, align, cross_nll, prob_change, top_changes

from .. import fmt
from ..heatmap import bigram_heatmap, grid, top_symbols
from ..i18n import _

LEFT_COLOR, RIGHT_COLOR = "#b2182b", "#2166ac"  # the ends of the diff heatmap's RdBu scale


@st.cache_resource(max_entries=16, show_spinner=False)
def aligned(left_digest: str, right_digest: str, _left: Corpus, _right: Corpus) -> Aligned:
    """Both count tables over the union of the two alphabets; shared read-only."""
    return align(_left, _right)


@st.cache_data(max_entries=32, show_spinner=False)
def glance(digest: str, _corpus: Corpus) -> Figures:
    return _corpus.figures()


@st.cache_data(max_entries=64, show_spinner=False)
def cross(left_digest: str, right_digest: str, k: float, _aligned: Aligned) -> CrossNLL:
    return cross_nll(_aligned, k)


@st.cache_data(max_entries=64, show_spinner=False)
def changes(left_digest: str, right_digest: str, k: float, n: int, _aligned: Aligned):
    return top_changes(_aligned, k, n)


@st.cache_data(max_entries=64, show_spinner=False)
def samples(left_digest: str, right_digest: str, k: float, seed: int, n: int, _left: Corpus, _right: Corpus
            ) -> dict[str, list[str]]:
    """n names from each list's own model, the same seed for both."""
    return {side: sample(c.probs(k), c.vocab, n, seed=seed) for side, c in (("left", _left), ("right", _right))}


@st.cache_resource(max_entries=32, show_spinner=False)
def lengths_figure(left_digest: str, right_digest: str, lang: str, _left: Corpus, _right: Corpus) -> go.Figure:
    """Share of names of each length, the two lists' bars next to each other."""
    fig = go.Figure()
    for side, corpus, color in [(_("left"), _left, LEFT_COLOR), (_("right"), _right, RIGHT_COLOR)]:
        lengths = corpus.length_counts()
        fig.add_bar(x=list(lengths), y=[n / len(corpus.words) for n in lengths.values()], name=side,
                    marker_color=color, hovertemplate=_("{side}, length {n}: {share}").format(
                        side=side, n="%{x}", share="%{y:.1%}") + "<extra></extra>")
    fig.update_layout(height=300, margin={"l": 10, "r": 10, "t": 30, "b": 10}, barmode="group",
                      xaxis={"title": _("length (characters)"), "dtick": 1},
                      yaxis={"title": _("share of names"), "tickformat": ".0%"},
                      legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"})
    return fig


@st.cache_resource(max_entries=32, show_spinner=False)
def diff_heatmap(left_digest: str, right_digest: str, k: float, names: tuple[str, str], lang: str, _aligned: Aligned
                 ) -> go.Figure:
    """P right − P left in percentage points, cell by cell; hover gives both sides' P and counts."""
    pl, pr = _aligned.probs(k)  # (U, U) each
    d = prob_change(_aligned, k)  # (U, U) > 0: more likely on the right
    P_l, P_r, D = pl.tolist(), pr.tolist(), d.tolist()
    N_l, N_r = _aligned.left.tolist(), _aligned.right.tolist()
    left_name, right_name = (fmt.plotly_text(n) for n in names)

    def cell(i: int, j: int) -> str:
        pp = round(100 * D[i][j], 1)
        return "0" if pp == 0 else f"{pp:+.1f}".replace("-", "−")

    left, right = _("left ({name}): P = {p}, count {n}"), _("right ({name}): P = {p}, count {n}")
    change = _("change: {x} percentage points")  # translated once, not per cell

    def hover(i: int, j: int) -> str:
        return "<br>".join([
            left.format(name=left_name, p=f"{P_l[i][j]:.4f}", n=f"{N_l[i][j]:,}"),
            right.format(name=right_name, p=f"{P_r[i][j]:.4f}", n=f"{N_r[i][j]:,}"),
            change.format(x=f"{100 * D[i][j]:+.2f}"),
        ])

    U = len(_aligned.vocab)
    keep = top_symbols(_aligned.left + _aligned.right)
    return bigram_heatmap(d, _aligned.vocab.itos, cell_text=grid(U, keep, cell), hover=grid(U, keep, hover),
                          colorscale="RdBu", zmid=0, colorbar_title=_("P right − P left"), keep=keep)
