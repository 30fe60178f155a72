"""HTML page and PDF from one content template (templates/brief/), PDF by WeasyPrint."""

from __future__ import annotations

import contextlib
import functools
import html
import mimetypes
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import matplotlib

from generator import templating, yamlio
from generator.brief import pdfguard
from generator.brief.built import Brand, NarrativeDoc
from generator.brief.narrative import Narrative
from generator.errors import UserError

# WeasyPrint copies @font-face fonts into a folder of $TMPDIR and leaves its removal to
# garbage collection, which a pool worker never runs: the renderer names that folder and
# removes it itself. One left by a killed render is removed by the next render once
# untouched for STALE_FONT_DIR_AGE seconds (a render takes seconds).
FONT_DIR_PREFIX = "aibrief-fonts-"
STALE_FONT_DIR_AGE = 3600.0
FONT_FACES = (
    ("DejaVuSans.ttf", "normal", "normal"),
    ("DejaVuSans-Bold.ttf", "bold", "normal"),
    ("DejaVuSans-Oblique.ttf", "normal", "italic"),
    ("DejaVuSans-BoldOblique.ttf", "bold", "italic"),
)


@dataclass(frozen=True)
class ChartView:
    """What the layout needs of a chart: links relative to the edition folder.
    `svg_href` is the image the page shows: the SVG, on the web and in the PDF."""

    key: str
    label: str
    title: str
    alt: str
    source: str
    svg_href: str
    csv_href: str
    narrow_href: str = ""  # the narrow PNG (phones), beside svg_href; "" if none

    @classmethod
    def of(cls, chart: Any, svg_href: str, csv_href: str) -> ChartView:
        """From a chart (or its charts.json entry): key, title, alt and source."""
        narrow = getattr(chart, "narrow", "")
        folder = svg_href.rpartition("/")[0]
        return cls(
            key=chart.key,
            label=f"{chart.key.replace('_', ' ')} data",
            title=chart.title,
            alt=chart.alt,
            source=chart.source,
            svg_href=svg_href,
            csv_href=csv_href,
            narrow_href=(f"{folder}/{Path(narrow).name}" if folder else Path(narrow).name)
            if narrow
            else "",
        )


def environment(brief_dir: Path, extra_dirs: list[Path] | None = None) -> jinja2.Environment:
    """The page's environment (HTML, escaped): `extra_dirs` first, then `brief_dir`."""
    return templating.environment([*(extra_dirs or []), brief_dir], autoescape=True)


def font_folder() -> Path:
    """matplotlib's DejaVu fonts: the only files outside the edition and the templates
    the PDF renderer reads."""
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def font_files() -> list[Path]:
    return [font_folder() / name for name, _, _ in FONT_FACES if (font_folder() / name).exists()]


def font_css() -> str:
    """Embed the DejaVu fonts matplotlib ships, so the PDF looks the same on any server."""
    rules = []
    for name, weight, style in FONT_FACES:
        path = font_folder() / name
        if path.exists():
            rules.append(
                "@font-face { font-family: 'DejaVu Sans'; "
                f"src: url('{path.as_uri()}'); font-weight: {weight}; font-style: {style}; }}"
            )
    return "\n".join(rules)


def brand_of(dirs: Sequence[Path]) -> Brand:
    """The brand along the lookup chain: brief/brand.yaml of the first folder having one.
    Read by the build only; outlets take it from the edition's brand.json."""
    found = next(
        (d / "brief" / "brand.yaml" for d in dirs if (d / "brief" / "brand.yaml").is_file()), None
    )
    return _brand_file(found) if found else Brand()


def _brand_file(path: Path) -> Brand:
    if not path.exists():
        return Brand()
    doc = yamlio.load(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("title"), str):
        raise UserError("expected `title: …`", where=str(path))
    return Brand(title=doc["title"])


def _context(
    doc: dict[str, Any],
    n: Narrative | NarrativeDoc,
    charts: list[ChartView],
    dirs: list[Path],
    brand: Brand,
) -> dict[str, Any]:
    def css(name: str) -> str:
        return templating.find(dirs, f"styles/{name}").read_text(encoding="utf-8")

    return {
        "m": doc,
        "n": n,
        "charts": {c.key: c for c in charts},
        "brand": brand.title,
        "css": {"screen": css("brief.css"), "print": css("print.css"), "fonts": font_css()},
    }


# Pages render like every other template (one line with file:line on failure).
render_page = templating.render


