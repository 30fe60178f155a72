"""The warehouse scan in SQL (generator.data.queries): the same sums as the pandas path,
on the sample and on hand-built frames; queries in the SQL DuckDB and Spark share; the
engine's limits from config."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pandas as pd
import pytest
import sqlglot

from generator import config
from generator.analysis import document, metrics
from generator.analysis.metrics.cube import aggregate_rows, class_table
from generator.classify.exemptions import ExemptionList, load_lists
from generator.classify.taxonomy import for_settings
from generator.data import queries, scan_columns, schema
from generator.data.table import Table
from generator.data.warehouse import Warehouse
from generator.errors import ConfigError
from tests.conftest import refreshed_sample, write_config

# ---- hand-built frames ----------------------------------------------------------------------

AI_CH, AI_EP, MED, LOW = "8471500150", "8504400000", "8542310000", "9403200000"
OIL, SPEC = "2709002010", "9999950000"  # excluded chapters (SPEC also tagged high)
CATS = ["compute_hardware", "electrical_power"]
CLASSIFICATION = pd.DataFrame(
    [
        (AI_CH, "high", "compute_hardware", False),
        (AI_EP, "high", "electrical_power", False),
        (MED, "medium", None, False),
        (LOW, "low", None, False),
        (OIL, "low", None, True),
        (SPEC, "high", "compute_hardware", True),
    ],
    columns=["hs10", "tier", "category", "excluded"],
)
REST = schema.REST_OF_WORLD


def _list(key: str, codes: tuple[str, ...], start: date, end: date | None) -> ExemptionList:
    return ExemptionList(key, key, "test", start, end, codes, f"{key}.yaml")


LISTS = [
    _list("chips", ("847150", "8542"), date(2024, 3, 15), None),  # AI and medium codes
    _list("power", ("8504", "85044000"), date(2023, 6, 1), date(2024, 2, 29)),  # 2 prefixes
    _list("oil", ("27",), date(2023, 1, 1), None),  # only an excluded code
]


def hand_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """2023-01 … 2024-06: every class, a rest-of-world partner, excluded chapters,
    fractional cents and several rows per cell."""
    imports, exports = [], []
    for i, p in enumerate(pd.period_range("2023-01", "2024-06", freq="M").astype(str)):
        for code, country, value, duty in [
            (AI_CH, "5830", 100.25 + i, 0.5),
            (AI_CH, "5830", 7.0, 0.0),
            (AI_EP, "5700", 40.0 + 2 * i, 3.25),
            (MED, REST, 20.0, 1.0),
            (LOW, "2010", 300.0 - i, 12.0),
            (LOW, REST, 55.5, 2.0),
            (OIL, "5700", 1000.0, 500.0),
            (SPEC, "1220", 9.0, 0.0),
        ]:
            imports.append((p, code, country, value, value + 1, value, duty, 2.0 + i, "NO"))
        exports += [(p, AI_CH, "5830", 11.0 + i, 1.0, "NO"), (p, LOW, REST, 31.0, 1.0, "NO")]
        exports.append((p, OIL, "1220", 77.0, 1.0, "NO"))
    return (
        pd.DataFrame(imports, columns=list(schema.IMPORT_COLUMNS)),
        pd.DataFrame(exports, columns=list(schema.EXPORT_COLUMNS)),
    )


def _sorted(frame: pd.DataFrame | Table, keys: list[str]) -> pd.DataFrame:
    out = frame.to_pandas() if isinstance(frame, Table) else frame.copy()
    for k in ("period", "country_code"):
        out[k] = out[k].astype(str)
    return out.sort_values(keys).reset_index(drop=True)


def assert_same_aggregate(sql: queries.Sums, pandas_agg: metrics.Aggregate) -> None:
    keys = ["period", "country_code", "klass", "mask"]
    pd.testing.assert_frame_equal(
        _sorted(sql.imports, keys), _sorted(pandas_agg.imports, keys), check_dtype=False
    )
    pd.testing.assert_frame_equal(
        _sorted(sql.exports, keys[:3]), _sorted(pandas_agg.exports, keys[:3]), check_dtype=False
    )


def test_sql_and_pandas_sum_hand_built_frames_alike():
    imports, exports = hand_frames()
    class_of = class_table(CLASSIFICATION, CATS)
    with queries.Scan.of_frames(imports, exports) as scan:
        sql = queries.aggregate(scan, class_of, LISTS)
    pandas_agg = aggregate_rows(imports, exports, class_of, CATS, tuple(LISTS))
    assert_same_aggregate(sql, pandas_agg)
    # The cases are there: excluded rows kept with class −1, the list of two prefixes
    # counted once, the oil list on excluded rows only, rest of world, medium.
    imp = sql.imports.to_pandas()
    assert set(imp.loc[imp["klass"] == -1, "mask"]) == {0, 4}
    assert set(imp["mask"]) == {0, 1, 2, 4}
    assert REST in set(imp["country_code"]) and 2 in set(imp["klass"])  # medium = 2


def test_with_no_exemption_list_every_code_keeps_its_class():
    """The masks cut each code at the lengths the lists use: with no list there is no
    length to cut at, and a code must still find its class (mask 0), not be summed as
    unclassified."""
    imports, exports = hand_frames()
    class_of = class_table(CLASSIFICATION, CATS)
    with queries.Scan.of_frames(imports, exports) as scan:
        sql = queries.aggregate(scan, class_of, [])
    assert not sql.unclassified
    assert set(sql.imports["mask"]) == {0}
    assert_same_aggregate(sql, aggregate_rows(imports, exports, class_of, CATS, ()))


def test_metrics_from_the_sql_aggregate_equal_the_row_path():
    imports, exports = hand_frames()
    class_of = class_table(CLASSIFICATION, CATS)
    with queries.Scan.of_frames(imports, exports) as scan:
        sql = queries.aggregate(scan, class_of, LISTS)
        units = queries.unit_links(scan, class_of)
    labels = {"compute_hardware": "Compute hardware", "electrical_power": "Electrical power"}
    rows = metrics.MetricsInput(imports, exports, CLASSIFICATION, labels, exemptions=LISTS)
    keys = tuple(x.key for x in LISTS)
    agg = metrics.Aggregate(sql.imports, sql.exports, tuple(CATS), keys, units)
    summed = dataclasses.replace(rows, imports=imports[:0], exports=exports[:0], aggregate=agg)
    opts = metrics.MetricsOptions(base_year=2023)
    for month in ("2024-06", "2024-02"):
        a = metrics.compute(rows, month, opts).doc
        b = metrics.compute(summed, month, opts).doc
        assert json.dumps(a) == json.dumps(b)


def test_an_aggregate_for_other_categories_is_refused():
    imports, exports = hand_frames()
    class_of = class_table(CLASSIFICATION, CATS)
    agg = aggregate_rows(imports, exports, class_of, CATS, ())
    labels = {"electrical_power": "Power", "compute_hardware": "Compute"}  # other order
    inp = metrics.MetricsInput(imports[:0], exports[:0], CLASSIFICATION, labels, aggregate=agg)
    with pytest.raises(metrics.MetricsError, match="other categories"):
        metrics.compute(inp, "2024-06")


# ---- the sample -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_settings(tmp_path_factory):
    return refreshed_sample(tmp_path_factory.mktemp("queries"))


def test_sql_and_pandas_sum_the_sample_alike(sample_settings):
    s = sample_settings
    wh = Warehouse(s.warehouse_dir)
    months = wh.common_months()
    keys = ["period", "hs10", "country_code"]
    imports = wh.read("imports", months, [*keys, "value_con", "value_gen", "duty"], True)
    exports = wh.read("exports", months, [*keys, "value"], True)
    tax = for_settings(s)
    codes = set(imports["hs10"].cat.categories) | set(exports["hs10"].cat.categories)
    class_of = class_table(tax.classify_frame(codes), list(tax.categories))
    lists = load_lists(s.path(s.taxonomy.exemptions))
    with queries.Scan.of_warehouse(wh, months) as scan:
        assert queries.codes(scan) == sorted(codes)
        sql = queries.aggregate(scan, class_of, lists)
    assert_same_aggregate(sql, aggregate_rows(imports, exports, class_of, tax.categories, lists))
    assert len(sql.imports) < len(imports) / 5  # the scan returns sums, not rows


def test_shared_sums_serve_every_edition_identically(sample_settings):
    """One scan of the whole warehouse (a backfill's) gives each edition the document
    a scan up to its own month gives."""
    shared = document.warehouse_sums(sample_settings)
    for month in ("2024-06", "2025-12"):
        alone = document.compute_metrics(sample_settings, month).doc
        assert document.compute_metrics(sample_settings, month, shared).doc == alone


def test_unit_values_sum_value_and_quantity_by_code_month_and_unit(sample_settings):
    s = sample_settings
    wh = Warehouse(s.warehouse_dir)
    months = wh.common_months()[-3:]
    rows = wh.read("imports", months, ["period", "hs10", "country_code", "value_con", "qty1"])
    rows["unit1"] = wh.read("imports", months, ["unit1"])["unit1"]
    tax = for_settings(s)
    class_of = class_table(tax.classify_frame(set(rows["hs10"])), list(tax.categories))
    with queries.Scan.of_warehouse(wh, months) as scan:
        units = queries.unit_values(scan, class_of)
        by_country = queries.unit_values(scan, class_of, by_country=True)
    rows["klass"] = class_of.reindex(rows["hs10"].astype(str)).to_numpy()
    rows = rows[rows["klass"] >= 0]
    expected = rows.groupby(["period", "hs10", "unit1"], as_index=False, dropna=False)[
        ["value_con", "qty1"]
    ].sum()
    assert len(units) == len(expected)
    assert units["value"].sum() == pytest.approx(expected["value_con"].sum(), rel=1e-12)
    assert units["quantity"].sum() == pytest.approx(expected["qty1"].sum(), rel=1e-12)
    assert by_country["value"].sum() == pytest.approx(units["value"].sum(), rel=1e-12)
    assert len(by_country) >= len(units) and (units["klass"] >= 0).all()


# ---- one SQL for DuckDB and Spark -----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(queries.QUERIES))
def test_every_query_parses_as_duckdb_and_as_spark_sql(name):
    sql = queries.QUERIES[name]
    for dialect in ("duckdb", "spark"):
        tree = sqlglot.parse_one(sql, read=dialect)
        ctes = {c.alias for c in tree.find_all(sqlglot.exp.CTE)}  # the query's own names
        tables = {t.name for t in tree.find_all(sqlglot.exp.Table)} - ctes
        assert tables <= {"imports", "exports", "classes", "exemption_codes"}
        assert "read_parquet" not in sql.lower()  # files are table definitions, not SQL
    spark = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
    back = sqlglot.transpile(spark, read="spark", write="duckdb")[0]
    assert sqlglot.parse_one(back, read="duckdb") == sqlglot.parse_one(sql, read="duckdb")


def test_the_spark_form_of_a_query_gives_the_same_sums():
    """Run the Spark rendering of each aggregate on DuckDB: nothing DuckDB-only hides in it."""
    imports, exports = hand_frames()
    class_of = class_table(CLASSIFICATION, CATS)
    with queries.Scan.of_frames(imports, exports) as scan:
        scan.register("classes", scan_columns.class_codes(class_of))
        scan.register("exemption_codes", scan_columns.exemption_codes(LISTS))
        months = sorted(set(imports["period"]))[:1]
        for sql in (
            queries.IMPORTS_SQL,
            queries.EXPORTS_SQL,
            queries.UNITS_SQL,
            # the forms a run sends for the months its cache lacks (sumcache)
            queries.only_months(queries.IMPORTS_SQL, months, 4),
            queries.only_months(queries.EXPORTS_SQL, months, 3),
        ):
            spark = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
            pd.testing.assert_frame_equal(scan.frame(spark), scan.frame(sql))
            assert len(scan.frame(sql))


# ---- the engine's limits ----------------------------------------------------------------------


def test_memory_limit_is_a_documented_bounded_config_key(tmp_path):
    assert config.load(write_config(tmp_path / "a")).warehouse.memory_limit == "1GB"
    s = config.load(write_config(tmp_path / "b", "warehouse:\n  memory_limit: 512MB\n"))
    assert s.warehouse.memory_limit_mb == 512
    for bad in ("32MB", "2TB", "lots", "2048GB"):
        with pytest.raises(ConfigError, match="warehouse.memory_limit"):
            config.load(write_config(tmp_path / "c", f"warehouse:\n  memory_limit: {bad}\n"))


def test_workers_share_cores_and_memory(monkeypatch):
    monkeypatch.setattr(queries.os, "cpu_count", lambda: 8)
    assert queries.Engine(1024, 1).threads == 8 and queries.Engine(1024, 1).memory == "1024MB"
    assert queries.Engine(1024, 4).threads == 2 and queries.Engine(1024, 4).memory == "256MB"
    assert queries.Engine(1024, 16).threads == 1


def test_a_scan_takes_its_limits_and_spills_under_the_output_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(queries.os, "cpu_count", lambda: 8)
    with queries.Scan(queries.Engine(512, 2, tmp_path / "spill")) as scan:
        got = scan.frame(
            "SELECT current_setting('threads') AS t, current_setting('memory_limit') AS m, "
            "current_setting('temp_directory') AS d"
        )
    assert got["t"][0] == 4 and got["d"][0] == str(tmp_path / "spill")
    assert got["m"][0] == "244.1 MiB"  # 512MB ÷ 2 workers = 256 MB (10^6 bytes)


def test_codes_the_classification_lacks_are_classified_and_summed_again(
    sample_settings, monkeypatch
):
    """The commodity table saves a pass over the rows; a code missing from it is
    noticed in the sums (UNCLASSIFIED), and the scan classifies the rows' codes instead."""
    full = document.compute_metrics(sample_settings, "2025-12").doc
    with queries.Scan() as scan:
        known = document._known_codes(Warehouse(sample_settings.warehouse_dir), scan)
    assert known
    monkeypatch.setattr(document, "_known_codes", lambda wh, scan: known[::2])
    assert document.compute_metrics(sample_settings, "2025-12").doc == full
    monkeypatch.setattr(document, "_known_codes", lambda wh, scan: [])
    assert document.compute_metrics(sample_settings, "2025-12").doc == full


def test_rows_of_a_code_without_class_are_flagged_not_dropped():
    imports, exports = hand_frames()
    class_of = class_table(CLASSIFICATION[CLASSIFICATION["hs10"] != LOW], CATS)
    with queries.Scan.of_frames(imports, exports) as scan:
        sums = queries.aggregate(scan, class_of, LISTS)
    assert sums.unclassified
    lost = sums.imports[sums.imports["klass"] == queries.UNCLASSIFIED]["value_con"].sum()
    assert lost == imports.loc[imports["hs10"] == LOW, "value_con"].sum()


def test_the_classes_are_registered_once_while_the_same(monkeypatch):
    """A cold run asks one month's links at a time (linkcache): the class table goes
    into the session once, not once a month; another classification, or one registered
    by hand in between, goes in anew."""
    sent = []
    real = queries.Scan.register

    def spy(self, name, frame):
        sent.append((name, len(frame)))
        real(self, name, frame)

    monkeypatch.setattr(queries.Scan, "register", spy)
    first = Table({"hs10": ["8471500150", "9403200000"], "klass": [0, 3]})
    other = Table({"hs10": ["8471500150"], "klass": [0]})
    with queries.Scan() as scan:
        for _ in range(3):
            scan.use_classes(first)
        assert sent == [("classes", 2)]
        scan.use_classes(other)
        scan.register("classes", scan_columns.class_codes(first))
        scan.use_classes(first)
        assert sent == [("classes", 2), ("classes", 1), ("classes", 2), ("classes", 2)]
        assert scan.table("SELECT hs10, klass FROM classes ORDER BY hs10")["klass"].tolist() == [
            0,
            3,
        ]
