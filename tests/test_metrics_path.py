"""`aibrief metrics` without pandas or pyarrow (#15): their imports alone cost as much as
the DuckDB pass the command is measured against, so the warehouse side hands the pure
metrics Tables (generator.data.table) read by DuckDB and numpy. The same metrics.json as
a run that does import them; the caches' own file format; a refused document still named
by jsonschema."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from benchmarks import run as bench
from generator.analysis import classcache, document, monthcache, sumcache
from generator.data.table import FLOAT, INT, TEXT, Table
from tests import test_cli_conventions as cli_conventions
from tests.conftest import refreshed_sample

HEAVY = ("pandas", "pyarrow", "matplotlib", "weasyprint")


def heavy_after(args: list[str]) -> list[str]:
    """The heavy libraries a fresh process imported to run `aibrief ARGS`."""
    probe = cli_conventions.PROBE.format(args=args, heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return refreshed_sample(tmp_path_factory.mktemp("metrics-path"))


def test_metrics_after_a_new_month_imports_neither_pandas_nor_pyarrow(settings, tmp_path):
    month = "2025-12"
    cfg = str(settings.source_path)
    # In this process (pandas imported by the tests): the reference document, cold.
    want = document.metrics_json(document.compute_metrics(settings, month, previous=False))
    # A new month: its sums and links are gone from the cache, as after a refresh (the
    # bench's own script, which fails if the cold run did not store them).
    subprocess.run([sys.executable, "-c", bench.NEW_MONTH, cfg, month], check=True)
    out = tmp_path / "metrics.json"
    assert heavy_after(["--config", cfg, "metrics", "--month", month, "--out", str(out)]) == []
    assert out.read_text(encoding="utf-8") == want
    # With nothing to scan, the same.
    again = tmp_path / "again.json"
    assert heavy_after(["--config", cfg, "metrics", "--month", month, "--out", str(again)]) == []
    assert again.read_text(encoding="utf-8") == want


def test_codes_the_stored_classification_lacks_are_classified_without_pandas_too(
    settings, tmp_path
):
    """A month with HS codes the classification has not seen (a new edition of the tariff
    schedule): they are classified and stored in the run's DuckDB session."""
    import pandas as pd

    month = "2025-12"
    cfg = str(settings.source_path)
    want = document.metrics_json(document.compute_metrics(settings, month, previous=False))
    path = classcache.path_of(
        settings.cache_dir / classcache.FOLDER, classcache.taxonomy_digest(settings)
    )
    stored = pd.read_parquet(path)
    stored.iloc[::7].to_parquet(path, index=False)  # six codes in seven forgotten
    out = tmp_path / "metrics.json"
    assert heavy_after(["--config", cfg, "metrics", "--month", month, "--out", str(out)]) == []
    assert out.read_text(encoding="utf-8") == want
    again = pd.read_parquet(path)
    pd.testing.assert_frame_equal(again, stored, check_dtype=False)  # all of them again


# ---- the Table -------------------------------------------------------------------------------


def test_a_table_selects_sorts_and_splits_rows_like_a_frame():
    t = Table({"period": ["2024-02", "2024-01", "2024-02"], "klass": [1, 0, 0], "v": [1.0, 2, 3]})
    assert len(t) == 3 and t.columns == ["period", "klass", "v"]
    assert t[t["klass"] == 0]["v"].tolist() == [2.0, 3.0]
    assert t.sorted_by(["period", "klass"])["v"].tolist() == [2.0, 3.0, 1.0]
    parts = t.split("period")
    assert list(parts) == ["2024-02", "2024-01"] and parts["2024-02"]["v"].tolist() == [1.0, 3.0]
    assert Table.concat([t, t[np.array([0])]], {"v": FLOAT})["v"].tolist() == [1.0, 2, 3, 1]
    assert len(Table.concat([], {"v": FLOAT, "period": TEXT})) == 0
    with pytest.raises(ValueError, match="different lengths"):
        Table({"a": [1, 2], "b": [1]})


