"""Bar charts: where AI imports come from (top sources) and the counterfactual balance
(actual vs had AI trade grown like other trade). Each picks its data from the metrics
document, draws, and says which wording variant of charts.yaml the data call for."""

from __future__ import annotations

import calendar
import math
from typing import Any

from generator import numbers
from generator.brief.charts import wording
from generator.brief.charts.draw import (
    Plan,
    caption,
    is_narrow,
    label_size,
    new_figure,
    num,
    series_key,
    value_axis,
    wrap,
)
from generator.brief.charts.style import Style
from generator.brief.charts.wording import short_name

SOURCE_HEADER = [
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
CF_FIELDS = ("actual_balance", "counterfactual_balance")
CF_HEADER = [
    "period",
    "months",
    *CF_FIELDS,
    "excess_imports",
    "excess_exports",
    "net_effect",
]
Block = tuple[str, int, dict[str, Any]]  # label year, months covered, counterfactual block
BAR_WIDTH = 0.38
GAP_ROOM = 0.55  # room right of the last pair of bars for the gap's mark and label


def _value_label(ax: Any, text: str, xy: tuple[float, float], size: float, colour: str, **kw):
    return ax.annotate(
        text,
        xy=xy,
        textcoords="offset points",
        fontsize=size,
        color=colour,
        annotation_clip=False,
        **kw,
    )


def top_sources(doc: dict[str, Any], style: Style) -> Plan | None:
    sources = doc["sources"]
    if not sources:
        return None
    t = style.texts
    short = short_name(style)
    fig, ax = new_figure()
    size = label_size()
    n = len(sources)
    slots = max(n, 5)  # a short list keeps bars of the usual thickness, at the top
    ys = [slots - 1 - i for i in range(n)]  # the largest on top
    shares = [num(s["share"]) for s in sources]
    ax.barh(ys, shares, height=0.68, color=t.palette["bars"], zorder=3)
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
            _value_label(
                ax, numbers.pct(v), (v, y), size, t.palette["label"],
                xytext=(4, 0), ha="left", va="center",
            )  # fmt: skip
    first = sources[0]
    if n == 1:
        variant = "single"
    elif first.get("prior_rank") not in (None, 1):
        variant = "new_leader"
    else:
        variant = "leader"
    ctx = {"sources": sources, "top": first, "second": sources[1] if n > 1 else None}
    rows = [[s.get(h) for h in SOURCE_HEADER] for s in sources]
    return Plan(
        fig, list(SOURCE_HEADER), rows, ctx, variant, finish=caption(ax, t.palette["muted"])
    )


# ---- counterfactual --------------------------------------------------------------------------


def _blocks(doc: dict[str, Any]) -> list[Block]:
    """Complete years; no year to date beside them (a part-year bar reads as a fall).
    Before the first complete year after the base, the year to date alone."""
    cf, base = doc["counterfactual"], int(doc["definitions"]["base_year"])
    blocks: list[Block] = [(y, 12, b) for y, b in cf["annual"].items()]
    if any(int(y) > base for y, _, _ in blocks):
        return blocks
    year, n_ytd = str(doc["period"]["year"]), doc["period"]["ytd_months"]
    if cf.get("ytd") and int(year) > base and year not in cf["annual"]:
        return [(year, n_ytd, cf["ytd"])]
    return blocks


def _balance_bars(
    ax: Any, values: list[list[float]], sign: float, style: Style
) -> tuple[list[float], list[Any]]:
    """Actual and counterfactual bars side by side per period, labelled; their heights,
    and the value labels of the last pair (None where none is drawn)."""
    t = style.texts
    size = label_size()
    width = BAR_WIDTH
    colours = (t.palette["actual"], t.palette["counterfactual"])
    extent = [0.0]
    last: list[Any] = [None, None]
    for i, pair in enumerate(values):
        for j, v in enumerate(pair):
            if not math.isfinite(v):
                continue
            h = sign * v
            x = i + (j - 0.5) * width
            ax.bar(x, h, width=width * 0.94, color=colours[j], zorder=3)
            extent.append(h)
            if is_narrow():
                continue  # no room: the narrow chart marks the gap only (alt text: levels)
            last[j] = _value_label(
                ax, numbers.money_short(h), (x, h), size, t.palette["label"],
                xytext=(0, 2 if h >= 0 else -2), ha="center", va="bottom" if h >= 0 else "top",
            )  # fmt: skip
    return extent, last


def _gap_pt(ax: Any, a: float, b: float) -> float:
    """How far apart two levels are drawn, in points (the axes' height estimated from the
    figure, as end_labels does: the layout is not run yet)."""
    lo, hi = ax.get_ylim()
    return abs(a - b) / (hi - lo) * ax.figure.get_figheight() * 72.0 * 0.6


def _tuck(ax: Any, label: Any, actual: float, cf: float) -> None:
    """The counterfactual bar's value label, when it would stand where the actual level's
    dashed line runs (a gap smaller than the label), goes inside the top of its bar."""
    if label is None or cf == 0 or (actual - cf) * cf <= 0:
        return  # no label, or the actual level lies inside the bar: the label is clear
    room = label.get_fontsize() * 1.6  # the label's height and its offset
    if _gap_pt(ax, actual, cf) >= room or _gap_pt(ax, cf, 0.0) < 2 * room:
        return  # clear of the line, or a bar too short to hold it
    up = cf > 0
    label.xyann = (0, -3 if up else 3)
    label.set_va("top" if up else "bottom")


def _period_axis(ax: Any, blocks: list[Block]) -> None:
    labels = []
    for y, months, _ in blocks:
        if months == 12:
            labels.append(y)
        else:
            span = "Jan" if months == 1 else f"Jan–{calendar.month_abbr[months]}"
            labels.append(f"{span} {y}")
    ax.set_xticks(range(len(blocks)), labels)
    ax.tick_params(axis="x", length=0)
    ax.set_xlim(-0.6, len(blocks) - 0.4 + GAP_ROOM * (1.6 if is_narrow() else 1.0))


def _series_key(ax: Any, style: Style) -> float:
    t = style.texts
    names = t.chart_labels["counterfactual"]
    items = [
        (t.palette["actual"], names["actual"]),
        (t.palette["counterfactual"], names["counterfactual"]),
    ]
    return series_key(ax, items, t.palette["label"])


def _cf_context(blocks: list[Block], deficit: bool) -> tuple[dict[str, Any], str]:
    """The names the counterfactual texts use, and the variant: added, reduced, unchanged."""
    label_year, n_last, block = blocks[-1]
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
    return ctx, variant


def _mark_gap(
    ax: Any, doc: dict[str, Any], style: Style, where: list[Any], ctx: dict, variant: str
) -> None:
    """The AI boom's effect drawn where it is: a bracket from the last counterfactual
    bar to the actual balance's level, labelled with metrics' net effect (charts.yaml
    `counterfactual.mark`)."""
    sign, i, (actual, cf) = where
    texts = style.texts.texts["counterfactual"].get("mark")
    if texts is None or not (math.isfinite(actual) and math.isfinite(cf)) or actual == cf:
        return
    env = wording.environment(style)
    label = wording.say(env, texts, variant, {**wording.common_context(doc), **ctx}, "mark")
    t, size = style.texts, label_size()
    if is_narrow():
        label = wrap(label, size, 6 * size, "bold")  # "AI boom:" over "+$194B"
    x0, x1 = i - BAR_WIDTH / 2, i + BAR_WIDTH / 2 + BAR_WIDTH * 0.45
    ha, hc = sign * actual, sign * cf
    ax.plot([x0, x1], [ha, ha], color=t.palette["muted"], linewidth=0.9, linestyle=(0, (3, 2)))
    heads = "<->" if _gap_pt(ax, ha, hc) >= 10 else "-"  # heads would cross on a small gap
    ax.annotate(
        "", xy=(x1, ha), xytext=(x1, hc),
        arrowprops={"arrowstyle": heads, "color": t.palette["label"], "linewidth": 1.1,
                    "shrinkA": 0, "shrinkB": 0},
    )  # fmt: skip
    _value_label(
        ax, label, (x1, (ha + hc) / 2), size, t.palette["label"],
        xytext=(4, 0), ha="left", va="center", fontweight="bold",
    )  # fmt: skip


def counterfactual(doc: dict[str, Any], style: Style) -> Plan | None:
    blocks = _blocks(doc)
    base = int(doc["definitions"]["base_year"])
    if not any(int(y) > base for y, _, _ in blocks):
        return None  # only the base year, where actual and counterfactual coincide
    fig, ax = new_figure()
    values = [[num(b[f]) for f in CF_FIELDS] for _, _, b in blocks]
    deficit = all(v < 0 for pair in values for v in pair if math.isfinite(v))
    sign = -1.0 if deficit else 1.0
    extent, last = _balance_bars(ax, values, sign, style)
    _period_axis(ax, blocks)
    lo, hi = min(extent), max(extent)
    pad = (hi - lo) * 0.12 or 1.0
    ax.set_ylim(lo - (pad if lo < 0 else 0), hi + pad)
    _tuck(ax, last[1], sign * values[-1][0], sign * values[-1][1])
    value_axis(ax, lambda v: numbers.money_short(v) if v else "0")
    if not deficit:
        ax.axhline(0, color=style.texts.palette["reference"], linewidth=0.8, zorder=2)
        ax.spines["bottom"].set_visible(False)
    key_pt = _series_key(ax, style)

    ctx, variant = _cf_context(blocks, deficit)
    _mark_gap(ax, doc, style, [sign, len(blocks) - 1, values[-1]], ctx, variant)
    rows = [[y, months, *(b[h] for h in CF_HEADER[2:])] for y, months, b in blocks]
    return Plan(
        fig,
        list(CF_HEADER),
        rows,
        ctx,
        variant,
        axis_variant="deficit" if deficit else "balance",
        finish=caption(ax, style.texts.palette["muted"], key_pt),
    )
