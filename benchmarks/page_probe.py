"""What bench_app.py and bench_big.py share: a browser session that times itself, from inside the page
and on the websocket, and the server's CPU and memory from /proc.

In the page (an init script, page clock = performance.now() in ms):
- the time of the last keydown or click (the event's own timeStamp: when the input happened);
- a MutationObserver on the whole document: the time of the last DOM change, and of the animation
  frame after it (the frame that shows it); "watches" checked in that frame record when a chart's
  drawing first differs from what it was (or every time it does), or when a metric reads a value;
- the long tasks (PerformanceObserver 'longtask') that froze the page.
On the wire (Chrome DevTools Protocol, as load.py does): every rerun request the page sends and every
script-finished message the server sends back, and the bytes received.

Two ends of an input, both once the runs it started have all ended (the last script-finished
message after it is not "finished early for a rerun", no rerun was requested after it, and nothing
changed in the DOM or on the wire for QUIET_S):
- settled: tests/browser_support.py's `settle`, timed exactly: the frame at which the app last became
  connected, script state notRunning, with no stSkeleton;
- still: the frame after the last DOM change (plotly drawing included): when the page stops moving.
A hook (a widget key, a metric label) that cannot be found is a HookMissing with the selector in its
message, after HOOK_TIMEOUT_S; an input that never settles is a NotSettled.
"""

import base64
import os
import statistics
import time
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from procfs import tree
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

QUIET_S = 0.5  # no DOM change and no message for this long, after the run has finished
HOOK_TIMEOUT_S = 15.0
ACTION_TIMEOUT_S = 90.0
VIEWPORT = {"width": 1440, "height": 1000}
# st.page_link draws stPageLink-NavLink; Streamlit's own page list draws stSidebarNavLink
NAV_LINKS = ("[data-testid='stSidebar'] a[data-testid='stSidebarNavLink'], "
             "[data-testid='stSidebar'] a[data-testid='stPageLink-NavLink']")
EARLY_FOR_RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN
PARSED_MAX_BYTES = 4096  # script-finished messages are tiny: bigger frames are deltas, counted but not parsed

