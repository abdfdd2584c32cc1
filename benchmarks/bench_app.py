"""Time the app: script time of a smoothing change on every page, and start-up in a real browser.

    python benchmarks/bench_app.py [--data PATH] [--port 8605] [--no-browser] [--json]

(a) AppTest: each page file (app.py and pages/*.py, whatever exists) runs once to warm up, then the
    sidebar smoothing moves through several values; the median wall time of one `.run()` is the
    script time of a re-render (an upper bound: it includes AppTest's own message handling).
(b) Browser: `streamlit run app.py` is started fresh and Debian's Chromium opens it; "cold" is the
    time from starting the server process to an interactive page (script finished, no skeleton,
    metrics visible); "warm" is the time from navigation to interactive on a server already running,
    for a new visitor (fresh browser context, empty cache) and for a reload (cached scripts).
"""

import argparse
import json
import logging
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `ui` and `core` live at the repo root, for AppTest's scripts

LECTURE_DATA = ROOT.parent / "shared" / "data" / "names.txt"
BUNDLED_DATA = ROOT / "data" / "names.txt"
sys.path.insert(0, str(ROOT / "tests"))
from browser_support import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402  the tests' browser setup, shared

RERENDER_TARGET = 0.150  # s of script time for a smoothing change on the Counts page
COLD_TARGET = 5.0  # s from server start to an interactive page
TIMEOUT = 90.0  # s before a server or a page counts as hung (a busy 2-core machine is slow)
INTERACTIVE_JS = """() => {
  const state = document.querySelector("[data-test-script-state]");
  return state !== null && state.getAttribute("data-test-script-state") === "notRunning"
    && document.querySelector("[data-testid='stSkeleton']") === null
    && [...document.querySelectorAll("[data-testid='stMetricValue']")].some(e => e.checkVisibility());
}"""


def page_files() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


# --- (a) script time of a smoothing change, in AppTest ---


def smoothing_values() -> list[float]:
    """A spread over the sidebar's ladder, ending back at the default 1."""
    from ui.sidebar import SMOOTHING_STEPS  # after a first AppTest run: imported inside the runtime

    return [*SMOOTHING_STEPS[::2], 1.0]


def rerender_times(page: Path, values: list[float]) -> dict:
    """First run of a fresh session, then one run per smoothing value; seconds."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(page), default_timeout=TIMEOUT)
    t = time.perf_counter()
    at.run()
    first = time.perf_counter() - t
    times = []
    for v in values:
        if at.exception:
            break
        try:
            slider = at.sidebar.select_slider(key="smoothing")
        except KeyError:
            return {"error": "no sidebar select_slider with key 'smoothing'"}
        t = time.perf_counter()
        slider.set_value(v).run()
        times.append(time.perf_counter() - t)
    if at.exception:
        return {"error": at.exception[0].message}
    return {
        "first_run": first,
        "rerender_median": statistics.median(times),
        "rerender_max": max(times),
    }


def script_times() -> dict:
    from streamlit.testing.v1 import AppTest

    # AppTest runs scripts outside a server and streamlit warns about it on every page: not news here.
    # (A filter, because streamlit resets its loggers' levels when it reads its config.)
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage()
    )

    AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()  # imports and data caches
    values = smoothing_values()
    pages = {str(p.relative_to(ROOT)): rerender_times(p, values) for p in page_files()}
    return {"smoothing_values": values, "pages": pages}


# --- (b) start-up in a real browser ---


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def start_server(port: int, log) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port),
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]  # fmt: skip
    return subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def wait_healthy(port: int, server: subprocess.Popen, deadline: float) -> None:
    url = f"http://127.0.0.1:{port}/_stcore/health"
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.read() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"the server did not answer {url} within {TIMEOUT:g} s")


def wait_interactive(page, start: float) -> float:
    page.wait_for_function(INTERACTIVE_JS, timeout=TIMEOUT * 1000)
    return time.perf_counter() - start


def visit(browser, url: str, screenshot: Path | None = None) -> tuple[float, float]:
    """Seconds from navigation to an interactive page for a new visitor (fresh browser context,
    empty cache), then for a reload in that context (scripts cached, a new session all the same)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        page = context.new_page()
        t = time.perf_counter()
        page.goto(url)
        first = wait_interactive(page, t)
        t = time.perf_counter()
        page.reload()
        again = wait_interactive(page, t)
        if screenshot:
            page.screenshot(path=str(screenshot))
        return first, again
    finally:
        context.close()


