"""News: what moved since the previous month, so each edition can lead with what changed.

Pure, like every topic: month-on-month moves of the series the brief quotes, streaks and
turning points (the first fall after several rises), ranks of sources and categories in
the month against the previous month, and the revisions the refresh that brought the
month made to earlier months (`data.revisions`, from the warehouse manifest).

The month before the first month in the data has no values: its moves are None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from generator.analysis.metrics.cube import Classes, Cube, series
from generator.analysis.metrics.numeric import diff, growth, money, ratio
from generator.analysis.metrics.window import Window
from generator.data.schema import REST_OF_WORLD
from generator.months import previous_month

MIN_RUN = 3  # a turn is news after at least this many moves the other way
TOP_RANKS = 5  # sources ranked in the month


@dataclass(frozen=True)
class Revision:
    """A month a refresh replaced with a different total value (the manifest's record)."""

    month: str
    flow: str
    old: float
    new: float
    with_month: str  # the newest month the same refresh brought: its edition reports it


def revisions_from_manifest(manifest: Mapping[str, Any]) -> tuple[Revision, ...]:
    """Revisions recorded in the warehouse manifest (`flows.FLOW.MONTH.revision`): the
    month's new value, and the old one (new − value_change); unchanged totals are left out."""
    out: list[Revision] = []
    for flow, entries in (manifest.get("flows") or {}).items():
        if not isinstance(entries, Mapping):
            continue
        by_stamp: dict[Any, str] = {}
        for month, entry in entries.items():
            stamp = entry.get("fetched_at") if isinstance(entry, Mapping) else None
            by_stamp[stamp] = max(by_stamp.get(stamp, month), month)
        for month, entry in sorted(entries.items()):
            rev = entry.get("revision") if isinstance(entry, Mapping) else None
            if not isinstance(rev, Mapping):
                continue
            try:
                new = float(entry["value"])
                change = float(rev.get("value_change") or 0.0)
            except (KeyError, TypeError, ValueError):
                continue
            if change == 0.0:
                continue
            # Recorded by the refresh (warehouse._stamp_revisions); older manifests: the
            # newest month that carries the same fetch stamp.
            with_month = rev.get("with_month") or by_stamp.get(entry.get("fetched_at"), month)
            out.append(Revision(month, str(flow), money(new - change), money(new), with_month))
    return tuple(out)


def revisions(month: str, recorded: Sequence[Any]) -> list[dict[str, Any]]:
    """`data.revisions[]` of the edition of `month`: earlier months the refresh that
    brought `month` revised (month, flow, old and new total value, change)."""
    out = []
    for r in recorded:
        if r.with_month == month and r.month < month:
            out.append(
                {
                    "month": r.month,
                    "flow": r.flow,
                    "old": money(r.old),
                    "new": money(r.new),
                    "change": growth(r.new, r.old),
                }
            )
    return sorted(out, key=lambda e: (e["month"], e["flow"]))


# ---- moves and turns ------------------------------------------------------------------------


def _money_move(monthly: Mapping[str, float | None], month: str, prev: str) -> dict[str, Any]:
    cur, pri = monthly.get(month), monthly.get(prev)
    change = growth(cur, pri) if cur is not None and pri is not None else None
    return {"month": cur, "prior": pri, "change": change, **_streak(monthly, month)}


def _ratio_move(cur: float | None, pri: float | None) -> dict[str, Any]:
    """A rate or share: its change is a difference (×100 = points)."""
    return {"month": cur, "prior": pri, "change": diff(cur, pri)}


def _streak(monthly: Mapping[str, float | None], month: str) -> dict[str, Any]:
    """`streak`: consecutive moves the same way ending at `month` (+ rises, − falls);
    `turn_after`: when this move reverses a run of at least MIN_RUN, that run's length."""
    values = [v for m, v in sorted(monthly.items()) if m <= month]
    moves = [np.sign(b - a) for a, b in zip(values, values[1:], strict=False)
             if a is not None and b is not None]  # fmt: skip
    if not moves or moves[-1] == 0:
        return {"streak": 0, "turn_after": None}
    last = moves[-1]
    run = 1
    while run < len(moves) and moves[-1 - run] == last:
        run += 1
    before = 0
    while run + before < len(moves) and moves[-1 - run - before] == -last:
        before += 1
    turn = before if run == 1 and before >= MIN_RUN else None
    return {"streak": int(run * last), "turn_after": turn}


def moves(doc: dict[str, Any], w: Window, classes: Classes, imp: Cube) -> dict[str, Any]:
    """`news.mom`: the month against the previous month, for what the brief quotes."""
    prev = previous_month(w.month)
    imports, exports = doc["imports"], doc["exports"]
    out: dict[str, Any] = {
        g: _money_move(imports[g]["monthly"], w.month, prev) for g in ("ai", "non_ai", "total")
    }
    out["exports_ai"] = _money_move(exports["ai"]["monthly"], w.month, prev)
    share = imports["ai_share"]["monthly"]
    out["ai_share"] = {**_ratio_move(share.get(w.month), share.get(prev)),
                       **_streak(share, w.month)}  # fmt: skip
    duty, con = imp.values["duty"], imp.values["value_con"]
    rates = {}
    for g in ("ai", "non_ai"):
        cls = classes.groups[g]
        d, c = series(duty, cls), series(con, cls)
        cur = ratio(w.at(d, w.month), w.at(c, w.month))
        pri = ratio(w.at(d, prev), w.at(c, prev)) if prev in w.mpos else None
        rates[g] = (cur, pri)
        out[f"tariff_{g}"] = _ratio_move(cur, pri)
    gap_cur = diff(rates["non_ai"][0], rates["ai"][0])
    gap_pri = diff(rates["non_ai"][1], rates["ai"][1])
    out["tariff_gap"] = _ratio_move(gap_cur, gap_pri)
    return out


def turns(mom: dict[str, Any]) -> list[dict[str, Any]]:
    """`news.turns[]`: a series whose month reverses a run of at least MIN_RUN moves."""
    out = []
    for key, move in mom.items():
        after = move.get("turn_after")
        if after:
            direction = "rise" if move["streak"] > 0 else "fall"
            out.append({"series": key, "direction": direction, "after": after})
    return out


# ---- ranks ------------------------------------------------------------------------------


def _ranked(values: np.ndarray, keep: np.ndarray) -> list[int]:
    order = np.argsort(-np.where(keep, values, -1.0), kind="stable")
    return [int(i) for i in order if keep[i] and values[i] > 0]


def ranks(
    w: Window, classes: Classes, imp: Cube, names: dict[str, str], labels: Mapping[str, str]
) -> dict[str, Any]:
    """`news.ranks`: AI-related sources (top TOP_RANKS) and AI categories ranked by the
    month's value, each with its rank and value in the previous month."""
    prev = previous_month(w.month)
    has_prev = prev in w.mpos
    by_c = imp.by_country["value"]
    countries = imp.countries
    keep = np.array([c != REST_OF_WORLD for c in countries], dtype=bool)
    cur = by_c[w.mpos[w.month]][:, classes.ai].sum(axis=1)
    pri = by_c[w.mpos[prev]][:, classes.ai].sum(axis=1) if has_prev else np.zeros_like(cur)
    prior_rank = {ci: r + 1 for r, ci in enumerate(_ranked(pri, keep))} if has_prev else {}
    sources = [
        {
            "country_code": countries[ci],
            "name": names.get(countries[ci], countries[ci]),
            "rank": r + 1,
            "prior_rank": prior_rank.get(ci),
            "value": money(cur[ci]),
            "prior_value": money(pri[ci]) if has_prev else None,
        }
        for r, ci in enumerate(_ranked(cur, keep)[:TOP_RANKS])
    ]
    vals = imp.values["value"]
    c_cur = np.array([w.at(vals[:, i], w.month) for i in classes.ai], dtype=float)
    c_pri = np.array([w.at(vals[:, i], prev) if has_prev else 0.0 for i in classes.ai])
    every = np.ones(len(classes.ai), dtype=bool)
    c_prior_rank = {i: r + 1 for r, i in enumerate(_ranked(c_pri, every))} if has_prev else {}
    cats = [
        {
            "key": classes.keys[i],
            "label": labels.get(classes.keys[i], classes.keys[i]),
            "rank": r + 1,
            "prior_rank": c_prior_rank.get(i),
            "value": money(c_cur[i]),
            "prior_value": money(c_pri[i]) if has_prev else None,
            "change": growth(c_cur[i], c_pri[i]) if has_prev else None,
        }
        for r, i in enumerate(_ranked(c_cur, every))
    ]
    return {"sources": sources, "categories": cats}


def news(
    doc: dict[str, Any],
    w: Window,
    classes: Classes,
    imp: Cube,
    names: dict[str, str],
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """The `news` block: the previous month (None before the data begin), the moves
    since it, the turns among them, and ranks against it."""
    prev = previous_month(w.month)
    mom = moves(doc, w, classes, imp)
    return {
        "previous_month": prev if prev in w.mpos else None,
        "mom": mom,
        "turns": turns(mom),
        "ranks": ranks(w, classes, imp, names, labels),
    }
