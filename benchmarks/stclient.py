"""A Streamlit client that speaks the browser's own protocol (streamlit 1.67): one `Session` per browser tab.

It does what the frontend does (frontend/app/src/App.tsx, lib/src/WidgetStateManager.ts, connection/):
- opens the page like a browser: GET the page, /_stcore/health (sets the XSRF cookie), /_stcore/host-config,
  keeping the cookies per session from every answer, the websocket's 101 included (a cookie-sticky
  front sees one browser), then a websocket to /_stcore/stream with the subprotocols
  ["streamlit", <XSRF token>] and the cookies;
- sends `BackMsg.rerun_script` with every widget state it holds (set from the deltas on first sight, or
  when the server sets a value; buttons only as a one-off trigger), the fragment of the widget that
  changed, the URL's query string (kept from `page_info_changed`), its cached message hashes and the
  context info;
- keeps the tree of shown elements by delta path and clears stale ones when a run finishes (a full run
  clears every element it did not send; a fragment run only its fragments' elements);
- keeps the message cache (cacheable deltas by hash, `ref_hash` resolved, aged by script runs);
- runs `st.fragment(run_every=...)` timers as the browser does: on `auto_rerun` a fragment rerun with
  `is_auto_rerun` every interval, whether or not the last one has finished, until `stop_auto_rerun`,
  a full run, or a page change;
- uploads through `file_urls_request` and an HTTP PUT of a multipart form with the X-Xsrftoken header.

Checks read the state at the moment a script-finished message arrives: `watch(check)` calls check(finish)
for each run that finishes after the request, inside the reader, before any later message is applied
(and, if asked, check(None) after each element of such a run: a long run updates its page in place).
"""

import asyncio
import http.client
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileURLs
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.client import ClientProtocol
from websockets.extensions.permessage_deflate import enable_client_permessage_deflate
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.typing import Origin, Subprotocol
from websockets.uri import parse_uri

XSRF_COOKIE = "_streamlit_xsrf"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) makemore-load-client/1"  # honest: a load client, not Chrome
CONTEXT = dict(timezone="UTC", timezone_offset=0, locale="en-US", is_embedded=False, color_scheme="light")
STATEFUL = {"slider", "number_input", "text_input", "text_area", "radio", "selectbox", "checkbox", "file_uploader"}
TRIGGERS = {"button", "download_button"}  # no state until clicked, then one rerun with the trigger set
WIDGETS = STATEFUL | TRIGGERS
FINISHED, EARLY, FRAGMENT = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_EARLY_FOR_RERUN,
                             ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


class ProtocolError(Exception):
    """The server answered in a way a browser would show as an error (HTTP status, missing widget...)."""


class Wire(asyncio.Protocol):
    """A websocket: websockets' sans-I/O client protocol on an asyncio transport. Each message is handed
    to on_message as it arrives, with no future, queue or task per message (websockets' asyncio client
    spent about a sixth of this client's CPU on them)."""

    def __init__(self, url: str, subprotocols: list[str], origin: str, headers: dict[str, str],
                 on_message: Callable[[bytes], None], on_cookie: Callable[[str], None]):
        self.ws = ClientProtocol(parse_uri(url), origin=Origin(origin), max_size=None,
                                 extensions=enable_client_permessage_deflate(None),  # as Chromium offers it
                                 subprotocols=[Subprotocol(p) for p in subprotocols])
        self.headers, self.on_message, self.on_cookie = headers, on_message, on_cookie
        self.transport: asyncio.Transport | None = None
        self.parts: list[bytes] = []  # a fragmented message's frames so far
        loop = asyncio.get_running_loop()
        self.opened, self.closed = loop.create_future(), loop.create_future()

    def connection_made(self, transport) -> None:
        self.transport = transport
        request = self.ws.connect()
        for k, v in self.headers.items():
            request.headers[k] = v
        self.ws.send_request(request)
        self._flush()

    def data_received(self, data: bytes) -> None:
        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if isinstance(event, Response):
                for value in event.headers.get_all("Set-Cookie"):  # a sticky front may route by it
                    self.on_cookie(value)
                if not self.opened.done():
                    if self.ws.handshake_exc is None:
                        self.opened.set_result(None)
                    else:
                        self.opened.set_exception(ProtocolError(f"websocket handshake: {self.ws.handshake_exc}"))
            elif event.opcode in (Opcode.BINARY, Opcode.CONT):
                self.parts.append(event.data)
                if event.fin:
                    self.on_message(self.parts[0] if len(self.parts) == 1 else b"".join(self.parts))
                    self.parts = []
        self._flush()  # pongs to the server's pings, the answer to its close

    def eof_received(self) -> bool:
        self.ws.receive_eof()
        self._flush()
        return False

    def connection_lost(self, exc) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError("the websocket closed before it opened"))
        if not self.closed.done():
            self.closed.set_result(None)

    def _flush(self) -> None:
        for data in self.ws.data_to_send():
            if data:
                self.transport.write(data)
            elif self.transport.can_write_eof():
                self.transport.write_eof()

    def send(self, data: bytes) -> None:
        if self.ws.state is not State.OPEN:
            raise ConnectionError("the websocket is closed")
        self.ws.send_binary(data)
        self._flush()

    async def close(self, timeout: float = 5.0) -> None:
        if self.ws.state is State.OPEN:
            self.ws.send_close()
            self._flush()
        try:
            await asyncio.wait_for(asyncio.shield(self.closed), timeout)
        except TimeoutError:
            pass
        self.transport.close()


