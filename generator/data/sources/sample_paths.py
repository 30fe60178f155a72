"""The sample's monthly USD path per calibration bucket (step 1 of `sample`).

A smooth trend (log-quadratic; for AI groups linear through 2023 and convex from
2024) solved so that its annual sums match the targets, times seasonality, a
front-loading bump and dip around April 2025 for non-AI goods, and a little noise;
each target year is then rescaled to its target exactly. The year after the targets
(2026) is an illustrative continuation: the trend leaves December 2025 at its level
with the slope that makes the year's total grow as `calibration.yaml` says, then
relaxes to long-run growth. Also the month arithmetic
and the yearly anchor weights the other steps share.
"""

from __future__ import annotations

import math
import re

import numpy as np

from generator.data.sources.sample_catalog import CATALOGUE as cat
from generator.data.sources.sample_catalog import Product
from generator.errors import UserError

FLOW_ID = {"imports": 1, "exports": 2}
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_TREND_RELAX_YEARS = 1.0  # how fast the trend slope relaxes outside the target years
_PATH_NOISE = {"low": 0.012, "medium": 0.015, "excluded": 0.03}  # per group-month
_PATH_NOISE_SMALL = 0.04  # AI groups under USD 20 bn a year
_PATH_NOISE_AI = 0.02


# --- Months ---------------------------------------------------------------------------


def month_index(text: str, name: str) -> int:
    m = _MONTH.match(str(text))
    if not m:
        raise UserError(f"{name}: expected a month as YYYY-MM, got {text!r}")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


T0 = cat.target_years[0] * 12  # first target month (January of the first year)
T1 = cat.target_years[-1] * 12 + 11  # last target month


def anchor_weights(months: np.ndarray) -> np.ndarray:
    """Interpolation weights (n x 3) between the yearly anchors, placed mid-year."""
    years = cat.target_years
    x = months / 12.0 + 1.0 / 24.0  # fractional year at mid-month
    pos = np.clip(x - (years[0] + 0.5), 0.0, len(years) - 1.0)
    j0 = np.minimum(np.floor(pos).astype(int), len(years) - 2)
    frac = pos - j0
    w = np.zeros((months.size, len(years)))
    w[np.arange(months.size), j0] = 1.0 - frac
    w[np.arange(months.size), j0 + 1] += frac
    return w


# --- Trend ------------------------------------------------------------------------------


def bucket_of(product: Product) -> str:
    return f"ch{product.chapter}" if product.group == "excluded" else product.group


def _targets(flow: str) -> dict[str, np.ndarray]:
    """Annual targets in USD per calibration bucket, in a fixed order."""
    t = cat.targets
    groups = t.imports if flow == "imports" else t.exports
    excluded = t.excluded_imports if flow == "imports" else t.excluded_exports
    out = {g: np.array(groups[g]) * 1e9 for g in cat.groups if g in groups}
    for chapter in sorted(excluded):
        out[f"ch{chapter}"] = np.array(excluded[chapter]) * 1e9
    return out


def _tau(months: np.ndarray) -> np.ndarray:
    """Years from the centre of the target window, at mid-month."""
    centre = (T0 + T1 + 1) / 2.0
    return (months + 0.5 - centre) / 12.0


