"""Each month's sums kept beside the warehouse (generator.analysis.sumcache): a month summed
alone is the full scan's month exactly, a warm run opens no scan, a new month or a lost links
entry opens it over just what is missing, a changed exemption list reuses nothing, damage is
recomputed, UNCLASSIFIED sums are never stored, a read-only cache still gives right sums."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import Mock

import numpy as np
import pandas as pd
import pytest

from generator import config
from generator.analysis import classcache, document, linkcache, monthcache, sumcache
from generator.analysis.metrics.cube import class_table
from generator.classify.exemptions import load_lists
from generator.data import queries, schema
from generator.data.table import Table
from generator.data.warehouse import Warehouse
from tests.conftest import REPO, refreshed_sample, write_config
from tests.test_queries import AI_CH, AI_EP, CATS, CLASSIFICATION, LISTS, LOW, MED, OIL

# ---- hand-built frames ----------------------------------------------------------------------

MONTHS = ["2024-01", "2024-02", "2024-03"]


def small() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three months; two rows in one cell; a medium code in 2024-02 only."""
    imports, exports = [], []
    for i, p in enumerate(MONTHS):
        for code, country, value, duty in [
            (AI_CH, "5830", 100.5 + i, 2.25),
            (AI_CH, "5830", 7.25, 0.5),
            (AI_EP, "5700", 40.0 * (i + 1), 3.0),
            (LOW, "2010", 300.0 - i, 12.0),
            (OIL, "5700", 1000.0, 500.0),
            *([(MED, "5830", 20.0, 1.0)] if p == "2024-02" else []),
        ]:
            imports.append((p, code, country, value, value + 1, value, duty, 1.0, "NO"))
        for code, country, value in [(AI_CH, "5830", 11.0 + i), (LOW, "2010", 31.0)]:
            exports.append((p, code, country, value, 1.0, "NO"))
        exports.append((p, AI_CH, "2010", 5.5, 1.0, "NO"))
    frame = pd.DataFrame(imports, columns=list(schema.IMPORT_COLUMNS))
    return frame, pd.DataFrame(exports, columns=list(schema.EXPORT_COLUMNS))


def _pd(frame: pd.DataFrame | Table) -> pd.DataFrame:
    """The metrics path returns Tables (generator.data.table); compared here in pandas."""
    return frame.to_pandas() if isinstance(frame, Table) else frame


def _rows(frame: pd.DataFrame | Table) -> list[tuple]:
    """A month's rows as tuples, without the month."""
    return list(_pd(frame).drop(columns="period").astype(object).itertuples(index=False, name=None))


def test_a_month_summed_alone_is_the_hand_worked_sums_and_the_full_scans_rows():
    imports, exports = small()
    class_of = class_table(CLASSIFICATION, CATS)  # AI_CH 0, AI_EP 1, MED 2, LOW 3, OIL −1
    with queries.Scan.of_frames(imports, exports) as scan:
        full = queries.aggregate(scan, class_of, LISTS)
        alone = {m: queries.aggregate(scan, class_of, LISTS, [m]) for m in MONTHS}
        two = queries.aggregate(scan, class_of, LISTS, ["2024-03", "2024-01"])
    # 2024-02 by country, class, mask (chips: bit 1, power: bit 2, oil: bit 4), sums.
    assert _rows(alone["2024-02"].imports) == [
        ("2010", 3, 0, 299.0, 300.0, 12.0),
        ("5700", -1, 4, 1000.0, 1001.0, 500.0),
        ("5700", 1, 2, 80.0, 81.0, 3.0),
        ("5830", 0, 1, 101.5 + 7.25, 102.5 + 8.25, 2.75),
        ("5830", 2, 1, 20.0, 21.0, 1.0),
    ]
    want = [("2010", 0, 5.5), ("2010", 3, 31.0), ("5830", 0, 12.0)]
    assert _rows(alone["2024-02"].exports) == want
    for flow in ("imports", "exports"):
        whole = _pd(getattr(full, flow))
        for m in MONTHS:
            rows = whole[whole["period"] == m].reset_index(drop=True)
            pd.testing.assert_frame_equal(_pd(getattr(alone[m], flow)), rows, check_exact=True)
        rows = whole[whole["period"] != "2024-02"].reset_index(drop=True)
        pd.testing.assert_frame_equal(_pd(getattr(two, flow)), rows, check_exact=True)
        assert list(dict.fromkeys(getattr(two, flow)["period"].tolist())) == MONTHS[::2]


