"""Backfill: (re)build many editions from the current data vintage, in parallel
processes, skipping each edition whose inputs have not changed.

An edition's inputs are its metrics (from the warehouse, the taxonomy and the metrics
settings), the templates, the code that renders them and the editor's note for that
month (`YYYY-MM.md` in the templates.notes folder: the very file the build reads, when
present). After a build, `.inputs.json` in the edition folder records two hashes:

  inputs   everything upstream of the metrics (warehouse manifest, taxonomy files and
           settings, metrics settings, code) + templates + notes: computed without
           reading any trade data, so a run with nothing changed skips every edition in
           milliseconds, without starting a process;
  content  the metrics document itself + templates + code + notes: when the upstream
           changed but the metrics came out the same (a rule's comment edited, a refresh
           that brought identical numbers), the edition is not rendered again.

Any other build of the folder (`aibrief render`, `aibrief run`) replaces the folder and
with it the stamp, so the next backfill checks that edition again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import report
from generator.analysis.document import WarehouseSums, compute_metrics, metrics_json, warehouse_sums
from generator.brief import notes, store
from generator.config import Settings
from generator.data.warehouse import Warehouse
from generator.errors import UserError
from generator.fsutil import write_atomic

STAMP = ".inputs.json"
REQUIRED = (
    "brief.html",
    "brief.pdf",
    "metrics.json",
    "charts/charts.json",
    "narrative.json",
    "brand.json",
)
PACKAGE = Path(__file__).resolve().parents[1]
# Parts of the package that do not shape an edition (every other file counts: a new
# module is assumed to matter until listed here), as paths below generator/. Sources
# only reach an edition through the warehouse, whose manifest is hashed.
NOT_IN_EDITIONS = (
    "outlets", "ops", "cli.py", "flow.py", "syscheck.py", "__main__.py", "data/sources",
    "brief/backfill.py", "report.py", "classify/explain.py", "analysis/review.py",
    "runlog.py", "data/refresh.py", "brief/store.py",
)  # fmt: skip
Say = Callable[[str], None]


@dataclass
class Outcome:
    month: str
    status: str  # built | unchanged (metrics re-computed, same) | skipped (inputs same)
    seconds: float = 0.0
    headline: str | None = None
    pid: int = 0  # the process that did the work
    # Seconds per stage (metrics, narrative, charts, html, pdf): benchmarks/ sums them
    # to show where a backfill's time goes.
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class BackfillResult:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def summary(self) -> str:
        n = len(self.outcomes)
        parts = [f"{self.count('built')} built"]
        if self.count("unchanged"):
            parts.append(f"{self.count('unchanged')} re-checked, unchanged")
        parts.append(f"{self.count('skipped')} up to date")
        noun = "edition" if n == 1 else "editions"
        return f"{n} {noun}: {', '.join(parts)} ({self.seconds:.1f}s)"


# ---- hashing ------------------------------------------------------------------------------


def _hash_tree(h: Any, root: Path, skip_top: Iterable[str] = ()) -> None:
    """Feed every file under root (path and bytes, in a stable order) into h."""
    if root.is_file():
        h.update(b"F" + root.read_bytes())
        return
    if not root.is_dir():
        h.update(b"-")
        return
    skip = set(skip_top)
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        skipped = any(rel.as_posix() == x or rel.as_posix().startswith(x + "/") for x in skip)
        if skipped or "__pycache__" in rel.parts or not p.is_file():
            continue
        if p.name.startswith(".") or p.suffix == ".pyc":
            continue
        h.update(rel.as_posix().encode() + b"\0" + p.read_bytes() + b"\0")


@dataclass(frozen=True)
class Fingerprints:
    """Hashes shared by every edition of one run (computed once)."""

    upstream: str  # warehouse manifest + taxonomy + settings that shape the metrics
    templates: str
    code: str


def effective_templates(settings: Settings) -> dict[str, Path]:
    """Template files an edition can use, file by file the first found (overrides first);
    the site's chrome (site/) is not part of an edition."""
    found: dict[str, Path] = {}
    for d in settings.template_dirs:
        if not d.is_dir():
            continue
        for p in d.rglob("*"):
            rel = p.relative_to(d)
            if rel.parts[0] == "site" or p.name.startswith(".") or not p.is_file():
                continue
            found.setdefault(rel.as_posix(), p)
    return found


