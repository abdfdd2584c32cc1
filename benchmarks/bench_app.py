"""Issue 9's table, "live to the touch", measured in Debian's Chromium.

    python benchmarks/bench_app.py [--root PATH] [--baseline PATH] [--runs 5] [--rows abcdef]
                                   [--data PATH] [--shots DIR] [--json]

One warm server per checkout (tests/server_support.py; warmed by opening every page and training
once), one headless Chromium, a fresh browser context (a new visitor) per row and checkout. Each row
is repeated --runs times and the median is reported; with --baseline the two checkouts take turns
repetition by repetition, so both meet the same load on this shared machine, and before/after is
printed per row (">1" = after is better). The 1-minute load average is printed at the start and end
of each row. Times are in the page's own clock (page_probe.py): from the input event's timeStamp to
the animation frame that shows the change. "Settled" is tests/browser_support.py's `settle` made
exact: the runs the input started have ended, connected, script state notRunning, no stSkeleton,
and nothing changed for 0.5 s; its time is the frame after the last DOM change.

Rows:
(a) One notch of the sidebar smoothing on /Counts: ArrowRight on the slider (key `smoothing`), each
    notch to a value this server has not drawn yet (1 -> 2 -> 5 -> 10 -> ...), so the page's caches
    keyed on smoothing miss as they do for a new reader. "heatmap changed": to the first frame where
    the `heatmap` chart draws something else (its images, paths or texts). "settled": to settled.
    Once in the "probabilities" view (segmented control `heatmap_mode`), which changes with smoothing
    in every version, and once in the default "counts" view ("unchanged" where it ignores smoothing).
(b) Opening each page by its sidebar link from another page: Home -> page, then page -> Home (Home's
    row is the median of those returns); click -> settled. The neural net is also its own row.
(c) "One step" (`train_step`) on /Neural_net, after a first run of 100 steps so the chart has a
    curve: to the frame where "Steps done" reads one more; to the frame where the `loss_chart`
    chart changed; to settled.
(d) Reset, then Start (`train_start`) with Steps (`steps`) = 5000 and method fast (`train_method`):
    to the frame where "Steps done" reads 5,000 (end to end); distinct loss-chart drawings per second
    between the click and that frame; from that frame to settled; the long tasks (PerformanceObserver
    'longtask') that end after that frame: their total and the longest.
(e) The live chart, photographed: after Reset and one unphotographed run of 5,000 steps (so the
    chart has a curve), Start is pressed for 5,000 steps more and the loss chart is captured again and
    again until the run's end is shown (DevTools Page.captureScreenshot clipped to the chart, back to
    back; each takes 0.1-0.5 s here and slows a run ~10%, which is why this is not done during (d)),
    the page's state read just before each (chart there, curve drawn, stale flag, Steps done; nothing
    that forces a layout). Shots asked for between the click and the frame showing the run's end are
    mid-run; while fewer than 6, Start is pressed again (at most 6 runs), so a run too short for 6
    captures still gets 6. Of those, 6 spread evenly are judged by the picture: blank (< 0.5% of its
    pixels not near-white) or faded (its darkest 0.2% lighter than grey 160: Streamlit 1.67 marks an
    element left from the previous run with data-stale="true" on its stElementContainer and fades it
    to opacity 0.33 after 0.5 s); and by the page's state: the chart is there and a curve is drawn
    (a plotly or Vega-Lite line with a path of >= 20 characters; on a canvas, 0.5% of it inked). A
    chart the DOM says is drawn can still be painted blank. Reported: the shots with the chart
    missing, blank or faded (target 0), of how many, and how many runs it took. The PNGs are saved
    for a person to look at.
(f) Server CPU per script run over mix(), a fixed round of pages and inputs: for each input, the server
    process's CPU time (utime + stime in /proc, children included) from just before it to settled,
    divided by the script runs it caused (script-finished messages on the websocket, read through
    the DevTools protocol; interrupted runs and fragment runs count). Reported: the median over the
    inputs, and total CPU / total runs.

Only stable hooks are used: widget keys, the `heatmap` and `loss_chart` elements, the "Steps done"
metric, the sidebar's page links and URL paths. A hook that is missing stops that row for that
checkout with a message naming it. (The former AppTest script-time part is gone: it imported one
checkout's code into this process, so it could not compare two checkouts in one run; (f) now
measures the real server.)
"""

