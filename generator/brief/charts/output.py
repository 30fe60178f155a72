"""Every chart of an edition, drawn and written: `<key>.svg` (web page; text as paths,
deterministic bytes), `<key>.png` (the chart as an image, for reuse),
`<key>-narrow.png` (phones and e-mail: narrow.py) and `<key>.csv` (the data behind the
chart, from metrics.json). Each comes back as a `Chart`: its charts.json entry
(`built.Chart`, the one model of a chart), the folder its files are in, and the SVG the
PDF takes (text as text, in the fonts the PDF embeds: see `_print_svg`)."""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.text import Text
from PIL import Image

from generator import forked
from generator.brief import built, render
from generator.brief.charts import bars, lines, narrow, prices
from generator.brief.charts.draw import Plan, fill
from generator.brief.charts.style import Style, load_style
from generator.brief.charts.texts import CHART_KEYS
from generator.brief.charts.wording import common_context, environment, say, source_line

BUILDERS: dict[str, Callable[[dict[str, Any], Style], Plan | None]] = {
    "growth_index": lines.growth_index,
    "price_volume": prices.price_volume,
    "ai_share": lines.ai_share,
    "top_sources": bars.top_sources,
    "tariffs": lines.tariffs,
    "counterfactual": bars.counterfactual,
}
_UNITS = {"point", "points", "pp"}


@dataclass(frozen=True)
class Chart:
    """A chart just drawn: its charts.json entry and the folder of its files. The key,
    the words and the file paths read through to the model, so a chart is modelled once."""

    model: built.Chart
    folder: Path
    print_svg: bytes = b""  # the chart for the PDF (see _print_svg); b"": the file `svg`

    @property
    def key(self) -> str:
        return self.model.key

    @property
    def title(self) -> str:
        return self.model.title

    @property
    def alt(self) -> str:
        return self.model.alt

    @property
    def source(self) -> str:
        return self.model.source

    @property
    def svg(self) -> Path:
        return self.folder / self.model.svg

    @property
    def png(self) -> Path:
        return self.folder / self.model.png

    @property
    def csv(self) -> Path:
        return self.folder / self.model.csv

    @property
    def narrow(self) -> Path:
        return self.folder / (self.model.narrow or self.model.png)


def _wrap(text: str, prop: FontProperties, width_pt: float) -> str:
    """Break a title into lines no wider than width_pt, measured in the title's font."""
    words: list[str] = []
    for word in text.split():
        if words and word.rstrip(".,;:") in _UNITS:
            words[-1] += " " + word  # never "4.9 | points"
        else:
            words.append(word)
    return fill(words, prop, width_pt)


def _frame(fig: Figure, style: Style, title: str, source: str) -> None:
    """The title above the plot and the source line under it, flush with the left edge."""
    t = style.texts
    size = float(matplotlib.rcParams["font.size"])
    if t.source_in_image:
        small = max(8.0, size - 1)  # wrapped: a narrow chart has no room for one line
        source = _wrap(source, FontProperties(size=small), fig.get_figwidth() * 72 * 0.98)
        fig.supxlabel(source, x=0.005, ha="left", fontsize=small, color=t.palette["muted"])
    if t.title_in_image:
        prop = FontProperties(weight="bold", size=size + 1.5)
        fig.suptitle(
            _wrap(title, prop, fig.get_figwidth() * 72 * 0.98),
            x=0.005,
            ha="left",
            fontweight="bold",
            fontsize=size + 1.5,
            linespacing=1.25,
        )


