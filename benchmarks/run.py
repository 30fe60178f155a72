"""One-command benchmark: `make bench` (or `.venv/bin/python benchmarks/run.py`).

Every stage runs as a whole fresh process (interpreter start and imports included), and
so does each yardstick it is compared with, in the same run, alternating, so a busy
shared machine slows both sides alike. Reported per run: wall (median), CPU seconds
(user + system, the process and the workers it waited for) and peak memory (max RSS).

  refresh   the sample at --scale (16: ≈150,000 import rows a month × 36 months)
  metrics   `aibrief metrics` for 2025-12 on that warehouse, cold (no cache) and one new
            month (the per-month cache as the previous month's run left it), against
              yardstick_duckdb.py  one plain DuckDB pass (scan, join, group)
              yardstick_pandas.py  the naive pandas way (read all, merge, group)
            and unit_values.py: the unit-value aggregates (#14) on the same warehouse
  startup   `aibrief --help`
  render    `aibrief render` of one edition at default scale
  backfill  `aibrief backfill --from 2024-01 --to 2025-12` at default scale (CPU s an
            edition), then the same again with nothing changed
Targets (benchmarks/README.md) are printed PASS/FAIL. `--quick`: scale 1, one run, two
editions of backfill: a check that the harness works, not a measurement.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
STAGES = ("refresh", "metrics", "startup", "render", "backfill")
BACKFILL_SPAN = ("2024-01", "2025-12")
QUICK_SPAN = ("2025-11", "2025-12")

# Writes the classification of every code in the warehouse as a small parquet table,
# the input both yardsticks join (the metrics stage classifies on its own, and pays it).
CLASSIFY = r"""
import sys, pyarrow.parquet as pq, pyarrow as pa
from pathlib import Path
from generator import config
from generator.classify.taxonomy import for_settings
s = config.load(sys.argv[1])
codes = set()
for flow in ("imports", "exports"):
    for f in (s.warehouse_dir / flow).glob("*.parquet"):
        codes |= set(pq.read_table(f, columns=["hs10"]).column(0).to_pylist())
frame = for_settings(s).classify_frame(codes)[["hs10", "tier", "category"]]
frame.to_parquet(sys.argv[2], index=False)
"""

# The state after a refresh that brought MONTH: the cache as the run before left it,
# minus what a new month invalidates: MONTH's sums and unit-value links
# (generator/analysis/sumcache.py, linkcache.py) and the classification (a new month
# brings new codes to the commodity table), which the run must compute.
NEW_MONTH = r"""
import sys
import duckdb, pandas as pd
from generator import config
from generator.analysis import classcache, linkcache, monthcache, sumcache
from generator.classify.exemptions import load_lists
from generator.data import queries
from generator.data.warehouse import Warehouse
s, month = config.load(sys.argv[1]), sys.argv[2]
wh = Warehouse(s.warehouse_dir)
files = monthcache.month_digests(wh.manifest(), [m for m in wh.common_months() if m <= month])
tax = classcache.taxonomy_digest(s)
lists = sumcache.lists_digest(load_lists(s.path(s.taxonomy.exemptions)))
keys = [(linkcache.FOLDER, linkcache.entry_key(month, files, tax))] + [
    (sumcache.FOLDER, sumcache.entry_key(flow, month, files, tax, lists))
    for flow in ("imports", "exports")
]
for folder, key in keys:
    monthcache.path_of(s.cache_dir / folder, key).unlink()  # the run before wrote it
# The classification is kept a taxonomy (classcache): what the new month brings is its
# codes that no month before it has; those come out of the stored answers.
def codes(months):
    paths = [str(p) for f in ("imports", "exports") for p in queries.month_files(wh, f, months)]
    return set(duckdb.sql(f"SELECT DISTINCT hs10 FROM read_parquet({paths})").df()["hs10"])
