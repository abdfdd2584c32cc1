"""Every page in Chinese: it runs, and what it shows (main area and sidebar) holds no English prose outside code,
names and units. Each page's views and controls are exercised too, so the messages they draw are checked: the
heatmap modes, the sampling methods, typed names (one with a character the data lacks), every view of the
neural-net and generalisation pages, a training run, a divergence, refused uploads, another year's list."""

import json
from pathlib import Path

import pytest
from i18n_support import KEEP, prose_words, untranslated_english, visible_text
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

import core
from ui.net_views import VIEWS as NN_VIEWS

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]
GEN_VIEWS = ["smoothing", "reg", "samples", "ranking"]


def open_zh(path: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / path), default_timeout=120)
    at.query_params["lang"] = "zh"
    return at.run()


def vega_text(at: AppTest) -> list[str]:
    """Axis and legend titles of the Vega-Lite charts (the training curve), and the curves' names in its data."""
    out = []
    for chart in at.get("vega_lite_chart"):
        def walk(node):
            if isinstance(node, dict):
                for k, v in node.items():
                    if k == "title" and isinstance(v, str):
                        out.append(v)
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(json.loads(chart.proto.spec))
        data = convert_arrow_bytes_to_pandas_df(chart.proto.data.data)
        if "curve" in data:
            out += sorted(set(data["curve"]))
    return out


def hover_text(at: AppTest) -> list[str]:
    """A heatmap's per-cell hover text (data to visible_text, words to a reader): the distinct texts of a few cells."""
    out = set()
    for chart in at.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec).get("data", []):
            cells = [c for row in trace.get("hovertext") or [] for c in (row if isinstance(row, list) else [row])]
            out |= {c for c in cells[:60] if isinstance(c, str)}
    return sorted(out)


def shown_text(at: AppTest) -> str:
    """Everything the page shows in words: main area, sidebar, the training chart and the heatmaps' hover text."""
    return " | ".join(visible_text(at.main) + visible_text(at.sidebar) + vega_text(at) + hover_text(at))


# English words a Chinese page may show alone, outside code spans: code, a formula's name, or a kept term.
KEPT_WORDS = {
    "log", "logit", "reg",  # formulas: log V, −log P, a logit of −∞, reg·mean(W²) and its strength "reg 0.01"
    "keepdim",  # torch's argument, named in "来自 W 的名字（无 keepdim）"
    "tensor", "list", "itos",  # what torch.load('W.pt') gives: {'W': (V, V) tensor, 'itos': list}
    "true",  # torch.equal(...)'s answer, printed as Python prints it
    "txt",  # a file type: (.txt)
    "english", "language",  # the switch: "Language · 语言" and "English", each language named in its own
    "n-gram",  # the glossary keeps it, as the transcript does
}


def lone_english(text: str) -> list[str]:
    """English words of three letters or more that stand alone (the 3-word runs miss a lone header such as "low")."""
    keep = KEEP | KEPT_WORDS | {n.lower() for n in NAMES}
    return sorted({w for w in prose_words(text) if len(w) >= 3 and not w.isupper() and w.lower() not in keep})


def dataset_names() -> set[str]:
    """The names a page may show as data (a histogram's marker, a sampled name): names, not English."""
    names = set(core.load_words(core.default_data_path()))
    lecture = ROOT.parent / "shared" / "data" / "names.txt"
    if lecture.exists():
        names |= set(core.load_words(lecture))
    return names


NAMES = dataset_names()


def assert_all_chinese(at: AppTest, where: str) -> None:
    assert not at.exception, f"{where}: {at.exception}"
    text = shown_text(at)
    assert untranslated_english(text, allowed=NAMES) == [], where
    assert lone_english(text) == [], where
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), f"{where}: no Chinese at all"


@pytest.fixture(params=["bundled", "lecture"])
def dataset(request, monkeypatch):
    """The bundled list, and the lecture's names.txt (read where it lies, never copied)."""
    if request.param == "bundled":
        monkeypatch.delenv("MAKEMORE_DATA", raising=False)
    else:
        lecture = ROOT.parent / "shared" / "data" / "names.txt"
        if not lecture.exists():
            pytest.skip(f"the lecture's names.txt is not at {lecture}")
        monkeypatch.setenv("MAKEMORE_DATA", str(lecture))
    return request.param


@pytest.mark.parametrize("path", PAGES)
def test_every_page_opens_in_chinese(path, dataset):
    at = open_zh(path)
    assert_all_chinese(at, f"{path} on {dataset}")
    assert at.query_params["lang"] == "zh"


# --- each page's controls, in Chinese ------------------------------------------------------------