import argparse
import base64
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(Path(__file__).resolve().parent)]
import server_support  # noqa: E402  the one launcher for the app
from browser_support import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402  the tests' browser setup
from page_probe import (  # noqa: E402
    HookMissing,
    NotSettled,
    Session,
    cpu_seconds,
    load_average,
    median,
)
from PIL import Image  # noqa: E402  (streamlit depends on Pillow)
from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

LECTURE_DATA = ROOT.parent / "shared" / "data" / "names.txt"
SHOTS_DIR = ROOT / "benchmarks" / "results" / "shots"  # git-ignored
SLIDER = ".st-key-smoothing input[type='range']"
HEATMAP, LOSS_CHART = ".st-key-heatmap", ".st-key-loss_chart"
STEPS_DONE = "Steps done"
FIRST_RUN = 100  # steps trained before "One step" is timed (the app's default Steps)
BIG_RUN = 5000
RUN_TIMEOUT_S = 240.0  # a 5,000-step run that takes longer counts as hung
SHOTS = 6
MAX_SHOT_RUNS = 6  # runs of 5,000 steps photographed in (e) at most, to get SHOTS mid-run shots
BLANK_INK = 0.005  # a screenshot with less non-white than this shows no chart
FADED_DARKEST = 160  # a drawn chart whose darkest pixels are lighter than this is faded


@dataclass(frozen=True)
class Metric:
    label: str
    unit: str  # "ms", "/s", "runs"
    target: float | None = None
    higher_is_better: bool = False
    none: str = "—"  # what a missing value means here


METRICS = {
    "notch_prob_changed": Metric("probabilities view: heatmap changed", "ms", 300),
    "notch_prob_settled": Metric("probabilities view: settled", "ms", 500),
    "notch_prob_still": Metric("probabilities view: page still", "ms"),
    "notch_counts_changed": Metric("counts view (default): heatmap changed", "ms", 300, none="unchanged"),
    "notch_counts_settled": Metric("counts view (default): settled", "ms", 500),
    "notch_counts_still": Metric("counts view (default): page still", "ms"),
    "step_steps": Metric('"Steps done" shows the new count', "ms", 200),
    "step_chart": Metric("loss chart updated", "ms", 200),
    "step_settled": Metric("settled", "ms", 400),
    "step_still": Metric("page still", "ms"),
    "run_end_to_end": Metric("click -> Steps done = 5,000", "ms", 5000),
    "run_updates_per_s": Metric("loss-chart drawings per second while running", "/s", 5, higher_is_better=True),
    "run_last_to_settled": Metric("last step shown -> settled", "ms", 500),
    "run_last_to_still": Metric("last step shown -> page still", "ms"),
    "run_longtasks_total": Metric("long tasks after the last step: total", "ms"),
    "run_longtask_max": Metric("long tasks after the last step: longest", "ms"),
    "shots_bad": Metric("mid-run shots with the chart missing, blank or faded", "shots", 0),
    "shots_mid_run": Metric(f"mid-run shots judged (of {SHOTS})", "shots"),
    "shots_runs": Metric(f"runs of {BIG_RUN:,} steps photographed to get them", "runs"),
    "shots_run": Metric("a photographed run: click -> its last step shown", "ms"),
    "cpu_per_run_median": Metric("server CPU per script run, median over the inputs", "ms", 30),
    "cpu_per_run_total": Metric("server CPU per script run, total CPU / total runs", "ms"),
    "runs_per_mix": Metric("script runs in one round of the mix", "runs"),
}
HOME = "/ (Home)"