earlier = [m for m in wh.common_months() if m < month]
new = codes([month]) - codes(earlier)
path = classcache.path_of(s.cache_dir / classcache.FOLDER, tax)
stored = pd.read_parquet(path)
stored[~stored["hs10"].isin(new)].to_parquet(path, index=False)
"""
METRICS_COLD = "metrics, cold (no cache)"
METRICS_NEW = "metrics, one new month"
# Not a target: what `aibrief metrics` pays before it does anything (floor_metrics.py).
FLOOR = "floor: metrics imports, no work"


@dataclass(frozen=True)
class Run:
    """One fresh process: wall seconds, CPU seconds, peak memory in MB (and what it
    printed, when asked for)."""

    wall: float
    cpu: float
    peak_mb: float
    out: str = ""


@dataclass
class Row:
    """A stage or yardstick and its runs; medians are what is compared."""

    name: str
    runs: list[Run]
    note: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(r.peak_mb for r in self.runs)


@dataclass(frozen=True)
class Target:
    """A target from the issues: `value` must be ≤ `limit` (ratios are stated so)."""

    name: str
    value: float
    limit: float
    unit: str = ""

    def line(self) -> str:
        verdict = "PASS" if self.value <= self.limit else "FAIL"
        value = f"{self.value:.0f}" if self.unit == "" else f"{self.value:.2f}"
        limit = f"{self.limit:g}{self.unit}"
        return f"{verdict}  {self.name}: {value}{self.unit} (target ≤ {limit})"


def measure(cmd: Sequence[str], env: dict[str, str] | None = None, keep: bool = False) -> Run:
    """Run `cmd` to its end; its own rusage (with the children it waited for) via wait4.
    `keep`: keep what it prints (stdout; a few lines at most, read after it ends)."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE if keep else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    err = proc.stderr.read() if proc.stderr else b""
    out = proc.stdout.read().decode() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err.decode(errors='replace')}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out)


def aibrief(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "generator", "--config", str(config), *args]


def write_config(path: Path, out: Path, scale: float | None = None) -> Path:
    """A config building under `out`, with the repository's taxonomy and templates."""
    sample = f"data:\n  sample:\n    scale: {scale}\n" if scale else ""
    path.write_text(
        f"output:\n  dir: {out}\n{sample}"
        f"taxonomy:\n  rules: {ROOT}/taxonomy/ai_products.yaml\n"
        f"  exemptions: {ROOT}/taxonomy/exemptions\n"
        f"templates:\n  dir: {ROOT}/templates\n",
        encoding="utf-8",
    )
    return path


def bench_metrics(config: Path, tmp: Path, repeat: int) -> list[Row]:
    """`aibrief metrics` cold and with one new month, and both yardsticks, alternating,
    `repeat` times each; each metrics run starts from the cache state it is named for
    (set up before it, untimed), and both write the same metrics.json."""
    warehouse = tmp / "big" / "warehouse"
    cache = tmp / "big" / "cache"
    cls = tmp / "classification.parquet"
    subprocess.run([sys.executable, "-c", CLASSIFY, str(config), str(cls)], cwd=ROOT, check=True)
    args = [str(warehouse), str(cls)]
    month = "2025-12"
    out = {METRICS_COLD: tmp / "cold.json", METRICS_NEW: tmp / "new.json"}
    cmds = {
        name: aibrief(config, "metrics", "--month", month, "--out", str(path))
        for name, path in out.items()
    }
    cmds["yardstick duckdb"] = [sys.executable, str(HERE / "yardstick_duckdb.py"), *args]
    cmds["yardstick pandas"] = [sys.executable, str(HERE / "yardstick_pandas.py"), *args]
    cmds[FLOOR] = [sys.executable, str(HERE / "floor_metrics.py"), str(config)]
    units = "unit-value queries"
    cmds[units] = [sys.executable, str(HERE / "unit_values.py"), str(config)]
    prepare = {
        METRICS_COLD: lambda: shutil.rmtree(cache, ignore_errors=True),
        METRICS_NEW: lambda: subprocess.run(
            [sys.executable, "-c", NEW_MONTH, str(config), month], cwd=ROOT, check=True
        ),
    }
    rows = {name: Row(name, []) for name in cmds}
    for _ in range(repeat):
        for name, cmd in cmds.items():
            prepare.get(name, lambda: None)()
            rows[name].runs.append(measure(cmd, keep=name == units))
    rows[units].note = query_seconds(rows[units].runs)
    if out[METRICS_COLD].read_bytes() != out[METRICS_NEW].read_bytes():
        sys.exit("metrics.json differs between a cold and a warm cache")
    rows[METRICS_NEW].note = "same metrics.json as cold"
    duck = rows["yardstick duckdb"].wall
    rows[FLOOR].note = f"{rows[FLOOR].wall / duck:.2f} × the DuckDB pass, before any work"
    return list(rows.values())


