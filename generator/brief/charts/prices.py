""" "Price or volume?" (issue 17): how much of the growth of imports since the base year
is dearer goods (unit values) and how much more goods (volumes), for AI-related imports
beside other goods, from metrics `prices` and `volumes` (`since_base.ytd`). Drawn only
when the decomposition is quotable (coverage above the threshold); value = unit value ×
volume, so the three bars of a group multiply up (1.73 = 1.19 × 1.45)."""

from __future__ import annotations

import math
from typing import Any

from generator import numbers
from generator.brief.charts.draw import (
    Plan,
    caption,
    is_narrow,
    label_size,
    new_figure,
    num,
    series_key,
    value_axis,
)
from generator.brief.charts.style import Style

GROUPS = ("ai", "non_ai")
MEASURES = ("value", "unit_value", "volume")
HEADER = ["group", *MEASURES, "coverage"]
WIDTH = 0.4
# A value label on a phone: the smallest size that still shows 11 px at 390 px
# (brief-narrow.mplstyle), so "+2.5%" fits over its bar and clears the neighbour's.
NARROW_LABEL_PT = 9.0


def split(doc: dict[str, Any], group: str) -> dict[str, Any] | None:
    """The group's growth since the base year (year to date) as value, unit value and
    volume, and the price index's coverage; None when the brief may not quote it."""
    prices, volumes = doc.get("prices") or {}, doc.get("volumes") or {}
    p, v = prices.get(group) or {}, volumes.get(group) or {}
    if not (p.get("quotable") and v.get("quotable")):
        return None
    out = {
        "value": doc["imports"][group]["since_base"]["ytd"],
        "unit_value": p["since_base"]["ytd"],
        "volume": v["since_base"]["ytd"],
        "coverage": (p.get("coverage") or {}).get("ytd"),
    }
    return None if any(out[m] is None for m in MEASURES) else out


def _bars(ax: Any, style: Style, data: dict[str, dict[str, Any]]) -> list[float]:
    """Grouped bars (one group per measure, one bar per goods group), each labelled."""
    t, size = style.texts, label_size()
    if is_narrow():
        size = min(size, NARROW_LABEL_PT)
    groups = list(data)
    heights = [0.0]
    for j, g in enumerate(groups):
        offset = (j - (len(groups) - 1) / 2) * WIDTH
        for i, m in enumerate(MEASURES):
            h = num(data[g][m])
            if not math.isfinite(h):
                continue
            x = i + offset
            ax.bar(x, h, width=WIDTH * 0.94, color=t.palette[g], zorder=3)
            heights.append(h)
            ax.annotate(
                numbers.pct_signed(h), xy=(x, h), xytext=(0, 2 if h >= 0 else -2),
                textcoords="offset points", ha="center", va="bottom" if h >= 0 else "top",
                fontsize=size, color=t.palette["label"], annotation_clip=False,
            )  # fmt: skip
    return heights


def price_volume(doc: dict[str, Any], style: Style) -> Plan | None:
    data = {g: s for g in GROUPS if (s := split(doc, g)) is not None}
    if "ai" not in data:
        return None  # the AI decomposition is the message; without it, no chart
    t = style.texts
    fig, ax = new_figure()
    heights = _bars(ax, style, data)
    names = t.chart_labels.get("price_volume", {})
    ax.set_xticks(range(len(MEASURES)), [names.get(m, m) for m in MEASURES])
    ax.tick_params(axis="x", length=0)
    lo, hi = min(heights), max(heights)
    pad = (hi - lo) * 0.14 or 0.05
    ax.set_ylim(lo - (pad if lo < 0 else 0), hi + pad)
    ax.axhline(0, color=t.palette["reference"], linewidth=0.8, zorder=2)
    ax.spines["bottom"].set_visible(False)
    value_axis(ax, numbers.pct_signed)
    key_pt = series_key(ax, [(t.palette[g], t.labels[g]) for g in data], t.palette["label"])
    ctx: dict[str, Any] = {"has_non_ai": "non_ai" in data}
    for g in GROUPS:
        for m in (*MEASURES, "coverage"):
            ctx[f"{g}_{m}"] = data[g][m] if g in data else None
    rows = [[g, *(data[g][h] for h in HEADER[1:])] for g in data]
    variant = "default" if "non_ai" in data else "ai_only"
    finish = caption(ax, t.palette["muted"], key_pt)
    return Plan(fig, list(HEADER), rows, ctx, variant, finish=finish)
