"""The caption screen of `listen --captions-web [HOST:]PORT`: one page (`/`, voiceguide/web/captions.html) and
the loop's events as server-sent events (`/events`); the page's space bar comes back as a key press
(`POST /control`) that the loop reads like Enter or space on its terminal.

It is local unless told otherwise (127.0.0.1), since what people ask goes out on the stream. Two browser
tricks are refused so that another web page cannot read the stream or press the key: a Host that is a domain
name other than the one given (a domain re-pointed at this machine), and a key press that is not JSON from
this page's own origin (a plain cross-site form post). Nothing is logged or written: the server only relays.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import ipaddress
import json
import logging
import queue
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from socket import AF_INET6
from typing import Any
from urllib.parse import urlsplit

from voiceguide.answer import messages
from voiceguide.live.events import EventKind, LoopEvent

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 15.0
_TURN_STARTS = (EventKind.READY, EventKind.HEARD, EventKind.NOT_CAUGHT, EventKind.RESET)
_REPLAY_LIMIT = 200  # events of one turn kept for a page that opens mid-turn
_CLIENT_BACKLOG = 1000  # events waiting for one slow page before it is dropped


class CaptionScreenError(Exception):
    """The address cannot be used; the message says why in plain words."""


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def is_local(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def parse_address(value: str) -> Address:
    """"8080", "127.0.0.1:8080", "0.0.0.0:8080", "[::1]:8080"; the host is 127.0.0.1 when not given."""
    text = value.strip()
    host, port = "127.0.0.1", text
    if text.startswith("["):
        end = text.find("]")
        if end < 0 or text[end + 1 : end + 2] != ":":
            raise CaptionScreenError(f"{value!r} is not HOST:PORT; an IPv6 host goes in brackets: [::1]:8080")
        host, port = text[1:end], text[end + 2 :]
    elif ":" in text:
        host, port = text.rsplit(":", 1)
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise CaptionScreenError(f"{value!r} does not end in a port number from 0 to 65535, as in 8080 or "
                                 "127.0.0.1:8080")
    if not host or any(c.isspace() or c in "/[]@" for c in host):
        raise CaptionScreenError(f"{value!r} has no usable host name before the port")
    return Address(host, int(port))


# ---------------------------------------------------------------------------------------------- events


class EventHub:
    """Fans events out to every open page. A page that opens mid-turn first gets how the loop listens and the
    current turn so far, so it shows what everyone else sees."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: set[queue.Queue[tuple[int, LoopEvent] | None]] = set()
        self._ready: tuple[int, LoopEvent] | None = None
        self._turn: list[tuple[int, LoopEvent]] = []
        self._seq = 0
        self._closed = threading.Event()
        self._gone = threading.Condition(self._lock)

    def publish(self, event: LoopEvent) -> None:
        """Never blocks and never fails the loop: a page that cannot keep up is dropped (it reconnects)."""
        with self._lock:
            self._seq += 1
            item = (self._seq, event)
            if event.kind is EventKind.READY:
                self._ready = item
            if event.kind in _TURN_STARTS:
                self._turn = []
            if event.kind is not EventKind.READY:
                self._turn = [*self._turn[-(_REPLAY_LIMIT - 1):], item]
            for client in list(self._clients):
                try:
                    client.put_nowait(item)
                except queue.Full:
                    self._clients.discard(client)
                    self._gone.notify_all()

    def subscribe(self) -> queue.Queue[tuple[int, LoopEvent] | None]:
        client: queue.Queue[tuple[int, LoopEvent] | None] = queue.Queue(_CLIENT_BACKLOG)
        with self._lock:
            for item in ([self._ready] if self._ready else []) + self._turn:
                client.put_nowait(item)
            if self._closed.is_set():
                client.put_nowait(None)
            self._clients.add(client)
        return client

    def unsubscribe(self, client: queue.Queue[tuple[int, LoopEvent] | None]) -> None:
        with self._lock:
            self._clients.discard(client)
            self._gone.notify_all()

    def close(self, wait: float = 1.0) -> None:
        """Ends every stream after what was published has been sent (waiting up to `wait` seconds)."""
        with self._lock:
            self._closed.set()
            for client in self._clients:
                with contextlib.suppress(queue.Full):
                    client.put_nowait(None)
            self._gone.wait_for(lambda: not self._clients, timeout=wait)

    @property
    def closed(self) -> bool:
        return self._closed.is_set()


class ScreenKeys:
    """The page's space bar, as a KeySource for the loop (voiceguide.live.loop.KeySource)."""

    def __init__(self) -> None:
        self._keys: queue.Queue[str] = queue.Queue()

    def press(self) -> None:
        self._keys.put(" ")

    def poll(self) -> list[str]:
        keys = []
        while True:
            try:
                keys.append(self._keys.get_nowait())
            except queue.Empty:
                return keys


