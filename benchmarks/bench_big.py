"""Issue 9's "big inputs stay light", measured in Debian's Chromium on inputs generated for the run.

    python benchmarks/bench_big.py [--root PATH] [--baseline PATH] [--rows nco] [--notches 3]
                                   [--page-timeout 180] [--train-timeout 150] [--headroom-gib 3] [--json]

Inputs, generated (seeded) in a temporary folder that is removed afterwards, all within core.data's
caps (<= 10 MB, <= 64 characters a line, <= 256 distinct characters):
- symbols.txt      2.0 MB, 250 distinct letters (V = 251): words of 4-10 letters, Zipf-weighted letters
- names10mb.txt    9.9 MB of names drawn from the bigram counts of the lecture's names.txt (V = 27)
- random8.txt      4.5 MB, 500,000 random 8-letter strings over a-z (V = 27)
- symbols10mb.txt  9.8 MB of random 8-letter strings over 255 letters (V = 256), 98% of them a-z

Every row starts a fresh server (tests/server_support.py) with MAKEMORE_DATA = its input, so the
first visit is cold. With --baseline each measurement runs on the baseline checkout, then on --root.
(n) The neural-net page, symbols.txt: a new visitor opens /Neural_net on the fresh server; navigation
    start -> settled and -> still (page_probe.py's definitions), and the bytes received over the
    websocket meanwhile.
    Then a second new visitor (the server's caches warm).
(c) The context-length page, names10mb.txt: cold = a new visitor opens /Context_length on the fresh
    server (the process's first script run included); then --notches ArrowRight notches of the
    smoothing slider, each to a value not drawn yet; the median keypress -> settled (and -> still).
(o) One-hot training, random8.txt and symbols10mb.txt: open /Neural_net, method one-hot, Steps 10,
    Start, until "Steps done" reads 10, a traceback or a new alert shows, or the run stops. Measured:
    the server's peak resident memory during that (VmHWM after resetting it through
    /proc/<pid>/clear_refs just before Start, and VmRSS sampled every 50 ms). This is the server, i.e.
    the app as a learner meets it, not core.train alone: a page that chunks the examples or refuses the
    file shows it here. Bounded: just before Start the server's address space is capped (RLIMIT_AS,
    set with prlimit) at its current size + --headroom-gib, so a bigger allocation fails inside the
    server ("over the memory cap") instead of swapping or waking the OOM killer; a run longer than
    --train-timeout is stopped by killing the server ("over time limit").
A page that does not settle within --page-timeout is "over time limit" and its server is killed.
"""

import argparse
import json
import os
import platform
import random
import resource
import statistics
import string
import sys
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(Path(__file__).resolve().parent)]
import server_support  # noqa: E402
from bench_app import LECTURE_DATA, SLIDER, button, choose_method, fill, first_line  # noqa: E402
from browser_support import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from page_probe import HookMissing, NotSettled, Session, load_average, status_kib  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

import core  # noqa: E402  this checkout's loader: every generated file must pass it

GIB = 1 << 30
ONEHOT_STEPS = 10
ALERTS_JS = """() => [...document.querySelectorAll(
  "[data-testid='stMain'] [data-testid='stAlert'], [data-testid='stMain'] [data-testid='stException']")]
  .map(e => e.innerText.trim().split('\\n')[0].slice(0, 300))"""
TARGETS = {"neural_first_s": 3.0, "neural_first_mb": 2.0, "context_cold_s": 5.0, "context_notch_s": 1.0,
           "onehot_peak_gb": 1.0}


# --- the inputs ---


def letters(n: int) -> list[str]:
    """n distinct letters that NFC leaves alone: a-z, A-Z, then on from U+00C0."""
    out, cp = list(string.ascii_lowercase + string.ascii_uppercase), 0xC0
    while len(out) < n:
        c = chr(cp)
        if unicodedata.category(c).startswith("L") and unicodedata.normalize("NFC", c) == c:
            out.append(c)
        cp += 1
    return out[:n]


