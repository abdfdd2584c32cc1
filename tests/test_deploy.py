"""deploy/: the config nginx accepts for several machines, then two Streamlit processes behind nginx started by
deploy/run.py: health, pages, the websocket, routing each browser to one process, uploads, a process that
dies, and a clean stop.

The tests share one deployment and run in file order: the last two kill a process and stop it all.
"""

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import server_support
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from deploy import nginx_conf

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (apt-get install nginx)")

ROUTE = "makemore_route"  # nginx's routing cookie: the number of the process that holds the browser's session
LOG_LINE = re.compile(r'"(?P<request>[^"]*)" (?P<status>\d+) route=(?P<route>\S*) served_by=(?P<served_by>\S*) ')


@dataclass
class Front:
    url: str
    runner: subprocess.Popen
    output: list[str]  # run.py's lines so far
    lines: queue.Queue  # run.py's lines still to read
    pids: dict[str, int]  # process number (the route cookie's value) -> pid
    run_dir: Path

    def log(self) -> list[dict[str, str]]:
        """nginx's access log, one dict per request (a websocket is logged when it closes)."""
        lines = (self.run_dir / "access.log").read_text().splitlines()
        return [m.groupdict() for m in map(LOG_LINE.search, lines) if m]


def read_lines(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))


@pytest.fixture(scope="module")
def front(tmp_path_factory) -> Front:
    run_dir = tmp_path_factory.mktemp("deploy")
    port = server_support.free_port()
    command = [sys.executable, str(ROOT / "deploy" / "run.py"), "2", str(port), "--run-dir", str(run_dir)]
    runner = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(runner.stdout, lines), daemon=True).start()
    output: list[str] = []
    deadline = time.monotonic() + 120
    while not (output and output[-1].startswith("ready:")):
        try:
            output.append(lines.get(timeout=1))
        except queue.Empty:
            if runner.poll() is not None or time.monotonic() > deadline:
                runner.terminate()  # run.py stops whatever it had started
                runner.wait(timeout=60)
                pytest.fail(f"deploy/run.py did not get ready: {output}")
    pids = {m[1]: int(m[2]) for m in (re.match(r"process (\d+) pid (\d+)", line) for line in output) if m}
    yield Front(f"http://127.0.0.1:{port}", runner, output, lines, pids, run_dir)
    if runner.poll() is None:
        runner.terminate()
        runner.wait(timeout=60)


def browser(route: str | None = None) -> requests.Session:
    """A visitor's cookie jar; `route` pins it to a process as if nginx had set the cookie."""
    http = requests.Session()
    if route:
        http.cookies.set(ROUTE, route, domain="127.0.0.1", path="/")  # where nginx's own cookie would be
    return http


def open_stream(front: Front, http: requests.Session, session_id: str = "") -> ClientConnection:
    """The browser's websocket, as the frontend opens it: after a health check that sets the XSRF cookie,
    with the token (and a session to resume) in the subprotocol list, the cookies and a same-site Origin."""
    assert http.get(f"{front.url}/_stcore/health", timeout=10).text == "ok"
    cookies = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
    protocols = ["streamlit", http.cookies["_streamlit_xsrf"], *([session_id] if session_id else [])]
    return connect(front.url.replace("http:", "ws:") + "/_stcore/stream", subprotocols=protocols,
                   additional_headers={"Cookie": cookies, "Origin": front.url}, open_timeout=10)


