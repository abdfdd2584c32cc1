"""Browser mode of benchmarks/load.py: learners in browser contexts of one headless Chromium.

Each session loops like a learner: move the sidebar's smoothing with the keyboard, open Sampling and
change the number of names, open Loss and type a name, open the Neural net and press One step or
Start, back Home. Pages that do not exist are skipped.

Each input is timed two ways:
- settle: from the keypress or click to the page settling (the rerun it started has finished, no
  skeleton left; after Start, the training has finished) — what a learner waits for;
- server: from the rerun request leaving the browser to the script-finished message arriving, with
  Chromium's own network timestamps (CDP) — the server's share, apart from the page's rendering.
Errors: tracebacks on the page (stException), JavaScript page errors, inputs not settled in 30 s.
"""

import asyncio
import base64
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser_support import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402  the tests' browser setup, shared

ACTION_TIMEOUT = 30_000  # ms before an input counts as hung
LOAD_TIMEOUT = 120_000  # ms for a first load (a cold server imports torch first)
# Alternate rounds draw from different ranges, so every input changes something and reruns.
NAMES = (["emma", "olivia", "zoe", "kai", "mia"], ["noah", "ava", "liam", "sofia", "ethan"])
NUM_NAMES = ((5, 25), (26, 50))

SETTLED_JS = """(training) => document.querySelector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
  && document.querySelector("[data-test-script-state='notRunning']") !== null
  && document.querySelector("[data-testid='stSkeleton']") === null
  && !(training && document.querySelector(".st-key-train_start button:disabled") !== null)"""
STATE_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return `script ${app?.getAttribute('data-test-script-state')}, `
    + `connection ${app?.getAttribute('data-test-connection-state')}, `
    + `skeletons ${document.querySelectorAll("[data-testid='stSkeleton']").length}`;
}"""

@dataclass
class Tally:
    """What every session saw: settle and server times per input kind, and the errors."""

    times: dict[str, list[float]] = field(default_factory=dict)
    server: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    script_runs: int = 0  # script-finished messages seen, fragment runs included

    def add(self, kind: str, seconds: float, server: float | None = None) -> None:
        self.times.setdefault(kind, []).append(seconds)
        if server is not None:
            self.server.setdefault(kind, []).append(server)


class Wire:
    """The session's websocket as Chromium's network layer saw it, with the browser's own timestamps:
    rerun requests going out, script-finished messages coming back."""

    def __init__(self):
        self.reruns: list[float] = []
        self.finished: list[float] = []
        self.arrived = asyncio.Event()

    @staticmethod
    def kind(event: dict, msg_class) -> str | None:
        frame = event["response"]
        if frame["opcode"] != 2:  # Streamlit's messages are binary protobuf frames
            return None
        msg = msg_class()
        msg.ParseFromString(base64.b64decode(frame["payloadData"]))
        return msg.WhichOneof("type")

    def on_sent(self, event: dict) -> None:
        if self.kind(event, BackMsg) == "rerun_script":
            self.reruns.append(event["timestamp"])

    def on_received(self, event: dict) -> None:
        if self.kind(event, ForwardMsg) == "script_finished":
            self.finished.append(event["timestamp"])
            self.arrived.set()

    async def attach(self, context, page) -> None:
        cdp = await context.new_cdp_session(page)
        cdp.on("Network.webSocketFrameSent", self.on_sent)
        cdp.on("Network.webSocketFrameReceived", self.on_received)
        await cdp.send("Network.enable")

    def mark(self) -> tuple[int, int]:
        return len(self.reruns), len(self.finished)

    async def finished_after(self, mark: tuple[int, int], timeout: float) -> None:
        """Wait for a script-finished message after `mark` (raises TimeoutError)."""
        async with asyncio.timeout(timeout):
            while len(self.finished) <= mark[1]:
                self.arrived.clear()
                await self.arrived.wait()

    def since(self, mark: tuple[int, int]) -> float | None:
        """From the first rerun request after `mark` to the last script finished."""
        reruns, finished = self.reruns[mark[0] :], self.finished[mark[1] :]
        return finished[-1] - reruns[0] if reruns and finished else None


class StuckError(Exception):
    """An input whose page did not settle in time."""


async def settle(page, timeout_ms: float, training: bool = False) -> None:
    await page.wait_for_function(SETTLED_JS, arg=training, timeout=timeout_ms, polling=50)


async def timed(page, tally: Tally, kind: str, do, training: bool = False) -> None:
    """Do one input; record the time until the run it started has finished and the page has settled.

    The run's end is the script-finished message on the wire: a fast run can start and finish
    between two frames, so the page's own script-state attribute may never show it running.
    """
    mark = page.wire.mark()
    t0 = time.perf_counter()
    await do()
    try:
        await page.wire.finished_after(mark, ACTION_TIMEOUT / 1000)
        await settle(page, ACTION_TIMEOUT, training)
    except (TimeoutError, PlaywrightError) as e:
        state = await page.evaluate(STATE_JS)
        raise StuckError(f"{kind}: not settled in {ACTION_TIMEOUT / 1000:.0f} s ({state})") from e
    tally.add(kind, time.perf_counter() - t0, page.wire.since(mark))
    if await page.get_by_test_id("stException").count():
        tally.errors.append(f"a traceback after: {kind}")


async def open_page(page, tally: Tally, link: str) -> bool:
    """Click the sidebar's link to a page; False when this app has no such page."""
    a = page.locator(f"[data-testid='stSidebar'] a[href='{link}']")
    if not await a.count():
        return False
    await timed(page, tally, f"open {link or 'Home'}", a.click)
    return True


