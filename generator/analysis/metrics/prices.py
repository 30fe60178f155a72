"""Prices and volumes: how much of a group's value growth is dearer goods (unit values)
and how much is more goods (volume). docs/PRICES.md says what a unit value is and is not.

Method, in short:

* A line is one HS10 code × country × unit of quantity in one flow. Per country, because
  the same code from Taiwan and from Mexico are different goods at different unit values:
  at the code level a shift between origins would read as a price change. Per unit,
  because a line whose unit changes is two lines, never one mixed series.
* Its unit value is value ÷ quantity, for lines with a positive quantity and a unit other
  than X (no quantity collected); other lines are left out and lower the coverage.
* Links compare each month with the same month of the previous year, not with the month
  before: trade in these goods is seasonal and lumpy, so a monthly chain of unit values
  drifts with every month a line enters or leaves, while a year-on-year link compares
  like with like and needs no seasonal adjustment. Each link is a Törnqvist index over
  the lines present in both months with the same unit and a unit-value ratio within
  queries.UNIT_VALUE_BOUNDS (1/4 … 4): exp Σ ½(s₀ + s₁) ln(p₁/p₀), s the line's share of
  the kept lines' value. Lines outside the bounds (outliers) and lines whose unit
  changed are counted and left out.
* The price index is 100 in every month of the base year and, from then on, the index
  of the same month a year before times the link; so each month compares with the same
  month of the base year, and the base year averages 100 as the value index does.
* The volume index is the group's value index (all lines; trade.growth_index's
  definition) ÷ the price index × 100, the implicit-deflator convention, so value =
  price × volume by construction, for every month and for annual averages (annual
  volume = annual value index ÷ annual price index × 100).
* Coverage is the share of the group's value (imports for consumption, whose quantity
  Census reports; exports: their value) in kept lines. Below MIN_COVERAGE in any linked
  year up to the edition, `quotable` is false and the brief does not quote the split.

The lines are summed per flow × month × class once: in SQL on the warehouse
(generator.data.queries.UNIT_LINKS_SQL) or here, in pandas, from row-level frames
(`links_of_rows`, the reference path hand-built tests use); both give LINK_COLUMNS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from generator.analysis.metrics.cube import Classes, Cube, class_table, positions, series
from generator.analysis.metrics.model import Aggregate, MetricsInput
from generator.analysis.metrics.numeric import frac
from generator.analysis.metrics.window import Window, year_months
from generator.data.queries import UNIT_LINK_LAG, UNIT_LOG_SLACK, UNIT_VALUE_BOUNDS

if TYPE_CHECKING:  # the row-level path imports it; the links of the SQL scan never do
    import pandas as pd

    from generator.analysis.metrics.model import Frame

MIN_COVERAGE = 0.5  # below it the brief does not quote the split (docs/PRICES.md)
LINK_COLUMNS = [
    "flow",
    "period",
    "klass",
    "value_now",
    "value_prior",
    "log_now",
    "log_prior",
    "lines",
    "outliers",
    "unit_changes",
]
_SUMS = LINK_COLUMNS[3:]
FLOW_VALUE = {"imports": "value_con", "exports": "value"}
METHOD = {
    "formula": "tornqvist",
    "links": "same month of the previous year",
    "lines": "hs10 x country x unit",
    "unit_value_bounds": list(UNIT_VALUE_BOUNDS),
    "min_coverage": MIN_COVERAGE,
}


# ---- the lines, summed per flow × month × class (pandas reference path) --------------------


def _lines(frame: pd.DataFrame, class_of: pd.Series, flow: str) -> pd.DataFrame:
    """Lines with a quantity: value and quantity per month × code × country × unit."""
    import pandas as pd

    col = FLOW_VALUE[flow]
    if frame.empty or not {"qty1", "unit1", col} <= set(frame.columns):
        return pd.DataFrame()
    unit = frame["unit1"].astype(object).where(frame["unit1"].notna(), None)
    klass = class_of.reindex(frame["hs10"].astype(str)).to_numpy(dtype=np.float64)
    value = frame[col].to_numpy(dtype=np.float64)
    qty = frame["qty1"].to_numpy(dtype=np.float64)
    ok = (klass >= 0) & (qty > 0) & (value > 0) & unit.notna().to_numpy()
    ok &= ~unit.isin(["", "X"]).to_numpy()
    rows = pd.DataFrame(
        {
            "period": frame["period"].astype(str).to_numpy(dtype=object)[ok],
            "hs10": frame["hs10"].astype(str).to_numpy(dtype=object)[ok],
            "country_code": frame["country_code"].astype(str).to_numpy(dtype=object)[ok],
            "unit": unit.to_numpy(dtype=object)[ok],
            "klass": klass[ok].astype(np.int64),
            "value": value[ok],
            "quantity": qty[ok],
        }
    )
    keys = ["period", "hs10", "country_code", "unit", "klass"]
    out = rows.groupby(keys, as_index=False, sort=False)[["value", "quantity"]].sum()
    out["flow"] = flow
    out["mi"] = out["period"].str[:4].astype(int) * 12 + out["period"].str[5:7].astype(int)
    return out


def links_of_rows(
    imports: pd.DataFrame, exports: pd.DataFrame, class_of: pd.Series
) -> pd.DataFrame:
    """UNIT_LINKS_SQL's result from row-level frames: each line against the same line
    twelve months before, summed per flow × month × class."""
    import pandas as pd

    parts = [_lines(f, class_of, flow) for flow, f in (("imports", imports), ("exports", exports))]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in LINK_COLUMNS})
    lines = pd.concat(parts, ignore_index=True)
    line = ["flow", "hs10", "country_code", "unit"]
    prior = lines[[*line, "mi", "value", "quantity"]].rename(
        columns={"value": "value_prior", "quantity": "quantity_prior"}
    )
    prior["mi"] += UNIT_LINK_LAG
    pairs = lines.merge(prior, on=[*line, "mi"], how="left")
    any_prior = lines.groupby(line[:3] + ["mi"], as_index=False).size()
    any_prior["mi"] += UNIT_LINK_LAG
    pairs = pairs.merge(any_prior, on=[*line[:3], "mi"], how="left")
    log_ratio = (
        np.log(pairs["value"])
        - np.log(pairs["quantity"])
        - np.log(pairs["value_prior"])
        + np.log(pairs["quantity_prior"])
    )
    low = np.log(UNIT_VALUE_BOUNDS[0]) - UNIT_LOG_SLACK
    high = np.log(UNIT_VALUE_BOUNDS[1]) + UNIT_LOG_SLACK
    kept = (log_ratio >= low) & (log_ratio <= high)
    matched = log_ratio.notna()
    sums = pd.DataFrame(
        {
            "flow": pairs["flow"],
            "period": pairs["period"],
            "klass": pairs["klass"],
            "value_now": pairs["value"].where(kept, 0.0),
            "value_prior": pairs["value_prior"].where(kept, 0.0),
            "log_now": (pairs["value"] * log_ratio).where(kept, 0.0),
            "log_prior": (pairs["value_prior"] * log_ratio).where(kept, 0.0),
            "lines": kept.astype(np.int64),
            "outliers": (matched & ~kept).astype(np.int64),
            "unit_changes": (~matched & (pairs["size"].fillna(0) > 0)).astype(np.int64),
        }
    )
    out = sums.groupby(["flow", "period", "klass"], as_index=False, sort=True)[_SUMS].sum()
    return out[LINK_COLUMNS].reset_index(drop=True)


def _dtype(col: str) -> str:
    if col in ("flow", "period"):
        return "object"
    return "int64" if col in ("klass", "lines", "outliers", "unit_changes") else "float64"


def links_for(inp: MetricsInput, agg: Aggregate, keys: list[str]) -> Frame:
    """The input's links: summed by the scan (SQL path) or summed here from its rows."""
    if agg.units is not None:
        return agg.units
    return links_of_rows(inp.imports, inp.exports, class_table(inp.classification, keys))


