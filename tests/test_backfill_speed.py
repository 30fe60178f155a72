"""What makes a backfill cheap (#15 item 4), checked as behaviour, not as speed: one
warehouse scan serves every edition of the run, with metrics.json byte for byte what an
edition built alone gets; a pool worker scanning on its own shares the cores; each chart
is laid out once; the PDF carries the charts as SVGs with their text as text (WeasyPrint
paints an SVG's every glyph path in Python), the web page keeps its SVGs; `aibrief
metrics` computes no month but its own. The figures: benchmarks/README.md."""

from __future__ import annotations

import io
import json
import shutil
from html.parser import HTMLParser

import pytest
from PIL import Image
from pypdf import PdfReader

from generator import config, templating
from generator.analysis import document
from generator.brief import backfill, charts
from generator.data import queries
from tests.conftest import run_cli, write_config

MONTHS = ["2024-06", "2025-11", "2025-12"]  # not adjacent: each is cut from the shared sums


@pytest.fixture(scope="module")
def settings(sample_edition, tmp_path_factory):
    """The sample warehouse with no edition yet."""
    s = config.load(write_config(tmp_path_factory.mktemp("backfill-speed")))
    shutil.copytree(sample_edition[0].warehouse_dir, s.warehouse_dir)
    return s


@pytest.fixture(scope="module")
def built(settings):
    """MONTHS backfilled in two worker processes (the shared sums travel to them)."""
    result = backfill.run(settings, MONTHS, workers=2)
    assert result.count("built") == len(MONTHS)
    return settings


def test_backfill_metrics_are_byte_identical_to_an_edition_built_alone(built):
    for month in MONTHS:
        alone = document.metrics_json(document.compute_metrics(built, month))
        written = (backfill.store.edition_dir(built, month) / "metrics.json").read_bytes()
        assert written == alone.encode("utf-8"), month


def test_the_previous_month_is_computed_only_for_a_caller_that_reads_it(
    settings, monkeypatch, capsys
):
    # An edition tells its news against the previous month's document; `aibrief metrics`
    # writes only its own month's, and computes no other.
    computed: list[str] = []
    real = document.m.compute

    def compute(inp, month, opts=None):
        computed.append(month)
        return real(inp, month, opts)

    monkeypatch.setattr(document.m, "compute", compute)
    full = document.compute_metrics(settings, "2025-12")
    assert computed == ["2025-12", "2025-11"]
    assert full.previous == document.compute_metrics(settings, "2025-11", previous=False).doc
    computed.clear()
    alone = document.compute_metrics(settings, "2025-12", previous=False)
    assert computed == ["2025-12"] and alone.previous is None and alone.doc == full.doc
    computed.clear()
    out = settings.output_dir / "m.json"
    assert (
        run_cli(["--config", str(settings.source_path), "metrics", "--out", str(out)], capsys)[0]
        == 0
    )
    assert computed == ["2026-09"]  # the latest month of the sample, alone


def test_one_scan_serves_every_edition(settings, tmp_path, monkeypatch):
    s = config.load(write_config(tmp_path))
    shutil.copytree(settings.warehouse_dir, s.warehouse_dir)
    scans: list[tuple[str | None, int]] = []
    real = document.warehouse_sums

    def counting(settings, upto=None, workers=1):
        scans.append((upto, workers))
        return real(settings, upto, workers)

    monkeypatch.setattr(document, "warehouse_sums", counting)  # the per-edition path
    monkeypatch.setattr(backfill, "warehouse_sums", counting)  # the shared one
    result = backfill.run(s, MONTHS, workers=1)
    assert result.count("built") == len(MONTHS)
    assert scans == [("2025-12", 1)]  # once, up to the last month, alone on the machine
    scans.clear()
    again = backfill.run(s, MONTHS, workers=1)
    assert again.count("skipped") == len(MONTHS) and scans == []  # nothing to build: no scan


