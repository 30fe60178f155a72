"""The unit-value links in SQL (queries.UNIT_LINKS_SQL) against the pandas reference path
(prices.links_of_rows), the metrics from either, the query's Spark form, and the one
extra query the warehouse scan makes for them."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest
import sqlglot

from generator.analysis import document, metrics
from generator.analysis.metrics import prices
from generator.analysis.metrics.cube import class_table
from generator.data import queries, scan_columns
from generator.data.table import Table
from generator.data.warehouse import Warehouse
from tests.conftest import refreshed_sample
from tests.test_metrics import CATEGORIES, CLASSIFICATION, EXPORT_COLUMNS, IMPORT_COLUMNS
from tests.test_metrics import months as span
from tests.test_prices import messy_rows


def frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    imports, exports = messy_rows()
    class_of = class_table(CLASSIFICATION, list(CATEGORIES))
    return (
        pd.DataFrame(imports, columns=IMPORT_COLUMNS),
        pd.DataFrame(exports, columns=EXPORT_COLUMNS),
        class_of,
    )


def _sorted(frame: pd.DataFrame | Table) -> pd.DataFrame:
    frame = frame.to_pandas() if isinstance(frame, Table) else frame
    return frame.sort_values(["flow", "period", "klass"]).reset_index(drop=True)


def test_sql_and_pandas_links_agree():
    imports, exports, class_of = frames()
    with queries.Scan.of_frames(imports, exports) as scan:
        sql = queries.unit_links(scan, class_of)
    ref = prices.links_of_rows(imports, exports, class_of)
    assert list(sql.columns) == prices.LINK_COLUMNS
    pd.testing.assert_frame_equal(_sorted(sql), _sorted(ref), check_dtype=False, rtol=1e-12)
    # The cases are there: both flows, outliers, unit changes, excluded chapters left out.
    assert set(sql["flow"].tolist()) == {"imports", "exports"}
    assert sql["outliers"].sum() > 0 and sql["unit_changes"].sum() > 0
    assert (sql["klass"] >= 0).all()


def test_the_row_form_pairs_a_unit_change_as_the_line_form_does():
    # The warehouse's form (one row a cell) finds the line a year before with one join
    # and tells a unit change by its unit; messy_rows has one row a cell, and AI_EP from
    # China changes unit (NO → KG) in 2024-05, so 2024-05 … 2025-04 count unit changes.
    imports, exports, class_of = frames()
    for flow in (imports, exports):
        assert not flow.duplicated(["period", "hs10", "country_code"]).any()
    with queries.Scan.of_frames(imports, exports) as scan:
        scan.register("classes", scan_columns.class_codes(class_of))
        lines = scan_columns.typed_links(scan.frame(queries.UNIT_LINKS_SQL))
        rows = scan_columns.typed_links(scan.frame(queries.UNIT_LINKS_ROWS_SQL))
    pd.testing.assert_frame_equal(rows, lines, check_exact=True)
    changed = rows.groupby("period")["unit_changes"].sum()
    assert set(changed[changed > 0].index) == set(span("2024-05", "2025-04"))
    # One line (imports and exports each) a month changed unit: neither kept nor outlier.
    assert set(changed[changed > 0]) == {2}
    assert rows["outliers"].sum() > 0


def test_metrics_from_sql_links_equal_the_row_path():
    imports, exports, class_of = frames()
    rows = metrics.MetricsInput(imports, exports, CLASSIFICATION, dict(CATEGORIES))
    with queries.Scan.of_frames(imports, exports) as scan:
        sums = queries.aggregate(scan, class_of, [])
        units = queries.unit_links(scan, class_of)
    agg = metrics.Aggregate(sums.imports, sums.exports, tuple(CATEGORIES), (), units)
    summed = dataclasses.replace(rows, imports=imports[:0], exports=exports[:0], aggregate=agg)
    for month in ("2025-08", "2024-12"):
        a = metrics.compute(rows, month).doc
        b = metrics.compute(summed, month).doc
        for key in ("prices", "volumes", "export_prices", "export_volumes"):
            assert json.dumps(a[key]) == json.dumps(b[key])


@pytest.mark.parametrize(
    "sql",
    [queries.UNIT_LINKS_SQL, queries.UNIT_LINKS_ROWS_SQL, queries.unit_links_sql(["2025-08"])],
)
def test_the_query_parses_for_duckdb_and_spark_and_its_spark_form_gives_the_same_links(sql):
    # In QUERIES, so tests/test_queries.py also checks its DuckDB → Spark → DuckDB round trip.
    assert queries.QUERIES["unit_links"] is queries.UNIT_LINKS_SQL
    assert queries.QUERIES["unit_links_rows"] is queries.UNIT_LINKS_ROWS_SQL
    for dialect in ("duckdb", "spark"):
        tree = sqlglot.parse_one(sql, read=dialect)
        ctes = {c.alias for c in tree.find_all(sqlglot.exp.CTE)}  # the query's own names
        assert {t.name for t in tree.find_all(sqlglot.exp.Table)} - ctes == {
            "imports",
            "exports",
            "classes",
        }
    spark = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
    imports, exports, class_of = frames()
    with queries.Scan.of_frames(imports, exports) as scan:
        scan.register("classes", scan_columns.class_codes(class_of))
        pd.testing.assert_frame_equal(scan.frame(spark), scan.frame(sql))


def test_the_warehouse_scan_sums_in_two_queries_and_links_one_query_a_month(
    sample_settings, monkeypatch
):
    ran: list[str] = []
    real = queries.Scan.table

    def table(self, sql: str) -> Table:
        ran.append(sql)
        return real(self, sql)

    monkeypatch.setattr(queries.Scan, "table", table)
    # A cold link cache (tests/test_link_cache.py: a warm one runs none); over warehouse
    # files, one row per month × code × country: the form that takes a row as a line.
    sums = document.warehouse_sums(sample_settings, "2025-12")
    # Sums in one query a flow, links in one query a month (linkcache: each joins one
    # month's lines against the year before's), in the form that takes a row as a line.
    months = Warehouse(sample_settings.warehouse_dir).common_months()
    months = [m for m in months if m <= "2025-12"]
    assert ran == [
        queries.IMPORTS_SQL,
        queries.EXPORTS_SQL,
        *(queries.unit_links_sql([m], rows=True) for m in months),
    ]
    assert sums.aggregate.units is not None and len(sums.aggregate.units)
    # An edition cut from wider sums reads only links up to its month.
    inp = document.metrics_input(sample_settings, "2024-06", sums)
    assert max(inp.aggregate.units["period"].tolist()) == "2024-06"
    doc = document.compute_metrics(sample_settings, "2025-12", sums).doc
    assert doc["prices"]["ai"]["lines"] > 0


@pytest.fixture(scope="module")
def sample_settings(tmp_path_factory):
    return refreshed_sample(tmp_path_factory.mktemp("prices"))
