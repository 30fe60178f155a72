"""Where a backfill's time goes: the editions built one after another in this process,
each stage's seconds summed (the one shared warehouse scan, then metrics, narrative,
charts, html, pdf of each edition), plus the CPU seconds of the whole. One process and
no pool, so wall ≈ CPU per stage; the real backfill (two workers) does the same work
per edition.

    python benchmarks/profile_backfill.py CONFIG [--from 2024-01] [--to 2025-12]
    python benchmarks/profile_backfill.py CONFIG --cprofile out.prof   # for pstats

The config's warehouse must be there (`aibrief refresh`); its editions are rebuilt.
"""

from __future__ import annotations

import argparse
import cProfile
import time
from collections import defaultdict

from generator import config
from generator.brief import backfill

STAGES = ("scan", "metrics", "narrative", "charts", "html", "pdf")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("config")
    ap.add_argument("--from", dest="first", default="2024-01")
    ap.add_argument("--to", dest="last", default="2025-12")
    ap.add_argument("--cprofile", help="also write a cProfile file here")
    args = ap.parse_args()
    settings = config.load(args.config)
    months = backfill.default_months(settings, args.first, args.last)
    fp = backfill.fingerprints(settings)
    prof = cProfile.Profile() if args.cprofile else None
    totals: dict[str, float] = defaultdict(float)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if prof:
        prof.enable()
    t = time.perf_counter()
    sums = backfill.shared_sums(settings, months)  # one scan for all, as `backfill.run`
    totals["scan"] = time.perf_counter() - t
    for month in months:
        outcome = backfill.build_one(settings, month, fp, sums)
        for stage, seconds in outcome.timings.items():
            totals[stage] += seconds
    if prof:
        prof.disable()
        prof.dump_stats(args.cprofile)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    n = len(months)
    print(f"{n} editions: {cpu:.1f} CPU s ({cpu / n:.2f} an edition), {wall:.1f} s wall")
    for stage in [*STAGES, *sorted(set(totals) - set(STAGES))]:
        share = totals[stage] / wall if wall else 0.0
        print(f"  {stage:<10} {totals[stage] / n:6.3f} s an edition  {share:5.0%}")


if __name__ == "__main__":
    main()
