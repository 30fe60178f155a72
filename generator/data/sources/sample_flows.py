"""The sample's product lines and their product x partner structure (step 2 of `sample`).

Lines: the catalogue's codes, plus made-up statistical suffixes under the same HS8
when the sample is scaled. Structure per flow, group and year: product weights and
partner mixes reconciled by iterative proportional fitting (affinity profiles and a
persistent random spread seed the matrix), interpolated month by month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from generator.data.sources.sample_catalog import CATALOGUE as cat
from generator.data.sources.sample_catalog import Country, Product
from generator.data.sources.sample_paths import (
    FLOW_ID,
    T0,
    T1,
    anchor_weights,
    bucket_of,
    paths,
)

_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


# --- Product lines (the catalogue expanded by scale) ---------------------------------


@dataclass(frozen=True)
class Line:
    hs10: str
    product: int  # index into cat.products
    variant: int  # 0 = the catalogue code itself

    @property
    def base(self) -> Product:
        return cat.products[self.product]

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


def expand(scale: float) -> list[Line]:
    """Catalogue codes plus extra statistical suffixes under the same HS8, sorted."""
    products = cat.products
    order = sorted(range(len(products)), key=lambda i: products[i].hs10)
    used: dict[str, set[int]] = {}
    for i in order:
        code = products[i].hs10
        used.setdefault(code[:8], set()).add(int(code[8:]))
    counts = _variant_counts(len(order), scale)
    lines: list[Line] = []
    for rank, i in enumerate(order):
        code = products[i].hs10
        lines.append(Line(code, i, 0))
        if not products[i].subdivide:
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
            lines.append(Line(f"{code[:8]}{suffix:02d}", i, k))
    lines.sort(key=lambda line: line.hs10)
    return lines


# --- Structure: product x partner shares per year -----------------------------------


def _unsmooth(annual: np.ndarray) -> np.ndarray:
    """Anchors whose month-by-month interpolation averages to the annual values."""
    months = np.arange(T0, T1 + 1)
    w = anchor_weights(months)
    year = (months - T0) // 12
    mix = np.stack([w[year == k].mean(0) for k in range(len(cat.target_years))])
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


def countries(codes: list[str]) -> list[Country]:
    by_code = {x.code: x for x in cat.countries}
    return [by_code[code] for code in codes]


@dataclass
class Flow:
    name: str
    lines: list[Line]
    bucket: np.ndarray  # bucket index per line
    buckets: list[str]
    anchors: np.ndarray  # years x lines x partners; each bucket block sums to 1 per year
    path: np.ndarray  # buckets x span months, USD
    span: np.ndarray
    price: np.ndarray  # lines x partners, unit value in January 2023
    units: np.ndarray  # lines: unit of quantity (object)
    unit_value: np.ndarray  # lines x span months: unit-value index (January 2023 = 1)
    pref: np.ndarray | None = None  # lines x partners, FTA preference claimed

    @property
    def bucket_rows(self) -> list[np.ndarray]:
        return [np.flatnonzero(self.bucket == b) for b in range(len(self.buckets))]


def _yearly_weights(flow: str, lines: list[Line], variant_share: np.ndarray) -> np.ndarray:
    """Product weights per target year (2024: geometric mean of 2023 and 2025), each
    catalogue product's weight split over its lines by their random share."""
    base = np.array([(ln.base.imports if flow == "imports" else ln.base.exports) for ln in lines])
    yearly = np.stack([base[:, 0], np.sqrt(base[:, 0] * base[:, 1]), base[:, 1]])
    product_ids = np.array([ln.product for ln in lines])
    totals = np.zeros(len(cat.products))
    np.add.at(totals, product_ids, variant_share)
    return yearly * (variant_share / totals[product_ids])[None, :]


def _affinity(lines: list[Line], codes: list[str], pair: np.ndarray) -> np.ndarray:
    """Affinity of each line to each partner, from its profile, times the pair spread."""
    profile_names = sorted(cat.profiles)
    prof = np.empty((len(profile_names), len(codes)))
    for k, name in enumerate(profile_names):
        profile = cat.profiles[name]
        prof[k] = [profile.partners.get(code, profile.default) for code in codes]
    pid = {name: k for k, name in enumerate(profile_names)}
    return prof[[pid[ln.base.profile] for ln in lines]] * pair


