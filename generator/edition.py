"""Build one edition: metrics → narrative → charts → HTML + PDF, in a temporary folder,
checked, then swapped into output/editions/YYYY-MM/. A failure leaves the old edition."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from generator import narrative as narrative_mod
from generator import pipeline, render, templating
from generator.config import Settings
from generator.errors import UserError
from generator.metrics import Metrics
from generator.warehouse import DIR_MODE


@dataclass
class EditionResult:
    month: str
    folder: Path
    headline: str
    timings: dict[str, float] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # the main files written


def templates_dir(settings: Settings) -> Path:
    return settings.path(settings.templates.dir)


def template_dirs(settings: Settings) -> list[Path]:
    """The lookup chain: templates.overrides first (when set), then templates.dir."""
    return settings.template_dirs


def build(
    settings: Settings, month: str | None = None, formats: tuple[str, ...] = ("html", "pdf")
) -> EditionResult:
    """Compute and render an edition; swap it in only when every part is there."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    metrics = pipeline.compute_metrics(settings, month)
    timings["metrics"] = time.perf_counter() - t
    return render_edition(settings, metrics, formats, timings)


def render_edition(
    settings: Settings,
    metrics: Metrics,
    formats: tuple[str, ...] = ("html", "pdf"),
    timings: dict[str, float] | None = None,
    dest: Path | None = None,
) -> EditionResult:
    """Render into `dest` (default output/editions/YYYY-MM/), swapped in only when whole."""
    from generator import charts as charts_mod

    timings = timings if timings is not None else {}
    dirs = template_dirs(settings)
    final = dest or pipeline.edition_dir(settings, metrics.month)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{metrics.month}.", dir=final.parent))
    os.chmod(staging, DIR_MODE)
    try:
        t = time.perf_counter()
        pipeline.write_metrics(metrics, staging / "metrics.json")
        n = narrative_mod.for_edition(settings, metrics.doc)
        timings["narrative"] = time.perf_counter() - t

        t = time.perf_counter()
        made = charts_mod.make_charts(
            metrics.doc, staging / "charts", templating.subdirs(dirs, "styles")
        )
        views = [
            render.ChartView.of(c, f"charts/{c.svg.name}", f"charts/{c.csv.name}") for c in made
        ]
        # What each chart says, for the site, the e-mail and anyone reusing the files.
        (staging / "charts" / "charts.json").write_text(
            json.dumps(
                [
                    {
                        "key": c.key,
                        "title": c.title,
                        "alt": c.alt,
                        "source": c.source,
                        "svg": c.svg.name,
                        "png": c.png.name,
                        "csv": c.csv.name,
                    }
                    for c in made
                ],
                indent=2,
                ensure_ascii=False,
            )
            + "\n",
            encoding="utf-8",
        )
        timings["charts"] = time.perf_counter() - t

        t = time.perf_counter()
        # In the PDF, data links point at the published site (relative links would
        # resolve to the build folder on this machine).
        online = f"{settings.site.base_url.rstrip('/')}/{metrics.month}/data/"
        print_views = [
            dataclasses.replace(v, csv_href=online + Path(v.csv_href).name) for v in views
        ]
        page, print_page = render.render_html(
            metrics.doc, n, views, dirs, (print_views, online + "metrics.json")
        )
        (staging / "brief.html").write_text(page, encoding="utf-8")
        timings["html"] = time.perf_counter() - t
        if "pdf" in formats:
            t = time.perf_counter()
            render.render_pdf(print_page, staging, staging / "brief.pdf")
            timings["pdf"] = time.perf_counter() - t
        check(staging, [c.svg.name for c in made], "pdf" in formats)
        swap(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    files = ["brief.html", *(["brief.pdf"] if "pdf" in formats else []), "metrics.json"]
    return EditionResult(metrics.month, final, n.headline, timings, files)


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
        if not (folder / src).is_file():
            raise UserError(f"edition check failed: the page links a missing image {src}")
    for name in chart_files:
        if f"charts/{name}" not in parser.images:
            raise UserError(f"edition check failed: chart {name} is not on the page")
    if pdf:
        blob = (folder / "brief.pdf").read_bytes()
        if not blob.startswith(b"%PDF") or len(blob) < 1000:
            raise UserError("edition check failed: brief.pdf is not a PDF")


def swap(staging: Path, final: Path) -> None:
    """Replace the edition folder in two renames; the old one is removed last."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
    os.replace(staging, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
