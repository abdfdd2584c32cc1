"""What every page shares for keyboards, phones and offline classrooms."""

from pathlib import Path

import streamlit as st

HERE = Path(__file__).parent
# a local file becomes a data: URL; a ':material/...:' page icon is fetched from fonts.gstatic.com
PAGE_ICON = HERE / "page_icon.svg"
# plotly's toolbar: 8 Tab stops per chart, and on a phone it covers the chart's title and legend.
# Dragging still zooms and a double click resets; the heatmap keeps Streamlit's Fullscreen button.
CHART_CONFIG = {"displayModeBar": False}


def focus_ring() -> None:
    """A visible outline on the focused page link (see focus.css); takes no space on the page."""
    st.html(HERE / "focus.css")
