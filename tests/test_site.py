"""The static site: pages, archive, feed, sitemap, share images, links that resolve from
file://, HTML5, atomic swap (also under SIGKILL), no rewrite when nothing changed, the
deploy hook and the local server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import html5lib
import pytest
from PIL import Image

from generator import config, numbers
from generator.brief import backfill
from generator.brief.render import plain_text
from generator.cli import main
from generator.errors import UserError
from generator.outlets import site
from tests.conftest import REPO, write_config
from tests.test_brief import cited_links, untraced

MONTHS = ["2025-10", "2025-11", "2025-12"]
BASE = "https://briefs.example.com/ai-trade/"
NOW = "2026-01-05T10:00:00Z"


def make_settings(folder: Path, extra: str = "") -> config.Settings:
    return config.load(write_config(folder, f"site:\n  base_url: {BASE}\n" + extra))


def seed_from(sample_edition, folder: Path) -> config.Settings:
    """A fresh output folder with the sample's warehouse and its 2025-12 edition (stamped,
    so that only the other months are built)."""
    sample_settings, edition_folder = sample_edition
    settings = make_settings(folder)
    shutil.copytree(sample_settings.warehouse_dir, settings.warehouse_dir)
    shutil.copytree(edition_folder, settings.editions_dir / "2025-12")
    backfill.stamp(settings, "2025-12")
    return settings


@pytest.fixture(scope="module")
def published(sample_edition, tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    settings = seed_from(sample_edition, folder)
    result = site.publish(settings, months=MONTHS, now=NOW)
    return folder, settings, result


def html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def parse(page: Path):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(page.read_text(encoding="utf-8"))


def snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def metrics_of(settings, month: str) -> dict:
    return json.loads((settings.site_dir / month / "data" / "metrics.json").read_text())


# ---- what is built ------------------------------------------------------------------------


def test_the_site_has_every_edition_with_its_files(published):
    _, settings, result = published
    assert result.editions.count("built") == 2  # 2025-12 was stamped already
    assert result.editions.count("skipped") == 1
    root = settings.site_dir
    for name in ("index.html", "archive.html", "feed.xml", "sitemap.xml", "style.css"):
        assert (root / name).is_file(), name
    for month in MONTHS:
        d = root / month
        for name in ("index.html", "brief.pdf", "share.png", "data/metrics.json"):
            assert (d / name).is_file(), f"{month}/{name}"
        listing = json.loads((settings.editions_dir / month / "charts/charts.json").read_text())
        assert len(listing) == 6
        for chart in listing:
            assert (d / "charts" / chart["svg"]).is_file()
            assert (d / "charts" / chart["png"]).is_file()
            assert (d / "data" / chart["csv"]).is_file(), "a CSV behind every chart"
        assert (d / "data/metrics.json").read_bytes() == (
            settings.editions_dir / month / "metrics.json"
        ).read_bytes()
    assert not list(root.rglob(".*")), "no hidden files (stamps, staging) on the site"


def test_every_page_is_html5_and_every_internal_link_resolves(published):
    _, settings, _ = published
    root = settings.site_dir
    seen: set[Path] = set()
    todo = [root / "index.html"]
    checked = 0
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        tree = parse(page)  # strict: a parse error fails here
        assert tree.get("lang") == "en"
        for el in tree.iter():
            for attr in ("href", "src"):
                url = el.get(attr)
                if not url or url.startswith("#"):
                    continue
                parts = urlsplit(url)
                if parts.scheme or parts.netloc:
                    ok = url.startswith(BASE) or url in cited_links()  # source, study
                    assert ok, f"{page}: absolute link off the site: {url}"
                    continue
                target = (page.parent / unquote(parts.path)).resolve()
                assert target.is_file(), f"{page.relative_to(root)} links {url}: no such file"
                assert root.resolve() in target.parents, f"{url} leaves the site"
                checked += 1
                if target.suffix == ".html":
                    todo.append(target)
    assert {p.resolve() for p in html_files(root)} <= {p.resolve() for p in seen}, (
        "every page is reachable from the front page"
    )
    assert checked > 100


def test_edition_page_has_the_brief_with_site_links(published):
    _, settings, _ = published
    page = (settings.site_dir / "2025-11/index.html").read_text()
    assert 'src="charts/growth_index.svg"' in page
    assert 'href="data/growth_index.csv"' in page
    assert 'href="data/metrics.json"' in page
    assert 'href="brief.pdf"' in page
    assert 'rel="prev" href="../2025-10/index.html"' in page
    assert 'rel="next" class="next" href="../2025-12/index.html"' in page


def test_edition_page_says_what_the_brief_says(published):
    """Same content template, same narrative: the brief's text is on the site page."""
    _, settings, _ = published
    for month in MONTHS:
        brief = (settings.editions_dir / month / "brief.html").read_text()
        body = brief.split('<main class="brief">', 1)[1].split("</main>", 1)[0]
        page = (settings.site_dir / month / "index.html").read_text()
        assert plain_text(body) in plain_text(page), month


