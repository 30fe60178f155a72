"""`aibrief preview`: the editors' local page renders again when a template, the month's
note or the config changes, shows a broken file's `file:line` without stopping, serves
nothing outside its own folder and leaves the live edition alone."""

from __future__ import annotations

import http.client
import json
import os
import socket
import time
from pathlib import Path

import pytest

from generator import config
from generator.data.refresh import refresh
from generator.outlets.preview import PreviewServer, preview_dir
from tests.conftest import REPO, write_config

MONTH = "2025-12"
CONTENT = REPO / "templates" / "brief" / "content.html.j2"
HEADLINE_TAG = "<h1>{{ n.headline }}</h1>"


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    """An output folder whose warehouse holds the sample (filled once for the module)."""
    folder = tmp_path_factory.mktemp("preview-data")
    settings = config.load(write_config(folder))
    refresh(settings)
    return settings.output_dir


def _write_config(folder: Path, output: Path, extra: str = "") -> Path:
    """Shared output (warehouse); the test's own overrides and notes folders."""
    path = folder / "config.yaml"
    path.write_text(
        f"output:\n  dir: {output}\n"
        f"taxonomy:\n  rules: {REPO / 'taxonomy' / 'ai_products.yaml'}\n"
        f"  exemptions: {REPO / 'taxonomy' / 'exemptions'}\n"
        f"templates:\n  dir: {REPO / 'templates'}\n"
        f"  overrides: {folder / 'overrides'}\n"
        f"  notes: {folder / 'editions'}\n" + extra,
        encoding="utf-8",
    )
    return path


@pytest.fixture
def start(tmp_path, output):
    """Start a preview of MONTH for this test's config; stopped at teardown."""
    servers: list[PreviewServer] = []

    def _start() -> PreviewServer:
        settings = config.load(_write_config(tmp_path, output))
        server = PreviewServer(settings, MONTH, port=0)
        servers.append(server)
        return server.start()

    yield _start
    for server in servers:
        server.stop()


