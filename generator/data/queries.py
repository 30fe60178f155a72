"""Warehouse queries in SQL, run by DuckDB embedded (no server).

The scan of every trade row is the one heavy step of the metrics; an engine made for it
reads only the columns it needs, joins the classification and sums in parallel, in a
fraction of pandas' time and memory. The rest of the metrics work happens on the few
thousand rows these queries return.

Scale-out: the queries use only the SQL that DuckDB and Spark SQL share, and name
tables, never files: `imports` and `exports` (the warehouse's parquet files, see
warehouse.py), `classes` (hs10 → class index, a small table) and `exemption_codes`
(listed code prefix, its number of digits and its list's bit, a small table).
Only `_define` is engine-specific: on Spark,
`spark.read.parquet(*paths).createOrReplaceTempView("imports")` and
`spark.createDataFrame(classes.to_pandas()).createOrReplaceTempView("classes")` replace
it, and the
query strings run unchanged (tests/test_queries.py parses each for both dialects;
benchmarks/README.md says when that is worth it).

Nothing here imports from the stages above: the class index of each code and the
exemption bits come in as small tables (scan_columns; generator.analysis.document
builds them).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import fsutil
from generator.data.scan_columns import (
    class_codes,
    exemption_codes,
    sql_type,
    typed,
    typed_links,
    typed_sums,
)
from generator.data.table import Table
from generator.data.warehouse import Warehouse
from generator.errors import UserError

if TYPE_CHECKING:  # imported inside the functions: `aibrief --help` stays light, and the
    # metrics path reads Tables (data/table.py), never pandas
    import duckdb
    import pandas as pd

# Every distinct code of both flows: the codes the classification must cover.
CODES_SQL = """
SELECT DISTINCT hs10 FROM imports
UNION
SELECT DISTINCT hs10 FROM exports
"""

# Each code's class and exemption mask (bit k: on list k); a code on several prefixes
# of one list counts once, hence SUM over DISTINCT bits (an OR of distinct powers of 2).
# A code is on a listed prefix when its first `digits` digits are the prefix: each code
# is cut at every length the lists use, and the cuts are matched by a hash join (a LIKE
# join tried every code against every prefix, 8,000 × 1,900 comparisons: 0.1 s a run).
# Length 10 is always cut: with no list at all there would be no length to cut at, the
# cross join would be empty and every code would lose its class.
_MASKS = """
prefix_lengths AS (
  SELECT digits FROM exemption_codes
  UNION
  SELECT 10 AS digits
),
masks AS (
  SELECT p.hs10, p.klass, COALESCE(SUM(DISTINCT e.bit), 0) AS mask
  FROM (
    SELECT c.hs10, c.klass, LEFT(c.hs10, n.digits) AS prefix
    FROM classes AS c CROSS JOIN prefix_lengths AS n
  ) AS p
  LEFT JOIN exemption_codes AS e ON p.prefix = e.code
  GROUP BY p.hs10, p.klass
)"""

# Sums as exact decimals (18 places, 20 digits before the point: a line or a month of
# trade in USD stays far below 1e20), cast back to DOUBLE: the same for any order of
# addition, so a month's sums and links are bit for bit the same whether summed alone
# (sumcache, linkcache) or with every other month, and from run to run, whatever the
# threads and row groups (a parallel SUM of doubles is not). TRY_CAST, not CAST, for
# the DuckDB → Spark → DuckDB round trip (see the month number of the links below).
_EXACT = "TRY_CAST(SUM(TRY_CAST({} AS DECIMAL(38, 18))) AS DOUBLE)"

# Class of a code `classes` lacks: the caller classifies every code and runs again.
UNCLASSIFIED = -2

# Imports summed by month × country × class × exemption mask (metrics.model.Aggregate).
IMPORTS_SQL = f"""
WITH {_MASKS.strip()}
SELECT i.period, i.country_code, COALESCE(m.klass, {UNCLASSIFIED}) AS klass,
       COALESCE(m.mask, 0) AS mask,
       {_EXACT.format("i.value_con")} AS value_con,
       {_EXACT.format("i.value_gen")} AS value_gen,
       {_EXACT.format("i.duty")} AS duty
