"""What the sections' templates (why_it_matters, zoom_in, between_the_lines, what_to_watch,
bottom_line) need beyond metrics.json: choices and displayed arithmetic made here, in
code, so a template only words them (the bottom line's subject: bottom_line.py).

Why here: a gap printed beside two rates must be the difference of the rates as printed
(numbers.rate_gap), and what a section says must follow the month's data and calendar
(a list's announced end, an upcoming event, a category changing pace, the partner that
grows faster), not a fixed paragraph. Pure: a metrics document in, plain values out.
"""

from __future__ import annotations

from typing import Any

from generator import numbers
from generator.months import month_days, previous_month

# A category "changes pace" when its growth on a year earlier in the month differs from
# its growth so far this year by at least this much (0.05 = 5 points), among categories
# holding at least MIN_CATEGORY_SHARE of AI-related imports.
PACE_FROM = 0.05
MIN_CATEGORY_SHARE = 0.05
# AI-related imports "gather pace" or "cool" when the month's growth on a year earlier
# differs from the year so far by at least this much.
MOMENTUM_FROM = 0.03
# Kinds of policy events that are tariff actions (the month they happen is news).
TARIFF_ACTIONS = ("tariff", "executive_order", "ruling")
LIST_EVENTS = ("list_start", "list_end")
# The share of AI-related imports on exemption lists is news again in "What to watch"
# when it moved at least this much since the previous month (0.01 = 1 point).
LISTS_MOVED = 0.01


def lookup(node: Any, *path: str) -> Any:
    """The value at `path` in nested dicts, None where any key is missing (an older
    metrics document)."""
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def month_end(month: str) -> str:
    """2026-02 → 2026-02-28: what an edition of the month may know of."""
    return month_days(month)[1].isoformat()


def compare_gaps(now: float | None, before: float | None, steady: float) -> str | None:
    """How a gap (other goods' rate minus AI's) moved: wider, narrower, same, flipped."""
    if now is None or before is None:
        return None
    if abs(now - before) < steady:
        return "same"
    if now * before < 0:
        return "flipped"
    return "wider" if abs(now) > abs(before) else "narrower"


def tariff_view(doc: dict[str, Any], steady: float) -> dict[str, Any]:
    """Rates as printed and the gaps between them (other goods minus AI-related, so a
    positive gap means AI-related goods pay less), for the year so far and the month."""
    t = doc["tariffs"]
    ai, other = t["ai"]["ytd"], t["non_ai"]["ytd"]
    ai_m, other_m = t["ai"]["month"], t["non_ai"]["month"]
    gap = numbers.rate_gap(other, ai)
    gap_m = numbers.rate_gap(other_m, ai_m)
    prior = t["gap"].get("prior_ytd")
    prior_shown = numbers.shown_rate(prior)
    return {
        "ai": ai,
        "other": other,
        "gap": gap,
        "side": None
        if gap is None
        else "same"
        if abs(gap) < steady
        else "less"
        if gap > 0
        else "more",
        "prior_gap": prior,
        "trend": compare_gaps(gap, prior_shown, steady),
        "ai_month": ai_m,
        "other_month": other_m,
        "gap_month": gap_m,
        "month_vs_year": compare_gaps(gap_m, gap, steady),
    }


def share_words(r: float) -> str:
    """A ratio as words a reader can hold: 0.45 → "less than half"."""
    for below, words in (
        (0.25, "less than a quarter of"),
        (0.3333, "less than a third of"),
        (0.45, "less than half of"),
        (0.55, "about half of"),
        (0.95, "more than half of"),
        (1.05, "about as much as"),
    ):
        if r < below:
            return words
    return "more than"


def ai_balance(doc: dict[str, Any]) -> dict[str, Any] | None:
    """AI-related exports against AI-related imports so far this year: the net AI
    balance in words (no derived figure is printed)."""
    exp, imp = lookup(doc, "exports", "ai", "ytd"), lookup(doc, "imports", "ai", "ytd")
    if not exp or not imp:
        return None
    p_exp = lookup(doc, "exports", "ai", "prior_ytd")
    p_imp = lookup(doc, "imports", "ai", "prior_ytd")
    moved = None
    if p_exp is not None and p_imp is not None and (imp - exp) * (p_imp - p_exp) > 0:
        moved = "widened" if abs(imp - exp) > abs(p_imp - p_exp) else "narrowed"
    return {
        "exports": exp,
        "imports": imp,
        "cover": share_words(exp / imp),
        "balance": "deficit" if imp > exp else "surplus",
        "moved": moved,
        "exports_growth": lookup(doc, "exports", "ai", "yoy", "ytd"),
        "imports_growth": lookup(doc, "imports", "ai", "yoy", "ytd"),
    }


