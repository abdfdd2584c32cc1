"""The language in a real browser: the browser's language, a shared link, the switch, and CJK fonts on screen."""

import json
import subprocess
from pathlib import Path

import pytest
import server_support
from browser_support import chromium, settle, streamlit_server, sync_playwright_or_skip

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "screenshots"
playwright = sync_playwright_or_skip()


@pytest.fixture(scope="module")
def server():
    with streamlit_server(ROOT / "data" / "names.txt") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium(playwright) as b:
        yield b


def visit(browser, url: str, locale: str = "en-US"):
    """A new visitor whose browser speaks `locale`; returns (context, page)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale=locale)
    pg = context.new_page()
    pg.goto(url)
    settle(pg)
    return context, pg


def fonts_used(context, pg, selector: str) -> set[str]:
    """The fonts Chromium really drew the matching elements' text with (not the CSS list it was given)."""
    cdp = context.new_cdp_session(pg)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]["nodeId"]
    used = set()
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]:
        used |= {f["familyName"] for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}
    return used


def shot(pg, name: str) -> None:
    """The whole page: the main area scrolls inside the window, so the window grows to fit it first."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = pg.evaluate("document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight")
    pg.set_viewport_size({"width": 1440, "height": min(max(1000, height + 150), 8000)})
    pg.wait_for_timeout(500)  # plotly redraws on resize
    pg.screenshot(path=str(SHOTS / f"{name}.png"))


def has_font(family: str) -> bool:
    try:
        return family in subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    except OSError:
        return False


def test_a_chinese_browser_opens_in_chinese_drawn_with_a_simplified_chinese_font(server, browser):
    context, pg = visit(browser, server, locale="zh-CN")
    try:
        assert pg.get_by_role("heading", level=1).inner_text() == "makemore 探索器"
        assert "lang=zh" in pg.url  # a link copied from here keeps the language
        shot(pg, "home-zh")
        if not has_font("Noto Sans CJK SC"):
            pytest.skip("fonts-noto-cjk is not installed: the fonts on screen cannot be checked")
        for part in ["h1", "[data-testid=stMarkdownContainer] p", "[data-testid=stMetricLabel] p",
                     ".stPlotlyChart .xtitle", ".stPlotlyChart .ytitle"]:
            used = fonts_used(context, pg, part)
            assert "Noto Sans CJK SC" in used and "Noto Sans CJK JP" not in used, (part, used)
    finally:
        context.close()


def test_a_shared_link_with_lang_zh_opens_in_chinese_in_an_english_browser(server, browser):
    context, pg = visit(browser, f"{server}/?lang=zh")
    try:
        assert pg.get_by_role("heading", level=1).inner_text() == "makemore 探索器"
    finally:
        context.close()


def test_switching_keeps_an_uploaded_dataset(server, browser, tmp_path):
    words = tmp_path / "three.txt"
    words.write_text("emma\nava\nzoë\n")
    context, pg = visit(browser, server)
    try:
        pg.get_by_test_id("stSidebar").locator("input[type=file]").set_input_files(str(words))
        playwright.expect(pg.get_by_test_id("stMetricValue").first).to_have_text("3", timeout=60_000)
        pg.get_by_test_id("stSidebar").get_by_text("简体中文").click()
        playwright.expect(pg.get_by_test_id("stMetricLabel").first).to_have_text("名字数", timeout=60_000)
        settle(pg)
        assert pg.get_by_test_id("stMetricValue").first.inner_text() == "3"
        assert "lang=zh" in pg.url
    finally:
        context.close()


def test_option_widgets_keep_their_choice_when_their_labels_change_language(browser):
    """Each option widget reports back the label it shows; ui.i18n re-sends every choice when the language changes.
    Without that, the next input anywhere reset them to their defaults (AppTest cannot show this)."""
    app = ROOT / "tests" / "i18n_switch_app"
    with server_support.streamlit_server(root=app, env={"PYTHONPATH": str(ROOT)}) as srv:
        context, pg = visit(browser, srv.url)
        try:
            def read_json() -> dict:
                return json.loads(pg.get_by_test_id("stCode").inner_text())

            pg.get_by_role("button", name="Choose").click()
            settle(pg)
            expected = read_json()
            assert expected == {"radio": "F", "selectbox": "M", "select_slider": "M", "multiselect": ["F", "M"]}
            pg.get_by_test_id("stSidebar").get_by_text("简体中文").click()
            settle(pg)
            main = pg.get_by_test_id("stMain")
            playwright.expect(main.get_by_role("radio", name="女孩", exact=True)).to_be_checked()
            pg.get_by_test_id("stCheckbox").click()  # another input: the browser sends every widget's state
            settle(pg)
            assert read_json() == expected
            playwright.expect(main.get_by_role("radio", name="女孩", exact=True)).to_be_checked()
            playwright.expect(main.get_by_role("combobox", name="selectbox")).to_have_value("男孩")
        finally:
            context.close()
