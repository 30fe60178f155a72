"""Line charts over the months: the growth index, the AI share of imports, the tariff
rates. Each picks its data from the metrics document, draws, and says which wording
variant of charts.yaml the data call for."""

from __future__ import annotations

import math
from typing import Any

from generator import numbers
from generator.analysis.facts import is_record
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
from generator.months import shift


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
    # The title speaks of where the lines end (the index of the last month drawn
    # against the base year's average month), not of the year to date.
    end = {g: _last_value(idx[g]["monthly"], months) for g in SERIES}
    ctx = {
        **{f"{g}_index": end[g] for g in SERIES},
        **{f"{g}_end": None if end[g] is None else end[g] / 100 - 1 for g in SERIES},
        "end_month": _last_month(idx["ai"]["monthly"], months),
        "ai_growth": imp["ai"]["since_base"]["ytd"],
        "non_ai_growth": imp["non_ai"]["since_base"]["ytd"],
        "ai_value": imp["ai"]["month"],
        "non_ai_value": imp["non_ai"]["month"],
    }
    variant = "default" if end["ai"] is not None and end["non_ai"] is not None else "no_data"
    rows = [[m, *(idx[g]["monthly"][m] for g in SERIES)] for m in months]
    return Plan(fig, ["month", *SERIES], rows, ctx, variant, finish=caption(ax, t.palette["muted"]))


def _last_month(monthly: dict[str, Any], months: list[str]) -> str:
    return next((m for m in reversed(months) if monthly.get(m) is not None), months[-1])


def _last_value(monthly: dict[str, Any], months: list[str]) -> float | None:
    """The last value a line draws (its end), None when it draws nothing."""
    return monthly.get(_last_month(monthly, months))


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

    # The title quotes the line's end (the edition's month) against the same month a
    # year earlier; a record is the text's test: strictly above every earlier month, and
    # printed above it.
    now, before = share["month"], share["monthly"].get(shift(doc["month"], -12))
    record = is_record(share["monthly"], doc["month"], numbers.pct)
    if record:
        variant = "record"
    elif now is None or before is None or numbers.pct(now) == numbers.pct(before):
        variant = "steady"  # the two shares would print alike
    elif abs(now - before) < style.words.gap_steady_below:
        variant = "steady"
    else:
        variant = "up" if now > before else "down"
    ctx = {
        "share": now,
        "share_year_ago": before,
        "share_ytd": share["ytd"],
        "prior_share_ytd": share["prior_ytd"],
        "since": doc["data"]["first_month"],
        "record": record,
    }
    rows = [[m, share["monthly"][m]] for m in months]
    return Plan(
        fig, ["month", "ai_share"], rows, ctx, variant, finish=caption(ax, t.palette["muted"])
    )


def _tariff_variant(ai: float | None, non_ai: float | None, before: float | None, w: Any) -> str:
    """Where the two lines end: similar rates, AI-related paying more, or the gap (other
    goods' rate minus AI-related, as printed) widened, narrowed or held against the same
    month a year earlier; the narrative's threshold for rates "about the same"."""
    gap = numbers.rate_gap(non_ai, ai)
    if gap is None:
        return "default"
    if abs(gap) < w.gap_steady_below:
        return "similar"
    if gap < 0:
        return "higher"
    if before is not None and gap - before >= w.gap_steady_below:
        return "widened"
    if before is not None and before - gap >= w.gap_steady_below:
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
            label = f"{t.labels[g]} {numbers.rate(ys[last])}"
            ends.append((float(last), ys[last], label, colour))
    month_axis(ax, months)
    ax.set_ylim(0, max(top * 1.15, 0.01))
    value_axis(ax, numbers.pct)
    end_labels(ax, fig, ends, size)

    # The title quotes the rates where the lines end and the gap between them as
    # printed (12.0% and 4.2%: 7.8 points), against the same month a year earlier.
    end = _last_month(tar["ai"]["monthly"], months)
    ai, non_ai = tar["ai"]["monthly"][end], tar["non_ai"]["monthly"].get(end)
    year_ago = shift(end, -12)
    before = numbers.rate_gap(
        tar["non_ai"]["monthly"].get(year_ago), tar["ai"]["monthly"].get(year_ago)
    )
    ctx = {
        "ai_rate": ai,
        "non_ai_rate": non_ai,
        "gap": numbers.rate_gap(non_ai, ai),
        "gap_year_ago": before,
        "end_month": end,
        "ai_ytd": tar["ai"]["ytd"],
        "non_ai_ytd": tar["non_ai"]["ytd"],
    }
    rows = [[m, tar["ai"]["monthly"][m], tar["non_ai"]["monthly"][m]] for m in months]
    variant = _tariff_variant(ai, non_ai, before, style.words)
    return Plan(
        fig, ["month", "ai", "non_ai"], rows, ctx, variant, finish=caption(ax, t.palette["muted"])
    )