def test_a_worker_scanning_alone_shares_the_cores(settings, monkeypatch):
    """A month outside the shared sums (or none handed over) is scanned by the worker,
    with cores and memory divided among the workers."""
    engines: list[queries.Engine] = []
    real = queries.Engine

    def recording(*args, **kwargs):
        engines.append(real(*args, **kwargs))
        raise RuntimeError("stop after the engine is made")

    monkeypatch.setattr(queries, "Engine", recording)
    monkeypatch.setattr(backfill, "_shared", None)
    # Nothing kept from earlier runs (an earlier test filled the cache): it must scan.
    shutil.rmtree(settings.cache_dir, ignore_errors=True)
    with pytest.raises(RuntimeError, match="stop after"):
        backfill._work(settings, "2025-12", backfill.fingerprints(settings), 2)
    (engine,) = engines
    assert engine.workers == 2
    cores = 4  # threads = cores ÷ workers, whatever this machine has
    monkeypatch.setattr(queries.os, "cpu_count", lambda: cores)
    assert engine.threads == 2
    assert engine.memory == f"{settings.warehouse.memory_limit_mb // 2}MB"


def test_each_chart_is_drawn_once_per_file(built, tmp_path, monkeypatch):
    """One layout per figure, then one draw for each file made from it (its PNG, and
    for a wide chart the web SVG and the PDF's): no throw-away draw to lay out again
    before a save."""
    from matplotlib import layout_engine
    from matplotlib.figure import Figure

    # The figures themselves, not their id(): a freed figure's id may be reused.
    layouts: list[Figure] = []
    draws: list[Figure] = []
    real_layout, real_draw = layout_engine.ConstrainedLayoutEngine.execute, Figure.draw

    def layout(self, fig):
        layouts.append(fig)
        return real_layout(self, fig)

    def draw(self, renderer):
        draws.append(self)
        return real_draw(self, renderer)

    monkeypatch.setattr(layout_engine.ConstrainedLayoutEngine, "execute", layout)
    monkeypatch.setattr(Figure, "draw", draw)
    doc = document.compute_metrics(built, "2025-12").doc
    made = charts.make_charts(doc, tmp_path, templating.subdirs(built.template_dirs, "styles"))
    pngs, svgs = list(tmp_path.glob("*.png")), list(tmp_path.glob("*.svg"))
    laid_out = {id(f) for f in layouts}  # all still alive: ids are distinct figures
    assert len(made) >= 5 and len(svgs) == len(made)
    assert len(layouts) == len(laid_out) == len(pngs)  # each figure laid out once
    assert all(c.print_svg for c in made)
    # and drawn once for each of its files (the PDF's SVG is the third of a wide chart)
    assert len(draws) == len(pngs) + 2 * len(svgs)
    assert {id(f) for f in draws} == laid_out


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.src: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.src.append(dict(attrs).get("src") or "")


def test_the_pdf_and_the_page_carry_the_svg_charts(built):
    """House style: SVG on the web and in the PDF (vector, sharp in print), PNG in e-mail."""
    folder = backfill.store.edition_dir(built, "2025-12")
    listed = json.loads((folder / "charts" / "charts.json").read_text(encoding="utf-8"))
    assert len(listed) >= 5
    page = _Images()
    page.feed((folder / "brief.html").read_text(encoding="utf-8"))
    assert sorted(page.src) == sorted(f"charts/{c['svg']}" for c in listed)
    pdf = PdfReader(folder / "brief.pdf")
    images = [image for p in pdf.pages for image in p.images]
    assert images == []  # no raster chart: the charts are drawn as vectors
    for c in listed:
        png = (folder / "charts" / c["png"]).read_bytes()
        assert Image.open(io.BytesIO(png)).mode == "RGB"  # e-mail PNGs are opaque
    text = " ".join(p.extract_text() for p in pdf.pages)
    # The charts' own words (axis captions, tick labels, line labels) are text in the
    # PDF, as on a printed page (test_brief checks them against the page's charts).
    assert "Other goods 95" in text and "AI-related 200" in text