def every_letter_lines(alphabet: list[str]) -> list[str]:
    """Lines that use every letter once, so the file has the whole alphabet whatever the draws."""
    return ["".join(alphabet[i : i + 60]) for i in range(0, len(alphabet), 60)]


def fit(lines: list[str], max_bytes: int) -> bytes:
    """As many whole lines as fit in max_bytes."""
    out, size = [], 0
    for line in lines:
        n = len(line.encode()) + 1
        if size + n > max_bytes:
            break
        out.append(line)
        size += n
    return ("\n".join(out) + "\n").encode()


def symbols_file(rng: random.Random) -> bytes:
    alphabet = letters(250)
    weights = [1 / (i + 1) ** 0.8 for i in range(len(alphabet))]
    lines = every_letter_lines(alphabet)
    while sum(map(len, lines)) < 1_300_000:  # ~2 MB in UTF-8
        lines += ["".join(rng.choices(alphabet, weights, k=rng.randint(4, 10))) for _ in range(10_000)]
    return fit(lines, 2_000_000)


def bigram_names_file(names: list[str], seed: int, max_bytes: int = 9_900_000) -> bytes:
    """Names drawn from the lecture's bigram counts, vectorised: one column of draws per position."""
    chars = sorted(set("".join(names)))
    stoi = {c: i + 1 for i, c in enumerate(chars)}  # 0 = the boundary
    counts = np.zeros((len(chars) + 1,) * 2)
    for w in names:
        ix = [0, *(stoi[c] for c in w), 0]
        np.add.at(counts, (ix[:-1], ix[1:]), 1)
    cum = np.cumsum(counts / counts.sum(1, keepdims=True), axis=1)
    rng = np.random.default_rng(seed)
    m = max_bytes // 6  # more names than fit: mean length ~6.1 + newline
    grid = np.full((m, 64), -1, dtype=np.int8)  # -1 = after the name's end
    cur, alive = np.zeros(m, dtype=np.int64), np.arange(m)
    for pos in range(64):
        if pos == 63:  # still going after 63 characters: end it
            grid[alive, pos] = 0
            break
        nxt = (rng.random(len(alive))[:, None] > cum[cur]).sum(1)
        grid[alive, pos] = nxt
        keep = nxt != 0
        alive, cur = alive[keep], nxt[keep]
        if not len(alive):
            break
    table = np.frombuffer(("\n" + "".join(chars)).encode(), dtype=np.uint8)  # index -> byte (all ASCII)
    flat = grid.ravel()
    data = table[flat[flat >= 0]].tobytes()
    return data[: data.rindex(b"\n", 0, max_bytes) + 1]


