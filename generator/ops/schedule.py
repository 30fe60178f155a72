"""The monthly run, unattended: the service around the one flow (generator.flow).

Each tick asks, under the run lock, whether a month newer than the last one done is out
(or, with schedule.rerun_on_revision, whether a data revision moved the latest
edition's headline figure) and, if so, runs the flow once — refresh → checks → build →
publish → send — exactly as `aibrief run` does, with the same lock and the same records
in output/state/runs.jsonl. A failure publishes and sends nothing more, sends an alert
e-mail, and the next tick tries again. `aibrief schedule` keeps an APScheduler service
with a SQLite job store; `aibrief schedule --once` does one tick (cron users).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from generator import config as config_mod
from generator import flow
from generator.brief import store
from generator.errors import UserError
from generator.runlog import Run, StageFailed, Warn, describe, read_runs, stderr_warning

MONTH = re.compile(config_mod.MONTH_PATTERN)
JOB_ID = "monthly-brief"


class JobStoreError(UserError):
    """schedule.sqlite cannot be read: the service sets it aside and starts afresh."""


# ---- what is out, what is done ---------------------------------------------------------------


def _month_of(record: dict[str, Any]) -> str | None:
    month = record.get("month")
    return month if isinstance(month, str) and MONTH.fullmatch(month) else None


def latest_edition(settings: config_mod.Settings) -> str | None:
    months = store.edition_months(settings, having="brief.pdf")
    return months[-1] if months else None


def latest_done(settings: config_mod.Settings, warn: Warn | None = None) -> str | None:
    """The newest month whose whole run (build, publish, send) ended well. A month whose
    edition was built but not published or sent is not done: the next tick finishes it
    (publishing is idempotent and the delivery ledger never mails anyone twice). A
    manual run with --no-publish or --no-send is recorded `complete: false`."""
    done = [
        month
        for r in read_runs(settings.state_dir / flow.RUNS, warn)
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
    from generator.data.refresh import fetch

    data = fetch(settings, "files")
    return str(data.imports["period"].max()) if len(data.imports) else None


# ---- one tick -----------------------------------------------------------------------------


@dataclass
class Stages(flow.Stages):
    """The flow's stages, plus the service's own: the release probe and the alert."""

    release: Callable[[config_mod.Settings], str | None] = lambda s: newest_release(s)
    alert: Callable[[config_mod.Settings, str, str], None] = lambda s, a, b: send_alert(s, a, b)


@dataclass
class TickResult:
    status: str  # "nothing-new" | "built" | "revised" | "failed" | "busy"
    month: str | None = None
    error: str | None = None
    note: str = ""  # what happened, in words: "edition … built and published; not sent: …"


class _Tick:
    """The plan of one tick (is a month due?), asked by the flow under the run lock."""

    def __init__(self, settings: config_mod.Settings, stages: Stages, warn: Warn) -> None:
        self.settings, self.stages, self.warn = settings, stages, warn
        self.status = "nothing-new"
        self.month: str | None = None

    def __call__(self, run: Run) -> flow.RunRequest | None:
        published = latest_done(self.settings, self.warn)
        run.stage = "release"
        released = self.stages.release(self.settings)
        self.month = released
        if released is None or (published is not None and released <= published):
            if self.settings.schedule.rerun_on_revision and published is not None:
                return self._revision(run, published)
            run.log.write(
                event="check", result="nothing-new", released=released, published=published
            )
            return None
        run.month, self.status = released, "built"
        return flow.RunRequest(month=released, refresh=True, start={"published": published})

    def _revision(self, run: Run, month: str) -> flow.RunRequest | None:
        """Rebuild and republish the latest edition when a revision moved its headline
        figure (the AI share of imports, year to date) by at least
        schedule.revision_threshold. Subscribers are not mailed again."""
        from generator.analysis.document import compute_metrics

        run.month, run.stage, self.month = month, "revision check", month
        assert self.stages.refresh is not None
        self.stages.refresh(self.settings)
        folder = store.edition_dir(self.settings, month)
        old = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        new = compute_metrics(self.settings, month, previous=False).doc
        before = old["imports"]["ai_share"]["ytd"] or 0.0
        after = new["imports"]["ai_share"]["ytd"] or 0.0
        moved = abs(after - before)
        if moved < self.settings.schedule.revision_threshold:
            run.log.write(
                event="check", result="nothing-new", published=month, revision_moved=moved
            )
            return None
        self.status = "revised"
        return flow.RunRequest(
            month=month,
            refresh=False,  # refreshed just now, to compare
            skip={"send": "subscribers not mailed again"},
            incomplete_if_skipped=False,  # they have this month already
            reason="revision",
            start={"moved": round(moved, 6)},
            note=(
                f"edition {month} rebuilt and republished after a data revision "
                f"(AI share moved {moved * 100:.2f} points); subscribers not mailed again"
            ),
        )


def tick(
    settings: config_mod.Settings, stages: Stages | None = None, warn: Warn | None = None
) -> TickResult:
    """One check; at most one whole run, through the flow. Never raises for a failed run:
    it is recorded, alerted, and returned as status "failed" so that the service keeps
    its schedule. Bad run-log lines and a failed alert are reported through `warn`
    (default: stderr). Ctrl-C (in --once) is recorded and raised."""
    stages = stages or Stages()
    warn = warn or stderr_warning
    plan = _Tick(settings, stages, warn)
    holder: list[Run] = []

    def planned(run: Run) -> flow.RunRequest | None:
        holder.append(run)
        return plan(run)

    try:
        run = flow.run(settings, planned, stages, trigger="scheduled", warn=warn)
    except flow.RunInProgress as exc:
        return TickResult("busy", error=str(exc))
    except Exception as exc:  # noqa: BLE001 - recorded by the flow; alerted; next tick retries
        if not holder:  # the lock itself could not be written: no run to speak of
            raise
        return _failed(settings, stages, holder[0], exc, warn)
    if plan.status == "nothing-new":
        return TickResult("nothing-new", plan.month)
    return TickResult(plan.status, run.month, note=run.note)


_AFTER = {
    "release": "Nothing was built, published or sent.",
    "revision check": "Nothing was built, published or sent.",
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
        run.failed(exc)  # already recorded by the flow: written once only
    except OSError as log_exc:
        warn(f"the failed run was not recorded: {log_exc}")
    month, stage = run.month, run.stage
    subject = f"AI Trade Brief: the {month or 'monthly'} run failed at {stage}"
    details = "".join(f"  {line}\n" for line in getattr(exc, "details", []))
    body = (
        f"The scheduled run failed at the {stage} stage.\n\n{message}\n\n"
        f"{_AFTER.get(stage, 'The run stopped there.')} The next tick tries again; "
        "recipients already served are not mailed twice.\n\n"
        + (f"Every problem found:\n{details}\n" if isinstance(exc, StageFailed) else "")
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
