"""Rounding and month arithmetic shared by every topic: money in whole USD, fractions to
six decimals, and None wherever a ratio has no denominator (never NaN or inf in JSON)."""

from __future__ import annotations

import numpy as np


def money(x: float) -> float:
    return float(round(float(x)))


def frac(x: float | None) -> float | None:
    if x is None or not np.isfinite(x):
        return None
    return round(float(x), 6)


def ratio(a: float, b: float) -> float | None:
    return frac(a / b) if b else None


def growth(a: float, b: float) -> float | None:
    return frac(a / b - 1.0) if b else None


def diff(a: float | None, b: float | None) -> float | None:
    """A difference of two fractions (×100 = percentage points); None if either is missing."""
    return frac(a - b) if a is not None and b is not None else None


def month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_name(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
