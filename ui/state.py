"""Per-user view state: kept across pages in st.session_state and mirrored in the URL to share it.

Opening a link restores what it names (page, dataset year, smoothing, seed, typed names, training
settings); anything invalid in the link is ignored. An uploaded file cannot travel in a link.
"""

import math
from collections.abc import Callable

import streamlit as st

LADDER = (0.0, 0.01, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0,
          1e3, 2e3, 5e3, 1e4, 1e5, 1e6)  # the sidebar's smoothing steps: exactly 0, the lecture's 1, up to 1e6


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
    "num_samples": _number(int, 1, 500),
    "sample_method": _choice("lecture", "torch", "uniform"),
    "name": _text(300),
    "nn_word": _text(64),
    "lr": _number(float, 1e-4, 1e7),
    "steps": _number(int, 1, 5000),
    "reg": _number(float, 0.0, 100.0),
    "train_method": _choice("fast", "onehot"),
    "year": _number(int, 1880, 2017),
    "sex": _choice("both", "F", "M"),
}


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


def publish_to_url(extra: dict[str, object]) -> None:
    """Mirror the current view into the address bar, so copying it shares the view."""
    params = {k: st.session_state[k] for k in URL_KEYS if k in st.session_state and k not in ("year", "sex")}
    if "lang" in st.session_state:  # ui.i18n reads it from the URL itself: it must be known before anything is drawn
        params["lang"] = st.session_state.lang
    st.query_params.from_dict({k: str(v) for k, v in {**params, **extra}.items()})