FROM imports AS i
LEFT JOIN masks AS m ON i.hs10 = m.hs10
GROUP BY i.period, i.country_code, COALESCE(m.klass, {UNCLASSIFIED}), COALESCE(m.mask, 0)
ORDER BY 1, 2, 3, 4
"""

EXPORTS_SQL = f"""
SELECT x.period, x.country_code, COALESCE(c.klass, {UNCLASSIFIED}) AS klass,
       {_EXACT.format("x.value")} AS value
FROM exports AS x
LEFT JOIN classes AS c ON x.hs10 = c.hs10
GROUP BY x.period, x.country_code, COALESCE(c.klass, {UNCLASSIFIED})
ORDER BY 1, 2, 3
"""

# Unit values (#14, price and volume): value and quantity by HS10 × month (× country)
# and unit, for every counted code (excluded chapters left out), with its class.
_UNITS = """
SELECT i.period, i.hs10{country}, i.unit1 AS unit, c.klass,
       SUM(i.value_con) AS value, SUM(i.qty1) AS quantity
FROM imports AS i
JOIN classes AS c ON i.hs10 = c.hs10
WHERE c.klass >= 0
GROUP BY i.period, i.hs10{country}, i.unit1, c.klass
ORDER BY i.period, i.hs10{country}, i.unit1
"""
UNITS_SQL = _UNITS.format(country="")
UNITS_BY_COUNTRY_SQL = _UNITS.format(country=", i.country_code")

# Unit-value links (#17, prices and volumes; docs/PRICES.md): each line (flow × HS10 ×
# country × unit, with a positive quantity and value and a unit other than X) against
# the same line twelve months before, found by a RANGE window on a month number, so the
# warehouse is read once and only sums per month × class come back. A line whose unit
# changed has no same-unit partner (never mixed: counted as a unit change); a unit-value
# ratio outside UNIT_VALUE_BOUNDS is an outlier (counted, left out). Per flow, month and
# class: the kept lines' value now and a year before, and the value-weighted sums of the
# log ratio a Törnqvist link is made of (generator.analysis.metrics.prices). The log
# ratio is a difference of logs: no division, whose zero divisor the engines treat apart.
# The month number uses TRY_CAST, not CAST: sqlglot reads a Spark CAST back as TRY_CAST
# (Spark's non-ANSI CAST yields NULL on bad input), so only TRY_CAST survives the
# DuckDB → Spark → DuckDB round trip tests/test_queries.py checks; on the warehouse's
# checked YYYY-MM periods both give the same integers.
UNIT_VALUE_BOUNDS = (0.25, 4.0)
UNIT_LINK_LAG = 12  # months: same month of the previous year
UNIT_LOG_SLACK = 1e-12  # ln ratios are differences of logs: a ratio of exactly 4 stays in
# A line is the sum of its rows (hand-built frames may hold several rows per cell); the
# warehouse holds one row per period × HS10 × country (Warehouse.commit refuses others),
# so over its files a line is its row, and the grouping, a third of the cost, is skipped.
_UNIT_LINES = """
  SELECT '{flow}' AS flow, t.period, t.hs10, t.country_code, t.unit1 AS unit, c.klass,
         SUM(t.{value}) AS value, SUM(t.qty1) AS quantity,
         TRY_CAST(LEFT(t.period, 4) AS INT) * 12 + TRY_CAST(RIGHT(t.period, 2) AS INT) AS mi
  FROM {flow} AS t
  JOIN classes AS c ON t.hs10 = c.hs10
  WHERE c.klass >= 0 AND t.qty1 > 0 AND t.{value} > 0
    AND t.unit1 IS NOT NULL AND t.unit1 <> '' AND t.unit1 <> 'X'{periods}
  GROUP BY t.period, t.hs10, t.country_code, t.unit1, c.klass"""
_UNIT_ROWS = """
  SELECT '{flow}' AS flow, t.period, t.hs10, t.country_code, t.unit1 AS unit, c.klass,
         t.{value} AS value, t.qty1 AS quantity,
         TRY_CAST(LEFT(t.period, 4) AS INT) * 12 + TRY_CAST(RIGHT(t.period, 2) AS INT) AS mi
  FROM {flow} AS t
  JOIN classes AS c ON t.hs10 = c.hs10
  WHERE c.klass >= 0 AND t.qty1 > 0 AND t.{value} > 0
    AND t.unit1 IS NOT NULL AND t.unit1 <> '' AND t.unit1 <> 'X'{periods}"""
_LOW, _HIGH, _EPS = *UNIT_VALUE_BOUNDS, UNIT_LOG_SLACK
# A line's partner is found by a hash join on (flow, HS10, country, unit, month − lag):
# a line is unique on those keys (one row a cell, or grouped by them), so a join yields
# at most one partner; `prior_lines` counts the cell's lines a year before in any unit
# (none: a new line; some, none in this unit: a unit change). Half the cost of the
# same pairing by a RANGE window, which sorts every partition.
_ON = "{0}.flow = l.flow AND {0}.hs10 = l.hs10 AND {0}.country_code = l.country_code"
# Lines (several a cell possible): the partner in the same unit, and apart the count of
# the cell's lines a year before in any unit.
_PAIRS_OF_LINES = f"""
    SELECT l.flow, l.period, l.klass, l.value, p.value AS value_prior, n.prior_lines,
           LN(l.value) - LN(l.quantity) - LN(p.value) + LN(p.quantity) AS log_ratio
    FROM lines AS l
    LEFT JOIN (SELECT * FROM lines{{prior}}) AS p
      ON {_ON.format("p")} AND p.unit = l.unit AND p.mi = l.mi - {UNIT_LINK_LAG}
    LEFT JOIN (
      SELECT flow, hs10, country_code, mi, COUNT(*) AS prior_lines
      FROM lines{{prior}}
      GROUP BY flow, hs10, country_code, mi
    ) AS n ON {_ON.format("n")} AND n.mi = l.mi - {UNIT_LINK_LAG}{{months}}"""
# Rows (one a cell, so at most one line a cell a year before): one join on the cell finds
# the line a year before in whatever unit; it is the partner if its unit is the same, a
# unit change if not. The same columns as _PAIRS_OF_LINES, a quarter less work.
_PAIRS_OF_ROWS = f"""
    SELECT l.flow, l.period, l.klass, l.value,
           CASE WHEN p.unit = l.unit THEN p.value END AS value_prior,
           CASE WHEN p.unit IS NULL THEN 0 ELSE 1 END AS prior_lines,
           CASE WHEN p.unit = l.unit
                THEN LN(l.value) - LN(l.quantity) - LN(p.value) + LN(p.quantity) END
             AS log_ratio
    FROM lines AS l
    LEFT JOIN (SELECT * FROM lines{{prior}}) AS p
      ON {_ON.format("p")} AND p.mi = l.mi - {UNIT_LINK_LAG}{{months}}"""
_UNIT_LINKS = f"""
WITH lines AS ({{imports}}
  UNION ALL{{exports}}
)
SELECT flow, period, klass,
       {_EXACT.format("kept * value")} AS value_now,
       {_EXACT.format("CASE WHEN kept = 1 THEN value_prior ELSE 0 END")} AS value_prior,
       {_EXACT.format("CASE WHEN kept = 1 THEN value * log_ratio ELSE 0 END")} AS log_now,
       {_EXACT.format("CASE WHEN kept = 1 THEN value_prior * log_ratio ELSE 0 END")}
         AS log_prior,
       SUM(kept) AS lines,
       SUM(CASE WHEN log_ratio IS NOT NULL AND kept = 0 THEN 1 ELSE 0 END) AS outliers,
       SUM(CASE WHEN log_ratio IS NULL AND prior_lines > 0 THEN 1 ELSE 0 END) AS unit_changes
