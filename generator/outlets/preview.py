"""`aibrief preview`: a local page for editors that renders an edition again whenever a
template, the month's note, a chart style or the config changes, and reloads itself.

The edition is built (HTML and PDF, by the same code as `aibrief render`) into
output/preview/YYYY-MM/, never into the live output/editions/ folder, and shown as built
(BuiltEdition). A render that
fails shows its error (`file:line: message`) in place of the brief; the server keeps
running, and the save that fixes the file brings the brief back. Changes are found by
polling modification times and sizes (no extra dependency). Only 127.0.0.1 is bound, and
only the preview folder's page, PDF, charts and metrics.json are served.

    server = PreviewServer(settings, "2025-12", port=0).start()
    server.url, server.version, server.error, server.folder
    server.stop()
"""

from __future__ import annotations

import contextlib
import html
import http.server
import json
import re
import shutil
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from generator import config as config_mod
from generator import numbers
from generator.analysis.document import compute_metrics
from generator.analysis.metrics import Metrics
from generator.brief import edition
from generator.brief.built import BuiltEdition
from generator.brief.notes import note_path
from generator.config import Settings
from generator.data.refresh import latest_month
from generator.errors import UserError

HOST = "127.0.0.1"
POLL_SECONDS = 0.5
# The files of a preview folder that are served, besides the page itself.
_FILES = {"/brief.pdf": "brief.pdf", "/metrics.json": "metrics.json"}
_CHART_FILE = re.compile(r"^[A-Za-z0-9_-]+\.(svg|png|csv|json)$")
_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
}
_LOCAL_HOSTS = {"127.0.0.1", "localhost"}

Stamp = tuple[int, int, int] | None
Response = tuple[int, str, bytes]


def preview_dir(settings: Settings, month: str) -> Path:
    return settings.output_dir / "preview" / month


def _ignored(rel: Path) -> bool:
    """Editors' swap and backup files (.x.swp, x~, #x#) and hidden folders."""
    return any(p.startswith((".", "#")) for p in rel.parts) or rel.name.endswith("~")


def watched_files(settings: Settings, month: str) -> list[Path]:
    """Every file whose change calls for a new render: all templates along the lookup
    chain (chart styles included), the month's note (watched even before it exists) and
    the config file."""
    files: list[Path] = []
    for d in settings.template_dirs:
        if d.is_dir():
            files += sorted(
                p for p in d.rglob("*") if p.is_file() and not _ignored(p.relative_to(d))
            )
    files.append(note_path(settings.path(settings.templates.notes), month))
    if settings.source_path is not None:
        files.append(settings.source_path)
    return files


def stamp(path: Path) -> Stamp:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def snapshot(paths: list[Path]) -> dict[Path, Stamp]:
    return {p: stamp(p) for p in paths}


