"""A local HTTP server for the resource tests (127.0.0.1, an ephemeral port): routes map a
path to (status, headers, body); every request is counted by path."""

from __future__ import annotations

import io
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image, ImageDraw


def png(width: int = 120, height: int = 80, text: str = "", color: str = "white") -> bytes:
    """A small PNG with a ruled table and `text` drawn in it (stands for a table published as an image)."""
    image = Image.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(image)
    for y in range(0, height, max(height // 6, 4)):
        draw.line([(0, y), (width, y)], fill="black")
    draw.text((4, 4), text, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def jpeg(width: int = 120, height: int = 80) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(out, format="JPEG")
    return out.getvalue()


class ImageServer:
    """Serves `routes` (path → (status, headers, body)); `hits` counts requests per path,
    `fallback(path)` answers paths not in `routes` (404 when None)."""

    def __init__(self, routes: dict | None = None, fallback=None):
        self.routes = dict(routes or {})
        self.fallback = fallback
        self.hits: Counter = Counter()
        self.user_agents: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.hits[self.path] += 1
                server.user_agents.append(self.headers.get("User-Agent", ""))
                answer = server.routes.get(self.path) or (server.fallback and server.fallback(self.path))
                status, headers, body = answer or (404, {"Content-Type": "text/html"}, b"<html>not found</html>")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            def process_request(self, request, client_address):
                server.connections += 1
                super().process_request(request, client_address)

        self.connections = 0
        """TCP connections accepted, whether or not a request followed."""
        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.host = f"127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