def _anchors(
    flow: str,
    buckets: list[str],
    bucket: np.ndarray,
    yearly: np.ndarray,
    affinity: np.ndarray,
    codes: list[str],
) -> np.ndarray:
    """Product x partner shares per target year; each bucket block sums to 1."""
    sizes = np.array(
        [x.imports_bn if flow == "imports" else x.exports_bn for x in countries(codes)]
    )
    mixes = cat.import_mixes if flow == "imports" else cat.export_mixes
    years = cat.target_years
    anchors = np.zeros((len(years), *affinity.shape))
    for b, name in enumerate(buckets):
        rows_b = np.flatnonzero(bucket == b)
        w = yearly[:, rows_b]
        w = w / w.sum(1, keepdims=True)
        w = _unsmooth(w)
        mix = mixes.get(name)
        if mix is not None:
            cols = np.stack([_mix_vector(mix[y], sizes, codes) for y in years])
            cols = _unsmooth(cols)
            seed_b = affinity[rows_b]
        else:
            cols = None
            seed_b = affinity[rows_b] * sizes[None, :]
        for k in range(len(years)):
            rows = w[k] / w[k].sum()
            x = _ras(seed_b, rows, None if cols is None else cols[k] / cols[k].sum())
            anchors[k, rows_b] = x / x.sum()
    return anchors


def unit_value_index(lines: list[Line], months: np.ndarray) -> np.ndarray:
    """Unit-value index per line and month (January 2023 = 1): each calendar year's change
    compounds month by month; flat in years without one."""
    uv = cat.unit_values
    keys = [ln.base.profile if ln.base.profile in uv.profiles else ln.base.group for ln in lines]
    paths = uv.profiles | uv.groups
    out = np.ones((len(lines), months.size))
    for key in set(keys) & set(paths):
        log_index = np.zeros(months.size)
        for year, change in paths[key].items():
            elapsed = np.clip(months - 12 * year, 0, 12) - np.clip(T0 - 12 * year, 0, 12)
            log_index += math.log1p(change) / 12.0 * elapsed
        rows = [i for i, k in enumerate(keys) if k == key]
        out[rows] = np.exp(log_index)[None, :]
    return out


def build_flow(
    flow: str, seed: int, all_lines: list[Line], span: np.ndarray, codes: list[str]
) -> Flow:
    """The lines a flow trades, its paths, structure, prices and (imports) preferences."""
    fid = FLOW_ID[flow]
    side = 0 if flow == "imports" else 1
    lines = [ln for ln in all_lines if max((ln.base.imports, ln.base.exports)[side]) > 0]
    buckets, path = paths(flow, seed, span)
    bindex = {b: i for i, b in enumerate(buckets)}
    bucket = np.array([bindex[bucket_of(ln.base)] for ln in lines])
    n, c = len(lines), len(codes)

    rng = np.random.default_rng([seed, fid, 1])
    variant_share = rng.lognormal(0.0, 0.6, n)
    pair = rng.lognormal(0.0, cat.sparsity.pair_sigma, (n, c))
    price_factor = rng.lognormal(0.0, 0.15, c)

    yearly = _yearly_weights(flow, lines, variant_share)
    affinity = _affinity(lines, codes, pair)
    anchors = _anchors(flow, buckets, bucket, yearly, affinity, codes)

    unit_price = np.array([ln.base.unit_price for ln in lines])
    price = unit_price[:, None] * price_factor[None, :]
    units = np.array([ln.base.unit1 for ln in lines], dtype=object)
    uv = unit_value_index(lines, span)
    out = Flow(flow, lines, bucket, buckets, anchors, path, span, price, units, uv)
    if flow == "imports":
        share = np.array([x.preference for x in countries(codes)])
        out.pref = np.random.default_rng([seed, fid, 4]).random((n, c)) < share[None, :]
    return out