async def fill(box, value: str) -> None:
    await box.fill(value)
    await box.press("Enter")


async def one_round(page, tally: Tally, rng: random.Random, n: int) -> None:
    """One learner's round over the pages; odd and even rounds move the controls opposite ways."""
    slider = page.locator(".st-key-smoothing").get_by_role("slider")
    await slider.focus()
    await timed(page, tally, "smoothing (keyboard)", lambda: slider.press("ArrowRight" if n % 2 else "ArrowLeft"))
    if await open_page(page, tally, "Sampling"):
        box = page.locator(".st-key-num_samples input")
        await timed(page, tally, "number of names", lambda: fill(box, str(rng.randint(*NUM_NAMES[n % 2]))))
    if await open_page(page, tally, "Loss"):
        box = page.locator(".st-key-name input")
        await timed(page, tally, "type a name", lambda: fill(box, rng.choice(NAMES[n % 2])))
    if await open_page(page, tally, "Neural_net"):
        if n % 2:
            await timed(page, tally, "train: one step", page.locator(".st-key-train_step button").click)
        else:
            start = page.locator(".st-key-train_start button").click
            await timed(page, tally, "train: start, to the end", start, training=True)
    await open_page(page, tally, "")


async def first_load(page, url: str) -> None:
    """Open the app and wait for its first run (no rerun to count yet: the page starts running)."""
    await page.goto(url)
    await page.locator(".st-key-smoothing").get_by_role("slider").wait_for(state="attached", timeout=LOAD_TIMEOUT)
    await settle(page, LOAD_TIMEOUT)


class Clock:
    """The load's time starts when every session has loaded the app (first loads queue on a cold start)."""

    def __init__(self, sessions: int, seconds: float):
        self.waiting, self.seconds, self.deadline = sessions, seconds, 0.0
        self.go = asyncio.Event()

    async def loaded(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.deadline = time.monotonic() + self.seconds
            self.go.set()
        await self.go.wait()


async def learner(browser, url: str, clock: Clock, min_rounds: int, seed: int, tally: Tally) -> int:
    """One browser context doing rounds until the deadline (and at least min_rounds); returns rounds done."""
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    page = await context.new_page()
    page.wire = Wire()
    await page.wire.attach(context, page)
    page.on("pageerror", lambda e: tally.errors.append(f"page error: {e}"))
    rng, rounds = random.Random(seed), 0
    try:
        t0 = time.perf_counter()
        await first_load(page, url)
        tally.add("first load", time.perf_counter() - t0)
        await clock.loaded()
        while rounds < min_rounds or time.monotonic() < clock.deadline:
            try:
                await one_round(page, tally, rng, rounds)
                rounds += 1
            except (PlaywrightError, StuckError) as e:  # count it, start over from Home
                tally.errors.append(f"{type(e).__name__}: {str(e).splitlines()[0][:300]}")
                await first_load(page, url)
    except PlaywrightError as e:
        tally.errors.append(f"session lost: {type(e).__name__}: {str(e).splitlines()[0][:300]}")
        if not clock.go.is_set():
            await clock.loaded()
    finally:
        tally.script_runs += len(page.wire.finished)
        await context.close()
    return rounds


async def drive(url: str, sessions: int, seconds: float, tally: Tally, min_rounds: int = 0) -> int:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            clock = Clock(sessions, seconds)
            learners = (learner(browser, url, clock, min_rounds, i, tally) for i in range(sessions))
            rounds = await asyncio.gather(*learners)
        finally:
            await browser.close()
    return sum(rounds)
