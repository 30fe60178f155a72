import json

import pandas as pd
import pytest

from generator import fsutil
from generator.data import schema, warehouse
from generator.data.sources import TradeData
from generator.data.warehouse import Warehouse
from generator.errors import UserError


def trade(value: float = 100.0, params: dict | None = None) -> TradeData:
    imports = pd.DataFrame(
        {
            "period": ["2024-01", "2024-01", "2024-02"],
            "hs10": ["0102291000", "8471500150", "0102291000"],
            "country_code": ["1220", "5830", "1220"],
            "value_con": [value, 250.5, 30.0],
            "value_gen": [value + 1, 251.0, 30.0],
            "value_dutiable": [0.0, 250.5, 0.0],
            "duty": [0.0, 12.5, 0.0],
            "qty1": [3.0, 2.0, 1.0],
            "unit1": ["NO", "NO", "NO"],
        }
    )
    exports = pd.DataFrame(
        {
            "period": ["2024-01", "2024-02"],
            "hs10": ["0102291000", "0102291000"],
            "country_code": ["2010", "2010"],
            "value": [40.0, 50.0],
            "qty1": [1.0, 1.0],
            "unit1": ["NO", "NO"],
        }
    )
    countries = pd.DataFrame(
        {"country_code": ["1220", "2010", "5830"], "name": ["Canada", "Mexico", "Taiwan"]}
    )
    commodities = pd.DataFrame(
        {"hs10": ["0102291000", "8471500150"], "description": ["Cattle", "Processing units"]}
    )
    return TradeData(imports, exports, countries, commodities, "sample", True, params or {"s": 1})


