"""Tariffs: effective rates (calculated duty ÷ imports for consumption) of all goods,
AI-related and non-AI goods, and the gap between non-AI and AI rates."""

from __future__ import annotations

from typing import Any

from generator.analysis.metrics.cube import Classes, Cube, series
from generator.analysis.metrics.numeric import diff
from generator.analysis.metrics.window import Window, share


def tariffs(w: Window, classes: Classes, imp: Cube) -> dict[str, Any]:
    """Each group's rate block, then `gap`: how much more non-AI goods pay."""
    duty, con = imp.values["duty"], imp.values["value_con"]
    out: dict[str, Any] = {
        g: share(w, series(duty, cls), series(con, cls)) for g, cls in classes.groups.items()
    }
    out["gap"] = gap(out["ai"], out["non_ai"])
    return out


def gap(t_ai: dict[str, Any], t_non: dict[str, Any]) -> dict[str, Any]:
    """Non-AI rate minus AI rate (fractions; ×100 = percentage points)."""
    gap_ytd = diff(t_non["ytd"], t_ai["ytd"])
    gap_prior = diff(t_non["prior_ytd"], t_ai["prior_ytd"])
    return {
        "month": diff(t_non["month"], t_ai["month"]),
        "annual": {y: diff(t_non["annual"][y], t_ai["annual"][y]) for y in t_ai["annual"]},
        "ytd": gap_ytd,
        "prior_ytd": gap_prior,
        "change_ytd": diff(gap_ytd, gap_prior),
    }
