"""The unit-value links cached per month beside the warehouse (generator.analysis.linkcache):
a month computed alone equals the full query's month exactly, a hit computes nothing, a
changed input recomputes exactly the months it touches, damage is recomputed, and the
metrics are byte for byte the same cold and warm. Also: the warehouse holds one row per
month × code × country, the promise the row form of the query rests on."""

from __future__ import annotations

import math
import shutil

import pandas as pd
import pytest

from generator.analysis import document, linkcache, monthcache
from generator.analysis.metrics.cube import class_table
from generator.data import queries, scan_columns
from generator.data.table import Table
from generator.data.warehouse import Warehouse
from generator.errors import UserError
from tests.conftest import refreshed_sample
from tests.test_metrics import (
    AI_CH,
    CATEGORIES,
    CLASSIFICATION,
    EXPORT_COLUMNS,
    IMPORT_COLUMNS,
    LOW,
)
from tests.test_prices import CHINA, MEXICO, TAIWAN, exp, imp
from tests.test_prices_sql import frames
from tests.test_warehouse import trade

CLASS_OF = class_table(CLASSIFICATION, list(CATEGORIES))
LN2 = math.log(2.0)


def _pd(frame: pd.DataFrame | Table) -> pd.DataFrame:
    """The metrics path returns Tables (generator.data.table); compared here in pandas."""
    return frame.to_pandas() if isinstance(frame, Table) else frame


def assert_same(got: pd.DataFrame | Table, want: pd.DataFrame | Table, **kw: object) -> None:
    pd.testing.assert_frame_equal(_pd(got), _pd(want), **kw)