def random8_file(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    grid = rng.integers(ord("a"), ord("z") + 1, size=(500_000, 9), dtype=np.uint8)
    grid[:, 8] = ord("\n")
    return grid.tobytes()  # 4,500,000 bytes


def symbols10mb_file(seed: int) -> bytes:
    alphabet = letters(255)
    p = np.full(len(alphabet), 0.02 / (len(alphabet) - 26))
    p[:26] = 0.98 / 26
    rng = np.random.default_rng(seed)
    draws = rng.choice(len(alphabet), size=1_080_000 * 8, p=p)
    text = "".join(map(alphabet.__getitem__, draws.tolist()))
    lines = every_letter_lines(alphabet) + [text[i : i + 8] for i in range(0, len(text), 8)]
    return fit(lines, 9_800_000)


def make_inputs(folder: Path, lecture: Path) -> dict[str, dict]:
    """Write the four inputs; check each with core.load_words; return their paths, sizes and V."""
    files = {
        "symbols.txt": symbols_file(random.Random(1)),
        "names10mb.txt": bigram_names_file(core.load_words(lecture), seed=2),
        "random8.txt": random8_file(seed=3),
        "symbols10mb.txt": symbols10mb_file(seed=4),
    }
    out = {}
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        words = core.load_words(path)  # raises if a cap is broken
        out[name] = {"path": str(path), "bytes": len(data), "names": len(words),
                     "V": len(set("".join(words))) + 1}
    return out


# --- measuring ---


@dataclass
class Target:
    label: str
    root: Path


class Fresh:
    """A fresh server on `data` for one measurement, and new visitors to it; killed at the end."""

    def __init__(self, t: Target, data: str, browser):
        self.log = tempfile.TemporaryFile()
        self.server = server_support.start(Path(data), root=t.root, log=self.log, timeout=120)
        self.browser, self.sessions = browser, []

    def visitor(self) -> Session:
        self.sessions.append(Session(self.browser, self.server.url))
        return self.sessions[-1]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for s in self.sessions:
            s.close()
        server_support.stop(self.server.proc)
        self.log.close()


def traceback_or_none(s: Session) -> str | None:
    texts = s.js("() => [...document.querySelectorAll(\"[data-testid='stException']\")].map(e => e.innerText)")
    return texts[0].strip().splitlines()[0][:300] if texts else None


def neural_page(browser, t: Target, inputs: dict, timeout: float) -> dict:
    out = {"load_start": load_average()}
    with Fresh(t, inputs["symbols.txt"]["path"], browser) as f:
        for visit in ("first", "again"):
            s = f.visitor()
            try:
                ends = s.open("Neural_net", timeout)
                out[f"{visit}_ms"], out[f"{visit}_still_ms"] = ends["settled"], ends["still"]
            except NotSettled as e:
                out[f"{visit}_ms"] = None
                out["over_limit"] = f"over time limit (> {timeout:g} s): {first_line(e)}"
            out[f"{visit}_bytes"] = s.wire.bytes_received
            out[f"{visit}_traceback"] = traceback_or_none(s) if "over_limit" not in out else None
            if "over_limit" in out:
                break
    out["load_end"] = load_average()
    return out


def context_page(browser, t: Target, inputs: dict, notches: int, timeout: float) -> dict:
    out = {"load_start": load_average(), "notch_ms": [], "notch_still_ms": []}
    with Fresh(t, inputs["names10mb.txt"]["path"], browser) as f:
        s = f.visitor()
        try:
            ends = s.open("Context_length", timeout)
            out["cold_ms"], out["cold_still_ms"] = ends["settled"], ends["still"]
            out["cold_bytes"] = s.wire.bytes_received
            out["traceback"] = traceback_or_none(s)
            slider = s.hook(SLIDER, "the sidebar smoothing slider (key smoothing)")
            for _ in range(notches):
                r = s.act(lambda: slider.press("ArrowRight"), timeout)
                out["notch_ms"].append(r["settled"] - r["input"])
                out["notch_still_ms"].append(r["still"] - r["input"])
        except NotSettled as e:
            out["over_limit"] = f"over time limit (> {timeout:g} s): {first_line(e)}"
        except HookMissing as e:
            out["error"] = first_line(e)
    out["notch_median_ms"] = statistics.median(out["notch_ms"]) if out["notch_ms"] else None
    out["load_end"] = load_average()
    return out


class RssSampler(threading.Thread):
    """The largest VmRSS of a process seen every 50 ms until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak_kib = max(self.peak_kib, status_kib(self.pid, "VmRSS"))
            self.stop.wait(0.05)


def onehot_training(browser, t: Target, data: str, page_timeout: float, train_timeout: float,
                    headroom: int) -> dict:
    out = {"load_start": load_average()}
    with Fresh(t, data, browser) as f:
        pid = f.server.proc.pid
        s = f.visitor()
        try:
            s.open("Neural_net", page_timeout)
            choose_method(s, "one-hot")
            fill(s, "steps", str(ONEHOT_STEPS))
        except (NotSettled, HookMissing, PlaywrightError) as e:
            out["error"] = "before Start: " + first_line(e)
            out["load_end"] = load_average()
            return out
        alerts_before = set(s.js(ALERTS_JS))
        size = status_kib(pid, "VmSize") * 1024
        resource.prlimit(pid, resource.RLIMIT_AS, (size + headroom, size + headroom))
        out["rss_before_mib"] = status_kib(pid, "VmRSS") / 1024
        out["address_space_cap_gib"] = round((size + headroom) / GIB, 2)
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        except OSError as e:
            out["note"] = f"VmHWM not reset ({e.strerror}): the peak is the sampled one"
        sampler = RssSampler(pid)
        sampler.start()
        t0 = time.monotonic()
        button(s, "train_start").click()
        out["outcome"] = watch_training(s, f.server.proc, alerts_before, t0 + train_timeout)
        out["seconds"] = round(time.monotonic() - t0, 1)
        hwm = status_kib(pid, "VmHWM") if "note" not in out else 0
        sampler.stop.set()
        sampler.join()
        out["peak_rss_mib"] = max(hwm, sampler.peak_kib) / 1024
        if out["outcome"].startswith("over time limit"):
            server_support.stop(f.server.proc)
    out["load_end"] = load_average()
    return out


def watch_training(s: Session, proc, alerts_before: set, deadline: float) -> str:
    """How the one-hot run ended: trained, a traceback, a new message, stopped, or over the time limit."""
    start = s.page.locator(".st-key-train_start button").first
    idle_since = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return f"the server exited with code {proc.returncode}"
        steps = s.metric("Steps done")
        if steps == ONEHOT_STEPS:
            return f"trained {ONEHOT_STEPS} steps"
        if (tb := traceback_or_none(s)) is not None:
            return f"traceback: {tb}"
        new = [a for a in s.js(ALERTS_JS) if a not in alerts_before]
        if new:
            return f"shows: {new[0]}"
        idle = start.count() and start.is_enabled() and s.js("() => __bench.settledNow()")
        idle_since = (idle_since or time.monotonic()) if idle else None
        if idle_since and time.monotonic() - idle_since > 3:
            return f"stopped at {steps} steps"
        s.page.wait_for_timeout(200)
    return "over time limit"


# --- the run ---


def mib(x: float | None) -> str:
    return "—" if x is None else f"{x / 2**20:.2f} MB" if x >= 2**20 else f"{x / 1024:.0f} KB"


def secs(ms: float | None) -> str:
    return "—" if ms is None else f"{ms / 1000:.2f} s"


def report(r: dict) -> str:
    lines = [f"machine: {r['machine']}", "inputs:"]
    lines += [f"  {n}: {x['bytes']:,} bytes, {x['names']:,} names, V = {x['V']}" for n, x in r["inputs"].items()]
    for label, x in r["results"].items():
        lines += ["", f"{label}: {x['root']}"]
        n = x.get("neural")
        if n:
            lines.append(f"  (n) neural-net page, 250 symbols   [load {n['load_start']} -> {n['load_end']}]")
            lines.append(f"      first view: settled {secs(n.get('first_ms'))}, still {secs(n.get('first_still_ms'))}, "
                         f"{mib(n.get('first_bytes'))} received (targets <= {TARGETS['neural_first_s']:g} s, "
                         f"<= {TARGETS['neural_first_mb']:g} MB)")
            lines.append(f"      second visitor: settled {secs(n.get('again_ms'))}, "
                         f"still {secs(n.get('again_still_ms'))}, {mib(n.get('again_bytes'))} received")
            lines += [f"      {n[k]}" for k in ("over_limit", "first_traceback", "again_traceback") if n.get(k)]
        c = x.get("context")
        if c:
            notches = [round(v / 1000, 2) for v in c["notch_ms"]]
            still = [round(v / 1000, 2) for v in c["notch_still_ms"]]
            lines.append(f"  (c) context-length page, 9.9 MB   [load {c['load_start']} -> {c['load_end']}]")
            lines.append(f"      cold: settled {secs(c.get('cold_ms'))}, still {secs(c.get('cold_still_ms'))} "
                         f"({mib(c.get('cold_bytes'))} received; target <= {TARGETS['context_cold_s']:g} s)")
            lines.append(f"      smoothing notch: settled median {secs(c['notch_median_ms'])} of {notches} s "
                         f"(target <= {TARGETS['context_notch_s']:g} s); still {still} s")
            lines += [f"      {c[k]}" for k in ("over_limit", "error", "traceback") if c.get(k)]
        for name, o in x.get("onehot", {}).items():
            lines.append(f"  (o) one-hot training, {ONEHOT_STEPS} steps, {name}   "
                         f"[load {o['load_start']} -> {o['load_end']}]")
            if "error" in o:
                lines.append(f"      {o['error']}")
                continue
            lines.append(f"      peak RSS {o['peak_rss_mib'] / 1024:.2f} GB (before Start "
                         f"{o['rss_before_mib'] / 1024:.2f} GB; address space capped at "
                         f"{o['address_space_cap_gib']} GB; target <= {TARGETS['onehot_peak_gb']:g} GB)")
            over = "OVER THE MEMORY CAP: " if "can't allocate memory" in o["outcome"] else ""
            note = f" ({o['note']})" if o.get("note") else ""
            lines.append(f"      after {o['seconds']} s: {over}{o['outcome']}{note}")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=ROOT, help="checkout whose app is measured (default: this one)")
    ap.add_argument("--baseline", type=Path, help="a second checkout measured in the same run, first")
    ap.add_argument("--rows", default="nco", help="n = neural-net page, c = context-length page, o = one-hot")
    ap.add_argument("--notches", type=int, default=3, help="smoothing notches on the context-length page")
    ap.add_argument("--page-timeout", type=float, default=180.0, help="seconds before a page is over the limit")
    ap.add_argument("--train-timeout", type=float, default=150.0, help="seconds before a one-hot run is stopped")
    ap.add_argument("--headroom-gib", type=float, default=3.0, help="address space the server may add for one-hot")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    checkouts = [("before", args.baseline), ("after", args.root)] if args.baseline else [("this", args.root)]
    targets = [Target(label, root.resolve()) for label, root in checkouts]
    missing = [f"{t.root} has no app.py" for t in targets if not (t.root / "app.py").exists()]
    missing += [] if LECTURE_DATA.exists() else [f"{LECTURE_DATA} is needed to draw names10mb.txt"]
    if missing or not Path(CHROMIUM).exists():
        print("\n".join(missing) or f"{CHROMIUM} not found", file=sys.stderr)
        return 2
    r = {"machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}, load average {load_average()} "
                    "at start", "results": {t.label: {"root": str(t.root)} for t in targets}}
    with tempfile.TemporaryDirectory(prefix="bench_big_") as tmp:
        r["inputs"] = inputs = make_inputs(Path(tmp), LECTURE_DATA)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
            try:
                for t in targets if "n" in args.rows else []:
                    r["results"][t.label]["neural"] = neural_page(browser, t, inputs, args.page_timeout)
                for t in targets if "c" in args.rows else []:
                    r["results"][t.label]["context"] = context_page(browser, t, inputs, args.notches,
                                                                    args.page_timeout)
                for name in ("random8.txt", "symbols10mb.txt") if "o" in args.rows else ():
                    for t in targets:
                        r["results"][t.label].setdefault("onehot", {})[name] = onehot_training(
                            browser, t, inputs[name]["path"], args.page_timeout, args.train_timeout,
                            int(args.headroom_gib * GIB))
                    print(f"{name} done, load average {load_average()}", file=sys.stderr)
            finally:
                browser.close()
    print(json.dumps(r, indent=2) if args.json else report(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