def test_duckdb_nulls_become_none_and_nan_and_kinds_are_fixed():
    masked = np.ma.masked_array(["x", "y"], mask=[False, True], dtype=object)
    numbers = np.ma.masked_array([1.5, 2.0], mask=[True, False])
    t = Table({"unit": masked, "value": numbers, "klass": np.array([1, 2], dtype=np.int32)})
    assert t["unit"].tolist() == ["x", None]
    assert np.isnan(t["value"][0]) and t["value"][1] == 2.0
    typed = t.typed({"klass": INT, "unit": TEXT, "value": FLOAT})
    assert typed.columns == ["klass", "unit", "value"]
    assert typed["klass"].dtype == np.int64 and typed["unit"].tolist() == ["x", None]
    assert (
        Table({"p": np.array(["2024-01"], dtype=object)}).typed({"p": TEXT})["p"].dtype.kind == "U"
    )


# ---- the cache entries ------------------------------------------------------------------------


def test_an_entry_reads_back_what_was_stored_and_refuses_damage(tmp_path):
    shape = sumcache.SHAPES["exports"]
    rows = Table({"period": ["2024-01"] * 2, "country_code": ["5830", "2010"], "klass": [0, 3]})
    rows = rows.with_column("value", [2.5, 1e300])
    monthcache.write(tmp_path, "k1", rows.typed(shape))
    got = monthcache.read(tmp_path, "k1", shape)
    assert got["country_code"].tolist() == ["5830", "2010"] and got["value"].tolist() == [
        2.5,
        1e300,
    ]
    assert monthcache.read(tmp_path, "k2", shape) is None  # another key: not this entry
    path = monthcache.path_of(tmp_path, "k1")
    blob = path.read_bytes()
    path.write_bytes(blob[:-3])  # cut short
    assert monthcache.read(tmp_path, "k1", shape) is None
    path.write_bytes(blob.replace(b'"k1"', b'"k9"'))  # the key inside is another's
    assert monthcache.read(tmp_path, "k1", shape) is None
    path.write_bytes(blob)
    assert monthcache.read(tmp_path, "k1", sumcache.SHAPES["imports"]) is None  # other columns


def test_entries_of_the_arrow_format_are_pruned_not_read(tmp_path):
    old = tmp_path / "0123abcd.arrow"
    old.write_bytes(b"ARROW1")
    monthcache.prune(tmp_path, set(), keep=10)
    assert not old.exists()


# ---- the schema check -------------------------------------------------------------------------


def test_a_document_the_compiled_check_refuses_is_named_by_jsonschema(settings):
    import jsonschema

    doc = document.compute_metrics(settings, "2025-12", previous=False).doc
    document.validate_metrics(doc)
    doc = json.loads(json.dumps(doc))
    doc["imports"]["ai"]["annual"] = "a lot"
    assert not document._checker().is_valid(doc)
    with pytest.raises(jsonschema.ValidationError) as err:
        document.validate_metrics(doc)
    assert list(err.value.absolute_path)[:3] == ["imports", "ai", "annual"]


def test_a_value_the_compiled_check_cannot_read_falls_back_to_jsonschema(settings):
    """jsonschema-rs cannot read numpy scalars (a ValueError, not a verdict); jsonschema,
    whose verdict stands, reads them as what they are."""
    doc = json.loads(json.dumps(document.compute_metrics(settings, "2025-12", previous=False).doc))
    doc["month"] = np.str_(doc["month"])
    with pytest.raises(ValueError):
        document._checker().is_valid(doc)
    document.validate_metrics(doc)  # valid: no error
    doc["month"] = str(doc["month"])
    doc["period"]["year"] = np.float64(doc["period"]["year"])  # 2025.0: an integer to both
    with pytest.raises(ValueError):
        document._checker().is_valid(doc)
    document.validate_metrics(doc)
