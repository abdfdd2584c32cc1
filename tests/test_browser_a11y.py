"""Accessibility, phones and offline classrooms in a real browser (issue 12), on the lecture's data.

Every page, in every language the app offers, at 1440 px and on a 390x844 phone:
- axe-core (axe-playwright-python) finds no serious or critical violation, nor heading-order or
  empty-table-header;
- the browser asks no host but the app's own for anything (a classroom may have no internet);
- every heatmap is readable on the phone: each cell's text inside its cell (or hidden, never shrunk past
  legibility), every letter on both axes, the top letters right above the grid, the chart toolbar over
  no text, and a tap on a cell shows its numbers.
And by keyboard: each page's main control within MAX_TABS Tab presses, a visible focus ring on a
sidebar link. Screenshots go to tests/screenshots/a11y/.
"""

import io
import re
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
from browser_support import CHROMIUM, CHROMIUM_FLAGS, settle, streamlit_server, sync_playwright_or_skip

from ui import i18n

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "screenshots" / "a11y"
playwright = sync_playwright_or_skip()
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed")

LANGUAGES = list(i18n.LANGUAGES)  # every language the app offers
SCREENS = {"desktop": dict(viewport={"width": 1440, "height": 1000}),
           "phone": dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)}
PAGES = ["", *(p.stem.split("_", 1)[1] for p in sorted((ROOT / "pages").glob("*.py")))]  # "" = home
# axe rules that fail the test whatever their impact: issue 12 names them
ALWAYS_FAIL = {"heading-order", "empty-table-header"}
HEATMAPS = {"Counts": ["heatmap"], "Probabilities": ["probs_right", "probs_wrong"],
            "Neural_net": ["nn_probs", "nn_counts_probs", "nn_diff", "nn_grad"], "Compare_datasets": ["cmp_diff"]}
# a heatmap in one view of several: the view's position in the page's segmented control (any language)
VIEW_OF = {"nn_probs": ("nn_view", 1), "nn_counts_probs": ("nn_view", 1), "nn_diff": ("nn_view", 1),
           "nn_grad": ("nn_view", 4)}
# Open question, noted on issue 12: in headless Chromium a touch tap on the W.grad heatmap shows no hover label
# until a mouse has moved over it, while the same builder's difference map on the view before answers at once.
# Its layout is checked; its tap is not, so this test does not claim what it has not shown.
NOT_TAPPED = {"nn_grad"}
MIN_TEXT_PX = 9  # cell text smaller than this is not readable, so it must not be drawn at all
# Each page's main control (a CSS selector the focused element must be inside) and the Tab budget:
# the sidebar alone takes 16 stops (skip link, 9 page links, dataset, upload, smoothing, seed, 2 help icons).
MAIN_CONTROL = {
    "": "[data-testid=stSidebar] a[href$='Counts']",  # home: "start with Counts"
    "Counts": ".st-key-heatmap_mode",
    "Probabilities": "[data-testid=stSidebar] .st-key-smoothing input",  # the page is about smoothing
    "Sampling": ".st-key-num_samples",
    "Loss": ".st-key-name",
    "Neural_net": ".st-key-train_start",
    "Generalisation": ".st-key-apply_best_k",
    "Context_length": "[data-testid=stSidebar] .st-key-smoothing input",  # its table and chart answer smoothing
    "Compare_datasets": ".st-key-cmp_year",
}
MAX_TABS = 25
# Streamlit asks /<page>/_stcore/health and host-config first on a direct link to a page (404), then the
# root's: streamlit/streamlit#7074. Same host, so not an offline problem; every other failure is.
STREAMLIT_7074 = re.compile(r"/[^/]+/_stcore/(health|host-config)$")


@pytest.fixture(scope="module")
def server(lecture_path):
    with streamlit_server(lecture_path) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield b
        finally:
            b.close()


def url_of(server: str, path: str, lang: str) -> str:
    return f"{server}/{path}" + ("" if lang == "en" else f"?lang={lang}")


class Visit:
    """One page opened by a new visitor on one screen: what it requested, what axe and the heatmaps show."""

    def __init__(self, browser, server: str, lang: str, screen: str, path: str):
        self.requests, self.failures = [], []
        context = browser.new_context(**SCREENS[screen])
        try:
            pg = context.new_page()
            pg.on("request", lambda r: self.requests.append(r.url))
            pg.on("requestfailed", lambda r: self.failures.append(f"{r.url}: {r.failure}"))
            pg.on("response", lambda r: r.status >= 400 and not STREAMLIT_7074.search(urlparse(r.url).path)
                  and self.failures.append(f"{r.url}: HTTP {r.status}"))
            pg.goto(url_of(server, path, lang))
            settle(pg)
            assert pg.get_by_test_id("stException").count() == 0, f"a traceback on /{path}"
            self.heatmaps, self.taps = {}, {}
            for key in HEATMAPS.get(path, []):
                if key in VIEW_OF:
                    control, position = VIEW_OF[key]
                    if screen == "phone" and self.taps:  # a fresh page for each view: plotly keeps a finished
                        pg.reload()  # touch's state when its chart goes, and the next chart's first taps are lost
                        settle(pg)
                    pg.locator(f".st-key-{control} button").nth(position).click()
                    settle(pg)
                self.heatmaps[key] = heatmap_layout(pg, key)
                if screen == "phone" and key not in NOT_TAPPED:
                    self.taps[key] = tap_a_cell(pg, key)
            show_everything(pg, SCREENS[screen]["viewport"])
            self.violations = axe_violations(pg)
            SHOTS.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(SHOTS / f"{lang}-{screen}-{path or 'home'}.png"))
        finally:
            context.close()