def test_counts_page_modes_and_rows():
    at = open_zh("pages/1_Counts.py")
    for mode in ("counts", "probabilities", "−log P"):
        at.segmented_control(key="heatmap_mode").set_value(mode).run()
        assert_all_chinese(at, f"heatmap mode {mode}")
    at.selectbox(key="follow_char").set_value("q").run()
    at.sidebar.select_slider(key="smoothing").set_value(0.0).run()
    assert_all_chinese(at, "row q at smoothing 0")


def test_sampling_page_methods():
    at = open_zh("pages/3_Sampling.py")
    for method in ("lecture", "torch", "uniform"):
        at.radio(key="sample_method").set_value(method).run()
        assert_all_chinese(at, f"sampling by {method}")
    at.slider(key="trace_step").set_value(2).run()
    assert_all_chinese(at, "the second draw")


def test_loss_page_names_unknown_characters_and_infinity():
    at = open_zh("pages/4_Loss.py")
    at.text_input(key="name").input("andrej!").run()
    assert at.error, "an unknown character is refused"
    assert_all_chinese(at, "a name with '!'")
    at.text_input(key="name").input("zq, emma, andrej").run()
    at.sidebar.select_slider(key="smoothing").set_value(0.0).run()
    assert at.warning, "an unseen bigram at smoothing 0 is explained"
    assert_all_chinese(at, "several names, one infinitely unlikely")
    at.selectbox(key="loss_detail").set_value(1).run()
    assert_all_chinese(at, "the bigrams of the second name")


def test_neural_page_views_training_and_divergence():
    at = open_zh("pages/5_Neural_net.py")
    for view in NN_VIEWS:
        at.segmented_control(key="nn_view").set_value(view).run()
        assert_all_chinese(at, f"untrained net, view {view}")
    at.number_input(key="steps").set_value(30).run()
    at.button(key="train_start").click().run()
    assert at.session_state["nn_run"].steps == 30
    for view in NN_VIEWS:
        at.segmented_control(key="nn_view").set_value(view).run()
        assert_all_chinese(at, f"trained net, view {view}")
    at.segmented_control(key="nn_view").set_value("forward").run()
    at.text_input(key="nn_word").input("emma!").run()
    assert at.error
    assert_all_chinese(at, "a word the net has no row for")
    at.button(key="train_reset").click().run()
    at.number_input(key="lr").set_value(1e6).run()
    at.button(key="train_start").click().run()
    assert at.session_state["nn_run"].diverged
    assert any("发散" in e.value for e in at.error)
    assert_all_chinese(at, "a divergence at lr 1e6")


def test_generalisation_page_views():
    at = open_zh("pages/6_Generalisation.py")
    for view in GEN_VIEWS:
        at.segmented_control(key="gen_view").set_value(view).run()
        assert_all_chinese(at, f"view {view}")
    at.text_input(key="rank_search").input("ann").run()
    assert_all_chinese(at, "a search of the ranking")


def test_context_page_without_smoothing():
    at = open_zh("pages/7_Context_length.py")
    at.sidebar.select_slider(key="smoothing").set_value(0.0).run()
    assert_all_chinese(at, "k = 0")


def test_compare_page_another_year_and_sex():
    at = open_zh("pages/8_Compare_datasets.py")
    at.number_input(key="cmp_year").set_value(1960).run()
    at.radio(key="cmp_sex").set_value("M").run()
    assert_all_chinese(at, "boys of 1960")


BAD_UPLOADS = {
    "binary": b"emma\n\x00\x01\x02binary",
    "not_utf8": b"emma\nzo\xe9\n",
    "tab": b"emma\tava\n",
    "empty": b"\n \n",
    "line_too_long": b"a" * 1000 + b"\n",
    "control_char": b"emma\nav\x07a\n",
}


@pytest.mark.parametrize("code", BAD_UPLOADS)
def test_a_refused_upload_is_explained_in_chinese(code):
    at = open_zh("app.py")
    at.sidebar.file_uploader(key="upload").set_value(("bad.txt", BAD_UPLOADS[code], "text/plain")).run()
    assert at.session_state["upload_error"][1].code == code
    assert at.sidebar.error, "the refusal is shown"
    assert_all_chinese(at, f"an upload refused as {code}")


def test_an_accepted_upload_and_a_year_from_the_sidebar():
    at = open_zh("app.py")
    at.sidebar.file_uploader(key="upload").set_value(("w.txt", b"emma\nava\nzo\xc3\xab\n", "text/plain")).run()
    assert_all_chinese(at, "an uploaded list")
    at.sidebar.number_input(key="year").set_value(1950).run()
    at.sidebar.button(key="load_year").click().run()
    assert_all_chinese(at, "the names of 1950")
