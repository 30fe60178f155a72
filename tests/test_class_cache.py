"""The classification cache beside the warehouse (#15): a hit serves the stored answer
without classifying, a new code is classified alone, and a changed rule file or
classifying code is classified again, never served stale."""

from __future__ import annotations

import stat
from pathlib import Path

import pandas as pd
import pytest

from generator import config, fsutil
from generator.analysis import classcache, document
from generator.classify.taxonomy import Taxonomy, for_settings
from generator.data import queries
from generator.data.table import Table
from tests.conftest import write_config

RULES = """\
categories:
  chips: Chips
  power: Power
rules:
  - {prefix: "8542", tier: high, category: chips, reason: integrated circuits}
  - {prefix: "8504", tier: high, category: power, reason: transformers}
  - {prefix: "850440", tier: medium, reason: static converters}
"""
CODES = ["8542310000", "8504230000", "8504400000", "0101210000", "2709000000"]
# By hand: categories chips → 0, power → 1, medium → 2, low → 3; chapter 27 excluded → −1.
EXPECTED = {
    "0101210000": 3,
    "2709000000": -1,
    "8504230000": 1,
    "8504400000": 2,
    "8542310000": 0,
}


@pytest.fixture
def settings(tmp_path: Path) -> config.Settings:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    path = write_config(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            str(Path(__file__).resolve().parents[1] / "taxonomy" / "ai_products.yaml"), str(rules)
        ),
        encoding="utf-8",
    )
    return config.load(path)


