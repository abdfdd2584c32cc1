"""Option widgets whose labels change language, for tests/test_i18n_browser.py (run with the repo on PYTHONPATH)."""

import json

import streamlit as st

from ui.i18n import language_control, option_labels
from ui.sidebar import SEXES

CHOSEN = {"radio": "F", "selectbox": "M", "select_slider": "M", "multiselect": ["F", "M"]}  # none is the default


def choose() -> None:
    st.session_state.update(CHOSEN)


language_control()
st.button("Choose", on_click=choose, key="choose")
st.radio("radio", list(SEXES), format_func=option_labels(SEXES), key="radio")
st.selectbox("selectbox", list(SEXES), format_func=option_labels(SEXES), key="selectbox")
st.select_slider("select_slider", list(SEXES), format_func=option_labels(SEXES), key="select_slider")
st.multiselect("multiselect", list(SEXES), format_func=option_labels(SEXES), key="multiselect")
st.checkbox("another input", key="other")
st.code(json.dumps({key: st.session_state[key] for key in CHOSEN}), language="json")
