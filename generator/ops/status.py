"""`aibrief status` in four lines: the last run (from runs.jsonl), the next run (from the
scheduler's job store), the latest edition and the data the warehouse holds. Nothing is
run or written; a damaged run log or job store is named, never a reason to fail."""

from __future__ import annotations

import json
from typing import Any

from generator import flow, fsutil
from generator.config import Settings
from generator.ops import schedule
from generator.runlog import Warn, read_runs

MANIFEST = "manifest.json"  # as generator.data.warehouse writes it
FLOWS = ("imports", "exports")  # an edition needs a month of both


def last_run(runs: list[dict[str, Any]]) -> str:
    """The last run (or check) in one line: when, result, manual or scheduled, and what
    happened; for a failure the stage, the error and whether the alert went out."""
    ends = [r for r in runs if r.get("event") in ("end", "check")]
    if not ends:
        return "none"
    last = ends[-1]
    what = last.get("result")
    line = f"{last.get('at', '?')} {what}"
    if last.get("trigger"):
        line += f" ({last['trigger']})"
    if what == "failed":
        line += f" at {last.get('stage')}: {last.get('error')}"
        alerts = [r for r in runs if r.get("event") == "alert" and r.get("run") == last.get("run")]
        if alerts and alerts[-1].get("result") == "failed":
            line += f"; {alerts[-1].get('error')}"
    elif last.get("note"):
        line += f": {last['note']}"
    return line


def _next_run(settings: Settings) -> str:
    try:
        nxt = schedule.next_run(settings)
    except schedule.JobStoreError as exc:
        return f"unknown: {exc}; `aibrief schedule` sets it aside and recreates it"
    return f"{nxt:%Y-%m-%d %H:%M %Z}" if nxt else "not scheduled (aibrief schedule not started)"


def _data(settings: Settings) -> str:
    """The warehouse's manifest, read as JSON: status needs no parquet library (pandas is
    slow to import), and an unreadable manifest is a line here, not a failure."""
    fsutil.recover(settings.warehouse_dir)  # a rebuild killed mid-swap: put it back first
    path = settings.warehouse_dir / MANIFEST
    if not path.exists():
        return "no warehouse yet"
    try:
        man = json.loads(path.read_text(encoding="utf-8"))
        flows = [set(man.get("flows", {}).get(f, {})) for f in FLOWS]
    except (OSError, ValueError, AttributeError) as exc:
        return f"unreadable manifest {path} ({exc}); `aibrief refresh` rebuilds it"
    months = sorted(set.intersection(*flows))
    return (
        f"{man.get('source')}"
        f"{' (illustrative sample)' if man.get('sample') else ''}, "
        f"{months[0] if months else '-'} … {months[-1] if months else '-'}, "
        f"vintage {man.get('vintage')}"
    )


def lines(settings: Settings, warn: Warn | None = None) -> list[str]:
    """The status, one line each (bad run-log lines are named through `warn`)."""
    runs = read_runs(settings.state_dir / flow.RUNS, warn)
    return [
        f"last run:        {last_run(runs)}",
        f"next run:        {_next_run(settings)}",
        f"latest edition:  {schedule.latest_edition(settings) or 'none'}",
        f"data:            {_data(settings)}",
    ]
