"""The PDF renderer reads only what the brief is made of (the edition folder, the
templates' brief/ and styles/ folders, its own fonts, data: images), fetches nothing
from the network, attaches only files of the edition, and leaves no font folder behind."""

from __future__ import annotations

import http.server
import os
import struct
import tempfile
import threading
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator import config
from generator.analysis.document import compute_metrics
from generator.brief import edition, render, store
from generator.brief.checks import run_checks
from generator.data.refresh import refresh
from generator.errors import UserError
from tests.conftest import write_config

SECRET = "AIBRIEF_SMTP_PASSWORD=hunter2-TOPSECRET"


def png(width: int, height: int) -> bytes:
    """A real PNG of the given size (red), built by hand so its size is recognisable."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A refreshed sample warehouse, its metrics, and a previous (good) edition."""
    folder = tmp_path_factory.mktemp("security")
    settings = config.load(write_config(folder))
    refresh(settings)
    edition.build(settings, "2025-12")
    return settings, compute_metrics(settings, "2025-12")


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "secret.env"
    path.write_text(SECRET + "\n")
    return path


def embedded(path: Path) -> dict[str, bytes]:
    """Every file the PDF carries: document attachments and file-attachment annotations."""
    reader = PdfReader(str(path))
    files = {name: blobs[0] for name, blobs in reader.attachments.items()}
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") == "/FileAttachment":
                spec = annot["/FS"].get_object()
                files[str(spec["/F"])] = spec["/EF"]["/F"].get_object().get_data()
    return files


def with_overrides(base, tmp_path, files: dict[str, str]) -> config.Settings:
    """The same warehouse and editions, with an editors' override folder holding `files`."""
    settings, _ = base
    over = tmp_path / "ed"
    for rel, text in files.items():
        (over / rel).parent.mkdir(parents=True, exist_ok=True)
        (over / rel).write_text(text, encoding="utf-8")
    s = config.load(write_config(tmp_path / "cfg"))
    s.output.dir = settings.output_dir
    s.templates.overrides = over
    return s


def content(snippet: str) -> dict[str, str]:
    """An override of the content template: `snippet` on line 1, then the default."""
    return {"brief/content.html.j2": snippet + '\n{% include "!default/content.html.j2" %}\n'}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def refused_build(base, s: config.Settings) -> UserError:
    """Build over the previous edition; it must fail and leave that edition as it was."""
    settings, metrics = base
    previous = store.edition_dir(settings, "2025-12")
    before = snapshot(previous)
    with pytest.raises(UserError) as exc:
        edition.render_edition(s, metrics, ("html", "pdf"))
    assert snapshot(previous) == before
    assert [p.name for p in previous.parent.iterdir() if p.name.startswith(".2025-12")] == []
    message = str(exc.value)
    assert "\n" not in message
    return exc.value


@pytest.mark.parametrize("tag", ["link", "a"])
def test_an_attachment_outside_the_edition_stops_the_build(base, tmp_path, secret, tag):
    s = with_overrides(
        base, tmp_path, content(f'<{tag} rel="attachment" href="{secret.as_uri()}">x</{tag}>')
    )
    err = refused_build(base, s)
    assert f"{tmp_path / 'ed' / 'brief' / 'content.html.j2'}:1:" in str(err)
    assert secret.as_uri() in str(err)
    assert "attach" in str(err)


def test_a_plain_link_to_a_local_file_embeds_nothing(base, tmp_path, secret):
    """A hyperlink is not fetched: the PDF renders, with no file and no text from it."""
    _, metrics = base
    s = with_overrides(base, tmp_path, content(f'<p><a href="{secret.as_uri()}">notes</a></p>'))
    dest = tmp_path / "out"
    edition.render_edition(s, metrics, ("html", "pdf"), dest=dest)
    reader = PdfReader(str(dest / "brief.pdf"))
    assert embedded(dest / "brief.pdf") == {}
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "TOPSECRET" not in text and "hunter2" not in text
    assert b"TOPSECRET" not in (dest / "brief.pdf").read_bytes()


def test_an_attachment_inside_the_edition_is_embedded(base, tmp_path):
    _, metrics = base
    s = with_overrides(
        base,
        tmp_path,
        content(
            '<link rel="attachment" href="metrics.json">'
            '<p><a rel="attachment" href="charts/charts.json">chart list</a></p>'
        ),
    )
    dest = tmp_path / "out"
    edition.render_edition(s, metrics, ("html", "pdf"), dest=dest)
    attached = embedded(dest / "brief.pdf")
    assert set(attached) == {"metrics.json", "charts.json"}
    assert attached["metrics.json"] == (dest / "metrics.json").read_bytes()
    assert attached["charts.json"] == (dest / "charts" / "charts.json").read_bytes()


