"""What the bottom line is about (templates/narrative/bottom_line.j2 words it): what
must be said this month (a tariff action, the year complete, AI imports gathering pace
or cooling), else the long run since the base year, told one way a month in turn so
that a reader of every edition does not read the same sentence with new numbers.

Pure: metrics documents in, a state and plain values out. The way is a function of the
month and its figures only, so the previous month's way is known from its document.
"""

from __future__ import annotations

import math
from typing import Any

from generator.brief.sections import COUNTS, TARIFF_ACTIONS, momentum, share_words


def _get(node: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


# The long run since the base year, told one way a month in turn (the same long-run
# sentence every month is no news): each way with the fact kinds that say the same thing,
# so it is left out of an edition whose lede or "By the numbers" gave it already.
LONG_RUN: dict[str, tuple[str, ...]] = {
    "outgrowing": ("divergence",),
    "dollar_share": ("share_level", "share_threshold", "year_review"),
    "volumes": ("price_volume",),
    "suppliers": ("top_sources", "top_source_change"),
}
# "one dollar in N" is "about" when 1/N is within this part of the share.
ONE_IN_CLOSE = 0.05
# Two suppliers are a story when together they ship at least this share.
TWO_SUPPLIERS_FROM = 0.45


def one_in(share: float | None) -> dict[str, Any] | None:
    """A share as a reader holds it, "one dollar in N": `about` N when 1/N is within
    ONE_IN_CLOSE of the share, else more than one in N (N the smallest whole number with
    1/N below the share), in words. None from half up ("one in two" says nothing a
    percent would not) and below one in eleven (a count past the words in COUNTS)."""
    if share is None or not 0 < share < 0.5:
        return None
    n = round(1 / share)
    about = abs(share - 1 / n) <= ONE_IN_CLOSE * share
    if not about:
        n = math.ceil(1 / share)
    if n - 2 >= len(COUNTS):  # "one in 14" is a figure no metric holds: not said
        return None
    return {"n": n, "count": COUNTS[n - 2], "about": about}


def long_run(doc: dict[str, Any], told_shares: bool = False) -> dict[str, Any]:
    """Every long-run bottom line the month's figures support, keyed as LONG_RUN, with
    what its template needs; `told_shares`: the edition gives the top sources' shares
    elsewhere (Zoom in, at a quarter's end)."""
    ai = _get(doc, "imports", "ai", "since_base", "ytd")
    other = _get(doc, "imports", "non_ai", "since_base", "ytd")
    if ai is None or other is None:
        return {}
    out: dict[str, Any] = {"outgrowing" if ai > other else "not_outgrowing": {}}
    base = _get(doc, "definitions", "base_year")
    now = one_in(_get(doc, "imports", "ai_share", "ytd"))
    then = one_in(_get(doc, "imports", "ai_share", "annual", str(base)))
    if now and then and now["n"] != then["n"]:
        out["dollar_share"] = {"now": now, "then": then}
    price = _get(doc, "prices", "ai", "since_base", "ytd")
    volume = _get(doc, "volumes", "ai", "since_base", "ytd")
    quotable = _get(doc, "prices", "ai", "quotable") and _get(doc, "volumes", "ai", "quotable")
    if quotable and price is not None and volume is not None and max(price, volume) > 0:
        out["volumes"] = {"price": price, "volume": volume, "more": volume >= price}
    src = doc.get("sources") or []
    both = src[0]["share"] + src[1]["share"] if len(src) >= 2 else 0.0
    if not told_shares and both >= TWO_SUPPLIERS_FROM:
        out["suppliers"] = {"first": src[0], "second": src[1], "words": share_words(both)}
    return out


def _pressing(doc: dict[str, Any]) -> list[str]:
    """What must be said this month, most pressing first: a tariff action in the month,
    a complete year, AI imports gathering pace or cooling."""
    states = []
    events = _get(doc, "policy", "events") or []
    if any(e.get("status") == "in_month" and e.get("kind") in TARIFF_ACTIONS for e in events):
        states.append("policy")
    if doc["period"]["ytd_months"] == 12:
        states.append("year")
    ai = _get(doc, "imports", "ai", "since_base", "ytd")
    other = _get(doc, "imports", "non_ai", "since_base", "ytd")
    pace = momentum(doc) if ai is not None and other is not None and ai > other else None
    return [*states, *([pace] if pace else [])]


# Whose turn it is, by the month's place in a four-month cycle (months counted from
# year 0): the two families (the import bill: share of dollars, outgrowing other goods;
# what it buys and where from: volumes, suppliers) alternate month by month, so two
# months in a row tell the long run in different ways whenever both families have one.
TURNS = (
    ("dollar_share", "outgrowing", "volumes", "suppliers"),
    ("volumes", "suppliers", "dollar_share", "outgrowing"),
    ("outgrowing", "dollar_share", "suppliers", "volumes"),
    ("suppliers", "volumes", "outgrowing", "dollar_share"),
)


def _in_turn(month: str, ways: list[str], not_this: str | None = None) -> str:
    """The long-run way whose turn it is (TURNS) among `ways`, never `not_this` (the
    previous month's) when there is another. Depends on the month and its figures only,
    so the previous month's way is known from its own document."""
    y, m = (int(p) for p in month.split("-"))
    order = TURNS[(y * 12 + m - 1) % len(TURNS)]
    slot = {w: ("outgrowing" if w == "not_outgrowing" else w) for w in ways}
    turns = sorted(ways, key=lambda w: order.index(slot[w]) if slot[w] in order else len(order))
    return next((w for w in turns if w != not_this), turns[0])


def bottom_states(doc: dict[str, Any], told_shares: bool = False) -> list[str]:
    """Every true thing the bottom line could say this month, most pressing first: the
    base year, a tariff action in the month, a complete year, AI imports gathering pace
    or cooling, then the long run since the base year in its several ways (LONG_RUN)."""
    ways = list(long_run(doc, told_shares))
    if not ways:
        return ["base"]
    return [*_pressing(doc), *ways]


def bottom_state(
    doc: dict[str, Any],
    previous: dict[str, Any] | None = None,
    lead: str | None = None,
    told_shares: bool = False,
) -> str:
    """What the bottom line is about this month, from the data and the calendar. Not
    what the previous month's bottom line was about when something else true can be
    said (a bottom line already read last month is no news); else the long run, its ways
    in turn, none that the lead (a fact kind) tells. "By the numbers" then leaves out the
    facts of the way chosen (`told_by`)."""
    ways = list(long_run(doc, told_shares))
    if not ways:
        return "base"
    said = _said(previous)
    for state in _pressing(doc):
        if state != said:
            return state
    untold = [w for w in ways if lead not in LONG_RUN.get(w, ())] or ways
    return _in_turn(doc["month"], untold, said)


def told_by(state: str) -> tuple[str, ...]:
    """The fact kinds a bottom line about `state` tells already."""
    return LONG_RUN.get(state, ())


def _said(previous: dict[str, Any] | None) -> str | None:
    """What the previous month's bottom line was about, as far as its figures tell."""
    if previous is None:
        return None
    ways = list(long_run(previous, zoom_shares(previous)))
    if not ways:
        return "base"
    pressing = _pressing(previous)
    return pressing[0] if pressing else _in_turn(previous["month"], ways)


def zoom_shares(doc: dict[str, Any]) -> bool:
    """Whether Zoom in gives the top sources' shares: at a quarter's end, or with no
    previous month to tell news against. Then the bottom line does not."""
    return _get(doc, "news", "previous_month") is None or doc["period"]["ytd_months"] % 3 == 0