def category_pace(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The category whose growth in the month departs most from its year so far
    (accelerating or slowing), when the departure is at least PACE_FROM."""
    best = None
    for c in doc["categories"]:
        imp = c["imports"]
        share = lookup(imp, "share_of_ai", "ytd")
        g_m, g_y = lookup(imp, "yoy", "month"), lookup(imp, "yoy", "ytd")
        if share is None or share < MIN_CATEGORY_SHARE or g_m is None or g_y is None:
            continue
        d = g_m - g_y
        if abs(d) >= PACE_FROM and (best is None or abs(d) > abs(best["change"])):
            best = {"key": c["key"], "label": c["label"], "month": g_m, "ytd": g_y, "change": d}
    if best is not None:
        best["way"] = "faster" if best["change"] > 0 else "slower"
    return best


def growth_pair(doc: dict[str, Any]) -> dict[str, Any] | None:
    """Compute hardware against electrical power: growth on a year earlier, so far."""
    cats = {c["key"]: c for c in doc["categories"]}
    ch, ep = cats.get("compute_hardware"), cats.get("electrical_power")
    if ch is None or ep is None:
        return None
    g_ch, g_ep = lookup(ch, "imports", "yoy", "ytd"), lookup(ep, "imports", "yoy", "ytd")
    if g_ch is None or g_ep is None:
        return None
    return {"compute": g_ch, "power": g_ep, "compute_leads": g_ch >= g_ep}


def partner_pair(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The two partners (Mexico, Canada), faster-growing first by AI-related imports."""
    ps = [p for p in doc.get("partners", []) if lookup(p, "ai", "growth") is not None]
    if len(ps) < 2:
        return None
    fast, slow = sorted(ps[:2], key=lambda p: p["ai"]["growth"], reverse=True)
    return {"fast": fast, "slow": slow}


def source_shift(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The top two sources, and whether the first was not first a year earlier."""
    src = doc["sources"]
    if len(src) < 2:
        return None
    first, second = src[0], src[1]
    before = next((s for s in src if s.get("prior_rank") == 1), None)
    return {
        "first": first,
        "second": second,
        "overtook": before if before is not None and before is not first else None,
    }


COUNTS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven")


def streak(doc: dict[str, Any]) -> dict[str, str] | None:
    """AI-related imports' run of monthly rises or falls, in words, from two months on:
    {"months": "three", "way": "risen"}; None for a single move (the lede or What's new
    tells the month's move)."""
    run = lookup(doc, "news", "mom", "ai", "streak")
    if not run or abs(run) < 2:
        return None
    n = abs(run)
    months = COUNTS[n - 2] if n - 2 < len(COUNTS) else str(n)
    return {"months": months, "way": "risen" if run > 0 else "fallen"}


def months_away(month: str, day: str) -> str:
    """How far a date is from the edition's month, in words a reader of that month
    needs (the calendar makes a standing date news): "next month", "in five months"."""
    y, m = (int(p) for p in month.split("-"))
    dy, dm = (int(p) for p in day[:7].split("-"))
    n = (dy - y) * 12 + dm - m
    if n <= 0:
        return "later this month"
    if n == 1:
        return "next month"
    return f"in {COUNTS[n - 2]} months" if n <= len(COUNTS) + 1 else "in more than a year"


def watch_view(doc: dict[str, Any]) -> dict[str, Any]:
    """What is ahead, as the edition's month could know it: lists in force with the
    end announced by the month's last day, upcoming tariff actions, the next release.
    A list ending on the day of an upcoming action is said once, with the action (the
    same date twice is one story); `away` says how far the date is from this month."""
    month = doc["month"]
    last_day = month_end(month)
    ex = doc.get("exemptions") or {}
    in_force = set(ex.get("in_force") or [])
    lists = [x for x in ex.get("lists", []) if x["key"] in in_force]
    names = {x["key"]: x["name"] for x in ex.get("lists", [])}
    # An end still ahead: an upcoming list_end event (announced by the month's last day),
    # else a list in force whose end was announced by then and falls after the month.
    ends = [
        {"name": names.get(e.get("list"), e["what"]), "end": e["date"]}
        for e in lookup(doc, "policy", "events") or []
        if e.get("status") == "upcoming" and e.get("kind") == "list_end"
    ]
    ends += [
        {"name": x["name"], "end": x["end"]}
        for x in lists
        if x.get("end")
        and (x.get("end_announced") or x["end"]) <= last_day
        and x["end"] > last_day
        and x["name"] not in {e["name"] for e in ends}
    ]
    ends.sort(key=lambda e: e["end"])
    events = [
        e
        for e in lookup(doc, "policy", "events") or []
        if e.get("status") == "upcoming" and e.get("kind") not in LIST_EVENTS
    ]
    nxt = doc["period"]["next_release_month"]
    ending = dict(ends[0], away=months_away(month, ends[0]["end"])) if ends else None
    upcoming = (
        dict(events[0], away=months_away(month, events[0]["date"]), with_list=None)
        if events
        else None
    )
    if ending and upcoming and upcoming["date"] == ending["end"]:
        upcoming["with_list"], ending = ending, None  # one bullet: the action and the list
    none_since = ex.get("none_since")
    shares = lookup(ex, "any", "share", "monthly") or {}
    now, before = shares.get(month), shares.get(previous_month(month))
    return {
        "lists": lists,
        # in force with no end known by the month's last day (not one ending this month)
        "lists_open": [
            x for x in lists if not x.get("end") or (x.get("end_announced") or x["end"]) > last_day
        ],
        "ending": ending,
        # in force for the month but over by its last day: counted, no longer "now in force"
        "ending_now": [x for x in lists if x.get("end") and x["end"] <= last_day],
        "merged": bool(upcoming and upcoming.get("with_list")),
        "share_month": lookup(ex, "any", "share", "month"),
        # the lists are news: new since last month, or their share moved a point or more
        "lists_news": now is None or before is None or abs(now - before) >= LISTS_MOVED,
        "none_since": none_since,
        # the lists ended this month or last: "Between the lines" tells it, as news
        "none_new": bool(none_since) and none_since[:7] >= previous_month(month),
        "upcoming": upcoming,
        "annual_revision": nxt.endswith("-06"),
        "prices_quotable": bool(lookup(doc, "prices", "ai", "quotable")),
        "streak": streak(doc),
    }


# The year's deficit effect is set against the whole previous year's from this month of
# the year on.
DEFICIT_YEAR_FROM = 3


def deficit_view(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The AI boom's effect on the goods deficit so far this year against its effect in
    all of the previous year, in words ("more than twice"): the year's story as it
    builds, month by month. None without a previous year's effect to compare with, and
    in the year's first two months (a month or two against a whole year says little:
    "less than a quarter of its effect in 2024" in January)."""
    if doc["period"]["ytd_months"] < DEFICIT_YEAR_FROM:
        return None
    cf = lookup(doc, "counterfactual", "ytd")
    year = doc["period"]["year"]
    before = lookup(doc, "counterfactual", "annual", str(year - 1), "net_effect")
    if not cf or not before or before <= 0 or cf["net_effect"] <= 0:
        return None
    r = cf["net_effect"] / before
    return {"effect": cf["net_effect"], "before": before, "words": times_words(r), "year": year - 1}


# A ratio in words: below 1.9, bands; from there the nearest whole number of times,
# "about" within TIMES_ABOUT of it, else "more than" or "nearly".
TIMES_ABOUT = 0.15
_PARTS = (
    (0.18, "less than a fifth of"),
    (0.22, "about a fifth of"),
    (0.3, "about a quarter of"),
    (0.37, "about a third of"),
    (0.42, "more than a third of"),
    (0.47, "more than two fifths of"),  # 43% is not "about half" of a figure beside it
    (0.55, "about half of"),
    (0.62, "more than half of"),
    (0.72, "about two thirds of"),
    (0.9, "most of"),
    (0.97, "nearly all of"),
    (1.05, "about as much as"),
    (1.4, "more than"),
    (1.75, "about one and a half times"),
    (1.9, "nearly twice"),
)


def times_words(r: float) -> str:
    """A ratio as a reader checks it against the two figures: 0.92 → "nearly all of",
    2.0 → "about twice", 5.3 → "more than five times", 5.9 → "about six times"."""
    for below, words in _PARTS:
        if r < below:
            return words
    n = round(r)
    if n - 2 >= len(COUNTS):  # past the counts in words: the last of them
        return f"more than {COUNTS[-1]} times"
    times = "twice" if n == 2 else f"{COUNTS[n - 2]} times"
    if abs(r - n) <= TIMES_ABOUT + 1e-9:  # 2.85 is 0.15 from 3, in decimal if not in binary
        return f"about {times}"
    return f"more than {times}" if r > n else f"nearly {times}"


def momentum(doc: dict[str, Any]) -> str | None:
    """AI-related imports in the month against the year so far: quicker, slower, or None."""
    yoy = lookup(doc, "imports", "ai", "yoy") or {}
    g_m, g_y = yoy.get("month"), yoy.get("ytd")
    if g_m is None or g_y is None or doc["period"]["ytd_months"] < 2:
        return None
    if g_m - g_y >= MOMENTUM_FROM and g_m > 0:
        return "quicker"
    if g_y - g_m >= MOMENTUM_FROM and g_y > 0:
        return "slower"
    return None


# ---- what moved since the previous month (metrics `news`) -------------------------------------

# Rates are printed with one decimal: a move under half a tenth of a point shows no change.
RATE_HELD_BELOW = 0.0005
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def rate_move(move: dict[str, Any] | None) -> dict[str, Any] | None:
    """A tariff rate against the previous month's: rose, fell or held, as printed."""
    if not move or move.get("month") is None or move.get("prior") is None:
        return None
    now, before = move["month"], move["prior"]
    held = numbers.shown_rate(now) == numbers.shown_rate(before)
    way = (
        "held"
        if held or abs(now - before) < RATE_HELD_BELOW
        else "rose"
        if now > before
        else "fell"
    )
    return {"now": now, "before": before, "way": way, "size": abs(now - before)}


def tariff_moves(doc: dict[str, Any]) -> dict[str, Any] | None:
    """Both tariff rates against the previous month, the one that moved more first (and
    AI's again as `ai`, for a brief whose lede told other goods' move already)."""
    mom = lookup(doc, "news", "mom") or {}
    ai, other = rate_move(mom.get("tariff_ai")), rate_move(mom.get("tariff_non_ai"))
    if ai is None or other is None:
        return None
    ai["who"], other["who"] = "AI-related goods", "other goods"
    lead, follow = (ai, other) if ai["size"] > other["size"] else (other, ai)
    return {"lead": lead, "follow": follow, "ai": ai}


def category_mover(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The category, among those holding MIN_CATEGORY_SHARE of the month's AI-related
    imports, whose imports moved most against the previous month."""
    cats = lookup(doc, "news", "ranks", "categories") or []
    total = sum(c.get("value") or 0 for c in cats)
    big = [
        c
        for c in cats
        if total
        and (c.get("value") or 0) / total >= MIN_CATEGORY_SHARE
        and c.get("change") is not None
    ]
    return max(big, key=lambda c: abs(c["change"]), default=None)


def rank_climber(doc: dict[str, Any], key: str) -> dict[str, Any] | None:
    """The highest-ranked source or category that moved up a rank since the previous month,
    with the one it passed."""
    ranked = lookup(doc, "news", "ranks", key) or []
    for r in sorted(ranked, key=lambda r: r["rank"]):
        if r.get("prior_rank") and r["rank"] < r["prior_rank"] and r["rank"] <= len(ORDINALS):
            passed = next((o for o in ranked if o.get("prior_rank") == r["rank"]), None)
            return {
                "name": r.get("name") or r.get("label"),
                "place": ORDINALS[r["rank"] - 1],
                "passed": None if passed is None else passed.get("name") or passed.get("label"),
            }
    return None


def export_move(doc: dict[str, Any]) -> dict[str, Any] | None:
    """AI-related exports in the month against the previous month."""
    move = lookup(doc, "news", "mom", "exports_ai")
    if not move or move.get("month") is None or move.get("change") is None:
        return None
    return {"month": move["month"], "change": move["change"]}


def zoom_mix(doc: dict[str, Any]) -> bool:
    """Whether Zoom in tells the mix of AI-related imports (compute hardware's part and
    its growth against electrical power's) this month: at the end of a quarter, or when
    no category's move since the previous month takes its place. What to watch reads it
    too, so a growth figure Zoom in gave is not given again."""
    moved = category_mover(doc) is not None and lookup(doc, "news", "previous_month")
    return not moved or doc["period"]["ytd_months"] in (3, 6, 9, 12)


def context(doc: dict[str, Any], gap_steady_below: float) -> dict[str, Any]:
    """The values the section templates use, beside `m` (metrics.json)."""
    return {
        "zoom_mix": zoom_mix(doc),
        "tariff": tariff_view(doc, gap_steady_below),
        "ai_balance": ai_balance(doc),
        "pace": category_pace(doc),
        "growth": growth_pair(doc),
        "partner_pair": partner_pair(doc),
        "shift": source_shift(doc),
        "watch": watch_view(doc),
        "deficit": deficit_view(doc),
        "momentum": momentum(doc),
        "previous": lookup(doc, "news", "previous_month"),
        "rates_moved": tariff_moves(doc),
        "mover": category_mover(doc),
        "source_up": rank_climber(doc, "sources"),
        "exports_moved": export_move(doc),
    }
