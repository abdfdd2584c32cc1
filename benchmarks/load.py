"""Many learners at once: N browser sessions against one server; errors, settle times and memory.

    python benchmarks/load.py [--sessions 8] [--seconds 60] [--data PATH] [--port N] [--pin] [--json]

Starts `streamlit run app.py` on 127.0.0.1 (loopback only), warms it up with one session that opens
every page (imports, caches), then drives N browser contexts of one headless Chromium at once. Each
session loops like a learner: move the sidebar's smoothing with the keyboard, open Sampling and
change the number of names, open Loss and type a name, open the Neural net and press One step or
Start, back Home. Pages that do not exist are skipped.

Each input is timed two ways:
- settle: from the keypress or click to the page settling (the rerun it started has finished, no
  skeleton left; after Start, the training has finished) — what a learner waits for;
- server: from the rerun request leaving the browser to the script-finished message arriving, with
  Chromium's own network timestamps (CDP) — the server's share, apart from the page's rendering.
Errors: tracebacks on the page (stException), JavaScript page errors, inputs not settled in 30 s.

The server's RSS (its process and any children, VmRSS from /proc) is read after start, after the
warm-up ("before"), every 0.5 s during the load ("peak") and 15 s after the sessions close
("after"); the CPU time used by the server and by the clients (browsers, driver) is reported to show
which side the cores were busy with. `--pin` puts the server on the first core and the browsers on
the others, as if the learners had their own machines. Bounded: at most 32 sessions and 600 s;
stops by itself and stops its server.
"""

import argparse
import asyncio
import base64
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser_support import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402  the tests' browser setup, shared

SERVER_ARGS = [
    "--server.headless",
    "true",
    "--server.address",
    "127.0.0.1",
    "--browser.gatherUsageStats",
    "false",
    "--server.fileWatcherType",
    "none",
]
MAX_SESSIONS, MAX_SECONDS = 32, 600
ACTION_TIMEOUT = 30_000  # ms before an input counts as hung
LOAD_TIMEOUT = 120_000  # ms for a first load (a cold server imports torch first)
SAMPLE_EVERY = 0.5  # s between RSS and CPU samples
AFTER_WAIT = 15.0  # s between closing the sessions and the "after" reading
TARGETS = {"errors": 0, "p95_s": 1.0, "memory_after_vs_before": 1.20}
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


# --- the server: start, memory, CPU ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, data: Path | None) -> subprocess.Popen:
    env = {**os.environ, "MAKEMORE_DATA": str(data)} if data else dict(os.environ)
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", *SERVER_ARGS, "--server.port", str(port)]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_healthy(url: str, server: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the streamlit server did not start")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in Path(f"/proc/{p}/task").glob("*/children"):
                todo += [int(k) for k in task.read_text().split()]
        except OSError:  # exited meanwhile
            continue
        found.append(p)
    return found


def rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants (VmRSS from /proc), MiB."""
    total = 0
    for p in tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total / 1024


def cpu_s(pid: int) -> float:
    """User + system CPU time a process has used so far, seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


class Sampler(threading.Thread):
    """Every SAMPLE_EVERY s until stopped: the server's RSS (keeps the peak), and the CPU time of every
    process of this run: the server, and the clients (this script, Playwright's driver, Chromium)."""

    def __init__(self, server_pid: int):
        super().__init__(daemon=True)
        self.server_pid, self.peak, self.stopped = server_pid, 0.0, threading.Event()
        self.start_cpu = self.cpu = self.sample_cpu()
        self.server_pids = set(tree(server_pid))

    @staticmethod
    def sample_cpu() -> dict[int, float]:
        return {p: cpu_s(p) for p in tree(os.getpid())}

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, rss_mib(self.server_pid))
            self.server_pids.update(tree(self.server_pid))
            self.cpu = {**self.cpu, **self.sample_cpu()}  # an exited Chromium process keeps its last value
            self.stopped.wait(SAMPLE_EVERY)

    def cpu_used(self) -> dict[str, float]:
        used = {p: t - self.start_cpu.get(p, 0.0) for p, t in self.cpu.items()}
        server = sum(t for p, t in used.items() if p in self.server_pids)
        return {"server_s": server, "clients_s": sum(used.values()) - server}


# --- one learner ----------------------------------------------------------------------------------


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


# --- the run ------------------------------------------------------------------------------------


def summary(xs: list[float]) -> dict | None:
    if not xs:
        return None
    q = statistics.quantiles(xs, n=100, method="inclusive") if len(xs) > 1 else [xs[0]] * 99
    return {"n": len(xs), "p50_s": q[49], "p95_s": q[94], "max_s": max(xs)}


