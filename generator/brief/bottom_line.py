"""What the bottom line is about (templates/narrative/bottom_line.j2 words it): what
must be said this month (a tariff action, the year complete, AI imports gathering pace
or cooling), else the long run since the base year, told one way a month in turn so
that a reader of every edition does not read the same sentence with new numbers.

Pure: metrics documents in, a state and plain values out. The previous month's way is
worked out again from its document, not read from its edition: what that edition's lede
told, and a turn it gave up to the month before it, are not known here, so two months
in a row can tell the same way when the ways on offer change.
"""

from __future__ import annotations

import math
from typing import Any

from generator.brief.sections import COUNTS, TARIFF_ACTIONS, lookup, momentum, share_words

# The long run since the base year, told one way a month in turn (the same long-run
# sentence every month is no news), in this order (the two families alternate: the
# import bill, then what it buys and where from): each way with the fact kinds that say
# the same thing, so it is left out of an edition whose lede gave it, and "By the
# numbers" leaves them out when the bottom line tells it. "not_outgrowing" takes
# "outgrowing"'s turn.
LONG_RUN: dict[str, tuple[str, ...]] = {
    "dollar_share": ("share_level", "share_threshold", "year_review"),
    "volumes": ("price_volume",),
    "outgrowing": ("divergence",),
    "suppliers": ("top_sources", "top_source_change", "source_rank"),
}
# The figures the other bottom lines give (December's year: December's share, as a
# record or a monthly move would give it; growth gathering pace or slowing: the year so
# far's growth, as the year-on-year bullet gives it).
TOLD_BY = {
    **LONG_RUN,
    "not_outgrowing": ("divergence",),
    "year": ("share_record", "mom_share"),
    "quicker": ("ai_yoy",),
    "slower": ("ai_yoy",),
    "policy": ("share_level", "share_threshold"),
}
# "one dollar in N" is "about" when 1/N is within this part of the share.
ONE_IN_CLOSE = 0.05
# Said only below this share (above it "one in two" or "more than one in three" would
# hide how big the share is).
ONE_IN_BELOW = 0.4
# Two suppliers are a story when together they ship at least this share, and each at
# least SUPPLIER_FROM (one big supplier and a small one is not "two suppliers").
TWO_SUPPLIERS_FROM = 0.45
SUPPLIER_FROM = 0.15
# A change below this is "held steady" (the default of words.yaml's growth.steady_below;
# the narrative passes the editors' value).
STEADY = 0.02


def one_in(share: float | None) -> dict[str, Any] | None:
    """A share as a reader holds it, "one dollar in N": `about` N when 1/N is within
    ONE_IN_CLOSE of the share, else more than one in N (N the smallest whole number with
    1/N below the share), in words. None from ONE_IN_BELOW up and below one in eleven
    (a count past the words in COUNTS)."""
    if share is None or not 0 < share < ONE_IN_BELOW:
        return None
    n = round(1 / share)
    about = abs(share - 1 / n) <= ONE_IN_CLOSE * share
    if not about:
        n = math.ceil(1 / share)
    if n < 3 or n - 2 >= len(COUNTS):  # "one in 14" is a figure no metric holds: not said
        return None
    return {"n": n, "count": COUNTS[n - 2], "about": about}


def long_run(
    doc: dict[str, Any], told_shares: bool = False, steady: float = STEADY
) -> dict[str, Any]:
    """Every long-run bottom line the month's figures support, keyed as LONG_RUN, with
    what its template needs; `told_shares`: the edition gives the top sources' shares
    elsewhere (Zoom in, at a quarter's end); `steady`: a change below it "held steady"
    (words.yaml)."""
    ai = lookup(doc, "imports", "ai", "since_base", "ytd")
    other = lookup(doc, "imports", "non_ai", "since_base", "ytd")
    if ai is None or other is None:
        return {}
    out: dict[str, Any] = {}
    base = lookup(doc, "definitions", "base_year")
    now = one_in(lookup(doc, "imports", "ai_share", "ytd"))
    then = one_in(lookup(doc, "imports", "ai_share", "annual", str(base)))
    if now and then and now["n"] != then["n"]:
        out["dollar_share"] = {"now": now, "then": then}
    price = lookup(doc, "prices", "ai", "since_base", "ytd")
    volume = lookup(doc, "volumes", "ai", "since_base", "ytd")
    quotable = lookup(doc, "prices", "ai", "quotable") and lookup(doc, "volumes", "ai", "quotable")
    # a boom of more hardware (volumes up, not "held steady"), at steady or higher unit
    # values, and AI imports outgrowing other goods
    rose = price is not None and volume is not None and volume >= steady and price > -steady
    if quotable and ai > other and rose:
        out["volumes"] = {
            "price": price,
            "volume": volume,
            "more": volume >= price,
            "steady_prices": price < steady,
        }
    out["outgrowing" if ai > other else "not_outgrowing"] = {}
    src = doc.get("sources") or []
    if not told_shares and len(src) >= 2 and min(src[0]["share"], src[1]["share"]) >= SUPPLIER_FROM:
        both = src[0]["share"] + src[1]["share"]
        if both >= TWO_SUPPLIERS_FROM:
            out["suppliers"] = {"first": src[0], "second": src[1], "words": share_words(both)}
    return out


