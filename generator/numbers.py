"""Number and date formatting shared by every template and chart (house style).

Rules (docs/STYLE.md): money `$654 billion` in prose, `$654B` in bullets and charts;
one decimal below 10, none from 10 up; shares and rates `23%`, `1.8%`; changes of a rate
in percentage points. A trailing `.0` is dropped. Tests invert these rules to check that
every number in a brief is a value of metrics.json.
"""

from __future__ import annotations

import calendar
import math
from datetime import date

MINUS = "−"  # typographic minus in text; tests accept it


def _digits(x: float) -> int:
    """One decimal below 10, none from 10 up."""
    return 1 if abs(x) < 9.95 else 0


def fmt_number(x: float, digits: int | None = None) -> str:
    d = _digits(x) if digits is None else digits
    s = f"{abs(x):,.{d}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return (MINUS if x < 0 and s.strip("0.,") else "") + s


def _scale(x: float) -> tuple[float, str, str]:
    ax = abs(x)
    if ax >= 0.95e9:
        return x / 1e9, "billion", "B"
    if ax >= 0.95e6:
        return x / 1e6, "million", "M"
    return x / 1e3, "thousand", "K"


def money(x: float | None) -> str:
    """Prose: $654 billion."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    v, word, _ = _scale(x)
    sign = MINUS if v < 0 else ""
    return f"{sign}${fmt_number(abs(v))} {word}"


def money_short(x: float | None) -> str:
    """Bullets and charts: $654B, $4.5B."""
    if x is None:
        return "n/a"
    v, _, unit = _scale(x)
    sign = MINUS if v < 0 else ""
    return f"{sign}${fmt_number(abs(v))}{unit}"


def pct(x: float | None, digits: int | None = None) -> str:
    """A share or rate given as a fraction: 0.2268 → 23%, 0.018 → 1.8%."""
    if x is None:
        return "n/a"
    return f"{fmt_number(100.0 * x, digits)}%"


def pct_abs(x: float | None, digits: int | None = None) -> str:
    return pct(abs(x), digits) if x is not None else "n/a"


def points(x: float | None) -> str:
    """A change of a rate, in percentage points: 0.079 → 7.9 points."""
    if x is None:
        return "n/a"
    v = abs(100.0 * x)
    n = fmt_number(v)
    return f"{n} point" if n == "1" else f"{n} points"


def pp(x: float | None) -> str:
    """Signed, short: +7.9 pp."""
    if x is None:
        return "n/a"
    v = 100.0 * x
    return f"{'+' if v >= 0 else MINUS}{fmt_number(abs(v))} pp"


def month_name(month: str) -> str:
    """2025-12 → December 2025."""
    y, m = month.split("-")
    return f"{calendar.month_name[int(m)]} {y}"


def month_short(month: str) -> str:
    y, m = month.split("-")
    return f"{calendar.month_abbr[int(m)]} {y}"


def day_name(day: str | date) -> str:
    """2025-04-05 → April 5, 2025 (dates of laws and lists, in U.S. style)."""
    d = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    return f"{calendar.month_name[d.month]} {d.day}, {d.year}"


def month_only(month: str) -> str:
    return calendar.month_name[int(month.split("-")[1])]


def period_phrases(doc: dict) -> dict[str, str]:
    """'in 2025' for a full year, 'in January–September 2025' for a partial one."""
    year = doc["period"]["year"]
    n = doc["period"]["ytd_months"]
    prior = doc["period"]["prior_year"]
    if n == 12:
        return {"period": f"in {year}", "prior_period": f"in {prior}"}
    span = "January" if n == 1 else f"January–{month_only(doc['month'])}"
    return {"period": f"in {span} {year}", "prior_period": "a year earlier"}


FILTERS = {
    "money": money,
    "money_short": money_short,
    "pct": pct,
    "pct_abs": pct_abs,
    "points": points,
    "pp": pp,
    "month_name": month_name,
    "month_short": month_short,
    "month_only": month_only,
    "day_name": day_name,
}


def pct_signed(x: float | None) -> str:
    """Growth with its sign: +73%, −4.2%."""
    if x is None:
        return "n/a"
    text = pct(x)
    if not text.strip("0.%"):  # rounds to zero: no sign
        return "0%"
    return "+" + text if x > 0 else text


FILTERS["pct_signed"] = pct_signed