def snapshot(root):
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_round_trip_keeps_leading_zeros_and_types(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit(trade())
    got = wh.read("imports")
    assert list(got.columns) == list(schema.IMPORT_COLUMNS)
    assert "0102291000" in set(got["hs10"])
    assert got["hs10"].str.len().eq(10).all()
    assert got["value_con"].dtype == "float64"
    assert wh.months() == ["2024-01", "2024-02"]
    assert wh.common_months() == ["2024-01", "2024-02"]
    jan = wh.read("imports", ["2024-01"])
    assert len(jan) == 2 and float(jan["value_con"].sum()) == pytest.approx(350.5)
    assert list(wh.reference("countries")["name"]) == ["Canada", "Mexico", "Taiwan"]


def test_manifest_records_rows_checksums_and_source(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit(trade())
    man = json.loads((tmp_path / "wh" / "manifest.json").read_text())
    assert man["source"] == "sample" and man["sample"] is True
    jan = man["flows"]["imports"]["2024-01"]
    assert jan["rows"] == 2
    assert jan["value"] == pytest.approx(350.5)
    blob = (tmp_path / "wh" / jan["file"]).read_bytes()
    assert jan["sha256"] == warehouse.sha256(blob)
    assert man["vintage"] == jan["fetched_at"]


def test_refresh_twice_changes_no_file(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit(trade())
    before = snapshot(tmp_path / "wh")
    result = wh.commit(trade())
    assert result.written == {"imports": [], "exports": []}
    assert snapshot(tmp_path / "wh") == before


def test_a_revision_rewrites_only_its_month_and_is_recorded(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit(trade())
    feb_file = wh.manifest()["flows"]["imports"]["2024-02"]["file"]
    feb_before = (tmp_path / "wh" / feb_file).read_bytes()
    jan_old = wh.manifest()["flows"]["imports"]["2024-01"]["file"]
    result = wh.commit(trade(value=110.0))
    assert result.written["imports"] == ["2024-01"]
    assert wh.manifest()["flows"]["imports"]["2024-02"]["file"] == feb_file
    assert (tmp_path / "wh" / feb_file).read_bytes() == feb_before
    assert not (tmp_path / "wh" / jan_old).exists(), "the replaced month file is removed"
    assert float(wh.read("imports", ["2024-01"])["value_con"].sum()) == pytest.approx(360.5)
    rev = wh.manifest()["flows"]["imports"]["2024-01"]["revision"]
    assert rev["value_change"] == pytest.approx(10.0)
    assert rev["rows_change"] == 0


def test_other_params_rebuild_the_whole_warehouse(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit(trade(params={"seed": 1}))
    result = wh.commit(trade(params={"seed": 2}))
    assert result.rebuilt
    assert wh.manifest()["params"] == {"seed": 2}
    assert not list(tmp_path.glob(".wh*")), "no staging folder left behind"


def test_a_failed_write_leaves_the_old_month(tmp_path, monkeypatch):
    wh = Warehouse(tmp_path / "wh")
    wh.commit(trade())
    before = snapshot(tmp_path / "wh")

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(fsutil.os, "replace", boom)  # the rename of fsutil.write_atomic
    with pytest.raises(OSError):
        wh.commit(trade(value=999.0))
    monkeypatch.undo()
    assert snapshot(tmp_path / "wh") == before
    assert not [p for p in (tmp_path / "wh").rglob(".*") if p.is_file()], "no temp files left"


def test_interrupted_before_the_manifest_keeps_the_old_state(tmp_path, monkeypatch):
    """Killed after writing month files but before the manifest swap: readers see the old
    data, and the next refresh completes and removes the orphans."""
    wh = Warehouse(tmp_path / "wh")
    wh.commit(trade())
    real = warehouse.write_atomic

    def stop_at_manifest(path, data):
        if path.name == "manifest.json":
            raise KeyboardInterrupt
        real(path, data)

    monkeypatch.setattr(warehouse, "write_atomic", stop_at_manifest)
    with pytest.raises(KeyboardInterrupt):
        wh.commit(trade(value=999.0))
    monkeypatch.undo()
    assert float(wh.read("imports", ["2024-01"])["value_con"].sum()) == pytest.approx(350.5)
    wh.commit(trade(value=999.0))
    assert float(wh.read("imports", ["2024-01"])["value_con"].sum()) == pytest.approx(1249.5)
    named = {e["file"] for e in wh.manifest()["flows"]["imports"].values()}
    on_disk = {f"imports/{p.name}" for p in (tmp_path / "wh" / "imports").iterdir()}
    assert on_disk == named


def test_parquet_bytes_are_deterministic():
    frame = trade().imports
    a = warehouse.parquet_bytes(frame, schema.IMPORT_COLUMNS)
    b = warehouse.parquet_bytes(frame.copy(), schema.IMPORT_COLUMNS)
    assert a == b


def test_a_deleted_month_file_is_restored_by_the_next_refresh(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit(trade())
    jan = tmp_path / "wh" / wh.manifest()["flows"]["imports"]["2024-01"]["file"]
    jan.unlink()
    with pytest.raises(UserError, match="file missing; run `aibrief refresh`"):
        wh.read("imports")
    manifest = wh.manifest_path.read_bytes()
    result = wh.commit(trade())
    # same data: the file is repaired, the manifest (vintage, fetched_at) is left alone
    assert result.repaired == ["imports 2024-01"] and result.written["imports"] == []
    assert wh.manifest_path.read_bytes() == manifest
    assert jan.exists()
    assert "revision" not in wh.manifest()["flows"]["imports"]["2024-01"]


def test_a_corrupt_month_file_is_one_clear_error(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit(trade())
    feb = tmp_path / "wh" / wh.manifest()["flows"]["exports"]["2024-02"]["file"]
    feb.write_bytes(b"not parquet")
    with pytest.raises(UserError, match="unreadable parquet"):
        wh.read("exports")


def test_a_corrupt_manifest_is_rebuilt_by_refresh(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit(trade())
    (tmp_path / "wh" / "manifest.json").write_text("{ not json")
    with pytest.raises(UserError, match="manifest is not valid JSON"):
        wh.months()
    result = wh.commit(trade())
    assert result.rebuilt and wh.months() == ["2024-01", "2024-02"]


def test_a_new_release_of_the_sample_replaces_the_old_warehouse(tmp_path, monkeypatch):
    """An upgrade that changes the sample must not keep serving the old sample."""
    from generator import config
    from generator.data.refresh import needs_refresh, refresh
    from generator.data.sources import sample
    from tests.conftest import write_config

    cfg = write_config(tmp_path, "data:\n  start: 2025-10\n  sample:\n    end: 2025-12\n")
    settings = config.load(cfg)
    assert needs_refresh(settings)  # nothing there yet
    refresh(settings)
    assert not needs_refresh(settings)
    monkeypatch.setattr(sample, "VERSION", sample.VERSION + 1)
    assert needs_refresh(settings)