# ---- on the sample warehouse ----------------------------------------------------------------


EDITION = "2025-12"  # exemption lists in force (none is by the sample's last month)


def _metrics_bytes(settings, month: str) -> bytes:
    return document.metrics_json(document.compute_metrics(settings, month)).encode()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample warehouse, its metrics and sums each computed on an empty cache."""
    settings = refreshed_sample(tmp_path_factory.mktemp("sums"))
    wh = Warehouse(settings.warehouse_dir)
    months = wh.common_months()
    shutil.rmtree(settings.cache_dir, ignore_errors=True)
    metrics = {m: _metrics_bytes(settings, m) for m in (EDITION, months[-1])}
    shutil.rmtree(settings.cache_dir, ignore_errors=True)
    cold = document.warehouse_sums(settings)
    stored = {p.stem for p in (settings.cache_dir / sumcache.FOLDER).glob("*")}
    files = monthcache.month_digests(wh.manifest(), months)
    lists = sumcache.lists_digest(load_lists(settings.path(settings.taxonomy.exemptions)))
    tax = classcache.taxonomy_digest(settings)
    return Sample(settings, months, metrics, cold, stored, files, tax, lists)


@dataclass(frozen=True)
class Sample:
    """The sample warehouse, with its metrics and sums as cold runs computed them."""

    settings: config.Settings
    months: list[str]
    metrics: dict[str, bytes]  # edition month → metrics.json
    cold: document.WarehouseSums
    stored: set[str]  # the sums entries the cold run left
    files: dict[str, str]  # month_digests
    class_key: str
    lists_key: str

    def key(self, flow: str, month: str) -> str:
        return sumcache.entry_key(flow, month, self.files, self.class_key, self.lists_key)

    def entry(self, flow: str, month: str) -> Path:
        return monthcache.path_of(self.settings.cache_dir / sumcache.FOLDER, self.key(flow, month))

    def held(self, flow: str, month: str, settings: config.Settings) -> Table | None:
        """The month's sums as `settings`' cache folder holds them (None: not whole, not its)."""
        folder, shape = settings.cache_dir / sumcache.FOLDER, sumcache.SHAPES[flow]
        return monthcache.read(folder, self.key(flow, month), shape)


def assert_same_sums(got: document.WarehouseSums, want: document.WarehouseSums) -> None:
    """Two WarehouseSums' frames equal bit for bit."""
    for name in ("imports", "exports", "units"):
        a, b = getattr(got.aggregate, name), getattr(want.aggregate, name)
        pd.testing.assert_frame_equal(_pd(a), _pd(b), check_exact=True)


@pytest.fixture
def opened(monkeypatch):
    """The months each scan of the warehouse's month files was opened over."""
    seen: list[list[str]] = []
    real = queries.Scan.define_months

    def spy(self, wh, months):
        seen.append(list(months))
        return real(self, wh, months)

    monkeypatch.setattr(queries.Scan, "define_months", spy)
    return seen


def _copy(sample, tmp_path, with_cache: bool, lists_dir=None) -> config.Settings:
    """Settings over a copy of the sample's warehouse (and cache), lists from `lists_dir`."""
    path = write_config(tmp_path)
    if lists_dir is not None:
        text = path.read_text().replace(str(REPO / "taxonomy" / "exemptions"), str(lists_dir))
        path.write_text(text)
    settings = config.load(path)
    src = sample.settings.output_dir if with_cache else sample.settings.warehouse_dir
    shutil.copytree(src, settings.output_dir if with_cache else settings.warehouse_dir)
    return settings


