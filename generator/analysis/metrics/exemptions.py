"""Exemption lists: how much AI-related trade sits on a list in force, and what it pays.

A month counts the lists in force on at least half of its days (monthly data cannot split
a month: see ExemptionList.in_force); a year, or the year to date, counts the codes on
the lists that count for its last month (December, or the edition month), so a year's
share reads "how much of this year's AI trade the lists now in force cover".

When no list counts for a period, its shares and rates are null, not 0: there is no
exempt part to measure, and 0% would read as "the lists cover nothing". `in_force` names
the lists that count for the edition month; when it is empty, `none_since` is the day
after the last list ended (null if none has ended, or if a list is in force on fewer
than half of the month's days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np

from generator.analysis.metrics.cube import Classes, Cube
from generator.analysis.metrics.numeric import diff, ratio
from generator.analysis.metrics.window import Window
from generator.months import month_days


def exemptions(
    w: Window, classes: Classes, imp: Cube, lists: list[Any], labels: dict[str, str]
) -> dict[str, Any]:
    """Coverage of AI-related imports by the lists, per list and per category, and the
    tariff rates of exempt and non-exempt AI-related goods."""
    now = {
        "in_force": [lst.key for lst in lists if lst.in_force(w.month)],
        "none_since": _none_since(w.month, lists),
    }
    if not lists or not imp.by_mask:
        return {"any": None, "lists": [], "by_category": [], "tariffs": None, **now}
    cov = _Coverage.of(w, imp.by_mask, lists)
    every = np.ones(len(lists), dtype=bool)
    out: dict[str, Any] = {
        "any": {"share": cov.ratio("value", "value", classes.ai, every, share=True)}
    }
    out["lists"] = [_list_entry(cov, classes, k, lst) for k, lst in enumerate(lists)]
    out["by_category"] = []
    for i, key in enumerate(classes.keys):
        share = cov.ratio("value", "value", [i], every, share=True)
        share.pop("monthly")
        out["by_category"].append({"key": key, "label": labels[key], "share": share})
    out["tariffs"] = _tariffs(cov, classes, every)
    return {**out, **now}


def _none_since(month: str, lists: list[Any]) -> str | None:
    """With no list counting for the month: the day after the last end, if no list has
    been in force since (up to the month's last day)."""
    if any(lst.in_force(month) for lst in lists):
        return None
    last = month_days(month)[1]
    ends = [lst.end for lst in lists if lst.end is not None and lst.end < last]
    if not ends:
        return None
    since = max(ends) + timedelta(days=1)
    if any(lst.effective <= last and (lst.end is None or lst.end >= since) for lst in lists):
        return None  # a list is in force for part of the month
    return since.isoformat()


def _day(d: Any) -> str | None:
    return d.isoformat() if d else None


def _list_entry(cov: _Coverage, classes: Classes, k: int, lst: Any) -> dict[str, Any]:
    only = np.zeros(len(cov.lists), dtype=bool)
    only[k] = True
    share = cov.ratio("value", "value", classes.ai, only, share=True)
    share.pop("monthly")
    return {
        "key": lst.key,
        "name": lst.name,
        "source": lst.source,
        "effective": lst.effective.isoformat(),
        "end": _day(lst.end),
        "announced": _day(getattr(lst, "announced", None) or lst.effective),
        "end_announced": _day(getattr(lst, "end_announced", None) or lst.end),
        "beyond_codes": getattr(lst, "beyond_codes", "") or None,
        "share": share,
    }


def _tariffs(cov: _Coverage, classes: Classes, every: np.ndarray) -> dict[str, Any]:
    """Rates of AI-related goods on a list in force and of the rest, and the gap."""
    exempt = cov.ratio("duty", "value_con", classes.ai, every)
    non_exempt = cov.ratio("duty", "value_con", classes.ai, every, rest=True)
    return {
        "exempt": exempt,
        "non_exempt": non_exempt,
        "gap": {
            "month": diff(non_exempt["month"], exempt["month"]),
            "annual": {
                y: diff(non_exempt["annual"][y], exempt["annual"][y]) for y in exempt["annual"]
            },
            "ytd": diff(non_exempt["ytd"], exempt["ytd"]),
        },
    }


@dataclass(frozen=True)
class _Query:
    """One ratio asked of the coverage: num ÷ den over the given classes and lists."""

    num: str
    den: str
    classes: list[int]
    which: np.ndarray  # [list]: the lists that count
    share: bool  # ÷ all of den (a share of trade), else ÷ the same part (a rate)
    rest: bool  # the part not covered, instead of the covered part


@dataclass(frozen=True)
class _Coverage:
    """Sums by list membership, and which lists are in force in each month."""

    w: Window
    by_mask: dict[str, np.ndarray]  # name → [month, mask, class]
    lists: list[Any]
    bits: np.ndarray  # [mask, list]: the mask includes the list
    force: dict[str, np.ndarray]  # month → [list]: the list is in force
    total: dict[str, np.ndarray]  # name → [month, class]

    @classmethod
    def of(cls, w: Window, by_mask: dict[str, np.ndarray], lists: list[Any]) -> _Coverage:
        nk = 1 << len(lists)
        bits = np.array([[(mask >> k) & 1 for k in range(len(lists))] for mask in range(nk)], bool)
        force = {m: np.array([lst.in_force(m) for lst in lists], dtype=bool) for m in w.months}
        total = {name: arr.sum(axis=1) for name, arr in by_mask.items()}
        return cls(w, by_mask, lists, bits, force, total)

    def covered(self, name: str, in_force: np.ndarray, which: np.ndarray) -> np.ndarray:
        """[month, class]: sums over codes on a chosen list (`which`) that is in force."""
        active = (self.bits & (in_force & which)[None, :]).any(axis=1)  # [mask]
        return (self.by_mask[name] * active[None, :, None]).sum(axis=1)

    def part(
        self, name: str, at: str, classes: list[int], which: np.ndarray, rest: bool
    ) -> np.ndarray:
        """By month: the covered part of `name` under the lists in force at `at` (with
        rest: the uncovered part)."""
        c = self.covered(name, self.force[at], which)[:, classes].sum(axis=1)
        return self.total[name][:, classes].sum(axis=1) - c if rest else c

    def ratio(
        self,
        num: str,
        den: str,
        classes: list[int],
        which: np.ndarray,
        share: bool = False,
        rest: bool = False,
    ) -> dict[str, Any]:
        """month / annual / ytd / monthly of covered (with rest: uncovered) num ÷ den; with
        share, ÷ all of den (a share of trade), else ÷ the same part (a rate)."""
        w = self.w
        q = _Query(num, den, classes, which, share, rest)
        annual = {
            str(y): self.over(q, f"{y}-12", [f"{y}-{k:02d}" for k in range(1, 13)])
            for y in w.complete_years
        }
        return {
            "month": self.over(q, w.month, [w.month]),
            "annual": annual,
            "ytd": self.over(q, w.month, w.ytd),
            "monthly": {m: self.over(q, m, [m]) for m in w.months},
        }

    def over(self, q: _Query, at: str, ms: list[str]) -> float | None:
        """The ratio over months `ms`, with the lists in force at `at`; None when none of
        the chosen lists counts at `at` (nothing is exempt: no split to measure)."""
        if not (self.force[at] & q.which).any():
            return None
        idx = self.w.rows(ms)
        whole = self.total[q.den][:, q.classes].sum(axis=1)
        part_den = whole if q.share else self.part(q.den, at, q.classes, q.which, q.rest)
        part_num = self.part(q.num, at, q.classes, q.which, q.rest)
        return ratio(part_num[idx].sum(), part_den[idx].sum())