# ---- one group's split ----------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """One group's value index split into a unit-value index and a volume index, by month
    of the window (unrounded; NaN where undefined), with what the price index rests on."""

    value: np.ndarray  # value index, base-year average month = 100
    price: np.ndarray  # 100 in the base year, chained year on year after it
    volume: np.ndarray  # value ÷ price × 100
    covered: np.ndarray  # value of the kept lines (flow's own value column)
    whole: np.ndarray  # the group's value in the same column: coverage = covered ÷ whole
    outliers: np.ndarray  # lines left out, per month
    unit_changes: np.ndarray
    lines: np.ndarray  # lines kept, per month


def terms(links: Frame, flow: str, months: list[str], n_classes: int) -> dict[str, np.ndarray]:
    """The link sums of one flow as arrays [month, class] on the window's months."""
    part = links[np.asarray(links["flow"]) == flow]
    month = positions(months, part["period"])
    klass = np.asarray(part["klass"], dtype=np.int64)
    klass = np.where(klass >= n_classes, klass - n_classes, klass)  # dual-use: category i
    keep = (month >= 0) & (klass >= 0) & (klass < n_classes)
    key = month[keep] * n_classes + klass[keep]
    size = len(months) * n_classes
    return {
        col: np.bincount(
            key, weights=np.asarray(part[col], dtype=np.float64)[keep], minlength=size
        ).reshape(len(months), n_classes)
        for col in _SUMS
    }


