"""Translations: the catalogues match the code; the language follows the URL, the browser and the switch."""

import ast
import re

import pytest
from babel.messages.catalog import Catalog
from i18n_support import (
    LOCALES,
    ROOT,
    catalogue_problems,
    code_catalog,
    entries,
    placeholders,
    read_catalog,
    untranslated_english,
    visible_text,
)
from streamlit.testing.v1 import AppTest

from ui import i18n, lecture

ZH_PO = LOCALES / "zh" / "LC_MESSAGES" / "messages.po"
FIX = "see docs/translating.md: pybabel extract, then pybabel update, then translate"


@pytest.fixture(scope="module")
def code() -> Catalog:
    return code_catalog()


# --- the catalogues -------------------------------------------------------------------------

def test_the_template_holds_every_message_of_the_code(code):
    pot = read_catalog(LOCALES / "messages.pot")
    assert entries(pot).keys() == entries(code).keys(), FIX


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE])
def test_every_catalogue_is_complete_and_current(code, lang):
    problems = catalogue_problems(code, read_catalog(LOCALES / lang / "LC_MESSAGES" / "messages.po", lang))
    assert not problems, FIX + "\n" + "\n".join(problems)


def test_a_new_english_string_without_its_translation_fails(code):
    code.add("A sentence nobody has translated yet.", locations=[("pages/9_New.py", 1)])
    problems = catalogue_problems(code, read_catalog(ZH_PO, "zh"))
    assert problems == ["missing: 'A sentence nobody has translated yet.' (pages/9_New.py)"]


def test_the_checks_catch_empty_fuzzy_and_changed_placeholders_and_leftovers():
    code, po = Catalog(), Catalog(locale="zh")
    for msgid, msgstr, flags in [
        ("Loss of {name}", "{name} 的损失", ()),  # fine
        ("Names", "", ()),  # empty
        ("Seed", "种子", ("fuzzy",)),  # fuzzy
        ("Step {step} of {steps}", "第 {step} 步", ()),  # a field lost
        ("Run `N.sum(1)`", "运行 `N.sum(0)`", ()),  # code changed
    ]:
        code.add(msgid)
        po.add(msgid, msgstr, flags=flags)
    po.add("Gone from the code", "已删除")
    problems = catalogue_problems(code, po)
    assert [p.split(":")[0] for p in problems] == [
        "untranslated", "fuzzy (review it, then remove the flag)", "placeholders differ", "placeholders differ",
        "left over (no longer in the code)"]


def test_placeholders_are_fields_percent_formats_and_code_spans():
    assert placeholders("{n} chars of {word!r} at {loss:.4g}, 50% `P.sum(1)` %s %(k)d") == [
        "%(k)d", "%s", "`P.sum(1)`", "{loss:.4g}", "{n}", "{word!r}"]
    assert placeholders("{n} 个字符") == placeholders("{n} chars")
    assert placeholders("{share}% of them") == placeholders("{share}% 的名字") == ["{share}"]  # a % sign, no "% o"


def test_the_compiled_catalogue_says_what_the_po_says():
    po = read_catalog(ZH_PO, "zh")
    for m in po:
        if m.id and not isinstance(m.id, tuple):
            assert i18n.CATALOGUES["zh"].gettext(m.id) == m.string


def test_no_module_that_translates_reuses_underscore_as_a_name():
    """`d1, d2, _ = st.columns(...)` after `from ui.i18n import _` would break every later `_("...")`."""
    offenders = []
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        tree = ast.parse(path.read_text())
        imports_it = any(isinstance(n, ast.ImportFrom) and any(a.name == "_" for a in n.names) for n in ast.walk(tree))
        assigned = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "_"
                    and isinstance(n.ctx, ast.Store)]
        if imports_it and assigned:
            offenders.append(f"{path.relative_to(ROOT)}:{assigned}")
    assert not offenders


# --- English left in Chinese text -------------------------------------------------------------

@pytest.mark.parametrize("text, runs", [
    ("Pick a page in the sidebar", ["Pick page in the sidebar"]),  # single letters are skipped
    ("名字数 | How long are the names?", ["How long are the names"]),
    ("每个名字the whole dataset的损失", ["the whole dataset"]),  # no spaces around CJK
    ("<b>an</b><br>count of the pair", ["count of the pair"]),
    ("Show me the code: counts in plain PyTorch", ["Show me the code", "counts in plain"]),
    ("P of x given W is high", ["of given is high"]),
    ("loss of the name, averaged", ["loss of the name averaged"]),
])
def test_english_prose_is_flagged(text, runs):
    assert untranslated_english(text) == runs


