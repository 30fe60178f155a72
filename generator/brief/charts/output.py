"""Every chart of an edition, drawn and written: `<key>.svg` (web and PDF; text as paths,
deterministic bytes), `<key>.png` (e-mail) and `<key>.csv` (the data behind the chart,
from metrics.json). Each comes back as a `Chart`: its charts.json entry (`built.Chart`,
the one model of a chart) and the folder its files are in."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from generator.brief import built
from generator.brief.charts import bars, lines
from generator.brief.charts.draw import Plan
from generator.brief.charts.style import Style, load_style
from generator.brief.charts.texts import CHART_KEYS
from generator.brief.charts.wording import common_context, environment, say, source_line

BUILDERS: dict[str, Callable[[dict[str, Any], Style], Plan | None]] = {
    "growth_index": lines.growth_index,
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


def _wrap(text: str, prop: FontProperties, width_pt: float) -> str:
    """Break a title into lines no wider than width_pt, measured in the title's font."""
    words: list[str] = []
    for word in text.split():
        if words and word.rstrip(".,;:") in _UNITS:
            words[-1] += " " + word  # never "4.9 | points"
        else:
            words.append(word)
    out: list[str] = []
    line = ""
    for word in words:
        trial = f"{line} {word}" if line else word
        w, _, _ = text_to_path.get_text_width_height_descent(trial, prop, ismath=False)
        if line and w > width_pt:
            out.append(line)
            line = word
        else:
            line = trial
    return "\n".join([*out, line])


def _frame(fig: Figure, style: Style, title: str, source: str) -> None:
    """The title above the plot and the source line under it, flush with the left edge."""
    t = style.texts
    size = float(matplotlib.rcParams["font.size"])
    if t.source_in_image:
        fig.supxlabel(
            source, x=0.005, ha="left", fontsize=max(8.0, size - 1), color=t.palette["muted"]
        )
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


def _save(fig: Figure, style: Style, out_dir: Path, key: str, plan: Plan) -> None:
    """SVG with the layout just made, the PNG at the same inches, and the data."""
    fig.savefig(out_dir / f"{key}.svg", format="svg", metadata={"Date": None})
    fig.set_layout_engine("none")  # keep the layout just made (same inches)
    dpi = style.texts.png_width_px / fig.get_figwidth()
    fig.savefig(out_dir / f"{key}.png", format="png", dpi=dpi, metadata={"Software": None})
    _write_csv(out_dir / f"{key}.csv", plan.header, plan.rows)


def make_charts(doc: dict, out_dir: Path, style_dir: Path | list[Path]) -> list[Chart]:
    """Draw every chart the metrics document supports into out_dir (SVG, PNG, CSV).

    A chart without data (no sources yet, no counterfactual year) is left out.
    """
    style = load_style(style_dir)
    env = environment(style)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    common = common_context(doc)
    source = source_line(env, style, common)

    charts: list[Chart] = []
    with matplotlib.rc_context(style.rc):
        for key in CHART_KEYS:  # the brief's order
            plan = BUILDERS[key](doc, style)
            if plan is None:
                continue
            try:
                ctx = {**common, **plan.context}
                texts = style.texts.texts[key]
                title = say(env, texts["title"], plan.variant, ctx, f"{key}.title")
                alt = say(env, texts["alt"], plan.variant, {**ctx, "title": title}, f"{key}.alt")
                axis = say(env, texts["axis"], plan.axis_variant, ctx, f"{key}.axis")
                if plan.finish is not None:
                    plan.finish(axis)
                _frame(plan.fig, style, title, source)
                _save(plan.fig, style, out_dir, key, plan)
            finally:
                plan.fig.clear()
            files = {ext: f"{key}.{ext}" for ext in ("svg", "png", "csv")}
            model = built.Chart(key=key, title=title, alt=alt, source=source, **files)
            charts.append(Chart(model, out_dir))
    return charts
