"""The brief's charts: matplotlib in the house style, from the metrics document.

Each chart carries one message, stated in its title. The words (titles, alt texts,
labels, source line) and the colours live in `templates/styles/charts.yaml`, fonts and
sizes in `templates/styles/brief.mplstyle`: editors edit those, not this module. Python
only picks the data, a wording variant (AI ahead or behind, gap widened or narrowed …)
and draws. Every number drawn or written is formatted by `generator.numbers`.

Output per chart: `<key>.svg` (web and PDF; text as paths, deterministic bytes),
`<key>.png` (e-mail) and `<key>.csv` (the data behind the chart, from metrics.json).
"""

from __future__ import annotations

import calendar
import csv
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import jinja2  # noqa: E402
from jinja2 import meta  # noqa: E402
from jinja2.sandbox import SandboxedEnvironment  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.offsetbox import AnchoredOffsetbox, HPacker, TextArea  # noqa: E402
from matplotlib.textpath import text_to_path  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from generator import numbers, yamlio  # noqa: E402
from generator.analysis.facts import beats_history  # noqa: E402
from generator.errors import UserError, located  # noqa: E402

CHART_KEYS = ("growth_index", "ai_share", "top_sources", "tariffs", "counterfactual")
STYLE_FILE = "brief.mplstyle"
TEXTS_FILE = "charts.yaml"
PALETTE_KEYS = (
    "ai",
    "non_ai",
    "total",
    "reference",
    "actual",
    "counterfactual",
    "bars",
    "label",
    "muted",
)
THRESHOLD_KEYS = (
    "steady_below",
    "doubled_from",
    "level_within",
    "share_change_from",
    "gap_level_within",
    "gap_change_from",
)
WORD_KEYS = ("up", "down", "steady", "doubled")
SERIES = ("ai", "non_ai", "total")


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    alt: str
    source: str
    svg: Path
    png: Path
    csv: Path


# ---- charts.yaml --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """One Jinja text of charts.yaml and where it is (file:line (chart.field.variant))."""

    source: str
    where: str


@dataclass(frozen=True)
class _Style:
    rc: dict[str, Any]
    palette: dict[str, str]
    labels: dict[str, str]
    thresholds: dict[str, float]
    words: dict[str, str]
    country_names: dict[str, str]
    short_names: dict[str, str]
    max_name_length: int
    source: _Text
    sample_note: _Text
    title_in_image: bool
    source_in_image: bool
    png_width_px: int
    texts: dict[str, dict[str, dict[str, _Text]]]  # chart → field → variant → text
    chart_labels: dict[str, dict[str, str]]  # chart → name → label


def _fail(msg: str, path: Path, node: Any = None, key: Any = None) -> UserError:
    line = None
    if isinstance(node, yamlio.LineDict):
        line = node.line_of(key) if key is not None else node.line
    return UserError(msg, where=located(path, line))


def _mapping(node: Any, key: str, path: Path, parent: Any) -> yamlio.LineDict:
    value = node.get(key) if isinstance(node, dict) else None
    if not isinstance(value, yamlio.LineDict):
        raise _fail(f"{key}: expected a mapping", path, parent, key)
    return value


def _strings(node: yamlio.LineDict, name: str, path: Path, keys: Iterable[str] = ()) -> dict:
    out = {}
    for k in keys:
        if k not in node:
            raise _fail(f"{name}.{k}: missing", path, node)
    for k, v in node.items():
        if not isinstance(v, str | int | float) or isinstance(v, bool):
            raise _fail(f"{name}.{k}: expected a text", path, node, k)
        out[str(k)] = str(v)
    return out


def _text(node: yamlio.LineDict, key: str, path: Path, name: str) -> _Text:
    value = node.get(key)
    if not isinstance(value, str):
        raise _fail(f"{name}: expected a text", path, node, key)
    return _Text(value, f"{located(path, node.line_of(key))} ({name})")


