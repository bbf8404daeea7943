"""A local HTTP server on 127.0.0.1 whose answers a test writes: recorded or misbehaving.

`RecordedServer(handler)` serves every request with ``handler(request) -> Answer`` on
a free port, in threads (the sync sends a few requests at once), and keeps the requests
it saw (method, path, query, JSON body, headers, time) for the test to inspect.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]
    at: float

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, [default])[0]


@dataclass
class Answer:
    """What the server sends back."""

    status: int = 200
    body: Any = None  # dict/list: JSON; bytes/str: as is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class RecordedServer:
    """Serve ``handler``'s answers on 127.0.0.1 until `stop` (or the ``with`` block ends)."""

    def __init__(self, handler: Callable[[Seen], Answer]) -> None:
        self.handler = handler
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                request = Seen(
                    self.command,
                    parts.path,
                    urllib.parse.parse_qs(parts.query, keep_blank_values=True),
                    json.loads(raw) if raw else None,
                    {k.lower(): v for k, v in self.headers.items()},
                    time.monotonic(),
                )
                with server._lock:
                    server.seen.append(request)
                answer = server.handler(request)
                if answer.delay:
                    time.sleep(answer.delay)
                body = answer.body
                if isinstance(body, dict | list):
                    payload = json.dumps(body).encode("utf-8")
                    kind = "application/json; charset=utf-8"
                else:
                    payload = body.encode("utf-8") if isinstance(body, str) else body or b""
                    kind = "application/json; charset=utf-8"
                headers = {"Content-Type": kind, **answer.headers}
                try:
                    self.send_response(answer.status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> RecordedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def paths(self) -> list[str]:
        with self._lock:
            return [s.path for s in self.seen]