@pytest.fixture(scope="module")
def visit(browser, server):
    """visit(lang, screen, path): each page is opened once per language and screen, whichever test asks first."""
    done = {}

    def get(lang: str, screen: str, path: str) -> Visit:
        if (lang, screen, path) not in done:
            done[lang, screen, path] = Visit(browser, server, lang, screen, path)
        return done[lang, screen, path]

    return get


def show_everything(pg, viewport: dict) -> None:
    """Open the main area's expanders and make the window as tall as the page: axe only judges the
    contrast of text it can see, and Streamlit scrolls the main area inside the window."""
    closed = pg.locator("[data-testid=stMain] [data-testid=stExpander] details:not([open]) > summary")
    for _ in range(20):
        if closed.count() == 0:
            break
        closed.first.click()
    height = pg.evaluate("document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight")
    pg.set_viewport_size({"width": viewport["width"], "height": min(max(viewport["height"], height + 150), 12000)})
    pg.wait_for_timeout(800)  # plotly redraws on resize


def axe_violations(pg) -> list[str]:
    results = axe_api.Axe().run(pg).response
    return [f"{v['id']} ({v['impact']}): {n['target']} {n.get('failureSummary', '')[:160]!r} in {n['html'][:120]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical") or v["id"] in ALWAYS_FAIL
            for n in v["nodes"]]


# Boxes (left, top, right, bottom) of what a heatmap draws, in page pixels.
LAYOUT_JS = """(key) => {
  const root = document.querySelector('.st-key-' + key);
  if (!root) return null;
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const shown = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.display !== 'none' && s.visibility !== 'hidden'; };
  const texts = sel => [...root.querySelectorAll(sel)].filter(shown);
  const cells = texts('.barlayer text, .heatmaplayer text');
  return {
    n: root.querySelector('.js-plotly-plot').data[0].x.length,
    grid: box(root.querySelector('.heatmaplayer image')),
    xticks: texts('.xtick text').map(t => [t.textContent, box(t)]),
    yticks: texts('.ytick text').map(t => [t.textContent, box(t)]),
    cells: cells.map(t => [t.textContent, box(t), parseFloat(getComputedStyle(t).fontSize)]),
    other: texts('svg text').filter(t => !cells.includes(t)).map(t => [t.textContent, box(t)]),
    toolbar: [...root.querySelectorAll('.modebar-btn')].map(box),  // shown on hover, but there
  };
}"""


def heatmap_layout(pg, key: str) -> dict:
    pg.locator(f".st-key-{key}").scroll_into_view_if_needed()
    pg.wait_for_timeout(300)
    layout = pg.evaluate(LAYOUT_JS, key)
    assert layout is not None, f"no chart with key {key!r}"
    return layout


def tap_a_cell(pg, key: str) -> tuple[str, str]:
    """Tap the cell in the middle row, third column; returns (its bigram, the hover label's text)."""
    pg.locator(f".st-key-{key} .heatmaplayer image").first.evaluate("e => e.scrollIntoView({block: 'center'})")
    pg.wait_for_timeout(300)
    layout = pg.evaluate(LAYOUT_JS, key)
    left, top, right, bottom = layout["grid"]
    n, row, col = layout["n"], layout["n"] // 2, 2
    x, y = left + (right - left) * (col + 0.5) / n, top + (bottom - top) * (row + 0.5) / n
    label = pg.locator(f".st-key-{key} .hoverlayer .hovertext").first
    for _attempt in range(2):  # plotly sometimes takes a first touch after another element's click as a focus
        pg.touchscreen.tap(x, y)
        pg.wait_for_timeout(500)
        if label.count():
            break
    playwright.expect(label).to_be_visible(timeout=5_000)
    return layout["yticks"][row][0] + layout["xticks"][col][0], label.text_content()