def _variants(node: yamlio.LineDict, key: str, path: Path, name: str) -> dict[str, _Text]:
    value = node.get(key)
    if isinstance(value, str):
        return {"default": _text(node, key, path, name)}
    if isinstance(value, yamlio.LineDict) and value:
        return {str(v): _text(value, v, path, f"{name}.{v}") for v in value}
    raise _fail(f"{name}: expected a text or texts by variant", path, node, key)


def _strip_comment(line: str) -> str:
    """Drop a '#' comment, but not a '#' inside quotes ("#D55E00")."""
    quote = None
    for i, ch in enumerate(line):
        if ch in "'\"":
            quote = None if quote == ch else quote or ch
        elif ch == "#" and quote is None:
            return line[:i].strip()
    return line.strip()


def _read_mplstyle(path: Path) -> dict[str, Any]:
    """A matplotlib style sheet, each setting validated; mistakes name file:line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise UserError("cannot read the style sheet", where=str(path)) from None
    checked = matplotlib.RcParams()
    for number, raw in enumerate(lines, start=1):
        line = _strip_comment(raw)
        if not line:
            continue
        key, sep, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise UserError(f"expected 'setting: value', got {line!r}", where=located(path, number))
        if key not in matplotlib.rcParams:
            raise UserError(f"unknown matplotlib setting {key!r}", where=located(path, number))
        if value[:1] == value[-1:] and value[:1] in ("'", '"') and len(value) >= 2:
            value = value[1:-1]
        try:
            checked[key] = value
        except (ValueError, TypeError) as exc:
            msg = str(exc) if str(exc).startswith("Key ") else f"Key {key}: {exc}"
            raise UserError(msg, where=located(path, number)) from None
    return dict(checked)


def load_style(style_dir: Path | list[Path]) -> _Style:
    """Read brief.mplstyle and charts.yaml (each the first found along a lookup chain of
    folders, overrides first); problems become UserErrors with file:line."""
    dirs = [Path(style_dir)] if isinstance(style_dir, (str, Path)) else [Path(d) for d in style_dir]
    style_path = next((d / STYLE_FILE for d in dirs if (d / STYLE_FILE).is_file()), None)
    if style_path is None:
        raise UserError("file not found", where=str(dirs[-1] / STYLE_FILE))
    rc = _read_mplstyle(style_path)
    rc["text.parse_math"] = False  # "$194B and $1,042B" is money, not TeX

    path = next((d / TEXTS_FILE for d in dirs if (d / TEXTS_FILE).is_file()), dirs[-1] / TEXTS_FILE)
    doc = yamlio.load(path)
    if not isinstance(doc, yamlio.LineDict):
        raise UserError("expected a mapping of settings", where=str(path))
    palette = _strings(_mapping(doc, "palette", path, doc), "palette", path, PALETTE_KEYS)
    labels = _strings(_mapping(doc, "labels", path, doc), "labels", path, SERIES)
    words = _strings(_mapping(doc, "words", path, doc), "words", path, WORD_KEYS)
    th_node = _mapping(doc, "thresholds", path, doc)
    thresholds = {}
    for k in THRESHOLD_KEYS:
        v = th_node.get(k)
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise _fail(f"thresholds.{k}: expected a number", path, th_node, k)
        thresholds[k] = float(v)
    names = {}
    for field in ("country_names", "short_names"):
        node = doc.get(field) or {}
        if not isinstance(node, dict):
            raise _fail(f"{field}: expected a mapping", path, doc, field)
        names[field] = {str(k): str(v) for k, v in node.items()}
    max_len = doc.get("max_name_length", 16)
    width = doc.get("png_width_px", 1200)
    for name, v in (("max_name_length", max_len), ("png_width_px", width)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 4:
            raise _fail(f"{name}: expected a whole number", path, doc, name)
    flags = {}
    for name in ("title_in_image", "source_in_image"):
        flags[name] = doc.get(name, True)
        if not isinstance(flags[name], bool):
            raise _fail(f"{name}: expected true or false", path, doc, name)

    charts = _mapping(doc, "charts", path, doc)
    texts: dict[str, dict[str, dict[str, _Text]]] = {}
    chart_labels: dict[str, dict[str, str]] = {}
    for key in CHART_KEYS:
        node = _mapping(charts, key, path, charts)
        texts[key] = {f: _variants(node, f, path, f"{key}.{f}") for f in ("title", "alt", "axis")}
        if "labels" in node:
            chart_labels[key] = _strings(
                _mapping(node, "labels", path, node), f"{key}.labels", path
            )
    if "counterfactual" not in chart_labels or not {"actual", "counterfactual"} <= set(
        chart_labels["counterfactual"]
    ):
        raise _fail(
            "counterfactual.labels: needs actual and counterfactual",
            path,
            charts["counterfactual"],
        )
    return _Style(
        rc=rc,
        palette=palette,
        labels=labels,
        thresholds=thresholds,
        words=words,
        country_names=names["country_names"],
        short_names=names["short_names"],
        max_name_length=int(max_len),
        source=_text(doc, "source", path, "source"),
        sample_note=_text(doc, "sample_note", path, "sample_note"),
        title_in_image=flags["title_in_image"],
        source_in_image=flags["source_in_image"],
        png_width_px=int(width),
        texts=texts,
        chart_labels=chart_labels,
    )


# ---- text ------------------------------------------------------------------------------------


def _country(style: _Style) -> Callable[[str], str]:
    def country(name: str) -> str:
        return style.country_names.get(name, name)

    return country


def _short_name(style: _Style) -> Callable[[str], str]:
    def short(name: str) -> str:
        shown = style.country_names.get(name, name)
        name = style.short_names.get(name) or style.short_names.get(shown) or shown
        n = style.max_name_length
        return name if len(name) <= n else name[: n - 1].rstrip(" ,.") + "…"

    return short


def _change(style: _Style) -> Callable[[float | None], str]:
    th, w = style.thresholds, style.words

    def change(g: float | None) -> str:
        if g is None:
            return "n/a"
        if abs(g) < th["steady_below"]:
            return w["steady"]
        if g >= th["doubled_from"]:
            return w["doubled"]
        return f"{w['up'] if g > 0 else w['down']} {numbers.pct_abs(g)}"

    return change


def _environment(style: _Style) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(numbers.FILTERS)
    env.filters["change"] = _change(style)
    env.filters["country"] = _country(style)
    env.filters["short_name"] = _short_name(style)
    return env


def _compile(env: SandboxedEnvironment, text: _Text, names: Iterable[str]) -> jinja2.Template:
    """Compile one text: syntax, filters and names are checked whatever the data.

    Texts of variants the data do not pick are checked too, so that a misspelt name
    shows up now and not in the month the data first pick that variant.
    """
    try:
        template = env.from_string(text.source)  # syntax and unknown filters
        unknown = sorted(meta.find_undeclared_variables(env.parse(text.source)) - set(names))
    except jinja2.TemplateSyntaxError as exc:
        raise UserError(f"template syntax error: {exc.message}", where=text.where) from None
    if unknown:
        raise UserError(
            f"template error: {', '.join(map(repr, unknown))} is undefined", where=text.where
        )
    return template


def _render(env: SandboxedEnvironment, text: _Text, ctx: dict[str, Any]) -> str:
    template = _compile(env, text, ctx)
    try:
        out = template.render(ctx)
    except Exception as exc:  # noqa: BLE001 - any failure is the template's
        msg = exc.message if isinstance(exc, jinja2.TemplateError) else str(exc)
        raise UserError(f"template error: {msg}", where=text.where) from None
    return " ".join(out.split())


def _say(
    env: SandboxedEnvironment,
    variants: dict[str, _Text],
    variant: str,
    ctx: dict[str, Any],
    name: str,
) -> str:
    chosen = variant if variant in variants else "default"
    for other, text in variants.items():
        if other != chosen:
            _compile(env, text, ctx)
    if chosen not in variants:
        first = next(iter(variants.values()))
        where = first.where.rsplit(" (", 1)[0]
        raise UserError(f"{name}: no text for variant {variant!r} and no default", where=where)
    return _render(env, variants[chosen], ctx)


def _common_context(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "m": doc,
        "month": doc["month"],
        "year": doc["period"]["year"],
        "prior_year": doc["period"]["prior_year"],
        "base_year": doc["definitions"]["base_year"],
        "first_month": doc["data"]["first_month"],
        "sample": bool(doc["data"]["sample"]),
        **numbers.period_phrases(doc),
    }


# ---- drawing helpers ------------------------------------------------------------------------


@dataclass
class _Plan:
    """What one chart function returns: the figure drawn, its data and its wording."""

    fig: Figure
    header: list[str]
    rows: list[list[Any]]
    context: dict[str, Any]
    variant: str
    axis_variant: str = "default"
    finish: Callable[[str], None] | None = None  # draws the axis caption once rendered


def _num(x: Any) -> float:
    return float("nan") if x is None else float(x)


def _month_axis(ax: Any, months: list[str]) -> None:
    """Months at positions 0…n−1; ticks each January (or every quarter on short spans)."""
    n = len(months)
    if n > 18:
        ticks = [i for i, m in enumerate(months) if m.endswith("-01")]
        labels = [months[i][:4] for i in ticks]
    else:
        ticks = [i for i, m in enumerate(months) if int(m[5:]) % 3 == 1]
        labels = [numbers.month_short(months[i]) for i in ticks]
    ax.set_xticks(ticks, labels)
    ax.set_xlim(-0.5, n - 0.5)


def _spread(ys: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Move label positions apart by at least `gap`, keeping them in [lo, hi] if possible."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    pos = [ys[i] for i in order]
    for i in range(1, len(pos)):
        pos[i] = max(pos[i], pos[i - 1] + gap)
    if pos and pos[-1] > hi:
        pos[-1] = hi
        for i in range(len(pos) - 2, -1, -1):
            pos[i] = min(pos[i], pos[i + 1] - gap)
    if pos and pos[0] < lo:
        pos[0] = lo
        for i in range(1, len(pos)):
            pos[i] = max(pos[i], pos[i - 1] + gap)
    out = [0.0] * len(ys)
    for p, i in zip(pos, order, strict=True):
        out[i] = p
    return out


def _end_labels(
    ax: Any, fig: Figure, ends: list[tuple[float, float, str, str]], size: float
) -> None:
    """Direct labels right of the last point of each line: (x, y, text, colour)."""
    lo, hi = ax.get_ylim()
    # Axes height in points, estimated from the figure (the layout is not run yet).
    axes_pt = fig.get_figheight() * 72.0 * 0.6
    gap = (size * 1.25) / axes_pt * (hi - lo)
    ys = _spread([y for _, y, _, _ in ends], gap, lo + gap / 2, hi - gap / 2)
    for (x, y, text, colour), y_label in zip(ends, ys, strict=True):
        ax.plot([x], [y], marker="o", markersize=4, color=colour, clip_on=False, zorder=4)
        ax.annotate(
            text,
            xy=(x, y_label),
            xytext=(6, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            color=colour,
            fontsize=size,
            fontweight="bold",
            annotation_clip=False,
        )


def _label_size() -> float:
    """Direct labels take the tick label size of the style ("small" or 8.5 alike), in pt."""

    return float(FontProperties(size=matplotlib.rcParams["ytick.labelsize"]).get_size_in_points())


def _new_figure() -> tuple[Figure, Any]:
    fig = Figure()
    ax = fig.add_subplot()
    return fig, ax


def _caption(ax: Any, colour: str) -> Callable[[str], None]:
    def finish(text: str) -> None:
        ax.set_title(text, loc="left", color=colour)

    return finish


def _last_finite(values: list[float]) -> int | None:
    for i in range(len(values) - 1, -1, -1):
        if math.isfinite(values[i]):
            return i
    return None


# ---- the charts ------------------------------------------------------------------------------


def _growth_index(doc: dict[str, Any], style: _Style) -> _Plan | None:
    idx = doc["index"]
    months = list(idx["ai"]["monthly"])
    if not months:
        return None
    fig, ax = _new_figure()
    size = _label_size()
    ax.axhline(100, color=style.palette["reference"], linewidth=0.9, zorder=1)
    ends = []
    series = {}
    for g in ("total", "non_ai", "ai"):  # AI drawn last, on top
        ys = [_num(idx[g]["monthly"][m]) for m in months]
        series[g] = ys
        colour = style.palette[g]
        width = 1.4 if g == "total" else None
        ax.plot(range(len(months)), ys, color=colour, linewidth=width, zorder=3)
        last = _last_finite(ys)
        if last is not None:
            label = f"{style.labels[g]} {numbers.fmt_number(ys[last], 0)}"
            ends.append((float(last), ys[last], label, colour))
    _month_axis(ax, months)
    ax.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: numbers.fmt_number(v, 0)))
    _end_labels(ax, fig, ends, size)

    imp = doc["imports"]
    ai_g, non_g = imp["ai"]["since_base"]["ytd"], imp["non_ai"]["since_base"]["ytd"]
    if ai_g is None or non_g is None:
        variant = "no_base"
    elif abs(ai_g - non_g) < style.thresholds["level_within"]:
        variant = "level"
    else:
        variant = "ahead" if ai_g > non_g else "behind"
    ctx = {
        "ai_growth": ai_g,
        "non_ai_growth": non_g,
        "total_growth": imp["total"]["since_base"]["ytd"],
        "ai_index": idx["ai"]["month"],
        "non_ai_index": idx["non_ai"]["month"],
        "total_index": idx["total"]["month"],
        "ai_value": imp["ai"]["month"],
        "non_ai_value": imp["non_ai"]["month"],
    }
    rows = [[m, *(idx[g]["monthly"][m] for g in SERIES)] for m in months]
    return _Plan(
        fig,
        ["month", "ai", "non_ai", "total"],
        rows,
        ctx,
        variant,
        finish=_caption(ax, style.palette["muted"]),
    )


def _ai_share(doc: dict[str, Any], style: _Style) -> _Plan | None:
    share = doc["imports"]["ai_share"]
    months = list(share["monthly"])
    if not months:
        return None
    fig, ax = _new_figure()
    size = _label_size()
    ys = [_num(share["monthly"][m]) for m in months]
    colour = style.palette["ai"]
    ax.plot(range(len(months)), ys, color=colour, zorder=3)
    _month_axis(ax, months)
    top = max((y for y in ys if math.isfinite(y)), default=0.0)
    ax.set_ylim(0, max(top * 1.15, 0.01))
    ax.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: numbers.pct(v)))
    last = _last_finite(ys)
    if last is not None:
        _end_labels(ax, fig, [(float(last), ys[last], numbers.pct(ys[last]), colour)], size)

    # The same test as the text's: strictly above every earlier month.
    record = len(months) >= 13 and beats_history(share["monthly"], doc["month"])
    change = share["change"]["ytd"]
    t = style.thresholds["share_change_from"]
    if record:
        variant = "record"
    elif change is None or abs(change) < t:
        variant = "steady"
    else:
        variant = "up" if change > 0 else "down"
    ctx = {
        "share": share["month"],
        "share_ytd": share["ytd"],
        "prior_share_ytd": share["prior_ytd"],
        "change_ytd": change,
        "since": doc["data"]["first_month"],
        "record": record,
    }
    rows = [[m, share["monthly"][m]] for m in months]
    return _Plan(
        fig, ["month", "ai_share"], rows, ctx, variant, finish=_caption(ax, style.palette["muted"])
    )


def _top_sources(doc: dict[str, Any], style: _Style) -> _Plan | None:
    sources = doc["sources"]
    if not sources:
        return None
    short = _short_name(style)
    fig, ax = _new_figure()
    size = _label_size()
    n = len(sources)
    slots = max(n, 5)  # a short list keeps bars of the usual thickness, at the top
    ys = [slots - 1 - i for i in range(n)]  # the largest on top
    shares = [_num(s["share"]) for s in sources]
    ax.barh(ys, shares, height=0.68, color=style.palette["bars"], zorder=3)
    ax.set_yticks(ys, [short(s["name"]) for s in sources])
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_visible(False)
    ax.grid(False)
    ax.spines["bottom"].set_visible(False)
    top = max((v for v in shares if math.isfinite(v)), default=0.0)
    ax.set_xlim(0, max(top, 1e-9) * 1.14)
    ax.set_ylim(-0.6, slots - 0.4)
    for y, v in zip(ys, shares, strict=True):
        if math.isfinite(v):
            ax.annotate(
                numbers.pct(v),
                xy=(v, y),
                xytext=(4, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=size,
                color=style.palette["label"],
                annotation_clip=False,
            )
    first = sources[0]
    if n == 1:
        variant = "single"
    elif first.get("prior_rank") not in (None, 1):
        variant = "new_leader"
    else:
        variant = "leader"
    ctx = {"sources": sources, "top": first, "second": sources[1] if n > 1 else None}
    header = [
        "rank",
        "country_code",
        "name",
        "ai_imports",
        "share",
        "prior_rank",
        "prior_ai_imports",
        "prior_share",
        "growth",
    ]
    rows = [[s.get(h) for h in header] for s in sources]
    return _Plan(fig, header, rows, ctx, variant, finish=_caption(ax, style.palette["muted"]))


def _tariffs(doc: dict[str, Any], style: _Style) -> _Plan | None:
    tar = doc["tariffs"]
    months = list(tar["ai"]["monthly"])
    if not months:
        return None
    fig, ax = _new_figure()
    size = _label_size()
    ends, top = [], 0.0
    for g in ("non_ai", "ai"):
        ys = [_num(tar[g]["monthly"][m]) for m in months]
        colour = style.palette[g]
        ax.plot(range(len(months)), ys, color=colour, zorder=3)
        top = max([top, *(y for y in ys if math.isfinite(y))])
        last = _last_finite(ys)
        if last is not None:
            label = f"{style.labels[g]} {numbers.pct(ys[last])}"
            ends.append((float(last), ys[last], label, colour))
    _month_axis(ax, months)
    ax.set_ylim(0, max(top * 1.15, 0.01))
    ax.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: numbers.pct(v)))
    _end_labels(ax, fig, ends, size)

    gap = tar["gap"]
    th = style.thresholds
    if gap["ytd"] is None:
        variant = "default"
    elif abs(gap["ytd"]) < th["gap_level_within"]:
        variant = "similar"
    elif gap["ytd"] < 0:
        variant = "higher"
    elif gap["change_ytd"] is not None and gap["change_ytd"] >= th["gap_change_from"]:
        variant = "widened"
    elif gap["change_ytd"] is not None and gap["change_ytd"] <= -th["gap_change_from"]:
        variant = "narrowed"
    else:
        variant = "lower"
    ctx = {
        "ai_rate": tar["ai"]["month"],
        "non_ai_rate": tar["non_ai"]["month"],
        "ai_ytd": tar["ai"]["ytd"],
        "non_ai_ytd": tar["non_ai"]["ytd"],
        "gap": gap["ytd"],
        "gap_prior": gap["prior_ytd"],
        "gap_change": gap["change_ytd"],
    }
    rows = [[m, tar["ai"]["monthly"][m], tar["non_ai"]["monthly"][m]] for m in months]
    return _Plan(
        fig,
        ["month", "ai", "non_ai"],
        rows,
        ctx,
        variant,
        finish=_caption(ax, style.palette["muted"]),
    )


def _counterfactual(doc: dict[str, Any], style: _Style) -> _Plan | None:
    cf = doc["counterfactual"]
    blocks: list[tuple[str, int, dict[str, Any]]] = [(y, 12, b) for y, b in cf["annual"].items()]
    year, n_ytd = str(doc["period"]["year"]), doc["period"]["ytd_months"]
    if cf.get("ytd") and year not in cf["annual"]:
        blocks.append((year, n_ytd, cf["ytd"]))
    base = int(doc["definitions"]["base_year"])
    if not any(int(y) > base for y, _, _ in blocks):
        return None  # only the base year, where actual and counterfactual coincide
    fig, ax = _new_figure()
    size = _label_size()
    fields = ("actual_balance", "counterfactual_balance")
    values = [[_num(b[f]) for f in fields] for _, _, b in blocks]
    deficit = all(v < 0 for pair in values for v in pair if math.isfinite(v))
    sign = -1.0 if deficit else 1.0
    width = 0.38
    colours = (style.palette["actual"], style.palette["counterfactual"])
    extent = [0.0]
    for i, pair in enumerate(values):
        for j, v in enumerate(pair):
            if not math.isfinite(v):
                continue
            h = sign * v
            x = i + (j - 0.5) * width
            ax.bar(x, h, width=width * 0.94, color=colours[j], zorder=3)
            extent.append(h)
            ax.annotate(
                numbers.money_short(h),
                xy=(x, h),
                xytext=(0, 2 if h >= 0 else -2),
                textcoords="offset points",
                ha="center",
                va="bottom" if h >= 0 else "top",
                fontsize=size,
                color=style.palette["label"],
                annotation_clip=False,
            )
    labels = []
    for y, months, _ in blocks:
        if months == 12:
            labels.append(y)
        else:
            span = "Jan" if months == 1 else f"Jan–{calendar.month_abbr[months]}"
            labels.append(f"{y}\n{span}")
    ax.set_xticks(range(len(blocks)), labels)
    ax.tick_params(axis="x", length=0)
    ax.set_xlim(-0.6, len(blocks) - 0.4)
    lo, hi = min(extent), max(extent)
    pad = (hi - lo) * 0.12 or 1.0
    ax.set_ylim(lo - (pad if lo < 0 else 0), hi + pad)
    ax.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: numbers.money_short(v) if v else "0"))
    if not deficit:
        ax.axhline(0, color=style.palette["reference"], linewidth=0.8, zorder=2)
        ax.spines["bottom"].set_visible(False)

    # The series named in line with the axis caption, right-aligned (no boxed legend).
    names = style.chart_labels["counterfactual"]
    text_colour = style.palette["label"]
    parts = []
    for colour, key in zip(colours, fields, strict=True):
        label = names["actual" if key == "actual_balance" else "counterfactual"]
        parts.append(TextArea("■", textprops={"color": colour, "fontsize": size + 1}))
        parts.append(TextArea(label, textprops={"color": text_colour, "fontsize": size}))
    key_box = AnchoredOffsetbox(
        loc="lower right",
        child=HPacker(children=parts, sep=4, align="baseline"),
        frameon=False,
        bbox_to_anchor=(1.0, 1.0),
        bbox_transform=ax.transAxes,
        pad=0.0,
        borderpad=0.35,
    )
    ax.add_artist(key_box)

    label_year, _, block = blocks[-1]
    n_last = blocks[-1][1]
    if n_last == 12:
        cf_period = f"in {label_year}"
    else:
        last = calendar.month_name[n_last]
        cf_period = f"in January–{last} {label_year}" if n_last > 1 else f"in January {label_year}"
    net = block["net_effect"]
    variant = "unchanged" if not net else "reduced" if net < 0 else "added"
    ctx = {
        "cf": block,
        "cf_period": cf_period,
        "net_effect": net,
        "actual_balance": block["actual_balance"],
        "counterfactual_balance": block["counterfactual_balance"],
        "deficit": deficit,
    }
    header = [
        "period",
        "months",
        "actual_balance",
        "counterfactual_balance",
        "excess_imports",
        "excess_exports",
        "net_effect",
    ]
    rows = [[y, months, *(b[h] for h in header[2:])] for y, months, b in blocks]
    return _Plan(
        fig,
        header,
        rows,
        ctx,
        variant,
        axis_variant="deficit" if deficit else "balance",
        finish=_caption(ax, style.palette["muted"]),
    )


_BUILDERS: dict[str, Callable[[dict[str, Any], _Style], _Plan | None]] = {
    "growth_index": _growth_index,
    "ai_share": _ai_share,
    "top_sources": _top_sources,
    "tariffs": _tariffs,
    "counterfactual": _counterfactual,
}


# ---- output ------------------------------------------------------------------------------------


def _frame(fig: Figure, style: _Style, title: str, source: str) -> None:
    """The title above the plot and the source line under it, flush with the left edge."""
    size = float(matplotlib.rcParams["font.size"])
    if style.source_in_image:
        fig.supxlabel(
            source, x=0.005, ha="left", fontsize=max(8.0, size - 1), color=style.palette["muted"]
        )
    if style.title_in_image:
        prop = FontProperties(weight="bold", size=size + 1.5)
        fig.suptitle(
            _wrap(title, prop, fig.get_figwidth() * 72 * 0.98),
            x=0.005,
            ha="left",
            fontweight="bold",
            fontsize=size + 1.5,
            linespacing=1.25,
        )


_UNITS = {"point", "points", "pp"}


def _wrap(text: str, prop: FontProperties, width_pt: float) -> str:
    """Break a title into lines no wider than width_pt, measured in the title's font."""
    words: list[str] = []
    for word in text.split():
        if words and word.rstrip(".,;:") in _UNITS:
            words[-1] += " " + word  # never "4.9 | points"
        else:
            words.append(word)
    lines: list[str] = []
    line = ""
    for word in words:
        trial = f"{line} {word}" if line else word
        w, _, _ = text_to_path.get_text_width_height_descent(trial, prop, ismath=False)
        if line and w > width_pt:
            lines.append(line)
            line = word
        else:
            line = trial
    return "\n".join([*lines, line])


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([_cell(v) for v in row])


