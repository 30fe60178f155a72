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
import math
import os
import re
import signal
import socket
import sys
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

MONTH = re.compile(config_mod.MONTH_PATTERN)
STALE_AFTER = 6 * 3600.0  # a lock older than this is stale even if its pid lives
JOB_ID = "monthly-brief"


class RunInProgress(UserError):
    """Another run holds the lock: not an error for cron, just nothing to do."""

    def __init__(self, detail: str) -> None:
        self.detail = detail  # who holds it, or why the lock could not be read
        super().__init__(f"a run is in progress ({detail})")


class JobStoreError(UserError):
    """schedule.sqlite cannot be read: the service sets it aside and starts afresh."""


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
        _release(path, me)


def _release(path: Path, me: dict[str, Any]) -> None:
    """Remove our lock, but not one that took ours over as stale meanwhile."""
    with contextlib.suppress(FileNotFoundError):
        if _read_lock(path) == me:
            path.unlink()


def _take(path: Path, tmp: Path, me: dict[str, Any], stale_after: float) -> None:
    for _ in range(3):
        try:
            os.link(tmp, path)
            return
        except FileExistsError:
            pass
        try:
            other = _read_lock(path)
        except FileNotFoundError:
            continue  # released meanwhile: try again
        since = other["since"] if other else _mtime(path)
        dead = bool(other) and other["host"] == me["host"] and not _alive(other["pid"])
        if dead or time.time() - since > stale_after:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            continue
        when = f"{datetime.fromtimestamp(since, UTC):%Y-%m-%d %H:%M} UTC"
        if other is None:
            raise RunInProgress(
                f"lock {path} is unreadable, last written {when}; it counts as held until "
                f"it is {stale_after / 3600:g} hours old: delete it if no aibrief run is going"
            )
        raise RunInProgress(f"pid {other['pid']} on {other['host']}, since {when}")
    raise RunInProgress(f"could not take the run lock {path}")


def _read_lock(path: Path) -> dict[str, Any] | None:
    """The owner a lock file names, or None when its content is not a valid owner (a
    lock damaged by a crash or a full disk); FileNotFoundError when it is gone."""
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
        owner = {"pid": int(doc["pid"]), "host": str(doc["host"]), "since": float(doc["since"])}
    except FileNotFoundError:
        raise
    except (OSError, ValueError, TypeError, KeyError, OverflowError):
        return None
    if not 0 < owner["pid"] < 2**31 or not math.isfinite(owner["since"]):
        return None
    return owner


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return time.time()


# ---- the run log --------------------------------------------------------------------------


Warn = Callable[[str], None]


def stderr_warning(message: str) -> None:
    """The default for warnings outside the CLI (the service logs to stderr/journal)."""
    print(f"aibrief: warning: {message}", file=sys.stderr, flush=True)


@dataclass
class RunLog:
    """runs.jsonl: one JSON object a line, appended; `trigger` says manual or scheduled."""

    path: Path
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    trigger: str = "scheduled"

    def write(self, **entry: Any) -> None:
        record = {"run": self.run_id, "at": _now(), "trigger": self.trigger, **entry}
        line = json.dumps(record, ensure_ascii=True, default=str) + "\n"
        append_line(self.path, line.encode("ascii"))


def append_line(path: Path, data: bytes) -> None:
    """One os.write with O_APPEND, so lines of concurrent writers never interleave; a
    torn last line (a crash mid-write, a full disk) is ended first so that this record
    starts a line of its own."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data
        written = os.write(fd, data)
    finally:
        os.close(fd)
    if written != len(data):
        raise OSError(f"{path}: only {written} of {len(data)} bytes written (disk full?)")


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def read_runs(path: Path, warn: Warn | None = None) -> list[dict[str, Any]]:
    """The records of the run log. A bad line (torn write, not UTF-8, not a JSON object)
    is skipped and, given `warn`, named as file:line: it must never stop a run."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    out = []
    for n, line in enumerate(raw.split(b"\n"), 1):
        if not line.strip():
            continue
        record, why = _parse_record(line)
        if record is None:
            if warn:
                warn(f"{path}:{n}: skipped a bad run-log line: {why}")
            continue
        out.append(record)
    return out