def test_a_cold_run_stores_each_month_and_flow_and_a_warm_one_opens_no_scan(sample, monkeypatch):
    keys = {sample.key(f, m) for f in ("imports", "exports") for m in sample.months}
    assert len(keys) == 2 * len(sample.months) and sample.stored == keys  # nothing else
    # What the entries gave back is the scan of the whole warehouse, bit for bit.
    class_of = class_table(_pd(sample.cold.classification), list(sample.cold.categories))
    with queries.Scan.of_warehouse(Warehouse(sample.settings.warehouse_dir), sample.months) as scan:
        whole = queries.aggregate(scan, class_of, sample.cold.exemptions)
    for flow in ("imports", "exports"):
        got = getattr(sample.cold.aggregate, flow)
        pd.testing.assert_frame_equal(_pd(got), _pd(getattr(whole, flow)), check_exact=True)
    refuse = Mock(side_effect=AssertionError("a warm cache must not scan the warehouse"))
    monkeypatch.setattr(queries.Scan, "define_months", refuse)
    assert_same_sums(document.warehouse_sums(sample.settings), sample.cold)
    assert len(sample.cold.aggregate.units)


def test_a_new_month_scans_that_month_alone_and_the_metrics_stay_byte_identical(sample, opened):
    for last in sample.metrics:  # the newest month of an edition's run, of the warehouse
        for flow in ("imports", "exports"):
            sample.entry(flow, last).unlink()
        assert _metrics_bytes(sample.settings, last) == sample.metrics[last]
        assert opened.pop() == [last] and not opened
        assert all(sample.entry(f, last).is_file() for f in ("imports", "exports"))


def test_a_lost_links_entry_scans_its_month_and_the_one_a_year_before(sample, opened):
    last = sample.months[-1]
    key = linkcache.entry_key(last, sample.files, sample.class_key)
    (sample.settings.cache_dir / linkcache.FOLDER / f"{key}{monthcache.SUFFIX}").unlink()
    got = document.warehouse_sums(sample.settings)
    assert opened == [queries.link_months([last])] == [[queries.lag_month(last, 12), last]]
    assert_same_sums(got, sample.cold)


def test_damaged_copied_and_missing_entries_are_computed_again(sample, opened):
    cut, copied, source, lost = (sample.months[i] for i in (3, 10, 20, 30))
    entry = sample.entry("imports", cut)
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    shutil.copy(sample.entry("imports", source), sample.entry("imports", copied))
    sample.entry("exports", lost).unlink()
    got = document.warehouse_sums(sample.settings)
    assert opened == [[cut, copied, lost]]
    assert_same_sums(got, sample.cold)
    for flow, m in (("imports", cut), ("imports", copied), ("exports", lost)):
        assert sample.held(flow, m, sample.settings) is not None  # stored again


ADDED = "8504409580"  # on no list; class 10 in the sample, imported every month


def test_a_code_added_to_an_exemption_list_reuses_nothing_and_moves_only_its_rows(
    sample, tmp_path, opened
):
    lists_dir = tmp_path / "exemptions"
    shutil.copytree(REPO / "taxonomy" / "exemptions", lists_dir)
    with (lists_dir / "eo14257-electronics.yaml").open("a", encoding="utf-8") as fh:
        fh.write(f'  - "{ADDED}"\n')
    settings = _copy(sample, tmp_path, with_cache=True, lists_dir=lists_dir)
    lists = load_lists(settings.path(settings.taxonomy.exemptions))
    bit = 1 << [x.key for x in lists].index("reciprocal_electronics")
    got = document.warehouse_sums(settings)
    assert opened == [sample.months]  # every month scanned again
    new_key = sumcache.lists_digest(lists)
    held = {p.stem for p in (settings.cache_dir / sumcache.FOLDER).glob("*" + monthcache.SUFFIX)}
    for flow in ("imports", "exports"):
        for m in sample.months:
            new = sumcache.entry_key(flow, m, sample.files, sample.class_key, new_key)
            assert new != sample.key(flow, m) and {new, sample.key(flow, m)} <= held
    # The code's rows move from mask 0 to the list's bit; every other row is the same.
    rows = Warehouse(settings.warehouse_dir).read("imports")
    sums = ["value_con", "value_gen", "duty"]
    moved = rows[rows["hs10"] == ADDED].groupby(["period", "country_code"])[sums].sum()
    klass = int(class_table(_pd(sample.cold.classification), list(sample.cold.categories))[ADDED])
    before, after = _pd(sample.cold.aggregate.imports), _pd(got.aggregate.imports)
    assert klass >= 0 and not any(x.covers(ADDED) for x in sample.cold.exemptions)  # mask 0

    def untouched(frame: pd.DataFrame) -> pd.DataFrame:
        cell = frame.set_index(["period", "country_code"]).index.isin(moved.index)
        return frame[~(cell & (frame["klass"] == klass))].reset_index(drop=True)

    pd.testing.assert_frame_equal(untouched(after), untouched(before), check_exact=True)

    def at(frame: pd.DataFrame, mask: int) -> pd.DataFrame:
        cell = frame[(frame["klass"] == klass) & (frame["mask"] == mask)]
        return cell.set_index(["period", "country_code"])[sums].reindex(moved.index, fill_value=0)

    pd.testing.assert_frame_equal(at(after, bit) - at(before, bit), moved, rtol=1e-9)
    pd.testing.assert_frame_equal(at(before, 0) - at(after, 0), moved, rtol=1e-9, atol=1e-3)
    assert len(moved) > len(sample.months)