def overlaps(a, b, slack: float = 0.0) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def heatmap_problems(layout: dict) -> list[str]:
    """What makes a heatmap unreadable, from its drawn boxes."""
    found = []
    n, (left, top, right, bottom) = layout["n"], layout["grid"]
    cw, ch = (right - left) / n, (bottom - top) / n
    for text, (x0, y0, x1, y1), size in layout["cells"]:
        col, row = int(((x0 + x1) / 2 - left) // cw), int(((y0 + y1) / 2 - top) // ch)
        cell = (left + col * cw - 1, top + row * ch - 1, left + (col + 1) * cw + 1, top + (row + 1) * ch + 1)
        if not (cell[0] <= x0 and x1 <= cell[2] and cell[1] <= y0 and y1 <= cell[3]):
            found.append(f"{text!r} ({x1 - x0:.0f}x{y1 - y0:.0f} px) spills out of its {cw:.0f}x{ch:.0f} px cell")
        if size < MIN_TEXT_PX:
            found.append(f"{text!r} is drawn at {size} px")
    for axis in ("xticks", "yticks"):
        if len(layout[axis]) != n:
            found.append(f"{len(layout[axis])} of the {n} letters on the {axis[0]} axis")
    xs = sorted(box for _, box in layout["xticks"])
    found += [f"x-axis letters overlap at {a[0]:.0f} px" for a, b in zip(xs, xs[1:]) if a[2] > b[0] + 0.5]
    if xs and not top - 24 <= max(box[3] for box in xs) <= top + 1:
        found.append(f"the top letters end {top - max(box[3] for box in xs):.0f} px above the grid")
    texts = [(t, box) for t, box, _ in layout["cells"]] + layout["xticks"] + layout["yticks"] + layout["other"]
    found += [f"the chart toolbar covers {t!r}" for button in layout["toolbar"] for t, box in texts
              if overlaps(button, box, slack=0.5)]
    return found


# --- the tests ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_no_serious_violation(visit, lang, screen, path):
    assert visit(lang, screen, path).violations == []


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_request_leaves_the_app(visit, server, lang, screen, path):
    v = visit(lang, screen, path)
    app = urlparse(server).netloc
    elsewhere = sorted({u for u in v.requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
                        and urlparse(u).netloc != app})
    assert elsewhere == [], "a classroom without internet cannot load these"
    assert v.failures == []


@pytest.mark.parametrize("path", sorted(HEATMAPS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_heatmaps_are_readable_on_a_phone(visit, lang, path):
    v = visit(lang, "phone", path)
    assert {key: heatmap_problems(layout) for key, layout in v.heatmaps.items()} == {k: [] for k in v.heatmaps}
    for key, (bigram, label) in v.taps.items():
        assert bigram in label, f"tapping {bigram} on {key} shows {label!r}"


@pytest.mark.parametrize("path", sorted(HEATMAPS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_heatmaps_are_readable_on_a_laptop(visit, lang, path):
    """At 1440 px every cell's text fits its cell (softmax(W) − P's signed numbers once ran into each other)."""
    v = visit(lang, "desktop", path)
    assert {key: heatmap_problems(layout) for key, layout in v.heatmaps.items()} == {k: [] for k in v.heatmaps}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_counts_heatmap_is_the_lecture_figure_on_a_laptop(visit, lang):
    layout = visit(lang, "desktop", "Counts").heatmaps["heatmap"]
    assert heatmap_problems(layout) == []
    assert len(layout["cells"]) == 27 * 27  # every cell labelled, as in the lecture


def tab_stops_to(pg, selector: str, limit: int = 3 * MAX_TABS) -> int | None:
    for presses in range(1, limit + 1):
        pg.keyboard.press("Tab")
        if pg.evaluate("(s) => !!document.activeElement?.closest(s)", selector):
            return presses
    return None


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_the_main_control_is_a_few_tab_presses_away(browser, server, path):
    context = browser.new_context(**SCREENS["desktop"])
    try:
        pg = context.new_page()
        pg.goto(url_of(server, path, "en"))
        settle(pg)
        assert pg.locator(MAIN_CONTROL[path]).count() >= 1, f"no main control {MAIN_CONTROL[path]!r} on /{path}"
        presses = tab_stops_to(pg, MAIN_CONTROL[path])
        assert presses is not None and presses <= MAX_TABS, f"{presses} Tab presses to {MAIN_CONTROL[path]}"
    finally:
        context.close()


def luminance(png: bytes) -> np.ndarray:
    """WCAG relative luminance of every pixel of a screenshot, (H, W)."""
    from PIL import Image

    c = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float) / 255
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def test_a_focused_sidebar_link_has_a_visible_ring(browser, server):
    """WCAG 2.4.13's measure: the focused state differs from the unfocused one by 3:1 over at least
    as many pixels as a 1 px line around the link."""
    context = browser.new_context(**SCREENS["desktop"])
    try:
        pg = context.new_page()
        pg.goto(url_of(server, "Loss", "en"))
        settle(pg)
        link = pg.get_by_test_id("stSidebar").locator("a[href$='Counts']")
        box = link.bounding_box()
        clip = {"x": box["x"] - 4, "y": box["y"] - 4, "width": box["width"] + 8, "height": box["height"] + 8}
        before = luminance(pg.screenshot(clip=clip))
        assert tab_stops_to(pg, "[data-testid=stSidebar] a[href$='Counts']") is not None
        SHOTS.mkdir(parents=True, exist_ok=True)
        after = luminance(pg.screenshot(clip=clip, path=str(SHOTS / "focused-sidebar-link.png")))
    finally:
        context.close()
    ratio = (np.maximum(before, after) + 0.05) / (np.minimum(before, after) + 0.05)
    changed = int((ratio >= 3).sum())
    assert changed >= 2 * (box["width"] + box["height"]), f"{changed} pixels change by 3:1 when the link is focused"
