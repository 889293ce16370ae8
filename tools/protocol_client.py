"""A protocol-level Streamlit client: what one browser tab costs the server, without the browser.

Used by ``python -m tools.loadtest --clients protocol`` (and its e2e test). One
:class:`ProtocolSession` replays a real first visit recorded from Chromium (see
:func:`record_visit`): GET ``/`` and every static asset Chromium fetched from the
server, over at most six keep-alive connections like a browser; then the
``/_stcore/stream`` websocket (Origin, the ``streamlit`` subprotocol with the
``_streamlit_xsrf`` token, permessage-deflate, as Streamlit's front end opens it),
a ``rerun_script`` BackMsg like a first load, and the ForwardMsgs of that run.

"Map rendered" means: the st_folium ``component_instance`` delta has arrived, its
args hold the rings (``ring_check``), and everything the browser needed for its
first ring has been downloaded: the recorded assets, this session's ``/media/``
files, the component's page and bundle, Leaflet, and the borders JSON the args
reference. The story step is then changed the way the front end does it: a
``rerun_script`` with the page's query string, the widget states of every widget
seen so far (values as drawn), the new radio value, the page script hash and the
hashes of cached messages; it is done when a component delta with the fourth ring
colour has arrived and the assets the browser re-fetched for it are downloaded.

Loopback only: :class:`HttpPool` refuses any host other than 127.0.0.1/localhost.
No third-party HTTP client: a small HTTP/1.1 reader on asyncio streams
(Content-Length, chunked, or read-to-close bodies) and the ``websockets`` package
that Streamlit itself depends on.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
BROWSER_CONNECTIONS = 6  # Chromium's per-host HTTP/1.1 connection limit
STEP = "3 · Ankara compared"
FIRST_RING_COLOUR = "#0072B2"  # coverage.style.PALETTE[0]
FOURTH_RING_COLOUR = "#CC79A7"  # coverage.style.PALETTE[3]
MEDIA_RE = re.compile(rb"/media/[0-9a-f]{8,64}\.[a-z0-9]{1,8}")
BORDERS_RE = re.compile(r"/app/static/borders/[A-Za-z0-9_.-]+\.json")
RING_RE = re.compile(
    r'\{"type":"Feature","geometry":\{"type":"(?:Multi)?Polygon","coordinates":(?P<coords>[^{}]*)\},'
    r'"properties":(?P<props>\{[^{}]*\})'
)
LEAFLET_RE = re.compile(r"/app/static/leaflet/[A-Za-z0-9_.-]+\.(?:js|css)")


def ring_check(json_args: str, colour: str) -> bool:
    """True if the st_folium args draw a ring in ``colour``.

    ``coverage.maps`` draws each ring as a GeoJSON Feature whose geometry is a
    (Multi)Polygon and whose ``properties.colour`` is the site's palette colour; folium
    inlines that GeoJSON in the view's "stage", which the app sends as streamlit-folium's
    ``feature_group`` beside the base map's ``script``. A ring counts if such a feature has
    at least a closed ring's worth of coordinates (4 points).
    """
    import json

    try:
        args = json.loads(json_args)
        script = str(args.get("script") or "") + str(args.get("feature_group") or "")
    except (ValueError, AttributeError):
        return False
    for m in RING_RE.finditer(script):
        if f'"colour":"{colour}"' in m.group("props") and m.group("coords").count("],[") >= 3:
            return True
    return False


# ------------------------------------------------------------------ HTTP
@dataclass
class Fetch:
    path: str
    status: int
    nbytes: int
    seconds: float
    etag: str | None = None


class HttpError(RuntimeError):
    pass


class HttpPool:
    """Up to ``limit`` keep-alive HTTP/1.1 connections to one loopback server, like a browser."""

    def __init__(self, base: str, headers: dict[str, str], limit: int = BROWSER_CONNECTIONS) -> None:
        parts = urlsplit(base)
        if parts.hostname not in LOOPBACK:
            raise ValueError(f"loopback only, not {parts.hostname}")
        self.host, self.port = parts.hostname, parts.port or 80
        self.headers = headers
        self.cookies: dict[str, str] = {}
        self.etags: dict[str, str] = {}
        self._sem = asyncio.Semaphore(limit)
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._all: list[asyncio.StreamWriter] = []
        self.fetches: list[Fetch] = []
        self.retries = 0

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def get(
        self, path: str, extra: dict[str, str] | None = None, *, keep: bool = False, conditional: bool = False
    ) -> tuple[int, bytes]:
        async with self._sem:
            t0 = time.perf_counter()
            # A kept-alive connection the server has closed meanwhile (uvicorn drops idle ones
            # after 5 s) fails on first use: retry once on a new connection, as browsers do.
            for attempt in (0, 1):
                conn = self._idle.pop() if self._idle and not attempt else None
                fresh = conn is None
                if conn is None:
                    conn = await asyncio.open_connection(self.host, self.port)
                    self._all.append(conn[1])
                try:
                    status, headers, body, reusable = await self._roundtrip(conn, path, extra, conditional)
                    break
                except (ConnectionError, asyncio.IncompleteReadError, EOFError):
                    conn[1].close()
                    if fresh:
                        raise
                    self.retries += 1
            if reusable:
                self._idle.append(conn)
            else:
                conn[1].close()
        if headers.get("etag"):
            self.etags[path] = headers["etag"]
        self.fetches.append(Fetch(path, status, len(body), time.perf_counter() - t0, headers.get("etag")))
        if status not in (200, 304):
            raise HttpError(f"GET {path}: HTTP {status}")
        return status, (body if keep else b"")

    async def _roundtrip(self, conn, path, extra, conditional):
        reader, writer = conn
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: keep-alive"]
        hdrs = dict(self.headers)
        hdrs.update(extra or {})
        if self.cookies:
            hdrs["Cookie"] = self.cookie_header()
        if conditional and path in self.etags:
            hdrs["If-None-Match"] = self.etags[path]
        lines += [f"{k}: {v}" for k, v in hdrs.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        status_line = await reader.readline()
        if not status_line:
            raise EOFError("connection closed")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                self.cookies[key.strip()] = val.strip()
            headers[name] = value
        reusable = headers.get("connection", "").lower() != "close"
        if status in (204, 304) or 100 <= status < 200:
            body = b""
        elif "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readline()).split(b";")[0].strip(), 16)
                if size == 0:
                    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)
            body = b"".join(chunks)
        else:
            body = await reader.read()
            reusable = False
        return status, headers, body, reusable

    async def get_all(self, paths: list[str], **kw) -> None:
        await asyncio.gather(*(self.get(p, **kw) for p in paths))

    async def close(self) -> None:
        for w in self._all:
            w.close()
        for w in self._all:
            with contextlib.suppress(Exception):
                await w.wait_closed()


# ------------------------------------------------------------------ the recorded visit
@dataclass
class Visit:
    """What one real Chromium first visit fetched from the server, in order, by phase."""

    document: str = "/"
    shell: list[str] = field(default_factory=list)  # /static/* before the app talks to the server
    handshake: list[str] = field(default_factory=list)  # /_stcore/health, host-config, favicon
    lazy: list[str] = field(default_factory=list)  # /static/* chunks loaded as elements arrive
    component: list[str] = field(default_factory=list)  # /component/* and /app/static/leaflet/*
    step: list[tuple[str, bool]] = field(default_factory=list)  # (path, conditional) after the click
    headers: dict[str, str] = field(default_factory=dict)  # what Chromium sends with every request
    ws_subprotocols: str = ""
    step_widget_ids: list[str] = field(default_factory=list)  # from the browser's step BackMsg
    first_map_s: float | None = None
    step_s: float | None = None

    def to_json(self) -> dict:
        return {
            "requests_first_visit": 1
            + len(self.shell)
            + len(self.handshake)
            + len(self.lazy)
            + len(self.component),
            "shell": len(self.shell),
            "handshake": self.handshake,
            "lazy_chunks": len(self.lazy),
            "component": self.component,
            "step": [f"{p}{' (conditional)' if c else ''}" for p, c in self.step],
            "accept_encoding": self.headers.get("Accept-Encoding"),
            "ws_subprotocols": self.ws_subprotocols,
            "browser_first_map_s": self.first_map_s,
            "browser_step_s": self.step_s,
        }


def _path(url: str, base: str) -> str | None:
    if not url.startswith(base):
        return None
    return url[len(base) :] or "/"


async def record_visit(
    browser, base: str, timeout_ms: int, first_ring: str, fourth_ring: str, iframe: str
) -> Visit:
    """One real Chromium page: load the app, wait for the first ring, change the step, record.

    Records, through the DevTools protocol, every request that reached the server
    (not those served from Chromium's cache), whether it was conditional, the
    headers Chromium sent, the websocket's subprotocol header, and the widget ids
    of the BackMsg the front end sent for the step change.
    """
    from streamlit.proto.BackMsg_pb2 import BackMsg

    ctx = await browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
    ctx.set_default_timeout(timeout_ms)

    async def route(r) -> None:
        await (r.continue_() if _path(r.request.url, base) else r.abort("blockedbyclient"))

    await ctx.route("**/*", route)
    page = await ctx.new_page()
    cdp = await ctx.new_cdp_session(page)
    sent: dict[str, dict] = {}
    order: list[str] = []
    cached: set[str] = set()
    extra: dict[str, dict] = {}
    ws_headers: dict[str, str] = {}

    def will_send(ev: dict) -> None:
        rid = ev["requestId"]
        if rid not in sent:
            order.append(rid)
        sent[rid] = {"url": ev["request"]["url"], "type": ev.get("type"), "t": time.perf_counter()}

    cdp.on("Network.requestWillBeSent", will_send)
    cdp.on("Network.requestServedFromCache", lambda ev: cached.add(ev["requestId"]))
    cdp.on("Network.requestWillBeSentExtraInfo", lambda ev: extra.__setitem__(ev["requestId"], ev["headers"]))
    cdp.on(
        "Network.responseReceived",
        lambda ev: (
            (ev["response"].get("fromDiskCache") or ev["response"].get("fromPrefetchCache"))
            and cached.add(ev["requestId"])
        ),
    )
    cdp.on(
        "Network.webSocketWillSendHandshakeRequest",
        lambda ev: ws_headers.update({k.lower(): v for k, v in ev["request"]["headers"].items()}),
    )
    await cdp.send("Network.enable")
    await cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    back: list[bytes] = []

    def on_ws(ws) -> None:
        ws.on("framesent", lambda p: back.append(p if isinstance(p, bytes) else p.encode()))

    page.on("websocket", on_ws)
    frame = page.frame_locator(iframe)
    visit = Visit()
    t0 = time.perf_counter()
    await page.goto(base, wait_until="commit")
    await frame.locator(first_ring).first.wait_for(state="visible")
    visit.first_map_s = round(time.perf_counter() - t0, 3)
    n_first = len(order)
    n_back = len(back)
    story = page.get_by_test_id("stRadio").filter(has_text="Story")
    t1 = time.perf_counter()
    await story.get_by_text(STEP, exact=True).click()
    await frame.locator(fourth_ring).first.wait_for(state="visible")
    visit.step_s = round(time.perf_counter() - t1, 3)
    await asyncio.sleep(1.0)  # late requests (e.g. a prefetch) of the step
    await ctx.close()

    def hit(rid: str) -> bool:
        return rid not in cached and _path(sent[rid]["url"], base) is not None

    phase = "shell"
    for i, rid in enumerate(order):
        if not hit(rid):
            continue
        path = _path(sent[rid]["url"], base)
        assert path is not None
        if i >= n_first:
            hdrs = {k.lower() for k in extra.get(rid, {})}
            visit.step.append((path, bool(hdrs & {"if-none-match", "if-modified-since"})))
            continue
        if path == "/" or path.startswith("/?"):
            continue
        if path.startswith("/_stcore/") or path == "/favicon.png":
            phase = "lazy"
            visit.handshake.append(path)
        elif path.startswith("/static/"):
            (visit.shell if phase == "shell" else visit.lazy).append(path)
        elif path.startswith(("/component/", "/app/static/leaflet/")):
            visit.component.append(path)
        # /media/* and /app/static/borders/* are per session: taken from the session's own messages
    first_doc = next((extra[r] for r in order if r in extra and _path(sent[r]["url"], base) == "/"), {})
    keep = {"user-agent", "accept-encoding", "accept-language"}
    visit.headers = {k.title(): v for k, v in first_doc.items() if k.lower() in keep}
    visit.headers.setdefault("Accept-Encoding", "gzip, deflate, br, zstd")
    visit.ws_subprotocols = ws_headers.get("sec-websocket-protocol", "")
    for raw in back[n_back:]:
        msg = BackMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") == "rerun_script":
            visit.step_widget_ids = sorted(w.id for w in msg.rerun_script.widget_states.widgets)
    return visit


# ------------------------------------------------------------------ one session
class SessionFailed(RuntimeError):
    pass


class ProtocolSession:
    def __init__(self, base: str, visit: Visit, timeout_s: float) -> None:
        self.base, self.visit, self.timeout_s = base, visit, timeout_s
        self.http = HttpPool(base, visit.headers)
        self.ws = None
        self.widgets: dict[str, object] = {}  # widget id -> WidgetState, as the front end keeps them
        self.radio_options: dict[str, list[str]] = {}
        self.cache: dict[str, object] = {}  # ForwardMsg hash -> message (cacheable ones)
        self.query_string = ""
        self.page_script_hash = ""
        self.media: list[str] = []
        self.components: list[tuple[float, str]] = []
        self.run_finished = asyncio.Event()
        self.new_component = asyncio.Event()
        self.exceptions: list[str] = []
        self.finish_status: list[str] = []
        self.ws_bytes = 0
        self.ws_messages = 0
        self.step_widget_ids: list[str] = []

    # -------------------------------------------------------------- ForwardMsgs
    def _handle(self, raw: bytes) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = ForwardMsg()
        msg.ParseFromString(raw)
        self.ws_bytes += len(raw)
        self.ws_messages += 1
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":  # a message this client said it had cached
            cached = self.cache.get(msg.ref_hash)
            if cached is None:
                raise SessionFailed(f"server referenced uncached message {msg.ref_hash}")
            metadata = msg.metadata
            msg = type(cached)()
            msg.CopyFrom(cached)
            msg.metadata.CopyFrom(metadata)
            kind = msg.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            self.cache[msg.hash] = msg
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "script_finished":
            self.finish_status.append(msg.ScriptFinishedStatus.Name(msg.script_finished))
            self.run_finished.set()
        elif kind == "delta":
            for media in MEDIA_RE.findall(raw):
                path = media.decode()
                if path not in self.media:
                    self.media.append(path)
            delta = msg.delta
            if delta.WhichOneof("type") == "new_element":
                self._element(delta.new_element)

    def _element(self, el) -> None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        kind = el.WhichOneof("type")
        if kind == "component_instance":
            ci = el.component_instance
            if "st_folium" in ci.component_name:
                self.components.append((time.perf_counter(), ci.json_args))
                self.new_component.set()
            return
        if kind == "exception":
            self.exceptions.append(el.exception.message[:200])
            return
        w = getattr(el, kind, None)
        wid = getattr(w, "id", "") if w is not None else ""
        if not wid or wid in self.widgets:  # the front end keeps a widget's value across reruns
            return
        state = WidgetState(id=wid)
        if kind in ("radio", "selectbox"):
            options = list(w.options)
            self.radio_options[w.label] = options
            if w.set_value and w.HasField("raw_value"):
                state.string_value = w.raw_value
            elif w.HasField("default"):
                state.string_value = options[w.default]
            else:
                return
        elif kind == "checkbox":
            state.bool_value = w.value if w.set_value else w.default
        elif kind == "text_input":
            state.string_value = w.value if w.set_value else w.default
        elif kind == "file_uploader":
            state.file_uploader_state_value.SetInParent()
        else:  # buttons (trigger values), blocks and display elements: no state until used
            return
        self.widgets[wid] = state
        if kind == "radio" and w.label == "Story":
            self.story_id = wid

    async def _reader(self) -> None:
        assert self.ws is not None
        async for raw in self.ws:
            if isinstance(raw, str):
                raise SessionFailed("text frame on the websocket")
            self._handle(raw)

    # -------------------------------------------------------------- BackMsgs
    def _rerun(self, first: bool) -> bytes:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        rs = msg.rerun_script
        rs.widget_states.SetInParent()
        ci = rs.context_info
        ci.timezone, ci.timezone_offset, ci.locale = "UTC", 0, "en-US"
        ci.url, ci.is_embedded, ci.color_scheme = self.base + "/", False, "light"
        if not first:
            rs.query_string = self.query_string
            rs.page_script_hash = self.page_script_hash
            rs.widget_states.widgets.extend(self.widgets.values())
            rs.cached_message_hashes.extend(self.cache)
        return msg.SerializeToString()

    # -------------------------------------------------------------- the visit
    async def _wait(self, what: str, cond, event: asyncio.Event, deadline: float) -> None:
        while not cond():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SessionFailed(f"timeout waiting for {what}")
            event.clear()
            if cond():
                break
            waiter = asyncio.ensure_future(event.wait())
            done, _ = await asyncio.wait(
                {waiter, self._reader_task}, timeout=remaining, return_when="FIRST_COMPLETED"
            )
            if self._reader_task in done:
                waiter.cancel()
                exc = self._reader_task.exception()
                raise SessionFailed(f"websocket closed while waiting for {what}: {exc!r}"[:200])
            waiter.cancel()

    def _component_with(self, colour: str, after: int):
        for i, (t, args) in enumerate(self.components[after:]):
            if ring_check(args, colour):
                return after + i, t, args
        return None

    async def _component_assets(self, args: str, conditional: bool) -> None:
        paths = list(self.visit.component)
        for p in LEAFLET_RE.findall(args):
            if p not in paths:
                paths.append(p)
        borders = BORDERS_RE.findall(args)
        if not borders:
            raise SessionFailed("the map args reference no borders JSON")
        await asyncio.gather(
            self.http.get_all(paths, conditional=conditional),
            self.http.get_all(sorted(set(borders))),
        )

    async def _connect(self, deadline: float) -> None:
        """Open /_stcore/stream as Streamlit's front end does (Origin, subprotocols, cookie)."""
        import websockets.asyncio.client as wsc

        xsrf = self.http.cookies.get("_streamlit_xsrf")
        protocols = ["streamlit", xsrf or "PLACEHOLDER_AUTH_TOKEN"]
        ws_url = self.base.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = await wsc.connect(
            ws_url,
            origin=self.base,
            subprotocols=protocols,
            additional_headers={
                k: v
                for k, v in {"Cookie": self.http.cookie_header(), **self.visit.headers}.items()
                if v and k != "Accept-Encoding"
            },
            max_size=None,
            open_timeout=max(1.0, deadline - time.monotonic()),
        )
        if self.ws.subprotocol != "streamlit":
            raise SessionFailed(f"server chose subprotocol {self.ws.subprotocol!r}")
        self._reader_task = asyncio.create_task(self._reader())

    async def run_phased(self, mark) -> None:
        """The same visit one phase at a time, awaiting ``mark(name)`` after each (server cost).

        Not for timing a page: phases that overlap in a browser run one after another here.
        """
        deadline = time.monotonic() + self.timeout_s
        self._reader_task = None
        try:
            await self.http.get(self.visit.document)
            await mark("GET / (HTML)")
            await self.http.get_all(self.visit.shell)
            await mark(f"front-end shell: {len(self.visit.shell)} /static files")
            await self.http.get_all(self.visit.handshake)
            await mark("health, host-config, favicon")
            await self.http.get_all(self.visit.lazy)
            await mark(f"lazy front-end chunks: {len(self.visit.lazy)} /static files")
            await self._connect(deadline)
            await mark("websocket open (session created)")
            self.run_finished.clear()
            await self.ws.send(self._rerun(first=True))
            await self._wait("first run", lambda: bool(self.finish_status), self.run_finished, deadline)
            await mark("first script run (story step 1) and its ForwardMsgs")
            found = self._component_with(FIRST_RING_COLOUR, 0)
            if not found:
                raise SessionFailed("no st_folium delta with the first ring")
            await asyncio.gather(self._component_assets(found[2], False), self.http.get_all(list(self.media)))
            await mark("map assets: component page + bundle, Leaflet, borders JSON, /media")
            self.widgets[self.story_id].string_value = STEP
            n_components, n_finished = len(self.components), len(self.finish_status)
            media_before = set(self.media)
            self.run_finished.clear()
            await self.ws.send(self._rerun(first=False))
            await self._wait(
                "step run", lambda: len(self.finish_status) > n_finished, self.run_finished, deadline
            )
            await mark("step script run (story step 3) and its ForwardMsgs")
            found = self._component_with(FOURTH_RING_COLOUR, n_components)
            if not found:
                raise SessionFailed("no st_folium delta with the fourth ring")
            recorded = [
                (p, c) for p, c in self.visit.step if not p.startswith(("/media/", "/app/static/borders/"))
            ]
            await asyncio.gather(
                *(self.http.get(p, conditional=c) for p, c in recorded),
                self.http.get_all(sorted(set(BORDERS_RE.findall(found[2])))),
                self.http.get_all([m for m in self.media if m not in media_before]),
            )
            await mark("step assets")
        finally:
            await self.close()

    async def close(self) -> None:
        """Stop reading, close the websocket and the HTTP connections (never raises)."""
        for task in getattr(self, "_background", []):
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        if self._reader_task is not None:
            self._reader_task.cancel()
            with contextlib.suppress(BaseException):
                await self._reader_task
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)
        await self.http.close()

    async def run(self) -> dict:
        result: dict = {"ok": False}
        deadline = time.monotonic() + self.timeout_s
        self._reader_task: asyncio.Task | None = None
        self._background: list[asyncio.Task] = []
        stage = "GET /"
        try:
            t0 = time.perf_counter()
            await self.http.get(self.visit.document)
            stage = "shell assets"
            await self.http.get_all(self.visit.shell)
            result["shell_s"] = round(time.perf_counter() - t0, 3)
            stage = "health/host-config"
            await self.http.get_all(self.visit.handshake)
            stage = "websocket"
            await self._connect(deadline)
            result["ws_open_s"] = round(time.perf_counter() - t0, 3)
            self.run_finished.clear()
            await self.ws.send(self._rerun(first=True))
            stage = "lazy chunks"
            lazy = asyncio.create_task(self.http.get_all(self.visit.lazy))
            self._background.append(lazy)  # cancelled by close() if a later stage fails
            stage = "st_folium delta with the first ring"
            await self._wait(
                stage, lambda: self._component_with(FIRST_RING_COLOUR, 0), self.new_component, deadline
            )
            idx, t_delta, args = self._component_with(FIRST_RING_COLOUR, 0)
            result["component_delta_s"] = round(t_delta - t0, 3)
            result["map_args_kb"] = round(len(args) / 1024, 1)
            stage = "map assets"
            media_now = list(self.media)
            await asyncio.wait_for(
                asyncio.gather(lazy, self._component_assets(args, False), self.http.get_all(media_now)),
                timeout=max(0.1, deadline - time.monotonic()),
            )
            result["first_map_s"] = round(time.perf_counter() - t0, 3)
            stage = "script_finished (first run)"
            await self._wait(stage, lambda: bool(self.finish_status), self.run_finished, deadline)
            result["first_run_finished_s"] = round(time.perf_counter() - t0, 3)

            stage = "story step"
            if not getattr(self, "story_id", None):
                raise SessionFailed("no Story radio in the page")
            if STEP not in self.radio_options.get("Story", []):
                raise SessionFailed(f"{STEP!r} not among the Story options")
            self.widgets[self.story_id].string_value = STEP
            self.step_widget_ids = sorted(self.widgets)
            n_components, n_finished = len(self.components), len(self.finish_status)
            media_before = set(self.media)
            self.run_finished.clear()
            t1 = time.perf_counter()
            await self.ws.send(self._rerun(first=False))
            stage = "st_folium delta with the fourth ring"
            await self._wait(
                stage,
                lambda: self._component_with(FOURTH_RING_COLOUR, n_components),
                self.new_component,
                deadline,
            )
            _, t_delta, args = self._component_with(FOURTH_RING_COLOUR, n_components)
            result["step_delta_s"] = round(t_delta - t1, 3)
            stage = "step assets"
            new_media = [m for m in self.media if m not in media_before]
            recorded = [
                (p, c) for p, c in self.visit.step if not p.startswith(("/media/", "/app/static/borders/"))
            ]
            borders = sorted(set(BORDERS_RE.findall(args)))
            await asyncio.wait_for(
                asyncio.gather(
                    *(self.http.get(p, conditional=c) for p, c in recorded),
                    self.http.get_all(borders),
                    self.http.get_all(new_media),
                ),
                timeout=max(0.1, deadline - time.monotonic()),
            )
            result["step_s"] = round(time.perf_counter() - t1, 3)
            stage = "script_finished (step)"
            await self._wait(stage, lambda: len(self.finish_status) > n_finished, self.run_finished, deadline)
            bad = [s for s in self.finish_status if s != "FINISHED_SUCCESSFULLY"]
            if bad:
                raise SessionFailed(f"script runs ended {bad}")
            if self.exceptions:
                raise SessionFailed(f"exception element(s): {self.exceptions[:2]}")
            result["ok"] = True
        except Exception as exc:  # noqa: BLE001 - recorded per session and reported
            first_line = (str(exc).splitlines() or [""])[0]
            result["error"] = f"{type(exc).__name__} at {stage}: {first_line[:200]}"
        finally:
            result["http_requests"] = len(self.http.fetches)
            result["http_retries_on_closed_keepalive"] = self.http.retries
            result["http_kb"] = round(sum(f.nbytes for f in self.http.fetches) / 1024)
            result["ws_messages"] = self.ws_messages
            result["ws_kb"] = round(self.ws_bytes / 1024)
            await self.close()
        return result