def test_unclassified_sums_are_not_stored_and_a_code_the_table_lacks_is_classified_from_rows(
    sample, tmp_path, monkeypatch
):
    settings = _copy(sample, tmp_path, with_cache=False)
    known, codes = document._known_codes, queries.codes
    short = lambda wh, scan: [c for c in known(wh, scan) if c != ADDED]  # noqa: E731 - lacks it
    monkeypatch.setattr(document, "_known_codes", short)
    wh = Warehouse(settings.warehouse_dir)
    monkeypatch.setattr(queries, "codes", lambda scan: short(wh, scan))
    got = document.warehouse_sums(settings)
    imports = _pd(got.aggregate.imports)
    lost = imports[imports["klass"] == queries.UNCLASSIFIED]
    assert set(lost["period"]) == set(sample.months)  # served, but stored for no month
    for flow in ("imports", "exports"):
        assert all(sample.held(flow, m, settings) is None for m in sample.months)
    # The rows' codes read for real: the code is classified from them and the sums stored.
    # (The links stored above left it out, the patch breaking what their key rests on.)
    monkeypatch.setattr(queries, "codes", codes)
    shutil.rmtree(settings.cache_dir / linkcache.FOLDER)
    assert_same_sums(document.warehouse_sums(settings), sample.cold)
    for flow in ("imports", "exports"):
        for m in sample.months:
            klass = sample.held(flow, m, settings)["klass"].tolist()
            assert klass and queries.UNCLASSIFIED not in klass


def test_a_read_only_cache_folder_still_gives_the_right_sums(sample, tmp_path, monkeypatch):
    settings = _copy(sample, tmp_path, with_cache=False)
    settings.cache_dir.mkdir(parents=True)
    settings.cache_dir.chmod(0o555)
    if os.geteuid() == 0:  # root writes anyway: the write itself must fail
        monkeypatch.setattr(monthcache, "write_atomic", Mock(side_effect=OSError(30, "read-only")))
    try:
        for _ in range(2):  # nothing stored: the second run computes again
            assert_same_sums(document.warehouse_sums(settings), sample.cold)
        assert not list(settings.cache_dir.rglob("*" + monthcache.SUFFIX))
    finally:
        settings.cache_dir.chmod(0o755)


def test_an_entry_of_another_shape_or_a_killed_writes_leftover_is_not_kept(tmp_path):
    """Same key and column names, another type (code that wrote it differently): computed
    again, not served; a killed write's temporary file is dropped once it is old."""
    shape = sumcache.SHAPES["exports"]
    columns = {"period": ["2024-01"], "country_code": ["5830"], "klass": [0], "value": [2.5]}
    entries = monthcache.Entries(tmp_path, {"2024-01": "k1"}, shape)
    entries.store("2024-01", Table(columns))
    assert monthcache.read(tmp_path, "k1", shape)["value"].tolist() == [2.5]
    other = Table({**columns, "klass": np.array([0], dtype=np.int32)})
    monthcache.write(tmp_path, "k1", other)
    assert monthcache.read(tmp_path, "k1", shape) is None
    assert monthcache.Entries(tmp_path, {"2024-01": "k1"}, shape).missing == ["2024-01"]
    temp = tmp_path / f".k2{monthcache.SUFFIX}.abc123"
    temp.write_bytes(b"half")
    fresh = tmp_path / f".k3{monthcache.SUFFIX}.def456"
    fresh.write_bytes(b"being written")
    old = 0.0
    os.utime(temp, (old, old))
    monthcache.prune(tmp_path, {"k1"}, keep=10)
    assert not temp.exists() and fresh.exists()