def split(
    w: Window, value: np.ndarray, whole: np.ndarray, t: dict[str, np.ndarray], cls: list[int]
) -> Split:
    """The split of a group (classes `cls`) whose value series is `value`."""
    g = {col: arr[:, cls].sum(axis=1) for col, arr in t.items()}
    base_mean = w.over(value, w.base_months) / 12.0
    with np.errstate(divide="ignore", invalid="ignore"):
        vi = 100.0 * value / base_mean if base_mean else np.full(len(value), np.nan)
        log_link = 0.5 * g["log_now"] / g["value_now"] + 0.5 * g["log_prior"] / g["value_prior"]
    link = np.where((g["value_now"] > 0) & (g["value_prior"] > 0), np.exp(log_link), np.nan)
    price = np.full(len(w.months), np.nan)
    for i, m in enumerate(w.months):
        y = int(m[:4])
        if y == w.base:
            price[i] = 100.0
        elif y > w.base:  # the window is gap-free: row i − 12 is the same month last year
            price[i] = price[i - UNIT_LINK_LAG] * link[i]
    with np.errstate(divide="ignore", invalid="ignore"):
        volume = vi / price * 100.0
    return Split(
        vi, price, volume, g["value_now"], whole, g["outliers"], g["unit_changes"], g["lines"]
    )


def splits(
    w: Window, classes: Classes, cube: Cube, links: Frame, flow: str
) -> tuple[dict[str, Split], list[Split]]:
    """The splits of AI-related and non-AI goods, and of each AI category, for one flow."""
    t = terms(links, flow, w.months, classes.n)
    value = cube.values["value"]
    whole = cube.values["value_con" if "value_con" in cube.values else "value"]
    groups = {
        g: split(w, series(value, cls), series(whole, cls), t, cls)
        for g, cls in classes.groups.items()
        if g in ("ai", "non_ai")
    }
    cats = [split(w, value[:, i], whole[:, i], t, [i]) for i in range(len(classes.keys))]
    return groups, cats


# ---- summaries: years, year to date, since the base year --------------------------------------


@dataclass(frozen=True)
class Span:
    """Averages of the indexes over some months, and the coverage over them."""

    value: float
    price: float
    coverage: float

    @property
    def volume(self) -> float:
        return self.value / self.price * 100.0 if self.price else float("nan")


def span(w: Window, sp: Split, ms: list[str]) -> Span:
    rows = w.rows(ms)
    whole = float(sp.whole[rows].sum())
    coverage = float(sp.covered[rows].sum()) / whole if whole else float("nan")
    return Span(float(sp.value[rows].mean()), float(sp.price[rows].mean()), coverage)


def _linked_years(w: Window) -> list[int]:
    return [y for y in w.complete_years if y > w.base]


def _ratio(a: float, b: float) -> float | None:
    out = frac(a / b - 1.0) if b and np.isfinite(b) else None
    return None if out is None else out + 0.0  # never -0.0


def quotable(w: Window, sp: Split) -> bool:
    """Every linked month up to the edition's has a price, and every linked year (the
    year to date for the edition's) covers at least MIN_COVERAGE of the group's value."""
    if w.year <= w.base:
        return False
    linked = [m for m in w.months if int(m[:4]) > w.base]
    if not np.isfinite(sp.price[w.rows(linked)]).all():
        return False
    years = [year_months(y) for y in range(w.base + 1, w.year)] + [w.ytd]
    return all(span(w, sp, ms).coverage >= MIN_COVERAGE for ms in years)


