"""The monthly run, unattended: one tick asks whether a new month is out and, if so,
runs the whole flow once — refresh → metrics and render → publish → send.

Safety: one run at a time across processes (a lock file with stale-lock detection),
a run log (output/state/runs.jsonl), nothing published or sent after a failure, an
alert e-mail, and the next tick tries again. `aibrief schedule` keeps an APScheduler
service with a SQLite job store; `aibrief schedule --once` does one tick (cron users).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from generator import config as config_mod
from generator import pipeline
from generator.errors import UserError

STALE_AFTER = 6 * 3600.0  # a lock older than this is stale even if its pid lives
JOB_ID = "monthly-brief"


class RunInProgress(UserError):
    """Another run holds the lock: not an error for cron, just nothing to do."""


# ---- one run at a time -------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def run_lock(path: Path, stale_after: float = STALE_AFTER) -> Iterator[None]:
    """An exclusive lock file holding the owner's pid, host and start time. A lock whose
    process is gone (same host) or that is older than `stale_after` is taken over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    me = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}
    # The lock appears with its contents in one step (a hard link of a finished file),
    # so another process never reads a half-written lock.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:6]}")
    tmp.write_text(json.dumps(me), encoding="utf-8")
    try:
        _take(path, tmp, me, stale_after)
    finally:
        tmp.unlink(missing_ok=True)
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _take(path: Path, tmp: Path, me: dict[str, Any], stale_after: float) -> None:
    for _ in range(3):
        try:
            os.link(tmp, path)
            return
        except FileExistsError:
            try:
                other = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                continue  # released meanwhile: try again
            except (OSError, json.JSONDecodeError):
                other = {}
            since = float(other.get("since", 0)) or _mtime(path)
            dead = other.get("host") == me["host"] and not _alive(int(other.get("pid", 0)))
            old = time.time() - since > stale_after
            if dead or old:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                continue
            raise RunInProgress(
                f"a run is in progress (pid {other.get('pid')} on {other.get('host')}, "
                f"since {datetime.fromtimestamp(since, UTC):%Y-%m-%d %H:%M} UTC)"
            ) from None
    raise RunInProgress("could not take the run lock")


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return time.time()


# ---- the run log --------------------------------------------------------------------------