def page_metric(key: str) -> Metric:
    if key.endswith(" still"):
        return Metric(f"open {key.removesuffix(' still')} -> page still", "ms")
    return Metric(f"open {key} from another page -> settled", "ms", 1000)


@dataclass
class Target:
    """One checkout and its warm server."""

    label: str
    root: Path
    server: server_support.Server | None = None
    log: object = None
    warm_up: dict = field(default_factory=dict)


# --- inputs on the page ---


def notch(s: Session, watch: str | None = None) -> dict:
    """One keyboard notch of the smoothing slider, rightwards unless it is at its end."""
    slider = s.hook(SLIDER, "the sidebar smoothing slider (key smoothing)")
    at_end = slider.get_attribute("value") == slider.get_attribute("max")
    if watch:
        s.watch("heatmap", "changed", watch)
    r = s.act(lambda: slider.press("ArrowLeft" if at_end else "ArrowRight"))
    if watch:
        hit = s.watched("heatmap")["hit"]
        r["changed"] = None if hit is None else hit - r["input"]
    return r


def choose_view(s: Session, view: str) -> None:
    group = s.hook(".st-key-heatmap_mode", "the heatmap view selector (key heatmap_mode)")
    button = group.get_by_role("radio", name=view, exact=True)
    if not button.count():
        raise HookMissing(f"the heatmap view selector has no option {view!r} ({s.state()})")
    if button.get_attribute("aria-checked") != "true":
        s.act(button.click)


def button(s: Session, key: str):
    return s.hook(f".st-key-{key} button", f"the {key} button (key {key})")


def fill(s: Session, key: str, value: str) -> dict:
    box = s.hook(f".st-key-{key} input", f"the number input {key}")

    def do():
        box.fill(value)
        box.press("Enter")

    return s.act(do)


def fill_other(s: Session, key: str, a: str, b: str) -> dict:
    """Type a, or b if the number input already holds a: an input that changes nothing reruns nothing."""
    box = s.hook(f".st-key-{key} input", f"the number input {key}")
    return fill(s, key, b if float(box.input_value()) == float(a) else a)


def choose_method(s: Session, method: str) -> None:
    """Pick a training method by the start of its label ("fast", "one-hot")."""
    s.hook(".st-key-train_method", "the training method radio (key train_method)")
    option = s.page.locator(".st-key-train_method label").filter(has_text=method).first
    if not option.count():
        raise HookMissing(f"the training method radio has no option starting {method!r} ({s.state()})")
    if not option.locator("input").is_checked():
        s.act(option.click)


def steps_done(s: Session) -> int:
    n = s.metric(STEPS_DONE)
    if n is None:
        s.hook("[data-testid='stMetricLabel']", "metrics")
        raise HookMissing(f'no metric labelled "{STEPS_DONE}" with a number ({s.state()})')
    return int(n)


def train_to_end(s: Session, steps: int, timeout: float = RUN_TIMEOUT_S) -> dict:
    """Click Start and wait until "Steps done" reads `steps` and the page has settled."""
    start = button(s, "train_start")
    s.watch("done", "metric", [STEPS_DONE, steps])
    r = s.act(start.click, timeout)
    r["done"] = s.wait_watch("done", 5, f'"{STEPS_DONE}" = {steps:,}')
    return r


# --- the rows: setup(session) once per checkout, then once(session, i) per repetition ---


class Row:
    key, title, repeats_once = "", "", False

    def setup(self, s: Session, t: Target) -> None:
        pass

    def once(self, s: Session, t: Target, i: int) -> dict:
        raise NotImplementedError


class Notch(Row):
    key, title = "a", "(a) one notch of the sidebar smoothing slider on /Counts"

    def setup(self, s, t):
        s.open("Counts")
        s.hook(HEATMAP, "the counts heatmap (key heatmap)")

    def once(self, s, t, i):
        out = {}
        for view, name in (("probabilities", "prob"), ("counts", "counts")):
            choose_view(s, view)
            r = notch(s, HEATMAP)
            out[f"notch_{name}_changed"] = r["changed"]
            out[f"notch_{name}_settled"] = r["settled"] - r["input"]
            out[f"notch_{name}_still"] = r["still"] - r["input"]
        return out


