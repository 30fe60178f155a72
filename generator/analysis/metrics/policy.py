"""The policy calendar of an edition: what happened in its month, and what was already
announced for later by the end of it.

An edition knows only what was public by the last day of its month, so a backfilled
edition never "foresees" an event announced afterwards. An entry dated in the month is
`in_month`; one dated later is `upcoming`. A date known only after it passed (a list
made retroactive) is news of the month it was announced: `in_month` there.

Events come from the policy calendar (generator.classify.policy.PolicyEvent or alike:
date, announced, what, source, kind); the starts and ends of exemption lists from the
list files (key, name, source, effective, end, and optional `announced` / `end_announced`,
which default to the day itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from generator.months import month_days

IN_MONTH, UPCOMING = "in_month", "upcoming"
LIST_START, LIST_END = "list_start", "list_end"


@dataclass(frozen=True)
class _Dated:
    date: date
    announced: date
    what: str
    source: str
    kind: str | None
    list: str | None = None


def policy(month: str, events: Sequence[Any], lists: Sequence[Any]) -> dict[str, Any]:
    """`policy.events[]` of the edition of `month` (YYYY-MM), sorted by date."""
    first, last = month_days(month)
    out: list[tuple[_Dated, str]] = []
    for item in [*map(_event, events), *_list_dates(lists)]:
        if item.announced > last:
            continue  # not public by the end of the month
        if item.date > last:
            out.append((item, UPCOMING))
        elif max(item.date, item.announced) >= first:
            out.append((item, IN_MONTH))
    # on one day, a list's start or end before the editors' events (then by text)
    out.sort(
        key=lambda x: (
            x[0].date,
            x[0].announced,
            x[0].kind not in (LIST_START, LIST_END),
            x[0].what,
        )
    )
    return {"events": [_entry(item, status) for item, status in out]}


def _event(e: Any) -> _Dated:
    return _Dated(e.date, e.announced, e.what, e.source, getattr(e, "kind", None))


def _list_dates(lists: Sequence[Any]) -> list[_Dated]:
    """A list's start and, when it has one, its end (the last day in force)."""
    out = []
    for lst in lists:
        known = getattr(lst, "announced", None) or lst.effective
        start = f"The exemption list “{lst.name}” takes effect."
        out.append(_Dated(lst.effective, known, start, lst.source, LIST_START, lst.key))
        if lst.end is not None:
            known = getattr(lst, "end_announced", None) or lst.end
            end = f"The exemption list “{lst.name}” ends."
            out.append(_Dated(lst.end, known, end, lst.source, LIST_END, lst.key))
    return out


def _entry(item: _Dated, status: str) -> dict[str, Any]:
    return {
        "date": item.date.isoformat(),
        "announced": item.announced.isoformat(),
        "what": item.what,
        "source": item.source,
        "kind": item.kind,
        "list": item.list,
        "status": status,
    }
