"""Many learners at once: how many one server holds. Errors, times to effect, server CPU and memory.

    python benchmarks/load.py [--sessions 8] [--seconds 60] [--pace 2] [--trainers 0.25] [--ttl 10] [--seed 0]
                              [--data PATH] [--url URL --server-pids PID,...] [--json]
    python benchmarks/load.py --mode browser [--sessions 8] [--seconds 60] [--data PATH] [--port N] [--pin]

protocol (the default: the measurement; benchmarks/load_protocol.py): learners that speak Streamlit's
own protocol (benchmarks/stclient.py) from this one process, each acting at a person's pace, every
action checked against what the app must show. They cost little CPU (a few % of the server's), so what
is measured is the server: per action p50/p95/max from sending to the script-finished message that
shows the effect; errors (exceptions, no answer or no effect within 30 s); short or dropped training
runs; script runs, server CPU per script run, and this client's CPU as a share of the server's; the
server's RSS before (warmed up), at its peak (the kernel's VmHWM) and after the sessions have expired,
then once more after emptying the app's caches, to tell cache memory from the rest. It starts the app
here with MALLOC_ARENA_MAX=2 (docs/deploy.md) and server.disconnectedSessionTTL = --ttl. With --url it
drives a front already running on loopback instead (nginx before several processes: cookies are kept
per session, so a cookie-sticky upstream works; start its processes with the TTL lowered to --ttl) and
measures the processes named by --server-pids, with their children.

browser (the end-to-end check at 8 sessions; benchmarks/load_browser.py): browser contexts of one
headless Chromium; its renderers take most of the CPU on a small machine, so it checks that the pages
work under load rather than measuring the server.

The app is started only through tests/server_support.py, on 127.0.0.1, and stopped at the end; both
modes warm it up first with one session that opens every page. Bounded: at most 128 protocol or 32
browser sessions, at most 600 s of load, and the whole run is cut off if it overruns by 4 minutes.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import server_support  # noqa: E402  the one launcher for the app
from procfs import cpu_s, peak_mib, reset_peaks, rss_mib, tree, trees  # noqa: E402

LECTURE_DATA = ROOT.parent / "shared" / "data" / "names.txt"
MAX_SESSIONS = {"protocol": 128, "browser": 32}
MAX_SECONDS = 600
OVERRUN = 240.0  # s past the planned end before a run is cut off
SAMPLE_EVERY = 0.5  # s between RSS and CPU samples
COLLECTED_WITHIN = 12.0  # s: the app collects garbage every 10 s (ui/__init__.py), so a dropped session's memory is
# back by then
BROWSER_AFTER_WAIT = 15.0  # s between closing the browsers and the "after" reading
TARGETS = {"errors": 0, "p95_s": 1.0, "memory_after_vs_before": 1.20, "client_cpu_share": 0.05}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Sampler(threading.Thread):
    """Every SAMPLE_EVERY s until stopped: the servers' RSS (keeps the peak), and with `every_cpu` the CPU
    time of every process involved: the servers' trees, and this script's (with any browser it started),
    so that processes which exit meanwhile still count. Without it, CPU is read at start and stop only,
    which keeps this sampling thread's own cost out of a light client's figure."""

    def __init__(self, server_roots: list[int], every_cpu: bool = True):
        super().__init__(daemon=True)
        self.roots, self.peak, self.stopped, self.every_cpu = server_roots, 0.0, threading.Event(), every_cpu
        self.server_pids = trees(server_roots)
        self.start_cpu = self.cpu = self.sample_cpu()

    def sample_cpu(self) -> dict[int, float]:
        return {p: cpu_s(p) for p in set(tree(os.getpid())) | trees(self.roots)}

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, rss_mib(self.roots))
            if self.every_cpu:
                self.server_pids |= trees(self.roots)
                self.cpu = {**self.cpu, **self.sample_cpu()}  # an exited process keeps its last value
            self.stopped.wait(SAMPLE_EVERY)

    def stop(self) -> None:
        self.cpu = {**self.cpu, **self.sample_cpu()}
        self.stopped.set()
        self.join()

    def cpu_used(self) -> dict[str, float]:
        used = {p: t - self.start_cpu.get(p, 0.0) for p, t in self.cpu.items()}
        server = sum(t for p, t in used.items() if p in self.server_pids)
        return {"server_s": server, "clients_s": sum(used.values()) - server}


def summary(xs: list[float]) -> dict | None:
    if not xs:
        return None
    q = statistics.quantiles(xs, n=100, method="inclusive") if len(xs) > 1 else [xs[0]] * 99
    return {"n": len(xs), "p50_s": q[49], "p95_s": q[94], "max_s": max(xs)}


def verdict(ok: bool, target: str) -> str:
    return f"[{'ok' if ok else 'MISSED'}: target {target}]"


def seconds_cells(s: dict | None) -> str:
    return f"{s['p50_s']:6.2f} {s['p95_s']:6.2f} {s['max_s']:6.2f}" if s else f"{'-':>6} {'-':>6} {'-':>6}"


def loads(xs) -> str:
    return " ".join(f"{x:.2f}" for x in xs)


# --- protocol mode --------------------------------------------------------------------------------


def measure_protocol(args) -> dict:
    import load_protocol as lp  # only this mode needs websockets and pyarrow

    uploads = lp.upload_lists(args.data, args.seed)
    with ThreadPoolExecutor(1) as pool:
        expecting = pool.submit(lp.expectations, ROOT, args.data, uploads)  # meanwhile the server starts
        server = None
        if args.url:
            url, roots = args.url.rstrip("/"), args.server_pids
        else:
            env = {"MALLOC_ARENA_MAX": str(args.malloc_arena_max)} if args.malloc_arena_max else {}
            server = server_support.start(args.data, env=env, args=("--server.disconnectedSessionTTL", str(args.ttl)))
            url, roots = server.url, [server.proc.pid]
        try:
            expect = expecting.result()
            return run_protocol(args, lp, url, roots, expect, uploads, server is not None)
        finally:
            if server is not None:
                server_support.stop(server.proc)


def run_protocol(args, lp, url: str, roots: list[int], expect: dict, uploads: dict, own: bool) -> dict:
    def expire(old_sessions: list[str]) -> bool:
        """Wait out the TTL, then visit asking for old sessions back: True when none was still there.
        The server drops expired sessions on its next session-storage write (a visit's closing)."""
        time.sleep(args.ttl + 1)
        visits = old_sessions[:1 if own else 2 * len(roots)]  # behind a front, visits may reach other processes
        expired = all([asyncio.run(lp.touch(url, old)) for old in visits])
        time.sleep(COLLECTED_WITHIN)
        return expired

    started = rss_mib(roots)
    warm = lp.Tally()
    warm_session = asyncio.run(asyncio.wait_for(lp.warm_up(url, expect, uploads, warm), OVERRUN))
    expire([warm_session])
    before = rss_mib(roots)
    # The peak comes from the kernel's high-water mark, so no sampling thread adds to this client's CPU;
    # where it cannot be reset, a sampler reads RSS every SAMPLE_EVERY s instead.
    sampler = None if reset_peaks(roots) else Sampler(roots, every_cpu=False)
    if sampler:
        sampler.start()
    load_before = os.getloadavg()
    tally = lp.Tally()
    server0, client0, t0 = sum(map(cpu_s, trees(roots))), time.process_time(), time.monotonic()
    phases = asyncio.run(asyncio.wait_for(
        lp.drive(url, args.sessions, args.seconds, args.trainers, args.pace, expect, uploads, args.seed, tally),
        args.seconds + OVERRUN))
    client_s, wall = time.process_time() - client0, time.monotonic() - t0
    server_s = sum(map(cpu_s, trees(roots))) - server0
    load_after = os.getloadavg()
    if sampler:
        sampler.stop()
    peak = sampler.peak if sampler else peak_mib(roots)  # read before the sessions expire
    expired = expire(phases["session_ids"])
    after = rss_mib(roots)
    cleared = None
    if own:  # what the caches hold, apart from the sessions: never done to a front someone else runs
        asyncio.run(lp.touch(url, "", clear_caches=True))
        time.sleep(2)
        cleared = rss_mib(roots)
    actions = {k: v for k, v in tally.times.items() if k != "first load"}
    return {
        "mode": "protocol",
        "sessions": args.sessions,
        "trainers": phases["trainers"],
        "seconds": args.seconds,
        "pace_s": args.pace,
        "wall_s": wall,
        "live_s": phases["end"] - phases["live"],
        "cpus": len(os.sched_getaffinity(0)),
        "server": ("one process started here" + (f" with MALLOC_ARENA_MAX={args.malloc_arena_max}"
                                                   if args.malloc_arena_max else "")
                   if own else f"{len(roots)} process(es) behind {url}"),
        "data": str(args.data),
        "ttl_s": args.ttl,
        "load_average": {"before": load_before, "after": load_after},
        "actions": sum(map(len, actions.values())),
        "errors": len(tally.errors),
        "errors_by_kind": count_errors(tally.errors),
        "error_samples": sorted({f"{a}: {w}" for a, w in tally.errors})[:12],
        "warm_up_errors": [f"{a}: {w}" for a, w in warm.errors],
        "training_runs": {o: sum(r["outcome"] == o for r in tally.runs) for o in ("ok", "short", "dropped")},
        "short_or_dropped": [r for r in tally.runs if r["outcome"] != "ok"],
        "all_actions": summary([t for ts in actions.values() for t in ts]),
        "by_action": {k: summary(v) for k, v in sorted(tally.times.items())},
        "script_runs": tally.finishes,
        "script_runs_early": tally.early,
        "script_runs_per_s": tally.finishes / wall,
        "cpu_s": {"server": server_s, "client": client_s},
        "server_cores": server_s / wall,
        "server_cpu_per_run_ms": 1000 * server_s / max(tally.finishes, 1),
        "client_cpu_share": client_s / server_s if server_s else None,
        "rss_mib": {"started": started, "before": before, "peak": max(peak, before), "after": after,
                    "after_caches_cleared": cleared},
        "sessions_expired": expired,
    }


def count_errors(errors: list[tuple[str, str]]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for _, what in errors:
        kind = next((k for k in ("no answer", "effect not seen", "exception", "short run", "connection")
                     if k in what), "other")
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def report_protocol(r: dict) -> str:
    m, cpu, share = r["rss_mib"], r["cpu_s"], r["client_cpu_share"]
    ratio = m["after"] / m["before"]
    runs = r["training_runs"]
    bad_runs = runs["short"] + runs["dropped"]
    p95 = r["all_actions"]["p95_s"] if r["all_actions"] else float("inf")
    client = "- (no server CPU measured)" if share is None else (
        f"{100 * share:.1f}% of the server's   " + verdict(share < TARGETS["client_cpu_share"], "< 5%"))
    lines = [
        f"protocol mode: {r['sessions']} sessions ({r['trainers']} training) for {r['seconds']:g} s at a "
        f"{r['pace_s']:g} s pace ({r['live_s']:.0f} s of actions, {r['wall_s']:.0f} s with loading and closing)",
        f"  server                {r['server']}, {r['cpus']} CPUs, sessions expire {r['ttl_s']} s after closing",
        f"  data                  {r['data']}",
        f"  load average (1/5/15) {loads(r['load_average']['before'])} before, {loads(r['load_average']['after'])}"
        " after (the machine is shared)",
        f"  actions / errors      {r['actions']} / {r['errors']}   {verdict(r['errors'] == 0, '0')}",
        *(f"      {n} {k}" for k, n in r["errors_by_kind"].items()),
        *(f"      e.g. {e}" for e in r["error_samples"]),
        f"  training runs         {runs['ok']} ok, {runs['short']} short, {runs['dropped']} dropped   "
        + verdict(bad_runs == 0, "0 short or dropped"),
        *(f"      asked {x['asked']}, trained {x['trained']}: {x['outcome']}" for x in r["short_or_dropped"][:8]),
        f"  time to effect        p95 of all actions {p95:.2f} s   {verdict(p95 <= TARGETS['p95_s'], '<= 1 s')}",
        f"    {'action':<30}{'n':>5}    p50    p95    max (s)",
        *(f"    {k:<30}{v['n']:5d} {seconds_cells(v)}" for k, v in r["by_action"].items()),
        "    (→ done: to the end of a training run, the training itself included)",
        f"  script runs           {r['script_runs']} = {r['script_runs_per_s']:.1f} a second "
        f"({r['script_runs_early']} ended early for a rerun)",
        f"  server CPU            {cpu['server']:.1f} s = {r['server_cores']:.2f} of a core; "
        f"{r['server_cpu_per_run_ms']:.0f} ms per script run",
        f"  client CPU            {cpu['client']:.1f} s = {client}",
        f"  server RSS (MiB)      started {m['started']:.0f}, before {m['before']:.0f} (warmed up, its session "
        f"expired), peak {m['peak']:.0f}, after {m['after']:.0f} (sessions expired)",
        f"  after / before        {ratio:.2f}   " + verdict(ratio <= TARGETS["memory_after_vs_before"], "<= 1.20")
        + ("" if r["sessions_expired"] else "  (a session asked back after the TTL was still there)"),
    ]
    if m["after_caches_cleared"] is not None:
        lines.append(f"  then caches cleared   {m['after_caches_cleared']:.0f} MiB (st.cache_data and cache_resource "
                     "emptied: what remains is not the caches')")
    if r["warm_up_errors"]:
        lines.append(f"  warm-up errors        {'; '.join(r['warm_up_errors'][:4])}")
    return "\n".join(lines)


# --- browser mode ---------------------------------------------------------------------------------


def measure_browser(args) -> dict:
    import load_browser as lb  # only this mode needs playwright and Chromium

    cpus = sorted(os.sched_getaffinity(0))
    server = server_support.start(args.data, port=args.port or None)
    if args.pin:  # the server on one core; this script and the browsers it starts (children inherit) on the rest
        os.sched_setaffinity(server.proc.pid, cpus[:1])
        os.sched_setaffinity(0, cpus[1:])
    roots = [server.proc.pid]
    try:
        started = rss_mib(roots)
        warm = lb.Tally()
        asyncio.run(lb.drive(server.url, 1, 0, warm, min_rounds=2))  # every page; both One step and Start
        time.sleep(5)
        before = rss_mib(roots)
        sampler = Sampler(roots)
        sampler.start()
        tally = lb.Tally()
        t0 = time.monotonic()
        rounds = asyncio.run(asyncio.wait_for(lb.drive(server.url, args.sessions, args.seconds, tally),
                                              args.seconds + OVERRUN))
        wall = time.monotonic() - t0
        time.sleep(BROWSER_AFTER_WAIT)
        sampler.stop()
        after = rss_mib(roots)
    finally:
        server_support.stop(server.proc)
    inputs = {k: v for k, v in tally.times.items() if k != "first load"}
    return {
        "mode": "browser",
        "sessions": args.sessions,
        "seconds": args.seconds,
        "wall_s": wall,
        "cpus": len(cpus),
        "pinned": args.pin,
        "load_average": os.getloadavg(),
        "data": str(args.data),
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


def p50_p95(s: dict | None) -> str:
    return f"{s['p50_s']:.2f} s / {s['p95_s']:.2f} s" if s else "no inputs"


def report_browser(r: dict) -> str:
    s, srv, m, cpu = r["settle"], r["server"], r["rss_mib"], r["cpu_s"]
    ratio = m["after"] / m["before"]
    pinned = ", server pinned to one, browsers on the rest" if r["pinned"] else ""
    lines = [
        f"browser mode: {r['sessions']} sessions for {r['seconds']:g} s ({r['wall_s']:.0f} s wall, "
        f"{r['cpus']} CPUs{pinned})",
        f"  data                  {r['data']}",
        f"  load average at end   {loads(r['load_average'])} (the machine is shared)",
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
        + f"peak {m['peak']:.0f}, after {m['after']:.0f} ({BROWSER_AFTER_WAIT:g} s after closing)",
        f"  after / before        {ratio:.2f}   " + verdict(ratio <= TARGETS["memory_after_vs_before"], "<= 1.20"),
    ]
    return "\n".join(lines)


# --- the command line -----------------------------------------------------------------------------


def pid_list(text: str) -> list[int]:
    return [int(p) for p in text.split(",") if p.strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mode", choices=["protocol", "browser"], default="protocol",
                    help="protocol (default): measure the server; browser: the end-to-end check in Chromium")
    ap.add_argument("--sessions", type=int, default=8, help="concurrent sessions (protocol 1..128, browser 1..32)")
    ap.add_argument("--seconds", type=float, default=60, help=f"how long they keep acting (1..{MAX_SECONDS})")
    ap.add_argument("--data", type=Path, help="starting dataset (MAKEMORE_DATA); default: the lecture's "
                    "../shared/data/names.txt, else the bundled one")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    p = ap.add_argument_group("protocol mode")
    p.add_argument("--pace", type=float, default=2.0, help="seconds between a learner's actions, +-50%% (0.2..30)")
    p.add_argument("--trainers", type=float, default=0.25, help="share of sessions that train the net (0..1)")
    p.add_argument("--ttl", type=int, default=10, help="server.disconnectedSessionTTL for the run, s (1..300)")
    p.add_argument("--seed", type=int, default=0, help="seed of the learners' choices")
    p.add_argument("--malloc-arena-max", type=int, default=2, help="MALLOC_ARENA_MAX for the server started "
                   "here, as docs/deploy.md advises (0: leave it unset)")
    p.add_argument("--url", help="drive this running front (loopback only) instead of starting the app")
    p.add_argument("--server-pids", type=pid_list, default=[], help="with --url: the server processes to "
                   "measure, comma-separated (their children count too)")
    b = ap.add_argument_group("browser mode")
    b.add_argument("--port", type=int, default=0, help="server port on 127.0.0.1; default: a free one")
    b.add_argument("--pin", action="store_true", help="server on the first core, browsers on the others")
    args = ap.parse_args()
    if not (1 <= args.sessions <= MAX_SESSIONS[args.mode] and 1 <= args.seconds <= MAX_SECONDS):
        ap.error(f"--sessions must be 1..{MAX_SESSIONS[args.mode]} in {args.mode} mode, --seconds 1..{MAX_SECONDS}")
    if not (0.2 <= args.pace <= 30 and 0 <= args.trainers <= 1 and 1 <= args.ttl <= 300):
        ap.error("--pace must be 0.2..30, --trainers 0..1, --ttl 1..300")
    if args.url and (urlsplit(args.url).hostname not in LOOPBACK or not args.server_pids):
        ap.error("--url must be on loopback (127.0.0.1, localhost, ::1) and needs --server-pids")
    if args.url and args.mode != "protocol":
        ap.error("--url works in protocol mode")
    if args.pin and len(os.sched_getaffinity(0)) < 2:
        ap.error("--pin needs at least two cores")
    if args.data is None:
        args.data = LECTURE_DATA if LECTURE_DATA.exists() else ROOT / "data" / "names.txt"
        if not LECTURE_DATA.exists():
            print(f"note: {LECTURE_DATA} is absent; using the bundled data/names.txt", file=sys.stderr)
    args.data = args.data.resolve()
    if args.mode == "browser":
        from browser_support import CHROMIUM

        if not Path(CHROMIUM).exists():
            ap.error(f"{CHROMIUM} is missing (apt-get install chromium)")
        r = measure_browser(args)
        text = report_browser(r)
    else:
        r = measure_protocol(args)
        text = report_protocol(r)
    print(json.dumps(r, indent=2) if args.json else text)
    return 0 if r["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
