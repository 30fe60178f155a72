"""The run log and the run lock under damage, and manual runs: a bad line in runs.jsonl,
a corrupt job store or lock file never stops `status` or a tick; every run, manual or
scheduled, takes the lock and is recorded; messages say what actually happened."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator import config, flow, fsutil, runlog
from generator.data.refresh import refresh
from generator.ops import schedule
from tests.conftest import REPO, write_config

ENV = {**os.environ, "PYTHONPATH": str(REPO)}
GOOD_END = {
    "run": "aaaaaaaaaaaa",
    "at": "2026-01-05T15:00:00Z",
    "event": "end",
    "result": "ok",
    "month": "2026-09",
    "seconds": 12.0,
}
GOOD_CHECK = {
    "run": "bbbbbbbbbbbb",
    "at": "2026-01-06T15:00:00Z",
    "event": "check",
    "result": "nothing-new",
    "released": "2026-09",
    "published": "2026-09",
}
# A torn write, a byte that is not UTF-8, and JSON that is not an object (lines 2, 3, 4).
BAD_LINES = [b'{"run": "cccccccccccc", "at": "2026-01-0', b"\xff\xfe{}", b"[1, 2]"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """One sample warehouse, copied into each test's output folder."""
    folder = tmp_path_factory.mktemp("runs-log-wh")
    refresh(config.load(write_config(folder)))
    return folder / "output" / "warehouse"


@pytest.fixture
def settings(tmp_path, warehouse) -> config.Settings:
    s = config.load(write_config(tmp_path))
    shutil.copytree(warehouse, s.warehouse_dir)
    s.state_dir.mkdir(parents=True, exist_ok=True)
    return s