@pytest.mark.parametrize("text", [
    "makemore 从一份名字列表中学习，然后*生成更多*同类的名字。",
    "在 `emma` 中，**e** 作为名字的开头",
    "用 `P = N / N.sum(1, keepdim=True)` 把每一行归一化",
    "```python\nfor w in words[:3]:\n    print(w)\n```",
    "P(a|.) = 0.1377，NLL = 2.4540，k = 1e6",
    "softmax(W) 与 P 的比较",
    "Andrej Karpathy 的 makemore 课程",
    "[在哔哩哔哩观看](https://www.bilibili.com/video/BV11yHXeuE9d?p=2&t=183)",
    "长度（字符数）=%{x}<br>名字数=%{y}<extra></extra>",
    "上传的文件 10 MB，上限 5 MB",
    "Loaded names.txt: 32,033 names",  # two English words, then a name and a number
    "SSA US NLL CSV",  # acronyms
    "English",
])
def test_chinese_code_names_and_units_are_not_flagged(text):
    assert untranslated_english(text) == []


def test_the_datasets_names_can_be_allowed():
    assert untranslated_english("emma olivia ava isabella") == ["emma olivia ava isabella"]
    assert untranslated_english("emma olivia ava isabella", allowed=["emma", "olivia", "ava", "isabella"]) == []


# --- which language --------------------------------------------------------------------------

@pytest.mark.parametrize("tag, lang", [
    ("zh", "zh"), ("zh-CN", "zh"), ("zh-Hans", "zh"), ("zh_Hans_CN", "zh"), ("ZH-sg", "zh"), ("zh-TW", "zh"),
    ("en", "en"), ("en-GB", "en"), ("fr-FR", None), ("", None), (None, None), ("zhx", None),
])
def test_a_language_tag_maps_to_a_language_or_none(tag, lang):
    assert i18n.match_language(tag) == lang


def test_outside_a_script_run_everything_is_english():
    assert i18n.language() == "en"
    assert i18n._("Names") == "Names"
    assert i18n.ngettext("{n} char", "{n} chars", 2) == "{n} chars"


