"""The unattended monthly run: ticks, failures, the lock, the persistent job store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from generator import config, flow, runlog
from generator.ops import schedule
from tests.conftest import REPO, refreshed_sample


@pytest.fixture
def settings(tmp_path):
    return refreshed_sample(tmp_path)  # the warehouse exists; editions do not yet


class Recorder:
    """Stages that count what happened; release says a month is out from tick N on."""

    def __init__(self, out_from_tick: int, fail_build_on: set[int] | None = None):
        self.ticks = 0
        self.out_from = out_from_tick
        self.fail_build_on = fail_build_on or set()
        self.builds, self.publishes, self.sends, self.alerts = [], [], [], []

    def stages(self) -> schedule.Stages:
        def release(s):
            self.ticks += 1
            return "2025-12" if self.ticks >= self.out_from else None

        def build(s, month):
            if self.ticks in self.fail_build_on:
                raise RuntimeError("injected render failure")
            self.builds.append(month)
            return flow.build_stage(s, month)

        return schedule.Stages(
            release=release,
            build=build,
            publish=lambda s, m: self.publishes.append(m),
            send=lambda s, m: self.sends.append(m),
            alert=lambda s, subject, body: self.alerts.append((subject, body)),
        )


def drive(settings, rec: Recorder, ticks: int) -> list[schedule.TickResult]:
    """A real APScheduler service ticking every 0.2 s, stopped after `ticks` ticks."""
    from apscheduler.schedulers.background import BackgroundScheduler

    results: list[schedule.TickResult] = []
    done = threading.Event()
    stages = rec.stages()

    def job():
        results.append(schedule.tick(settings, stages))
        if len(results) >= ticks:
            done.set()

    sched = BackgroundScheduler()
    sched.add_job(job, "interval", seconds=0.2, max_instances=1, coalesce=True)
    sched.start()
    try:
        assert done.wait(120), f"only {len(results)} ticks ran"
    finally:
        sched.shutdown(wait=True)
    return results[:ticks]


def test_a_new_month_on_the_third_tick_builds_one_edition_and_sends_once(settings):
    rec = Recorder(out_from_tick=3)
    results = drive(settings, rec, ticks=5)
    assert [r.status for r in results] == [
        "nothing-new", "nothing-new", "built", "nothing-new", "nothing-new",
    ]  # fmt: skip
    assert rec.builds == ["2025-12"] and rec.publishes == ["2025-12"] and rec.sends == ["2025-12"]
    assert (settings.editions_dir / "2025-12" / "brief.pdf").exists()
    runs = runlog.read_runs(settings.state_dir / "runs.jsonl")
    stages = [r["stage"] for r in runs if r["event"] == "stage"]
    assert stages == ["refresh", "check", "build", "publish", "send"]
    assert all(r["seconds"] >= 0 for r in runs if r["event"] == "stage")
    assert [r["result"] for r in runs if r["event"] == "end"] == ["ok"]


def test_a_render_failure_publishes_and_sends_nothing_and_the_next_tick_succeeds(settings):
    rec = Recorder(out_from_tick=1, fail_build_on={1})
    results = drive(settings, rec, ticks=3)
    assert [r.status for r in results] == ["failed", "built", "nothing-new"]
    assert "injected render failure" in results[0].error
    assert rec.publishes == ["2025-12"] and rec.sends == ["2025-12"]  # only after the success
    assert len(rec.alerts) == 1 and "failed at build" in rec.alerts[0][0]
    runs = runlog.read_runs(settings.state_dir / "runs.jsonl")
    failed = [r for r in runs if r.get("result") == "failed"]
    assert failed and failed[0]["stage"] == "build"


def test_a_failure_leaves_the_last_good_edition_live(settings):
    rec = Recorder(out_from_tick=1)
    assert schedule.tick(settings, rec.stages()).status == "built"
    folder = settings.editions_dir / "2025-12"
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    def broken(s, m):
        raise RuntimeError("disk full")

    stages = rec.stages()
    stages.release = lambda s: "2026-01"  # a newer month is out; building it fails
    stages.build = broken
    result = schedule.tick(settings, stages)
    assert result.status == "failed" and result.month == "2026-01"
    assert rec.publishes == ["2025-12"] and rec.sends == ["2025-12"]
    after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before


def test_the_alert_goes_by_smtp(settings, tmp_path):
    """A real SMTP server on loopback receives the alert."""
    from aiosmtpd.controller import Controller

    got = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            got.append(envelope)
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ctl = Controller(Handler(), hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        s = settings.model_copy(deep=True)
        s.email.smtp.host, s.email.smtp.port, s.email.smtp.security = "127.0.0.1", port, "none"
        s.email.from_ = "brief@example.org"
        s.schedule.alert_to = ["ops@example.org"]
        schedule.send_alert(s, "run failed", "details")
    finally:
        ctl.stop()
    assert got and got[0].rcpt_tos == ["ops@example.org"]
    assert b"Subject: run failed" in got[0].content


def test_the_job_store_keeps_the_next_run_across_a_restart(settings):
    first = schedule.make_scheduler(settings)
    first.start(paused=True)
    job = schedule.ensure_job(first, settings, None)
    moved = datetime.now(UTC) + timedelta(days=3, minutes=7)
    job.modify(next_run_time=moved)
    first.shutdown(wait=False)

    second = schedule.make_scheduler(settings)
    second.start(paused=True)
    again = schedule.ensure_job(second, settings, None)
    kept = again.next_run_time
    second.shutdown(wait=False)
    assert abs((kept - moved).total_seconds()) < 1
    assert schedule.next_run(settings) == kept


def test_a_bad_cron_line_is_a_config_error(settings):
    s = settings.model_copy(deep=True)
    s.schedule.cron = "every day at ten"
    with pytest.raises(config.ConfigError, match="schedule.cron"):
        schedule.trigger(s)


def test_a_second_run_exits_cleanly_while_one_is_in_progress(settings, tmp_path):
    cfg = settings.source_path
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with flow.run_lock(settings.state_dir / "run.lock"):
        out = subprocess.run(
            [sys.executable, "-m", "generator", "--config", str(cfg), "schedule", "--once"],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "a run is in progress" in out.stderr


def test_two_concurrent_once_runs_one_works(settings):
    cfg = settings.source_path
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "generator", "--config", str(cfg), "schedule", "--once"]
    procs = [subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    assert all(code == 0 for code, _ in outs), outs
    said = " ".join(err for _, err in outs)
    assert "built" in said
    assert said.count("built and published; not sent: no recipients configured") == 1
    assert "a run is in progress" in said or "no month newer" in said


def test_a_stale_lock_is_taken_over(settings):
    lock = settings.state_dir / "run.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(
        json.dumps({"pid": 999_999_999, "host": os.uname().nodename, "since": time.time()})
    )
    with flow.run_lock(lock):
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    assert not lock.exists()


def test_status_shows_last_and_next_run_and_the_edition(settings, capsys):
    from generator.cli import main

    rec = Recorder(out_from_tick=1)
    schedule.tick(settings, rec.stages())
    main(["--config", str(settings.source_path), "status"])
    out = capsys.readouterr().out
    assert "last run:" in out and " ok" in out
    assert "latest edition:  2025-12" in out
    assert "illustrative sample" in out


def test_a_revision_beyond_the_threshold_rebuilds_the_latest_edition(settings):
    rec = Recorder(out_from_tick=1)
    assert schedule.tick(settings, rec.stages()).status == "built"
    s = settings.model_copy(deep=True)
    s.schedule.rerun_on_revision = True
    # Small threshold not reached: the same data give the same share.
    assert schedule.tick(s, rec.stages()).status == "nothing-new"
    # Pretend the published edition said something else: the revision exceeds it.
    path = s.editions_dir / "2025-12" / "metrics.json"
    doc = json.loads(path.read_text())
    doc["imports"]["ai_share"]["ytd"] -= 0.02
    path.write_text(json.dumps(doc))
    result = schedule.tick(s, rec.stages())
    assert result.status == "revised"
    assert rec.publishes == ["2025-12", "2025-12"] and rec.sends == ["2025-12"]
    assert json.loads(path.read_text())["imports"]["ai_share"]["ytd"] == pytest.approx(
        doc["imports"]["ai_share"]["ytd"] + 0.02
    )


def test_a_failed_send_is_retried_by_the_next_tick(settings):
    rec = Recorder(out_from_tick=1)
    stages = rec.stages()
    calls = []

    def flaky_send(s, month):
        calls.append(month)
        if len(calls) == 1:
            raise RuntimeError("SMTP server down")

    stages.send = flaky_send
    first = schedule.tick(settings, stages)
    assert first.status == "failed" and "SMTP server down" in first.error
    assert "built and published" in rec.alerts[0][1]
    second = schedule.tick(settings, stages)
    assert second.status == "built" and calls == ["2025-12", "2025-12"]
    assert schedule.tick(settings, stages).status == "nothing-new"
