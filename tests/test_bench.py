"""`make bench` stays runnable: the quick mode runs every stage and both yardsticks as
fresh processes and prints each with its targets. Nothing here judges a time: speed is
measured by `make bench`, never by a test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_bench_runs_every_stage_and_yardstick() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,  # a bound for a hung run, not a speed check
        check=False,
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for row in (
        "refresh (scale 1)",
        "metrics",
        "yardstick duckdb",
        "yardstick pandas",
        "unit-value queries",
        "startup (aibrief --help)",
        "render (one edition)",
        "backfill (2 editions)",
        "backfill again, nothing changed",
    ):
        assert row in text, f"{row!r} missing from:\n{text}"
    floor = next((x for x in text.splitlines() if x.startswith("floor: metrics imports")), "")
    assert "× the DuckDB pass, before any work" in floor, f"the floor row is missing:\n{text}"
    units = next(x for x in text.splitlines() if x.startswith("unit-value queries"))
    assert "unit_values " in units and "unit_values_by_country " in units, units
    backfill = next(x for x in text.splitlines() if x.startswith("backfill (2 editions)"))
    assert "CPU s an edition (target ≤ 0.9)" in backfill, backfill
    for target in (
        "metrics wall ÷ plain DuckDB pass",
        "metrics wall ÷ naive pandas way",
        "metrics peak memory",
        "aibrief --help wall",
        "backfill CPU per edition",
        "backfill again files rewritten",
    ):
        line = next((x for x in text.splitlines() if target in x), "")
        assert line.startswith(("PASS", "FAIL")), f"{target!r} not judged in:\n{text}"


def test_unknown_stage_is_refused() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--stages", "nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 2
    assert "unknown stage 'nope'" in out.stderr
