"""Yardstick for `aibrief metrics`: one plain DuckDB pass over the warehouse parquet.

Reads every import and export month file, joins the classification (a small parquet
table of hs10 → tier, category, written by benchmarks/run.py), and sums to month × tier
× category × country: the scan the metrics stage cannot avoid, done by an engine made for
it. Run as a whole fresh process, so interpreter start and imports count, as they do for
`aibrief metrics`.

    python benchmarks/yardstick_duckdb.py WAREHOUSE_DIR CLASSIFICATION.parquet
"""

from __future__ import annotations

import sys

import duckdb

QUERY = """
WITH c AS (SELECT * FROM read_parquet('{cls}'))
SELECT 'imports' AS flow, i.period, c.tier, c.category, i.country_code,
       sum(i.value_con) AS value, sum(i.value_gen) AS value_gen, sum(i.duty) AS duty
FROM read_parquet('{wh}/imports/*.parquet') AS i JOIN c USING (hs10)
GROUP BY ALL
UNION ALL
SELECT 'exports', e.period, c.tier, c.category, e.country_code,
       sum(e.value), NULL, NULL
FROM read_parquet('{wh}/exports/*.parquet') AS e JOIN c USING (hs10)
GROUP BY ALL
"""


def main(warehouse: str, classification: str) -> int:
    """Run the pass; print the number of groups (so the work cannot be skipped)."""
    rows = duckdb.sql(QUERY.format(wh=warehouse, cls=classification)).fetchall()
    print(f"duckdb: {len(rows)} groups")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
