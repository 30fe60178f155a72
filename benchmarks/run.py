"""One-command benchmark: `make bench` (or `.venv/bin/python benchmarks/run.py`).

Builds the sample at realistic scale in a temporary folder and times, each in a fresh
process so peak memory is per stage:
  refresh   generate ≈150,000 import rows a month × 36 months and write the warehouse
  metrics   one edition's metrics from that warehouse (target ≤ 3 s, peak ≤ 2 GB)
  render    one edition's charts + HTML + PDF at default scale (target ≤ 3 s)
  backfill  `aibrief publish --all`: 24 editions (2024-01 … 2025-12) and the site, at
            default scale, in 2 processes (target ≤ 60 s); then the same command again
            with nothing changed (target ≤ 5 s, no file rewritten)
Targets come from the issues; measured figures are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

STAGE = r"""
import json, resource, sys, time
from generator import config
from generator.analysis.document import compute_metrics
from generator.data.refresh import refresh
s = config.load(sys.argv[1])
stage = sys.argv[2]
t = time.perf_counter()
extra = {}
if stage == "refresh":
    r = refresh(s)
    from generator.data.warehouse import Warehouse
    man = Warehouse(s.warehouse_dir).manifest()
    rows = [e["rows"] for e in man["flows"]["imports"].values()]
    extra = {"months": len(rows), "import_rows_per_month": sum(rows) // len(rows),
             "import_rows": sum(rows)}
elif stage == "metrics":
    m = compute_metrics(s, "2025-12")
    extra = {"ai_share_2025": m.doc["imports"]["ai_share"]["annual"]["2025"]}
elif stage == "render":
    from generator.brief import edition
    refresh(s)
    metrics = compute_metrics(s, "2025-12")
    t = time.perf_counter()
    r = edition.render_edition(s, metrics)
    extra = {k: round(v, 3) for k, v in r.timings.items()}
elapsed = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"stage": stage, "seconds": round(elapsed, 3), "peak_mb": round(peak), **extra}))
"""


def run_stage(config_path: Path, stage: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", STAGE, str(config_path), stage],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        sys.exit(f"{stage} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _mtimes(root: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def run_backfill(config_path: Path, output: Path) -> dict:
    """Two `aibrief publish --all` in a row, each a fresh process (wall time)."""
    aibrief = [sys.executable, "-m", "generator", "--config", str(config_path)]
    subprocess.run([*aibrief, "refresh"], cwd=ROOT, check=True, capture_output=True)
    seconds = []
    before: dict[str, int] = {}
    for i in range(2):
        t = time.perf_counter()
        out = subprocess.run(
            [*aibrief, "publish", "--all", "--no-deploy"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds.append(round(time.perf_counter() - t, 2))
        if out.returncode != 0:
            sys.exit(f"backfill failed:\n{out.stderr}")
        if i == 0:
            before = _mtimes(output)
    after = _mtimes(output)
    rewritten = sum(1 for k, v in after.items() if before.get(k) != v)
    editions = len([p for p in (output / "site").iterdir() if p.is_dir()])
    return {
        "stage": "backfill",
        "editions": editions,
        "first_run_s": seconds[0],
        "second_run_s": seconds[1],
        "files": len(after),
        "rewritten_on_second_run": rewritten,
        "workers": 2,
    }


STAGES = ("refresh", "metrics", "render", "backfill")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=16.0, help="data.sample.scale for the big run")
    ap.add_argument("--repeat", type=int, default=3, help="metrics runs (best is reported)")
    ap.add_argument(
        "--stages", default=",".join(STAGES), help=f"comma-separated, of {', '.join(STAGES)}"
    )
    args = ap.parse_args()
    stages = [x.strip() for x in args.stages.split(",") if x.strip()]
    unknown = set(stages) - set(STAGES)
    if unknown:
        ap.error(f"unknown stage {sorted(unknown)[0]!r}")
    with tempfile.TemporaryDirectory(prefix="aibrief-bench-") as tmp:
        big = Path(tmp) / "big.yaml"
        big.write_text(
            f"output:\n  dir: {tmp}/big\ndata:\n  sample:\n    scale: {args.scale}\n"
            f"taxonomy:\n  rules: {ROOT}/taxonomy/ai_products.yaml\n"
        )
        small = Path(tmp) / "small.yaml"
        small.write_text(
            f"output:\n  dir: {tmp}/small\ntaxonomy:\n  rules: {ROOT}/taxonomy/ai_products.yaml\n"
            f"templates:\n  dir: {ROOT}/templates\n"
        )
        t0 = time.perf_counter()
        results = []
        if "refresh" in stages or "metrics" in stages:
            results.append(run_stage(big, "refresh"))
        if "metrics" in stages:
            metrics_runs = [run_stage(big, "metrics") for _ in range(args.repeat)]
            results.append(min(metrics_runs, key=lambda r: r["seconds"]))
        if "render" in stages:
            render_runs = [run_stage(small, "render") for _ in range(args.repeat)]
            results.append(min(render_runs, key=lambda r: r["seconds"]))
        if "backfill" in stages:
            site = Path(tmp) / "site.yaml"
            site.write_text(
                f"output:\n  dir: {tmp}/site\n"
                f"taxonomy:\n  rules: {ROOT}/taxonomy/ai_products.yaml\n"
                f"  exemptions: {ROOT}/taxonomy/exemptions\n"
                f"templates:\n  dir: {ROOT}/templates\n"
            )
            results.append(run_backfill(site, Path(tmp) / "site"))
        for r in results:
            print(json.dumps(r))
        print(f"total {time.perf_counter() - t0:.1f}s on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
