"""Backfill: editions built in parallel processes, skipped by content hash when nothing
changed (fast, no file touched), rebuilt when their notes change, not re-rendered when
the metrics come out the same, failures collected in one line."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from generator import config
from generator.brief import backfill
from generator.cli import main
from generator.errors import UserError
from tests.conftest import REPO, write_config

MONTHS = ["2025-11", "2025-12"]


@pytest.fixture(scope="module")
def filled(sample_edition, tmp_path_factory):
    """The sample warehouse, no edition yet; then a parallel backfill of two months."""
    folder = tmp_path_factory.mktemp("backfill")
    settings = config.load(write_config(folder))
    shutil.copytree(sample_edition[0].warehouse_dir, settings.warehouse_dir)
    first = backfill.run(settings, MONTHS, workers=2)
    return settings, first


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.stat().st_ino)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def statuses(result: backfill.BackfillResult) -> dict[str, str]:
    return {o.month: o.status for o in result.outcomes}


def test_first_run_builds_in_parallel_processes(filled):
    settings, first = filled
    assert statuses(first) == {"2025-11": "built", "2025-12": "built"}
    pids = {o.pid for o in first.outcomes}
    assert len(pids) == 2 and os.getpid() not in pids, "two worker processes"
    for month in MONTHS:
        folder = settings.editions_dir / month
        assert backfill.complete(folder)
        stamp = backfill.read_stamp(folder)
        assert set(stamp) >= {"inputs", "content"}
    assert "2 editions: 2 built, 0 up to date" in first.summary()


def test_second_run_skips_everything_and_touches_nothing(filled):
    settings, _ = filled
    before = snapshot(settings.editions_dir)
    again = backfill.run(settings, MONTHS, workers=2)
    assert statuses(again) == {m: "skipped" for m in MONTHS}
    assert snapshot(settings.editions_dir) == before


def test_same_metrics_from_changed_inputs_are_not_rendered_again(filled, tmp_path):
    """A comment added to the rules changes the inputs, not the metrics: the metrics are
    computed again, the edition is not rendered again."""
    settings, _ = filled
    rules = tmp_path / "ai_products.yaml"
    rules.write_text((REPO / "taxonomy/ai_products.yaml").read_text() + "\n# reviewed\n")
    s2 = settings.model_copy(deep=True)
    s2._source_path = settings.source_path
    s2.taxonomy.rules = rules
    before = snapshot(settings.editions_dir)
    result = backfill.run(s2, MONTHS, workers=1)
    assert statuses(result) == {m: "unchanged" for m in MONTHS}
    after = snapshot(settings.editions_dir)
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed == {f"{m}/{backfill.STAMP}" for m in MONTHS}, "only the stamps"
    assert statuses(backfill.run(s2, MONTHS)) == {m: "skipped" for m in MONTHS}
    assert statuses(backfill.run(settings, MONTHS)) == {m: "unchanged" for m in MONTHS}


def test_templates_fingerprint_follows_overrides_but_not_site_chrome(filled, tmp_path):
    settings, _ = filled
    base = backfill.fingerprints(settings)

    def with_override(rel: str, text: str) -> backfill.Fingerprints:
        over = Path(tempfile.mkdtemp(dir=tmp_path))
        (over / rel).parent.mkdir(parents=True)
        (over / rel).write_text(text)
        s2 = settings.model_copy(deep=True)
        s2._source_path = settings.source_path
        s2.templates.overrides = over
        return backfill.fingerprints(s2)

    assert with_override("site/site.css", "body { color: red; }").templates == base.templates
    same = (REPO / "templates/brief/content.html.j2").read_text()
    assert with_override("brief/content.html.j2", same).templates == base.templates
    assert with_override("brief/content.html.j2", same + "<p>x</p>").templates != base.templates


def test_an_incomplete_edition_is_not_current(filled):
    settings, _ = filled
    fp = backfill.fingerprints(settings)
    pdf = settings.editions_dir / "2025-12" / "brief.pdf"
    kept = pdf.with_suffix(".kept")
    os.replace(pdf, kept)
    try:
        assert not backfill.is_current(settings, "2025-12", fp)
    finally:
        os.replace(kept, pdf)
    assert backfill.is_current(settings, "2025-12", fp)


def test_failed_editions_are_collected_in_one_line(filled):
    settings, _ = filled
    with pytest.raises(UserError) as exc:
        backfill.run(settings, ["2023-06", "2023-07"], workers=2)
    msg = str(exc.value)
    assert msg.startswith("2 of 2 editions failed (the site was not touched); first, 2023-06:")
    assert "base year 2023 is not complete" in msg
    assert "\n" not in msg


def test_default_months_start_after_the_base_year(filled):
    settings, _ = filled
    months = backfill.default_months(settings)
    # the sample runs to September 2026
    assert months[0] == "2024-01" and months[-1] == "2026-09" and len(months) == 33
    assert backfill.default_months(settings, "2025-11", "2025-12") == MONTHS
    with pytest.raises(UserError, match="no month to backfill from 2031-01"):
        backfill.default_months(settings, "2031-01")


def test_backfill_command_publishes_the_site(filled, capsys):
    settings, _ = filled
    args = ["--config", str(settings.source_path), "backfill", "--from", "2025-11"]
    args += ["--to", "2025-12"]
    main([*args, "--no-deploy"])
    err = capsys.readouterr().err
    assert "2 editions: 0 built, 2 up to date" in err
    assert "site: 2 editions" in err
    assert (settings.site_dir / "2025-11" / "index.html").is_file()


def test_a_note_rebuilds_its_edition_only(filled):
    """(Last: the edition with the note is built again once the note is gone.)"""
    settings, _ = filled
    notes = settings.root / "editions"
    notes.mkdir(exist_ok=True)
    (notes / "2025-11.md").write_text("An editor's note.\n")
    try:
        result = backfill.run(settings, MONTHS, workers=2)
        assert statuses(result) == {"2025-11": "built", "2025-12": "skipped"}
    finally:
        shutil.rmtree(notes)
