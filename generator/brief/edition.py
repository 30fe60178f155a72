"""Build one edition: metrics → narrative → charts → HTML + PDF, in a temporary folder,
checked, then swapped into output/editions/YYYY-MM/. A failure leaves the old edition.

The swap is one atomic exchange where the system has it (generator.fsutil). A build
killed between the two renames of the fallback, or with its staging folder half full,
is repaired by `store.recover_all`, which runs before editions are built or listed: the
edition set aside goes back, and staging folders of dead builds (or older than
STALE_AFTER) are removed."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import shutil
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from generator import forked, fsutil, templating
from generator.analysis.document import compute_metrics, write_metrics
from generator.analysis.metrics import Metrics
from generator.brief import built, render
from generator.brief import narrative as narrative_mod
from generator.brief.store import edition_dir, recover_all
from generator.config import Settings
from generator.errors import UserError

STAGING = fsutil.STAGING


@dataclass
class EditionResult:
    month: str
    folder: Path
    headline: str
    timings: dict[str, float] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # the main files written


def template_dirs(settings: Settings) -> list[Path]:
    """The lookup chain: templates.overrides first (when set), then templates.dir."""
    return settings.template_dirs


def build(
    settings: Settings,
    month: str | None = None,
    formats: tuple[str, ...] = ("html", "pdf"),
    chart_workers: int = 1,
) -> EditionResult:
    """Compute and render an edition; swap it in only when every part is there."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    metrics = compute_metrics(settings, month)
    timings["metrics"] = time.perf_counter() - t
    return render_edition(settings, metrics, formats, timings, chart_workers=chart_workers)


# One edition's six charts take most of its build; a build of one edition (render, run)
# draws them in up to this many processes beside the narrative (a backfill builds
# editions in parallel instead, each drawing its own one after another).
CHART_WORKERS_MAX = 3


def chart_workers() -> int:
    """Processes for one edition's charts: the cores this process may use, at most
    CHART_WORKERS_MAX (1: drawn in this process)."""
    return min(CHART_WORKERS_MAX, forked.cores())