def save(path: Path, text: str) -> None:
    """Write whole, as most editors save (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def get(server: PreviewServer, path: str, host: str | None = None) -> tuple[int, bytes]:
    """http.client sends the path as given (no normalisation of `..`)."""
    conn = http.client.HTTPConnection(*server.server_address, timeout=60)
    try:
        headers = {"Host": host} if host else {}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def raw_get(server: PreviewServer, path: str) -> tuple[int, bytes]:
    """The request line exactly as written, on a bare socket."""
    with socket.create_connection(server.server_address, timeout=60) as sock:
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode("ascii"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def version(server: PreviewServer) -> int:
    status, body = get(server, "/__version")
    assert status == 200
    return json.loads(body)["version"]


def wait_for(server: PreviewServer, since: int, text: str, timeout: float = 90.0) -> str:
    """Poll as the page does: once /__version moves past `since`, the page has `text`.
    The bound is far above a re-render (2-4 s under load): it catches a hang, not slowness."""
    t0 = time.monotonic()
    page = ""
    while time.monotonic() - t0 < timeout:
        if version(server) > since:
            status, body = get(server, "/")
            assert status == 200
            page = body.decode("utf-8")
            if text in page:
                return page
        time.sleep(0.1)
    pytest.fail(f"{text!r} not served within {timeout}s (version {version(server)}): {page[:300]}")


def tree(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_preview_renders_again_on_template_edits_and_shows_errors(start, tmp_path, output):
    # A copy of the content template in the override folder: the editor's file.
    mine = tmp_path / "overrides" / "brief" / "content.html.j2"
    original = CONTENT.read_text(encoding="utf-8")
    assert HEADLINE_TAG in original
    save(mine, original)
    # A live edition that preview must not touch.
    live = output / "editions" / MONTH
    live.mkdir(parents=True, exist_ok=True)
    (live / "brief.html").write_text("<p>the live edition</p>", encoding="utf-8")
    before = tree(output / "editions")

    server = start()
    assert server.url.startswith("http://127.0.0.1:")
    assert server.error is None and server.version == 1

    status, body = get(server, "/")
    page = body.decode("utf-8")
    assert status == 200
    assert "<h1>" in page and "Illustrative sample data" in page
    assert 'id="aibrief-preview"' in page and "/__version" in page and 'href="/brief.pdf"' in page
    status, pdf = get(server, "/brief.pdf")
    assert status == 200 and pdf.startswith(b"%PDF")
    status, body = get(server, "/metrics.json")
    assert status == 200 and json.loads(body)["month"] == MONTH
    status, svg = get(server, "/charts/growth_index.svg")
    assert status == 200 and b"<svg" in svg[:2000]
    # The reload script is injected into what is served only, never into the file.
    on_disk = (preview_dir(server.settings, MONTH) / "brief.html").read_text(encoding="utf-8")
    assert "__version" not in on_disk and "aibrief-preview" not in on_disk

    # An edit is served within 3 s.
    v = server.version
    save(mine, original.replace(HEADLINE_TAG, HEADLINE_TAG + "\n<p>First preview marker</p>"))
    wait_for(server, v, "First preview marker")

    # A broken template: its file and line in place of the brief; the server answers on.
    lines = original.splitlines()
    at = next(i for i, ln in enumerate(lines) if HEADLINE_TAG in ln)
    broken = [*lines[:at], "{% if %}", *lines[at:]]
    v = server.version
    save(mine, "\n".join(broken) + "\n")
    page = wait_for(server, v, "could not be rendered")
    assert f"{mine}:{at + 1}: template syntax error" in page
    assert "First preview marker" not in page and "/__version" in page
    assert server.error and server.error.startswith(f"{mine}:{at + 1}:")
    status, body = get(server, "/__error")
    assert status == 200 and body.decode("utf-8") == server.error
    status, pdf = get(server, "/brief.pdf")  # the last render that worked
    assert status == 200 and pdf.startswith(b"%PDF")

    # Fixed: the brief is back.
    v = server.version
    save(mine, original.replace(HEADLINE_TAG, HEADLINE_TAG + "\n<p>Second preview marker</p>"))
    page = wait_for(server, v, "Second preview marker")
    assert "could not be rendered" not in page
    assert server.error is None
    assert get(server, "/__error") == (200, b"")

    # Nothing was written to the live editions folder.
    assert tree(output / "editions") == before


def test_preview_renders_again_when_the_note_or_config_changes(start, tmp_path):
    server = start()
    assert "A headline from the editor" not in get(server, "/")[1].decode("utf-8")

    v = server.version
    save(
        tmp_path / "editions" / f"{MONTH}.md",
        "---\nheadline: A headline from the editor\nwatch:\n  - The January release\n---\n"
        "A note with **bold** words.\n",
    )
    page = wait_for(server, v, "A headline from the editor")
    assert "The January release" in page and "<strong>bold</strong>" in page

    # A config that does not validate: its line on the page; fixed, the brief is back.
    cfg = tmp_path / "config.yaml"
    good = cfg.read_text(encoding="utf-8")
    v = server.version
    save(cfg, good + 'metrics:\n  base_year: "soon"\n')
    line = len(good.splitlines()) + 2
    page = wait_for(server, v, "could not be rendered")
    assert f"{cfg}:{line}: metrics.base_year: expected an integer" in page
    v = server.version
    save(cfg, good)
    wait_for(server, v, "A headline from the editor")
    assert server.error is None


def test_preview_serves_nothing_outside_its_folder(start, output):
    server = start()
    assert server.server_address[0] == "127.0.0.1"
    # Files a traversal would reach, from the preview folder and from charts/.
    folder = preview_dir(server.settings, MONTH)
    for p in (folder.parent / "config.yaml", folder.parent.parent / "config.yaml"):
        p.write_text("secret: do not serve\n", encoding="utf-8")

    for path in ("/../config.yaml", "/charts/../../config.yaml"):
        status, body = raw_get(server, path)
        assert status in (403, 404), path
        assert b"secret" not in body
    for path in (
        "/../config.yaml",
        "/%2e%2e/config.yaml",
        "/%2E%2E/config.yaml",
        "/%2e%2e%2fconfig.yaml",
        "/charts/%2e%2e/%2e%2e/config.yaml",
        "/charts/..%2f..%2fconfig.yaml",
        "/..%5cconfig.yaml",
        "//config.yaml",
        "/config.yaml",
        "/brief.html",
        "/charts/",
        "/charts",
        "/charts/x.svg",
        "/.%2e/config.yaml",
    ):
        status, body = get(server, path)
        assert status in (403, 404), path
        assert b"secret" not in body, path
    # Only local host names (no DNS rebinding onto the preview).
    assert get(server, "/", host="attacker.example")[0] == 403
    assert get(server, "/", host="localhost:1")[0] == 200


def test_latest_month_by_default_and_missing_month_is_a_user_error(output, tmp_path):
    from generator.errors import UserError

    settings = config.load(_write_config(tmp_path, output))
    assert PreviewServer(settings, port=0).month == "2026-09"  # the sample's latest month
    with pytest.raises(UserError, match="no data for 2031-01"):
        PreviewServer(settings, "2031-01", port=0).start()


def test_preview_command_is_listed():
    from click.testing import CliRunner

    from generator.cli import cli

    result = CliRunner().invoke(cli, ["preview", "--help"])
    assert result.exit_code == 0
    assert "--month" in result.output and "--port" in result.output