def _parse_record(line: bytes) -> tuple[dict[str, Any] | None, str]:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    try:
        doc = json.loads(text)
    except ValueError:
        return None, "not complete JSON (a torn write?)"
    if not isinstance(doc, dict):
        return None, f"a JSON {type(doc).__name__}, not an object"
    return doc, ""


def _month_of(record: dict[str, Any]) -> str | None:
    month = record.get("month")
    return month if isinstance(month, str) and MONTH.fullmatch(month) else None


def describe(exc: BaseException) -> str:
    """One line for the log and the alert."""
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, UserError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


@dataclass
class Run:
    """One recorded run: a start record, one per stage with its duration, an end record
    (the same format for manual and scheduled runs)."""

    log: RunLog
    month: str | None = None
    stage: str = "start"
    note: str = ""
    complete: bool = True  # False: a stage was left out on purpose (--no-send …)
    t0: float = field(default_factory=time.perf_counter)

    def start(self, **extra: Any) -> None:
        self.log.write(event="start", month=self.month, **extra)

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[dict[str, Any]]:
        """Time one stage; the body may add fields (e.g. skipped=reason) to its record."""
        self.stage = name
        t = time.perf_counter()
        info: dict[str, Any] = {}
        yield info
        seconds = round(time.perf_counter() - t, 3)
        self.log.write(event="stage", stage=name, month=self.month, seconds=seconds, **info)

    def ok(self, **extra: Any) -> None:
        if not self.complete:
            extra["complete"] = False
        self.log.write(
            event="end",
            result="ok",
            month=self.month,
            note=self.note,
            seconds=self._secs(),
            **extra,
        )

    def failed(self, exc: BaseException) -> str:
        message = describe(exc)
        self.log.write(
            event="end",
            result="failed",
            month=self.month,
            stage=self.stage,
            error=message,
            seconds=self._secs(),
        )
        return message

    def _secs(self) -> float:
        return round(time.perf_counter() - self.t0, 3)


@contextlib.contextmanager
def recorded_run(
    settings: config_mod.Settings,
    trigger: str = "manual",
    month: str | None = None,
    warn: Warn | None = None,
) -> Iterator[Run]:
    """Hold the run lock (RunInProgress when another run has it) and record the run:
    the body runs its stages with `run.step(name)` and sets `run.note`."""
    with run_lock(settings.state_dir / "run.lock"):
        run = Run(RunLog(settings.state_dir / "runs.jsonl", trigger=trigger), month)
        run.start()
        try:
            yield run
        except BaseException as exc:
            try:
                run.failed(exc)
            except OSError as log_exc:
                (warn or stderr_warning)(f"the failed run was not recorded: {log_exc}")
            raise
        run.ok()


# ---- what is out, what is published ----------------------------------------------------------


def latest_edition(settings: config_mod.Settings) -> str | None:
    months = pipeline.edition_months(settings, having="brief.pdf")
    return months[-1] if months else None


def latest_done(settings: config_mod.Settings, warn: Warn | None = None) -> str | None:
    """The newest month whose whole run (build, publish, send) ended well. A month whose
    edition was built but not published or sent is not done: the next tick finishes it
    (publishing is idempotent and the delivery ledger never mails anyone twice). A
    manual run with --no-publish or --no-send is recorded `complete: false`."""
    done = [
        month
        for r in read_runs(settings.state_dir / "runs.jsonl", warn)
        if r.get("event") == "end"
        and r.get("result") == "ok"
        and r.get("complete") is not False
        and (month := _month_of(r))
    ]
    return max(done) if done else None


def newest_release(settings: config_mod.Settings) -> str | None:
    """The newest month the source has (a small request for the census source)."""
    source = settings.data.source
    if source == "sample":
        return settings.data.sample.end
    if source == "census":
        from generator.data.sources import census

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
    from generator.brief import checks

    report = checks.run_checks(settings=settings)
    if not report.ok:
        raise UserError("; ".join(report.problems[:5]))
    return report