PROBE_JS = r"""
(() => {
  if (window.__bench) return;
  const B = window.__bench = {input: null, longtasks: [], lastMutation: 0, lastFrame: 0, settledAt: null,
                              watches: {}};
  for (const type of ["keydown", "click"]) addEventListener(type, e => { B.input = e.timeStamp; }, true);
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) B.longtasks.push([e.startTime, e.duration]);
    }).observe({type: "longtask", buffered: true});
  } catch (e) { B.longtasks = null; }

  // A canvas chart (Vega-Lite: st.vega_lite_chart, st.line_chart) changes no DOM when it redraws: read its
  // pixels, every 7th, into a hash and a count of inked ones (not transparent, not near-white).
  B.canvasPixels = el => {
    const out = [];
    for (const c of el.querySelectorAll("canvas")) {
      const ctx = c.width && c.height ? c.getContext("2d") : null;  // null for a WebGL canvas
      if (!ctx) continue;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      let hash = 0, ink = 0, seen = 0;
      for (let i = 0; i < data.length; i += 28) {
        hash = (hash * 31 + data[i] + 3 * data[i + 1] + 7 * data[i + 2] + 11 * data[i + 3]) | 0;
        ink += data[i + 3] > 0 && data[i] + data[i + 1] + data[i + 2] < 700 ? 1 : 0;
        seen++;
      }
      out.push({hash: `${c.width}x${c.height}:${hash}`, ink: ink / seen});
    }
    return out;
  };
  B.plotSignature = sel => {  // what a chart draws: its images, paths, texts and canvas pixels ("" = no chart)
    const el = document.querySelector(sel);
    const chart = el && (el.querySelector(".js-plotly-plot") || el.querySelector("svg.marks"));  // plotly, Vega-Lite
    const parts = [];
    if (chart) {
      parts.push([...chart.querySelectorAll("image")].map(i => i.href.baseVal).join(","));
      parts.push([...chart.querySelectorAll("path")].map(p => p.getAttribute("d")).join(","));
      parts.push(chart.textContent);
    }
    if (el) parts.push(...B.canvasPixels(el).map(c => c.hash));
    return parts.join("|").replace(/^\|+$/, "");
  };
  B.curveDrawn = sel => {  // a line trace with a path of >= 20 characters; on a canvas, 0.5% of it inked
    const el = document.querySelector(sel);
    if (!el) return false;
    const lines = el.querySelectorAll(".scatterlayer path.js-line, .mark-line path, .mark-trail path");
    return [...lines].some(p => (p.getAttribute("d") || "").length >= 20)
      || B.canvasPixels(el).some(c => c.ink >= 0.005);
  };
  B.metric = label => {
    for (const m of document.querySelectorAll("[data-testid='stMetric']")) {
      const l = m.querySelector("[data-testid='stMetricLabel']");
      if (l && l.textContent.trim() === label) {  // textContent: no forced layout
        const v = m.querySelector("[data-testid='stMetricValue']");
        return v ? v.textContent.trim() : null;
      }
    }
    return null;
  };
  B.metricNumber = label => {  // the first number in the metric's value: "5,000" or "5,000 of 5,000" -> 5000
    const m = (B.metric(label) || "").match(/[0-9][0-9,]*(\.[0-9]+)?/);
    return m ? Number(m[0].replace(/,/g, "")) : null;
  };
  // a link's path as the app wrote it ("" = home): st.page_link writes relative hrefs such as "" and
  // "Counts", which a.href would resolve against the current URL
  B.linkPaths = sel => [...document.querySelectorAll(sel)].map(a => {
    const h = a.getAttribute("href") || "";
    return /^https?:/.test(h) ? new URL(h).pathname.slice(1) : h.replace(/^\//, "");
  });
  B.settledNow = () => {
    const app = document.querySelector("[data-testid='stApp']");
    return app !== null && app.getAttribute("data-test-connection-state") === "CONNECTED"
      && document.querySelector("[data-test-script-state='notRunning']") !== null
      && document.querySelector("[data-testid='stSkeleton']") === null;
  };
  // Streamlit 1.67 marks an element left over from the previous run with data-stale="true" on its
  // stElementContainer, and fades it to opacity 0.33 (transition: opacity 1s ease-in 0.5s).
  B.chartState = sel => {  // cheap enough to poll: no forced layout
    const el = document.querySelector(sel);
    if (!el) return {present: false, steps: B.metricNumber("Steps done")};
    const stale = el.closest("[data-stale='true']") !== null || el.querySelector("[data-stale='true']") !== null;
    return {present: true, drawn: B.curveDrawn(sel), stale,
            skeleton: el.querySelector("[data-testid='stSkeleton']") !== null, steps: B.metricNumber("Steps done")};
  };
  B.chartLook = sel => {  // what chartState leaves out: opacity and place, which cost a style and layout pass
    const el = document.querySelector(sel);
    if (!el) return null;
    let opacity = 1;
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      opacity *= parseFloat(getComputedStyle(e).opacity);
    }
    const r = el.getBoundingClientRect();
    return {opacity, box: {x: r.x, y: r.y, width: r.width, height: r.height}};
  };

  // watch kinds: "changed" (first frame whose chart differs from now), "updates" (every frame whose
  // chart differs from the last drawn one), "metric" (first frame where a metric reads a number).
  // Checked in the frame after each DOM change; a chart that is not an SVG one (plotly, Vega-Lite's
  // SVG) when the watch starts, e.g. a canvas, is also looked at every frame: it can redraw unseen.
  B.watch = (name, kind, arg) => {
    const w = {kind, arg, hit: null, times: [], last: kind === "metric" ? null : B.plotSignature(arg)};
    B.watches[name] = w;
    if (kind !== "metric" && !document.querySelector(`${arg} .js-plotly-plot, ${arg} svg.marks`)) {
      const poll = () => {
        if (B.watches[name] !== w || (kind === "changed" && w.hit !== null)) return;
        check(w, performance.now());
        requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
    }
    return w.last === "" ? "no chart yet" : "ok";
  };
  B.unwatch = name => { delete B.watches[name]; };
  const check = (w, t) => {
    if (w.kind === "metric") {
      if (w.hit === null && B.metricNumber(w.arg[0]) === w.arg[1]) w.hit = t;
      return;
    }
    if (w.kind === "changed" && w.hit !== null) return;
    const s = B.plotSignature(w.arg);
    if (s && s !== w.last) {
      if (w.hit === null) w.hit = t;
      w.times.push(t);
      w.last = s;
    }
  };
  let pending = false;
  const frame = () => {
    pending = false;
    B.lastFrame = performance.now();
    const settled = B.settledNow();  // the script state flips are DOM changes too, so a frame sees each
    if (!settled) B.settledAt = null;
    else if (B.settledAt === null) B.settledAt = B.lastFrame;
    for (const w of Object.values(B.watches)) check(w, B.lastFrame);
  };
  new MutationObserver(() => {
    B.lastMutation = performance.now();
    if (!pending) { pending = true; requestAnimationFrame(frame); }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""
STATE_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return `${location.pathname}: script ${app?.getAttribute('data-test-script-state')}, `
    + `connection ${app?.getAttribute('data-test-connection-state')}, `
    + `skeletons ${document.querySelectorAll("[data-testid='stSkeleton']").length}, `
    + `tracebacks ${document.querySelectorAll("[data-testid='stException']").length}`
    + [...document.querySelectorAll("[data-testid='stException']")].slice(0, 1)
      .map(e => `: ${e.innerText.trim().split("\\n").slice(0, 2).join(" / ").slice(0, 300)}`).join("");
}"""