@dataclass(slots=True)
class Node:
    """One shown element (or block: element None) at a delta path, with the run and fragment that sent it."""

    element: Element | None
    kind: str
    run_id: str
    fragment_id: str
    script_hash: str  # the page script that drew it (the main script's elements survive a page change)
    widget_id: str = ""  # for a widget that holds a state


@dataclass
class Run:
    run_id: str
    fragment_ids: tuple[str, ...]
    requests_before: int  # rerun requests this session had sent when the run started
    started: float  # time.monotonic()


@dataclass
class Finish:
    run: Run
    status: int  # ForwardMsg.ScriptFinishedStatus
    at: float  # time.monotonic()


@dataclass
class Watch:
    check: Callable[[Finish | None], object]  # None: keep waiting; anything else resolves the watch with it
    after: int  # only runs started after this many requests count
    future: asyncio.Future
    mid_run: bool  # also check after each element a run sends (check(None)): a long run shows progress


class MessageCache:
    """The browser's ForwardMessageCache: cacheable messages by hash, dropped once older than max_age runs."""

    def __init__(self):
        self.messages: dict[str, tuple[bytes, int, str]] = {}  # hash -> (encoded msg, run count seen, fragment)
        self.runs = 0
        self.version = 0  # changes whenever the set of hashes does

    def resolve(self, msg: ForwardMsg, data: bytes) -> ForwardMsg:
        if msg.WhichOneof("type") == "ref_hash":
            encoded, _, fragment = self.messages[msg.ref_hash]  # a miss is a protocol error: KeyError
            self.messages[msg.ref_hash] = (encoded, self.runs, fragment)
            full = ForwardMsg.FromString(encoded)
            full.metadata.CopyFrom(msg.metadata)
            return full
        if msg.metadata.cacheable and msg.hash and msg.hash not in self.messages:
            self.messages[msg.hash] = (data, self.runs, msg.delta.fragment_id)
            self.version += 1
        return msg

    def finished_run(self, max_age: int, fragment_ids: tuple[str, ...]) -> None:
        self.runs += 1
        for h, (_, seen, fragment) in list(self.messages.items()):
            in_scope = not fragment_ids or fragment in fragment_ids
            if in_scope and self.runs - seen > max_age:
                del self.messages[h]
                self.version += 1

    def hashes(self) -> list[str]:
        return list(self.messages)


def user_key(widget_id: str) -> str:
    """The key a script gave a widget: element ids are '$$ID-<hash>-<user key>'."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 else ""


def initial_state(kind: str, w) -> WidgetState | None:
    """The value a widget's frontend component commits when it first appears (or the server sets one)."""
    s = WidgetState(id=w.id)
    if kind == "slider":
        if w.options:  # select_slider: the formatted options
            s.string_array_value.data.extend(w.raw_value if w.set_value else [w.options[i] for i in w.default])
        else:
            s.double_array_value.data.extend(w.value if w.set_value else w.default)
    elif kind == "number_input":
        if not (w.set_value or w.HasField("default")):
            return None
        v = w.value if w.set_value else w.default
        if w.data_type == NumberInput.INT:
            s.int_value = int(v)
        else:
            s.double_value = v
    elif kind in ("text_input", "text_area"):
        if not (w.set_value or w.HasField("default")):
            return None
        s.string_value = w.value if w.set_value else w.default
    elif kind in ("radio", "selectbox"):
        if w.set_value:
            s.string_value = w.raw_value
        elif w.HasField("default") and w.options:
            s.string_value = w.options[w.default]
        else:
            return None
    elif kind == "checkbox":
        s.bool_value = w.value if w.set_value else w.default
    elif kind == "file_uploader":
        s.file_uploader_state_value.SetInParent()
    else:
        return None
    return s


