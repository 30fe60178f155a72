"""The edition's calendar: which months the data cover, the year to date, last year's same
months, complete years and the base year, and the two blocks every topic is made of.

`aggregate` (a flow of money) and `share` (a ratio with its changes) are the shapes the
metrics document repeats for imports, exports, categories and tariffs; building them in
one place keeps every block in the schema the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from generator.analysis.metrics.model import MetricsError
from generator.analysis.metrics.numeric import (
    diff,
    growth,
    money,
    month_index,
    month_name,
    ratio,
)

if TYPE_CHECKING:
    from generator.analysis.metrics.model import Frame


def year_months(y: int) -> list[str]:
    return [f"{y}-{m:02d}" for m in range(1, 13)]


@dataclass(frozen=True)
class Window:
    """Months from the first in the data up to the edition month, and the spans in it."""

    month: str
    first: str
    months: list[str]
    base: int
    complete_years: list[int]
    ytd: list[str]
    prior_ytd: list[str]

    @property
    def year(self) -> int:
        return int(self.month[:4])

    @property
    def ytd_months(self) -> int:
        return int(self.month[5:7])

    @property
    def base_months(self) -> list[str]:
        return year_months(self.base)

    @cached_property
    def mpos(self) -> dict[str, int]:
        return {m: i for i, m in enumerate(self.months)}

    @cached_property
    def has_prior(self) -> bool:
        mpos = self.mpos
        return all(m in mpos for m in self.prior_ytd)

    def rows(self, ms: Iterable[str]) -> list[int]:
        mpos = self.mpos
        return [mpos[m] for m in ms]

    def over(self, s: np.ndarray, ms: list[str]) -> float:
        """The sum of a monthly series over the given months."""
        return float(s[self.rows(ms)].sum())

    def at(self, s: np.ndarray, m: str) -> Any:
        return s[self.mpos[m]]


def available_months(imports: Frame, exports: Frame) -> list[str]:
    """Months with both imports and exports: only those can carry an edition."""
    imp_months = set(map(str, np.unique(np.asarray(imports["period"]))))
    exp_months = set(map(str, np.unique(np.asarray(exports["period"]))))
    return sorted(imp_months & exp_months)


def window(available: list[str], month: str, base: int) -> Window:
    """The calendar of the edition of `month`; refuses a missing month, a gap or an
    incomplete base year, since every growth figure would silently be wrong."""
    if month not in available:
        span = f"{available[0]} … {available[-1]}" if available else "none"
        raise MetricsError(f"no data for {month}: months available {span}")
    first = available[0]
    months = [month_name(i) for i in range(month_index(first), month_index(month) + 1)]
    gaps = [m for m in months if m not in available]
    if gaps:
        raise MetricsError(f"months missing between {first} and {month}: {', '.join(gaps[:6])}")
    if not set(year_months(base)) <= set(months):
        raise MetricsError(
            f"base year {base} is not complete in the data ({first} … {month}); "
            "set metrics.base_year to a year the warehouse covers"
        )
    year, ytd_months = int(month[:4]), int(month[5:7])
    mpos = {m: i for i, m in enumerate(months)}
    complete = [
        y for y in range(int(first[:4]), year + 1) if all(m in mpos for m in year_months(y))
    ]
    return Window(
        month=month,
        first=first,
        months=months,
        base=base,
        complete_years=complete,
        ytd=[f"{year}-{m:02d}" for m in range(1, ytd_months + 1)],
        prior_ytd=[f"{year - 1}-{m:02d}" for m in range(1, ytd_months + 1)],
    )


def aggregate(w: Window, s: np.ndarray) -> dict[str, Any]:
    """A flow of money: the month, complete years, year to date, and its growth rates."""
    annual = {str(y): w.over(s, year_months(y)) for y in w.complete_years}
    ytd_v = w.over(s, w.ytd)
    prior_v = w.over(s, w.prior_ytd) if w.has_prior else None
    month_v = float(w.at(s, w.month))
    base_v = w.over(s, w.base_months)
    base_ytd = w.over(s, w.base_months[: w.ytd_months])
    return {
        "month": money(month_v),
        "annual": {y: money(v) for y, v in annual.items()},
        "ytd": money(ytd_v),
        "ytd_months": w.ytd_months,
        "prior_ytd": money(prior_v) if prior_v is not None else None,
        "yoy": _yoy(w, s, annual, month_v, ytd_v, prior_v),
        "since_base": {
            "ytd": growth(ytd_v, base_ytd) if w.year > w.base else None,
            "annual": {
                str(y): growth(annual[str(y)], base_v) for y in w.complete_years if y > w.base
            },
        },
        "monthly": {m: money(w.at(s, m)) for m in w.months},
    }


def _yoy(
    w: Window,
    s: np.ndarray,
    annual: dict[str, float],
    month_v: float,
    ytd_v: float,
    prior_v: float | None,
) -> dict[str, Any]:
    """Growth on the same month, the same months and the year before."""
    prev_year_month = f"{w.year - 1}-{w.month[5:7]}"
    mpos = w.mpos
    return {
        "month": growth(month_v, float(s[mpos[prev_year_month]]))
        if prev_year_month in mpos
        else None,
        "ytd": growth(ytd_v, prior_v) if prior_v is not None else None,
        "annual": {
            str(y): growth(annual[str(y)], annual[str(y - 1)])
            for y in w.complete_years
            if str(y - 1) in annual
        },
    }


def share(w: Window, num: np.ndarray, den: np.ndarray) -> dict[str, Any]:
    """A ratio (share or rate) by month, year and year to date, with its changes."""
    annual = {
        str(y): ratio(w.over(num, year_months(y)), w.over(den, year_months(y)))
        for y in w.complete_years
    }
    ytd_v = ratio(w.over(num, w.ytd), w.over(den, w.ytd))
    prior_v = ratio(w.over(num, w.prior_ytd), w.over(den, w.prior_ytd)) if w.has_prior else None
    return {
        "month": ratio(w.at(num, w.month), w.at(den, w.month)),
        "annual": annual,
        "ytd": ytd_v,
        "prior_ytd": prior_v,
        # Changes in the ratio itself (×100 = percentage points).
        "change": {
            "ytd": diff(ytd_v, prior_v),
            "annual": {
                y: diff(annual[y], annual[str(int(y) - 1)])
                for y in annual
                if str(int(y) - 1) in annual
            },
            "since_base": {
                y: diff(annual[y], annual[str(w.base)])
                for y in annual
                if int(y) > w.base and str(w.base) in annual
            },
        },
        "monthly": {m: ratio(w.at(num, m), w.at(den, m)) for m in w.months},
    }
