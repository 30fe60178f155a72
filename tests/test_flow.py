"""One flow: `aibrief run` and a scheduler tick go through the same `flow.run` and write
the same records; `publish` uses the flow's publish stage; an edited note in a custom
templates.notes folder rebuilds its edition; fsutil's one lock."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from generator import config, flow, fsutil, runlog
from generator.brief import backfill
from generator.cli import main
from generator.ops import schedule
from tests.conftest import write_config

NOTE = "---\nheadline: {headline}\n---\n{body}\n"


@pytest.fixture
def settings(tmp_path, sample_edition) -> config.Settings:
    """A config with the sample warehouse and no edition yet."""
    s = config.load(write_config(tmp_path))
    shutil.copytree(sample_edition[0].warehouse_dir, s.warehouse_dir)
    return s


def spy(monkeypatch, name: str) -> list[dict]:
    """Record each call of flow.<name> (keyword arguments), then call the real one."""
    calls: list[dict] = []
    real = getattr(flow, name)

    def wrapper(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(flow, name, wrapper)
    return calls


def shapes(records: list[dict]) -> dict[tuple[str, str], set[str]]:
    """The keys of each record, by (event, stage)."""
    return {(r["event"], r.get("stage", "")): set(r) for r in records}


def test_a_manual_run_and_a_tick_go_through_the_one_flow(settings, monkeypatch):
    calls = spy(monkeypatch, "run")
    log = settings.state_dir / flow.RUNS
    main(["--config", str(settings.source_path), "run", "--no-send"])
    manual = runlog.read_runs(log)
    log.unlink()
    stages = schedule.Stages(
        release=lambda s: "2025-12",
        refresh=lambda s: None,
        build=lambda s, m: None,
        publish=lambda s, m: None,
    )
    result = schedule.tick(settings, stages)
    assert result.status == "built", result
    scheduled = runlog.read_runs(log)
    assert [c["trigger"] for c in calls] == ["manual", "scheduled"]
    assert {r["trigger"] for r in manual} == {"manual"}
    assert {r["trigger"] for r in scheduled} == {"scheduled"}
    m, s = shapes(manual), shapes(scheduled)
    for key in (("stage", "check"), ("stage", "build"), ("stage", "publish")):
        assert m[key] == s[key], key
    assert m[("end", "")] - {"complete"} == s[("end", "")]  # --no-send: not complete
    assert m[("start", "")] == s[("start", "")] - {"published"}  # a tick says what was out
    assert ("stage", "refresh") in s and ("stage", "refresh") not in m  # asked vs not needed


def test_both_take_the_same_lock(settings):
    with flow.run_lock(settings.state_dir / flow.RUN_LOCK):
        assert schedule.tick(settings).status == "busy"
        with pytest.raises(flow.RunInProgress):
            flow.run(settings, flow.RunRequest())
    assert not (settings.state_dir / flow.RUNS).exists()


def test_publish_uses_the_flow_and_an_edited_custom_note_rebuilds_its_edition(
    tmp_path, sample_edition, monkeypatch, capsys
):
    notes = tmp_path / "my-notes"
    notes.mkdir()
    note = notes / "2025-12.md"
    note.write_text(NOTE.format(headline="First word", body="First note."), encoding="utf-8")
    cfg = write_config(tmp_path)
    cfg.write_text(cfg.read_text().replace("templates:\n", f"templates:\n  notes: {notes}\n"))
    settings = config.load(cfg)
    shutil.copytree(sample_edition[0].warehouse_dir, settings.warehouse_dir)
    calls = spy(monkeypatch, "publish")
    publish = ["--config", str(cfg), "publish", "--month", "2025-12", "--no-deploy"]
    page = settings.editions_dir / "2025-12" / "brief.html"

    main(publish)
    assert "1 edition: 1 built" in capsys.readouterr().err
    assert "First note." in page.read_text(encoding="utf-8")
    assert backfill.note_files(settings, "2025-12") == [note]
    main(publish)
    assert "1 edition: 0 built, 1 up to date" in capsys.readouterr().err

    note.write_text(NOTE.format(headline="Second word", body="Edited note."), encoding="utf-8")
    main(publish)
    assert "1 edition: 1 built" in capsys.readouterr().err
    text = page.read_text(encoding="utf-8")
    assert "Edited note." in text and "First note." not in text
    assert "Edited note." in (settings.site_dir / "2025-12" / "index.html").read_text()
    assert len(calls) == 3 and all(c["month"] == "2025-12" for c in calls)


def test_a_note_elsewhere_does_not_count(settings):
    """Only the file the build reads is hashed: a note of another name or folder is not."""
    other = settings.root / "editions"
    other.mkdir()
    (other / "2025-12.yaml").write_text("headline: ignored\n")
    assert backfill.note_files(settings, "2025-12") == []


# ---- fsutil's one lock ----------------------------------------------------------------------


def test_the_lock_names_its_holder_and_is_gone_after(tmp_path):
    path = tmp_path / "state" / "x.lock"
    with (
        fsutil.lock(path),
        pytest.raises(fsutil.LockHeld, match="busy here") as info,
        fsutil.lock(path, busy="busy here"),
    ):
        pytest.fail("took a held lock")
    assert "pid" in info.value.detail
    assert not path.exists()
    assert sorted(p.name for p in path.parent.iterdir()) == []


def test_a_waiting_lock_is_taken_once_released(tmp_path):
    path = tmp_path / "x.lock"
    held, release, done = threading.Event(), threading.Event(), threading.Event()

    def holder() -> None:
        with fsutil.lock(path):
            held.set()
            release.wait(120)

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(120)

    def waiter() -> None:
        with fsutil.lock(path, wait=120):
            done.set()

    other = threading.Thread(target=waiter)
    other.start()
    assert not done.is_set()
    release.set()
    assert done.wait(120)
    thread.join(120)
    other.join(120)
    assert not path.exists()


def _planted_lock(path: Path, boot: str) -> None:
    """A lock naming a live process on this host (this test's parent), written in `boot`."""
    import json
    import os
    import socket
    import time

    owner = {"pid": os.getppid(), "host": socket.gethostname(), "boot": boot, "since": time.time()}
    path.write_text(json.dumps(owner), encoding="utf-8")


def test_a_lock_from_an_earlier_boot_is_taken_over_though_its_pid_lives(tmp_path):
    """After an unclean reboot the pid a lock names may be another process's: a lock
    written in another boot of this host is stale at once, not after six hours."""
    path = tmp_path / "x.lock"
    _planted_lock(path, "an-earlier-boot")
    with fsutil.lock(path):
        assert '"boot"' in path.read_text(encoding="utf-8")
    assert not path.exists()


def test_a_lock_of_this_boot_whose_pid_lives_is_held(tmp_path):
    path = tmp_path / "x.lock"
    _planted_lock(path, fsutil.boot_id())
    with pytest.raises(fsutil.LockHeld), fsutil.lock(path):
        pytest.fail("took a held lock")
    assert path.exists()


def test_recover_drops_a_staging_folder_of_an_earlier_boot_though_its_pid_lives(tmp_path):
    """A staging folder is in use only while its process runs: one made in an earlier
    boot (its name says which) is a crash's leftover, whatever process has its pid now;
    one of a live process made in this boot is kept, however old it looks."""
    import os

    target = tmp_path / "site"
    target.mkdir()
    here = fsutil.make_staging(target)
    assert fsutil._boot_tag() and f"-b{fsutil._boot_tag()}-" in here.name
    other_tag = "0" * 8 if fsutil._boot_tag() != "0" * 8 else "1" * 8
    old = tmp_path / f".site.{fsutil.STAGING}-{os.getppid()}-b{other_tag}-x"
    live = tmp_path / f".site.{fsutil.STAGING}-{os.getppid()}-b{fsutil._boot_tag()}-y"
    old.mkdir()
    live.mkdir()
    os.utime(live, (0, 0))  # a clock set forward after boot: old by its time, live
    fsutil.recover(target)
    assert not old.exists()
    assert live.is_dir() and here.is_dir() and target.is_dir()


def test_recover_without_leftovers_writes_nothing(tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    fsutil.recover(target)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_every_swap_is_fsutils(tmp_path, monkeypatch):
    """The site tree, the editions and the warehouse all swap through fsutil.swap_in."""
    from generator.brief import edition
    from generator.data import warehouse
    from generator.outlets.site import tree

    swaps: list[Path] = []
    real = fsutil.swap_in
    monkeypatch.setattr(fsutil, "swap_in", lambda a, b: (swaps.append(b), real(a, b)))
    target = tmp_path / "site"
    tree.commit({"a.txt": tree.Entry(data=b"one")}, target)
    tree.commit({"a.txt": tree.Entry(data=b"two")}, target)
    assert swaps == [target, target]
    for module in (edition, warehouse):
        assert "fsutil.swap_in(" in Path(module.__file__).read_text(encoding="utf-8")


# ---- status: the records of the flow, read light ---------------------------------------------


def test_status_reads_the_manifest_as_the_warehouse_writes_it():
    from generator.data import schema, warehouse
    from generator.ops import status

    assert status.MANIFEST == warehouse.MANIFEST and status.FLOWS == schema.FLOWS


def test_status_imports_no_heavy_library(settings):
    import subprocess
    import sys

    from tests.conftest import REPO

    code = (
        "import sys\nfrom generator.cli import main\n"
        f"main(['--config', {str(settings.source_path)!r}, 'status'])\n"
        "heavy = {'pandas', 'pyarrow', 'numpy', 'matplotlib', 'weasyprint', 'duckdb'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "data:            sample (illustrative sample), 2023-01 … 2026-09" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "[]"
