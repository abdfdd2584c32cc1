"""Figures of the Sampling page: the row a draw is made from, and the draw itself on the cumulative sum."""

import plotly.graph_objects as go
import streamlit as st

from core import Corpus
from core.sampling import model_table, trace

from .. import fmt
from ..i18n import _

CHOSEN, OTHER, OTHER_2 = "#d1432b", "#8fb3d9", "#c9dcef"


@st.cache_data(max_entries=64, show_spinner=False)
def walk(digest: str, k: float, uniform: bool, seed: int, _corpus: Corpus):
    """Every draw of the first lecture-method name for the seed, from the counts' P or the uniform table."""
    return trace(model_table(_corpus.counts, k, "uniform" if uniform else "lecture"), seed=seed)


@st.cache_resource(max_entries=256, show_spinner=False)
def row_figure(digest: str, k: float, uniform: bool, row: int, chosen: int, lang: str, _corpus: Corpus
               ) -> go.Figure:
    """The current row of P as bars, the chosen symbol highlighted."""
    itos = _corpus.vocab.itos
    p = model_table(_corpus.counts, k, "uniform" if uniform else "lecture")[row].tolist()
    labels = [fmt.plotly_symbol(s) for s in itos]
    fig = go.Figure(go.Bar(
        x=labels, y=p, marker_color=[CHOSEN if i == chosen else OTHER for i in range(len(p))],
        hovertemplate="%{x}: P = %{y:.4f}<extra></extra>",
    ))
    title = _("Row “{c}” of P: which character comes next").format(c=fmt.plotly_symbol(itos[row]))
    fig.update_layout(title=title, height=330, margin=dict(l=10, r=10, t=40, b=10),
                      xaxis=dict(type="category", title=_("next character"), tickfont=dict(size=14)),
                      yaxis_title=_("probability"))
    return fig


@st.cache_resource(max_entries=256, show_spinner=False)
def cumsum_figure(digest: str, k: float, uniform: bool, seed: int, step: int, lang: str, _corpus: Corpus
                  ) -> go.Figure:
    """The row's cumulative sum as one ruler from 0 to 1, a slice per symbol, and where the step's u lands."""
    d, itos = walk(digest, k, uniform, seed, _corpus)[step], _corpus.vocab.itos
    cumsum, chosen, u = d.cumsum, d.chosen, d.u
    starts = [0.0, *cumsum[:-1]]
    widths = [hi - lo for lo, hi in zip(starts, cumsum)]
    labels = [fmt.plotly_symbol(s) for s in itos]
    colors = [CHOSEN if i == chosen else (OTHER if i % 2 else OTHER_2) for i in range(len(itos))]
    fig = go.Figure(go.Bar(
        y=["cumsum"] * len(itos), x=widths, base=starts, orientation="h", marker_color=colors,
        marker_line=dict(color="white", width=0.5), text=labels, textposition="inside", textfont=dict(size=14),
        insidetextanchor="middle", customdata=list(zip(labels, starts, cumsum)),
        hovertemplate="%{customdata[0]}: %{customdata[1]:.4f} – %{customdata[2]:.4f}<extra></extra>",
    ))
    fig.add_vline(x=u, line=dict(color="black", width=2, dash="dot"))
    fig.add_annotation(x=u, y=1, yref="paper", yanchor="bottom", showarrow=False,
                       text=f"u = {u:.4f} → {labels[chosen]}",
                       xanchor="left" if u < 0.5 else "right")  # above the ruler, on the side with room
    fig.update_layout(height=170, margin=dict(l=10, r=10, t=40, b=10), showlegend=False,
                      uniformtext=dict(minsize=12, mode="hide"), yaxis=dict(visible=False),
                      xaxis=dict(range=[0, 1], title=_("cumulative probability")))
    return fig