def _cell(v: Any) -> Any:
    """None → empty; whole dollars without a trailing .0 (the value is unchanged)."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e18:
        return int(v)
    return v


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([_cell(v) for v in row])


# With these, a figure's layout engine set to None is none at all (savefig sets it back to
# None after saving, which would otherwise bring the style's constrained layout back).
_NO_LAYOUT = {"figure.autolayout": False, "figure.constrained_layout.use": False}


def _layout_once(fig: Figure) -> None:
    """Run the figure's layout engine once and freeze the result (call under _NO_LAYOUT):
    without an engine, each save draws once; with one, a save also lays out again in a
    throw-away draw of its own."""
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    fig.set_layout_engine(None)


@functools.cache
def _embedded_fonts() -> frozenset[str]:
    """The font files the PDF embeds (render.FONT_FACES), as findfont names them."""
    return frozenset(str(p.resolve()) for p in render.font_files())


@functools.cache
def _characters(path: str) -> frozenset[int]:
    """The code points a font file has glyphs for."""
    return frozenset(get_font(path).get_charmap())


# What the PDF sets a chart's text in: the family of the fonts it embeds.
_FAMILY = re.compile(rb"font-family: [^;\"]*")
_PDF_FAMILY = b"font-family: 'DejaVu Sans'"


def _print_svg(fig: Figure) -> bytes:
    """The chart for the PDF: the web SVG's drawing with its text as SVG text, not glyph
    outlines. WeasyPrint paints glyph outlines in Python, one path per letter (about
    0.5 CPU s an edition); text it sets with Pango in the fonts the PDF embeds anyway,
    and the chart's words become text a reader can search and copy.

    Only when matplotlib measured every text in one of those fonts (the file findfont
    gives it, fallback included, has a glyph for each character); then each text is
    set in that family, whatever the style asked for (a family this machine lacks, which
    Pango would replace with another, wider or narrower), with its spaces kept as drawn.
    Otherwise b"": the PDF takes the web SVG."""
    texts = fig.findobj(lambda a: isinstance(a, Text) and a.get_visible() and a.get_text())
    if not texts:
        return b""
    for text in texts:
        path = str(Path(findfont(text.get_fontproperties())).resolve())
        wanted = {ord(c) for c in text.get_text() if c not in "\n"}
        if path not in _embedded_fonts() or not wanted <= _characters(path):
            return b""
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = _FAMILY.sub(_PDF_FAMILY, buf.getvalue())
    return svg.replace(b"<svg ", b'<svg xml:space="preserve" ', 1)


def _save(fig: Figure, style: Style, out_dir: Path, key: str, plan: Plan) -> bytes:
    """One layout, then the PNG and the SVG (web page) drawn from it at the same inches,
    and the data; the PDF's SVG (`_print_svg`). The layout is made on the PNG's own
    canvas, so the PNG's draw finds every text already measured (matplotlib caches text
    extents per renderer); PNGs are RGB (opaque charts need no alpha channel), without a
    software stamp."""
    fig.set_dpi(style.texts.png_width_px / fig.get_figwidth())
    canvas = FigureCanvasAgg(fig)
    with matplotlib.rc_context(_NO_LAYOUT):
        _layout_once(fig)
        rgba, size = canvas.print_to_buffer()
        fig.savefig(out_dir / f"{key}.svg", format="svg", metadata={"Date": None})
        for_print = _print_svg(fig)
    image = Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1).convert("RGB")
    image.save(out_dir / f"{key}.png", format="png")  # zlib level 6: lower saves little
    _write_csv(out_dir / f"{key}.csv", plan.header, plan.rows)
    return for_print


@dataclass(frozen=True)
class _Job:
    """What drawing a chart of the edition takes (one per make_charts call)."""

    doc: dict
    out_dir: Path
    style: Style
    env: Any
    common: dict[str, Any]
    source: str


@dataclass(frozen=True)
class Drawing:
    """An edition's charts, begun (`drawing`): `result()` gives them in the brief's order,
    waiting for the workers when `in_workers`, drawing them there and then otherwise."""

    in_workers: bool
    result: Callable[[], list[Chart]]


def make_charts(
    doc: dict, out_dir: Path, style_dir: Path | list[Path], workers: int = 1
) -> list[Chart]:
    """Draw every chart the metrics document supports into out_dir (SVG, PNGs, CSV).

    A chart without data (no sources yet, no counterfactual year) is left out.
    """
    with drawing(doc, out_dir, style_dir, workers) as charts:
        return charts.result()


@contextlib.contextmanager
def drawing(
    doc: dict, out_dir: Path, style_dir: Path | list[Path], workers: int = 1
) -> Iterator[Drawing]:
    """make_charts, begun: with `workers` > 1, and where forking is safe
    (`generator.forked`), the charts are drawn in that many forked processes while the
    caller goes on. Otherwise they are drawn when their result is asked for."""
    style = load_style(style_dir)
    env = environment(style)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    common = common_context(doc)
    job = _Job(doc, out_dir, style, env, common, source_line(env, style, common))
    if workers <= 1 or not forked.can_fork():
        yield Drawing(False, lambda: _drawn(_draw(job, key) for key in CHART_KEYS))
        return
    with forked.forked(functools.partial(_draw, job), CHART_KEYS, workers) as results:
        yield Drawing(True, lambda: _drawn(results()))


def _drawn(charts: Iterable[Chart | None]) -> list[Chart]:
    return [c for c in charts if c is not None]  # a chart without data is left out


def _draw(job: _Job, key: str) -> Chart | None:
    """One chart: drawn, written (charts/narrow.py for the narrow variant), modelled."""
    style, env = job.style, job.env
    with matplotlib.rc_context(style.rc):
        plan = BUILDERS[key](job.doc, style)
        if plan is None:
            return None
        # (no fig.clear() after: it clears every axes, a cost of its own; the figure,
        # which no pyplot registry holds, is freed with its last reference)
        ctx = {**job.common, **plan.context}
        texts = style.texts.texts[key]
        title = say(env, texts["title"], plan.variant, ctx, f"{key}.title")
        alt = say(env, texts["alt"], plan.variant, {**ctx, "title": title}, f"{key}.alt")
        axis = say(env, texts["axis"], plan.axis_variant, ctx, f"{key}.axis")
        if plan.finish is not None:
            plan.finish(axis)
        _frame(plan.fig, style, title, job.source)
        for_print = _save(plan.fig, style, job.out_dir, key, plan)
        files = {ext: f"{key}.{ext}" for ext in ("svg", "png", "csv")}
        files["narrow"] = narrow.draw(  # phones and e-mail: charts/narrow.py
            job.out_dir,
            key,
            style,
            lambda: BUILDERS[key](job.doc, style),
            axis,
            lambda fig: _frame(fig, style, title, job.source),
        )
    model = built.Chart(key=key, title=title, alt=alt, source=job.source, **files)
    return Chart(model, job.out_dir, for_print)
