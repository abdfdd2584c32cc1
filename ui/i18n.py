"""Placeholder until the i18n branch lands: English only, same API."""

import streamlit as st

LANGUAGES = {"en": "English", "zh": "简体中文"}


def _(message: str) -> str:
    return message


def N_(message: str) -> str:
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def language() -> str:
    return "en"


def language_control() -> None:
    pass


def error_message(exc) -> str:
    return str(exc)


def lecture_link(chapter: str) -> None:
    st.caption(chapter)