def _curvature(tau: np.ndarray, hinge: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Quadratic term and its derivative; with a hinge it starts there."""
    if hinge is None:
        return tau**2, 2.0 * tau
    d = np.maximum(tau - hinge, 0.0)
    return d**2, 2.0 * d


def _solve_trend(
    months: np.ndarray, shape: np.ndarray, annual: np.ndarray, hinge: float | None
) -> np.ndarray:
    """(a, b, c) of log trend a + b*tau + c*h(tau) so that sum(trend * shape) per year hits."""
    tau = _tau(months)
    h, _ = _curvature(tau, hinge)
    basis = np.stack([np.ones_like(tau), tau, h])  # 3 x n
    year = (months - T0) // 12
    theta = np.array([math.log(annual.mean() / 12.0), 0.0, 0.0])
    for _ in range(100):
        w = np.exp(theta @ basis) * shape
        sums = np.bincount(year, w, minlength=3)
        resid = np.log(sums) - np.log(annual)
        if np.max(np.abs(resid)) < 1e-13:
            break
        jac = np.stack([np.bincount(year, w * basis[k], minlength=3) for k in range(3)], 1)
        jac /= sums[:, None]
        step = np.linalg.solve(jac, resid)
        theta -= np.clip(step, -2.0, 2.0)
    return theta


def _log_trend(
    theta: np.ndarray, months: np.ndarray, hinge: float | None, after: float | None = None
) -> np.ndarray:
    """The fitted log trend, relaxing smoothly to long-run growth outside the targets;
    `after` replaces the slope it leaves the last target year with (the continuation)."""
    tau = _tau(months)
    h, _ = _curvature(tau, hinge)
    out = theta[0] + theta[1] * tau + theta[2] * h
    g_inf, relax = cat.shape.long_run_growth, _TREND_RELAX_YEARS
    for edge, sign in ((T0, -1.0), (T1, 1.0)):
        t_edge = _tau(np.array([edge]))
        h_e, dh_e = _curvature(t_edge, hinge)
        level = float(theta[0] + theta[1] * t_edge[0] + theta[2] * h_e[0])
        slope = float(theta[1] + theta[2] * dh_e[0])
        if sign > 0 and after is not None:
            slope = after
        mask = (months < edge) if sign < 0 else (months > edge)
        d = np.abs(tau[mask] - t_edge[0])
        drift = g_inf * d + (slope - g_inf) * relax * (1.0 - np.exp(-d / relax))
        out[mask] = level + sign * drift
    return out


def _solve_continuation(
    theta: np.ndarray, hinge: float | None, months: np.ndarray, shape: np.ndarray, total: float
) -> float:
    """The slope leaving the last target year at which the continuation year's sum of
    trend x shape hits its total (Newton on one unknown; the sum rises with the slope)."""
    d = np.abs(_tau(months) - _tau(np.array([T1]))[0])
    dslope = _TREND_RELAX_YEARS * (1.0 - np.exp(-d / _TREND_RELAX_YEARS))
    slope = 0.0
    for _ in range(100):
        w = np.exp(_log_trend(theta, months, hinge, slope)) * shape
        resid = math.log(w.sum()) - math.log(total)
        if abs(resid) < 1e-13:
            break
        slope -= float(np.clip(resid / ((w * dslope).sum() / w.sum()), -2.0, 2.0))
    return slope


# --- Paths ------------------------------------------------------------------------------


def _path_sigma(bucket: str, annual: np.ndarray) -> float:
    if bucket in _PATH_NOISE:
        return _PATH_NOISE[bucket]
    if bucket.startswith("ch"):
        return _PATH_NOISE["excluded"]
    return _PATH_NOISE_SMALL if annual.max() < 20e9 else _PATH_NOISE_AI


def _noise(flow: str, seed: int, span: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Multiplicative noise per bucket and month, seeded by the month alone."""
    noise = np.empty((sigma.size, span.size))
    for j, m in enumerate(span):
        rng = np.random.default_rng([seed, FLOW_ID[flow], 2, int(m) // 12, int(m) % 12 + 1])
        noise[:, j] = np.exp(sigma * rng.standard_normal(sigma.size) - sigma**2 / 2)
    return noise


def _continuation(flow: str, targets: dict[str, np.ndarray]) -> dict[str, float]:
    """The continuation year's total per bucket, USD."""
    growth = cat.continuation.imports if flow == "imports" else cat.continuation.exports
    default = math.expm1(cat.shape.long_run_growth)
    return {b: float(v[-1]) * (1.0 + growth.get(b, default)) for b, v in targets.items()}


def paths(flow: str, seed: int, span: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Monthly USD path per bucket over the span (which covers the target years)."""
    targets = _targets(flow)
    buckets = list(targets)
    shape_of = cat.shape
    season = np.array(
        shape_of.import_seasonality if flow == "imports" else shape_of.export_seasonality,
        dtype=float,
    )
    season = season / season.mean()
    hinge = float(_tau(np.array([month_index(shape_of.ai_divergence_start, "divergence")]))[0])
    hinge -= 0.5 / 12.0  # at the start of the month, not its middle
    sigma = np.array([_path_sigma(b, targets[b]) for b in buckets])
    noise = _noise(flow, seed, span, sigma)
    # The continuation year, on its own months: its fit never depends on the span.
    cont = np.arange(T1 + 1, T1 + 13)
    cont_shape = season[cont % 12] * _noise(flow, seed, cont, sigma)
    cont_total = _continuation(flow, targets)
    shock = {month_index(k, "shock"): v for k, v in shape_of.front_loading.items()}
    inside = (span >= T0) & (span <= T1)
    path = np.empty((len(buckets), span.size))
    for i, b in enumerate(buckets):
        shape = season[span % 12] * noise[i]
        if flow == "imports" and b in shape_of.front_loaded_groups:
            shape = shape * np.array([shock.get(int(m), 1.0) for m in span])
        hb = hinge if b in cat.ai_groups else None
        theta = _solve_trend(span[inside], shape[inside], targets[b], hb)
        after = _solve_continuation(theta, hb, cont, cont_shape[i], cont_total[b])
        path[i] = np.exp(_log_trend(theta, span, hb, after)) * shape
        for k in range(len(cat.target_years)):  # exact annual totals
            sel = (span >= T0 + 12 * k) & (span < T0 + 12 * (k + 1))
            path[i, sel] *= targets[b][k] / path[i, sel].sum()
    return buckets, path