@pytest.fixture
def loopback():
    """A web server on 127.0.0.1 that records every request it gets (and serves a PNG)."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            seen.append(self.path)
            body = png(2, 2)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()
    thread.join(timeout=60)


REMOTE = {
    "css url": '<style>.brief {{ background: url({u}/bg.png) }}</style><div class="x">x</div>',
    "img": '<img src="{u}/img.png" alt="x">',
    "object": '<object data="{u}/obj.svg" type="image/svg+xml">x</object>',
    "import": "<style>@import url({u}/more.css);</style>",
    "font": "<style>@font-face {{ font-family: X; src: url({u}/f.ttf) }} p {{ font-family: X }}"
    "</style>",
    "data text": '<link rel="stylesheet" href="data:text/css,p%7Bcolor:red%7D">'
    '<img src="{u}/after-data.png" alt="x">',
}


@pytest.mark.parametrize("kind", list(REMOTE))
def test_no_request_leaves_the_machine_while_rendering(base, tmp_path, loopback, kind):
    url, seen = loopback
    s = with_overrides(base, tmp_path, content(REMOTE[kind].format(u=url)))
    err = refused_build(base, s)
    assert f"{tmp_path / 'ed' / 'brief' / 'content.html.j2'}:1:" in str(err)
    assert ("data:text/css" if kind == "data text" else url) in str(err)
    assert seen == []


def test_a_stylesheet_override_names_its_own_file(base, tmp_path, loopback):
    url, seen = loopback
    print_css = (base[0].templates_dir / "styles" / "print.css").read_text()
    s = with_overrides(
        base,
        tmp_path,
        {"styles/print.css": print_css + f"\nbody {{ background: url({url}/b.png) }}\n"},
    )
    err = refused_build(base, s)
    line = len(print_css.splitlines()) + 2
    assert f"{tmp_path / 'ed' / 'styles' / 'print.css'}:{line}:" in str(err)
    assert f"{url}/b.png" in str(err)
    assert seen == []


def test_files_outside_the_allowed_folders_are_refused(base, tmp_path, secret):
    """A symlink in the templates folder and a relative path out of the edition both fail."""
    leak = tmp_path / "ed" / "brief" / "leak.png"
    s = with_overrides(
        base, tmp_path, content(f'<img src="{leak.as_uri()}" alt="x"><img src="../../x.png">')
    )
    leak.symlink_to(secret)
    err = refused_build(base, s)
    assert leak.as_uri() in str(err)
    s = with_overrides(base, tmp_path / "2", content('<img src="../../warehouse/manifest.json">'))
    err = refused_build(base, s)
    assert "warehouse/manifest.json" in str(err)


def test_data_images_and_template_images_still_render(base, tmp_path):
    """A data: image on the page and in the PDF; an image from the templates in the PDF."""
    import base64

    settings, metrics = base
    logo = tmp_path / "ed" / "brief" / "logo.png"
    data = "data:image/png;base64," + base64.b64encode(png(3, 2)).decode()
    print_page = (settings.templates_dir / "brief" / "print.html.j2").read_text()
    tag = f'<img src="{logo.as_uri()}" alt="logo">'
    files = {
        **content(f'<img src="{data}" alt="a">'),
        "brief/print.html.j2": print_page.replace(
            '<main class="brief">', tag + '<main class="brief">'
        ),
    }
    s = with_overrides(base, tmp_path, files)
    logo.write_bytes(png(5, 4))
    dest = tmp_path / "out"
    edition.render_edition(s, metrics, ("html", "pdf"), dest=dest)
    assert data in (dest / "brief.html").read_text()
    pages = PdfReader(str(dest / "brief.pdf")).pages
    sizes = {img.image.size for page in pages for img in page.images}
    assert {(3, 2), (5, 4)} <= sizes


def test_check_reports_a_remote_or_secret_reference_in_an_override(base, tmp_path, secret):
    s = with_overrides(
        base,
        tmp_path,
        {
            "brief/content.html.j2": "<p>Desk</p>\n"
            '<img src="http://127.0.0.1:9/x.png" alt="x">\n'
            f'<link rel="attachment" href="{secret.as_uri()}">\n'
            '{% include "!default/content.html.j2" %}\n',
            "styles/print.css": "p { background: url('https://example.invalid/b.png') }\n",
            # the screen stylesheet never reaches the PDF: not the renderer's business
            "styles/brief.css": "p { background: url('https://example.invalid/s.png') }\n",
        },
    )
    report = run_checks(settings=s)
    over = tmp_path / "ed"
    expected = [
        (f"{over / 'brief' / 'content.html.j2'}:2:", "http://127.0.0.1:9/x.png"),
        (f"{over / 'brief' / 'content.html.j2'}:3:", secret.as_uri()),
        (f"{over / 'styles' / 'print.css'}:1:", "https://example.invalid/b.png"),
    ]
    for where, url in expected:
        assert any(p.startswith(where) and url in p for p in report.problems), report.problems
    assert len([p for p in report.problems if "may not" in p]) == 3, report.problems


def test_check_passes_the_default_templates(base):
    settings, _ = base
    report = run_checks(settings=settings)
    assert [p for p in report.problems if "may not" in p] == []


def fonts_page() -> str:
    return f"<html><head><style>{render.font_css()}</style></head><body><p>Hi</p></body></html>"


def leftovers(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.iterdir() if p.name.startswith(("weasyprint-", "aibrief-"))
    )


def test_a_render_leaves_no_font_folder(tmp_path, monkeypatch):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    render.render_pdf(fonts_page(), tmp_path, tmp_path / "a.pdf")
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
    assert leftovers(tmp) == []
    # as in backfill: the render runs in a worker process of a pool
    with ProcessPoolExecutor(max_workers=1) as pool:
        pool.submit(render.render_pdf, fonts_page(), tmp_path, tmp_path / "b.pdf").result()
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
    assert leftovers(tmp) == []


def test_stale_font_folders_of_this_tool_are_removed(tmp_path, monkeypatch):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    old = time.time() - 2 * render.STALE_FONT_DIR_AGE
    stale, fresh, other = (
        tmp / f"{render.FONT_DIR_PREFIX}stale",
        tmp / f"{render.FONT_DIR_PREFIX}fresh",
        tmp / "weasyprint-not-ours",
    )
    for folder in (stale, fresh, other):
        folder.mkdir()
        (folder / "f").write_bytes(b"font")
    for path in (stale / "f", stale, other / "f", other):
        os.utime(path, (old, old))
    render.render_pdf(fonts_page(), tmp_path, tmp_path / "a.pdf")
    assert leftovers(tmp) == [fresh.name, other.name]


def test_an_svg_cannot_fetch_what_its_page_may_not(tmp_path, loopback):
    """WeasyPrint swallows errors while drawing an SVG; the refusal still fails the PDF."""
    url, seen = loopback
    brief = tmp_path / "ed" / "brief"
    brief.mkdir(parents=True)
    (brief / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">'
        f'<image href="{url}/in-svg.png" width="20" height="20"/></svg>'
    )
    page = f'<html><body><img src="{(brief / "logo.svg").as_uri()}" alt="logo"></body></html>'
    out = tmp_path / "edition" / "brief.pdf"
    out.parent.mkdir()
    with pytest.raises(UserError) as exc:
        render.render_pdf(page, out.parent, out, [tmp_path / "ed"])
    assert f"{url}/in-svg.png" in str(exc.value)
    assert not out.exists()
    assert seen == []


def test_the_rule_url_by_url(tmp_path):
    from generator.brief.pdfguard import Sources

    edition_dir, templates, font = tmp_path / "ed", tmp_path / "t", tmp_path / "f.ttf"
    for folder in (edition_dir / "charts", templates / "brief", templates / "site"):
        folder.mkdir(parents=True)
    sources = Sources.of(edition_dir, [templates], [font])
    allowed = [
        (edition_dir / "charts" / "a.svg").as_uri(),
        (templates / "brief" / "logo.png").as_uri(),
        (templates / "styles" / "x.css").as_uri(),
        font.as_uri(),
        "FILE://localhost" + str(edition_dir / "a.png"),
        "data:image/png;base64,AAAA",
        "DATA:Image/SVG+XML,<svg/>",
    ]
    refused = [
        "file:///proc/self/environ",
        (templates / "site" / "x.png").as_uri(),
        (tmp_path / "f2.ttf").as_uri(),
        (edition_dir / ".." / "secret").as_uri(),
        "file://other.host" + str(edition_dir / "a.png"),
        "file:relative/x.png",
        "http://127.0.0.1/x.png",
        "https://example.org/x.png",
        "ftp://example.org/x",
        "data:text/html,<p>x</p>",
        "data:,plain",
    ]
    assert [u for u in allowed if sources.refusal(u)] == []
    assert [u for u in refused if not sources.refusal(u)] == []
    # attachments: the edition folder only
    assert sources.refusal((edition_dir / "metrics.json").as_uri(), attach=True) is None
    for url in (font.as_uri(), (templates / "brief" / "x").as_uri(), "data:image/png,AA"):
        assert sources.refusal(url, attach=True)