FROM (
  SELECT flow, period, klass, value, value_prior, log_ratio, prior_lines,
         CASE WHEN log_ratio >= LN({_LOW}) - {_EPS} AND log_ratio <= LN({_HIGH}) + {_EPS}
              THEN 1 ELSE 0 END AS kept
  FROM ({{pairs}}
  ) AS r
) AS k
GROUP BY flow, period, klass
ORDER BY flow, period, klass
"""


def unit_links_sql(months: list[str] | None = None, rows: bool = False) -> str:
    """UNIT_LINKS_SQL, or (`months`) its rows for those months only, reading just them and
    their partners a year before: the same rows as the full query's for those months,
    since a month's links depend on nothing else. `rows`: one row per cell (warehouse)."""
    lines, pairs = (_UNIT_ROWS, _PAIRS_OF_ROWS) if rows else (_UNIT_LINES, _PAIRS_OF_LINES)
    periods = outer = prior = ""
    if months is not None:
        before = sorted({lag_month(m, UNIT_LINK_LAG) for m in months})
        periods = f"\n    AND t.period IN ({_listed(link_months(months))})"
        outer = f"\n    WHERE l.period IN ({_listed(sorted(set(months)))})"
        prior = f" WHERE period IN ({_listed(before)})"  # the join's build side: partners
    return _UNIT_LINKS.format(
        imports=lines.format(flow="imports", value="value_con", periods=periods),
        exports=lines.format(flow="exports", value="value", periods=periods),
        pairs=pairs.format(months=outer, prior=prior),
    )


