"""THE run: refresh → checks → build the edition → publish → send.

`aibrief run` and every scheduler tick call `run`, so both take the same lock
(output/state/run.lock: one run at a time across processes), follow the same refresh
rule, report errors the same way and write the same records to runs.jsonl
(generator.runlog). A tick first decides, under that lock, whether a month is due: it
passes a plan (`Plan`) instead of a request, and the flow asks it before anything runs.

Nothing is published or sent after a failed stage: the failure is recorded with its
stage and raised. The stages themselves live below (data.refresh, brief.checks,
brief.edition, outlets.site, outlets.deliver); `publish` is also the stage behind
`aibrief publish` and `aibrief backfill`, which build many editions (brief.backfill)
and never start a run.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import fsutil
from generator.config import Settings
from generator.errors import UserError
from generator.runlog import Run, RunLog, StageFailed, Warn, stderr_warning

RUN_LOCK = "run.lock"
RUNS = "runs.jsonl"
Say = Callable[[str], None]


def quiet(_message: str) -> None:
    """The default `say`: a scheduled run speaks through its records and alerts."""


class RunInProgress(UserError):
    """Another run holds the lock: not an error for cron, just nothing to do."""

    def __init__(self, detail: str) -> None:
        self.detail = detail  # who holds it, or why the lock could not be read
        super().__init__(f"a run is in progress ({detail})")


@contextlib.contextmanager
def run_lock(path: Path, stale_after: float = fsutil.STALE_AFTER) -> Iterator[None]:
    """The run lock (fsutil's one lock); RunInProgress when another run holds it."""
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(fsutil.lock(path, stale_after=stale_after))
        except fsutil.LockHeld as exc:
            raise RunInProgress(exc.detail) from None
        yield


# ---- what a run is asked to do -------------------------------------------------------------


@dataclass(frozen=True)
class RunRequest:
    """One run's options. `aibrief run` words them from its flags; a tick from what is out."""

    month: str | None = None  # None: the latest month in the warehouse
    source: str | None = None  # refresh from this source instead of data.source
    refresh: bool | None = None  # None: when the warehouse needs it; True: always
    skip: Mapping[str, str] = field(default_factory=dict)  # "publish"/"send" → why
    incomplete_if_skipped: bool = True  # False: what is skipped was done before (revision)
    reason: str | None = None  # recorded in the start and end records ("revision")
    start: Mapping[str, Any] = field(default_factory=dict)  # more fields of the start record
    note: str | None = None  # the end note, when the caller words it


Plan = Callable[[Run], RunRequest | None]  # a tick's "is a month due?", under the lock


@dataclass
class Skipped:
    """What a stage returns when it decided not to act, and why (said in the messages)."""

    reason: str


# ---- the stages ---------------------------------------------------------------------------


def refresh_stage(settings: Settings, source: str | None = None, say: Say = quiet) -> Any:
    """Bring the warehouse up to date and say how in one line."""
    from generator.data import refresh

    t0 = time.perf_counter()
    outcome = refresh.refresh(settings, source)
    say(outcome.summary(time.perf_counter() - t0, settings.warehouse_dir))
    return outcome


def check_stage(settings: Settings, say: Say = quiet) -> Any:
    """Nothing is built while a template, note or data file is broken: every problem
    is said, the first is the error."""
    from generator.outlets import checks  # the brief's checks and the outlets'

    report = checks.run_checks(settings=settings)
    if not report.ok:
        first, rest = report.problems[0], report.problems[1:]
        for line in rest:
            say(line)
        raise StageFailed(f"checks failed: {first}", rest)
    return report


def build_stage(settings: Settings, month: str | None) -> Any:
    """Build the edition and stamp its inputs, so that publishing does not build it again."""
    from generator.brief import backfill, edition

    fp = backfill.fingerprints(settings)  # the inputs the build reads, not later edits
    result = edition.build(settings, month, chart_workers=edition.chart_workers())
    backfill.stamp(settings, result.month, fp)
    return result


def build_lines(result: Any) -> list[str]:
    """What a build made, in two lines (the headline; the files and the timings)."""
    parts = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    return [
        f"edition {result.month}: {result.headline!r}",
        f"  → {result.folder}/{', '.join(result.files)} ({parts})",
    ]


def publish(
    settings: Settings,
    *,
    month: str | None = None,
    months: list[str] | None = None,
    workers: int = 2,
    deploy_site: bool = True,
    say: Say = quiet,
    just_built: bool = False,
) -> Any:
    """The publish stage: editions up to date (built in parallel where due), then the
    site swapped in, then the deploy command. `aibrief publish` and `backfill` too."""
    from generator.outlets import site

    return site.publish(
        settings,
        month=month,
        months=months,
        workers=workers,
        deploy_site=deploy_site,
        say=say,
        just_built=just_built,
    )


def email_configured(settings: Settings) -> bool:
    return bool(settings.email.to or settings.email.recipients_csv)


def send_stage(settings: Settings, month: str, say: Say = quiet) -> Any:
    """E-mail the edition; each problem said on its own line, then one error."""
    if not email_configured(settings):
        return Skipped("no recipients configured")  # publishing alone is a complete run
    from generator.outlets import deliver

    report = deliver.send(settings, month)
    for line in report.problems():
        say(line)
    if not report.ok:
        raise StageFailed(f"send: {report.summary()}", report.problems())
    return report


def sent_note(outcome: Any) -> str:
    """What the send stage did, for the messages: never "sent" when nothing was."""
    if isinstance(outcome, Skipped):
        return f"not sent: {outcome.reason}"
    summary = getattr(outcome, "summary", None)
    return f"e-mail: {summary()}" if callable(summary) else "sent"


@dataclass
class Stages:
    """The stages of one run, in order; tests swap single stages. The defaults say what
    they did through `say`."""

    say: Say = quiet
    refresh: Callable[..., Any] | None = None  # (settings) or (settings, source)
    check: Callable[[Settings], Any] | None = None
    build: Callable[[Settings, str | None], Any] | None = None
    publish: Callable[[Settings, str], Any] | None = None
    send: Callable[[Settings, str], Any] | None = None

    def __post_init__(self) -> None:
        say = self.say
        self.refresh = self.refresh or (lambda s, source=None: refresh_stage(s, source, say))
        self.check = self.check or (lambda s: check_stage(s, say))
        self.build = self.build or (lambda s, m: build_stage(s, m))
        self.publish = self.publish or (lambda s, m: publish(s, month=m, say=say, just_built=True))
        self.send = self.send or (lambda s, m: send_stage(s, m, say))


# ---- the run ------------------------------------------------------------------------------


@contextlib.contextmanager
def session(settings: Settings, trigger: str) -> Iterator[Run]:
    """Hold the run lock (RunInProgress when another run has it) and give the recorder."""
    with run_lock(settings.state_dir / RUN_LOCK):
        yield Run(RunLog(settings.state_dir / RUNS, trigger=trigger))


def run(
    settings: Settings,
    request: RunRequest | Plan,
    stages: Stages | None = None,
    *,
    trigger: str = "manual",
    warn: Warn | None = None,
) -> Run:
    """THE run, under the run lock, recorded in runs.jsonl. `request` is what to do, or
    a plan that decides under the lock (None: nothing is due; it writes its own check
    record). A failure is recorded with its stage and raised; the Run holds the note."""
    stages = stages or Stages()
    warn = warn or stderr_warning
    with session(settings, trigger) as rec:
        if callable(request):
            try:
                planned = request(rec)
            except BaseException as exc:
                _record_failure(rec, exc, warn)
                raise
            if planned is None:
                return rec
            request = planned
        execute(settings, request, stages, rec, warn)
    return rec


def execute(settings: Settings, req: RunRequest, stages: Stages, rec: Run, warn: Warn) -> None:
    """The stages in order, each timed in the log, between a start and an end record."""
    rec.month = req.month or rec.month
    rec.start(**({"reason": req.reason} if req.reason else {}), **req.start)
    try:
        _stages(settings, req, stages, rec)
    except BaseException as exc:  # Ctrl-C too: the log says where it stopped
        _record_failure(rec, exc, warn)
        raise
    rec.ok(**({"reason": req.reason} if req.reason else {}))


def _record_failure(rec: Run, exc: BaseException, warn: Warn) -> None:
    try:
        rec.failed(exc)
    except OSError as log_exc:
        warn(f"the failed run was not recorded: {log_exc}")


def _stages(settings: Settings, req: RunRequest, st: Stages, rec: Run) -> None:
    """refresh → check → build → publish → send; sets the run's month and note."""
    assert st.refresh and st.check and st.build and st.publish and st.send
    due = req.refresh if req.refresh is not None else _needs_refresh(settings, req)
    if due:
        with rec.step("refresh"):
            st.refresh(settings) if req.source is None else st.refresh(settings, req.source)
    with rec.step("check"):
        st.check(settings)
    with rec.step("build"):
        result = st.build(settings, rec.month)
        rec.month = getattr(result, "month", None) or rec.month
    if hasattr(result, "headline"):
        for line in build_lines(result):
            st.say(line)
    month = rec.month
    assert month is not None
    built = "rebuilt" if req.reason == "revision" else "built"
    note = f"edition {month} {built}"
    if "publish" in req.skip:
        note += f"; not published: {req.skip['publish']}"
        rec.complete = rec.complete and not req.incomplete_if_skipped
    else:
        with rec.step("publish"):
            st.publish(settings, month)
        note += " and published"
    if "send" in req.skip:
        note += f"; not sent: {req.skip['send']}"
        rec.complete = rec.complete and not req.incomplete_if_skipped
    else:
        with rec.step("send") as info:
            outcome = st.send(settings, month)
            if isinstance(outcome, Skipped):
                info["skipped"] = outcome.reason
        note += f"; {sent_note(outcome)}"
    rec.note = req.note or note


def _needs_refresh(settings: Settings, req: RunRequest) -> bool:
    """Refresh when a source is named, or when the warehouse is missing, damaged, of
    another source, or incremental (census, files: cheap to ask)."""
    from generator.data.refresh import needs_refresh

    return req.source is not None or needs_refresh(settings)
