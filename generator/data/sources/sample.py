"""The embedded sample: ILLUSTRATIVE SYNTHETIC U.S. trade data, generated offline.

These are NOT official statistics. Every row is made up by this module from a
seeded random generator. Only the annual aggregates are calibrated, to the
published figures listed in docs/CALIBRATION.md (AI-related, medium and non-AI
imports and exports, 2023-2025, HS chapters 27, 71, 98 and 99 excluded); 2026 is an
illustrative continuation (same file, "2026"). The HS codes and Census country codes
are real, while product mixes, partner shares, monthly paths, quantities and duties
are plausible inventions. Anything built on this sample must be labelled as
illustrative.

How it is built (the data it draws from are files in `sample_data/`, read by
`sample_catalog`; each step is a module beside this one):

1. Monthly path per group: a smooth trend (log-quadratic; for AI groups linear
   through 2023 and convex from 2024) solved so that its annual sums match the
   targets, times seasonality, a front-loading bump and dip around April 2025
   for non-AI goods, and a little noise; each target year is then rescaled to
   its target exactly; 2026 continues the trend to an illustrative total
   (`sample_paths`).
2. Product x partner structure per group and year: product weights and partner
   mixes reconciled by iterative proportional fitting (affinity profiles and a
   persistent random spread seed the matrix), interpolated month by month
   (`sample_flows`).
3. Rows: small cells trade only some months; values get log-normal noise and
   each (group, month) is rescaled to the path, so annual totals hold exactly (here).
   Quantities: value over the line's unit value that month (a documented path per
   group or profile, `sample_flows.unit_value_index`), scattered; none for unit X.
4. Duties: base rates scaled per tier and year to the pre-2025 effective rates,
   China Section 301, Section 232, and the IEEPA duties (a tariff step solved month
   by month so that the non-AI effective rate follows the target path; the
   AI-related rate follows) until February 23, 2026, then the Section 122 surcharge
   to July 24, 2026 and nothing after (`sample_tariffs`).

Deterministic: the same (seed, scale, start, end) gives identical frames, and a
month's rows do not depend on the requested range.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa

from generator.data.schema import (
    COMMODITY_COLUMNS,
    COUNTRY_COLUMNS,
    EXPORT_COLUMNS,
    IMPORT_COLUMNS,
    conform,
)
from generator.data.sources import TradeData
from generator.data.sources.sample_catalog import CATALOGUE as cat
from generator.data.sources.sample_flows import Flow, build_flow, expand
from generator.data.sources.sample_paths import (
    FLOW_ID,
    T0,
    T1,
    anchor_weights,
    month_index,
    month_label,
)
from generator.data.sources.sample_tariffs import Tariffs, build_tariffs, rates
from generator.errors import UserError

# Bump when the data files or the generator change: warehouses of an older sample are rebuilt.
VERSION = 5
FIRST_MONTH = "2013-01"
# The default last month: the latest Census had released by early December 2026.
LATEST_MONTH = "2026-09"
LAST_MONTH = "2099-12"


def catalogue(scale: float = 1.0) -> pd.DataFrame:
    """The product lines the sample uses at a scale: code, base code, group, exemptions."""
    _check_scale(scale)
    lines = expand(scale)
    return pd.DataFrame(
        {
            "hs10": [ln.hs10 for ln in lines],
            "base_hs10": [ln.base.hs10 for ln in lines],
            "description": [ln.description for ln in lines],
            "group": [ln.base.group for ln in lines],
            "unit1": [ln.base.unit1 for ln in lines],
            "exempt": [cat.is_exempt(ln.hs10) for ln in lines],
            "surcharge_exempt": [cat.is_surcharge_exempt(ln.hs10) for ln in lines],
        }
    )


# --- Rows ------------------------------------------------------------------------------


def _month_rows(
    fl: Flow, seed: int, scale: float, month: int, tariffs: Tariffs | None
) -> dict[str, np.ndarray]:
    """The traded cells of one month: line and partner indices, values, quantities, duty."""
    j = int(np.searchsorted(fl.span, month))
    w = anchor_weights(np.array([month]))[0]
    share = np.tensordot(w, fl.anchors, axes=1)
    expected = share * fl.path[fl.bucket, j][:, None]
    sp = cat.sparsity
    p_trade = -np.expm1(-expected * scale / sp.scale_usd)
    rng = np.random.default_rng([seed, FLOW_ID[fl.name], 3, month // 12, month % 12 + 1])
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
    # Quantity: value at the line's unit value that month (partner level, path, a
    # scatter that is wide for small cells and narrow for big ones); none for unit X.
    uv = cat.unit_values
    spread = uv.noise_floor + (uv.noise_small - uv.noise_floor) / (1.0 + e / sp.steady_usd)
    price = fl.price[pi, ci] * fl.unit_value[pi, j]
    no_qty = (fl.units[pi] == "X") | (price <= 0)
    qty = value / np.where(no_qty, 1.0, price) * np.exp(spread * extra[0] - spread**2 / 2)
    qty = np.where(no_qty, 0.0, np.maximum(np.round(qty), 1.0))
    out = {"pi": pi, "ci": ci, "value": value, "qty1": qty}
    if tariffs is not None:
        rate = rates(tariffs, fl, month, pi, ci, value)
        out["duty"] = np.round(value * rate)
        out["value_dutiable"] = np.where(rate > 0, value, 0.0)
        out["value_gen"] = np.round(value * (1.0 + 0.03 * rng.random(n)))
    return out


def _frame(
    fl: Flow,
    seed: int,
    scale: float,
    months: list[int],
    codes: list[str],
    tariffs: Tariffs | None,
) -> pd.DataFrame:
    """All months of a flow as one frame in the warehouse schema."""
    parts = [_month_rows(fl, seed, scale, m, tariffs) for m in months]
    counts = [p["pi"].size for p in parts]
    pi = np.concatenate([p["pi"] for p in parts])
    ci = np.concatenate([p["ci"] for p in parts])
    hs10 = np.array([ln.hs10 for ln in fl.lines], dtype=object)
    labels = np.array([month_label(m) for m in months], dtype=object)
    data = {
        "period": _strings(labels, np.repeat(np.arange(len(months)), counts)),
        "hs10": _strings(hs10, pi),
        "country_code": _strings(np.array(codes, dtype=object), ci),
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
    data["unit1"] = _strings(fl.units, pi)
    frame = pd.DataFrame(
        {k: v if isinstance(v, pd.Series) else pd.Series(v, copy=False) for k, v in data.items()}
    )
    return conform(frame, IMPORT_COLUMNS if fl.name == "imports" else EXPORT_COLUMNS)


def _strings(table: np.ndarray, index: np.ndarray) -> pd.Series:
    """`table[index]` as the warehouse's string column, built in Arrow from each distinct
    text once: converting every row's Python string took a fifth of a refresh."""
    if not all(isinstance(v, str) for v in table):  # a missing text stays missing (NA)
        return pd.Series(table[index], dtype=object)
    uniq, inverse = np.unique(table.astype(str), return_inverse=True)
    codes = pa.array(inverse[index].astype("int32"))
    texts = pa.DictionaryArray.from_arrays(codes, pa.array(uniq.tolist(), pa.string()))
    return pd.Series(pd.arrays.ArrowStringArray(texts.cast(pa.string())))