def receive_until(ws: ClientConnection, kind: str, timeout: float = 30) -> list[ForwardMsg]:
    """ForwardMsgs up to and including the first of `kind`."""
    msgs = []
    deadline = time.monotonic() + timeout
    while not msgs or msgs[-1].WhichOneof("type") != kind:
        msg = ForwardMsg()
        msg.ParseFromString(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        msgs.append(msg)
    return msgs


def run_script(ws: ClientConnection) -> str:
    """Ask for a run of the home page as a browser does on load; return the session's id."""
    rerun = BackMsg()
    rerun.rerun_script.SetInParent()
    ws.send(rerun.SerializeToString())
    msgs = receive_until(ws, "script_finished")
    assert msgs[0].WhichOneof("type") == "new_session"
    assert any(m.WhichOneof("type") == "delta" for m in msgs)
    assert msgs[-1].script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
    return msgs[0].new_session.initialize.session_id


def upload_url(ws: ClientConnection, session_id: str) -> str:
    """Where the frontend would PUT a file for this session, as the server tells it."""
    ask = BackMsg()
    ask.file_urls_request.request_id = "upload-1"
    ask.file_urls_request.file_names.append("words.txt")
    ask.file_urls_request.session_id = session_id
    ws.send(ask.SerializeToString())
    return receive_until(ws, "file_urls_response")[-1].file_urls_response.file_urls[0].upload_url


def put_file(front: Front, http: requests.Session, url: str, body: bytes = b"emma\nava\n", token: bool = True):
    headers = {"X-Xsrftoken": http.cookies["_streamlit_xsrf"]} if token else {}
    return http.put(front.url + url, files={"file": ("words.txt", body, "text/plain")}, headers=headers, timeout=30)


def test_the_config_passes_nginx_check_and_matches_the_upload_cap(tmp_path):
    machines = ["10.0.0.11:8501", "10.0.0.11:8502", "10.0.0.12:8501"]
    (tmp_path / "site.conf").write_text(nginx_conf.render(machines, "127.0.0.1:8080"))
    shutil.copy(ROOT / "deploy" / "nginx.conf", tmp_path / "nginx.conf")
    (tmp_path / "tmp").mkdir()
    check = subprocess.run([NGINX, "-p", f"{tmp_path}/", "-c", str(tmp_path / "nginx.conf"), "-e", "error.log", "-t"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    # nginx's body cap on uploads is Streamlit's: maxUploadSize plus 1 MiB of multipart framing.
    cap = re.search(r"client_max_body_size (\d+)m;", (ROOT / "deploy" / "site.conf").read_text())
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert int(cap[1]) == config["server"]["maxUploadSize"] + 1
    with pytest.raises(ValueError, match="IP:port"):
        nginx_conf.render(["app1.example.org:8501"], "127.0.0.1:8080")  # $upstream_addr would show its IP


def test_health_index_and_static_files_through_nginx(front):
    http = browser()
    health = http.get(f"{front.url}/_stcore/health", timeout=10)
    assert (health.status_code, health.text) == (200, "ok")
    index = http.get(f"{front.url}/", timeout=10)
    assert index.status_code == 200 and '<div id="root">' in index.text
    scripts = re.findall(r'src="\.?/?(static/js/[^"]+\.js)"', index.text)
    assert scripts, "index.html names no script"
    script = http.get(f"{front.url}/{scripts[0]}", timeout=10)
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]


def test_new_browsers_are_spread_and_each_stays_on_its_process(front):
    routes = []
    for _ in range(4):
        http = browser()
        first = http.get(f"{front.url}/", timeout=10)
        assert ROUTE in first.cookies, "nginx sets the routing cookie on a browser's first answer"
        routes.append(http.cookies[ROUTE])
        for path in ("/_stcore/health", "/_stcore/host-config", "/"):
            again = http.get(front.url + path, timeout=10)
            assert again.status_code == 200 and ROUTE not in again.cookies  # set once, not on every answer
    assert set(routes) == {"1", "2"}
    served = {}
    for entry in front.log():
        if entry["route"] in routes:
            served.setdefault(entry["route"], set()).add(entry["served_by"])
    assert served == {"1": {"1"}, "2": {"2"}}


def test_a_session_its_websocket_and_its_upload_share_one_process(front):
    http = browser("1")
    with open_stream(front, http) as ws:
        session_id = run_script(ws)
        url = upload_url(ws, session_id)
        assert url.startswith(f"/_stcore/upload_file/{session_id}/")
        assert put_file(front, http, url).status_code == 204
        assert put_file(front, http, url, token=False).status_code == 403  # XSRF still checked behind nginx
        # The same upload routed to the other process: that process does not know the session.
        elsewhere = browser("2")
        elsewhere.cookies.set("_streamlit_xsrf", http.cookies["_streamlit_xsrf"], domain="127.0.0.1", path="/")
        assert put_file(front, elsewhere, url).status_code == 400
        # nginx refuses a body over Streamlit's own cap before any process sees it.
        assert put_file(front, http, url, body=b"a\n" * (12 << 19)).status_code == 413
    uploads = [e for e in front.log() if session_id in e["request"] and e["status"] != "413"]
    assert {(e["route"], e["served_by"]) for e in uploads} == {("1", "1"), ("2", "2")}
    streams = [e for e in front.log() if e["request"].startswith("GET /_stcore/stream") and e["route"] == "1"]
    assert streams and {e["served_by"] for e in streams} == {"1"}


def test_the_websocket_refuses_another_site(front):
    http = browser("1")
    http.get(f"{front.url}/_stcore/health", timeout=10)
    with pytest.raises(InvalidStatus):
        connect(front.url.replace("http:", "ws:") + "/_stcore/stream", subprotocols=["streamlit"],
                additional_headers={"Origin": "http://evil.example"}, open_timeout=10)


def test_when_a_process_dies_its_sessions_are_lost_and_new_ones_go_to_the_other(front):
    http = browser("1")
    with open_stream(front, http) as ws:
        lost = run_script(ws)
        os.kill(front.pids["1"], signal.SIGKILL)
        with pytest.raises(ConnectionClosed):  # nginx closes the tab's websocket with its process
            while True:
                ws.recv(timeout=10)
    health = http.get(f"{front.url}/_stcore/health", timeout=10)
    assert health.text == "ok" and http.cookies[ROUTE] == "2"  # the browser's cookie moves to the live process
    with open_stream(front, http, session_id=lost) as ws:  # the frontend asks to resume its session
        assert run_script(ws) != lost  # it cannot: a fresh session, its state gone
    for _ in range(3):
        fresh = browser()
        assert fresh.get(f"{front.url}/", timeout=10).status_code == 200
        assert fresh.cookies[ROUTE] == "2"
    deadline = time.monotonic() + 5
    while not any("exited" in line for line in front.output) and time.monotonic() < deadline:
        try:
            front.output.append(front.lines.get(timeout=0.5))
        except queue.Empty:
            pass
    assert any(line.startswith("process 1 ") and "exited" in line for line in front.output)


def test_sigterm_stops_everything(front):
    nginx_pid = int((front.run_dir / "nginx.pid").read_text())
    front.runner.send_signal(signal.SIGTERM)
    assert front.runner.wait(timeout=60) == 0
    for pid in [nginx_pid, *front.pids.values()]:
        assert not Path(f"/proc/{pid}").exists(), f"pid {pid} is still running"
    assert not (front.run_dir / "nginx.pid").exists()