class Pages(Row):
    key, title = "b", "(b) opening each page by its sidebar link from another page"

    def setup(self, s, t):
        s.open("")
        self.paths = s.nav_paths()

    def once(self, s, t, i):
        out = {HOME: [], f"{HOME} still": []}
        for path in self.paths:
            if not path:
                continue
            for dest, name in ((path, f"/{path}"), ("", HOME)):
                r = s.act(lambda d=dest: s.click_nav(d))
                where = s.js("() => location.pathname")
                if where != f"/{dest}":
                    raise NotSettled(f"clicked the link to /{dest} but the page is at {where}")
                if dest:
                    out[name], out[f"{name} still"] = r["settled"] - r["input"], r["still"] - r["input"]
                else:
                    out[HOME].append(r["settled"] - r["input"])
                    out[f"{HOME} still"].append(r["still"] - r["input"])
        return out


class OneStep(Row):
    key, title = "c", '(c) "One step" on /Neural_net'

    def setup(self, s, t):
        s.open("Neural_net")
        choose_method(s, "fast")
        if steps_done(s) == 0:
            train_to_end(s, FIRST_RUN)

    def once(self, s, t, i):
        n = steps_done(s)
        s.watch("steps", "metric", [STEPS_DONE, n + 1])
        s.watch("chart", "changed", LOSS_CHART)
        r = s.act(button(s, "train_step").click)
        steps, chart = s.watched("steps")["hit"], s.watched("chart")["hit"]
        s.unwatch("chart")
        if steps is None:
            raise NotSettled(f'"{STEPS_DONE}" never read {n + 1:,} after One step ({s.state()})')
        return {"step_steps": steps - r["input"], "step_chart": None if chart is None else chart - r["input"],
                "step_settled": r["settled"] - r["input"], "step_still": r["still"] - r["input"]}


def prepare_big_run(s: Session) -> None:
    s.open("Neural_net")
    choose_method(s, "fast")
    box = s.hook(".st-key-steps input", "the Steps number input (key steps)")
    if box.input_value() != str(BIG_RUN):
        fill(s, "steps", str(BIG_RUN))


def reset(s: Session) -> None:
    s.act(button(s, "train_reset").click)
    if steps_done(s) != 0:
        raise NotSettled(f'Reset left "{STEPS_DONE}" at {steps_done(s):,}')


class BigRun(Row):
    key, title = "d", f"(d) Start, {BIG_RUN:,} fast steps"

    def setup(self, s, t):
        prepare_big_run(s)

    def once(self, s, t, i):
        reset(s)
        s.hook(LOSS_CHART, "the loss chart (key loss_chart)").scroll_into_view_if_needed()  # as a learner watches it
        s.watch("updates", "updates", LOSS_CHART)
        r = train_to_end(s, BIG_RUN)
        t0, done, still = r["input"], r["done"], r["still"]
        drawn = [x for x in s.watched("updates")["times"] if t0 < x <= done]
        s.unwatch("updates")
        tasks = [(a, d) for a, d in (s.js("() => __bench.longtasks") or []) if a + d > done and a <= still]
        return {"run_end_to_end": done - t0, "run_updates_per_s": len(drawn) / ((done - t0) / 1000),
                "run_last_to_settled": r["settled"] - done, "run_last_to_still": still - done,
                "run_longtasks_total": sum(d for _, d in tasks),
                "run_longtask_max": max((d for _, d in tasks), default=0.0)}