@dataclass
class RunLog:
    path: Path
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def write(self, **entry: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        record = {"run": self.run_id, "at": _now(), **entry}
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def read_runs(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(json.JSONDecodeError):
            out.append(json.loads(line))
    return out


# ---- what is out, what is published ----------------------------------------------------------


def latest_edition(settings: config_mod.Settings) -> str | None:
    months = pipeline.edition_months(settings, having="brief.pdf")
    return months[-1] if months else None


def latest_done(settings: config_mod.Settings) -> str | None:
    """The newest month whose whole run (build, publish, send) ended well. A month whose
    edition was built but not published or sent is not done: the next tick finishes it
    (publishing is idempotent and the delivery ledger never mails anyone twice)."""
    done = [
        r["month"]
        for r in read_runs(settings.state_dir / "runs.jsonl")
        if r.get("event") == "end" and r.get("result") == "ok" and r.get("month")
    ]
    return max(done) if done else None


def newest_release(settings: config_mod.Settings) -> str | None:
    """The newest month the source has (a small request for the census source)."""
    source = settings.data.source
    if source == "sample":
        return settings.data.sample.end
    if source == "census":
        from generator.sources import census

        client = census.CensusClient(settings.data.census, settings.cache_dir, progress=False)
        start = latest_done(settings) or settings.data.start
        months = client.released_months(start, census.last_complete_month())
        return months[-1] if months else None
    data = pipeline.fetch(settings, "files")
    return str(data.imports["period"].max()) if len(data.imports) else None


# ---- the stages ---------------------------------------------------------------------------------


@dataclass
class Stages:
    """The flow of one run; tests swap single stages."""

    release: Callable[[config_mod.Settings], str | None] = newest_release
    refresh: Callable[[config_mod.Settings], Any] = lambda s: pipeline.refresh(s)
    check: Callable[[config_mod.Settings], Any] = lambda s: _check(s)
    build: Callable[[config_mod.Settings, str], Any] = lambda s, m: _build(s, m)
    publish: Callable[[config_mod.Settings, str], Any] = lambda s, m: _publish(s, m)
    send: Callable[[config_mod.Settings, str], Any] = lambda s, m: _send(s, m)
    alert: Callable[[config_mod.Settings, str, str], None] = lambda s, a, b: send_alert(s, a, b)


def _check(settings: config_mod.Settings) -> Any:
    from generator import checks

    report = checks.run_checks(settings=settings)
    if not report.ok:
        raise UserError("; ".join(report.problems[:5]))
    return report


def _build(settings: config_mod.Settings, month: str) -> Any:
    from generator import backfill, edition

    result = edition.build(settings, month)
    backfill.stamp(settings, month)  # so that publishing does not build it again
    return result


def _publish(settings: config_mod.Settings, month: str) -> Any:
    from generator import site

    return site.publish(settings, month=month)


def email_configured(settings: config_mod.Settings) -> bool:
    return bool(settings.email.to or settings.email.recipients_csv)


def _send(settings: config_mod.Settings, month: str) -> Any:
    from generator import deliver

    if not email_configured(settings):
        return None  # e-mail not set up: publishing alone is a complete run
    report = deliver.send(settings, month)
    if not report.ok:
        raise UserError("; ".join([f"send: {report.summary()}", *report.problems()]))
    return report


@dataclass
class TickResult:
    status: str  # "nothing-new" | "built" | "revised" | "failed" | "busy"
    month: str | None = None
    error: str | None = None


def tick(settings: config_mod.Settings, stages: Stages | None = None) -> TickResult:
    """One check; at most one whole run. Never raises for a failed run: it logs, alerts
    and returns status "failed" so that the service keeps its schedule."""
    stages = stages or Stages()
    log = RunLog(settings.state_dir / "runs.jsonl")
    try:
        with run_lock(settings.state_dir / "run.lock"):
            return _tick(settings, stages, log)
    except RunInProgress as exc:
        return TickResult("busy", error=str(exc))


def _tick(settings: config_mod.Settings, stages: Stages, log: RunLog) -> TickResult:
    t0 = time.perf_counter()
    published = latest_done(settings)
    try:
        released = stages.release(settings)
    except Exception as exc:  # noqa: BLE001 - a failed probe is a failed run
        return _failed(settings, stages, log, None, "release", exc, t0)
    if released is None or (published is not None and released <= published):
        if settings.schedule.rerun_on_revision and published is not None:
            return _revision_rerun(settings, stages, log, published, t0)
        log.write(event="check", result="nothing-new", released=released, published=published)
        return TickResult("nothing-new", released)
    log.write(event="start", month=released, published=published)
    for name in ("refresh", "check", "build", "publish", "send"):
        t = time.perf_counter()
        try:
            fn = getattr(stages, name)
            fn(settings) if name in ("refresh", "check") else fn(settings, released)
        except Exception as exc:  # noqa: BLE001 - reported, alerted, retried next tick
            return _failed(settings, stages, log, released, name, exc, t0)
        log.write(
            event="stage", stage=name, month=released, seconds=round(time.perf_counter() - t, 3)
        )
    log.write(event="end", result="ok", month=released, seconds=round(time.perf_counter() - t0, 3))
    return TickResult("built", released)


def _revision_rerun(
    settings: config_mod.Settings, stages: Stages, log: RunLog, month: str, t0: float
) -> TickResult:
    """Rebuild and republish the latest edition when a revision moved its headline figure
    (the AI share of imports, year to date) by at least schedule.revision_threshold.
    Subscribers are not mailed again."""
    folder = settings.editions_dir / month
    try:
        stages.refresh(settings)
        old = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        new = pipeline.compute_metrics(settings, month).doc
        before = old["imports"]["ai_share"]["ytd"] or 0.0
        after = new["imports"]["ai_share"]["ytd"] or 0.0
    except Exception as exc:  # noqa: BLE001
        return _failed(settings, stages, log, month, "revision check", exc, t0)
    moved = abs(after - before)
    if moved < settings.schedule.revision_threshold:
        log.write(event="check", result="nothing-new", published=month, revision_moved=moved)
        return TickResult("nothing-new", month)
    log.write(event="start", month=month, reason="revision", moved=round(moved, 6))
    for name in ("build", "publish"):
        try:
            getattr(stages, name)(settings, month)
        except Exception as exc:  # noqa: BLE001
            return _failed(settings, stages, log, month, name, exc, t0)
    log.write(event="end", result="ok", month=month, reason="revision")
    return TickResult("revised", month)


def _failed(
    settings: config_mod.Settings,
    stages: Stages,
    log: RunLog,
    month: str | None,
    stage: str,
    exc: BaseException,
    t0: float,
) -> TickResult:
    message = str(exc) if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
    log.write(
        event="end",
        result="failed",
        month=month,
        stage=stage,
        error=message,
        seconds=round(time.perf_counter() - t0, 3),
    )
    subject = f"AI Trade Brief: the {month or 'monthly'} run failed at {stage}"
    after = {
        "release": "Nothing was built, published or sent.",
        "refresh": "Nothing was built, published or sent.",
        "check": "Nothing was built, published or sent.",
        "build": "Nothing was published or sent; the last good edition stays live.",
        "publish": "The edition was built but not published or sent.",
        "send": "The edition was built and published; some or all e-mails were not sent.",
    }.get(stage, "The run stopped there.")
    body = (
        f"The scheduled run failed at the {stage} stage.\n\n{message}\n\n"
        f"{after} The next tick tries again; recipients already served are not mailed "
        "twice.\n\n" + "".join(traceback.format_exception_only(type(exc), exc))
    )
    with contextlib.suppress(Exception):
        stages.alert(settings, subject, body)
    return TickResult("failed", month, message)


def send_alert(settings: config_mod.Settings, subject: str, body: str) -> None:
    """A plain e-mail to schedule.alert_to, through the configured SMTP server."""
    if not settings.schedule.alert_to:
        return
    from generator import deliver

    frm = deliver.sender(settings)
    user, password = deliver.credentials(settings.email.smtp)
    session = deliver.Session(settings.email.smtp, user, password)
    try:
        for to in settings.schedule.alert_to:
            msg = EmailMessage()
            msg["Subject"] = subject
            msg["From"] = str(frm)
            msg["To"] = to
            msg.set_content(body)
            session.send(msg, frm.addr_spec, to)
    finally:
        session.close()


# ---- the service ---------------------------------------------------------------------------------


def scheduled_tick(config_path: str | None) -> None:
    """The job APScheduler stores: loads the config afresh, so edits take effect."""
    settings = config_mod.load(config_path)
    tick(settings)


def _jobstore_url(settings: config_mod.Settings) -> str:
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{settings.state_dir / 'schedule.sqlite'}"


def make_scheduler(settings: config_mod.Settings) -> Any:
    """A scheduler on the persistent job store: missed runs coalesce into one."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=_jobstore_url(settings))},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 24 * 3600},
        timezone=settings.schedule.timezone,
    )


def trigger(settings: config_mod.Settings) -> Any:
    from apscheduler.triggers.cron import CronTrigger

    try:
        return CronTrigger.from_crontab(settings.schedule.cron, timezone=settings.schedule.timezone)
    except (ValueError, KeyError, LookupError) as exc:
        raise config_mod.ConfigError(f"schedule.cron / schedule.timezone: {exc}") from None


def ensure_job(sched: Any, settings: config_mod.Settings, config_path: str | None) -> Any:
    """Add the monthly job unless the store has it, so a restart keeps the stored next
    run time; a changed cron line replaces it."""
    trig = trigger(settings)
    job = sched.get_job(JOB_ID)
    if job is not None and str(job.trigger) == str(trig):
        return job
    return sched.add_job(
        scheduled_tick,
        trig,
        args=[str(config_path) if config_path else None],
        id=JOB_ID,
        name="monthly brief",
        replace_existing=True,
    )


def serve(
    settings: config_mod.Settings, config_path: str | None, say: Callable[[str], None]
) -> None:
    """Run until SIGTERM or SIGINT; a tick in progress finishes before the exit."""
    import threading

    sched = make_scheduler(settings)
    done = threading.Event()

    def stop(signum: int, _frame: Any) -> None:
        say(f"aibrief schedule: stopping ({signal.Signals(signum).name})")
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sched.start(paused=True)
    job = ensure_job(sched, settings, config_path)
    say(f"aibrief schedule: running; next run {job.next_run_time:%Y-%m-%d %H:%M %Z}")
    sched.resume()
    try:
        while not done.wait(1.0):
            pass
    finally:
        sched.shutdown(wait=True)


def next_run(settings: config_mod.Settings) -> datetime | None:
    """The stored next run time, without running anything."""
    if not (settings.state_dir / "schedule.sqlite").exists():
        return None
    sched = make_scheduler(settings)
    sched.start(paused=True)
    try:
        job = sched.get_job(JOB_ID)
        return job.next_run_time if job else None
    finally:
        sched.shutdown(wait=False)