def link_months(months: list[str]) -> list[str]:
    """The months the links of `months` read: them and the months a year before."""
    return sorted(set(months) | {lag_month(m, UNIT_LINK_LAG) for m in months})


def lag_month(month: str, lag: int) -> str:
    """The month `lag` months before `month` (YYYY-MM)."""
    i = int(month[:4]) * 12 + int(month[5:7]) - 1 - lag
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


def _listed(months: list[str]) -> str:
    """Months as an SQL list of string literals (checked YYYY-MM, nothing to escape)."""
    for m in months:
        if len(m) != 7 or not (m[:4].isdigit() and m[4] == "-" and m[5:].isdigit()):
            raise ValueError(f"not a month: {m!r}")
    return ", ".join(f"'{m}'" for m in months)


UNIT_LINKS_SQL = unit_links_sql()
UNIT_LINKS_ROWS_SQL = unit_links_sql(rows=True)

QUERIES = {
    "codes": CODES_SQL,
    "imports": IMPORTS_SQL,
    "exports": EXPORTS_SQL,
    "units": UNITS_SQL,
    "units_by_country": UNITS_BY_COUNTRY_SQL,
    "unit_links": UNIT_LINKS_SQL,
    "unit_links_rows": UNIT_LINKS_ROWS_SQL,
}