def _cell(v: Any) -> Any:
    """None → empty; whole dollars without a trailing .0 (the value is unchanged)."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e18:
        return int(v)
    return v


def make_charts(doc: dict, out_dir: Path, style_dir: Path | list[Path]) -> list[Chart]:
    """Draw every chart the metrics document supports into out_dir (SVG, PNG, CSV).

    A chart without data (no sources yet, no counterfactual year) is left out.
    """
    style = load_style(style_dir)
    env = _environment(style)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    common = _common_context(doc)
    source = _render(env, style.source, common)
    if common["sample"]:
        note = _render(env, style.sample_note, common)
        source += (" " if style.sample_note.source[:1].isspace() else "") + note

    charts: list[Chart] = []
    with matplotlib.rc_context(style.rc):
        for key in CHART_KEYS:
            plan = _BUILDERS[key](doc, style)
            if plan is None:
                continue
            fig = plan.fig
            try:
                ctx = {**common, **plan.context}
                texts = style.texts[key]
                title = _say(env, texts["title"], plan.variant, ctx, f"{key}.title")
                alt = _say(env, texts["alt"], plan.variant, {**ctx, "title": title}, f"{key}.alt")
                axis = _say(env, texts["axis"], plan.axis_variant, ctx, f"{key}.axis")
                if plan.finish is not None:
                    plan.finish(axis)
                _frame(fig, style, title, source)
                svg, png, csv_path = (out_dir / f"{key}.{ext}" for ext in ("svg", "png", "csv"))
                fig.savefig(svg, format="svg", metadata={"Date": None})
                fig.set_layout_engine("none")  # keep the layout just made (same inches)
                dpi = style.png_width_px / fig.get_figwidth()
                fig.savefig(png, format="png", dpi=dpi, metadata={"Software": None})
                _write_csv(csv_path, plan.header, plan.rows)
            finally:
                fig.clear()
            charts.append(Chart(key, title, alt, source, svg, png, csv_path))
    return charts