def render_edition(
    settings: Settings,
    metrics: Metrics,
    formats: tuple[str, ...] = ("html", "pdf"),
    timings: dict[str, float] | None = None,
    dest: Path | None = None,
    chart_workers: int = 1,
) -> EditionResult:
    """Render into `dest` (default output/editions/YYYY-MM/), swapped in only when whole.
    The staging folder goes on every exit; one left by a killed build goes at the next.
    `chart_workers` > 1: the charts are drawn in that many processes (`chart_workers()`)."""
    timings = timings if timings is not None else {}
    final = dest or edition_dir(settings, metrics.month)
    final.parent.mkdir(parents=True, exist_ok=True)
    recover_all(final.parent)
    staging = fsutil.make_staging(final)
    try:
        headline = _render_into(staging, settings, metrics, formats, timings, chart_workers)
        fsutil.swap_in(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already after a swap
    files = [built.HTML, *([built.PDF] if "pdf" in formats else []), built.METRICS]
    return EditionResult(metrics.month, final, headline, timings, files)


def _render_into(
    staging: Path,
    settings: Settings,
    metrics: Metrics,
    formats: tuple[str, ...],
    timings: dict[str, float],
    chart_workers: int = 1,
) -> str:
    """Write every file of the edition into staging, once, and check them; the headline.
    The page and the PDF render from the narrative.json, charts.json and brand.json just
    written, as every outlet will. With `chart_workers` > 1 the charts are drawn in
    other processes while this one writes the narrative and imports WeasyPrint: the
    "charts" timing is then the wall time from their start to the last of them, beside
    the narrative's, and the import counts in "pdf" as it does when made there."""
    from generator.brief import charts as charts_mod

    dirs = template_dirs(settings)
    write_metrics(metrics, staging / built.METRICS)
    styles = templating.subdirs(dirs, "styles")
    t_charts = time.perf_counter()
    with charts_mod.drawing(metrics.doc, staging / "charts", styles, chart_workers) as drawing:
        t = time.perf_counter()
        told = narrative_mod.for_edition(settings, metrics.doc, metrics.previous)
        words = built.narrative_doc(told, metrics.month)
        brand = render.brand_of(dirs)
        _write_json(staging / built.NARRATIVE, words.model_dump_json(indent=2))
        _write_json(staging / built.BRAND, brand.model_dump_json(indent=2))
        timings["narrative"] = time.perf_counter() - t
        t = time.perf_counter()
        if drawing.in_workers and "pdf" in formats:
            with contextlib.suppress(UserError):  # no Pango: render_pdf says so
                render._weasyprint()  # its import (≈ 0.5 s) while the charts draw
        pdf_import = time.perf_counter() - t
        if not drawing.in_workers:  # drawn here and now: the charts' own time
            t_charts = time.perf_counter()
        made = drawing.result()
    charts = [c.model for c in made]  # the charts.json entries (built.Chart)
    (staging / built.CHARTS).write_text(built.ChartList.dump(charts), encoding="utf-8")
    timings["charts"] = time.perf_counter() - t_charts

    t = time.perf_counter()
    # In the PDF, data links point at the published site (relative links would
    # resolve to the build folder on this machine). Charts stay SVG in the PDF, as the
    # house style asks (sharp at any zoom and in print): the SVG drawn for print, with
    # its text as text (charts/output.py, _print_svg), inline; benchmarks/README.md has
    # the cost.
    online = f"{settings.site.base_url.rstrip('/')}/{metrics.month}/data/"
    views = [render.ChartView.of(c, f"charts/{c.svg}", f"charts/{c.csv}") for c in charts]
    print_views = [
        dataclasses.replace(
            v, csv_href=online + c.model.csv, svg_href=_inline_svg(c.print_svg) or v.svg_href
        )
        for v, c in zip(views, made, strict=True)
    ]
    page, print_page = render.render_html(
        metrics.doc, words, views, dirs, (print_views, online + "metrics.json"), brand
    )
    (staging / built.HTML).write_text(page, encoding="utf-8")
    timings["html"] = time.perf_counter() - t
    if "pdf" in formats:
        t = time.perf_counter()
        render.render_pdf(print_page, staging, staging / built.PDF, dirs)
        timings["pdf"] = time.perf_counter() - t + pdf_import
    check(staging, [c.svg for c in charts], "pdf" in formats)
    built.BuiltEdition.read(staging, month=metrics.month, need_pdf="pdf" in formats)
    return words.headline


def _write_json(path: Path, text: str) -> None:
    path.write_text(text + "\n", encoding="utf-8")


def _inline_svg(svg: bytes) -> str:
    """An SVG as a data: URL ("" for none): the PDF's charts are not files of the
    edition, only of its PDF."""
    return f"data:image/svg+xml;base64,{base64.b64encode(svg).decode('ascii')}" if svg else ""


class _Parse(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")


def check(folder: Path, chart_files: list[str], pdf: bool) -> None:
    """The edition is complete: page, charts it links, PDF that opens."""
    page = (folder / "brief.html").read_text(encoding="utf-8")
    parser = _Parse()
    parser.feed(page)
    for src in parser.images:
        if src.lower().startswith("data:image/"):
            continue  # inline in the page itself
        if not (folder / src).is_file():
            raise UserError(f"edition check failed: the page links a missing image {src}")
    for name in chart_files:
        if f"charts/{name}" not in parser.images:
            raise UserError(f"edition check failed: chart {name} is not on the page")
    if pdf:
        blob = (folder / "brief.pdf").read_bytes()
        if not blob.startswith(b"%PDF") or len(blob) < 1000:
            raise UserError("edition check failed: brief.pdf is not a PDF")