# ---------------------------------------------------------------------------------------------- the page


def build_page(copy: dict[str, str] | None = None) -> tuple[bytes, str]:
    """The page with its words filled in (from content/messages.yaml) and the Content-Security-Policy that
    lets exactly its own inline script and style run and nothing be fetched but this server's stream."""
    copy = copy if copy is not None else messages.caption_screen()
    template = files("voiceguide.live").joinpath("web/captions.html").read_text(encoding="utf-8")
    copy_json = json.dumps(copy, ensure_ascii=False).replace("</", "<\\/")

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        return copy_json if key == "copy_json" else html.escape(copy[key])

    page = re.sub(r"\{\{(\w+)\}\}", fill, template)

    def hashes(tag: str) -> str:
        bodies = re.findall(rf"<{tag}>(.*?)</{tag}>", page, flags=re.S)
        return " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'"
                        for b in bodies)

    policy = (f"default-src 'none'; script-src {hashes('script')}; style-src {hashes('style')}; "
              "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
              "frame-ancestors 'none'")
    return page.encode("utf-8"), policy


# ---------------------------------------------------------------------------------------------- the server


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: Address, screen: CaptionScreen) -> None:
        if ":" in address.host:
            self.address_family = AF_INET6
        self.screen = screen
        super().__init__((address.host, address.port), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "VoiceGuide"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are not logged: a request line says nothing worth keeping, and the stream is private."""

    # -- who may ask ---------------------------------------------------------------------------
    def _host_ok(self) -> bool:
        host = self.headers.get("Host")
        if host is None:
            return True
        name = urlsplit(f"//{host}").hostname or ""
        if name in ("localhost", self.server.screen.address.host.lower()):
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    def _refuse(self, code: int, why: str) -> None:
        body = f"{why}\n".encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    # -- requests ------------------------------------------------------------------------------
    def do_GET(self) -> None:
        if not self._host_ok():
            return self._refuse(403, "This caption screen only answers on its own address.")
        path = urlsplit(self.path).path
        if path == "/":
            return self._page()
        if path == "/events":
            return self._events()
        return self._refuse(404, "Not here: the caption screen is at /.")

    def do_POST(self) -> None:
        if not self._host_ok():
            return self._refuse(403, "This caption screen only answers on its own address.")
        if urlsplit(self.path).path != "/control":
            return self._refuse(404, "Not here.")
        origin = self.headers.get("Origin")
        if origin is None or origin != f"http://{self.headers.get('Host', '')}":
            return self._refuse(403, "Only the caption screen itself may press the key.")
        if self.headers.get_content_type() != "application/json":
            return self._refuse(415, "Send JSON.")
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= 1024:
            return self._refuse(400, "Send one small JSON object.")
        try:
            action = json.loads(self.rfile.read(length)).get("action")
        except (ValueError, AttributeError):
            action = None
        if action != "talk-or-stop":
            return self._refuse(400, 'The one action is {"action": "talk-or-stop"}.')
        self.server.screen.keys.press()
        self.send_response(204)
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _page(self) -> None:
        body, policy = self.server.screen.page
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", policy)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        hub = self.server.screen.hub
        client = hub.subscribe()  # before the headers: a page told it is connected misses nothing after
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        try:
            self.end_headers()
            self.wfile.write(b"retry: 1000\n\n")
            while True:
                try:
                    item = client.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": still here\n\n")  # finds a page that has gone away
                    continue
                if item is None:
                    return
                seq, event = item
                data = json.dumps({**event.to_json(), "id": seq}, ensure_ascii=False)
                self.wfile.write(f"id: {seq}\ndata: {data}\n\n".encode())
        except OSError:  # the page went away
            return
        finally:
            hub.unsubscribe(client)


class CaptionScreen:
    """The server, running on a thread of its own from start() to close()."""

    def __init__(self, address: Address, copy: dict[str, str] | None = None) -> None:
        self.hub = EventHub()
        self.keys = ScreenKeys()
        self.page = build_page(copy)
        try:
            self._server = _Server(address, self)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise CaptionScreenError(f"cannot show the caption screen at {address.url}: {reason}") from None
        self.address = Address(address.host, int(self._server.server_address[1]))
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="voiceguide-captions", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return self.address.url

    def publish(self, event: LoopEvent) -> None:
        """An EventSink for the loop."""
        self.hub.publish(event)

    def close(self) -> None:
        """Tells open pages the session is over, then stops serving."""
        if self.hub.closed:
            return
        self.hub.publish(LoopEvent(EventKind.ENDED))
        self.hub.close()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> CaptionScreen:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
