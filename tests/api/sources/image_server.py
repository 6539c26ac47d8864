"""A real local HTTP server playing a camera's (or Frigate's) image server: routes by path,
HTTP Basic where asked, and a record of what was requested."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "image/jpeg"


Route = Callable[[], Answer]


@dataclass
class ImageServer:
    base_url: str
    routes: dict[str, Route] = field(default_factory=dict)
    credentials: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Paths that need HTTP Basic, with the user and password they need."""
    requested: list[str] = field(default_factory=list)

    def image(self, path: str, data: bytes, *, user: str | None = None, password: str = "") -> str:
        """Serve ``data`` at ``path`` (behind ``user``/``password`` if given); its URL."""
        self.routes[path] = lambda: Answer(200, data)
        if user is not None:
            self.credentials[path] = (user, password)
        return self.base_url + path

    def answer(self, path: str) -> Answer:
        self.requested.append(path)
        route = self.routes.get(path)
        return Answer(404, b"", "text/plain") if route is None else route()


@contextmanager
def image_server() -> Iterator[ImageServer]:
    served: list[ImageServer] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server = served[0]
            path = self.path.split("?", 1)[0]
            needed = server.credentials.get(path)
            if needed is not None and self.headers.get("Authorization") != _basic(*needed):
                server.requested.append(path)
                self._send(Answer(401, b"", "text/plain"))
                return
            self._send(server.answer(path))

        def _send(self, answer: Answer) -> None:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, *_: object) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.append(ImageServer(f"http://127.0.0.1:{http.server_port}"))
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield served[0]
    finally:
        http.shutdown()
        http.server_close()


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