def home(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(query)
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_a_link_with_lang_zh_opens_in_chinese():
    at = home(lang="zh").run()
    assert not at.exception
    assert at.title[0].value == "makemore 探索器"
    assert metrics(at)["名字数"] == "32,469" and metrics(at)["最短"] == "2 个字符"
    assert untranslated_english(" | ".join(visible_text(at.main))) == []
    assert at.query_params["lang"] == "zh"


def test_with_no_choice_it_is_english_and_the_url_says_so():
    at = home().run()
    assert at.title[0].value == "makemore explorer" and metrics(at)["Shortest"] == "2 chars"
    assert at.query_params["lang"] == "en"


def test_the_browsers_language_decides_when_the_url_says_nothing():
    at = home()
    at.context["locale"] = "zh-CN"
    at.run()
    assert at.title[0].value == "makemore 探索器"
    assert at.query_params["lang"] == "zh"  # a link copied now keeps it


def test_the_url_wins_over_the_browsers_language():
    at = home(lang="en")
    at.context["locale"] = "zh-CN"
    assert at.run().title[0].value == "makemore explorer"


def test_an_unknown_lang_in_the_url_falls_back_to_the_browser():
    at = home(lang="klingon")
    at.context["locale"] = "zh-Hans-CN"
    assert at.run().title[0].value == "makemore 探索器"


def test_switching_keeps_the_dataset_and_every_setting():
    at = home().run()
    at.sidebar.file_uploader(key="upload").set_value(("w.txt", b"emma\nava\nzo\xc3\xab\n", "text/plain")).run()
    at.sidebar.select_slider(key="smoothing").set_value(0.0).run()
    at.sidebar.number_input(key="seed").set_value(42).run()
    at.sidebar.radio(key="sex").set_value("F").run()
    at.sidebar.number_input(key="year").set_value(1920).run()
    for lang, names in [("zh", "名字数"), ("en", "Names"), ("zh", "名字数")]:
        at.sidebar.radio(key="lang").set_value(lang).run()
        assert not at.exception
        assert metrics(at)[names] == "3"  # the uploaded list, not the bundled one
        assert at.sidebar.select_slider(key="smoothing").value == 0.0
        assert at.sidebar.number_input(key="seed").value == 42
        assert at.sidebar.radio(key="sex").value == "F"
        assert at.sidebar.number_input(key="year").value == 1920
        assert at.query_params["lang"] == lang and at.query_params["seed"] == "42"


def test_the_language_survives_a_page_switch():
    at = home().run()
    at.sidebar.radio(key="lang").set_value("zh").run()
    at.switch_page("pages/1_Counts.py").run()
    assert at.sidebar.radio(key="lang").value == "zh"
    at.switch_page("app.py").run()
    assert at.title[0].value == "makemore 探索器"


def test_two_sessions_read_two_languages():
    zh, en = home(lang="zh").run(), home(lang="en").run()
    zh.run()
    assert (zh.title[0].value, en.title[0].value) == ("makemore 探索器", "makemore explorer")


def _show_errors():
    import streamlit as st

    import core
    from ui.i18n import error_message

    st.session_state.lang = st.query_params.get("lang", "en")
    st.text(error_message(core.UnknownCharacterError("!", "emma!")))
    st.text(error_message(core.TrainingDiverged(7, float("inf"), None)))
    st.text(error_message(ValueError("not one of core's")))


@pytest.mark.parametrize("lang, expected", [
    ("en", ["'emma!' contains '!' (U+0021), which never occurs in the dataset; the model has no row or column for it",
            "training diverged at step 7 (loss inf): the learning rate or the regularisation is too large; "
            "the last finite weights were kept",
            "not one of core's"]),
    ("zh", ["'emma!' 含有字符 '!'（U+0021），它从未在数据集中出现：模型里没有它的行和列",
            "训练在第 7 步发散（损失 inf）：学习率或正则化强度太大；已保留最后一组有限的权重",
            "not one of core's"]),
])
def test_core_errors_read_in_the_readers_language(lang, expected):
    at = AppTest.from_function(_show_errors, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert [t.value for t in at.text] == expected


# --- links to the lecture -----------------------------------------------------------------------

def test_the_chapter_table_is_the_lectures():
    doc = ROOT.parent / "shared" / "reference" / "LECTURE.md"
    if not doc.exists():
        pytest.skip(f"{doc} is not here")
    rows = re.findall(r"^\| (\d):(\d\d):(\d\d) \| (.+?) \|$", doc.read_text(), flags=re.M)
    table = [(int(h) * 3600 + int(m) * 60 + int(s), title) for h, m, s, title in rows]
    assert list(lecture.CHAPTERS.values()) == table


def test_chapter_links_carry_the_time():
    assert lecture.youtube_url("smoothing") == "https://www.youtube.com/watch?v=PaCmpygFfXo&t=3650s"
    assert lecture.bilibili_url("smoothing") == "https://www.bilibili.com/video/BV11yHXeuE9d?p=2&t=3650"
    assert (lecture.clock(3650), lecture.clock(765), lecture.clock(0)) == ("1:00:50", "12:45", "0:00")


def test_the_home_page_links_its_chapter_and_bilibili_only_in_chinese():
    en, zh = home(lang="en").run(), home(lang="zh").run()
    en_link, zh_link = en.markdown[0].value, zh.markdown[0].value  # the first line under the title
    assert en_link == ("In the lecture: [reading and exploring the dataset (3:03)]"
                       "(https://www.youtube.com/watch?v=PaCmpygFfXo&t=183s)")
    assert zh_link.startswith("课程视频：[读取并探索数据集（3:03）](https://www.youtube.com/")
    assert "bilibili.com/video/BV11yHXeuE9d?p=2&t=183)" in zh_link


@pytest.mark.parametrize("page", [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))], ids=lambda p: p.name)
def test_every_page_switches_language_without_an_exception(page):
    at = AppTest.from_file(str(page), default_timeout=120).run()
    for lang in ("zh", "en"):
        at.sidebar.radio(key="lang").set_value(lang).run()
        assert not at.exception, at.exception
        assert at.query_params["lang"] == lang
