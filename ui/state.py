"""Per-user view state: kept across pages in st.session_state and mirrored in the URL to share it.

Opening a link restores what it names (dataset year, smoothing, seed, language, and the page's own settings);
anything invalid in the link is ignored. The address bar carries the sidebar's settings and those of the page
on screen only. An uploaded file cannot travel in a link.
"""

import math
from collections.abc import Callable

import streamlit as st

from core import SETTINGS

LADDER = SETTINGS.smoothing_ladder
PAGE_KEYS = "_url_keys"  # session key: the URL keys of the page on screen


def _number(kind: type, lo: float, hi: float) -> Callable[[str], float]:
    def parse(text: str):
        x = kind(float(text)) if kind is int else float(text)
        if not (math.isfinite(x) and lo <= x <= hi):
            raise ValueError(text)
        return x

    return parse


def _choice(*options: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(text)
        return text

    return parse


def _text(max_chars: int) -> Callable[[str], str]:
    return lambda text: text[:max_chars]


def _ladder(text: str) -> float:
    """The ladder step nearest to a smoothing value (on a log scale)."""
    k = _number(float, 0.0, 1e300)(text)
    return min(LADDER, key=lambda step: abs(math.log1p(step) - math.log1p(k)))


# key -> parser; the keys are the widgets' keys on the pages that draw them
URL_KEYS: dict[str, Callable[[str], object]] = {
    "smoothing": _ladder,
    "seed": _number(int, 0, 2**53 - 1),
    "lang": _choice("en", "zh"),
    "num_samples": _number(int, 1, 500),
    "sample_method": _choice("lecture", "torch", "uniform"),
    "name": _text(SETTINGS.max_typed_chars),
    "nn_word": _text(SETTINGS.max_line_chars),
    "lr": _number(float, 1e-4, SETTINGS.max_lr),
    "steps": _number(int, 1, SETTINGS.max_steps),
    "reg": _number(float, 0.0, SETTINGS.max_reg),
    "train_method": _choice("fast", "onehot"),
    "ngram_num_samples": _number(int, 1, SETTINGS.max_ngram_samples),
    "cmp_year": _number(int, 1880, 2017),
    "cmp_sex": _choice("both", "F", "M"),
    "year": _number(int, 1880, 2017),
    "sex": _choice("both", "F", "M"),
}
SIDEBAR_KEYS = ("smoothing", "seed", "lang")
# what a page's own URL settings start as, before the learner touches them
PAGE_DEFAULTS = {"num_samples": SETTINGS.num_samples, "sample_method": "lecture", "name": "andrej", "nn_word": "emma",
                 "lr": SETTINGS.lr, "steps": SETTINGS.steps, "reg": SETTINGS.reg, "train_method": "fast"}


def remember(key: str, default) -> None:
    """Keep a widget's value across pages: re-assign it before the widget is drawn (no value= then)."""
    st.session_state[key] = st.session_state.get(key, default)


def restore_from_url() -> bool:
    """On a session's first run, take the view named in the URL (True then); invalid values are ignored."""
    if st.session_state.get("_url_restored"):
        return False
    st.session_state._url_restored = True
    for key, parse in URL_KEYS.items():
        if key in st.query_params:
            try:
                st.session_state[key] = parse(st.query_params[key])
            except (ValueError, OverflowError):
                pass
    return True


def set_page_keys(keys: tuple[str, ...]) -> None:
    """The URL keys of the page being drawn (called once per full run, before its widgets). Every page's settings are
    kept on every run, so a value survives a visit to a page that does not draw its widget."""
    st.session_state[PAGE_KEYS] = keys
    for key, default in PAGE_DEFAULTS.items():
        remember(key, default)


def publish() -> None:
    """Mirror the sidebar and the current page's settings into the address bar, so copying it shares the view.

    Also an on_change callback for a page's widgets: a fragment rerun never reaches the sidebar."""
    keys = (*SIDEBAR_KEYS, *st.session_state.get(PAGE_KEYS, ()))
    params = {k: st.session_state[k] for k in keys if k in st.session_state}
    params.update(st.session_state.get("dataset_source", {}))
    st.query_params.from_dict({k: str(v) for k, v in params.items()})