def price_block(w: Window, sp: Split) -> dict[str, Any]:
    """`prices.<group>`: the unit-value index, its averages and growth, its coverage."""
    idx = [m for m in w.months if int(m[:4]) >= w.base]
    years = [y for y in w.complete_years if y >= w.base]
    ytd, base_ytd = span(w, sp, w.ytd), span(w, sp, w.base_months[: w.ytd_months])
    rows = w.rows([m for m in w.months if int(m[:4]) > w.base])
    return {
        "index": {
            "month": frac(w.at(sp.price, w.month)),
            "monthly": {m: frac(w.at(sp.price, m)) for m in idx},
        },
        "annual": {str(y): frac(span(w, sp, year_months(y)).price) for y in years},
        "since_base": {
            "annual": {
                str(y): _ratio(span(w, sp, year_months(y)).price, 100.0) for y in _linked_years(w)
            },
            "ytd": _ratio(ytd.price, base_ytd.price) if w.year > w.base else None,
        },
        "coverage": {
            "annual": {
                str(y): frac(span(w, sp, year_months(y)).coverage) for y in _linked_years(w)
            },
            "ytd": frac(ytd.coverage) if w.year > w.base else None,
            "monthly": {
                m: frac(span(w, sp, [m]).coverage) if int(m[:4]) > w.base else None for m in idx
            },
        },
        "quotable": quotable(w, sp),
        "lines": int(sp.lines[rows].sum()),
        "excluded": {
            "outliers": int(sp.outliers[rows].sum()),
            "unit_changes": int(sp.unit_changes[rows].sum()),
        },
    }


def volume_block(w: Window, sp: Split) -> dict[str, Any]:
    """`volumes.<group>`: value index ÷ unit-value index × 100, monthly and annual."""
    idx = [m for m in w.months if int(m[:4]) >= w.base]
    years = [y for y in w.complete_years if y >= w.base]
    base = span(w, sp, w.base_months).volume
    ytd, base_ytd = span(w, sp, w.ytd), span(w, sp, w.base_months[: w.ytd_months])
    return {
        "index": {
            "month": frac(w.at(sp.volume, w.month)),
            "monthly": {m: frac(w.at(sp.volume, m)) for m in idx},
        },
        "annual": {str(y): frac(span(w, sp, year_months(y)).volume) for y in years},
        "since_base": {
            "annual": {
                str(y): _ratio(span(w, sp, year_months(y)).volume, base) for y in _linked_years(w)
            },
            "ytd": _ratio(ytd.volume, base_ytd.volume) if w.year > w.base else None,
        },
        "quotable": quotable(w, sp),
    }


def decomposition(
    w: Window, classes: Classes, imp: Cube, exp: Cube, links: Frame
) -> dict[str, Any]:
    """`prices`, `volumes`, `export_prices`, `export_volumes` of the metrics document."""
    out: dict[str, Any] = {}
    for flow, cube, (pk, vk) in (
        ("imports", imp, ("prices", "volumes")),
        ("exports", exp, ("export_prices", "export_volumes")),
    ):
        groups, cats = splits(w, classes, cube, links, flow)
        prices: dict[str, Any] = {"base_year": w.base, "method": METHOD}
        volumes: dict[str, Any] = {"base_year": w.base}
        for g, sp in groups.items():
            prices[g] = price_block(w, sp)
            volumes[g] = volume_block(w, sp)
        prices["by_category"], volumes["by_category"] = [], []
        for key, sp in zip(classes.keys, cats, strict=True):
            p, v = price_block(w, sp), volume_block(w, sp)
            prices["by_category"].append(
                {
                    "key": key,
                    "since_base": p["since_base"],
                    "coverage": p["coverage"],
                    "quotable": p["quotable"],
                }
            )
            volumes["by_category"].append(
                {
                    "key": key,
                    "since_base": v["since_base"],
                    "coverage": p["coverage"],
                    "quotable": v["quotable"],
                }
            )
        out[pk], out[vk] = prices, volumes
    return out
