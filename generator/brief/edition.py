"""Build one edition: metrics → narrative → charts → HTML + PDF, in a temporary folder,
checked, then swapped into output/editions/YYYY-MM/. A failure leaves the old edition.

The swap is one atomic exchange where the system has it (generator.fsutil). A build
killed between the two renames of the fallback, or with its staging folder half full,
is repaired by `recover_all`, which runs before editions are built or listed: the
edition set aside goes back, and staging folders of dead builds (or older than
STALE_AFTER) are removed."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from generator import fsutil, pipeline, templating
from generator.analysis.metrics import Metrics
from generator.brief import narrative as narrative_mod
from generator.brief import render
from generator.config import Settings
from generator.errors import UserError

STAGING = fsutil.STAGING
# A build takes minutes at most: a staging folder untouched for this long is abandoned,
# even if a process with its owner's pid is still alive (pids are reused).
STALE_AFTER = 6 * 3600
# Hidden folders beside the editions that belong to one (staging, set aside).
_LEFTOVER = re.compile(r"^\.(\d{4}-\d{2})\.")


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
    """Render into `dest` (default output/editions/YYYY-MM/), swapped in only when whole.
    The staging folder goes on every exit; one left by a killed build goes at the next."""
    timings = timings if timings is not None else {}
    final = dest or pipeline.edition_dir(settings, metrics.month)
    final.parent.mkdir(parents=True, exist_ok=True)
    recover_all(final.parent)
    staging = fsutil.make_staging(final)
    try:
        headline = _render_into(staging, settings, metrics, formats, timings)
        fsutil.swap_in(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already after a swap
    files = ["brief.html", *(["brief.pdf"] if "pdf" in formats else []), "metrics.json"]
    return EditionResult(metrics.month, final, headline, timings, files)


def _render_into(
    staging: Path,
    settings: Settings,
    metrics: Metrics,
    formats: tuple[str, ...],
    timings: dict[str, float],
) -> str:
    """Write every file of the edition into staging and check them; the headline."""
    dirs = template_dirs(settings)
    t = time.perf_counter()
    pipeline.write_metrics(metrics, staging / "metrics.json")
    n = narrative_mod.for_edition(settings, metrics.doc)
    timings["narrative"] = time.perf_counter() - t

    t = time.perf_counter()
    views, chart_files = _write_charts(staging, metrics, dirs)
    timings["charts"] = time.perf_counter() - t

    t = time.perf_counter()
    # In the PDF, data links point at the published site (relative links would
    # resolve to the build folder on this machine).
    online = f"{settings.site.base_url.rstrip('/')}/{metrics.month}/data/"
    print_views = [dataclasses.replace(v, csv_href=online + Path(v.csv_href).name) for v in views]
    page, print_page = render.render_html(
        metrics.doc, n, views, dirs, (print_views, online + "metrics.json")
    )
    (staging / "brief.html").write_text(page, encoding="utf-8")
    timings["html"] = time.perf_counter() - t
    if "pdf" in formats:
        t = time.perf_counter()
        render.render_pdf(print_page, staging, staging / "brief.pdf", dirs)
        timings["pdf"] = time.perf_counter() - t
    check(staging, chart_files, "pdf" in formats)
    return n.headline


def _write_charts(
    staging: Path, metrics: Metrics, dirs: list[Path]
) -> tuple[list[render.ChartView], list[str]]:
    """Charts and charts/charts.json (what each chart says, for the site, the e-mail and
    anyone reusing the files); the views for the page and the SVG names."""
    from generator.brief import charts as charts_mod

    made = charts_mod.make_charts(
        metrics.doc, staging / "charts", templating.subdirs(dirs, "styles")
    )
    keys = ("key", "title", "alt", "source")
    listing = [
        {
            **{k: getattr(c, k) for k in keys},
            "svg": c.svg.name,
            "png": c.png.name,
            "csv": c.csv.name,
        }
        for c in made
    ]
    (staging / "charts" / "charts.json").write_text(
        json.dumps(listing, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    views = [render.ChartView.of(c, f"charts/{c.svg.name}", f"charts/{c.csv.name}") for c in made]
    return views, [c.svg.name for c in made]


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


def recover_all(root: Path) -> None:
    """Before editions are listed or built: put back every edition a killed swap set
    aside, and remove what killed builds left (their owner is gone, or it is older than
    STALE_AFTER), so no command ever sees a month missing or collects stale folders."""
    if not root.is_dir():
        return
    months = {m.group(1) for p in root.iterdir() if (m := _LEFTOVER.match(p.name))}
    for month in sorted(months):
        fsutil.recover(root / month)
    oldest = time.time() - STALE_AFTER
    for p in root.iterdir():
        found = _LEFTOVER.match(p.name)
        if not found or p.is_symlink() or not p.is_dir():
            continue
        rest = p.name[found.end() :]
        if rest == fsutil.OLD or rest.startswith(f"{fsutil.OLD}-"):
            continue  # set aside by a swap: fsutil.recover decides, under its lock
        try:
            stale = p.stat().st_mtime < oldest
        except FileNotFoundError:  # another process removed it meanwhile
            continue
        if stale:
            shutil.rmtree(p, ignore_errors=True)
