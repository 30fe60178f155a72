"""Line charts over the months: the growth index, the AI share of imports, the tariff
rates. Each picks its data from the metrics document, draws, and says which wording
variant of charts.yaml the data call for."""

from __future__ import annotations

import math
from typing import Any

from generator import numbers
from generator.analysis.facts import beats_history
from generator.brief.charts.draw import (
    Plan,
    caption,
    end_labels,
    label_size,
    last_finite,
    month_axis,
    new_figure,
    num,
    value_axis,
)
from generator.brief.charts.style import Style
from generator.brief.charts.texts import SERIES


def _growth_variant(imp: dict[str, Any], style: Style) -> str:
    ai_g, non_g = imp["ai"]["since_base"]["ytd"], imp["non_ai"]["since_base"]["ytd"]
    if ai_g is None or non_g is None:
        return "no_base"
    if abs(ai_g - non_g) < style.texts.thresholds["level_within"]:
        return "level"
    return "ahead" if ai_g > non_g else "behind"


def growth_index(doc: dict[str, Any], style: Style) -> Plan | None:
    idx = doc["index"]
    months = list(idx["ai"]["monthly"])
    if not months:
        return None
    t = style.texts
    fig, ax = new_figure()
    size = label_size()
    ax.axhline(100, color=t.palette["reference"], linewidth=0.9, zorder=1)
    ends = []
    for g in ("total", "non_ai", "ai"):  # AI drawn last, on top
        ys = [num(idx[g]["monthly"][m]) for m in months]
        colour = t.palette[g]
        width = 1.4 if g == "total" else None
        ax.plot(range(len(months)), ys, color=colour, linewidth=width, zorder=3)
        last = last_finite(ys)
        if last is not None:
            label = f"{t.labels[g]} {numbers.fmt_number(ys[last], 0)}"
            ends.append((float(last), ys[last], label, colour))
    month_axis(ax, months)
    value_axis(ax, lambda v: numbers.fmt_number(v, 0))
    end_labels(ax, fig, ends, size)

    imp = doc["imports"]
    ctx = {
        "ai_growth": imp["ai"]["since_base"]["ytd"],
        "non_ai_growth": imp["non_ai"]["since_base"]["ytd"],
        "total_growth": imp["total"]["since_base"]["ytd"],
        "ai_index": idx["ai"]["month"],
        "non_ai_index": idx["non_ai"]["month"],
        "total_index": idx["total"]["month"],
        "ai_value": imp["ai"]["month"],
        "non_ai_value": imp["non_ai"]["month"],
    }
    rows = [[m, *(idx[g]["monthly"][m] for g in SERIES)] for m in months]
    return Plan(
        fig,
        ["month", "ai", "non_ai", "total"],
        rows,
        ctx,
        _growth_variant(imp, style),
        finish=caption(ax, t.palette["muted"]),
    )


def ai_share(doc: dict[str, Any], style: Style) -> Plan | None:
    share = doc["imports"]["ai_share"]
    months = list(share["monthly"])
    if not months:
        return None
    t = style.texts
    fig, ax = new_figure()
    size = label_size()
    ys = [num(share["monthly"][m]) for m in months]
    colour = t.palette["ai"]
    ax.plot(range(len(months)), ys, color=colour, zorder=3)
    month_axis(ax, months)
    top = max((y for y in ys if math.isfinite(y)), default=0.0)
    ax.set_ylim(0, max(top * 1.15, 0.01))
    value_axis(ax, numbers.pct)
    last = last_finite(ys)
    if last is not None:
        end_labels(ax, fig, [(float(last), ys[last], numbers.pct(ys[last]), colour)], size)

    # The same test as the text's: strictly above every earlier month.
    record = len(months) >= 13 and beats_history(share["monthly"], doc["month"])
    change = share["change"]["ytd"]
    if record:
        variant = "record"
    elif change is None or abs(change) < t.thresholds["share_change_from"]:
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
    return Plan(
        fig, ["month", "ai_share"], rows, ctx, variant, finish=caption(ax, t.palette["muted"])
    )


def _tariff_variant(gap: dict[str, Any], style: Style) -> str:
    th = style.texts.thresholds
    if gap["ytd"] is None:
        return "default"
    if abs(gap["ytd"]) < th["gap_level_within"]:
        return "similar"
    if gap["ytd"] < 0:
        return "higher"
    if gap["change_ytd"] is not None and gap["change_ytd"] >= th["gap_change_from"]:
        return "widened"
    if gap["change_ytd"] is not None and gap["change_ytd"] <= -th["gap_change_from"]:
        return "narrowed"
    return "lower"


def tariffs(doc: dict[str, Any], style: Style) -> Plan | None:
    tar = doc["tariffs"]
    months = list(tar["ai"]["monthly"])
    if not months:
        return None
    t = style.texts
    fig, ax = new_figure()
    size = label_size()
    ends, top = [], 0.0
    for g in ("non_ai", "ai"):
        ys = [num(tar[g]["monthly"][m]) for m in months]
        colour = t.palette[g]
        ax.plot(range(len(months)), ys, color=colour, zorder=3)
        top = max([top, *(y for y in ys if math.isfinite(y))])
        last = last_finite(ys)
        if last is not None:
            label = f"{t.labels[g]} {numbers.pct(ys[last])}"
            ends.append((float(last), ys[last], label, colour))
    month_axis(ax, months)
    ax.set_ylim(0, max(top * 1.15, 0.01))
    value_axis(ax, numbers.pct)
    end_labels(ax, fig, ends, size)

    gap = tar["gap"]
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
    return Plan(
        fig,
        ["month", "ai", "non_ai"],
        rows,
        ctx,
        _tariff_variant(gap, style),
        finish=caption(ax, t.palette["muted"]),
    )
