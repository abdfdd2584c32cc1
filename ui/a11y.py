"""What every page shares for keyboards, phones and offline classrooms."""

import re
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


# Heatmap cell text that cannot fit is hidden, not shrunk (see ui.heatmap). A Streamlit run does not know the
# screen's width; a CSS container query on the chart's own box does.
CELL_TEXT_RULE = ("<style>.st-key-{key} {{ container-type: inline-size; }} @container (max-width: {width}px) "
                  "{{ .st-key-{key} .heatmaplayer text {{ display: none; }} }}</style>")
CHART_KEY = re.compile(r"[a-z0-9_]+")  # keys are written in code; the rule never carries user text


def hide_cell_text_below(key: str, width: int) -> None:
    """Hide the cell text of the heatmap with this widget key where its chart is narrower than `width` px."""
    if not CHART_KEY.fullmatch(key):
        raise ValueError(f"not a chart key written in code: {key!r}")
    st.html(CELL_TEXT_RULE.format(key=key, width=int(width)))