def render_html(
    doc: dict[str, Any],
    n: Narrative | NarrativeDoc,
    charts: list[ChartView],
    templates_dir: Path | list[Path],
    print_links: tuple[list[ChartView], str] | None = None,
    brand: Brand | None = None,
) -> tuple[str, str]:
    """The web page and the print HTML (input of the PDF). `templates_dir`: a folder or
    the lookup chain (overrides first). `print_links`: the charts and the metrics link to
    use in the PDF, where relative links would point nowhere. `brand`: the edition's (by
    default, the one the templates hold now)."""
    dirs = [templates_dir] if isinstance(templates_dir, Path) else list(templates_dir)
    brief = templating.subdirs(dirs, "brief")
    env = environment(brief[-1], brief[:-1])
    ctx = _context(doc, n, charts, dirs, brand or brand_of(dirs))
    page = render_page(env, "web.html.j2", ctx)
    if print_links is not None:
        views, metrics_href = print_links
        ctx = {**ctx, "charts": {c.key: c for c in views}, "metrics_href": metrics_href}
    return page, render_page(env, "print.html.j2", ctx)


def _weasyprint() -> Any:
    """The weasyprint module; a missing Pango library is said in one line."""
    try:
        import weasyprint
    except OSError as exc:  # Pango missing: say so instead of a deep traceback
        raise UserError(
            "WeasyPrint cannot load the system's Pango library "
            "(Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0): "
            f"{exc}"
        ) from None
    return weasyprint


@functools.cache
def _fetcher_class() -> type:
    """A WeasyPrint URL fetcher that reads only what pdfguard.Sources allows (defined
    on first use: importing WeasyPrint needs Pango)."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class GuardedFetcher(URLFetcher):
        """Refuses (and records) every URL outside the sources, before any I/O; the
        refusal is fatal to WeasyPrint, and a recorded one fails the build even where
        WeasyPrint swallows errors (SVG drawing)."""

        def __init__(
            self, sources: pdfguard.Sources, attach: bool, refused: list[pdfguard.Refusal]
        ) -> None:
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
            self.sources, self.attach, self.refused = sources, attach, refused

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            reason = self.sources.refusal(url, self.attach)
            if reason is not None:
                self.refused.append(pdfguard.Refusal(url, reason, self.attach))
                raise FatalURLFetchingError(f"refused: {url}")
            if urlsplit(url).scheme.lower() == "data":
                return super().fetch(url, headers)
            path = self.sources.path(url)  # read exactly the file that was allowed
            if path is None:
                raise ValueError(f"not a local file: {url}")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    return GuardedFetcher


def _sweep_font_folders() -> None:
    """Remove the font folders killed renders of this tool left in $TMPDIR: ours by
    name and owner, and untouched long enough that no render is still using them."""
    oldest = time.time() - STALE_FONT_DIR_AGE
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(FONT_DIR_PREFIX):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if (
            entry.is_dir(follow_symlinks=False)
            and st.st_uid == os.getuid()
            and st.st_mtime < oldest
        ):
            shutil.rmtree(entry.path, ignore_errors=True)


@contextlib.contextmanager
def _font_config() -> Iterator[Any]:
    """WeasyPrint's font configuration with its @font-face folder named by us and
    removed on exit (WeasyPrint leaves it to garbage collection)."""
    from weasyprint.text.fonts import FontConfiguration

    _sweep_font_folders()
    config = FontConfiguration()
    made = getattr(config, "_folder", None)  # older WeasyPrint makes one up front
    if made:
        shutil.rmtree(made, ignore_errors=True)
    config._folder = Path(tempfile.mkdtemp(prefix=FONT_DIR_PREFIX))
    try:
        yield config
    finally:
        folder = getattr(config, "_folder", None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
        config._folder = None


def render_pdf(print_html: str, base_dir: Path, out: Path, templates: Sequence[Path] = ()) -> None:
    """WeasyPrint; images resolve against the edition folder being built. Only what
    pdfguard.Sources allows is read (`templates`: the template chain, overrides first);
    anything else stops the build in one line naming the template and the URL."""
    weasyprint = _weasyprint()
    from weasyprint.html import get_html_metadata
    from weasyprint.urls import FatalURLFetchingError

    sources = pdfguard.Sources.of(base_dir, templates, font_files())
    refused: list[pdfguard.Refusal] = []
    fetcher = _fetcher_class()
    load, attach = fetcher(sources, False, refused), fetcher(sources, True, refused)
    try:
        with _font_config() as fonts:
            page = weasyprint.HTML(
                string=print_html, base_url=str(base_dir) + "/", url_fetcher=load
            )
            document = page.render(font_config=fonts)
            # Attachments are read while the PDF is written: through the attachment
            # fetcher, for <a rel=attachment> (the document's) and <link> (metadata).
            page.url_fetcher = document.url_fetcher = attach
            document.metadata.attachments = get_html_metadata(page)["attachments"]
            if not refused:
                document.write_pdf(str(out))
    except FatalURLFetchingError:
        if not refused:
            raise
    if refused:
        out.unlink(missing_ok=True)
        first = refused[0]
        raise UserError(first.message(), where=pdfguard.locate(first.url, templates))


def plain_text(page: str) -> str:
    """Visible text of a page, for checks (numbers are compared with metrics.json)."""
    import re

    body = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", page)
    body = re.sub(r"(?s)<[^>]+>", " ", body)
    return " ".join(html.unescape(body).split())
