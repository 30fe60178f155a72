"""Cost of the unit-value aggregates (#14's prices and volumes ride on them) on a
warehouse: `generator.data.queries.unit_values` (HS10 × month × unit, then × country too)
and, where the code has it, `unit_links` (the links a price index is made of), each in
its own DuckDB session over the same files, as `aibrief metrics` would run it. Prints
one `name seconds rows` line per query (wall seconds of the query alone, classification
and imports excluded); benchmarks/run.py runs it as a fresh process beside `metrics`.

    python benchmarks/unit_values.py CONFIG
"""

from __future__ import annotations

import sys
import time

from generator import config
from generator.analysis import linkcache
from generator.analysis.metrics.cube import class_table
from generator.classify.taxonomy import for_settings
from generator.data import queries
from generator.data.table import Table
from generator.data.warehouse import Warehouse


def main(path: str) -> int:
    settings = config.load(path)
    wh = Warehouse(settings.warehouse_dir)
    months = wh.common_months()
    tax = for_settings(settings)
    codes = list(wh.reference("commodities")["hs10"].astype(str))
    class_of = class_table(tax.classify_frame(codes), list(tax.categories))
    runs = {
        "unit_values": lambda scan: queries.unit_values(scan, class_of),
        "unit_values_by_country": lambda scan: queries.unit_values(scan, class_of, True),
    }
    if hasattr(queries, "unit_links"):
        # Every month in one query, and one query a month (what a cold `aibrief metrics`
        # runs, generator/analysis/linkcache.py): the same rows.
        runs["unit_links_one_query"] = lambda scan: queries.unit_links(scan, class_of)
        runs["unit_links_month_by_month"] = lambda scan: Table.concat(
            [queries.unit_links(scan, class_of, [m]) for m in months],
            linkcache.SHAPE,
        )
        # One new month: what `aibrief metrics` computes with the link cache filled.
        runs["unit_links_one_month"] = lambda scan: queries.unit_links(scan, class_of, months[-1:])
    for name, run in runs.items():
        with queries.Scan.of_warehouse(wh, months) as scan:
            t = time.perf_counter()
            rows = len(run(scan))
            print(f"{name} {time.perf_counter() - t:.3f} {rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