class Shots(Row):
    key, title, repeats_once = "e", f"(e) the live loss chart: {SHOTS} screenshots mid-run", True

    def __init__(self, shots_dir: Path):
        self.shots_dir = shots_dir

    def setup(self, s, t):
        prepare_big_run(s)

    def once(self, s, t, i):
        reset(s)
        train_to_end(s, BIG_RUN)  # not photographed: the runs below start with a curve on the chart
        s.hook(LOSS_CHART, "the loss chart (key loss_chart)").scroll_into_view_if_needed()
        clip = {**s.js("(c) => __bench.chartLook(c).box", LOSS_CHART), "scale": 1}
        cdp = s.context.new_cdp_session(s.page)
        mid_run, lengths = [], []
        while len(mid_run) < SHOTS and len(lengths) < MAX_SHOT_RUNS:  # a short run leaves too few: go on
            mid_run += self.photographed_run(s, cdp, clip, len(lengths), lengths)
        folder = self.shots_dir / t.label
        folder.mkdir(parents=True, exist_ok=True)
        shots = []
        for k, j in enumerate(sorted({round(n * (len(mid_run) - 1) / max(1, SHOTS - 1)) for n in range(SHOTS)})):
            if not mid_run:
                break
            run, at_ms, state, data = mid_run[j]
            path = folder / f"loss_chart_mid_run_{k + 1}.png"
            path.write_bytes(base64.b64decode(data))
            shots.append({**judge(path, state, at_ms), "run": run + 1})
        return {"shots_bad": sum(not x["ok"] for x in shots) if shots else None, "shots_mid_run": len(shots),
                "shots_runs": len(lengths), "shots_run": statistics.median(lengths), "shots": shots}

    @staticmethod
    def photographed_run(s: Session, cdp, clip: dict, run: int, lengths: list) -> list:
        """Start BIG_RUN steps more, capturing the chart shot after shot until the end is shown; returns
        the shots asked for between the click and that frame as (run, ms into it, page state, PNG base64)."""
        target = steps_done(s) + BIG_RUN
        s.watch("done", "metric", [STEPS_DONE, target])
        mark = s.wire.mark()
        s.js("() => { __bench.input = null; }")
        button(s, "train_start").click()
        taken, deadline = [], time.monotonic() + RUN_TIMEOUT_S
        while s.js("() => __bench.watches.done.hit") is None:
            asked, state = s.js("(c) => [performance.now(), __bench.chartState(c)]", LOSS_CHART)
            png = cdp.send("Page.captureScreenshot", {"format": "png", "clip": clip, "optimizeForSpeed": True})
            taken.append((asked, state, png["data"]))
            if time.monotonic() > deadline:
                raise NotSettled(f'"{STEPS_DONE}" never read {target:,} ({s.state()})')
        clicked, done = s.js("() => [__bench.input, __bench.watches.done.hit]")
        s.settle(mark, 0.0, RUN_TIMEOUT_S)
        lengths.append(done - clicked)
        return [(run, round(asked - clicked), state, data) for asked, state, data in taken if clicked < asked < done]


def picture(path: Path) -> tuple[float, int]:
    """(ink, darkest) of a screenshot: the share of pixels that are not near-white (a blank chart area is
    ~0, a drawn chart a few %), and the grey level of its darkest 0.2% (axis text: ~110 drawn, ~205 when
    Streamlit has faded the element to opacity 0.33)."""
    with Image.open(path) as im:
        hist = im.convert("L").histogram()
    total, seen = sum(hist), 0
    for level, count in enumerate(hist):
        seen += count
        if seen >= 0.002 * total:
            return sum(hist[:235]) / total, level
    return 0.0, 255


def judge(path: Path, state: dict, at_ms: int) -> dict:
    """One shot's verdict: from the picture itself (blank? faded?), and from the page's last state read
    before that moment (the chart is there and a curve is drawn). The page's stale flag is kept for
    information; a chart the DOM says is drawn can still be painted blank."""
    present = bool(state.get("present"))
    ink, darkest = picture(path)
    checks = {"no chart in the page": not present, "no curve in the page": present and not state.get("drawn"),
              "blank picture": ink < BLANK_INK, "faded picture": ink >= BLANK_INK and darkest > FADED_DARKEST}
    return {"file": str(path), "ok": not any(checks.values()), "problems": [w for w, bad in checks.items() if bad],
            "at_ms": at_ms, "ink": round(ink, 4), "darkest": darkest, "steps": state.get("steps"),
            "page_stale_flag": state.get("stale")}


