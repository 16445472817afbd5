"""A local web server for the tests that fetch pages: a real HTTP server on 127.0.0.1 in a thread, with the pages
a test puts on it, and a log of the requests it got (to show that a refused fetch never reached it)."""

import http.server
import threading
from dataclasses import dataclass, field

import pytest

from claims.models import FetchAllowedHost


@dataclass
class Page:
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200
    headers: dict = field(default_factory=dict)
    # Seconds to wait before answering at all.
    delay: float = 0
    # Send the body a byte at a time, this many seconds apart.
    trickle: float = 0
    # Send this many bytes of filler without a Content-Length, until the client hangs up.
    endless: bool = False
    declare_length: bool = True


class Handler(http.server.BaseHTTPRequestHandler):
    server: "WebServer"

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.server.requests.append((self.path, self.headers.get("Host")))
        page = self.server.pages.get(self.path.split("?", 1)[0])
        if page is None:
            page = Page(body=b"not found", content_type="text/plain", status=404)
        if page.delay and self.server.stopping.wait(page.delay):
            return
        try:
            self.send_response(page.status)
            if page.content_type:
                self.send_header("Content-Type", page.content_type)
            for name, value in page.headers.items():
                self.send_header(name, value)
            if page.declare_length and not page.endless:
                self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            if page.endless:
                filler = b"<p>" + b"x" * 65_530 + b"</p>"
                while not self.server.stopping.is_set():
                    self.wfile.write(filler)
                    self.server.sent += len(filler)
            elif page.trickle:
                for byte in page.body:
                    if self.server.stopping.wait(page.trickle):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            else:
                self.wfile.write(page.body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        pass


class WebServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.pages: dict[str, Page] = {}
        self.requests: list[tuple[str, str]] = []
        self.stopping = threading.Event()
        self.sent = 0

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, path: str) -> str:
        return self.origin + path

    def add(self, path: str, body: bytes | str = b"", **page) -> str:
        """Serve `body` at `path`; the page's full URL."""
        self.pages[path] = Page(body=body.encode() if isinstance(body, str) else body, **page)
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.add(path, content_type=None, status=status, headers={"Location": location})


@pytest.fixture
def web():
    """A local web server that is not on the allow-list: the fetcher must refuse it (it is on loopback)."""
    server = WebServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.stopping.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def allowed_web(web, db):
    """The local web server, with 127.0.0.1 on the admins' allow-list as an intranet host would be."""
    FetchAllowedHost.objects.create(host="127.0.0.1", note="the tests' local web server")
    return web


ARTICLE_HTML = """<!doctype html>
<html lang="de">
<head>
  <meta charset="utf-8">
  <title>Stadtrat beschließt Haushalt | Tagesblatt</title>
  <meta property="og:title" content="Stadtrat beschließt Haushalt">
  <meta name="author" content="Anna Schmidt">
  <meta property="article:published_time" content="2025-08-14T10:00:00+02:00">
  <style>.secret-style { color: red }</style>
  <script>var tracking = "SCRIPT-IN-HEAD";</script>
  <script type="application/ld+json">{"@type": "NewsArticle", "description": "JSON-LD-PAYLOAD"}</script>
</head>
<body>
  <nav><ul><li><a href="/">Startseite</a></li><li><a href="/politik">Politik</a></li><li><a href="/sport">Sport</a>
  </li></ul></nav>
  <div id="cookie-banner" class="cookie-consent">Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten.
    Akzeptieren Sie alle Cookies?</div>
  <article>
    <h1>Stadtrat beschließt Haushalt</h1>
    <p>Der Stadtrat hat am Donnerstag den Haushalt für das kommende Jahr beschlossen. Er umfasst 1,2 Milliarden
    Euro und damit 80 Millionen Euro mehr als im Vorjahr.</p>
    <p>„Wir investieren in Schulen und Kitas“, sagte Bürgermeisterin Petra Klein nach der Abstimmung. Die
    Opposition kritisierte die Pläne als unsolide.</p>
    <script>document.write("SCRIPT-IN-BODY")</script>
    <p>Laut Kämmerer Jonas Weber steigen die Schulden der Stadt um 40 Millionen Euro auf 610 Millionen Euro.</p>
  </article>
  <aside><h2>Mehr zum Thema</h2><p><a href="/a">Haushaltsstreit im Kreistag geht weiter</a></p></aside>
  <footer><p>© 2025 Tagesblatt · Impressum · Datenschutz · Kontakt</p></footer>
</body>
</html>
"""