def _classes(settings: config.Settings, codes: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """The classification as a pandas frame and the class index as a Series by code, from
    the Tables the metrics path reads (stored answers read in a DuckDB session)."""
    with queries.Scan() as scan:
        table, class_of = document._classes(settings, for_settings(settings), codes, scan)
    index = pd.Series(class_of["klass"], index=[str(c) for c in class_of["hs10"]], dtype="int64")
    return table.to_pandas(), index


def _files(settings: config.Settings) -> list[Path]:
    return sorted((settings.cache_dir / classcache.FOLDER).glob("*.parquet"))


def _no_classifying(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Taxonomy, codes: object) -> Table:
        raise AssertionError("classified although the cache holds the answer")

    monkeypatch.setattr(Taxonomy, "classify_table", refuse)


def test_first_run_classifies_and_stores_then_a_hit_reads_it(settings, monkeypatch):
    classification, class_of = _classes(settings, CODES)
    assert class_of.to_dict() == EXPECTED
    assert len(_files(settings)) == 1
    fresh = for_settings(settings).classify_frame(CODES)
    _no_classifying(monkeypatch)
    cached, cached_of = _classes(settings, list(reversed(CODES)))  # order does not matter
    assert cached_of.to_dict() == EXPECTED
    pd.testing.assert_frame_equal(cached, fresh)
    pd.testing.assert_frame_equal(cached, classification)


def test_a_changed_rule_is_classified_again(settings):
    _classes(settings, CODES)
    rules = settings.rules_path
    rules.write_text(RULES.replace('"8504", tier: high', '"8504", tier: low'), encoding="utf-8")
    _, class_of = _classes(settings, CODES)
    assert class_of["8504230000"] == 3  # transformers now low
    assert class_of["8542310000"] == 0
    assert len(_files(settings)) == 2


def test_a_new_code_alone_is_classified_and_stored_with_the_others(settings, monkeypatch):
    _classes(settings, CODES)
    asked: list[list[str]] = []
    real = Taxonomy.classify_table

    def classify_table(self: Taxonomy, codes: list[str]) -> Table:
        asked.append(list(codes))
        return real(self, codes)

    monkeypatch.setattr(Taxonomy, "classify_table", classify_table)
    classification, class_of = _classes(settings, [*CODES, "8504100000"])
    assert asked == [["8504100000"]]
    assert class_of.to_dict() == {**EXPECTED, "8504100000": 1}
    assert list(classification["hs10"]) == sorted([*CODES, "8504100000"])
    (path,) = _files(settings)  # one file a taxonomy, now with the new code
    assert pd.read_parquet(path)["hs10"].tolist() == sorted([*CODES, "8504100000"])
    # Fewer codes: the stored answers for those alone, nothing classified.
    want = real(for_settings(settings), CODES[:2]).to_pandas()
    _no_classifying(monkeypatch)
    classification, class_of = _classes(settings, CODES[:2])
    assert class_of.to_dict() == {c: EXPECTED[c] for c in CODES[:2]}
    assert list(classification["hs10"]) == sorted(CODES[:2])
    pd.testing.assert_frame_equal(classification, want)


def test_changed_classifying_code_or_config_changes_the_key(settings, monkeypatch):
    before = classcache.taxonomy_digest(settings)
    monkeypatch.setattr(classcache, "_CODE", (*classcache._CODE, Path(__file__)))
    assert classcache.taxonomy_digest(settings) != before
    monkeypatch.setattr(classcache, "_CODE", classcache._CODE[:-1])
    assert classcache.taxonomy_digest(settings) == before
    other = settings.model_copy(
        update={"taxonomy": settings.taxonomy.model_copy(update={"exclude_chapters": [27]})}
    )
    assert classcache.taxonomy_digest(other) != before


def test_a_damaged_cache_file_is_classified_again(settings):
    _classes(settings, CODES)
    (path,) = _files(settings)
    path.write_bytes(b"not parquet")
    _, class_of = _classes(settings, CODES)
    assert class_of.to_dict() == EXPECTED
    assert pd.read_parquet(path)["klass"].tolist() == [EXPECTED[c] for c in sorted(CODES)]


def test_a_stored_table_that_is_not_one_row_a_code_in_order_is_classified_again(settings):
    _classes(settings, CODES)
    (path,) = _files(settings)
    frame = pd.read_parquet(path)
    pd.concat([frame, frame.iloc[:1]]).to_parquet(path, index=False)  # a code twice
    _, class_of = _classes(settings, CODES)
    assert class_of.to_dict() == EXPECTED
    assert pd.read_parquet(path)["hs10"].tolist() == sorted(CODES)


def test_no_code_asked_with_nothing_stored_is_an_empty_classification(settings):
    # A missing commodity table asks for no code (document._known_codes); the rows' codes
    # are classified afterwards. A cold cache must give an empty answer, not fail.
    classification, class_of = _classes(settings, [])
    assert classification.empty and class_of.empty
    assert list(classification.columns) == list(for_settings(settings).classify_frame([]).columns)
    assert class_of.dtype == "int64"
    _, class_of = _classes(settings, CODES)  # and the next run classifies as usual
    assert class_of.to_dict() == EXPECTED


def test_stored_answers_in_another_order_are_still_a_hit(settings, monkeypatch):
    """DuckDB reads a file of several row groups in no set order: the answers are sorted
    when read, and only a code stored twice makes them untrustworthy."""
    _classes(settings, CODES)
    (path,) = _files(settings)
    frame = pd.read_parquet(path)
    frame.iloc[::-1].to_parquet(path, index=False)
    _no_classifying(monkeypatch)
    classification, class_of = _classes(settings, CODES)
    assert class_of.to_dict() == EXPECTED
    assert list(classification["hs10"]) == sorted(CODES)


def test_a_parquet_file_that_cannot_be_written_is_an_oserror_and_leaves_nothing(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with queries.Scan() as scan, pytest.raises(OSError):
        scan.write_parquet(Table({"hs10": ["8542310000"], "klass": [0]}), blocker / "x.parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]
    with queries.Scan() as scan:  # and where it can, the file reads back
        scan.write_parquet(Table({"hs10": ["8542310000"], "klass": [0]}), tmp_path / "x.parquet")
        assert scan.parquet(tmp_path / "x.parquet")["hs10"].tolist() == ["8542310000"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder", "x.parquet"]


def test_the_stored_classification_is_on_disk_before_it_replaces_the_old(tmp_path, monkeypatch):
    """Written as every file of the tool is (fsutil.atomic_target): fsynced before the
    rename, so a crash leaves the old classification or the new one, whole."""
    synced = []
    real = fsutil.os.fsync
    monkeypatch.setattr(fsutil.os, "fsync", lambda fd: synced.append(fd) or real(fd))
    path = tmp_path / "classes.parquet"
    with queries.Scan() as scan:
        scan.write_parquet(Table({"hs10": ["8542310000"], "klass": [0]}), path)
        assert scan.parquet(path)["klass"].tolist() == [0]
    assert len(synced) == 1
    assert stat.S_IMODE(path.stat().st_mode) == fsutil.FILE_MODE
    assert [p.name for p in tmp_path.iterdir()] == ["classes.parquet"]
