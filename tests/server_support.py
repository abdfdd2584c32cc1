"""The one way tests, benchmarks and the load script start the app: `streamlit run app.py` on loopback."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER_ARGS = ["--server.headless", "true", "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]


class ServerError(RuntimeError):
    """The server exited or never answered its health check."""


@dataclass
class Server:
    url: str  # http://127.0.0.1:<port>
    port: int
    proc: subprocess.Popen
    started: float  # time.monotonic() when the process was started
    healthy: float  # time.monotonic() when /_stcore/health first answered "ok"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen | None = None, timeout: float = 90.0) -> float:
    """Poll `url`/_stcore/health until it says ok; returns the monotonic time it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (proc is None or proc.poll() is None):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return time.monotonic()
        except OSError:
            pass
        time.sleep(0.1)
    raise ServerError(f"{url} did not become healthy")


def start(data: Path | None = None, *, root: Path = ROOT, port: int | None = None, env: dict | None = None,
          args: tuple[str, ...] = (), log=subprocess.DEVNULL, timeout: float = 90.0) -> Server:
    """Start `streamlit run app.py` in `root` (MAKEMORE_DATA=data if given) and wait until it is healthy."""
    port = port or free_port()
    environ = {**os.environ, **(env or {})}
    if data is not None:
        environ["MAKEMORE_DATA"] = str(data)
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", *SERVER_ARGS, "--server.port", str(port), *args]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=root, env=environ, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        healthy = wait_healthy(url, proc, timeout)
    except ServerError:
        stop(proc)
        raise
    return Server(url, port, proc, t0, healthy)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def streamlit_server(data: Path | None = None, **kw) -> Iterator[Server]:
    """A running server for the `with` block; stopped after it."""
    server = start(data, **kw)
    try:
        yield server
    finally:
        stop(server.proc)