def _build(settings: config_mod.Settings, month: str) -> Any:
    from generator.brief import backfill, edition

    result = edition.build(settings, month)
    backfill.stamp(settings, month)  # so that publishing does not build it again
    return result


def _publish(settings: config_mod.Settings, month: str) -> Any:
    from generator.outlets import site

    return site.publish(settings, month=month)


def email_configured(settings: config_mod.Settings) -> bool:
    return bool(settings.email.to or settings.email.recipients_csv)


@dataclass
class Skipped:
    """What a stage returns when it decided not to act, and why (said in the messages)."""

    reason: str


def _send(settings: config_mod.Settings, month: str) -> Any:
    from generator.outlets import deliver

    if not email_configured(settings):
        # E-mail not set up: publishing alone is a complete run.
        return Skipped("no recipients configured")
    report = deliver.send(settings, month)
    if not report.ok:
        raise UserError("; ".join([f"send: {report.summary()}", *report.problems()]))
    return report


def sent_note(outcome: Any) -> str:
    """What the send stage did, for the messages: never "sent" when nothing was."""
    if isinstance(outcome, Skipped):
        return f"not sent: {outcome.reason}"
    summary = getattr(outcome, "summary", None)
    return f"e-mail: {summary()}" if callable(summary) else "sent"


@dataclass
class TickResult:
    status: str  # "nothing-new" | "built" | "revised" | "failed" | "busy"
    month: str | None = None
    error: str | None = None
    note: str = ""  # what happened, in words: "edition … built and published; not sent: …"


def tick(
    settings: config_mod.Settings, stages: Stages | None = None, warn: Warn | None = None
) -> TickResult:
    """One check; at most one whole run. Never raises for a failed run: it logs, alerts
    and returns status "failed" so that the service keeps its schedule. Bad run-log
    lines and a failed alert are reported through `warn` (default: stderr)."""
    stages = stages or Stages()
    warn = warn or stderr_warning
    log = RunLog(settings.state_dir / "runs.jsonl", trigger="scheduled")
    try:
        with run_lock(settings.state_dir / "run.lock"):
            run = Run(log)
            try:
                return _tick(settings, stages, run, warn)
            except BaseException as exc:  # Ctrl-C in --once: the log says where it stopped
                with contextlib.suppress(OSError):
                    run.failed(exc)
                raise
    except RunInProgress as exc:
        return TickResult("busy", error=str(exc))


def _tick(settings: config_mod.Settings, stages: Stages, run: Run, warn: Warn) -> TickResult:
    published = latest_done(settings, warn)
    run.stage = "release"
    try:
        released = stages.release(settings)
    except Exception as exc:  # noqa: BLE001 - a failed probe is a failed run
        return _failed(settings, stages, run, exc, warn)
    if released is None or (published is not None and released <= published):
        if settings.schedule.rerun_on_revision and published is not None:
            return _revision_rerun(settings, stages, run, published, warn)
        run.log.write(event="check", result="nothing-new", released=released, published=published)
        return TickResult("nothing-new", released)
    run.month = released
    run.start(published=published)
    sent = "sent"
    for name in ("refresh", "check", "build", "publish", "send"):
        try:
            with run.step(name) as info:
                fn = getattr(stages, name)
                out = fn(settings) if name in ("refresh", "check") else fn(settings, released)
                if name == "send":
                    sent = sent_note(out)
                    if isinstance(out, Skipped):
                        info["skipped"] = out.reason
        except Exception as exc:  # noqa: BLE001 - reported, alerted, retried next tick
            return _failed(settings, stages, run, exc, warn)
    run.note = f"edition {released} built and published; {sent}"
    run.ok()
    return TickResult("built", released, note=run.note)