class PreviewServer:
    """The preview of one edition month, served on 127.0.0.1:`port` (0: a free port)."""

    def __init__(
        self,
        settings: Settings,
        month: str | None = None,
        port: int = 8000,
        *,
        interval: float = POLL_SECONDS,
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.month = month or latest_month(settings)
        self.port = port
        self.interval = interval
        self._say = say or (lambda _msg: None)
        self._lock = threading.Lock()  # guards the state below
        self._render_lock = threading.Lock()  # one render at a time
        self._version = 0
        self._error: str | None = None
        self._page: str | None = None  # brief.html of the last good render, as on disk
        self._rendered_at: float | None = None
        self._rendering = False
        self._metrics: Metrics | None = None
        self._config_stamp: Stamp = None
        self._stop = threading.Event()
        self._httpd: http.server.ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    # ---- what tests and the CLI look at ------------------------------------------------

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the preview server is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def server_address(self) -> tuple[str, int]:
        if self._httpd is None:
            raise RuntimeError("the preview server is not started")
        host, port = self._httpd.server_address[:2]
        return str(host), int(port)

    @property
    def version(self) -> int:
        """Goes up by one after every render, whether it worked or not."""
        with self._lock:
            return self._version

    @property
    def error(self) -> str | None:
        """The last render's error (one line), or None when it worked."""
        with self._lock:
            return self._error

    @property
    def folder(self) -> Path:
        return preview_dir(self.settings, self.month)

    # ---- life cycle ----------------------------------------------------------------------

    def start(self) -> PreviewServer:
        """Compute the metrics, bind the port, render once, then serve and watch."""
        self._metrics = compute_metrics(self.settings, self.month)
        if self.settings.source_path is not None:
            self._config_stamp = stamp(self.settings.source_path)
        try:
            self._httpd = http.server.ThreadingHTTPServer((HOST, self.port), _handler(self))
        except OSError as exc:
            raise UserError(f"cannot serve on {HOST}:{self.port}: {exc.strerror or exc}") from None
        self._httpd.daemon_threads = True
        try:
            self._clean_leftovers()
            seen = self._snapshot()  # before the render: a save during it is seen next poll
            self.render()
        except BaseException:  # Ctrl-C during the first render: free the port
            self._httpd.server_close()
            self._httpd = None
            raise
        self._threads = [
            threading.Thread(target=self._httpd.serve_forever, name="preview-http", daemon=True),
            threading.Thread(target=self._watch, args=(seen,), name="preview-watch", daemon=True),
        ]
        for t in self._threads:
            t.start()
        return self

    def _clean_leftovers(self, older_than: float = 600.0) -> None:
        """Staging folders of renders that were killed (a render takes seconds)."""
        parent = self.folder.parent
        if not parent.is_dir():
            return
        for p in parent.glob(f".{self.month}.*"):
            with contextlib.suppress(OSError):
                if p.is_dir() and time.time() - p.stat().st_mtime > older_than:
                    shutil.rmtree(p, ignore_errors=True)

    def stop(self) -> None:
        self._stop.set()
        if self._httpd is not None:
            if self._threads:
                self._httpd.shutdown()
            self._httpd.server_close()
        for t in self._threads:
            t.join(timeout=60)
        self._threads = []
        self._httpd = None

    def wait(self) -> None:
        """Block until stop() (or Ctrl-C in the main thread)."""
        while not self._stop.wait(1.0):
            pass

    def __enter__(self) -> PreviewServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # ---- rendering -----------------------------------------------------------------------

    def _snapshot(self) -> dict[Path, Stamp]:
        return snapshot(watched_files(self.settings, self.month))

    def _watch(self, seen: dict[Path, Stamp]) -> None:
        while not self._stop.wait(self.interval):
            try:
                now = self._snapshot()
                if now == seen:
                    continue
                changed = sorted(
                    str(p) for p in now.keys() | seen.keys() if now.get(p) != seen.get(p)
                )
                seen = now
                self._say(f"changed: {', '.join(changed[:3])}{' …' if len(changed) > 3 else ''}")
                self.render()
            except Exception:  # noqa: BLE001 - the watcher must outlive any surprise
                self._say(f"preview: watcher error:\n{traceback.format_exc()}")

    def _reload_config(self) -> None:
        """A changed config file is read again, and the metrics computed again from it."""
        path = self.settings.source_path
        if path is None:
            return
        now = stamp(path)
        if now == self._config_stamp and self._metrics is not None:
            return
        settings = config_mod.load(path)
        metrics = compute_metrics(settings, self.month)
        self.settings, self._metrics, self._config_stamp = settings, metrics, now

    def render(self) -> bool:
        """Render the edition into the preview folder now; True when it worked."""
        with self._render_lock:
            with self._lock:
                self._rendering = True
            t0 = time.perf_counter()
            page: str | None = None
            error: str | None = None
            try:
                self._reload_config()
                assert self._metrics is not None
                result = edition.render_edition(
                    self.settings, self._metrics, dest=preview_dir(self.settings, self.month)
                )
                # Shown as built: the page of the BuiltEdition the render just wrote.
                shown = BuiltEdition.read(result.folder, month=self.month, need_pdf=True)
                page = shown.html.read_text(encoding="utf-8")
            except UserError as exc:
                error = " ".join(str(exc).split())
            except Exception as exc:  # noqa: BLE001 - shown on the page, not fatal
                error = f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())}"
                self._say(traceback.format_exc())
            with self._lock:
                self._rendering = False
                self._version += 1
                self._error = error
                if page is not None:
                    self._page = page
                self._rendered_at = time.time()
            seconds = time.perf_counter() - t0
            if error is None:
                self._say(f"rendered {self.month} in {seconds:.1f}s")
            else:
                self._say(f"render failed: {error}")
            return error is None

    # ---- answering requests --------------------------------------------------------------

    def respond(self, raw_path: str, host: str | None = None) -> Response:
        """Status, content type and body for a request path as it came off the wire."""
        if host is not None and host.rsplit(":", 1)[0].lower() not in _LOCAL_HOSTS:
            return _text(403, "the preview answers on 127.0.0.1 only")
        path = raw_path.split("#", 1)[0].split("?", 1)[0]
        try:
            path = unquote(path, errors="strict")
        except UnicodeDecodeError:
            return _text(400, "bad request")
        parts = path.split("/")
        if (
            not path.startswith("/")
            or any(p in (".", "..") for p in parts)
            or "\\" in path
            or "\0" in path
        ):
            return _text(403, "forbidden")
        if path == "/":
            return 200, "text/html; charset=utf-8", self.page().encode("utf-8")
        if path == "/__version":
            with self._lock:
                state = {
                    "version": self._version,
                    "rendering": self._rendering,
                    "ok": self._error is None,
                    "rendered_at": _clock(self._rendered_at),
                }
            return 200, "application/json", json.dumps(state).encode("utf-8")
        if path == "/__error":
            return _text(200, self.error or "")
        if path in _FILES:
            return self._file(_FILES[path])
        name = path.removeprefix("/charts/")
        if name != path and _CHART_FILE.match(name):
            return self._file(f"charts/{name}")
        return _text(404, "not found")

    def _file(self, rel: str) -> Response:
        folder = preview_dir(self.settings, self.month).resolve()
        path = (folder / rel).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            return _text(404, "not found")
        try:
            body = path.read_bytes()
        except OSError:  # swapped away between the check and the read
            return _text(404, "not found")
        return 200, _TYPES.get(path.suffix, "application/octet-stream"), body

    def page(self) -> str:
        """The brief with the toolbar and the reload script, or the error in its place."""
        with self._lock:
            version, error, page = self._version, self._error, self._page
            at, rendering = self._rendered_at, self._rendering
        bar = self._toolbar(at, error, rendering)
        script = _RELOAD_SCRIPT.replace("VERSION", str(version))
        if error is None and page is not None:
            return _inject(page, bar, script)
        return _ERROR_PAGE.format(
            month=html.escape(self.month),
            bar=bar,
            error=html.escape(error or "not rendered yet"),
            stale=_STALE_NOTE if page is not None else "",
            script=script,
        )

    def _toolbar(self, at: float | None, error: str | None, rendering: bool) -> str:
        status = "rendering…" if rendering else f"rendered {_clock(at) or '-'}"
        if error is not None:
            status += " · failed"
        colour = "#8a1c00" if error is not None else "#1b1f24"
        link = "color:#9fd3ff;text-decoration:underline"
        return (
            f'<div id="aibrief-preview" style="position:sticky;top:0;z-index:2147483647;'
            f"display:flex;flex-wrap:wrap;gap:4px 16px;align-items:center;padding:6px 14px;"
            f"background:{colour};color:#fff;font:13px/1.5 'DejaVu Sans',Arial,sans-serif\">"
            f"<strong>Preview</strong>"
            f"<span>{html.escape(numbers.month_name(self.month))}</span>"
            f'<span id="aibrief-preview-status">{html.escape(status)}</span>'
            f'<a href="/brief.pdf" style="{link}">PDF</a>'
            f'<a href="/metrics.json" style="{link}">metrics.json</a>'
            f'<span style="margin-left:auto;opacity:.75">not the published edition</span>'
            f"</div>"
        )


