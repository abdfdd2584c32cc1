"""What every page starts with: its browser tab, the shared sidebar, its title and the lecture moment it follows."""

import streamlit as st

from . import i18n
from .a11y import PAGE_ICON
from .i18n import _
from .sidebar import Settings, sidebar


def page(title: str, *, chapter: str | None = None, url_keys: tuple[str, ...] = ()) -> Settings:
    """Set up a page: `title` is an N_-marked message, `chapter` a key of i18n's lecture chapters,
    `url_keys` the page's own settings that the address bar carries."""
    st.set_page_config(page_title=_(title) + " · " + _("makemore explorer"), page_icon=PAGE_ICON, layout="wide")
    settings = sidebar(url_keys)
    st.title(_(title), anchor=False)
    if chapter:
        i18n.lecture_link(chapter)
    return settings
