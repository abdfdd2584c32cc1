"""A real browser (Debian's Chromium via Playwright) against a real server on the lecture's data.

Opens every page, moves the smoothing slider, types a name, checks the numbers on screen and
saves a screenshot of each page in tests/screenshots/.
"""

from pathlib import Path

import pytest
from browser_support import chromium, new_page, settle, streamlit_server, sync_playwright_or_skip

from ui import fmt
from ui.state import LADDER

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "screenshots"
playwright = sync_playwright_or_skip()


@pytest.fixture(scope="module")
def server(lecture_path):
    with streamlit_server(lecture_path) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium(playwright) as b:
        yield b


@pytest.fixture
def page(browser):
    with new_page(browser) as pg:
        yield pg


def open_page(pg, url: str, path: str = "") -> None:
    pg.goto(f"{url}/{path}")
    settle(pg)
    assert pg.get_by_test_id("stException").count() == 0, f"a traceback on /{path}"


def shot(pg, name: str) -> None:
    """Screenshot the whole page: the main area scrolls inside the window, so grow the window to fit."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = pg.evaluate("document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight")
    pg.set_viewport_size({"width": 1440, "height": min(max(1000, height + 150), 8000)})
    pg.wait_for_timeout(500)  # plotly charts redraw on resize
    pg.screenshot(path=str(SHOTS / f"{name}.png"))
    pg.set_viewport_size({"width": 1440, "height": 1000})


def page_paths() -> list[str]:
    return [p.stem.split("_", 1)[1] for p in sorted((ROOT / "pages").glob("*.py"))]


def set_smoothing(pg, target: float) -> None:
    """Move the sidebar's smoothing slider with the keyboard, one step at a time, as a person would."""
    labels = [fmt.smoothing(k) for k in LADDER]
    slider = pg.get_by_test_id("stSidebar").get_by_role("slider").first
    thumb = pg.get_by_test_id("stSidebar").get_by_test_id("stSliderThumbValue").first
    for _ in range(len(LADDER)):
        now = labels.index(thumb.inner_text())
        if LADDER[now] == target:
            return
        slider.focus()
        slider.press("ArrowRight" if LADDER[now] < target else "ArrowLeft")
        playwright.expect(thumb).not_to_have_text(labels[now])  # wait for this step to land
        settle(pg)
    raise AssertionError(f"the slider never reached {target}")


def test_home_page_shows_the_lecture_figures(server, page):
    open_page(page, server)
    values = page.get_by_test_id("stMetricValue").all_inner_texts()
    assert "32,033" in values and "228,146" in values
    shot(page, "home")


@pytest.mark.parametrize("path", page_paths())
def test_every_page_opens_without_a_traceback(server, page, path):
    open_page(page, server, path)
    shot(page, path.lower())


def metric(pg, label: str):
    """The value of the metric whose label is `label` (a locator: expect() waits for reruns to land)."""
    box = pg.get_by_test_id("stMetric").filter(has=pg.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
    return box.get_by_test_id("stMetricValue").first


def expect_metric(pg, label: str, value: str) -> None:
    playwright.expect(metric(pg, label)).to_have_text(value, timeout=30_000)


def test_typing_a_name_and_moving_the_smoothing_slider(server, page):
    open_page(page, server, "Loss")
    box = page.locator(".st-key-name input")
    box.fill("andrejq")
    box.press("Enter")
    settle(page)
    expect_metric(page, "Average NLL", "3.4834")
    set_smoothing(page, 0.0)  # 1 -> 0 on the ladder, by keyboard
    expect_metric(page, "Average NLL", "∞")
    expect_metric(page, "Dataset average NLL", "2.4540")
    shot(page, "loss_andrejq_k0")
    set_smoothing(page, 1.0)
    expect_metric(page, "Average NLL", "3.4834")
    assert not page.dialogs


def test_sampling_walks_through_the_lecture_first_name(server, page):
    open_page(page, server, "Sampling")
    main = page.get_by_test_id("stMain")
    playwright.expect(main).to_contain_text("The first name for seed 2147483647 is mor")
    playwright.expect(main).to_contain_text("u = 0.6650")  # the first uniform the generator gives
    shot(page, "sampling")


def test_training_the_net_grows_the_loss_chart(server, page):
    open_page(page, server, "Neural_net")
    expect_metric(page, "Steps done", "0")
    page.locator(".st-key-train_start button").click()
    expect_metric(page, "Steps done", "100")
    settle(page)
    chart = page.locator(".st-key-loss_chart")
    chart.scroll_into_view_if_needed()
    assert chart.locator(".vega-embed").count() == 1  # a Vega-Lite chart: it takes new data in place
    assert chart.locator(".mark-line path, canvas").count() >= 1
    shot(page, "neural_net_trained")


def test_pause_stops_a_long_run_at_once(server, page):
    """The one-hot method at the lecture's pace: 1,000 steps would take over a minute. Pause must land within
    a chunk, not wait for the run (Streamlit does not let a fragment's own button interrupt its run)."""
    open_page(page, server, "Neural_net?train_method=onehot&steps=1000")
    page.locator(".st-key-train_start button").click()
    playwright.expect(metric(page, "Steps done")).not_to_have_text("0", timeout=30_000)
    page.locator(".st-key-train_pause button").click()
    playwright.expect(page.get_by_text("paused")).to_be_visible(timeout=5_000)
    settle(page)
    paused_at = int(metric(page, "Steps done").inner_text().replace(",", ""))
    assert 0 < paused_at < 1000
    page.wait_for_timeout(1_000)
    assert int(metric(page, "Steps done").inner_text().replace(",", "")) == paused_at  # it stays paused
    playwright.expect(page.locator(".st-key-train_start button")).to_have_text("Resume")