def _revision_rerun(
    settings: config_mod.Settings, stages: Stages, run: Run, month: str, warn: Warn
) -> TickResult:
    """Rebuild and republish the latest edition when a revision moved its headline figure
    (the AI share of imports, year to date) by at least schedule.revision_threshold.
    Subscribers are not mailed again."""
    folder = settings.editions_dir / month
    run.month, run.stage = month, "revision check"
    try:
        stages.refresh(settings)
        old = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        new = pipeline.compute_metrics(settings, month).doc
        before = old["imports"]["ai_share"]["ytd"] or 0.0
        after = new["imports"]["ai_share"]["ytd"] or 0.0
    except Exception as exc:  # noqa: BLE001
        return _failed(settings, stages, run, exc, warn)
    moved = abs(after - before)
    if moved < settings.schedule.revision_threshold:
        run.log.write(event="check", result="nothing-new", published=month, revision_moved=moved)
        return TickResult("nothing-new", month)
    run.start(reason="revision", moved=round(moved, 6))
    for name in ("build", "publish"):
        try:
            with run.step(name):
                getattr(stages, name)(settings, month)
        except Exception as exc:  # noqa: BLE001
            return _failed(settings, stages, run, exc, warn)
    run.note = (
        f"edition {month} rebuilt and republished after a data revision "
        f"(AI share moved {moved * 100:.2f} points); subscribers not mailed again"
    )
    run.ok(reason="revision")
    return TickResult("revised", month, note=run.note)


_AFTER = {
    "release": "Nothing was built, published or sent.",
    "refresh": "Nothing was built, published or sent.",
    "check": "Nothing was built, published or sent.",
    "build": "Nothing was published or sent; the last good edition stays live.",
    "publish": "The edition was built but not published or sent.",
    "send": "The edition was built and published; some or all e-mails were not sent.",
}


def _failed(
    settings: config_mod.Settings, stages: Stages, run: Run, exc: BaseException, warn: Warn
) -> TickResult:
    message = describe(exc)
    try:
        run.failed(exc)
    except OSError as log_exc:
        warn(f"the failed run was not recorded: {log_exc}")
    month, stage = run.month, run.stage
    subject = f"AI Trade Brief: the {month or 'monthly'} run failed at {stage}"
    body = (
        f"The scheduled run failed at the {stage} stage.\n\n{message}\n\n"
        f"{_AFTER.get(stage, 'The run stopped there.')} The next tick tries again; "
        "recipients already served are not mailed twice.\n\n"
        + "".join(traceback.format_exception_only(type(exc), exc))
    )
    _alert(settings, stages, run, subject, body, warn)
    return TickResult("failed", month, message)


def _alert(
    settings: config_mod.Settings, stages: Stages, run: Run, subject: str, body: str, warn: Warn
) -> None:
    """Send the alert; a failed one is recorded in the run log and said through `warn`
    (an operator must learn that nobody was told)."""
    to = ", ".join(settings.schedule.alert_to) or "nobody (schedule.alert_to is empty)"
    try:
        stages.alert(settings, subject, body)
    except Exception as exc:  # noqa: BLE001 - whatever broke, the tick must go on
        smtp = settings.email.smtp
        error = f"alert to {to} via {smtp.host}:{smtp.port} not sent: {describe(exc)}"
        with contextlib.suppress(OSError):
            run.log.write(event="alert", result="failed", month=run.month, error=error)
        warn(error)
        return
    result = "sent" if settings.schedule.alert_to else "skipped"
    with contextlib.suppress(OSError):
        run.log.write(event="alert", result=result, month=run.month, to=to)


def send_alert(settings: config_mod.Settings, subject: str, body: str) -> None:
    """A plain e-mail to schedule.alert_to, through the configured SMTP server."""
    if not settings.schedule.alert_to:
        return
    from generator.outlets import deliver

    frm = deliver.sender(settings)
    # Parsed and checked like readers' addresses: a raw string here would let an
    # encoded CR/LF in a display name add headers (Bcc:, Reply-To:) to the alert.
    people = deliver.alert_recipients(settings)
    user, password = deliver.credentials(settings.email.smtp)
    session = deliver.Session(settings.email.smtp, user, password)
    try:
        for to in people:
            msg = EmailMessage()
            msg["Subject"] = subject
            msg["From"] = frm
            msg["To"] = to
            msg.set_content(body)
            session.send(msg, frm.addr_spec, to.addr_spec)
    finally:
        session.close()