def test_front_page_is_the_latest_edition(published):
    _, settings, _ = published
    page = (settings.site_dir / "index.html").read_text()
    latest = (settings.site_dir / "2025-12/index.html").read_text()
    title = latest.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert f"<h1>{title}</h1>" in page
    assert 'src="2025-12/charts/ai_share.svg"' in page
    assert 'href="2025-12/data/metrics.json"' in page
    assert 'href="2025-11/index.html"' in page and 'href="archive.html"' in page


def test_archive_lists_every_edition_with_its_own_numbers(published):
    _, settings, _ = published
    tree = parse(settings.site_dir / "archive.html")
    items = [li for li in tree.iter("li") if li.get("class") == "edition"]
    assert len(items) == len(MONTHS)
    months = []
    for li in items:
        href = next(a.get("href") for a in li.iter("a"))
        month = href.split("/")[0]
        months.append(month)
        doc = metrics_of(settings, month)
        text = " ".join(" ".join(li.itertext()).split())
        assert untraced(text, doc) == [], f"{month}: a number not in its metrics"
        assert numbers.pct(doc["imports"]["ai_share"]["month"]) in text
        assert numbers.money_short(doc["imports"]["ai"]["month"]) in text
        assert numbers.pct(doc["tariffs"]["ai"]["month"]) in text
        headline = parse(settings.site_dir / month / "index.html").find(".//h1")
        assert "".join(headline.itertext()) in text
        assert len([k for k in li.iter("li") if k is not li]) in (2, 3)
    assert months == sorted(MONTHS, reverse=True), "newest first"


def test_sample_data_is_labelled_on_every_page_and_in_the_feed(published):
    _, settings, _ = published
    for page in html_files(settings.site_dir):
        assert "Illustrative sample data" in plain_text(page.read_text()), page
    parsed = feedparser.parse((settings.site_dir / "feed.xml").read_bytes())
    for entry in parsed.entries:
        assert "Illustrative sample data" in entry.content[0].value


