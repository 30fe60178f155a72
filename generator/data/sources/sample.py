"""The embedded sample: ILLUSTRATIVE SYNTHETIC U.S. trade data, generated offline.

These are NOT official statistics. Every row is made up by this module from a
seeded random generator. Only the annual aggregates are calibrated, to the
published figures listed in docs/CALIBRATION.md (AI-related, medium and non-AI
imports and exports, 2023-2025, HS chapters 27, 71, 98 and 99 excluded); the HS
codes and Census country codes are real, while product mixes, partner shares,
monthly paths, quantities and duties are plausible inventions. Anything built on
this sample must be labelled as illustrative.

How it is built (see `sample_catalog` for the data it draws from):

1. Monthly path per group: a smooth trend (log-quadratic; for AI groups linear
   through 2023 and convex from 2024) solved so that its annual sums match the
   targets, times seasonality, a front-loading bump and dip around April 2025
   for non-AI goods, and a little noise; each target year is then rescaled to
   its target exactly.
2. Product x partner structure per group and year: product weights and partner
   mixes reconciled by iterative proportional fitting (affinity profiles and a
   persistent random spread seed the matrix), interpolated month by month.
3. Rows: small cells trade only some months; values get log-normal noise and
   each (group, month) is rescaled to the path, so annual totals hold exactly.
4. Duties: base rates scaled per tier and year to the pre-2025 effective rates,
   China Section 301, and a 2025 tariff step solved month by month so that the
   non-AI effective rate follows the target path; the AI-related rate follows.

Deterministic: the same (seed, scale, start, end) gives identical frames, and a
month's rows do not depend on the requested range.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.data.schema import (
    COMMODITY_COLUMNS,
    COUNTRY_COLUMNS,
    EXPORT_COLUMNS,
    IMPORT_COLUMNS,
    conform,
)
from generator.data.sources import TradeData
from generator.data.sources import sample_catalog as cat
from generator.errors import UserError

# Bump when the catalogue or the generator changes: warehouses of an older sample are rebuilt.
VERSION = 4
FIRST_MONTH = "2013-01"
LAST_MONTH = "2099-12"

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_FLOW_ID = {"imports": 1, "exports": 2}
_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0
_TREND_RELAX_YEARS = 1.0  # how fast the trend slope relaxes outside the target years
_PATH_NOISE = {"low": 0.012, "medium": 0.015, "excluded": 0.03}  # per group-month
_PATH_NOISE_SMALL = 0.04  # AI groups under USD 20 bn a year
_PATH_NOISE_AI = 0.02


# --- Months ---------------------------------------------------------------------------


def _month_index(text: str, name: str) -> int:
    m = _MONTH.match(str(text))
    if not m:
        raise UserError(f"{name}: expected a month as YYYY-MM, got {text!r}")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def _month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


_T0 = cat.TARGET_YEARS[0] * 12  # first target month (January of the first year)
_T1 = cat.TARGET_YEARS[-1] * 12 + 11  # last target month


# --- Product lines (the catalogue expanded by scale) ---------------------------------


@dataclass(frozen=True)
class _Line:
    hs10: str
    product: int  # index into cat.PRODUCTS
    variant: int  # 0 = the catalogue code itself

    @property
    def base(self) -> cat.Product:
        return cat.PRODUCTS[self.product]

    @property
    def description(self) -> str:
        if self.variant == 0:
            return self.base.description
        return f"{self.base.description} (illustrative subdivision {self.variant})"


def _variant_counts(n: int, scale: float) -> list[int]:
    """Codes per catalogue product: floor(scale), plus one for an even spread of them."""
    whole = int(math.floor(scale))
    frac = scale - whole
    return [whole + (1 if ((i + 1) * _GOLDEN) % 1.0 < frac else 0) for i in range(n)]


def _expand(scale: float) -> list[_Line]:
    """Catalogue codes plus extra statistical suffixes under the same HS8, sorted."""
    order = sorted(range(len(cat.PRODUCTS)), key=lambda i: cat.PRODUCTS[i].hs10)
    used: dict[str, set[int]] = {}
    for i in order:
        code = cat.PRODUCTS[i].hs10
        used.setdefault(code[:8], set()).add(int(code[8:]))
    counts = _variant_counts(len(order), scale)
    lines: list[_Line] = []
    for rank, i in enumerate(order):
        code = cat.PRODUCTS[i].hs10
        lines.append(_Line(code, i, 0))
        if not cat.PRODUCTS[i].subdivide:
            continue
        taken = used[code[:8]]
        own = int(code[8:])
        k = 0
        for step in range(1, 100):
            if k >= counts[rank] - 1:
                break
            suffix = (own + step) % 100
            if suffix in taken:
                continue
            taken.add(suffix)
            k += 1
            lines.append(_Line(f"{code[:8]}{suffix:02d}", i, k))
    lines.sort(key=lambda line: line.hs10)
    return lines


def catalogue(scale: float = 1.0) -> pd.DataFrame:
    """The product lines the sample uses at a scale: code, base code, group, exemption."""
    _check_scale(scale)
    lines = _expand(scale)
    return pd.DataFrame(
        {
            "hs10": [ln.hs10 for ln in lines],
            "base_hs10": [ln.base.hs10 for ln in lines],
            "description": [ln.description for ln in lines],
            "group": [ln.base.group for ln in lines],
            "unit1": [ln.base.unit1 for ln in lines],
            "exempt": [cat.is_exempt(ln.hs10) for ln in lines],
        }
    )


# --- Monthly paths --------------------------------------------------------------------


def _bucket_of(product: cat.Product) -> str:
    return f"ch{product.chapter}" if product.group == "excluded" else product.group


def _targets(flow: str) -> dict[str, np.ndarray]:
    """Annual targets in USD per calibration bucket, in a fixed order."""
    groups = cat.IMPORT_TARGETS if flow == "imports" else cat.EXPORT_TARGETS
    excluded = cat.EXCLUDED_IMPORT_TARGETS if flow == "imports" else cat.EXCLUDED_EXPORT_TARGETS
    out = {g: np.array(groups[g]) * 1e9 for g in cat.GROUPS if g in groups}
    for chapter in sorted(excluded):
        out[f"ch{chapter}"] = np.array(excluded[chapter]) * 1e9
    return out


def _tau(months: np.ndarray) -> np.ndarray:
    """Years from the centre of the target window, at mid-month."""
    centre = (_T0 + _T1 + 1) / 2.0
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
    year = (months - _T0) // 12
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


def _log_trend(theta: np.ndarray, months: np.ndarray, hinge: float | None) -> np.ndarray:
    """The fitted log trend, relaxing smoothly to long-run growth outside the targets."""
    tau = _tau(months)
    h, _ = _curvature(tau, hinge)
    out = theta[0] + theta[1] * tau + theta[2] * h
    g_inf, relax = cat.LONG_RUN_GROWTH, _TREND_RELAX_YEARS
    for edge, sign in ((_T0, -1.0), (_T1, 1.0)):
        t_edge = _tau(np.array([edge]))
        h_e, dh_e = _curvature(t_edge, hinge)
        level = float(theta[0] + theta[1] * t_edge[0] + theta[2] * h_e[0])
        slope = float(theta[1] + theta[2] * dh_e[0])
        mask = (months < edge) if sign < 0 else (months > edge)
        d = np.abs(tau[mask] - t_edge[0])
        drift = g_inf * d + (slope - g_inf) * relax * (1.0 - np.exp(-d / relax))
        out[mask] = level + sign * drift
    return out


def _paths(flow: str, seed: int, span: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Monthly USD path per bucket over the span (which covers the target years)."""
    targets = _targets(flow)
    buckets = list(targets)
    season = np.array(
        cat.IMPORT_SEASONALITY if flow == "imports" else cat.EXPORT_SEASONALITY, dtype=float
    )
    season = season / season.mean()
    hinge = float(_tau(np.array([_month_index(cat.AI_DIVERGENCE_START, "divergence")]))[0])
    hinge -= 0.5 / 12.0  # at the start of the month, not its middle
    noise = np.empty((len(buckets), span.size))
    sigma = np.array([_path_sigma(b, targets[b]) for b in buckets])
    for j, m in enumerate(span):
        rng = np.random.default_rng([seed, _FLOW_ID[flow], 2, int(m) // 12, int(m) % 12 + 1])
        noise[:, j] = np.exp(sigma * rng.standard_normal(len(buckets)) - sigma**2 / 2)
    shock = {_month_index(k, "shock"): v for k, v in cat.FRONT_LOADING.items()}
    inside = (span >= _T0) & (span <= _T1)
    path = np.empty((len(buckets), span.size))
    for i, b in enumerate(buckets):
        shape = season[span % 12] * noise[i]
        if flow == "imports" and b in cat.FRONT_LOADED_GROUPS:
            shape = shape * np.array([shock.get(int(m), 1.0) for m in span])
        hb = hinge if b in cat.AI_GROUPS else None
        theta = _solve_trend(span[inside], shape[inside], targets[b], hb)
        path[i] = np.exp(_log_trend(theta, span, hb)) * shape
        for k in range(len(cat.TARGET_YEARS)):  # exact annual totals
            sel = (span >= _T0 + 12 * k) & (span < _T0 + 12 * (k + 1))
            path[i, sel] *= targets[b][k] / path[i, sel].sum()
    return buckets, path


def _path_sigma(bucket: str, annual: np.ndarray) -> float:
    if bucket in _PATH_NOISE:
        return _PATH_NOISE[bucket]
    if bucket.startswith("ch"):
        return _PATH_NOISE["excluded"]
    return _PATH_NOISE_SMALL if annual.max() < 20e9 else _PATH_NOISE_AI


# --- Structure: product x partner shares per year -----------------------------------


def _anchor_weights(months: np.ndarray) -> np.ndarray:
    """Interpolation weights (n x 3) between the yearly anchors, placed mid-year."""
    x = months / 12.0 + 1.0 / 24.0  # fractional year at mid-month
    pos = np.clip(x - (cat.TARGET_YEARS[0] + 0.5), 0.0, len(cat.TARGET_YEARS) - 1.0)
    j0 = np.minimum(np.floor(pos).astype(int), len(cat.TARGET_YEARS) - 2)
    frac = pos - j0
    w = np.zeros((months.size, len(cat.TARGET_YEARS)))
    w[np.arange(months.size), j0] = 1.0 - frac
    w[np.arange(months.size), j0 + 1] += frac
    return w


def _unsmooth(annual: np.ndarray) -> np.ndarray:
    """Anchors whose month-by-month interpolation averages to the annual values."""
    months = np.arange(_T0, _T1 + 1)
    w = _anchor_weights(months)
    year = (months - _T0) // 12
    mix = np.stack([w[year == k].mean(0) for k in range(len(cat.TARGET_YEARS))])
    anchors = np.linalg.solve(mix, annual)
    return np.maximum(anchors, 0.25 * annual)


def _ras(seed: np.ndarray, rows: np.ndarray, cols: np.ndarray | None) -> np.ndarray:
    """Scale a positive matrix to the row sums (and column sums, if given)."""
    x = seed * (rows / seed.sum(1))[:, None]
    if cols is None:
        return x
    cols = cols * (rows.sum() / cols.sum())
    for _ in range(500):
        x *= (cols / x.sum(0))[None, :]
        x *= (rows / x.sum(1))[:, None]
        if np.max(np.abs(x.sum(0) / cols - 1.0)) < 1e-10:
            break
    return x


def _mix_vector(mix: dict[str, float], sizes: np.ndarray, codes: list[str]) -> np.ndarray:
    """Group shares by partner: the listed ones, the rest in proportion to size."""
    listed = np.array([c in mix for c in codes])
    out = np.where(listed, [mix.get(c, 0.0) for c in codes], 0.0)
    rest = max(1.0 - out.sum(), 0.0)
    others = np.where(listed, 0.0, sizes)
    return out + rest * others / others.sum()


@dataclass
class _Flow:
    name: str
    lines: list[_Line]
    bucket: np.ndarray  # bucket index per line
    buckets: list[str]
    anchors: np.ndarray  # years x lines x partners; each bucket block sums to 1 per year
    path: np.ndarray  # buckets x span months, USD
    span: np.ndarray
    price: np.ndarray  # lines x partners, unit price
    units: np.ndarray  # lines: unit of quantity (object)
    pref: np.ndarray | None = None  # lines x partners, FTA preference claimed

    @property
    def bucket_rows(self) -> list[np.ndarray]:
        return [np.flatnonzero(self.bucket == b) for b in range(len(self.buckets))]


def _build_flow(
    flow: str, seed: int, all_lines: list[_Line], span: np.ndarray, codes: list[str]
) -> _Flow:
    fid = _FLOW_ID[flow]
    weight_of = (lambda p: p.imports) if flow == "imports" else (lambda p: p.exports)
    lines = [ln for ln in all_lines if max(weight_of(ln.base)) > 0]
    buckets, path = _paths(flow, seed, span)
    bindex = {b: i for i, b in enumerate(buckets)}
    bucket = np.array([bindex[_bucket_of(ln.base)] for ln in lines])
    n, c = len(lines), len(codes)

    rng = np.random.default_rng([seed, fid, 1])
    variant_share = rng.lognormal(0.0, 0.6, n)
    pair = rng.lognormal(0.0, cat.SPARSITY.pair_sigma, (n, c))
    price_factor = rng.lognormal(0.0, 0.15, c)

    # Product weights per target year (2024: geometric mean of 2023 and 2025).
    base = np.array([weight_of(ln.base) for ln in lines])  # n x 2
    yearly = np.stack([base[:, 0], np.sqrt(base[:, 0] * base[:, 1]), base[:, 1]])
    product_ids = np.array([ln.product for ln in lines])
    totals = np.zeros(len(cat.PRODUCTS))
    np.add.at(totals, product_ids, variant_share)
    yearly = yearly * (variant_share / totals[product_ids])[None, :]

    # Affinity of each line to each partner, from its profile.
    profile_names = sorted(cat.PROFILES)
    prof = np.empty((len(profile_names), c))
    for k, name in enumerate(profile_names):
        default, table = cat.PROFILES[name]
        prof[k] = [table.get(code, default) for code in codes]
    pid = {name: k for k, name in enumerate(profile_names)}
    affinity = prof[[pid[ln.base.profile] for ln in lines]] * pair

    sizes = np.array(
        [x.imports_bn if flow == "imports" else x.exports_bn for x in _countries(codes)]
    )
    mixes = cat.IMPORT_MIXES if flow == "imports" else cat.EXPORT_MIXES
    anchors = np.zeros((len(cat.TARGET_YEARS), n, c))
    for b, name in enumerate(buckets):
        rows_b = np.flatnonzero(bucket == b)
        w = yearly[:, rows_b]
        w = w / w.sum(1, keepdims=True)
        w = _unsmooth(w)
        mix = mixes.get(name)
        if mix is not None:
            cols = np.stack([_mix_vector(mix[y], sizes, codes) for y in cat.TARGET_YEARS])
            cols = _unsmooth(cols)
            seed_b = affinity[rows_b]
        else:
            cols = None
            seed_b = affinity[rows_b] * sizes[None, :]
        for k in range(len(cat.TARGET_YEARS)):
            rows = w[k] / w[k].sum()
            x = _ras(seed_b, rows, None if cols is None else cols[k] / cols[k].sum())
            anchors[k, rows_b] = x / x.sum()

    unit_price = np.array([ln.base.unit_price for ln in lines])
    price = unit_price[:, None] * price_factor[None, :]
    units = np.array([ln.base.unit1 for ln in lines], dtype=object)
    out = _Flow(flow, lines, bucket, buckets, anchors, path, span, price, units)
    if flow == "imports":
        share = np.array([x.preference for x in _countries(codes)])
        out.pref = np.random.default_rng([seed, fid, 4]).random((n, c)) < share[None, :]
    return out


def _countries(codes: list[str]) -> list[cat.Country]:
    by_code = {x.code: x for x in cat.COUNTRIES}
    return [by_code[code] for code in codes]


# --- Tariffs ---------------------------------------------------------------------------


@dataclass
class _Tariffs:
    base: np.ndarray  # lines: base ad valorem rate
    s301: np.ndarray  # lines: Section 301 rate on China
    tier: np.ndarray  # lines: 0 AI-related, 1 medium, 2 low, 3 excluded
    k: dict[int, np.ndarray]  # year -> factor per tier
    exposed: np.ndarray  # lines: subject to the reciprocal step (not exempt)
    china_duty: np.ndarray  # lines: subject to the 2025 China duties
    china: np.ndarray  # partners: is China
    usmca: np.ndarray  # partners: Mexico or Canada
    reciprocal: np.ndarray  # partners: exposure from partner-specific rates
    baseline: np.ndarray  # partners: exposure before partner-specific rates


_TIER = {g: 0 for g in cat.AI_GROUPS} | {"medium": 1, "low": 2, "excluded": 3}


def _tariffs(fl: _Flow, codes: list[str]) -> _Tariffs:
    products = [ln.base for ln in fl.lines]
    base = np.array([p.duty for p in products])
    s301 = np.array(
        [cat.SECTION_301[p.group] if p.section301 is None else p.section301 for p in products]
    )
    tier = np.array([_TIER[p.group] for p in products])
    china = np.array([code == cat.CHN for code in codes])
    exposed = np.array(
        [not cat.is_exempt(ln.hs10) and ln.base.chapter not in cat.RECIPROCAL_EXEMPT_CHAPTERS
         for ln in fl.lines]
    )  # fmt: skip
    t = _Tariffs(
        base=base,
        s301=s301,
        tier=tier,
        k={},
        exposed=exposed,
        china_duty=tier != 3,
        china=china,
        usmca=np.array([code in (cat.MEX, cat.CAN) for code in codes]),
        reciprocal=np.array([x.reciprocal for x in _countries(codes)]),
        baseline=np.array([cat.RECIPROCAL_BASELINE.get(code, 1.0) for code in codes]),
    )
    # Scale base rates per tier and year so that the expected effective rate hits.
    weights = _anchor_weights(fl.span)
    before = _month_index(cat.NEW_TARIFFS_FROM, "tariff")
    for year in sorted(set(cat.BASE_RATE_TARGETS["high"]) | set(cat.BASE_RATE_TARGETS["low"])):
        sel = (fl.span // 12 == year) & (fl.span < before)
        coef = fl.path[:, sel] @ weights[sel]  # buckets x anchors
        expected = np.einsum("kl,klc->lc", coef[fl.bucket].T, fl.anchors)
        k = np.ones(4)
        for name, tr in (("high", 0), ("low", 2)):
            rows = tier == tr
            value = expected[rows].sum()
            d301 = (s301[rows] * expected[rows][:, china].sum(1)).sum()
            dbase = (base[rows, None] * ~fl.pref[rows] * expected[rows]).sum()
            k[tr] = max((cat.BASE_RATE_TARGETS[name][year] * value - d301) / dbase, 0.0)
        t.k[year] = k
    return t


def _rates(
    t: _Tariffs, fl: _Flow, month: int, pi: np.ndarray, ci: np.ndarray, value: np.ndarray
) -> np.ndarray:
    """Ad valorem rate of each row of a month."""
    years = sorted(t.k)
    year = min(max(month // 12, years[0]), years[-1])
    tier = t.tier[pi]
    china = t.china[ci]
    pref = fl.pref[pi, ci]
    rate = t.base[pi] * t.k[year][tier] * ~pref + t.s301[pi] * china
    step_start = _month_index(cat.STEP_FROM, "tariff")
    april = _month_index(cat.NEW_TARIFFS_FROM, "tariff")
    if month < step_start:
        return rate
    china_all = (china & t.china_duty[pi]).astype(float)
    if month < april:
        exposure = china_all
    else:
        rate = rate + cat.CHINA_IEEPA * china_all
        partner_rates = month >= _month_index(cat.RECIPROCAL_PARTNER_RATES_FROM, "tariff")
        phi = (t.reciprocal if partner_rates else t.baseline)[ci]
        exposure = t.exposed[pi] * phi * ~(pref & t.usmca[ci])
    path = cat.LOW_TARIFF_PATH_2025
    target = path[month % 12 + 1] if month <= _T1 else path[max(path)]
    low = tier == 2
    gap = target * value[low].sum() - (rate[low] * value[low]).sum()
    spread = (exposure[low] * value[low]).sum()
    step = max(gap / spread, 0.0) if spread > 0 else 0.0
    return rate + step * exposure


# --- Rows ------------------------------------------------------------------------------


def _month_rows(
    fl: _Flow, seed: int, scale: float, month: int, tariffs: _Tariffs | None
) -> dict[str, np.ndarray]:
    """The traded cells of one month: line and partner indices, values, quantities, duty."""
    j = int(np.searchsorted(fl.span, month))
    w = _anchor_weights(np.array([month]))[0]
    share = np.tensordot(w, fl.anchors, axes=1)
    expected = share * fl.path[fl.bucket, j][:, None]
    sp = cat.SPARSITY
    p_trade = -np.expm1(-expected * scale / sp.scale_usd)
    rng = np.random.default_rng([seed, _FLOW_ID[fl.name], 3, month // 12, month % 12 + 1])
    u = rng.random(expected.shape)
    z = rng.standard_normal(expected.shape)
    active = u < p_trade
    # The largest cell of every bucket always trades.
    for rows in fl.bucket_rows:
        flat = int(np.argmax(expected[rows]))
        active[rows[flat // expected.shape[1]], flat % expected.shape[1]] = True
    pi, ci = np.nonzero(active)
    # Small cells are erratic, big ones steady.
    e = expected[pi, ci]
    s = sp.noise_floor + (sp.noise_sigma - sp.noise_floor) / (1.0 + e / sp.steady_usd)
    value = e / p_trade[pi, ci] * np.exp(s * z[pi, ci] - s * s / 2)
    b = fl.bucket[pi]
    value *= (fl.path[:, j] / np.bincount(b, value, minlength=len(fl.buckets)))[b]
    value = np.maximum(np.round(value), 1.0)

    n = pi.size
    extra = rng.standard_normal((2, n))
    price = fl.price[pi, ci]
    no_qty = (fl.units[pi] == "X") | (price <= 0)
    qty = value / np.where(no_qty, 1.0, price) * np.exp(0.08 * extra[0])
    qty = np.where(no_qty, 0.0, np.maximum(np.round(qty), 1.0))
    out = {"pi": pi, "ci": ci, "value": value, "qty1": qty}
    if tariffs is not None:
        rate = _rates(tariffs, fl, month, pi, ci, value)
        out["duty"] = np.round(value * rate)
        out["value_dutiable"] = np.where(rate > 0, value, 0.0)
        out["value_gen"] = np.round(value * (1.0 + 0.03 * rng.random(n)))
    return out


def _frame(
    fl: _Flow, seed: int, scale: float, months: list[int], codes: list[str], tariffs
) -> pd.DataFrame:
    """All months of a flow as one frame in the warehouse schema."""
    parts = [_month_rows(fl, seed, scale, m, tariffs) for m in months]
    counts = [p["pi"].size for p in parts]
    pi = np.concatenate([p["pi"] for p in parts])
    ci = np.concatenate([p["ci"] for p in parts])
    hs10 = np.array([ln.hs10 for ln in fl.lines], dtype=object)
    data = {
        "period": np.repeat(np.array([_month_label(m) for m in months], dtype=object), counts),
        "hs10": hs10[pi],
        "country_code": np.array(codes, dtype=object)[ci],
    }

    def column(key: str) -> np.ndarray:
        return np.concatenate([p[key] for p in parts])

    if fl.name == "imports":
        data["value_con"] = column("value")
        for key in ("value_gen", "value_dutiable", "duty"):
            data[key] = column(key)
    else:
        data["value"] = column("value")
    data["qty1"] = column("qty1")
    data["unit1"] = fl.units[pi]
    # Object columns stay object until conform() types them (no double conversion).
    frame = pd.DataFrame({k: pd.Series(v, dtype=v.dtype, copy=False) for k, v in data.items()})
    return conform(frame, IMPORT_COLUMNS if fl.name == "imports" else EXPORT_COLUMNS)


# --- Public API ------------------------------------------------------------------------


def _check_scale(scale: float) -> None:
    if not isinstance(scale, int | float) or not math.isfinite(scale) or scale < 1.0:
        raise UserError(f"sample scale must be a number of at least 1, got {scale!r}")


def generate(
    seed: int = 2025, scale: float = 1.0, start: str = "2023-01", end: str = "2025-12"
) -> TradeData:
    """Generate the illustrative sample for the months start..end (inclusive)."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise UserError(f"sample seed must be a non-negative integer, got {seed!r}")
    _check_scale(scale)
    first, last = _month_index(start, "start"), _month_index(end, "end")
    if first < _month_index(FIRST_MONTH, "start"):
        raise UserError(f"the sample starts no earlier than {FIRST_MONTH}, got {start}")
    if last > _month_index(LAST_MONTH, "end"):
        raise UserError(f"the sample ends no later than {LAST_MONTH}, got {end}")
    if last < first:
        raise UserError(f"start {start} is after end {end}")
    seed = int(seed)
    scale = float(scale)
    months = list(range(first, last + 1))
    span = np.arange(min(first, _T0), max(last, _T1) + 1)
    codes = sorted(x.code for x in cat.COUNTRIES)
    lines = _expand(scale)

    imports = _build_flow("imports", seed, lines, span, codes)
    exports = _build_flow("exports", seed, lines, span, codes)
    imp = _frame(imports, seed, scale, months, codes, _tariffs(imports, codes))
    exp = _frame(exports, seed, scale, months, codes, None)

    used = set(imp["country_code"].unique()) | set(exp["country_code"].unique())
    names = {x.code: x.name for x in cat.COUNTRIES}
    countries = pd.DataFrame(
        {
            "country_code": [c for c in codes if c in used],
            "name": [names[c] for c in codes if c in used],
        }
    )
    described = {ln.hs10: ln.description for ln in lines}
    hs_used = sorted(set(imp["hs10"].unique()) | set(exp["hs10"].unique()))
    commodities = pd.DataFrame({"hs10": hs_used, "description": [described[h] for h in hs_used]})
    return TradeData(
        imports=imp,
        exports=exp,
        countries=conform(countries, COUNTRY_COLUMNS),
        commodities=conform(commodities, COMMODITY_COLUMNS),
        source="sample",
        sample=True,
        params={"seed": seed, "scale": scale, "start": start, "end": end, "version": VERSION},
    )