class HookMissing(Exception):
    """A stable hook (widget key, element key, metric label, nav link) is not on the page."""


class NotSettled(Exception):
    """An input whose runs did not finish, or whose page did not settle, in time."""


# --- the websocket, as Chromium's network layer saw it ---


class Wire:
    """Rerun requests going out and script-finished messages coming back; bytes received."""

    def __init__(self):
        self.events: list[tuple[str, int]] = []  # ("rerun", -1) or ("finished", status), in order
        self.bytes_received = 0
        self.last_activity = time.monotonic()

    @staticmethod
    def _payload(event: dict) -> tuple[int, str | None]:
        frame = event["response"]
        data = frame["payloadData"]
        if frame["opcode"] != 2:  # Streamlit's messages are binary protobuf frames
            return len(data.encode()), None
        size = len(data) * 3 // 4 - data[-2:].count("=")
        return size, (data if size <= PARSED_MAX_BYTES else None)

    def _sent(self, event: dict) -> None:
        self.last_activity = time.monotonic()
        _, data = self._payload(event)
        if data is not None:
            msg = BackMsg()
            msg.ParseFromString(base64.b64decode(data))
            if msg.WhichOneof("type") == "rerun_script":
                self.events.append(("rerun", -1))

    def _received(self, event: dict) -> None:
        self.last_activity = time.monotonic()
        size, data = self._payload(event)
        self.bytes_received += size
        if data is not None:
            msg = ForwardMsg()
            msg.ParseFromString(base64.b64decode(data))
            if msg.WhichOneof("type") == "script_finished":
                self.events.append(("finished", msg.script_finished))

    def attach(self, context, page) -> None:
        cdp = context.new_cdp_session(page)
        cdp.on("Network.webSocketFrameSent", self._sent)
        cdp.on("Network.webSocketFrameReceived", self._received)
        cdp.send("Network.enable")

    def mark(self) -> int:
        return len(self.events)

    def runs_since(self, mark: int) -> int:
        """Script runs finished since `mark` (interrupted ones and fragment runs included)."""
        return sum(kind == "finished" for kind, _ in self.events[mark:])

    def ended_since(self, mark: int) -> bool:
        """A run finished since `mark`, and the last message either way is a run that ended for good."""
        after = self.events[mark:]
        return bool(after) and after[-1][0] == "finished" and after[-1][1] != EARLY_FOR_RERUN


# --- a browser session ---