def multipart(field_name: str, file_name: str, data: bytes, mime: str) -> tuple[bytes, str]:
    """A browser FormData body with one file; returns (body, content type)."""
    boundary = "----loadclient" + uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; filename="{file_name}"\r\n'
            f"Content-Type: {mime}\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Session:
    """One browser tab on one Streamlit app: its cookies, websocket, widget states and shown elements."""

    def __init__(self, base_url: str, path: str = "", *, resume: str = "", http_timeout: float = 30.0):
        """resume: the id of an earlier session to reconnect to, as a reconnecting tab asks (the server
        gives a new session when that one has expired)."""
        parts = urlsplit(base_url)
        self.resume = resume
        self.base, self.host, self.port = base_url.rstrip("/"), parts.hostname, parts.port or 80
        self.path, self.http_timeout = path.strip("/"), http_timeout
        self.cookies: dict[str, str] = {}
        self.ws: Wire | None = None
        self.nodes: dict[tuple[int, ...], Node] = {}
        self.states: dict[str, WidgetState] = {}  # widget id -> what the next rerun sends
        self.states_version = 0  # changes with self.states: a timer's reruns reuse the encoded message
        self.encoded: tuple[tuple, bytes] | None = None
        self.query_string = ""
        self.page_hash = self.main_hash = self.session_id = ""
        self.pages: dict[str, str] = {}  # url path name ("" = the main page) -> page_script_hash
        self.max_age = 2  # runs a cached message lives; the server's NewSession config says
        self.cache = MessageCache()
        self.timers: dict[str, tuple[float, asyncio.Task]] = {}  # fragment id -> (interval, task)
        self.requests = 0  # rerun requests sent
        self.scope = ""  # the fragment the last request (not a timer's) asked to rerun; "" for the page
        self.run: Run | None = None  # the run whose messages are arriving
        self.running = False  # a run has started and not finished yet
        self.finishes: list[Finish] = []
        self.watches: list[Watch] = []
        self.mid_run_watches = 0  # how many watches want a look after each element
        self.exceptions: list[str] = []  # exception elements and compile errors the app showed
        self.url_requests: dict[str, asyncio.Future] = {}
        self.closed = asyncio.Event()

    # --- HTTP and the connection ---------------------------------------------------------------------

    def _keep_cookie(self, set_cookie: str) -> None:
        for name, morsel in SimpleCookie(set_cookie).items():
            self.cookies[name] = morsel.value

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _http_blocking(self, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.http_timeout)
        try:
            hdrs = {"User-Agent": USER_AGENT, **headers}
            if self.cookies:
                hdrs["Cookie"] = self._cookie_header()
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            data = r.read()
            for value in r.headers.get_all("Set-Cookie") or []:
                self._keep_cookie(value)
            return r.status, data
        finally:
            conn.close()

    async def http(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
                   ) -> bytes:
        """An HTTP request with this session's cookies (kept from Set-Cookie, like a browser)."""
        status, data = await asyncio.to_thread(self._http_blocking, method, path, body, headers or {})
        if status >= 400:
            raise ProtocolError(f"{method} {path}: HTTP {status} {data[:200]!r}")
        return data

    async def open(self, timeout: float = 120.0) -> Finish:
        """Load the page, connect, and wait for the first run to finish (a cold server imports first)."""
        await self.http("GET", f"/{self.path}", headers={"Accept": "text/html"})
        await self.http("GET", "/_stcore/health")
        await self.http("GET", "/_stcore/host-config")
        # Subprotocols: "streamlit", the XSRF token, and the session to resume if any (the browser's way)
        protocols = ["streamlit", self.cookies.get(XSRF_COOKIE, "PLACEHOLDER_AUTH_TOKEN")] + [self.resume] * bool(
            self.resume)
        wire = Wire(self.base.replace("http", "ws", 1) + "/_stcore/stream", protocols, self.base,
                    {"Cookie": self._cookie_header(), "User-Agent": USER_AGENT}, self._receive, self._keep_cookie)
        transport, _ = await asyncio.get_running_loop().create_connection(lambda: wire, self.host, self.port)
        try:
            await asyncio.wait_for(asyncio.shield(wire.opened), self.http_timeout)
        except BaseException:
            transport.close()
            raise
        self.ws = wire
        wire.closed.add_done_callback(lambda _: self._lost())
        first = self.watch(lambda f: f if f.status != EARLY else None)
        await self.rerun(page_name=self.path)
        return await asyncio.wait_for(first, timeout)

    async def close(self) -> None:
        self._stop_timers()
        if self.ws is not None:
            await self.ws.close()
        for w in self.watches:
            if not w.future.done():
                w.future.cancel()

    # --- what goes to the server ---------------------------------------------------------------------

    async def rerun(self, *, fragment_id: str = "", page_hash: str | None = None, page_name: str = "",
                    auto: bool = False, states: list[WidgetState] | None = None) -> int:
        """Send a rerun request (App.sendRerunBackMsg); returns the request count to watch from."""
        page_hash = self.page_hash if page_hash is None else page_hash
        key = (self.states_version, self.cache.version, self.query_string, page_hash, page_name, fragment_id, auto,
               self.path)
        if states is None and self.encoded is not None and self.encoded[0] == key:
            data = self.encoded[1]  # a timer's tick: nothing changed since the last request
        else:
            data = self._encode_rerun(fragment_id, page_hash, page_name, auto, states)
            if states is None:
                self.encoded = (key, data)
        mark = self.requests
        self.requests += 1
        self.ws.send(data)
        if not auto:
            self.scope = fragment_id
        return mark

    def _encode_rerun(self, fragment_id: str, page_hash: str, page_name: str, auto: bool,
                      states: list[WidgetState] | None) -> bytes:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query_string
        cs.page_script_hash = page_hash
        cs.page_name = page_name if not page_hash else ""
        cs.fragment_id = fragment_id
        cs.is_auto_rerun = auto
        cs.widget_states.widgets.extend(self.states.values() if states is None else states)
        cs.cached_message_hashes.extend(self.cache.hashes())
        for k, v in CONTEXT.items():
            setattr(cs.context_info, k, v)
        cs.context_info.url = f"{self.base}/{self.path}"  # Chromium sends the address without its query
        return msg.SerializeToString()

    def widget(self, key: str) -> Node:
        """The shown widget with this user key (KeyError if the page does not show it)."""
        for node in self.nodes.values():
            if node.kind in WIDGETS and user_key(getattr(node.element, node.kind).id) == key:
                return node
        raise KeyError(key)

    async def set_value(self, key: str, value) -> int:
        """Change a widget as a user would (the value in the widget's own terms: a formatted option for
        a radio, select box or select_slider), then rerun it: its fragment alone if it is in one."""
        node = self.widget(key)
        w = getattr(node.element, node.kind)
        s = WidgetState(id=w.id)
        if node.kind == "slider":
            s.string_array_value.data.append(value)
        elif node.kind == "number_input":
            if w.data_type == NumberInput.INT:
                s.int_value = int(value)
            else:
                s.double_value = float(value)
        elif node.kind in ("text_input", "text_area", "radio", "selectbox"):
            s.string_value = value
        elif node.kind == "checkbox":
            s.bool_value = bool(value)
        else:
            raise ProtocolError(f"{key}: cannot set a {node.kind}")
        self._set_state(s)
        return await self.rerun(fragment_id=node.fragment_id)

    async def click(self, key: str) -> int:
        """Press a button: one rerun with its trigger set, which is not kept for the next one."""
        node = self.widget(key)
        w = getattr(node.element, node.kind)
        if w.disabled:
            raise ProtocolError(f"{key} is disabled: a user cannot press it")
        trigger = WidgetState(id=w.id, trigger_value=True)
        states = [s for wid, s in self.states.items() if wid != w.id] + [trigger]
        return await self.rerun(fragment_id=node.fragment_id, states=states)

    async def switch_page(self, name: str) -> int:
        """Follow a page link (App.onPageChange): the main script's widgets keep their state, timers stop."""
        self._stop_timers()
        kept = {n.widget_id for n in self.nodes.values() if n.widget_id and n.script_hash == self.main_hash}
        self.query_string = ""
        mark = await self.rerun(page_hash=self.pages[name], states=[s for i, s in self.states.items() if i in kept])
        self.path = name  # the address changes once the request is out, as the browser's does
        return mark

    async def upload(self, key: str, file_name: str, data: bytes, mime: str = "text/plain",
                     timeout: float = 30.0) -> int:
        """Choose a file in a file_uploader: ask for its URL, PUT it, then rerun with the file's info."""
        node = self.widget(key)
        request_id = uuid.uuid4().hex
        answer = asyncio.get_running_loop().create_future()
        self.url_requests[request_id] = answer
        msg = BackMsg()
        msg.file_urls_request.request_id = request_id
        msg.file_urls_request.file_names.append(file_name)
        msg.file_urls_request.session_id = self.session_id
        self.ws.send(msg.SerializeToString())
        try:
            urls: FileURLs = (await asyncio.wait_for(answer, timeout))[0]
        except TimeoutError:
            raise ProtocolError(f"no answer to the file URL request in {timeout:g} s") from None
        body, content_type = multipart(file_name, file_name, data, mime)
        target = urlsplit(urls.upload_url).path  # relative to the server, or absolute: the path either way
        headers = {"Content-Type": content_type, "X-Xsrftoken": self.cookies.get(XSRF_COOKIE, "")}
        await self.http("PUT", target, body, headers)
        s = WidgetState(id=node.element.file_uploader.id)
        info = s.file_uploader_state_value.uploaded_file_info.add()
        info.name, info.size, info.file_id = file_name, len(data), urls.file_id
        info.file_urls.CopyFrom(urls)
        self._set_state(s)
        return await self.rerun(fragment_id=node.fragment_id)

    def clear_caches(self) -> None:
        """The "Clear caches" menu item: the server empties st.cache_data and st.cache_resource for all."""
        msg = BackMsg()
        msg.clear_cache = True
        self.ws.send(msg.SerializeToString())

    def watch(self, check: Callable[[Finish | None], object], after: int | None = None, mid_run: bool = False
              ) -> asyncio.Future:
        """A future for the first run, started after `after` requests (default: the next one sent), whose
        finish makes check(finish) return something other than None; with mid_run, also check(None) after
        each element that run sends."""
        w = Watch(check, self.requests if after is None else after, asyncio.get_running_loop().create_future(),
                  mid_run)
        self.watches.append(w)
        self.mid_run_watches += mid_run
        w.future.add_done_callback(lambda _: self._unwatch(w))
        return w.future

    def _unwatch(self, w: Watch) -> None:
        if w in self.watches:
            self.watches.remove(w)
        self.mid_run_watches -= w.mid_run

    # --- what the page shows -------------------------------------------------------------------------

    def elements(self, kind: str) -> Iterator:
        return (getattr(n.element, kind) for n in self.nodes.values() if n.kind == kind)

    def metric(self, label: str) -> str | None:
        return next((m.body for m in self.elements("metric") if m.label == label), None)

    def by_key(self, kind: str, key: str):
        return next((e for e in self.elements(kind) if user_key(e.id) == key), None)

    def texts(self) -> Iterator[str]:
        return (m.body for m in self.elements("markdown"))

    @property
    def training_timers(self) -> int:
        return len(self.timers)

    # --- what comes from the server ------------------------------------------------------------------

    def _receive(self, data: bytes) -> None:
        self._apply(self.cache.resolve(ForwardMsg.FromString(data), data))

    def _lost(self) -> None:
        self._stop_timers()
        self.closed.set()
        for w in self.watches:
            if not w.future.done():
                w.future.set_exception(ConnectionError("the websocket closed"))

    def _apply(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "delta":
            self._delta(msg)
        elif kind == "new_session":
            ns = msg.new_session
            fragments = tuple(msg.metadata.run.fragment_ids)
            self.run = Run(msg.metadata.run.script_run_id, fragments, self.requests, time.monotonic())
            self.running = True
            if not fragments:  # a full run: the browser stops every timer and takes the page from it
                self._stop_timers()
                self.page_hash, self.main_hash = ns.page_script_hash, ns.main_script_hash
                self.max_age = ns.config.max_cached_message_age or self.max_age
            if ns.initialize.session_id:
                self.session_id = ns.initialize.session_id
        elif kind == "script_finished":
            self._finished(msg.script_finished)
        elif kind == "navigation":
            self.pages = {p.url_pathname if not p.is_default else "": p.page_script_hash
                          for p in msg.navigation.app_pages}
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self._start_timer(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                self._stop_timers(fid)
        elif kind == "file_urls_response":
            r = msg.file_urls_response
            answer = self.url_requests.pop(r.response_id, None)
            if answer is not None and not answer.done():
                if r.error_msg:
                    answer.set_exception(ProtocolError(f"file URLs: {r.error_msg}"))
                else:
                    answer.set_result(list(r.file_urls))
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            e = msg.session_event.script_compilation_exception
            self.exceptions.append(f"compile error: {e.type}: {e.message[:200]}")
        elif kind == "page_not_found":
            self.exceptions.append(f"page not found: {msg.page_not_found.page_name}")

    def _delta(self, msg: ForwardMsg) -> None:
        d = msg.delta
        which = d.WhichOneof("type")
        if which == "new_transient":  # spinners and toasts: no state
            return
        meta = msg.metadata
        run_id = self.run.run_id if self.run else ""
        if which == "add_block":
            self.nodes[tuple(meta.delta_path)] = Node(None, "block", run_id, d.fragment_id, meta.active_script_hash)
            return
        element = d.new_element
        kind = element.WhichOneof("type")
        node = Node(element, kind, run_id, d.fragment_id, meta.active_script_hash)
        self.nodes[tuple(meta.delta_path)] = node
        if kind in STATEFUL:
            w = getattr(element, kind)
            node.widget_id = w.id
            if w.id not in self.states or getattr(w, "set_value", False):
                s = initial_state(kind, w)
                if s is not None:
                    self._set_state(s)
        elif kind == "exception":
            self.exceptions.append(f"{element.exception.type}: {element.exception.message[:200]}")
        if self.mid_run_watches and self.run:
            self._check_watches(None, self.run)

    def _finished(self, status: int) -> None:
        run = self.run or Run("", (), self.requests, time.monotonic())
        finish = Finish(run, status, time.monotonic())
        self.running = False
        self.finishes.append(finish)
        if status in (FINISHED, FRAGMENT):  # as App.handleScriptFinished: clear what the run did not redraw
            stale = [p for p, n in self.nodes.items()
                     if n.run_id != run.run_id and (not run.fragment_ids or n.fragment_id in run.fragment_ids)]
            for p in stale:
                del self.nodes[p]
            shown = {n.widget_id for n in self.nodes.values() if n.widget_id}
            for wid in [w for w in self.states if w not in shown]:
                del self.states[wid]
                self.states_version += 1
        if status != EARLY:
            self.cache.finished_run(self.max_age, run.fragment_ids)
        self._check_watches(finish, run)

    def _check_watches(self, finish: Finish | None, run: Run) -> None:
        for w in list(self.watches):  # a resolved or cancelled watch leaves the list by its done callback
            if not w.future.done() and run.requests_before > w.after and (finish is not None or w.mid_run):
                try:
                    result = w.check(finish)
                except Exception as e:  # a broken check fails its own watch, not this connection's reader
                    w.future.set_exception(e)
                    continue
                if result is not None:
                    w.future.set_result(result)

    def _set_state(self, s: WidgetState) -> None:
        if self.states.get(s.id) != s:
            self.states[s.id] = s
            self.states_version += 1

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        if not fragment_id or self.timers.get(fragment_id, (None,))[0] == interval:
            return
        self._stop_timers(fragment_id)
        self.timers[fragment_id] = (interval, asyncio.create_task(self._tick(fragment_id, interval)))

    async def _tick(self, fragment_id: str, interval: float) -> None:
        """setInterval: a fixed beat, not waiting for the previous rerun to finish."""
        loop = asyncio.get_running_loop()
        due = loop.time() + interval
        while True:
            await asyncio.sleep(max(0.0, due - loop.time()))
            due += interval
            try:
                await self.rerun(fragment_id=fragment_id, auto=True)
            except ConnectionError:
                return

    def _stop_timers(self, fragment_id: str | None = None) -> None:
        for fid in [fragment_id] if fragment_id else list(self.timers):
            entry = self.timers.pop(fid, None)
            if entry is not None:
                entry[1].cancel()
