"""What every page starts with: its browser tab, the shared sidebar, its title and the lecture moment it follows."""

from pathlib import Path

import streamlit as st

from . import i18n
from .i18n import _
from .sidebar import Settings, sidebar

ICON = str(Path(__file__).resolve().parent / "assets" / "icon.png")  # a local file: no request to a font CDN


def page(title: str, *, chapter: str | None = None, url_keys: tuple[str, ...] = ()) -> Settings:
    """Set up a page: `title` is an N_-marked message, `chapter` a key of i18n's lecture chapters,
    `url_keys` the page's own settings that the address bar carries."""
    st.set_page_config(page_title=f"{_(title)} · makemore explorer", page_icon=ICON, layout="wide")
    settings = sidebar(url_keys)
    st.title(_(title))
    if chapter:
        i18n.lecture_link(chapter)
    return settings