def mix(s: Session) -> list[tuple[str, Callable[[], object]]]:
    """A learner's round: every page, the slider, the heatmap view, the training controls.
    Every input changes something (a page forgets its widgets when left); the slider ends where it began."""
    def nav(path):
        return lambda: s.act(lambda: s.click_nav(path))

    return [
        ("open /Counts", nav("Counts")),
        ("smoothing notch right", lambda: notch(s)),
        ("heatmap view: probabilities", lambda: choose_view(s, "probabilities")),
        ("smoothing notch left", lambda: notch_left(s)),
        ("heatmap view: counts", lambda: choose_view(s, "counts")),
        ("open /Probabilities", nav("Probabilities")),
        ("open /Sampling", nav("Sampling")),
        ("open /Loss", nav("Loss")),
        ("smoothing notch right on /Loss", lambda: notch(s)),
        ("open /Neural_net", nav("Neural_net")),
        ("One step", lambda: s.act(button(s, "train_step").click)),
        ("learning rate 20 or 50", lambda: fill_other(s, "lr", "20", "50")),
        (f"Start, {FIRST_RUN} steps", lambda: train_to_end(s, steps_done(s) + FIRST_RUN)),
        ("regularisation 0.02 or 0.01", lambda: fill_other(s, "reg", "0.02", "0.01")),
        ("Reset", lambda: s.act(button(s, "train_reset").click)),
        ("open /Generalisation", nav("Generalisation")),
        ("open /Context_length", nav("Context_length")),
        ("smoothing notch left on /Context_length", lambda: notch_left(s)),
        ("open /Compare_datasets", nav("Compare_datasets")),
        ("open Home", nav("")),
    ]


def notch_left(s: Session) -> dict:
    slider = s.hook(SLIDER, "the sidebar smoothing slider (key smoothing)")
    return s.act(lambda: slider.press("ArrowLeft"))


class CpuPerRun(Row):
    key, title = "f", "(f) server CPU per script run over a fixed mix of pages and inputs"

    def setup(self, s, t):
        s.open("")

    def once(self, s, t, i):
        pid, per_input, cpu_total, runs_total = t.server.proc.pid, {}, 0.0, 0
        for name, do in mix(s):
            mark = s.wire.mark()
            c0 = cpu_seconds(pid)
            try:
                do()
            except (HookMissing, NotSettled) as e:
                raise type(e)(f"{name}: {e}") from None
            cpu, runs = cpu_seconds(pid) - c0, s.wire.runs_since(mark)
            per_input[name] = {"cpu_ms": 1000 * cpu, "runs": runs}
            cpu_total, runs_total = cpu_total + cpu, runs_total + runs
        ratios = [x["cpu_ms"] / x["runs"] for x in per_input.values() if x["runs"]]
        return {"cpu_per_run_median": statistics.median(ratios), "cpu_per_run_total": 1000 * cpu_total / runs_total,
                "runs_per_mix": runs_total, "inputs": per_input}


# --- running the rows ---


def warm(browser, t: Target) -> None:
    """Open every page once and train once, so imports and caches are warm before anything is timed."""
    s = Session(browser, t.server.url)
    try:
        t0 = time.monotonic()
        s.open("")
        for path in s.nav_paths():
            s.open(path)
        s.open("Neural_net")
        choose_method(s, "fast")
        train_to_end(s, steps_done(s) + FIRST_RUN)
        s.act(button(s, "train_step").click)
        t.warm_up = {"seconds": round(time.monotonic() - t0, 1), "page_errors": s.page_errors}
    except (HookMissing, NotSettled, PlaywrightError) as e:
        t.warm_up = {"error": first_line(e)}
    finally:
        s.close()


