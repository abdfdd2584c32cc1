"""What the real-browser tests share: a Streamlit server on loopback, Debian's Chromium, waiting."""

import contextlib
import shutil
from pathlib import Path

import pytest
import server_support

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def sync_playwright_or_skip():
    """The playwright sync API, or a skip with the reason when it or Debian's Chromium is missing."""
    api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return api


@contextlib.contextmanager
def streamlit_server(data: Path):
    """The app on a free loopback port with MAKEMORE_DATA=data; yields its URL (fails the test if it never starts)."""
    try:
        with server_support.streamlit_server(data) as server:
            yield server.url
    except server_support.ServerError as e:
        pytest.fail(f"streamlit did not start: {e}")


@contextlib.contextmanager
def chromium(api):
    with api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield b
        finally:
            b.close()


@contextlib.contextmanager
def new_page(browser):
    """A fresh context (a new visitor) whose page records every dialog in `page.dialogs`."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    try:
        yield pg
    finally:
        context.close()


def settle(pg, timeout: float = 60_000) -> None:
    """Wait until the script has finished and no skeleton is left."""
    pg.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    pg.wait_for_function(
        "() => document.querySelector(\"[data-test-script-state='notRunning']\") !== null"
        " && document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0",
        timeout=timeout,
    )
    pg.wait_for_timeout(300)  # plotly draws after the script finishes
