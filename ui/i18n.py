"""The reader's language, per session: gettext catalogues (locales/<lang>/LC_MESSAGES/messages.po) read with Babel.

Every visible string goes through `_` (or `ngettext`, `pgettext`); module-level constants are marked with `N_`
and translated where they are shown. The language lives in `st.session_state["lang"]`, never in the process:
two sessions may read two languages at once. See docs/translating.md.
"""

import gettext
import io
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import streamlit as st
from babel.messages import mofile, pofile
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.errors import MESSAGES

LANGUAGES = {"en": "English", "zh": "简体中文"}  # code -> its own name, as the switch shows it
SOURCE = "en"  # the language of the msgids: it needs no catalogue
KEY = "lang"  # the switch's widget key, the session_state key and the URL parameter
LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def _compile(lang: str) -> gettext.NullTranslations:
    """The .po compiled in memory: no compile step for users, no binary file to keep in step with it."""
    if lang == SOURCE:
        return gettext.NullTranslations()
    with open(LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        catalog = pofile.read_po(f, locale=lang)
    mo = io.BytesIO()
    mofile.write_mo(mo, catalog)  # fuzzy entries are left out: the reader sees the English until one is reviewed
    mo.seek(0)
    return gettext.GNUTranslations(mo)


CATALOGUES = {lang: _compile(lang) for lang in LANGUAGES}  # once per process, read-only afterwards


def N_(message: str) -> str:
    """Marks a module-level constant for extraction; translate it where it is shown, with `_`."""
    return message


def match_language(tag: str | None) -> str | None:
    """The language of a BCP 47 tag or a `lang` parameter: zh, zh-CN, zh_Hans_CN, zh-TW -> zh; en-GB -> en."""
    if not tag:
        return None
    primary = re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGUAGES else None


def initial_language() -> str:
    """A session's first language: the URL's `lang`, else the browser's language, else English."""
    return match_language(st.query_params.get(KEY)) or match_language(st.context.locale) or SOURCE


def language() -> str:
    """The current session's language code; English outside a Streamlit script run (the CLI, plain tests)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return SOURCE
    chosen = st.session_state.get(KEY)
    return chosen if chosen in LANGUAGES else initial_language()


def _(message: str) -> str:
    """`message` in the reader's language (English: the message itself)."""
    return CATALOGUES[language()].gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the reader's language (Chinese has one form)."""
    return CATALOGUES[language()].ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` where one English word needs two translations, told apart by `context`."""
    return CATALOGUES[language()].pgettext(context, message)


def option_labels(labels: Mapping[Any, str]) -> Callable[[Any], str]:
    """A format_func for an options widget: each option's label (an N_-marked English string) in this run's language.

    The language is bound now: Streamlit and AppTest may call a format_func outside the script run, where `_`
    would fall back to English and the labels would not match the widget's options.
    """
    translate = CATALOGUES[language()].gettext
    return lambda option: translate(labels[option])


def error_message(exc: Exception) -> str:
    """A core exception's message in the reader's language: its `code` names a template in core.errors.MESSAGES.

    An exception without a code (not one of core's) keeps its own English text.
    """
    code = getattr(exc, "code", None)
    if code not in MESSAGES:
        return str(exc)
    return _(MESSAGES[code]).format(**exc.fields)


def _is_choice(value) -> bool:
    """A value an options widget may hold (str, number, or a non-empty list or tuple of them); never a bool:
    buttons hold bools, and a button's value cannot be assigned."""
    plain = (str, int, float)
    if isinstance(value, (list, tuple)):
        return bool(value) and all(isinstance(v, plain) and not isinstance(v, bool) for v in value)
    return isinstance(value, plain) and not isinstance(value, bool)


def _keep_choices() -> None:
    """on_change of the switch, before the page reruns in the new language.

    A radio, selectbox, select_slider or multiselect reports back the *label* the reader saw: after the switch the
    browser would send an English label that the Chinese run cannot match, and the widget would fall back to its
    default on the next click anywhere. Assigning each value anew makes Streamlit send it in the new labels.
    """
    for key in list(st.session_state.keys()):
        value = st.session_state[key]
        if key != KEY and _is_choice(value):
            st.session_state[key] = value


def language_control() -> str:
    """The sidebar's language switch (key `lang`); returns the language. Call it before anything is drawn.

    The first run takes the URL's `lang`, else the browser's language; the choice goes back into the URL so a
    shared link keeps it (ui.state.publish_to_url keeps `lang` when it rewrites the URL).
    """
    st.session_state[KEY] = language()  # re-assigned every run: a page switch would drop a widget's value
    lang = st.sidebar.radio(
        "Language · 语言", list(LANGUAGES), format_func=LANGUAGES.get, key=KEY, horizontal=True,
        on_change=_keep_choices,
    )
    if st.query_params.get(KEY) != lang:
        st.query_params[KEY] = lang
    return lang


def lecture_link(chapter: str) -> None:
    """Draw, under a page's title, the link to the lecture's moment it follows (`chapter`: a key of
    ui.lecture.CHAPTERS): YouTube at that time, and in Chinese also the Bilibili upload."""
    from .lecture import lecture_markdown  # imported here: ui.lecture uses this module's _

    st.markdown(lecture_markdown(chapter))  # not a caption: a link faded to 60% is too pale to read