def aibrief(settings: config.Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as an operator runs it, in its own process."""
    cmd = [sys.executable, "-m", "generator", "--config", str(settings.source_path), *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=600)


def write_bad_log(settings: config.Settings) -> Path:
    log = settings.state_dir / "runs.jsonl"
    lines = [json.dumps(GOOD_END).encode(), *BAD_LINES, json.dumps(GOOD_CHECK).encode()]
    log.write_bytes(b"\n".join(lines) + b"\n")
    return log


def assert_bad_lines_named(err: str, log: Path) -> None:
    assert "Traceback" not in err, err
    for n in (2, 3, 4):
        assert f"{log}:{n}:" in err, err
    assert f"{log}:1:" not in err and f"{log}:5:" not in err


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---- item 9: bad lines in runs.jsonl ----------------------------------------------------------


def test_status_skips_bad_lines_of_the_run_log_and_names_each(settings):
    log = write_bad_log(settings)
    out = aibrief(settings, "status")
    assert out.returncode == 0, out.stderr
    assert_bad_lines_named(out.stderr, log)
    assert "last run:        2026-01-06T15:00:00Z nothing-new" in out.stdout


def test_a_tick_skips_bad_lines_of_the_run_log_and_names_each(settings):
    log = write_bad_log(settings)
    out = aibrief(settings, "schedule", "--once")
    assert out.returncode == 0, out.stderr
    assert_bad_lines_named(out.stderr, log)
    assert "no month newer than the latest edition" in out.stderr  # line 1 still counts
    assert not (settings.editions_dir / "2026-09").exists()
    good = [json.loads(line) for line in log.read_bytes().splitlines()[5:]]
    assert [r["event"] for r in good] == ["check"]  # appended on a line of its own


def test_a_record_after_a_torn_last_line_starts_a_line_of_its_own(tmp_path):
    path = tmp_path / "runs.jsonl"
    path.write_bytes(json.dumps(GOOD_END).encode() + b"\n" + BAD_LINES[0])  # no newline
    runlog.RunLog(path).write(event="check", result="nothing-new")
    runs = runlog.read_runs(path)
    assert [r["event"] for r in runs] == ["end", "check"]


def test_records_are_ascii_json_lines(tmp_path):
    path = tmp_path / "runs.jsonl"
    runlog.RunLog(path).write(event="end", result="failed", error="Zölle – café ✓")
    raw = path.read_bytes()
    assert raw.endswith(b"\n") and raw.count(b"\n") == 1
    assert raw.isascii()
    assert json.loads(raw)["error"] == "Zölle – café ✓"


# ---- item 9: a corrupt job store -----------------------------------------------------------


def corrupt_store(settings: config.Settings) -> Path:
    path = settings.state_dir / "schedule.sqlite"
    path.write_bytes(b"this is no SQLite database\n" * 200)
    return path


def test_status_names_a_corrupt_job_store_in_one_line(settings):
    store = corrupt_store(settings)
    out = aibrief(settings, "status")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    (line,) = [ln for ln in out.stdout.splitlines() if ln.startswith("next run:")]
    assert str(store) in line and "aibrief schedule" in line
    assert "latest edition:" in out.stdout


def test_status_names_a_job_store_whose_job_does_not_load(settings):
    sched = schedule.make_scheduler(settings)
    sched.start(paused=True)
    schedule.ensure_job(sched, settings, None)
    sched.shutdown(wait=False)
    store = settings.state_dir / "schedule.sqlite"
    with sqlite3.connect(store) as db:
        db.execute("UPDATE apscheduler_jobs SET job_state = ?", (b"\x80\x05garbage",))
    out = aibrief(settings, "status")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    (line,) = [ln for ln in out.stdout.splitlines() if ln.startswith("next run:")]
    assert str(store) in line


def test_the_service_sets_a_corrupt_job_store_aside_and_recreates_it(settings):
    store = corrupt_store(settings)
    bad = store.read_bytes()
    cmd = [sys.executable, "-m", "generator", "--config", str(settings.source_path), "schedule"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=ENV)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in proc.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    said: list[str] = []
    deadline = time.monotonic() + 120
    try:
        while not any("running; next run" in s for s in said):
            line = lines.get(timeout=max(1.0, deadline - time.monotonic()))
            assert line is not None, "".join(said)
            said.append(line)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
    text = "".join(said)
    assert "Traceback" not in text
    (notice,) = [s for s in said if str(store) in s]
    assert "recreated" in notice
    aside = [p for p in store.parent.iterdir() if p.name.startswith("schedule.sqlite.corrupt")]
    assert len(aside) == 1 and aside[0].read_bytes() == bad  # kept for a look
    assert schedule.next_run(settings) is not None


# ---- item 9: a corrupt lock file ----------------------------------------------------------------

UNREADABLE_LOCKS = [b"", b"\xff\xfe\x00", b"[1, 2]", b'{"pid": "x", "since": "soon"}', b"{tor"]


@pytest.mark.parametrize("content", UNREADABLE_LOCKS)
def test_an_unreadable_young_lock_is_reported_as_held(settings, content):
    lock = settings.state_dir / "run.lock"
    lock.write_bytes(content)
    with pytest.raises(flow.RunInProgress, match="unreadable") as info, flow.run_lock(lock):
        pytest.fail("took a lock that may be held")
    assert str(lock) in str(info.value)
    assert lock.read_bytes() == content


@pytest.mark.parametrize("content", UNREADABLE_LOCKS)
def test_an_unreadable_old_lock_is_taken_over(settings, content):
    lock = settings.state_dir / "run.lock"
    lock.write_bytes(content)
    old = time.time() - fsutil.STALE_AFTER - 60
    os.utime(lock, (old, old))
    with flow.run_lock(lock):
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    assert not lock.exists()


def test_a_tick_says_one_line_about_an_unreadable_lock(settings):
    lock = settings.state_dir / "run.lock"
    lock.write_bytes(b"\xff\xfe\x00")
    out = aibrief(settings, "schedule", "--once")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert str(lock) in out.stderr and "unreadable" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert not settings.editions_dir.exists()


# ---- item 13: manual runs ---------------------------------------------------------------------


def test_a_manual_run_is_recorded_and_status_shows_it(settings):
    out = aibrief(settings, "run", "--no-send")
    assert out.returncode == 0, out.stderr
    assert "edition 2026-09 built and published; not sent: --no-send" in out.stderr
    runs = runlog.read_runs(settings.state_dir / "runs.jsonl")
    assert {r["run"] for r in runs} == {runs[0]["run"]}
    assert {r["trigger"] for r in runs} == {"manual"}
    assert runs[0]["event"] == "start" and runs[-1]["event"] == "end"
    assert [r["stage"] for r in runs if r["event"] == "stage"] == ["check", "build", "publish"]
    assert runs[-1]["result"] == "ok" and runs[-1]["month"] == "2026-09"
    # Not sent: the month is not done, so the next tick still finishes (sends) it.
    assert schedule.latest_done(settings) is None
    status = aibrief(settings, "status")
    assert status.returncode == 0, status.stderr
    (line,) = [ln for ln in status.stdout.splitlines() if ln.startswith("last run:")]
    assert " ok" in line and "manual" in line and "not sent: --no-send" in line


def test_a_failed_manual_run_records_the_stage(settings):
    notes = settings.source_path.parent / "editions"
    notes.mkdir()
    (notes / "2025-12.md").write_text("---\nheadline: [unclosed\n---\nbody\n", encoding="utf-8")
    out = aibrief(settings, "run", "--no-send")
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    runs = runlog.read_runs(settings.state_dir / "runs.jsonl")
    assert [r["event"] for r in runs] == ["start", "end"]
    end = runs[-1]
    assert end["trigger"] == "manual" and end["result"] == "failed" and end["stage"] == "check"
    assert "2025-12.md" in end["error"]
    assert not (settings.editions_dir / "2026-09").exists()  # the month the run would build


def test_a_manual_run_is_refused_while_another_process_holds_the_lock(settings):
    lock = settings.state_dir / "run.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from generator import flow\n"
            f"with flow.run_lock(Path({str(lock)!r})):\n"
            "    print('held', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        out = aibrief(settings, "run", "--no-send")
    finally:
        holder.stdin.close()
        holder.wait(timeout=120)
    assert out.returncode == 1
    (line,) = out.stderr.strip().splitlines()
    assert line.startswith("aibrief: error: another run is in progress")
    assert f"pid {holder.pid}" in line
    assert not settings.editions_dir.exists()
    assert not (settings.site_dir / "index.html").exists()


def test_a_tick_without_recipients_says_it_did_not_send(settings):
    out = aibrief(settings, "schedule", "--once")
    assert out.returncode == 0, out.stderr
    assert "edition 2026-09 built and published; not sent: no recipients configured" in out.stderr
    assert "published and sent" not in out.stderr
    end = runlog.read_runs(settings.state_dir / "runs.jsonl")[-1]
    assert end["event"] == "end" and end["result"] == "ok" and end["trigger"] == "scheduled"


def test_a_failing_alert_is_recorded_and_said(settings, capfd):
    port = closed_port()
    s = settings.model_copy(deep=True)
    s.email.smtp.host, s.email.smtp.port, s.email.smtp.security = "127.0.0.1", port, "none"
    s.schedule.alert_to = ["ops@example.org"]

    def broken(_s, _m):
        raise RuntimeError("injected render failure")

    stages = schedule.Stages(
        release=lambda _s: "2025-12", refresh=lambda _s: None, check=lambda _s: None, build=broken
    )
    result = schedule.tick(s, stages)
    assert result.status == "failed"
    runs = runlog.read_runs(s.state_dir / "runs.jsonl")
    (alert,) = [r for r in runs if r["event"] == "alert"]
    assert alert["result"] == "failed" and alert["run"] == runs[-1]["run"]
    assert f"127.0.0.1:{port}" in alert["error"] and "ops@example.org" in alert["error"]
    err = capfd.readouterr().err
    assert "alert" in err and f"127.0.0.1:{port}" in err


def test_releasing_a_lock_leaves_one_that_took_it_over(settings):
    """A run older than the stale limit lost its lock to another; its end must not
    remove the other's lock."""
    lock = settings.state_dir / "run.lock"
    other = {"pid": 1, "host": "elsewhere", "since": time.time()}
    with flow.run_lock(lock):
        lock.unlink()
        lock.write_text(json.dumps(other))  # taken over meanwhile
    assert json.loads(lock.read_text()) == other