def fingerprints(settings: Settings) -> Fingerprints:
    up = hashlib.sha256()
    manifest = Warehouse(settings.warehouse_dir).manifest_path
    up.update(manifest.read_bytes() if manifest.exists() else b"no warehouse")
    up.update(settings.model_dump_json(include={"data", "taxonomy", "metrics"}).encode())
    for name in type(settings.taxonomy).model_fields:  # rule files, exemption lists, CSVs
        value = getattr(settings.taxonomy, name)
        if isinstance(value, Path):
            _hash_tree(up, settings.path(value))
    tpl = hashlib.sha256()
    for rel, path in sorted(effective_templates(settings).items()):
        tpl.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    code = hashlib.sha256()
    _hash_tree(code, PACKAGE, skip_top=NOT_IN_EDITIONS)
    return Fingerprints(up.hexdigest(), tpl.hexdigest(), code.hexdigest())


def note_files(settings: Settings, month: str) -> list[Path]:
    """The note the build of `month` reads (templates.notes/YYYY-MM.md), when there is one:
    exactly that file, so that editing it, and nothing else, makes the edition due."""
    path = notes.note_path(settings.path(settings.templates.notes), month)
    return [path] if path.is_file() else []


def _notes_hash(settings: Settings, month: str) -> str:
    h = hashlib.sha256()
    for p in note_files(settings, month):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def inputs_key(settings: Settings, month: str, fp: Fingerprints) -> str:
    parts = [month, fp.upstream, fp.templates, fp.code, _notes_hash(settings, month)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def content_key(settings: Settings, metrics_json: str, fp: Fingerprints) -> str:
    month = json.loads(metrics_json)["month"]
    parts = [metrics_json, fp.templates, fp.code, _notes_hash(settings, month)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# ---- stamps -------------------------------------------------------------------------------


def read_stamp(folder: Path) -> dict[str, Any]:
    try:
        doc = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def write_stamp(folder: Path, inputs: str, content: str) -> None:
    doc = {"inputs": inputs, "content": content, "formats": ["html", "pdf"]}
    write_atomic(folder / STAMP, (json.dumps(doc, indent=2) + "\n").encode())


def complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in REQUIRED)


def is_current(settings: Settings, month: str, fp: Fingerprints) -> bool:
    folder = store.edition_dir(settings, month)
    stamp = read_stamp(folder)
    return stamp.get("inputs") == inputs_key(settings, month, fp) and complete(folder)


# ---- building -----------------------------------------------------------------------------


def build_one(
    settings: Settings,
    month: str,
    fp: Fingerprints | None = None,
    sums: WarehouseSums | None = None,
    workers: int = 1,
) -> Outcome:
    """Compute the metrics; render the edition unless the same content is there.
    `sums`: the warehouse summed once for every edition of the run (without them, or
    for a month they do not hold, the warehouse is scanned for this edition alone, with
    cores and memory shared by `workers` processes)."""
    from generator.brief import edition

    t0 = time.perf_counter()
    fp = fp or fingerprints(settings)
    key = inputs_key(settings, month, fp)
    t = time.perf_counter()
    metrics = compute_metrics(settings, month, sums, workers)
    timings = {"metrics": time.perf_counter() - t}
    content = content_key(settings, metrics_json(metrics), fp)
    folder = store.edition_dir(settings, month)
    if read_stamp(folder).get("content") == content and complete(folder):
        write_stamp(folder, key, content)
        return Outcome(
            month, "unchanged", time.perf_counter() - t0, pid=os.getpid(), timings=timings
        )
    result = edition.render_edition(settings, metrics, ("html", "pdf"), timings)
    write_stamp(result.folder, key, content)
    seconds = time.perf_counter() - t0
    return Outcome(month, "built", seconds, result.headline, os.getpid(), timings)


def stamp(settings: Settings, month: str, fp: Fingerprints | None = None) -> None:
    """Record the inputs of an edition just built by `edition.build` (e.g. by `aibrief
    run`), so that a publish right after it does not build it again. `fp`: the inputs
    taken before the build, so an edit made while it ran still counts as a change."""
    fp = fp or fingerprints(settings)
    folder = store.edition_dir(settings, month)
    text = (folder / "metrics.json").read_text(encoding="utf-8")
    write_stamp(folder, inputs_key(settings, month, fp), content_key(settings, text, fp))


# The shared sums of a pool worker, handed over once when it starts (not with every task).
_shared: WarehouseSums | None = None


def _start_worker(sums: WarehouseSums | None) -> None:
    global _shared
    _shared = sums


def _work(settings: Settings, month: str, fp: Fingerprints, workers: int) -> Outcome:
    return build_one(settings, month, fp, _shared, workers)


def _preload() -> None:
    """Import what building an edition needs here, before the pool starts its workers:
    forked, they inherit the modules instead of each importing them anew (≈ 0.8 CPU s a
    worker: matplotlib, WeasyPrint, the templates' modules)."""
    from generator.brief import charts, edition, render  # noqa: F401

    with contextlib.suppress(UserError):  # no Pango: each build says so in its own line
        render._weasyprint()


def shared_sums(settings: Settings, months: list[str]) -> WarehouseSums | None:
    """One scan of the warehouse up to the last of `months`, serving the metrics of every
    one of them (each edition's document is the one a scan of its own would give). It
    runs before any worker starts, so it has the machine to itself (workers=1)."""
    return warehouse_sums(settings, max(months), workers=1) if months else None


def default_months(settings: Settings, first: str | None = None, last: str | None = None):
    """Months to backfill: every month in the warehouse from `first` (default: January
    after the base year, the first month with a year-on-year comparison) to `last`."""
    available = Warehouse(settings.warehouse_dir).common_months()
    if not available:
        raise UserError("the warehouse holds no month with both imports and exports")
    start = first or f"{settings.metrics.base_year + 1}-01"
    months = [m for m in available if m >= start and (last is None or m <= last)]
    if not months:
        raise UserError(
            f"no month to backfill from {start}{f' to {last}' if last else ''}: "
            f"the warehouse holds {available[0]} … {available[-1]}"
        )
    return months


def run(
    settings: Settings,
    months: list[str],
    workers: int = 2,
    say: Say | None = None,
) -> BackfillResult:
    """Bring every month's edition up to date; the ones already current are skipped.
    First an edition a killed build set aside is put back, so it is not built again."""
    t0 = time.perf_counter()
    store.recover_all(settings.editions_dir)
    fp = fingerprints(settings)
    result = BackfillResult()
    todo = []
    for month in months:
        if is_current(settings, month, fp):
            result.outcomes.append(Outcome(month, "skipped"))
        else:
            todo.append(month)
    failures: list[tuple[str, BaseException]] = []
    # One line per edition through `say` (none without it); a bar too on a terminal.
    bar = report.progress("backfill", len(todo), "editions", say=say, enabled=say is not None)

    def done(o: Outcome) -> None:
        result.outcomes.append(o)
        if o.status == "built":
            bar.advance(line=f"edition {o.month}: built ({o.seconds:.1f}s) {o.headline!r}")
        else:
            bar.advance(line=f"edition {o.month}: unchanged ({o.seconds:.1f}s)")

    with bar:
        sums = shared_sums(settings, todo)
        if len(todo) <= 1 or workers <= 1:
            for month in todo:
                done(build_one(settings, month, fp, sums))  # one at a time: first error stops
        else:
            n = min(workers, len(todo))
            _preload()
            with ProcessPoolExecutor(n, initializer=_start_worker, initargs=(sums,)) as pool:
                futures = {pool.submit(_work, settings, m, fp, n): m for m in todo}
                try:
                    for fut in as_completed(futures):
                        try:
                            done(fut.result())
                        except UserError as exc:
                            failures.append((futures[fut], exc))
                            bar.advance(line=f"edition {futures[fut]}: failed: {exc}")
                except BaseException:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
    if failures:
        month, exc = min(failures, key=lambda f: f[0])
        raise UserError(
            f"{len(failures)} of {len(todo)} editions failed (the site was not touched); "
            f"first, {month}: {exc}"
        )
    result.outcomes.sort(key=lambda o: o.month)
    result.seconds = time.perf_counter() - t0
    return result
