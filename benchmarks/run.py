"""One-command benchmark: `make bench` (or `.venv/bin/python benchmarks/run.py`).

Builds the sample at realistic scale in a temporary folder and times, each in a fresh
process so peak memory is per stage:
  refresh   generate ≈150,000 import rows a month × 36 months and write the warehouse
  metrics   one edition's metrics from that warehouse (target ≤ 3 s, peak ≤ 2 GB)
  render    one edition's charts + HTML + PDF at default scale (target ≤ 3 s)
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
from generator import config, pipeline
s = config.load(sys.argv[1])
stage = sys.argv[2]
t = time.perf_counter()
extra = {}
if stage == "refresh":
    r = pipeline.refresh(s)
    from generator.warehouse import Warehouse
    man = Warehouse(s.warehouse_dir).manifest()
    rows = [e["rows"] for e in man["flows"]["imports"].values()]
    extra = {"months": len(rows), "import_rows_per_month": sum(rows) // len(rows),
             "import_rows": sum(rows)}
elif stage == "metrics":
    m = pipeline.compute_metrics(s, "2025-12")
    extra = {"ai_share_2025": m.doc["imports"]["ai_share"]["annual"]["2025"]}
elif stage == "render":
    from generator import edition
    pipeline.refresh(s)
    metrics = pipeline.compute_metrics(s, "2025-12")
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=16.0, help="data.sample.scale for the big run")
    ap.add_argument("--repeat", type=int, default=3, help="metrics runs (best is reported)")
    args = ap.parse_args()
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
        results = [run_stage(big, "refresh")]
        metrics_runs = [run_stage(big, "metrics") for _ in range(args.repeat)]
        results.append(min(metrics_runs, key=lambda r: r["seconds"]))
        render_runs = [run_stage(small, "render") for _ in range(args.repeat)]
        results.append(min(render_runs, key=lambda r: r["seconds"]))
        for r in results:
            print(json.dumps(r))
        print(f"total {time.perf_counter() - t0:.1f}s on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
