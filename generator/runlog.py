"""The run log, output/state/runs.jsonl: one JSON object a line, appended, read by
`aibrief status` and by the scheduler (which month is done).

A run writes a `start` record, one `stage` record per stage with its duration, and an
`end` record (result ok or failed, and for a failure the stage and the error); a tick
that finds nothing to do writes one `check` record; an alert its own. Every record
carries the run's id, the time and the trigger (manual or scheduled): the same format
for every run, because every run goes through the one flow (generator.flow).

Lines are written whole with one O_APPEND write, in ASCII; a bad line (a torn write, a
full disk, an edit) is skipped and named by the reader, never a reason to stop a run.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import UserError
from generator.fsutil import now_utc

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
        record = {"run": self.run_id, "at": now_utc(), "trigger": self.trigger, **entry}
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


class StageFailed(UserError):
    """A stage refused to go on (checks found problems, e-mails were not sent): one line
    for the error, and the lines behind it (`details`), said first and kept in the log."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.details = list(details)


def describe(exc: BaseException) -> str:
    """One line for the log and the alert."""
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, StageFailed) and exc.details:
        return "; ".join([exc.message, *exc.details[:5]])
    if isinstance(exc, UserError):
        return "; ".join(exc.lines)
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
    ended: bool = False  # the end record is written (ok or failed)
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
        self.ended = True
        self.log.write(
            event="end",
            result="ok",
            month=self.month,
            note=self.note,
            seconds=self._secs(),
            **extra,
        )

    def failed(self, exc: BaseException) -> str:
        """Record the failure once (a failed record is never written twice)."""
        message = describe(exc)
        if self.ended:
            return message
        self.ended = True
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
