"""The site never reaches outside its folders: `aibrief serve` answers only for regular
files below the site root, reached without a symbolic link (no listings, no `..`), and
`publish` never carries a planted symlink, or what it points at, into a new site."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from generator.errors import UserError
from generator.outlets import site
from tests.test_site import NOW, seed_from

SECRET = b"TOP-SECRET-do-not-publish-4f1c"


# ---- serve --------------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[Path, Path, int]]:
    """A small site with planted symlinks, an outside folder with a secret, and a real
    server on a free loopback port."""
    root, outside = tmp_path / "site", tmp_path / "outside"
    (root / "2025-12").mkdir(parents=True)
    (root / "empty").mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET)
    (outside / "index.html").write_bytes(b"<p>" + SECRET + b"</p>")
    (root / "index.html").write_text("<!doctype html><title>AI Trade Brief</title>front")
    (root / "style.css").write_text("body { color: black; }")
    (root / "2025-12/index.html").write_text("<!doctype html><title>Dec</title>december")
    Image.new("RGB", (12, 6), "white").save(root / "2025-12/share.png")
    (root / "empty/notes.txt").write_text("not to be listed")
    (root / ".inputs.json").write_text("{}")
    (root / "etc").symlink_to("/etc")
    (root / "out").symlink_to(outside)
    (root / "secret.txt").symlink_to(outside / "secret.txt")
    (root / "2025-12/data").symlink_to(outside)
    (root / "alias.html").symlink_to("index.html")  # inside, pointing inside
    server = site.make_server(root, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, outside, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(60)


def get(port: int, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One raw request: the path goes out exactly as written (no client normalisation)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def test_a_symlink_out_of_the_site_is_not_followed(served):
    _, _, port = served
    for path in ("/etc/passwd", "/etc/hostname", "/out/secret.txt", "/secret.txt",
                 "/out/index.html", "/out/", "/2025-12/data/secret.txt"):  # fmt: skip
        status, _, body = get(port, path)
        assert status == 404, path
        assert SECRET not in body and b"root:" not in body, path


def test_a_symlink_inside_the_site_is_refused_too(served):
    _, _, port = served
    status, _, body = get(port, "/alias.html")
    assert status == 404 and b"front" not in body


def test_a_directory_without_index_html_is_not_listed(served):
    _, _, port = served
    for path in ("/empty/", "/empty", "/etc/", "/2025-12/data/"):
        status, _, body = get(port, path)
        assert status == 404, path
        assert b"notes.txt" not in body and b"Directory listing" not in body, path
        assert b"secret.txt" not in body and b"passwd" not in body, path


def test_dot_dot_traversal_is_still_refused(served):
    _, _, port = served
    for path in ("/../outside/secret.txt", "/%2e%2e/outside/secret.txt",
                 "/2025-12/../../outside/secret.txt", "/2025-12/%2E%2E/%2e%2e/outside/secret.txt",
                 "/..%2foutside%2fsecret.txt", "/%00/../outside/secret.txt"):  # fmt: skip
        status, _, body = get(port, path)
        assert status in (400, 404), path
        assert SECRET not in body, path


def test_hidden_files_are_not_served(served):
    _, _, port = served
    assert get(port, "/.inputs.json")[0] == 404


def test_normal_pages_are_served_with_their_type(served):
    root, _, port = served
    status, headers, body = get(port, "/index.html")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert body == (root / "index.html").read_bytes()
    assert int(headers["content-length"]) == len(body)
    status, headers, body = get(port, "/")
    assert status == 200 and b"front" in body and headers["content-type"].startswith("text/html")
    status, headers, body = get(port, "/2025-12/")
    assert status == 200 and b"december" in body
    status, headers, _ = get(port, "/2025-12")
    assert status == 301 and headers["location"] == "/2025-12/"
    status, headers, body = get(port, "/2025-12/share.png?v=1")
    assert status == 200 and headers["content-type"] == "image/png"
    assert body == (root / "2025-12/share.png").read_bytes()
    status, headers, _ = get(port, "/style.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    status, headers, body = get(port, "/index.html", method="HEAD")
    assert status == 200 and body == b""
    assert int(headers["content-length"]) == (root / "index.html").stat().st_size
    assert get(port, "/no-such-page.html")[0] == 404


def test_a_site_folder_reached_through_a_symlink_is_served(tmp_path):
    """site.dir may itself be a symlink the operator set up; only links below it count."""
    real = tmp_path / "real-site"
    real.mkdir()
    (real / "index.html").write_text("<!doctype html><title>x</title>hello")
    (tmp_path / "site").symlink_to(real)
    server = site.make_server(tmp_path / "site", "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        status, _, body = get(server.server_address[1], "/")
        assert status == 200 and b"hello" in body
    finally:
        server.shutdown()
        server.server_close()
        thread.join(60)


# ---- publish ------------------------------------------------------------------------------


def links_and_files(root: Path) -> tuple[list[str], list[Path]]:
    """Every symlink below root, and every regular file (without following any link)."""
    links, files = [], []
    for dirpath, dirs, names in os.walk(root):
        for name in dirs + names:
            p = Path(dirpath) / name
            if p.is_symlink():
                links.append(p.relative_to(root).as_posix())
            elif name in names:
                files.append(p)
    return links, files


def assert_nothing_from(root: Path, outside: Path) -> None:
    links, files = links_and_files(root)
    assert links == [], f"symlinks in the new site: {links}"
    theirs = {(st.st_dev, st.st_ino) for st in map(os.stat, outside.rglob("*"))}
    for f in files:
        st = f.stat()
        assert (st.st_dev, st.st_ino) not in theirs, f"{f} is a file from outside"
        assert SECRET not in f.read_bytes(), f"{f} holds outside content"


@pytest.fixture(scope="module")
def two_editions(sample_edition, tmp_path_factory):
    """An output folder with editions 2025-11 and 2025-12 and a published site."""
    folder = tmp_path_factory.mktemp("secure-site")
    settings = seed_from(sample_edition, folder)
    site.publish(settings, months=["2025-11", "2025-12"], now=NOW, deploy_site=False)
    return folder, settings


@pytest.fixture
def fresh(two_editions, tmp_path):
    """A private copy of the two-edition output folder (planting must not leak)."""
    _, settings = two_editions
    s = seed_copy(settings, tmp_path / "copy")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET)
    (outside / "brief.pdf").write_bytes(b"%PDF-1.7\n" + SECRET)
    return s, outside


def seed_copy(settings, dest: Path):
    from generator import config
    from tests.test_site import make_settings

    s = make_settings(dest)
    shutil.copytree(settings.output_dir, s.output_dir, symlinks=True)
    assert config.load(s.source_path).site_dir == s.site_dir
    return s


def test_symlinks_planted_in_the_live_site_are_not_kept(fresh):
    """Nothing else changed: before, the commit found `unchanged` and kept them."""
    settings, outside = fresh
    live = settings.site_dir
    metrics = live / "2025-12/data/metrics.json"
    shutil.copy2(metrics, outside / "metrics.json")  # same bytes, an outside inode
    metrics.unlink()
    metrics.symlink_to(outside / "metrics.json")
    (live / "out").symlink_to(outside)
    (live / "2025-12/secret.txt").symlink_to(outside / "secret.txt")
    (live / "etc").symlink_to("/etc")
    said: list[str] = []
    result = site.publish(settings, month="2025-12", now=NOW, deploy_site=False, say=said.append)
    assert result.site.commit.changed
    assert_nothing_from(live, outside)
    assert metrics.read_bytes() == (settings.editions_dir / "2025-12/metrics.json").read_bytes()
    assert not (live / "out").exists() and not (live / "etc").exists()
    dropped = [ln for ln in said if "symbolic link" in ln]
    assert any("2025-12/data/metrics.json" in ln for ln in dropped), said
    assert any(ln.startswith("site: out ") for ln in dropped), said


def test_symlinks_planted_in_editions_are_never_followed(fresh):
    settings, outside = fresh
    ed = settings.editions_dir
    (ed / "2025-11/brief.pdf").unlink()
    (ed / "2025-11/brief.pdf").symlink_to(outside / "brief.pdf")
    (ed / "2025-12/notes").symlink_to(outside)  # not a file the site takes: harmless
    shutil.copytree(ed / "2025-12", outside / "2025-10", symlinks=True)
    (outside / "2025-10/secret.txt").write_bytes(SECRET)
    (ed / "2025-10").symlink_to(outside / "2025-10")  # a whole edition from outside
    said: list[str] = []
    result = site.publish(settings, month="2025-12", now=NOW, deploy_site=False, say=said.append)
    assert result.site.editions == ["2025-12"]
    reasons = dict(result.site.skipped)
    assert "symbolic link" in reasons["2025-11"] and "brief.pdf" in reasons["2025-11"]
    assert "symbolic link" in reasons["2025-10"]
    assert any(
        ln.startswith("site: edition 2025-11 left out (brief.pdf is a symbolic link)")
        and "delete the link" in ln
        for ln in said
    ), said
    assert_nothing_from(settings.site_dir, outside)
    assert not (settings.site_dir / "2025-11").exists()
    assert not (settings.site_dir / "2025-10").exists()


def test_a_chart_name_leaving_the_edition_folder_is_refused(fresh):
    settings, outside = fresh
    folder = settings.editions_dir / "2025-11"
    listing = json.loads((folder / "charts/charts.json").read_text())
    shutil.copy2(outside / "secret.txt", outside / "secret.svg")
    listing[0]["svg"] = os.path.relpath(outside / "secret.svg", folder / "charts")
    (folder / "charts/charts.json").write_text(json.dumps(listing))
    result = site.publish(settings, month="2025-12", now=NOW, deploy_site=False)
    reasons = dict(result.site.skipped)
    assert "charts.json" in reasons["2025-11"], reasons
    assert_nothing_from(settings.site_dir, outside)
    assert not list(settings.output_dir.rglob("secret.svg*")), "nothing written outside"


def test_a_symlinked_share_image_in_the_cache_is_drawn_again(fresh):
    settings, outside = fresh
    cache = settings.state_dir / "share"
    for png in cache.glob("*.png"):
        png.unlink()
        png.symlink_to(outside / "secret.txt")
    site.publish(settings, month="2025-12", now=NOW, deploy_site=False)
    assert_nothing_from(settings.site_dir, outside)
    with Image.open(settings.site_dir / "2025-12/share.png") as img:
        assert img.size == (1200, 630)


def test_only_planted_edition_is_one_error_and_the_site_stays(fresh):
    settings, outside = fresh
    before = {p: p.read_bytes() for p in settings.site_dir.rglob("*") if p.is_file()}
    for month in ("2025-11", "2025-12"):
        pdf = settings.editions_dir / month / "brief.pdf"
        pdf.unlink()
        pdf.symlink_to(outside / "brief.pdf")
    with pytest.raises(UserError, match=r"no complete edition .*brief\.pdf is a symbolic link"):
        site.build(settings, now=NOW)
    assert {p: p.read_bytes() for p in settings.site_dir.rglob("*") if p.is_file()} == before
