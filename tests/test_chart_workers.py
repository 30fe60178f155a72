"""One edition's charts drawn in forked workers (charts/output.py, `drawing`, over
generator/forked.py), as `aibrief render` and `aibrief run` do beside the narrative: the
same files, the same errors, and no worker left behind whatever happens (the workers
themselves: tests/test_forked.py)."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
from pathlib import Path

import pytest

from generator import forked
from generator.brief import edition
from generator.brief.charts import make_charts, output
from generator.errors import UserError
from tests.conftest import REPO
from tests.test_charts import STYLES, broken_styles, make_doc


@pytest.fixture
def pids(monkeypatch, tmp_path):
    """The process each chart is drawn in (one line a chart, written by that process)."""
    record = tmp_path / "pids"
    draw = output._draw

    def spy(job, key):
        with record.open("a", encoding="utf-8") as fh:
            fh.write(f"{key} {os.getpid()}\n")
        return draw(job, key)

    monkeypatch.setattr(output, "_draw", spy)
    return lambda: dict(line.split() for line in record.read_text().splitlines())


@pytest.fixture
def alone(monkeypatch):
    """This process taken as safe to fork from: a test file run before this one in the
    same pytest worker may have left a thread idle (a stopped server's), which would
    make `drawing` draw here (test_no_fork_beside_another_thread checks that rule)."""
    monkeypatch.setattr(forked, "can_fork", lambda: True)


@pytest.fixture
def pools(monkeypatch):
    """The worker pools started (forked.forked's)."""
    made = []

    class Counted(forked.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            made.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(forked, "ProcessPoolExecutor", Counted)
    return made


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_workers_draw_what_one_process_draws(tmp_path, pids, alone):
    # the workers first, forked from a process that has drawn nothing yet in this test
    doc = make_doc("up")
    shared = make_charts(doc, tmp_path / "two", STYLES, workers=2)
    assert str(os.getpid()) not in pids().values()  # every chart in a worker
    (tmp_path / "pids").unlink()
    alone_ = make_charts(doc, tmp_path / "one", STYLES)
    assert set(pids().values()) == {str(os.getpid())}
    assert [c.model for c in shared] == [c.model for c in alone_]  # in the brief's order
    assert [c.print_svg for c in shared] == [c.print_svg for c in alone_]
    assert _files(tmp_path / "two") == _files(tmp_path / "one")  # byte for byte
    assert multiprocessing.active_children() == []


def test_a_broken_chart_text_names_file_and_line_from_a_worker(tmp_path, pids, alone):
    old = 'axis: "AI-related share of U.S. goods imports"'
    styles, line = broken_styles(tmp_path, old, 'axis: "{{ no_such_name|pct }}"')
    with pytest.raises(UserError) as err:
        make_charts(make_doc("up"), tmp_path / "out", styles, workers=2)
    assert str(os.getpid()) not in pids().values()  # raised in a worker
    assert err.value.where.startswith(f"{styles / 'charts.yaml'}:{line}")
    assert "no_such_name" in str(err.value)
    assert multiprocessing.active_children() == []


def test_no_fork_beside_another_thread(tmp_path, pids):
    """A thread of this process could hold a lock at the fork, held for ever in the
    child: with one running (the scheduler's, a progress bar's), charts are drawn here."""
    go = threading.Event()
    other = threading.Thread(target=go.wait, daemon=True)
    other.start()
    try:
        assert not forked.can_fork()
        made = make_charts(make_doc("up"), tmp_path / "out", STYLES, workers=2)
    finally:
        go.set()
        other.join()
    assert len(made) >= 5
    assert set(pids().values()) == {str(os.getpid())}


def test_a_failure_while_the_charts_draw_leaves_no_worker(tmp_path, alone):
    doc = make_doc("up")
    with pytest.raises(RuntimeError, match="narrative"), output.drawing(doc, tmp_path, STYLES, 2):
        assert multiprocessing.active_children() != []  # drawing, meanwhile
        raise RuntimeError("the narrative failed")
    assert multiprocessing.active_children() == []


def test_a_broken_narrative_beside_drawing_charts_keeps_the_edition(
    sample_edition, tmp_path, alone, pools
):
    """The narrative is written while the charts draw: its error is the one reported,
    with file and line, and the edition as it was."""
    settings, folder = sample_edition
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    (templates / "narrative" / "zoom_in.j2").write_text("Line one\n{{ oops(", encoding="utf-8")
    broken = settings.model_copy(deep=True)
    broken.templates.dir = templates
    broken._source_path = settings.source_path
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    with pytest.raises(UserError) as err:
        edition.build(broken, "2025-12", chart_workers=2)
    assert len(pools) == 1  # the charts were drawing in workers when it failed
    assert "zoom_in.j2:2" in str(err.value) and "\n" not in str(err.value)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]
    assert multiprocessing.active_children() == []


def test_one_edition_is_drawn_on_the_cores_it_may_use(monkeypatch):
    monkeypatch.setattr(forked, "cores", lambda: 1)
    assert edition.chart_workers() == 1
    monkeypatch.setattr(forked, "cores", lambda: 16)
    assert edition.chart_workers() == edition.CHART_WORKERS_MAX == 3
