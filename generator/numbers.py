"""Number and date formatting shared by every template and chart (house style).

Rules (docs/STYLE.md): money `$654 billion` in prose, `$654B` in bullets and charts;
one decimal below 10, none from 10 up, and from a trillion `$1.24 trillion` (`$1.24T`);
shares `23%`, `1.8%`; tariff rates always with one decimal (`4.0%`, `12.0%`, `rate`),
and a gap between two rates shown is the difference of the rates as printed
(`rate_gap`, `rate_points`: 8.2% against 4.0% is 4.2 points, whatever the unrounded
values). Elsewhere a trailing `.0` is dropped. Tests invert these rules to check that
every number in a brief is a value of metrics.json.
"""

from __future__ import annotations

import calendar
import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

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


TRILLION_FROM = 0.995e12  # what prints as $1.00 trillion or more


def _trillions(x: float) -> str | None:
    """$1.24 (two decimals, kept) for a trillion or more; None below."""
    return f"${abs(x) / 1e12:,.2f}" if abs(x) >= TRILLION_FROM else None


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
    sign = MINUS if x < 0 else ""
    if (t := _trillions(x)) is not None:
        return f"{sign}{t} trillion"
    v, word, _ = _scale(x)
    return f"{sign}${fmt_number(abs(v))} {word}"


def money_short(x: float | None) -> str:
    """Bullets and charts: $654B, $4.5B."""
    if x is None:
        return "n/a"
    sign = MINUS if x < 0 else ""
    if (t := _trillions(x)) is not None:
        return f"{sign}{t}T"
    v, _, unit = _scale(x)
    return f"{sign}${fmt_number(abs(v))}{unit}"


def pct(x: float | None, digits: int | None = None) -> str:
    """A share or rate given as a fraction: 0.2268 → 23%, 0.018 → 1.8%."""
    if x is None:
        return "n/a"
    return f"{fmt_number(100.0 * x, digits)}%"


def _tenths(x: float) -> int:
    """A fraction in tenths of a percent, rounded half up as a reader rounds (0.0395 →
    40), from its shortest decimal form so binary noise cannot tip it."""
    return int((Decimal(repr(float(x))) * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def shown_rate(x: float | None) -> float | None:
    """The rate as `rate` prints it, as a fraction: 0.08249 → 0.082."""
    return None if x is None else _tenths(x) / 1000


def rate(x: float | None) -> str:
    """A tariff rate, always with one decimal: 0.04 → 4.0%, 0.12 → 12.0%."""
    if x is None:
        return "n/a"
    t = _tenths(x)
    return f"{MINUS if t < 0 else ''}{abs(t) // 10}.{abs(t) % 10}%"


def rate_gap(a: float | None, b: float | None) -> float | None:
    """a − b as the two rates are printed (8.249% and 3.951% → 0.042, not 0.043): the
    gap a sentence quotes beside the two rates adds up."""
    if a is None or b is None:
        return None
    return (_tenths(a) - _tenths(b)) / 1000


def rate_points(x: float | None) -> str:
    """A gap between two rates shown, in points with one decimal, without its sign."""
    if x is None:
        return "n/a"
    t = abs(_tenths(x))
    n = f"{t // 10}.{t % 10}"
    return f"{n} point" if n == "1.0" else f"{n} points"


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
    "rate": rate,
    "rate_gap": rate_gap,
    "rate_points": rate_points,
    "shown_rate": shown_rate,
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
