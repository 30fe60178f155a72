"""Edition builds killed for real (SIGKILL in a child process): between the two renames
of a swap, the next command puts the previous edition back, so the live site keeps it and
`send` still mails it; a killed build's staging folder is removed by the next build."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from generator import config
from generator.analysis.document import compute_metrics
from generator.brief import backfill, edition, store
from generator.outlets import site
from tests.conftest import REPO, run_cli, write_config

MONTHS = ["2025-11", "2025-12"]
NOW = "2026-01-15T10:00:00Z"
EMAIL = (
    "email:\n"
    '  from: "AI Trade Brief <brief@example.org>"\n'
    '  to: ["Ada Reader <ada@example.org>"]\n'
    "  smtp:\n    host: 127.0.0.1\n    port: 9\n    security: none\n"
)

# Killed right after the live edition was moved aside (the first of two renames), on a
# system without an atomic exchange, or during the PDF (the staging folder is half full).
CHILD = textwrap.dedent(
    """
    import os, sys, time
    cfg, target, marker, where = sys.argv[1:5]
    def stop():
        open(marker, "w").close()
        time.sleep(600)
    if where == "swap":
        real = os.replace
        def replace(src, dst, *args, **kwargs):
            real(src, dst, *args, **kwargs)
            if os.path.abspath(src) == os.path.abspath(target):
                stop()
        os.replace = replace
        try:
            from generator import fsutil
            fsutil.exchange = lambda a, b: False  # as where renameat2 is missing
        except ImportError:
            pass
    else:
        from generator.brief import render
        def pdf(*args, **kwargs):
            stop()
        render.render_pdf = pdf
    from generator.cli import main
    main(["--config", cfg, "render", "--month", "2025-12"])
    """
)


@pytest.fixture(scope="module")
def world(sample_edition, tmp_path_factory):
    """Two editions built and published from the sample warehouse."""
    folder = tmp_path_factory.mktemp("crash-world")
    settings = config.load(write_config(folder, EMAIL))
    shutil.copytree(sample_edition[0].warehouse_dir, settings.warehouse_dir)
    backfill.run(settings, MONTHS, workers=2)
    site.build(settings, now=NOW)
    return settings.output_dir


def clone(world: Path, tmp_path: Path) -> config.Settings:
    """A private copy of the world (each test breaks its own)."""
    shutil.copytree(world, tmp_path / "output", symlinks=True)
    return config.load(write_config(tmp_path, EMAIL))


def contents(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def kill_build(settings: config.Settings, tmp_path: Path, where: str) -> None:
    """Run `aibrief render --month 2025-12` in a child with an editor's note that changes
    the page, and SIGKILL it at `where` (swap | pdf)."""
    child = tmp_path / "child"
    (child / "editions").mkdir(parents=True)
    (child / "editions" / "2025-12.md").write_text("---\nheadline: Killed mid-build\n---\n")
    cfg = child / "config.yaml"
    cfg.write_text(settings.source_path.read_text())
    marker = tmp_path / f"reached-{where}"
    target = settings.editions_dir / "2025-12"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(cfg), str(target), str(marker), where],
        cwd=REPO,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 300
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, f"the build never reached {where}"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    proc.stderr.close()


run = run_cli


def leftovers(settings: config.Settings) -> list[str]:
    return sorted(p.name for p in settings.editions_dir.iterdir() if p.name.startswith("."))


def test_killed_between_the_renames_send_still_mails_that_edition(world, tmp_path, capsys):
    settings = clone(world, tmp_path)
    folder = settings.editions_dir / "2025-12"
    before = contents(folder)
    kill_build(settings, tmp_path, "swap")
    assert not folder.exists(), "killed with the live edition moved aside"
    code, _, err = run(["--config", str(settings.source_path), "send", "--dry-run"], capsys)
    assert code == 0, err
    assert "for 2025-12 written to" in err
    assert (settings.output_dir / "outbox" / "2025-12" / "ada@example.org.eml").is_file()
    assert not (settings.output_dir / "outbox" / "2025-11").exists()
    assert contents(folder) == before, "the previous edition, byte for byte"
    assert leftovers(settings) == [], "the moved-aside and staging folders are gone"


def test_killed_between_the_renames_the_site_keeps_that_edition(world, tmp_path, capsys):
    settings = clone(world, tmp_path)
    folder = settings.editions_dir / "2025-12"
    before, live = contents(folder), contents(settings.site_dir)
    assert "2025-12/index.html" in live
    kill_build(settings, tmp_path, "swap")
    assert not folder.exists(), "killed with the live edition moved aside"
    cfg = str(settings.source_path)
    code, _, err = run(["--config", cfg, "publish", "--month", "2025-11", "--no-deploy"], capsys)
    assert code == 0, err
    now = contents(settings.site_dir)
    page = {k: v for k, v in live.items() if k.startswith("2025-12/")}
    assert {k: now.get(k) for k in page} == page, "the live site still has 2025-12, unchanged"
    assert b'href="2025-12/' in now["archive.html"]
    assert contents(folder) == before
    assert leftovers(settings) == []
    code, out, err = run(["--config", cfg, "status"], capsys)
    assert code == 0, err
    assert "latest edition:  2025-12" in out


@pytest.mark.parametrize("command", ["status", "backfill", "send"])
def test_every_command_that_lists_editions_recovers_first(world, tmp_path, capsys, command):
    """As left by a kill between the renames (of this or an earlier version)."""
    settings = clone(world, tmp_path)
    for month in MONTHS:  # current even if the code changed since the world was built
        backfill.stamp(settings, month)
    folder = settings.editions_dir / "2025-12"
    before, live = contents(folder), contents(settings.site_dir)
    os.replace(folder, folder.with_name(".2025-12.old"))
    argv = {
        "status": ["status"],
        "backfill": ["backfill", "--from", "2025-11", "--to", "2025-12", "--no-deploy"],
        "send": ["send", "--dry-run"],
    }[command]
    code, out, err = run(["--config", str(settings.source_path), *argv], capsys)
    assert code == 0, err
    assert contents(folder) == before
    assert contents(settings.site_dir) == live
    if command == "status":
        assert "latest edition:  2025-12" in out
    if command == "backfill":
        assert "2 editions: 0 built, 2 up to date" in err
    if command == "send":
        assert "for 2025-12 written to" in err
    assert leftovers(settings) == []


def test_a_killed_builds_staging_folder_is_removed_by_the_next_build(world, tmp_path):
    settings = clone(world, tmp_path)
    folder = settings.editions_dir / "2025-12"
    before = contents(folder)
    kill_build(settings, tmp_path, "pdf")
    assert contents(folder) == before, "killed before the swap: the edition as it was"
    assert leftovers(settings), "the killed build left its staging folder"
    metrics = compute_metrics(settings, "2025-11")
    edition.render_edition(settings, metrics, ("html",))
    assert leftovers(settings) == []
    assert contents(folder) == before


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_only_stale_staging_folders_are_removed(tmp_path):
    """A live build's folder stays; a dead owner's, or one older than the bound, goes."""
    root = tmp_path / "editions"
    (root / "2025-12").mkdir(parents=True)
    (root / "2025-12" / "brief.html").write_text("live")
    live = root / f".2025-12.{edition.STAGING}-{os.getpid()}-abc"
    dead = root / f".2025-12.{edition.STAGING}-{dead_pid()}-def"
    legacy_new, legacy_old = root / ".2025-11.k2j4h5", root / ".2025-10.x9y8z7"
    for p in (live, dead, legacy_new, legacy_old):
        p.mkdir()
        (p / "brief.html").write_text("half")
    old = time.time() - store.STALE_AFTER - 60
    os.utime(legacy_old, (old, old))
    store.recover_all(root)
    assert sorted(p.name for p in root.iterdir()) == sorted(["2025-12", live.name, legacy_new.name])
    assert (root / "2025-12" / "brief.html").read_text() == "live"


def test_a_failed_build_leaves_no_staging_folder(world, tmp_path, monkeypatch):
    from generator.brief import render
    from generator.errors import UserError

    settings = clone(world, tmp_path)
    before = contents(settings.editions_dir)

    def broken(*_args, **_kwargs):
        raise UserError("no PDF today")

    monkeypatch.setattr(render, "render_pdf", broken)
    with pytest.raises(UserError, match="no PDF today"):
        edition.build(settings, "2025-12")
    assert contents(settings.editions_dir) == before
    assert leftovers(settings) == []
