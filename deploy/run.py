"""Start N Streamlit processes on loopback and nginx in front of them; Ctrl-C or SIGTERM stops everything.

    python deploy/run.py 2 8080            # front at http://127.0.0.1:8080
    MAKEMORE_DATA=path/to/names.txt python deploy/run.py 2

Each process is `streamlit run app.py` started by tests/server_support.py (the project's one launcher)
with MALLOC_ARENA_MAX=2 (see docs/deploy.md); the environment, MAKEMORE_DATA included, passes through.
nginx runs from deploy/nginx.conf and deploy/site.conf with its pid, logs and temp files in the run
directory: a fresh temporary one removed at exit, or --run-dir DIR, kept. No root needed.
"""

import argparse
import concurrent.futures
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
sys.path.insert(0, str(DEPLOY.parent / "tests"))
import nginx_conf  # noqa: E402
import server_support  # noqa: E402

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def write_config(ports: list[int], listen_port: int, run_dir: Path) -> Path:
    """deploy/nginx.conf and deploy/site.conf filled in for these processes, in run_dir; returns nginx.conf."""
    site = nginx_conf.render([f"127.0.0.1:{port}" for port in ports], f"127.0.0.1:{listen_port}")
    (run_dir / "site.conf").write_text(site)
    shutil.copy(DEPLOY / "nginx.conf", run_dir / "nginx.conf")
    return run_dir / "nginx.conf"


def start_processes(n: int, run_dir: Path, started: list) -> list:
    """Start n app processes at once and return them in order. `started` collects each as it turns
    healthy, so a Ctrl-C meanwhile (leaving the pool waits for the others) still finds all to stop."""
    env = {"MALLOC_ARENA_MAX": "2"}

    def start_one(i: int):
        log = open(run_dir / f"streamlit-{i}.log", "wb")  # the child writes it until it stops
        server = server_support.start(env=env, log=log)
        started.append(server)
        return server

    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        futures = [pool.submit(start_one, i) for i in range(1, n + 1)]
        return [future.result() for future in futures]


def start_nginx(conf: Path, run_dir: Path, front: str) -> subprocess.Popen:
    """Check the config, start nginx (daemon off: it stays our child) and wait until the front is healthy."""
    prefix = ["-p", f"{run_dir}/", "-c", str(conf), "-e", "error.log"]
    check = subprocess.run([NGINX, *prefix, "-t", "-q"], capture_output=True, text=True)
    if check.returncode:
        raise server_support.ServerError(f"nginx rejected {conf}:\n{check.stderr}")
    proc = subprocess.Popen([NGINX, *prefix])
    try:
        server_support.wait_healthy(front, proc, timeout=15)
    except server_support.ServerError:
        stop_nginx(proc)
        raise
    return proc


def stop_nginx(proc: subprocess.Popen) -> None:
    proc.terminate()  # fast shutdown: a graceful one would wait for every open websocket
    proc.wait(timeout=10)


def supervise(nginx: subprocess.Popen, servers: list) -> int:
    """Run until a signal; report a process that dies (nginx sends new browsers elsewhere); end if nginx does."""
    reported = set()
    while nginx.poll() is None:
        for i, server in enumerate(servers, 1):
            if server.proc.poll() is not None and i not in reported:
                reported.add(i)
                print(f"process {i} (pid {server.proc.pid}) exited with {server.proc.returncode}; "
                      "its sessions are lost, new ones go to the others", flush=True)
        time.sleep(0.5)
    print(f"nginx exited with {nginx.returncode}", file=sys.stderr)
    return 1


def stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt  # the same clean-up as Ctrl-C


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("processes", type=int, help="number of Streamlit processes")
    parser.add_argument("port", type=int, nargs="?", default=8080, help="the front's loopback port (default 8080)")
    parser.add_argument("--run-dir", type=Path, help="keep nginx's config, pid, logs and temp files here")
    args = parser.parse_args()
    if not Path(NGINX).exists():
        parser.error("nginx is not installed (apt-get install nginx)")

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    run_dir = args.run_dir or Path(tempfile.mkdtemp(prefix="makemore-deploy-"))
    (run_dir / "tmp").mkdir(parents=True, exist_ok=True)  # nginx creates only the last part of a temp path
    run_dir.chmod(0o755)  # nginx's workers (user nobody when started as root) reach their temp files through it
    started: list = []
    nginx = None
    try:
        servers = start_processes(args.processes, run_dir, started)
        front = f"http://127.0.0.1:{args.port}"
        nginx = start_nginx(write_config([s.port for s in servers], args.port, run_dir), run_dir, front)
        for i, server in enumerate(servers, 1):
            print(f"process {i} pid {server.proc.pid} {server.url}", flush=True)
        print(f"nginx pid {nginx.pid}, logs in {run_dir}", flush=True)
        print(f"ready: {front} (Ctrl-C stops everything)", flush=True)
        return supervise(nginx, servers)
    except KeyboardInterrupt:
        return 0
    except server_support.ServerError as e:
        where = f"logs in {run_dir}" if args.run_dir else "--run-dir DIR keeps the logs"
        print(f"could not start: {e} ({where})", file=sys.stderr)
        return 1
    finally:
        if nginx is not None and nginx.poll() is None:
            stop_nginx(nginx)
        for server in started:
            server_support.stop(server.proc)
        if args.run_dir is None:
            shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
