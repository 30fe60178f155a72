"""HTML page and PDF from one content template (templates/brief/), PDF by WeasyPrint."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import matplotlib
from jinja2.sandbox import SandboxedEnvironment

from generator import numbers, templating, yamlio
from generator.errors import UserError
from generator.narrative import Narrative


@dataclass(frozen=True)
class ChartView:
    """What the layout needs of a chart: links relative to the edition folder."""

    key: str
    label: str
    title: str
    alt: str
    source: str
    svg_href: str
    csv_href: str

    @classmethod
    def of(cls, chart: Any, svg_href: str, csv_href: str) -> ChartView:
        """From a chart (or its charts.json entry): key, title, alt and source."""
        return cls(
            key=chart.key,
            label=f"{chart.key.replace('_', ' ')} data",
            title=chart.title,
            alt=chart.alt,
            source=chart.source,
            svg_href=svg_href,
            csv_href=csv_href,
        )


def environment(brief_dir: Path, extra_dirs: list[Path] | None = None) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=templating.loader([*(extra_dirs or []), brief_dir]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(numbers.FILTERS)
    return env


def font_css() -> str:
    """Embed the DejaVu fonts matplotlib ships, so the PDF looks the same on any server."""
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = [
        ("DejaVuSans.ttf", "normal", "normal"),
        ("DejaVuSans-Bold.ttf", "bold", "normal"),
        ("DejaVuSans-Oblique.ttf", "normal", "italic"),
        ("DejaVuSans-BoldOblique.ttf", "bold", "italic"),
    ]
    rules = []
    for name, weight, style in faces:
        path = ttf / name
        if path.exists():
            rules.append(
                "@font-face { font-family: 'DejaVu Sans'; "
                f"src: url('{path.as_uri()}'); font-weight: {weight}; font-style: {style}; }}"
            )
    return "\n".join(rules)


def brand(brief_dir: Path) -> str:
    path = brief_dir / "brand.yaml"
    if not path.exists():
        return "AI Trade Brief"
    doc = yamlio.load(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("title"), str):
        raise UserError("expected `title: …`", where=str(path))
    return doc["title"]


def _context(
    doc: dict[str, Any], n: Narrative, charts: list[ChartView], dirs: list[Path]
) -> dict[str, Any]:
    def css(name: str) -> str:
        return templating.find(dirs, f"styles/{name}").read_text(encoding="utf-8")

    brand_file = next(
        (d / "brief" / "brand.yaml" for d in dirs if (d / "brief" / "brand.yaml").is_file()), None
    )
    return {
        "m": doc,
        "n": n,
        "charts": {c.key: c for c in charts},
        "brand": brand(brand_file.parent) if brand_file else "AI Trade Brief",
        "css": {"screen": css("brief.css"), "print": css("print.css"), "fonts": font_css()},
    }


# Pages render like every other template (one line with file:line on failure).
render_page = templating.render


def render_html(
    doc: dict[str, Any],
    n: Narrative,
    charts: list[ChartView],
    templates_dir: Path | list[Path],
    print_links: tuple[list[ChartView], str] | None = None,
) -> tuple[str, str]:
    """The web page and the print HTML (input of the PDF). `templates_dir`: a folder or
    the lookup chain (overrides first). `print_links`: the charts and the metrics link to
    use in the PDF, where relative links would point nowhere."""
    dirs = [templates_dir] if isinstance(templates_dir, Path) else list(templates_dir)
    brief = templating.subdirs(dirs, "brief")
    env = environment(brief[-1], brief[:-1])
    ctx = _context(doc, n, charts, dirs)
    page = render_page(env, "web.html.j2", ctx)
    if print_links is not None:
        views, metrics_href = print_links
        ctx = {**ctx, "charts": {c.key: c for c in views}, "metrics_href": metrics_href}
    return page, render_page(env, "print.html.j2", ctx)


def render_pdf(print_html: str, base_dir: Path, out: Path) -> None:
    """WeasyPrint; images resolve against the edition folder being built."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # Pango missing: say so instead of a deep traceback
        raise UserError(
            "WeasyPrint cannot load the system's Pango library "
            "(Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0): "
            f"{exc}"
        ) from None
    HTML(string=print_html, base_url=str(base_dir) + "/").write_pdf(str(out))


def plain_text(page: str) -> str:
    """Visible text of a page, for checks (numbers are compared with metrics.json)."""
    import re

    body = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", page)
    body = re.sub(r"(?s)<[^>]+>", " ", body)
    return " ".join(html.unescape(body).split())