def test_the_feed_parses_with_one_entry_per_edition(published):
    _, settings, _ = published
    parsed = feedparser.parse((settings.site_dir / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "AI Trade Brief"
    assert len(parsed.entries) == len(MONTHS)
    assert [e.link for e in parsed.entries] == [BASE + m + "/" for m in reversed(MONTHS)]
    for entry, month in zip(parsed.entries, reversed(MONTHS), strict=True):
        doc = metrics_of(settings, month)
        assert entry.id == BASE + month + "/"
        assert entry.title.startswith(numbers.month_name(month) + ": ")
        assert entry.published == NOW and entry.updated == NOW
        pdf = [link for link in entry.links if link.rel == "enclosure"][0]
        assert pdf.href == BASE + month + "/brief.pdf" and pdf.type == "application/pdf"
        assert numbers.pct(doc["imports"]["ai_share"]["month"]) in entry.content[0].value


def test_sitemap_lists_every_page_with_absolute_urls(published):
    _, settings, _ = published
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring((settings.site_dir / "sitemap.xml").read_bytes())
    locs = [el.text for el in root.findall("s:url/s:loc", ns)]
    assert locs == [BASE, BASE + "archive.html", *(BASE + m + "/" for m in reversed(MONTHS))]
    assert all(el.text == NOW[:10] for el in root.findall("s:url/s:lastmod", ns))


def test_open_graph_and_share_image(published):
    _, settings, _ = published
    for month in MONTHS:
        tree = parse(settings.site_dir / month / "index.html")
        meta = {(m.get("property") or m.get("name")): m.get("content") for m in tree.iter("meta")}
        assert meta["og:image"] == f"{BASE}{month}/share.png"
        assert meta["og:url"] == f"{BASE}{month}/"
        assert meta["og:type"] == "article"
        assert meta["twitter:card"] == "summary_large_image"
        assert meta["og:title"] == "".join(tree.find(".//h1").itertext())
        doc = metrics_of(settings, month)
        assert numbers.pct(doc["imports"]["ai_share"]["month"]) in meta["og:image:alt"]
        with Image.open(settings.site_dir / month / "share.png") as img:
            assert img.size == (1200, 630) and img.format == "PNG"
    index = {
        (m.get("property") or m.get("name")): m.get("content")
        for m in parse(settings.site_dir / "index.html").iter("meta")
    }
    assert index["og:url"] == BASE and index["og:image"] == f"{BASE}2025-12/share.png"


def test_share_images_differ_by_edition(published):
    _, settings, _ = published
    blobs = {(settings.site_dir / m / "share.png").read_bytes() for m in MONTHS}
    assert len(blobs) == len(MONTHS)


# ---- nothing changed, something changed, failures -----------------------------------------


def test_a_second_build_rewrites_nothing(published):
    _, settings, _ = published
    before = snapshot(settings.site_dir)
    state = (settings.state_dir / "site.json").stat().st_mtime_ns
    result = site.publish(settings, months=MONTHS, now="2026-02-01T00:00:00Z")
    assert result.editions.count("skipped") == len(MONTHS)
    assert not result.site.commit.changed
    assert snapshot(settings.site_dir) == before
    assert (settings.state_dir / "site.json").stat().st_mtime_ns == state


def override(folder: Path, name: str, text: str) -> Path:
    path = folder / "overrides" / "site" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return folder / "overrides"


def with_overrides(settings, overrides: Path) -> config.Settings:
    s = settings.model_copy(deep=True)
    s.templates.overrides = overrides
    s._source_path = settings.source_path
    return s


def test_a_template_change_rewrites_only_what_changed(published, tmp_path):
    _, settings, _ = published
    before = snapshot(settings.site_dir)
    css = (REPO / "templates/site/site.css").read_text() + "\n.site-title { color: #0072b2; }\n"
    s2 = with_overrides(settings, override(tmp_path, "site.css", css))
    result = site.build(s2, now=NOW)
    try:
        after = snapshot(settings.site_dir)
        assert result.commit.written == 1 and result.commit.removed == 0
        changed = {k for k in after if after[k] != before[k]}
        assert changed == {"style.css"}, "the rest are the same files (same inode and mtime)"
    finally:
        site.build(settings, now=NOW)
    assert snapshot(settings.site_dir).keys() == before.keys()


def test_a_broken_template_leaves_the_site_as_it_was(published, tmp_path):
    _, settings, _ = published
    before = snapshot(settings.site_dir)
    broken = '{% extends "layout.html.j2" %}{% block main %}{{ no_such_thing }}{% endblock %}'
    s2 = with_overrides(settings, override(tmp_path, "archive.html.j2", broken))
    with pytest.raises(UserError, match=r"archive\.html\.j2"):
        site.build(s2)
    assert snapshot(settings.site_dir) == before


def test_a_bad_key_number_names_site_yaml_and_line(published, tmp_path):
    _, settings, _ = published
    text = (REPO / "templates/site/site.yaml").read_text()
    bad = text.replace("m.tariffs.ai.month|pct }}", "m.tariffs.nope|pct }}", 1)
    assert bad != text
    line = next(i for i, ln in enumerate(bad.splitlines(), 1) if "m.tariffs.nope" in ln)
    s2 = with_overrides(settings, override(tmp_path, "site.yaml", bad))
    with pytest.raises(UserError, match=rf"site\.yaml:{line}: key_numbers\[2\]"):
        site.build(s2)


KILLED_BUILD = textwrap.dedent(
    """
    import sys, time
    from generator.outlets.site import tree
    write = tree._write
    count = [0]
    def slow(dest, data):
        write(dest, data)
        count[0] += 1
        if count[0] == 2:  # halfway: some new files are in the staging folder
            open(sys.argv[2], "w").close()
            time.sleep(120)
    tree._write = slow
    from generator.cli import main
    main(["--config", sys.argv[1], "publish", "--month", "2025-12", "--no-deploy"])
    """
)


def test_a_killed_build_leaves_the_previous_site_byte_for_byte(published, tmp_path):
    folder, settings, _ = published
    before = snapshot(settings.site_dir)
    layout = (REPO / "templates/site/layout.html.j2").read_text()
    overrides = override(tmp_path, "layout.html.j2", layout.replace("Archive</a>", "All</a>"))
    cfg = folder / "with-overrides.yaml"
    text = settings.source_path.read_text()
    cfg.write_text(text.replace("templates:\n", f"templates:\n  overrides: {overrides}\n"))
    marker = tmp_path / "halfway"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_BUILD, str(cfg), str(marker)],
        cwd=REPO,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the build never got halfway"
            time.sleep(0.02)
        staging = list(settings.site_dir.parent.glob(".site.staging-*"))
        assert staging, "killed while the new tree was being staged"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert snapshot(settings.site_dir) == before
    # the next publish cleans up and completes
    s2 = config.load(cfg)
    result = site.build(s2, now=NOW)
    assert result.commit.changed
    assert not list(settings.site_dir.parent.glob(".site.*"))
    assert ">All</a>" in (settings.site_dir / "archive.html").read_text()
    site.build(settings, now=NOW)
    assert snapshot(settings.site_dir).keys() == before.keys()


def test_no_edition_yet_is_one_clear_error(tmp_path):
    settings = make_settings(tmp_path)
    with pytest.raises(UserError, match="no complete edition"):
        site.build(settings)
    assert not settings.site_dir.exists()


# ---- deploy and serve ---------------------------------------------------------------------


def test_deploy_runs_in_the_site_folder_with_its_path(published, tmp_path):
    _, settings, _ = published
    out = tmp_path / "deployed.txt"
    s2 = settings.model_copy(deep=True)
    s2._source_path = settings.source_path
    s2.site.deploy_command = f'pwd > {out}; echo "$AIBRIEF_SITE_DIR" >> {out}; ls >> {out}'
    result = site.deploy(s2)
    assert result is not None
    lines = out.read_text().splitlines()
    assert Path(lines[0]).resolve() == settings.site_dir.resolve()
    assert lines[1] == str(settings.site_dir)
    assert "index.html" in lines and "feed.xml" in lines


def test_a_failing_deploy_is_one_line_and_non_zero(published, tmp_path, capsys):
    folder, settings, _ = published
    cfg = folder / "deploy-fails.yaml"
    cfg.write_text(
        settings.source_path.read_text()
        + "  deploy_command: \"echo progress; echo 'rsync: connection refused' >&2; exit 23\"\n"
    )
    before = snapshot(settings.site_dir)
    try:
        main(["--config", str(cfg), "publish", "--month", "2025-12"])
        code = 0
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 1
    errors = [ln for ln in err.splitlines() if ln.startswith("aibrief: error:")]
    assert errors == [
        "aibrief: error: site built, but the deploy command failed (exit status 23): "
        "rsync: connection refused"
    ]
    assert "Traceback" not in err
    assert snapshot(settings.site_dir) == before


def test_publish_rejects_month_and_all_together(published, capsys):
    _, settings, _ = published
    with pytest.raises(SystemExit) as exc:
        main(["--config", str(settings.source_path), "publish", "--month", "2025-12", "--all"])
    assert exc.value.code == 1
    assert "exclude each other" in capsys.readouterr().err


def test_serve_answers_on_localhost(published):
    _, settings, _ = published
    server = site.make_server(settings.site_dir, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://{host}:{port}/index.html", timeout=60) as r:
            assert r.status == 200 and b"AI Trade Brief" in r.read()
        with urllib.request.urlopen(f"http://{host}:{port}/2025-12/share.png", timeout=60) as r:
            assert r.headers["Content-Type"] == "image/png"
    finally:
        server.shutdown()
        server.server_close()


def test_serve_without_a_site_says_so(tmp_path):
    with pytest.raises(UserError, match="run `aibrief publish` first"):
        site.make_server(tmp_path / "nothing")


# ---- the tree commit on its own -----------------------------------------------------------


def test_tree_commit_without_atomic_exchange_and_recovery(tmp_path, monkeypatch):
    from generator import fsutil
    from generator.outlets.site import tree

    target = tmp_path / "site"
    src = tmp_path / "big.bin"
    src.write_bytes(b"x" * 5000)
    first = {"a.txt": tree.Entry(data=b"one"), "d/big.bin": tree.Entry(source=src)}
    assert tree.commit(first, target).written == 2
    assert tree.commit(first, target).changed is False
    monkeypatch.setattr(fsutil, "exchange", lambda a, b: False)  # e.g. not Linux
    second = {"a.txt": tree.Entry(data=b"two"), "d/big.bin": tree.Entry(source=src)}
    result = tree.commit(second, target)
    assert (result.written, result.kept, result.removed) == (1, 1, 0)
    assert (target / "a.txt").read_bytes() == b"two"
    # killed between the two renames: the old tree is put back by the next commit
    os.replace(target, tmp_path / ".site.old-12345")
    (tmp_path / ".site.staging-abc").mkdir()
    fsutil.recover(target)  # the one swap recovery of the site, editions and warehouse
    assert (target / "a.txt").read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.bin", "site"]
    result = tree.commit({"a.txt": tree.Entry(data=b"two")}, target)
    assert result.removed == 1 and not (target / "d").exists()