def small() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hand-built rows whose 2024-03 links are worked out in the test below."""
    imports = (
        imp(["2023-03"], AI_CH, TAIWAN, 100, 2)  # unit value 50
        + imp(["2024-03"], AI_CH, TAIWAN, 200, 2)  # 100: ratio 2, kept
        + imp(["2023-03"], AI_CH, CHINA, 100, 10)  # 10
        + imp(["2024-03"], AI_CH, CHINA, 500, 1)  # 500: ratio 50, an outlier
        + imp(["2023-03"], AI_CH, MEXICO, 50, 5, "NO")
        + imp(["2024-03"], AI_CH, MEXICO, 60, 3, "KG")  # a unit change
        + imp(["2022-03"], AI_CH, TAIWAN, 1, 1)  # two years before: no part of 2024-03
        + imp(["2023-04"], AI_CH, TAIWAN, 1, 1)
        + imp(["2024-04"], AI_CH, TAIWAN, 3, 1)  # another month: not asked for
    )
    exports = exp(["2023-03"], LOW, TAIWAN, 20, 4) + exp(["2024-03"], LOW, TAIWAN, 30, 3)
    return pd.DataFrame(imports, columns=IMPORT_COLUMNS), pd.DataFrame(
        exports, columns=EXPORT_COLUMNS
    )


def test_one_month_alone_gives_the_hand_worked_links_and_the_full_querys_rows():
    imports, exports = small()
    low = int(CLASS_OF[LOW])
    with queries.Scan.of_frames(imports, exports) as scan:
        alone = _pd(queries.unit_links(scan, CLASS_OF, ["2024-03"]))
        full = _pd(queries.unit_links(scan, CLASS_OF))
    want = pd.DataFrame(
        [
            # flow, period, class, value now, a year before, logs × value now, before,
            # lines, outliers, unit changes
            ("exports", "2024-03", low, 30.0, 20.0, 30 * LN2, 20 * LN2, 1, 0, 0),
            ("imports", "2024-03", 0, 200.0, 100.0, 200 * LN2, 100 * LN2, 1, 1, 1),
        ],
        columns=list(alone.columns),
    )
    assert_same(alone, want, check_dtype=False, rtol=1e-15)
    same = full[full["period"] == "2024-03"].reset_index(drop=True)
    assert_same(alone, same, check_exact=True)
    assert set(full["period"]) == {"2022-03", "2023-03", "2023-04", "2024-03", "2024-04"}


def test_months_computed_alone_are_the_full_querys_rows_bit_for_bit():
    imports, exports, class_of = frames()
    with queries.Scan.of_frames(imports, exports) as scan:
        full = _pd(queries.unit_links(scan, class_of))
        for months in (["2025-08"], ["2024-01", "2025-03"], ["2023-05"]):
            part = queries.unit_links(scan, class_of, months)
            want = full[full["period"].isin(months)].reset_index(drop=True)
            assert len(want)
            assert_same(part, want, check_exact=True)


@pytest.fixture
def computed(monkeypatch):
    """The months each call of the links query was asked for (None: all)."""
    asked: list[list[str] | None] = []
    real = queries.unit_links

    def spy(scan, class_of, months=None):
        asked.append(None if months is None else sorted(months))
        return real(scan, class_of, months)

    monkeypatch.setattr(queries, "unit_links", spy)
    return asked


def _files(imports: pd.DataFrame, version: str = "v1") -> dict[str, str]:
    return {m: version for m in sorted(set(imports["period"]))}


def test_a_cold_cache_computes_each_month_once_and_a_warm_one_computes_nothing(
    tmp_path, computed, monkeypatch
):
    imports, exports, class_of = frames()
    files = _files(imports)
    with queries.Scan.of_frames(imports, exports) as scan:
        full = queries.unit_links(scan, class_of)
        computed.clear()
        cold = linkcache.unit_links(scan, class_of, tmp_path, files, "tax")
        assert computed == [[m] for m in sorted(files)]  # one query a month
        assert len(list(tmp_path.glob("*" + monthcache.SUFFIX))) == len(files)

        def refuse(self, sql):
            raise AssertionError("a hit must not query")

        monkeypatch.setattr(queries.Scan, "table", refuse)
        warm = linkcache.unit_links(scan, class_of, tmp_path, files, "tax")
    assert_same(cold, full, check_exact=True)
    assert_same(warm, full, check_exact=True)


def test_a_changed_month_file_recomputes_that_month_and_the_one_a_year_later(tmp_path, computed):
    imports, exports, class_of = frames()
    files = _files(imports)
    with queries.Scan.of_frames(imports, exports) as scan:
        linkcache.unit_links(scan, class_of, tmp_path, files, "tax")
    # 2024-05 revised: one import line's value doubles.
    revised = imports.copy()
    row = (revised["period"] == "2024-05") & (revised["hs10"] == AI_CH)
    revised.loc[row, "value_con"] *= 2
    files["2024-05"] = "v2"
    computed.clear()
    with queries.Scan.of_frames(revised, exports) as scan:
        got = linkcache.unit_links(scan, class_of, tmp_path, files, "tax")
        full = _pd(queries.unit_links(scan, class_of))
    assert computed == [["2024-05"], ["2025-05"], None]  # then the reference query
    assert_same(got, full, check_exact=True)
    old = full[full["period"] == "2025-05"]
    assert len(old)  # the month a year later does depend on it


def test_a_changed_class_table_or_query_recomputes_every_month(tmp_path, computed, monkeypatch):
    imports, exports, class_of = frames()
    files = _files(imports)
    with queries.Scan.of_frames(imports, exports) as scan:
        linkcache.unit_links(scan, class_of, tmp_path, files, "tax")
        linkcache.unit_links(scan, class_of, tmp_path, files, "tax, rules edited")
        monkeypatch.setattr(linkcache, "SQL_DIGEST", "another query")
        linkcache.unit_links(scan, class_of, tmp_path, files, "tax")
    assert computed == [[m] for m in sorted(files)] * 3


def test_a_damaged_or_mismatched_entry_is_computed_again(tmp_path, computed):
    imports, exports, class_of = frames()
    files = _files(imports)
    key = {m: linkcache.entry_key(m, files, "tax") for m in files}
    with queries.Scan.of_frames(imports, exports) as scan:
        full = linkcache.unit_links(scan, class_of, tmp_path, files, "tax")
        (tmp_path / f"{key['2024-02']}{monthcache.SUFFIX}").write_bytes(b"PAR1 half a file")
        # Another month's entry under this month's name: the key stored inside differs.
        shutil.copy(
            tmp_path / f"{key['2025-01']}{monthcache.SUFFIX}",
            tmp_path / f"{key['2024-07']}{monthcache.SUFFIX}",
        )
        (tmp_path / f"{key['2023-09']}{monthcache.SUFFIX}").unlink()
        computed.clear()
        got = linkcache.unit_links(scan, class_of, tmp_path, files, "tax")
    assert computed == [["2023-09"], ["2024-02"], ["2024-07"]]
    assert_same(got, full, check_exact=True)


def test_the_cache_keeps_what_it_just_used_and_at_most_keep_entries(tmp_path, monkeypatch):
    imports, exports, class_of = frames()
    files = _files(imports)
    monkeypatch.setattr(linkcache, "KEEP", len(files) + 2)
    with queries.Scan.of_frames(imports, exports) as scan:
        linkcache.unit_links(scan, class_of, tmp_path, files, "old taxonomy")
        linkcache.unit_links(scan, class_of, tmp_path, files, "new taxonomy")
    held = {p.stem for p in tmp_path.glob("*" + monthcache.SUFFIX)}
    assert len(held) == len(files) + 2
    assert {linkcache.entry_key(m, files, "new taxonomy") for m in files} <= held


# ---- on the sample warehouse ---------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_settings(tmp_path_factory):
    return refreshed_sample(tmp_path_factory.mktemp("links"))


def test_on_the_sample_the_row_form_and_months_alone_equal_the_full_query(sample_settings):
    wh = Warehouse(sample_settings.warehouse_dir)
    months = wh.common_months()
    sums = document.warehouse_sums(sample_settings)
    class_of = class_table(_pd(sums.classification), list(sums.categories))
    with queries.Scan.of_warehouse(wh, months) as scan:
        assert scan.one_row_per_cell
        scan.register("classes", scan_columns.class_codes(class_of))
        grouped = scan_columns.typed_links(scan.frame(queries.UNIT_LINKS_SQL))
        rows = scan_columns.typed_links(scan.frame(queries.UNIT_LINKS_ROWS_SQL))
        picked = [months[-1], months[13], months[5]]
        alone = queries.unit_links(scan, class_of, picked)
    assert_same(rows, grouped, check_exact=True)
    want = grouped[grouped["period"].isin(picked)].reset_index(drop=True)
    assert_same(alone, want, check_exact=True)
    assert_same(sums.aggregate.units, grouped, check_exact=True)


def _metrics_bytes(settings, month="2025-12") -> bytes:
    return document.metrics_json(document.compute_metrics(settings, month)).encode()


def test_metrics_are_byte_identical_cold_warm_and_one_month_new(sample_settings, monkeypatch):
    folder = sample_settings.cache_dir / linkcache.FOLDER
    shutil.rmtree(folder, ignore_errors=True)
    cold = _metrics_bytes(sample_settings)
    entries = sorted(folder.glob("*" + monthcache.SUFFIX))
    assert entries
    # A new month: its entry missing, as after the refresh that brought it.
    wh = Warehouse(sample_settings.warehouse_dir)
    months = [m for m in wh.common_months() if m <= "2025-12"]
    files = monthcache.month_digests(wh.manifest(), months)
    from generator.analysis import classcache

    class_key = classcache.taxonomy_digest(sample_settings)
    (folder / f"{linkcache.entry_key('2025-12', files, class_key)}{monthcache.SUFFIX}").unlink()
    asked: list = []
    real = queries.unit_links
    monkeypatch.setattr(
        queries, "unit_links", lambda s, c, m=None: asked.append(m) or real(s, c, m)
    )
    steady = _metrics_bytes(sample_settings)
    assert asked == [["2025-12"]]

    def refuse(self, sql):
        if "prior_lines" in sql:
            raise AssertionError("a warm cache must not run the links query")
        return real_frame(self, sql)

    real_frame = queries.Scan.frame
    monkeypatch.setattr(queries.Scan, "frame", refuse)
    warm = _metrics_bytes(sample_settings)
    assert cold == steady == warm
    assert b'"prices"' in cold


# ---- the warehouse's promise ---------------------------------------------------------------


def test_the_warehouse_refuses_two_rows_for_one_month_code_and_country(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit(trade())
    before = (tmp_path / "wh" / "manifest.json").read_bytes()
    data = trade(value=7.0)
    dup = data.exports.iloc[[1]].assign(value=3.0)
    data.exports = pd.concat([data.exports, dup], ignore_index=True)
    with pytest.raises(UserError) as err:
        wh.commit(data)
    assert str(err.value).startswith("warehouse: exports 2024-02 0102291000 country 2010: more")
    assert "nothing was committed" in str(err.value)
    assert (tmp_path / "wh" / "manifest.json").read_bytes() == before
    assert wh.read("imports")["value_con"].iloc[0] == 100.0  # the old month, not 7.0
    fresh = Warehouse(tmp_path / "new")
    with pytest.raises(UserError):
        fresh.commit(data)
    assert not fresh.exists()
