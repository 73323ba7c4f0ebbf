"""A real HTTP server on 127.0.0.1 for the model download tests: http.server in a thread.

It serves files by path, honours (or, when told, ignores) Range requests, answers HEAD, can redirect a path to
another one with extra headers on the redirect (as Hugging Face answers ``resolve/`` URLs with a redirect that
carries the file's SHA-256 in X-Linked-ETag), and can cut or stall a transfer after a set number of bytes. So
resume, truncation, corruption and header checks go through the same sockets, headers and files as a real
download. Every request's method, path and headers are recorded. No traffic leaves 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ModelServer:
    """What the handler serves and how it misbehaves.

    ``path`` is the main file (``payload``, ``cut_after`` and ``stall_after`` refer to it); ``cut`` and
    ``stall`` hold the same per-request lists for any path.
    """

    def __init__(self, files: dict[str, bytes], path: str) -> None:
        self.files = dict(files)
        self.path = path
        self.honor_range = True
        self.cut: dict[str, list[int | None]] = {}  # per path, per request in order: bytes before hanging up
        self.stall: dict[str, list[int | None]] = {}  # per path, per request: bytes before going silent
        self.headers: dict[str, dict[str, str]] = {}  # per path: extra response headers
        self.redirects: dict[str, tuple[str, dict[str, str]]] = {}  # path -> (target path, redirect headers)
        self.status: int | None = None
        self.requests: list[dict[str, str]] = []
        self.base = ""

    @property
    def url(self) -> str:
        return self.base + self.path

    @property
    def payload(self) -> bytes:
        return self.files[self.path]

    @payload.setter
    def payload(self, data: bytes) -> None:
        self.files[self.path] = data

    @property
    def cut_after(self) -> list[int | None]:
        return self.cut.setdefault(self.path, [])

    @cut_after.setter
    def cut_after(self, sizes: list[int | None]) -> None:
        self.cut[self.path] = sizes

    @property
    def stall_after(self) -> list[int | None]:
        return self.stall.setdefault(self.path, [])

    @stall_after.setter
    def stall_after(self, sizes: list[int | None]) -> None:
        self.stall[self.path] = sizes

    def gets(self, path: str) -> list[dict[str, str]]:
        """The GET requests made for ``path``, in order."""
        return [r for r in self.requests if r["method"] == "GET" and r["path"] == path]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
        pass

    def do_HEAD(self) -> None:
        self._answer(body_wanted=False)

    def do_GET(self) -> None:
        self._answer(body_wanted=True)

    def _answer(self, body_wanted: bool) -> None:
        state = self.server.state
        state.requests.append(
            {"method": self.command, "path": self.path, **{k.lower(): v for k, v in self.headers.items()}}
        )
        if self.path in state.redirects:
            target, extra = state.redirects[self.path]
            self.send_response(302)
            self.send_header("Location", target)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if state.status is not None or self.path not in state.files:
            self.send_error(state.status or 404)
            return
        data, start = state.files[self.path], 0
        wanted = self.headers.get("Range")
        if wanted and state.honor_range:
            start = int(re.fullmatch(r"bytes=(\d+)-", wanted).group(1))
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes" if state.honor_range else "none")
        for name, value in state.headers.get(self.path, {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not body_wanted:
            return
        stalls = state.stall.get(self.path)
        stall = stalls.pop(0) if stalls else None
        if stall is not None:
            self.wfile.write(body[:stall])
            self.wfile.flush()
            time.sleep(1.0)  # longer than the client's timeout, like a link that went dead
            self.close_connection = True
            return
        cuts = state.cut.get(self.path)
        cut = cuts.pop(0) if cuts else None
        if cut is None:
            self.wfile.write(body)
            return
        self.wfile.write(body[:cut])
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: ModelServer


@contextlib.contextmanager
def serve(files: dict[str, bytes], path: str) -> Iterator[ModelServer]:
    """Serve ``files`` (path -> bytes) on a free port of 127.0.0.1 until the block ends."""
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.state = ModelServer(files, path)
    host, port = httpd.server_address[:2]
    httpd.state.base = f"http://{host}:{port}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield httpd.state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def unused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (for offline tests)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