def _clock(at: float | None) -> str | None:
    return time.strftime("%H:%M:%S", time.localtime(at)) if at is not None else None


def _text(status: int, message: str) -> Response:
    return status, "text/plain; charset=utf-8", message.encode("utf-8")


def _inject(page: str, top: str, bottom: str) -> str:
    """The toolbar after <body>, the script before </body> (served copy only)."""
    m = re.search(r"<body\b[^>]*>", page, re.IGNORECASE)
    page = page[: m.end()] + top + page[m.end() :] if m else top + page
    i = page.lower().rfind("</body>")
    return page[:i] + bottom + page[i:] if i >= 0 else page + bottom


# Polls /__version and reloads the page when a render has finished.
_RELOAD_SCRIPT = """<script>
(function () {
  var v = VERSION, s = document.getElementById("aibrief-preview-status");
  function poll() {
    fetch("/__version", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (d) {
        if (d.version !== v) { location.reload(); return; }
        if (s && d.rendering) { s.textContent = "rendering…"; }
        setTimeout(poll, 500);
      })
      .catch(function () {
        if (s) { s.textContent = "preview server not answering"; }
        setTimeout(poll, 2000);
      });
  }
  setTimeout(poll, 500);
})();
</script>
"""

_STALE_NOTE = "<p>Until then, the PDF linked above is the one of the last render that worked.</p>"

_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preview of {month}: the brief could not be rendered</title>
</head>
<body style="margin:0;color:#1b1f24;font:17px/1.55 'DejaVu Sans',Arial,sans-serif">
{bar}
<main style="max-width:720px;margin:0 auto;padding:24px 20px">
<h1 style="font-size:24px;color:#8a1c00;margin:0 0 12px">The brief could not be rendered</h1>
<pre id="aibrief-preview-error" style="white-space:pre-wrap;word-break:break-word;
background:#fff3ee;border-left:4px solid #d55e00;padding:12px 14px;font-size:15px">{error}</pre>
<p>Fix the file named above and save it: this page reloads by itself.</p>
{stale}
</main>
{script}</body>
</html>
"""


def _handler(preview: PreviewServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "aibrief-preview"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # quiet: the page asks for /__version twice a second

        def do_GET(self) -> None:  # noqa: N802
            self._answer(head=False)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(head=True)

        def _answer(self, head: bool) -> None:
            status, ctype, body = preview.respond(self.path, self.headers.get("Host"))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if not head:
                self.wfile.write(body)

    return Handler