def query_seconds(runs: list[Run]) -> str:
    """The median seconds of each query unit_values.py timed (`name seconds rows`)."""
    times: dict[str, list[float]] = {}
    for run in runs:
        for line in run.out.splitlines():
            name, seconds, _ = line.split()
            times.setdefault(name, []).append(float(seconds))
    return ", ".join(f"{k} {statistics.median(v):.2f}s" for k, v in times.items())


def bench_startup(config: Path, repeat: int) -> Row:
    """`aibrief --help`, the cost of starting the CLI."""
    runs = [measure(aibrief(config, "--help")) for _ in range(max(3, repeat))]
    return Row("startup (aibrief --help)", runs)


def bench_render(config: Path, repeat: int) -> Row:
    """One edition, charts + HTML + PDF, from an existing warehouse."""
    runs = [measure(aibrief(config, "render", "--month", "2025-12")) for _ in range(repeat)]
    return Row("render (one edition)", runs)


def _mtimes(root: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def bench_backfill(config: Path, out: Path, span: tuple[str, str]) -> tuple[Row, Row, int]:
    """The span built from nothing, then again with nothing changed; files rewritten."""
    cmd = aibrief(config, "backfill", "--from", span[0], "--to", span[1], "--no-deploy")
    first = measure(cmd)
    before = _mtimes(out)
    second = measure(cmd)
    after = _mtimes(out)
    rewritten = sum(1 for k, v in after.items() if before.get(k) != v)
    editions = len(list((out / "editions").glob("20??-??")))
    each = f"{first.cpu / editions:.2f} CPU s an edition (target ≤ 0.9)" if editions else ""
    per = Row(f"backfill ({editions} editions)", [first], note=each)
    again = Row("backfill again, nothing changed", [second], note=f"{rewritten} rewritten")
    return per, again, editions


def targets(rows: dict[str, Row], editions: int, rewritten: int) -> list[Target]:
    """The issues' targets that the measured rows allow checking."""
    out = []
    for name, case in ((METRICS_NEW, "one new month"), (METRICS_COLD, "cold")):
        if name not in rows:
            continue
        m, duck, naive = rows[name], rows["yardstick duckdb"], rows["yardstick pandas"]
        out += [
            Target(f"metrics wall ÷ plain DuckDB pass ({case})", m.wall / duck.wall, 1.2, "×"),
            Target(f"metrics wall ÷ naive pandas way ({case})", m.wall / naive.wall, 0.2, "×"),
            Target(f"metrics peak memory ({case})", m.peak_mb, 400, " MB"),
        ]
    if "startup" in rows:
        out.append(Target("aibrief --help wall", rows["startup"].wall, 0.3, " s"))
    if "render" in rows:
        out.append(Target("render one edition wall", rows["render"].wall, 3.0, " s"))
    if "backfill" in rows and editions:
        out += [
            Target("backfill CPU per edition", rows["backfill"].cpu / editions, 0.9, " s"),
            Target("backfill again wall", rows["backfill again"].wall, 5.0, " s"),
            Target("backfill again files rewritten", rewritten, 0),
        ]
    return out


def subsetter() -> str:
    """Which font subsetter WeasyPrint used: without HarfBuzz's, each PDF costs about
    0.4 CPU s more (benchmarks/README.md), so the render and backfill rows need it said."""
    from generator import syscheck

    if syscheck.subsetter_missing():
        return "PDF fonts subset by fontTools (no libharfbuzz-subset0: the PDF is slower)"
    return "PDF fonts subset by HarfBuzz"


def print_report(rows: list[Row], checks: list[Target]) -> None:
    print(f"{'stage / yardstick':<36} {'runs':>4} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}")
    for r in rows:
        print(
            f"{r.name:<36} {len(r.runs):>4} {r.wall:>8.2f} {r.cpu:>8.2f} {r.peak_mb:>8.0f}"
            + (f"  {r.note}" if r.note else "")
        )
    print()
    for t in checks:
        print(t.line())


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--scale", type=float, default=16.0, help="data.sample.scale of metrics")
    ap.add_argument("--repeat", type=int, default=5, help="alternating runs (median kept)")
    ap.add_argument("--stages", default=",".join(STAGES), help=f"of {', '.join(STAGES)}")
    ap.add_argument("--quick", action="store_true", help="scale 1, one run, two editions")
    args = ap.parse_args(argv)
    args.stages = [x.strip() for x in args.stages.split(",") if x.strip()]
    unknown = set(args.stages) - set(STAGES)
    if unknown:
        ap.error(f"unknown stage {sorted(unknown)[0]!r}")
    if args.quick:
        args.scale, args.repeat = 1.0, 1
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse(argv)
    t0 = time.perf_counter()
    # The package's bytecode, as an installed copy has it (pip compiles at install): an
    # editable install under PYTHONDONTWRITEBYTECODE, as on these machines, would compile
    # every module from source in every run (≈ 0.08 s of `aibrief metrics`), while the
    # yardsticks import only compiled site-packages.
    compileall.compile_dir(ROOT / "generator", quiet=1)
    rows: dict[str, Row] = {}
    editions = rewritten = 0
    with tempfile.TemporaryDirectory(prefix="aibrief-bench-") as name:
        tmp = Path(name)
        big = write_config(tmp / "big.yaml", tmp / "big", args.scale)
        small = write_config(tmp / "small.yaml", tmp / "small")
        if {"refresh", "metrics"} & set(args.stages):
            rows["refresh"] = Row(
                f"refresh (scale {args.scale:g})", [measure(aibrief(big, "refresh"))]
            )
        if "metrics" in args.stages:
            for row in bench_metrics(big, tmp, args.repeat):
                rows[row.name] = row
        if "startup" in args.stages:
            rows["startup"] = bench_startup(small, args.repeat)
        if {"render", "backfill"} & set(args.stages):
            measure(aibrief(small, "refresh"))
        if "render" in args.stages:
            rows["render"] = bench_render(small, args.repeat)
        if "backfill" in args.stages:
            site = write_config(tmp / "site.yaml", tmp / "site")
            measure(aibrief(site, "refresh"))
            span = QUICK_SPAN if args.quick else BACKFILL_SPAN
            rows["backfill"], rows["backfill again"], editions = bench_backfill(
                site, tmp / "site", span
            )
            rewritten = int(rows["backfill again"].note.split()[0])
            duck = rows.get("yardstick duckdb")
            if duck is not None and editions and not args.quick:  # comparable across days
                ratio = rows["backfill"].cpu / editions / duck.cpu
                rows["backfill"].note += f"; {ratio:.2f} × the DuckDB yardstick's CPU s"
        print_report(list(rows.values()), targets(rows, editions, rewritten))
    print(f"total {time.perf_counter() - t0:.1f}s on {os.cpu_count()} cores; {subsetter()}")


if __name__ == "__main__":
    main()