def first_line(e: Exception) -> str:
    text = str(e).strip() or type(e).__name__
    return f"{type(e).__name__}: {text.splitlines()[0][:400]}"


def run_row(row: Row, targets: list[Target], browser, runs: int) -> dict:
    result = {"title": row.title, "load_start": load_average(), "by_target": {}}
    sessions, errors, samples, details = {}, {}, {t.label: [] for t in targets}, {t.label: [] for t in targets}
    for t in targets:
        sessions[t.label] = s = Session(browser, t.server.url)
        try:
            row.setup(s, t)
        except (HookMissing, NotSettled, PlaywrightError) as e:
            errors[t.label] = "setup: " + first_line(e)
    for i in range(1 if row.repeats_once else runs):
        for t in targets:
            if t.label in errors:
                continue
            try:
                out = row.once(sessions[t.label], t, i)
            except (HookMissing, NotSettled, PlaywrightError) as e:
                errors[t.label] = f"repetition {i + 1}: " + first_line(e)
                continue
            samples[t.label].append({k: v for k, v in out.items() if k in METRICS or k.startswith("/")})
            details[t.label].append({k: v for k, v in out.items() if not (k in METRICS or k.startswith("/"))})
    for t in targets:
        s = sessions[t.label]
        result["by_target"][t.label] = {
            "medians": medians(samples[t.label]),
            "samples": samples[t.label],
            "details": details[t.label],
            "error": errors.get(t.label),
            "page_errors": s.page_errors,
        }
        s.close()
    result["load_end"] = load_average()
    return result


def medians(samples: list[dict]) -> dict:
    """Per metric over the repetitions: [median of the values there are, how many are missing, how many in all].
    A list value (several samples in one repetition) is pooled."""
    pooled: dict[str, list] = {}
    for sample in samples:
        for k, v in sample.items():
            pooled.setdefault(k, []).extend(v if isinstance(v, list) else [v])
    return {k: [median(v), v.count(None), len(v)] for k, v in pooled.items()}


# --- the report ---


def metric_of(key: str) -> Metric:
    return METRICS.get(key) or page_metric(key)


def show(value: float | None, m: Metric) -> str:
    if value is None:
        return m.none
    if m.unit == "ms":
        return f"{value:,.0f} ms" if value < 10_000 else f"{value / 1000:,.1f} s"
    if m.unit == "/s":
        return f"{value:.1f} /s"
    return f"{value:g}"


def cell(value: float | None, missing: int, n: int, m: Metric) -> str:
    """The median, and how many repetitions had no value (e.g. "unchanged") when some had one."""
    return show(value, m) + (f" ({missing}/{n} {m.none})" if value is not None and missing else "")


def verdict(value: float | None, m: Metric) -> str:
    if m.target is None:
        return ""
    sign = "≥" if m.higher_is_better else "≤"
    goal = f"{sign} {show(m.target, m)}"
    if value is None:
        return f"{goal}  MISSED"
    ok = value >= m.target if m.higher_is_better else value <= m.target
    return f"{goal}  {'ok' if ok else 'MISSED'}"


def ratio(before: float | None, after: float | None, m: Metric) -> str:
    if before is None or after is None or m.unit not in ("ms", "/s"):
        return ""
    a, b = (after, before) if m.higher_is_better else (before, after)
    return f"{a / b:.2f}×" if b > 0 else "∞"


