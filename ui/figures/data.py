"""Figures of the home page: how long the names are and which characters they use."""

import plotly.graph_objects as go
import streamlit as st

from core import Corpus

from .. import fmt
from ..i18n import _


@st.cache_resource(max_entries=32, show_spinner=False)
def length_figure(digest: str, lang: str, _corpus: Corpus) -> go.Figure:
    lengths = _corpus.length_counts()
    fig = go.Figure(go.Bar(x=list(lengths), y=list(lengths.values()), marker_color="#4C78A8",
                           hovertemplate=_("length {x}: {y} names").format(x="%{x}", y="%{y:,}") + "<extra></extra>"))
    fig.update_layout(height=320, margin=dict(t=10, b=10, l=10, r=10),
                      xaxis_title=_("length (characters)"), yaxis_title=_("names"))
    return fig


@st.cache_resource(max_entries=32, show_spinner=False)
def char_figure(digest: str, lang: str, _corpus: Corpus) -> go.Figure:
    chars = _corpus.char_counts()
    fig = go.Figure(go.Bar(x=[fmt.plotly_symbol(ch) for ch in chars], y=list(chars.values()), marker_color="#4C78A8",
                           hovertemplate="%{x}: %{y:,}<extra></extra>"))
    fig.update_layout(height=320, margin=dict(t=10, b=10, l=10, r=10), xaxis_type="category",
                      xaxis_title=_("character"), yaxis_title=_("count"))
    return fig
