"""How every chart is shown: one plotly config and the app's colours, so no page repeats them."""

import plotly.graph_objects as go
import streamlit as st

from .a11y import CHART_CONFIG, hide_cell_text_below

PRIMARY, HIGHLIGHT, MUTED, TRAIN, DEV = "#5B4BDB", "#d1432b", "#8fb3d9", "#5B4BDB", "#d1432b"


def plot(fig: go.Figure, key: str, alt: str | None = None) -> None:
    """A plotly figure built (and usually cached) elsewhere; `alt` names it for screen readers."""
    hide_below = (fig.layout.meta or {}).get("text_min_width")  # a heatmap's cell text: see ui.heatmap
    if hide_below:
        hide_cell_text_below(key, hide_below)
    st.plotly_chart(fig, key=key, config=CHART_CONFIG, alt=alt)