def measure(sessions: int, seconds: float, data: Path | None, port: int, pin: bool) -> dict:
    url = f"http://127.0.0.1:{port}"
    cpus = sorted(os.sched_getaffinity(0))
    server = start_server(port, data)
    if pin:  # the server on one core; this script and the browsers it starts (children inherit) on the rest
        os.sched_setaffinity(server.pid, cpus[:1])
        os.sched_setaffinity(0, cpus[1:])
    try:
        wait_healthy(url, server)
        started = rss_mib(server.pid)
        warm = Tally()
        asyncio.run(drive(url, 1, 0, warm, min_rounds=2))  # every page; both One step and Start
        time.sleep(5)
        before = rss_mib(server.pid)
        sampler = Sampler(server.pid)
        sampler.start()
        tally = Tally()
        t0 = time.monotonic()
        rounds = asyncio.run(drive(url, sessions, seconds, tally))
        wall = time.monotonic() - t0
        time.sleep(AFTER_WAIT)
        sampler.stopped.set()
        sampler.join()
        after = rss_mib(server.pid)
    finally:
        stop_server(server)
    inputs = {k: v for k, v in tally.times.items() if k != "first load"}
    return {
        "sessions": sessions,
        "seconds": seconds,
        "wall_s": wall,
        "cpus": len(cpus),
        "pinned": pin,
        "load_average": os.getloadavg(),
        "data": str(data) if data else "bundled data/names.txt",
        "rounds": rounds,
        "inputs": sum(map(len, inputs.values())),
        "errors": len(tally.errors),
        "error_samples": sorted(set(tally.errors))[:10],
        "warm_up_errors": warm.errors,
        "settle": summary([t for ts in inputs.values() for t in ts]),
        "server": summary([t for k, ts in tally.server.items() if k in inputs for t in ts]),
        "by_input": {
            k: {"settle": summary(v), "server": summary(tally.server.get(k, []))}
            for k, v in sorted(tally.times.items())
        },
        "cpu_s": sampler.cpu_used(),
        "script_runs": tally.script_runs,
        "rss_mib": {"started": started, "before": before, "peak": max(sampler.peak, before), "after": after},
    }


def verdict(ok: bool, target: str) -> str:
    return f"[{'ok' if ok else 'MISSED'}: target {target}]"


def seconds_cells(s: dict | None) -> str:
    return f"{s['p50_s']:6.2f} {s['p95_s']:6.2f} {s['max_s']:6.2f}" if s else f"{'-':>6} {'-':>6} {'-':>6}"


def p50_p95(s: dict | None) -> str:
    return f"{s['p50_s']:.2f} s / {s['p95_s']:.2f} s" if s else "no inputs"


def report(r: dict) -> str:
    s, srv, m, cpu = r["settle"], r["server"], r["rss_mib"], r["cpu_s"]
    ratio = m["after"] / m["before"]
    pinned = ", server pinned to one, browsers on the rest" if r["pinned"] else ""
    lines = [
        f"{r['sessions']} sessions for {r['seconds']:g} s ({r['wall_s']:.0f} s wall, {r['cpus']} CPUs{pinned})",
        f"  data                  {r['data']}",
        f"  load average at end   {' '.join(f'{x:.1f}' for x in r['load_average'])} (the machine is shared)",
        f"  rounds / inputs       {r['rounds']} / {r['inputs']}",
        f"  errors                {r['errors']}   {verdict(r['errors'] == TARGETS['errors'], '0')}",
        *(f"      {e}" for e in r["error_samples"]),
        f"  settle p50 / p95      {p50_p95(s)}   "
        + verdict(s is not None and s["p95_s"] < TARGETS["p95_s"], f"p95 < {TARGETS['p95_s']:g} s"),
        f"  server p50 / p95      {p50_p95(srv)}   (request sent -> script finished)",
        f"  {'by input':<28}{'n':>5}   settle p50    p95    max   server p50    p95    max",
        *(
            f"    {k:<26}{v['settle']['n']:5d}   {seconds_cells(v['settle'])}   {seconds_cells(v['server'])}"
            for k, v in r["by_input"].items()
        ),
        f"  CPU time used         server {cpu['server_s']:.0f} s, browsers + driver {cpu['clients_s']:.0f} s "
        + f"(of {r['cpus'] * r['wall_s']:.0f} core-seconds)",
        f"  server CPU per run    {1000 * cpu['server_s'] / max(r['script_runs'], 1):.0f} ms "
        + f"({r['script_runs']} script runs, fragments included; one core's worth at most: the GIL)",
        f"  server RSS (MiB)      started {m['started']:.0f}, before {m['before']:.0f} (warmed up), "
        + f"peak {m['peak']:.0f}, after {m['after']:.0f} ({AFTER_WAIT:g} s after closing)",
        f"  after / before        {ratio:.2f}   " + verdict(ratio <= TARGETS["memory_after_vs_before"], "<= 1.20"),
    ]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=8, help=f"concurrent browser sessions (1..{MAX_SESSIONS})")
    ap.add_argument("--seconds", type=float, default=60, help=f"how long they keep going (1..{MAX_SECONDS})")
    ap.add_argument("--data", type=Path, help="starting dataset (MAKEMORE_DATA); default: the bundled one")
    ap.add_argument("--port", type=int, default=0, help="server port on 127.0.0.1; default: a free one")
    ap.add_argument("--pin", action="store_true", help="server on the first core, browsers on the others")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    if not (1 <= args.sessions <= MAX_SESSIONS and 1 <= args.seconds <= MAX_SECONDS):
        ap.error(f"--sessions must be 1..{MAX_SESSIONS} and --seconds 1..{MAX_SECONDS}")
    if args.pin and len(os.sched_getaffinity(0)) < 2:
        ap.error("--pin needs at least two cores")
    if not Path(CHROMIUM).exists():
        ap.error(f"{CHROMIUM} is missing (apt-get install chromium)")
    data = args.data.resolve() if args.data else None
    r = measure(args.sessions, args.seconds, data, args.port or free_port(), args.pin)
    print(json.dumps(r, indent=2) if args.json else report(r))
    return 0 if r["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