def cold_start(browser, port: int, warm_runs: int, screenshot: Path | None) -> dict:
    """Start a fresh server, open the page; then reopen it `warm_runs` times on the running server."""
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryFile() as log:
        t0 = time.perf_counter()
        server = start_server(port, log)
        try:
            wait_healthy(port, server, t0 + TIMEOUT)
            healthy = time.perf_counter() - t0
            # the cold visit pays the first script run: imports, dataset, counts
            interactive = healthy + visit(browser, url)[0]
            warm = [visit(browser, url, screenshot) for _ in range(warm_runs)]
        except Exception:
            log.seek(0)
            print(log.read().decode(errors="replace")[-2000:], file=sys.stderr)
            raise
        finally:
            stop_server(server)
    return {"server_ready": healthy, "cold_interactive": interactive, "warm_navigation": warm}


def browser_times(port: int, cold_runs: int, warm_runs: int, screenshot: Path | None) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            runs = [cold_start(browser, port, warm_runs, screenshot) for _ in range(cold_runs)]
        finally:
            browser.close()
    return {
        "cold_runs": cold_runs,
        "server_ready_median": statistics.median(r["server_ready"] for r in runs),
        "cold_interactive_median": statistics.median(r["cold_interactive"] for r in runs),
        "cold_interactive_all": [r["cold_interactive"] for r in runs],
        "warm_new_visitor_median": statistics.median(w[0] for r in runs for w in r["warm_navigation"]),
        "warm_reload_median": statistics.median(w[1] for r in runs for w in r["warm_navigation"]),
    }


# --- reporting ---


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.0f} ms"


def versus(target: float, seconds: float) -> str:
    return f"{target / seconds:.2f}× under" if seconds <= target else f"{seconds / target:.2f}× OVER"


def report(r: dict) -> str:
    m = r["machine"]
    lines = [
        f"data: {r['data']}",
        f"machine: {m['cpus']} CPUs, Python {m['python']}, load average {m['load_average_1min']} at start",
        "",
        f"(a) script time of a smoothing change in AppTest, median over smoothing {r['script']['smoothing_values']}",
        f"  {'page':28}{'first run':>11}{'re-render':>11}{'max':>9}{'vs 150 ms target':>18}",
    ]
    for page, t in r["script"]["pages"].items():
        if "error" in t:
            lines.append(f"  {page:28}  error: {t['error']}")
            continue
        lines.append(
            f"  {page:28}{ms(t['first_run']):>11}{ms(t['rerender_median']):>11}{ms(t['rerender_max']):>9}"
            + f"{versus(RERENDER_TARGET, t['rerender_median']):>18}"
        )
    b = r.get("browser")
    if b:
        cold, warm, reload = (
            b["cold_interactive_median"],
            b["warm_new_visitor_median"],
            b["warm_reload_median"],
        )
        lines += [
            "",
            f"(b) app.py in Chromium, median of {b['cold_runs']} fresh servers",
            f"  server process start -> health check ok  {b['server_ready_median']:6.2f} s",
            f"  server process start -> interactive page {cold:6.2f} s   "
            + f"({versus(COLD_TARGET, cold)} the {COLD_TARGET:g} s target; "
            + f"range {min(b['cold_interactive_all']):.2f}–{max(b['cold_interactive_all']):.2f} s)",
            f"  warm server, new visitor (empty cache)   {warm:6.2f} s   ({cold / warm:.1f}× faster than cold)",
            f"  warm server, reload (browser cache warm) {reload:6.2f} s   ({cold / reload:.1f}× faster than cold)",
        ]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="starting word list (default: the lecture's ../shared/data/names.txt)")
    ap.add_argument("--port", type=int, default=8605)
    ap.add_argument("--cold-runs", type=int, default=5, help="fresh servers to start (median)")
    ap.add_argument("--warm-runs", type=int, default=2, help="visits (load + reload) per running server")
    ap.add_argument("--no-browser", action="store_true", help="only the AppTest script times")
    ap.add_argument("--screenshot", type=Path, help="save the last interactive page as this PNG")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args()
    data = Path(args.data) if args.data else LECTURE_DATA
    if not args.data and not data.exists():
        data = BUNDLED_DATA
        print(f"note: {LECTURE_DATA} not found; using the bundled {data} instead", file=sys.stderr)
    if not data.exists():
        print(f"no such file: {data}", file=sys.stderr)
        return 2
    if not args.no_browser and not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found (apt-get install chromium); use --no-browser", file=sys.stderr)
        return 2
    if not args.no_browser and not port_is_free(args.port):
        print(f"port {args.port} is in use; pick another with --port", file=sys.stderr)
        return 2
    os.environ["MAKEMORE_DATA"] = str(data.resolve())  # read by AppTest and by the server it starts
    r = {
        "data": str(data),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_1min": round(os.getloadavg()[0], 2),
        },
        "script": script_times(),
    }
    if not args.no_browser:
        r["browser"] = browser_times(args.port, args.cold_runs, args.warm_runs, args.screenshot)
    print(json.dumps(r, indent=2) if args.json else report(r))
    return 1 if any("error" in t for t in r["script"]["pages"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