@dataclass(frozen=True)
class Engine:
    """How much of the machine one scan may use: memory shared by `workers` processes
    (a backfill's), and cores ÷ workers threads each."""

    memory_limit_mb: int = 1024
    workers: int = 1
    spill_dir: Path | None = None  # where a scan past the memory limit spills

    @property
    def threads(self) -> int:
        return max(1, (os.cpu_count() or 1) // max(1, self.workers))

    @property
    def memory(self) -> str:
        return f"{max(64, self.memory_limit_mb // max(1, self.workers))}MB"


class Scan:
    """One DuckDB connection over the warehouse files of the given months."""

    def __init__(self, engine: Engine = Engine()) -> None:
        import duckdb

        self._error = duckdb.Error
        # One row per period × HS10 × country and flow (the warehouse's promise, checked at
        # commit): the unit-value links may take a row as a line (UNIT_LINKS_ROWS_SQL).
        self.one_row_per_cell = False
        self._classes_of: Any = None  # what `classes` holds (use_classes)
        self.con: duckdb.DuckDBPyConnection = duckdb.connect(":memory:")
        self.con.execute(f"SET memory_limit = '{engine.memory}'")
        self.con.execute(f"SET threads = {engine.threads}")
        self.con.execute("SET preserve_insertion_order = false")
        if engine.spill_dir is not None:  # not DuckDB's default, .tmp in the working folder
            with contextlib.suppress(OSError):  # DuckDB makes the last folder, not its parents
                engine.spill_dir.parent.mkdir(parents=True, exist_ok=True)
            path = str(engine.spill_dir).replace("'", "''")
            self.con.execute(f"SET temp_directory = '{path}'")

    @classmethod
    def of_warehouse(cls, wh: Warehouse, months: list[str], engine: Engine = Engine()) -> Scan:
        """The month files of both flows, as the tables `imports` and `exports`."""
        scan = cls(engine)
        try:
            scan.define_months(wh, months)
        except BaseException:
            scan.close()
            raise
        return scan

    def define_months(self, wh: Warehouse, months: list[str]) -> None:
        """The month files of both flows as the tables `imports` and `exports`."""
        for flow in ("imports", "exports"):
            self._define(flow, month_files(wh, flow, months))
        self.one_row_per_cell = True

    @classmethod
    def of_frames(cls, imports: pd.DataFrame, exports: pd.DataFrame) -> Scan:
        """Row-level frames as the two tables (hand-built data, tests)."""
        scan = cls()
        scan.register("imports", imports)
        scan.register("exports", exports)
        return scan

    def _define(self, flow: str, files: list[Path]) -> None:
        """The engine-specific part: a view named after the flow over its parquet files."""
        listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        self.con.execute(f"CREATE VIEW {flow} AS SELECT * FROM read_parquet([{listed}])")

    def use_classes(self, class_of: pd.Series | Table) -> None:
        """Each code's class as the table `classes`, registered once while the same
        `class_of` is asked for: a cold run's links are one query a month (linkcache),
        and registering 150,000 codes again costs about 0.1 s each time."""
        if class_of is not self._classes_of:
            self.register("classes", class_codes(class_of))
            self._classes_of = class_of

    def register(self, name: str, frame: pd.DataFrame | Table) -> None:
        """A small table (classification, exemption codes) from a Table or a pandas frame."""
        if name == "classes":
            self._classes_of = None  # registered by hand: use_classes registers anew
        if not isinstance(frame, Table):
            self.con.execute(f"DROP TABLE IF EXISTS {name}")  # a Table's, registered before
            self.con.register(name, frame)
            return
        cols = ", ".join(f"UNNEST(?::{sql_type(frame[c])}[]) AS {c}" for c in frame.columns)
        with contextlib.suppress(self._error):  # a frame registered under that name before
            self.con.unregister(name)
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {cols}",
            [frame[c].tolist() for c in frame.columns],
        )

    def write_parquet(self, table: Table, path: Path) -> None:
        """A small Table as a parquet file, written atomically (fsutil.atomic_target: a
        reader never sees half a file); OSError when it cannot be written."""
        try:
            with fsutil.atomic_target(path) as temp:
                self.register("_written", table)
                target = str(temp).replace("'", "''")
                self.con.execute(f"COPY _written TO '{target}' (FORMAT PARQUET)")
        except self._error as exc:
            raise OSError(f"cannot write {path}: {exc}") from None
        finally:
            with contextlib.suppress(self._error):
                self.con.execute("DROP TABLE IF EXISTS _written")

    def _fetch(self, sql: str, fetch: Callable[[Any], Any]) -> Any:
        """A query over the warehouse, its result fetched: an engine error on the way is
        a warehouse to refresh."""
        try:
            return fetch(self.con.execute(sql))
        except self._error as exc:
            raise UserError(f"warehouse unreadable ({exc}); run `aibrief refresh`") from None

    def frame(self, sql: str) -> pd.DataFrame:
        """A query's result as a pandas frame (tests, `unit_values`)."""
        return self._fetch(sql, lambda result: result.df())

    def parquet(self, path: Path) -> Table:
        """A small parquet file (a reference table, the stored classification) read in this
        session: one DuckDB connection a run, not one a file."""
        return Table(self.con.execute("SELECT * FROM read_parquet(?)", [str(path)]).fetchnumpy())

    def table(self, sql: str) -> Table:
        """A query's result as a Table: the metrics path, without pandas."""
        return Table(self._fetch(sql, lambda result: result.fetchnumpy()))

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Scan:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def month_files(wh: Warehouse, flow: str, months: list[str]) -> list[Path]:
    """The month files of a flow, each checked to be there (as Warehouse.read does)."""
    entries = wh.manifest().get("flows", {}).get(flow, {})
    files = []
    for m in sorted(set(months) & set(entries)):
        path = wh.root / entries[m]["file"]
        if not path.is_file():
            raise UserError(
                f"{flow} {m}: file missing; run `aibrief refresh` to restore it", where=str(path)
            )
        files.append(path)
    if not files:
        raise UserError(f"no {flow} in the warehouse for {months[0]} … {months[-1]}")
    return files


