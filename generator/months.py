"""Calendar arithmetic on YYYY-MM months: one place for the previous month, a shift by
whole months and a month's first and last day, used from the exemption lists to the
copy desk."""

from __future__ import annotations

from calendar import monthrange
from datetime import date


def shift(month: str, by: int) -> str:
    """YYYY-MM moved by `by` months (−1: the previous month, −12: a year before)."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def previous_month(month: str) -> str:
    return shift(month, -1)


def month_days(month: str) -> tuple[date, date]:
    """The first and last day of the month."""
    y, m = int(month[:4]), int(month[5:7])
    return date(y, m, 1), date(y, m, monthrange(y, m)[1])
