"""The cube: trade values summed by month × class (× country, × exemption lists).

Rows are summed once, here; every topic then reads sums from the cube instead of going
back to the frames. Classes are the AI categories in display order, then medium, then
low; a code in an excluded chapter has no class and counts nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from generator.analysis.metrics.model import AI, MEDIUM, MetricsError, MetricsInput


@dataclass(frozen=True)
class Classes:
    """Column indexes of the cube: one per AI category, then medium, then low."""

    keys: list[str]  # AI category keys, in display order

    @property
    def n(self) -> int:
        return len(self.keys) + 2

    @property
    def ai(self) -> list[int]:
        return list(range(len(self.keys)))

    @property
    def medium(self) -> int:
        return len(self.keys)

    @property
    def low(self) -> int:
        return len(self.keys) + 1

    @property
    def groups(self) -> dict[str, list[int]]:
        """The three groups every block reports: all goods, AI-related, non-AI."""
        return {"total": [*self.ai, self.medium, self.low], "ai": self.ai, "non_ai": [self.low]}


@dataclass
class Cube:
    """Sums over months (rows) and classes (columns)."""

    months: list[str]
    countries: list[str]
    values: dict[str, np.ndarray]  # name → [month, class]
    by_country: dict[str, np.ndarray]  # name → [month, country, class]
    # name → [month, mask, class]; bit k of mask: the code is on exemption list k.
    by_mask: dict[str, np.ndarray] = field(default_factory=dict)


def series(arr: np.ndarray, cls: list[int]) -> np.ndarray:
    """Monthly sums over the given classes."""
    return arr[:, cls].sum(axis=1)


def class_table(classification: pd.DataFrame, categories: list[str]) -> pd.Series:
    """hs10 → class index; −1 for excluded chapters."""
    cls = classification.drop_duplicates("hs10").set_index("hs10")
    idx = np.full(len(cls), len(categories) + 1, dtype=np.int64)  # low
    tier = cls["tier"].astype(str).to_numpy()
    cat = cls["category"].astype(object).to_numpy()
    cat_pos = {c: i for i, c in enumerate(categories)}
    for i in range(len(cls)):
        if tier[i] == AI:
            if cat[i] not in cat_pos:
                raise MetricsError(f"code {cls.index[i]} is AI-related but has no known category")
            idx[i] = cat_pos[cat[i]]
        elif tier[i] == MEDIUM:
            idx[i] = len(categories)
    idx[cls["excluded"].astype(bool).to_numpy()] = -1
    return pd.Series(idx, index=cls.index.astype(str))


def country_axis(inp: MetricsInput) -> tuple[list[str], dict[str, str]]:
    """Every country in the reference table or in the rows, and the names to print."""
    codes = sorted(set(inp.countries.get("country_code", pd.Series(dtype=str)).astype(str)))
    seen = set(map(str, inp.imports["country_code"].unique())) | set(
        map(str, inp.exports["country_code"].unique())
    )
    countries = sorted(set(codes) | seen)
    names = {}
    if len(inp.countries):
        names = dict(
            zip(
                inp.countries["country_code"].astype(str),
                inp.countries["name"].astype(str),
                strict=False,
            )
        )
    return countries, names


def _codes(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy().astype(np.int64), pd.Index(series.cat.categories)
    codes, uniques = pd.factorize(series, sort=False)
    return codes.astype(np.int64), pd.Index(uniques)


@dataclass(frozen=True)
class _Rows:
    """Per-row positions on the cube's axes, and which rows count at all."""

    hs_codes: np.ndarray
    hs_uniques: pd.Index
    klass: np.ndarray
    month: np.ndarray
    country: np.ndarray
    keep: np.ndarray


def _rows(
    frame: pd.DataFrame, class_of: pd.Series, months: list[str], countries: list[str]
) -> _Rows:
    hs_codes, hs_uniques = _codes(frame["hs10"])
    lookup = class_of.reindex(hs_uniques.astype(str))
    if lookup.isna().any():
        missing = lookup[lookup.isna()].index[:3].tolist()
        raise MetricsError(f"codes without a classification: {', '.join(missing)}")
    row_class = lookup.to_numpy(dtype=np.int64)[hs_codes]

    p_codes, p_uniques = _codes(frame["period"])
    p_map = np.array([months.index(str(p)) if str(p) in months else -1 for p in p_uniques])
    row_month = p_map[p_codes] if len(p_map) else np.zeros(0, dtype=np.int64)

    c_codes, c_uniques = _codes(frame["country_code"])
    c_pos = {c: i for i, c in enumerate(countries)}
    c_map = np.array([c_pos[str(c)] for c in c_uniques], dtype=np.int64)
    row_country = c_map[c_codes] if len(c_map) else np.zeros(0, dtype=np.int64)

    keep = (row_class >= 0) & (row_month >= 0)
    return _Rows(hs_codes, hs_uniques, row_class, row_month, row_country, keep)


def build_cube(
    frame: pd.DataFrame,
    columns: dict[str, str],
    class_of: pd.Series,
    n_classes: int,
    months: list[str],
    countries: list[str],
    lists: tuple[Any, ...] = (),
) -> Cube:
    """Sum each value column (`columns`: name → frame column) over the cube's axes."""
    r = _rows(frame, class_of, months, countries)
    nm, nc = len(months), len(countries)
    # One flat key per row: (month, country, class). Sums by month × class follow from
    # the 3-D sums, so each value column costs a single pass over the rows.
    key = (r.month * nc + r.country) * n_classes + r.klass
    if not r.keep.all():
        key = key[r.keep]
    values, by_country, done = {}, {}, {}
    for name, col in columns.items():
        if col not in done:
            w = frame[col].to_numpy(dtype=np.float64)
            if not r.keep.all():
                w = w[r.keep]
            flat3 = np.bincount(key, weights=w, minlength=nm * nc * n_classes)
            done[col] = flat3.reshape(nm, nc, n_classes)
        by_country[name] = done[col]
        values[name] = done[col].sum(axis=1)
    by_mask = _by_mask(frame, columns, r, lists, nm, n_classes) if lists else {}
    return Cube(months, countries, values, by_country, by_mask)


def _by_mask(
    frame: pd.DataFrame,
    columns: dict[str, str],
    r: _Rows,
    lists: tuple[Any, ...],
    nm: int,
    n_classes: int,
) -> dict[str, np.ndarray]:
    """Sums by month × list membership (a bit mask over the exemption lists) × class."""
    code_mask = np.array(
        [sum(1 << k for k, lst in enumerate(lists) if lst.covers(str(c))) for c in r.hs_uniques],
        dtype=np.int64,
    )
    nk = 1 << len(lists)
    row_mask = code_mask[r.hs_codes] if len(code_mask) else np.zeros(0, dtype=np.int64)
    mkey = (r.month * nk + row_mask) * n_classes + r.klass
    if not r.keep.all():
        mkey = mkey[r.keep]
    by_mask: dict[str, np.ndarray] = {}
    for name, col in columns.items():
        w = frame[col].to_numpy(dtype=np.float64)
        if not r.keep.all():
            w = w[r.keep]
        flat = np.bincount(mkey, weights=w, minlength=nm * nk * n_classes)
        by_mask[name] = flat.reshape(nm, nk, n_classes)
    return by_mask