def report(r: dict) -> str:
    labels = [t["label"] for t in r["targets"]]
    lines = [f"data: {r['data']}", f"machine: {r['machine']}",
             *(f"{t['label']}: {t['root']} (warm-up: {t['warm_up']})" for t in r["targets"]),
             f"median of {r['runs']} per row; ratio = before/after for times, after/before for rates (>1 = better)"]
    for row in r["rows"].values():
        lines += ["", f"{row['title']}   [load average {row['load_start']} -> {row['load_end']}]"]
        head = "".join(f"{x:>13}" for x in labels)
        lines.append(f"  {'':58}{head}{'ratio' if len(labels) == 2 else '':>8}   target")
        keys = []
        for t in labels:
            keys += [k for k in row["by_target"][t]["medians"] if k not in keys]
        for k in keys:
            m = metric_of(k)
            stats = [row["by_target"][t]["medians"].get(k, [None, 0, 0]) for t in labels]
            values = [x[0] for x in stats]
            cells = "".join(f"{cell(*x, m):>13}" for x in stats)
            rat = ratio(values[0], values[1], m) if len(values) == 2 else ""
            lines.append(f"  {m.label[:58]:58}{cells}{rat:>8}   {verdict(values[-1], m)}")
        for t in labels:
            got = row["by_target"][t]
            if got["error"]:
                lines.append(f"  {t}: STOPPED: {got['error']}")
            if got["page_errors"]:
                lines.append(f"  {t}: JavaScript errors on the page: {got['page_errors'][:3]}")
            for d in got["details"]:
                for shot in d.get("shots", []):
                    lines.append(f"  {t}: {shot['file']}: {'ok' if shot['ok'] else ', '.join(shot['problems'])} "
                                 f"({shot['at_ms']} ms into run {shot['run']}; page read before it: Steps done "
                                 f"{shot['steps']}, stale {shot['page_stale_flag']})")
    return "\n".join(lines)


# --- main ---


ROWS = "abcdef"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=ROOT, help="checkout whose app is measured (default: this one)")
    ap.add_argument("--baseline", type=Path, help="a second checkout measured in the same run (before)")
    ap.add_argument("--data", type=Path, help="starting word list (default: the lecture's ../shared/data/names.txt)")
    ap.add_argument("--runs", type=int, default=5, help="repetitions per row (median)")
    ap.add_argument("--rows", default=ROWS, help=f"which rows, e.g. 'ad' (default {ROWS})")
    ap.add_argument("--shots", type=Path, default=SHOTS_DIR, help="folder for row (e)'s screenshots")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args()
    data = (args.data or LECTURE_DATA).resolve()
    checkouts = [("before", args.baseline), ("after", args.root)] if args.baseline else [("this", args.root)]
    problems = [f"no such file: {data}"] if not data.exists() else []
    problems += [f"{root} has no app.py" for _, root in checkouts if not (root / "app.py").exists()]
    problems += [f"{CHROMIUM} not found (apt-get install chromium)"] if not Path(CHROMIUM).exists() else []
    problems += [f"unknown rows: {set(args.rows) - set(ROWS)}"] if set(args.rows) - set(ROWS) else []
    if problems or not 1 <= args.runs <= 20:
        print("\n".join(problems) or "--runs must be 1..20", file=sys.stderr)
        return 2
    targets = [Target(label, root.resolve()) for label, root in checkouts]
    result = {
        "data": str(data),
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}, load average {load_average()} at start",
        "runs": args.runs,
        "targets": [],
        "rows": {},
    }
    try:
        for t in targets:
            t.log = tempfile.TemporaryFile()
            t.server = server_support.start(data, root=t.root, log=t.log)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
            try:
                for t in targets:
                    warm(browser, t)
                rows = {"a": Notch(), "b": Pages(), "c": OneStep(), "d": BigRun(),
                        "e": Shots(args.shots), "f": CpuPerRun()}
                for key in ROWS:
                    if key not in args.rows:
                        continue
                    result["rows"][key] = run_row(rows[key], targets, browser, args.runs)
                    print(f"row {key} done, load average {load_average()}", file=sys.stderr)
            finally:
                browser.close()
    finally:
        for t in targets:
            if t.server:
                server_support.stop(t.server.proc)
            result["targets"].append({"label": t.label, "root": str(t.root), "warm_up": t.warm_up})
    print(json.dumps(result, indent=2) if args.json else report(result))
    errors = [x["error"] for row in result["rows"].values() for x in row["by_target"].values() if x["error"]]
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