class Session:
    """One visitor: a fresh browser context whose page carries the probe and whose websocket is watched."""

    def __init__(self, browser, url: str):
        self.url = url
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.add_init_script(PROBE_JS)
        self.page = self.context.new_page()
        self.wire = Wire()
        self.wire.attach(self.context, self.page)
        self.page_errors: list[str] = []
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))

    def close(self) -> None:
        try:
            self.context.close()
        except PlaywrightError:
            pass

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def state(self) -> str:
        try:
            return self.js(STATE_JS)
        except PlaywrightError as e:
            return f"page unreadable ({str(e).splitlines()[0]})"

    def _tick(self, deadline: float, what: str) -> None:
        if time.monotonic() > deadline:
            raise NotSettled(f"{what} ({self.state()})")
        self.page.wait_for_timeout(25)  # also lets Playwright deliver the websocket events

    def open(self, path: str = "", timeout: float = ACTION_TIMEOUT_S) -> dict:
        """Load /path as a new visit; returns page times (ms from navigation start): settled, still."""
        mark = self.wire.mark()
        t0 = time.monotonic()
        self.page.goto(f"{self.url}/{path}", timeout=timeout * 1000)
        return self.settle(mark, 0.0, timeout - (time.monotonic() - t0))

    def settle(self, mark: int, since: float, timeout: float = ACTION_TIMEOUT_S) -> dict:
        """Wait until the runs started after `mark` have ended and the page is settled and still; returns
        page times (ms): settled and still (see the module's docstring), and whether the script state
        was seen to flip after `since` (if not, settled is taken as still: an upper bound)."""
        deadline = time.monotonic() + timeout
        while True:
            while not self.wire.ended_since(mark):
                self._tick(deadline, f"no finished script run within {timeout:.0f} s")
            seen = self.wire.mark()
            quiet = self.js("(q) => __bench.settledNow() && performance.now() - __bench.lastMutation >= q",
                            QUIET_S * 1000)
            if quiet and self.wire.mark() == seen and time.monotonic() - self.wire.last_activity >= QUIET_S:
                break
            self._tick(deadline, f"the page did not settle within {timeout:.0f} s")
        settled_at, still = self.js("() => [__bench.settledAt, __bench.lastFrame]")
        flipped = settled_at is not None and settled_at > since
        return {"settled": settled_at if flipped else still, "still": still, "state_flipped": flipped}

    def act(self, do, timeout: float = ACTION_TIMEOUT_S) -> dict:
        """Do one input and wait until it has settled. Returns page times (ms): input, settled, still;
        and the script runs it caused."""
        self.js("() => { __bench.input = null; }")
        before = self.js("() => performance.now()")
        mark = self.wire.mark()
        do()
        t_input = self.js("() => __bench.input") or before
        ends = self.settle(mark, t_input, timeout)
        return {"input": t_input, "settled": max(ends["settled"], t_input), "still": max(ends["still"], t_input),
                "state_flipped": ends["state_flipped"], "runs": self.wire.runs_since(mark), "mark": mark}

    def watch(self, name: str, kind: str, arg) -> str:
        return self.js("([n, k, a]) => __bench.watch(n, k, a)", [name, kind, arg])

    def unwatch(self, name: str) -> None:
        self.js("(n) => __bench.unwatch(n)", name)

    def watched(self, name: str) -> dict:
        """A watch's first hit and every hit (page times, ms)."""
        return self.js("(n) => ({hit: __bench.watches[n].hit, times: __bench.watches[n].times})", name)

    def wait_watch(self, name: str, timeout: float, what: str) -> float:
        deadline = time.monotonic() + timeout
        while (hit := self.js("(n) => __bench.watches[n].hit", name)) is None:
            self._tick(deadline, f"{what} did not happen within {timeout:.0f} s")
        return hit

    def hook(self, selector: str, what: str, timeout: float = HOOK_TIMEOUT_S):
        """The first element matching `selector`, or HookMissing naming it."""
        loc = self.page.locator(selector).first
        try:
            loc.wait_for(state="attached", timeout=timeout * 1000)
        except PlaywrightError:
            raise HookMissing(f"{what}: nothing matches {selector!r} after {timeout:g} s ({self.state()})") from None
        return loc

    def metric(self, label: str) -> float | None:
        return self.js("(l) => __bench.metricNumber(l)", label)

    def nav_paths(self) -> list[str]:
        """The URL paths ("" for home) of the sidebar's page links, in the app's order."""
        self.hook(NAV_LINKS, "the sidebar's page links")
        return self.js("(s) => __bench.linkPaths(s)", NAV_LINKS)

    def click_nav(self, path: str) -> None:
        i = self.js("([s, p]) => __bench.linkPaths(s).indexOf(p)", [NAV_LINKS, path])
        if i < 0:
            raise HookMissing(f"no sidebar link to /{path} ({self.state()})")
        self.page.locator(NAV_LINKS).nth(i).click()


# --- the server process, from /proc ---


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its live descendants, plus the children it has reaped."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if p == pid:
            total += int(fields[13]) + int(fields[14])  # cutime, cstime
    return total / tick


def status_kib(pid: int, field: str) -> int:
    """A field of /proc/<pid>/status in KiB (VmRSS, VmHWM, VmSize), 0 if the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def median(xs: list[float]) -> float | None:
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None