def _pressing(doc: dict[str, Any]) -> list[str]:
    """What must be said this month, most pressing first: a tariff action in the month,
    a complete year, AI imports gathering pace or cooling."""
    states = []
    events = lookup(doc, "policy", "events") or []
    if any(e.get("status") == "in_month" and e.get("kind") in TARIFF_ACTIONS for e in events):
        states.append("policy")
    if doc["period"]["ytd_months"] == 12:
        states.append("year")
    ai = lookup(doc, "imports", "ai", "since_base", "ytd")
    other = lookup(doc, "imports", "non_ai", "since_base", "ytd")
    pace = momentum(doc) if ai is not None and other is not None and ai > other else None
    return [*states, *([pace] if pace else [])]


def _in_turn(month: str, ways: list[str]) -> list[str]:
    """The long-run ways in the order of their turns this month: the month's place in a
    cycle as long as the ways there are (months counted from year 0), so two months in
    a row with the same ways never tell the same one."""
    y, m = (int(p) for p in month.split("-"))
    start = (y * 12 + m - 1) % len(ways)
    return ways[start:] + ways[:start]


def bottom_state(
    doc: dict[str, Any],
    previous: dict[str, Any] | None = None,
    told: frozenset[str] | set[str] = frozenset(),
    told_shares: bool = False,
    steady: float = STEADY,
) -> str:
    """What the bottom line is about this month, from the data and the calendar. Not
    what the previous month's bottom line was about when something else true can be
    said (a bottom line already read last month is no news); else the long run, its ways
    in turn, none that the facts above it (`told`: the lede's and What's new's kinds)
    give. "By the numbers" then leaves out the facts of the way chosen (`told_by`)."""
    ways = list(long_run(doc, told_shares, steady))
    if not ways:
        return "base"
    said = _said(previous, steady)
    for state in _pressing(doc):
        if state != said:
            return state
    untold = [w for w in ways if not set(told_by(w, doc)) & set(told)] or ways
    turns = _in_turn(doc["month"], untold)
    if turns[0] != said:
        return turns[0]
    # Last month told this month's turn (its ways were others): the way before it in
    # the cycle, as the next one is likely next month's turn
    return next((w for w in reversed(turns) if w != said), turns[0])


def told_by(state: str, doc: dict[str, Any] | None = None) -> tuple[str, ...]:
    """The fact kinds a bottom line about `state` tells already. In the year after the
    base year, growth since the base is growth on a year earlier: the long run against
    other goods then tells what the year-on-year facts tell ("up 22% from the same months
    of 2023" after "$140B: …, up 22% from the same months of 2023")."""
    kinds = TOLD_BY.get(state, ())
    year, base = lookup(doc, "period", "year"), lookup(doc, "definitions", "base_year")
    if state in ("outgrowing", "not_outgrowing") and year is not None and year == base + 1:
        kinds = (*kinds, "ai_yoy", "january")
    return kinds


def _said(previous: dict[str, Any] | None, steady: float = STEADY) -> str | None:
    """What the previous month's bottom line was about, as far as its figures tell."""
    if previous is None:
        return None
    ways = list(long_run(previous, zoom_shares(previous), steady))
    if not ways:
        return "base"
    pressing = _pressing(previous)
    return pressing[0] if pressing else _in_turn(previous["month"], ways)[0]


def zoom_shares(doc: dict[str, Any]) -> bool:
    """Whether Zoom in may give the top sources' shares (at a quarter's end, or with no
    previous month to tell news against, when it has two sources to name): then the
    bottom line does not."""
    return lookup(doc, "news", "previous_month") is None or doc["period"]["ytd_months"] % 3 == 0