def codes(scan: Scan) -> list[str]:
    """Every distinct HS10 code of both flows."""
    return sorted(map(str, scan.table(CODES_SQL)["hs10"].tolist()))


@dataclass(frozen=True)
class Sums:
    """The scan's result: the two aggregate tables (metrics.model.Aggregate's columns)."""

    imports: Table
    exports: Table

    @property
    def unclassified(self) -> bool:
        """Rows whose code the classification did not cover (summed as UNCLASSIFIED)."""
        return bool(
            (self.imports["klass"] == UNCLASSIFIED).any()
            or (self.exports["klass"] == UNCLASSIFIED).any()
        )


def aggregate(
    scan: Scan, class_of: pd.Series | Table, lists: list[Any], months: list[str] | None = None
) -> Sums:
    """Imports and exports summed by month × country × class (× exemption mask);
    `months`: those months only (sumcache computes the ones it lacks)."""
    scan.use_classes(class_of)
    scan.register("exemption_codes", exemption_codes(lists))
    imports = scan.table(only_months(IMPORTS_SQL, months, 4))
    exports = scan.table(only_months(EXPORTS_SQL, months, 3))
    return Sums(typed_sums(imports, "imports"), typed_sums(exports, "exports"))


def only_months(sql: str, months: list[str] | None, keys: int) -> str:
    """The rows of `sql` (grouped by period first, then `keys` − 1 more keys) for
    `months` only: the engine pushes the filter down to the scan."""
    if months is None:
        return sql
    order = ", ".join(str(k) for k in range(1, keys + 1))
    return f"SELECT * FROM ({sql}) AS s\nWHERE period IN ({_listed(months)})\nORDER BY {order}"


def unit_values(scan: Scan, class_of: pd.Series | Table, by_country: bool = False) -> pd.DataFrame:
    """Value and quantity by HS10 × month (× country) and unit, with each code's class."""
    scan.use_classes(class_of)
    out = scan.frame(UNITS_BY_COUNTRY_SQL if by_country else UNITS_SQL)
    return typed(out, ["klass"])


def unit_links(scan: Scan, class_of: pd.Series | Table, months: list[str] | None = None) -> Table:
    """Unit-value links of both flows summed by flow × month × class (UNIT_LINKS_SQL): one
    more query in the scan session of `aggregate`, a few rows per month back; `months`:
    those months only (generator.analysis.linkcache computes the ones it lacks)."""
    scan.use_classes(class_of)
    return typed_links(scan.table(unit_links_sql(months, rows=scan.one_row_per_cell)))