# --- Public API ------------------------------------------------------------------------


def _check_scale(scale: float) -> None:
    if not isinstance(scale, int | float) or not math.isfinite(scale) or scale < 1.0:
        raise UserError(f"sample scale must be a number of at least 1, got {scale!r}")


def generate(
    seed: int = 2025, scale: float = 1.0, start: str = "2023-01", end: str = LATEST_MONTH
) -> TradeData:
    """Generate the illustrative sample for the months start..end (inclusive)."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise UserError(f"sample seed must be a non-negative integer, got {seed!r}")
    _check_scale(scale)
    first, last = month_index(start, "start"), month_index(end, "end")
    if first < month_index(FIRST_MONTH, "start"):
        raise UserError(f"the sample starts no earlier than {FIRST_MONTH}, got {start}")
    if last > month_index(LAST_MONTH, "end"):
        raise UserError(f"the sample ends no later than {LAST_MONTH}, got {end}")
    if last < first:
        raise UserError(f"start {start} is after end {end}")
    seed = int(seed)
    scale = float(scale)
    months = list(range(first, last + 1))
    span = np.arange(min(first, T0), max(last, T1) + 1)
    codes = sorted(x.code for x in cat.countries)
    lines = expand(scale)

    imports = build_flow("imports", seed, lines, span, codes)
    exports = build_flow("exports", seed, lines, span, codes)
    imp = _frame(imports, seed, scale, months, codes, build_tariffs(imports, codes))
    exp = _frame(exports, seed, scale, months, codes, None)

    used = set(imp["country_code"].unique()) | set(exp["country_code"].unique())
    names = {x.code: x.name for x in cat.countries}
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