# ---- the service ---------------------------------------------------------------------------------


def scheduled_tick(config_path: str | None) -> None:
    """The job APScheduler stores: loads the config afresh, so edits take effect."""
    try:
        settings = config_mod.load(config_path)
    except UserError as exc:  # an edit broke the config: say so, try again next tick
        stderr_warning(f"tick skipped: {exc}")
        return
    tick(settings)


def job_store(settings: config_mod.Settings) -> Path:
    return settings.state_dir / "schedule.sqlite"


def _jobstore_url(settings: config_mod.Settings) -> str:
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{job_store(settings)}"


def make_scheduler(settings: config_mod.Settings) -> Any:
    """A scheduler on the persistent job store: missed runs coalesce into one."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=_jobstore_url(settings))},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 24 * 3600},
        timezone=settings.schedule.timezone,
    )


def open_scheduler(settings: config_mod.Settings) -> Any:
    """make_scheduler, started paused; JobStoreError naming the file when the store is
    not a readable SQLite database."""
    from sqlalchemy.exc import SQLAlchemyError

    sched = make_scheduler(settings)
    try:
        sched.start(paused=True)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise JobStoreError(f"{job_store(settings)}: not a readable job store ({reason})") from None
    return sched


def stored_job(sched: Any, settings: config_mod.Settings) -> Any:
    """The monthly job as stored, or None; JobStoreError when it does not load."""
    try:
        return sched.get_job(JOB_ID)
    except Exception as exc:  # noqa: BLE001 - unpickling a damaged row can raise anything
        raise JobStoreError(
            f"{job_store(settings)}: the stored job does not load ({describe(exc)})"
        ) from None


def _set_aside(store: Path) -> Path:
    """Move a damaged store (and SQLite's journal files, which would otherwise be
    replayed into the new one) out of the way, kept for a look."""
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:4]}"
    aside = store.with_name(f"{store.name}.corrupt-{stamp}")
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.replace(f"{store}{suffix}", f"{aside}{suffix}")
    return aside


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
    job = stored_job(sched, settings)
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

    done = threading.Event()

    def stop(signum: int, _frame: Any) -> None:
        say(f"aibrief schedule: stopping ({signal.Signals(signum).name})")
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sched, job = _start_service(settings, config_path, say)
    say(f"aibrief schedule: running; next run {job.next_run_time:%Y-%m-%d %H:%M %Z}")
    sched.resume()
    try:
        while not done.wait(1.0):
            pass
    finally:
        sched.shutdown(wait=True)


def _start_service(
    settings: config_mod.Settings, config_path: str | None, say: Callable[[str], None]
) -> tuple[Any, Any]:
    """The scheduler, started paused, with the monthly job in its store. A store that
    cannot be read is set aside and recreated (the next run time is then computed
    afresh from schedule.cron), said in one line."""
    try:
        sched = open_scheduler(settings)
        try:
            return sched, ensure_job(sched, settings, config_path)
        except BaseException:
            sched.shutdown(wait=False)
            raise
    except JobStoreError as exc:
        aside = _set_aside(job_store(settings))
        say(f"aibrief schedule: warning: {exc}; moved to {aside} and recreated")
    sched = open_scheduler(settings)
    return sched, ensure_job(sched, settings, config_path)


def next_run(settings: config_mod.Settings) -> datetime | None:
    """The stored next run time, without running anything; JobStoreError when the store
    cannot be read (`status` says so; the service recreates it)."""
    if not job_store(settings).exists():
        return None
    sched = open_scheduler(settings)
    try:
        job = stored_job(sched, settings)
        return job.next_run_time if job else None
    finally:
        sched.shutdown(wait=False)
