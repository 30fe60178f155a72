"""Counterfactual: the trade balance had AI-related trade grown like non-AI trade since
the base year. Per flow, excess = Σ (actual − base-year AI mean × low_t ÷ base-year low
mean); the net effect is excess imports minus excess exports."""

from __future__ import annotations

from typing import Any

import numpy as np

from generator.analysis.metrics.cube import Classes, Cube, series
from generator.analysis.metrics.model import MetricsError
from generator.analysis.metrics.numeric import money
from generator.analysis.metrics.window import Window, year_months


def counterfactual(
    w: Window, classes: Classes, imp: Cube, exp: Cube, balance: np.ndarray
) -> dict[str, Any]:
    """Per complete year from the base year on, and for the year to date (None before it)."""
    b = w.rows(w.base_months)
    base_year = str(w.base)
    x_imp = _excess(imp, classes, b, "imports", base_year)
    x_exp = _excess(exp, classes, b, "exports", base_year)
    years = {str(y): year_months(y) for y in w.complete_years if y >= w.base}
    ytd = w.ytd if w.year >= w.base else []

    out: dict[str, Any] = {
        "annual": {y: _block(w.rows(ms), x_imp, x_exp, balance) for y, ms in years.items()}
    }
    out["ytd"] = _block(w.rows(ytd), x_imp, x_exp, balance) if ytd else None
    return out


def _excess(cube: Cube, classes: Classes, b: list[int], flow: str, base_year: str) -> np.ndarray:
    """AI trade above the path it would follow growing like non-AI trade, by month."""
    ai = series(cube.values["value"], classes.ai)
    low = series(cube.values["value"], [classes.low])
    low_mean = low[b].mean()
    ai_mean = ai[b].mean()
    if low_mean <= 0:
        raise MetricsError(
            f"no non-AI {flow} in base year {base_year}: "
            "the counterfactual has no growth path to follow"
        )
    return ai - ai_mean * (low / low_mean)


def _block(
    r: list[int], x_imp: np.ndarray, x_exp: np.ndarray, balance: np.ndarray
) -> dict[str, float]:
    ei, ee = float(x_imp[r].sum()), float(x_exp[r].sum())
    actual = float(balance[r].sum())
    net = ei - ee
    return {
        "excess_imports": money(ei),
        "excess_exports": money(ee),
        "net_effect": money(net),
        "actual_balance": money(actual),
        "counterfactual_balance": money(actual + net),
    }
