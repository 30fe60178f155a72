"""The cube: trade values summed by month × class (× country, × exemption lists).

Rows are summed once, into an Aggregate (model.py): on the warehouse by the SQL scan
(generator.data.queries), on row-level frames by `aggregate_rows` here. The cube is laid
out from that aggregate; every topic then reads sums from the cube. Classes are the AI
categories in display order, then medium, then low; a code in an excluded chapter has
no class (−1) and counts nowhere. A dual-use line of AI category i (a high rule with
`dual_use`) is summed as class i + `Classes.n`: the cube folds it into category i, so
every AI figure counts it, and keeps `Cube.core`, the sums without dual-use lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from generator.analysis.metrics.model import (
    AI,
    EXPORT_AGGREGATE,
    IMPORT_AGGREGATE,
    MEDIUM,
    Aggregate,
    MetricsError,
    MetricsInput,
)

if TYPE_CHECKING:  # the row-level path below imports it; the aggregate path never does
    import pandas as pd

    from generator.analysis.metrics.model import Frame


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

    def dual(self, i: int) -> int:
        """The aggregate's class of a dual-use line of AI category i."""
        return self.n + i

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
    # name → [month, class] without dual-use lines (the core lens); `values` when none.
    core: dict[str, np.ndarray] = field(default_factory=dict)


def series(arr: np.ndarray, cls: list[int]) -> np.ndarray:
    """Monthly sums over the given classes."""
    return arr[:, cls].sum(axis=1)


def class_table(classification: pd.DataFrame, categories: list[str]) -> pd.Series:
    """hs10 → class index (`class_index`) as a pandas Series, one row a code."""
    import pandas as pd

    cls = classification.drop_duplicates("hs10").set_index("hs10")
    dual = cls["dual_use"] if "dual_use" in cls else np.zeros(len(cls), dtype=bool)
    idx = class_index(
        cls.index.astype(str), cls["tier"], cls["category"], dual, cls["excluded"], categories
    )
    return pd.Series(idx, index=cls.index.astype(str))


def class_index(
    codes: Any, tier: Any, category: Any, dual_use: Any, excluded: Any, categories: list[str]
) -> np.ndarray:
    """Each code's class: its AI category's position, medium, low; −1 for excluded
    chapters; a dual-use AI line of category i → i + Classes.n. Columns of a Table or a
    frame alike (the stored classification is classified without pandas)."""
    tiers = [str(t) for t in np.asarray(tier).tolist()]
    cats = np.asarray(category, dtype=object).tolist()
    dual = np.asarray(dual_use, dtype=bool)
    idx = np.full(len(tiers), len(categories) + 1, dtype=np.int64)  # low
    cat_pos = {c: i for i, c in enumerate(categories)}
    classes = Classes(list(categories))
    for i, t in enumerate(tiers):
        if t == AI:
            if cats[i] not in cat_pos:
                code = np.asarray(codes)[i]
                raise MetricsError(f"code {code} is AI-related but has no known category")
            idx[i] = classes.dual(cat_pos[cats[i]]) if dual[i] else cat_pos[cats[i]]
        elif t == MEDIUM:
            idx[i] = len(categories)
    idx[np.asarray(excluded, dtype=bool)] = -1
    return idx


def country_axis(countries: Frame, agg: Aggregate) -> tuple[list[str], dict[str, str]]:
    """Every country in the reference table or in the rows, and the names to print."""
    column = countries.get("country_code")
    codes = set() if column is None else set(map(str, np.asarray(column).tolist()))
    seen = set(map(str, np.asarray(agg.imports["country_code"]).tolist())) | set(
        map(str, np.asarray(agg.exports["country_code"]).tolist())
    )
    names = {}
    if len(countries):
        names = dict(
            zip(
                map(str, np.asarray(countries["country_code"])),
                map(str, np.asarray(countries["name"])),
                strict=False,
            )
        )
    return sorted(codes | seen), names


def positions(labels: list[str], values: Any) -> np.ndarray:
    """Each value's position among `labels` (−1: not there): a Table's or a frame's
    column of months or countries placed on the cube's axis."""
    arr = np.asarray(values)
    uniques, inverse = np.unique(
        arr if arr.dtype.kind == "U" else arr.astype(str), return_inverse=True
    )
    where = {label: i for i, label in enumerate(labels)}
    found = np.array([where.get(u, -1) for u in uniques.tolist()], dtype=np.int64)
    return found[inverse.reshape(-1)]


def exemption_masks(codes: pd.Index, lists: tuple[Any, ...]) -> np.ndarray:
    """Bit k set where the code is on exemption list k (dates are applied per month later)."""
    return np.array(
        [sum(1 << k for k, lst in enumerate(lists) if lst.covers(str(c))) for c in codes],
        dtype=np.int64,
    )


def aggregate_of(inp: MetricsInput, classes: Classes) -> Aggregate:
    """The input's aggregate: summed already (SQL path) or summed here from its rows."""
    lists = tuple(inp.exemptions)
    if inp.aggregate is None:
        class_of = class_table(inp.classification, classes.keys)
        return aggregate_rows(inp.imports, inp.exports, class_of, classes.keys, lists)
    agg = inp.aggregate
    if list(agg.categories) != classes.keys or list(agg.lists) != [x.key for x in lists]:
        raise MetricsError("the aggregate was summed for other categories or exemption lists")
    return agg


def aggregate_rows(
    imports: pd.DataFrame,
    exports: pd.DataFrame,
    class_of: pd.Series,
    categories: list[str],
    lists: tuple[Any, ...] = (),
) -> Aggregate:
    """The pandas path to the aggregate (hand-built frames, tests): rows summed by
    month × country × class (× exemption mask), as the SQL scan sums them."""
    imp = _summed(imports, class_of, lists, IMPORT_AGGREGATE)
    exp = _summed(exports, class_of, None, EXPORT_AGGREGATE)
    return Aggregate(imp, exp, tuple(categories), tuple(x.key for x in lists))


def _summed(
    frame: pd.DataFrame, class_of: pd.Series, lists: tuple[Any, ...] | None, names: list[str]
) -> pd.DataFrame:
    import pandas as pd

    hs_codes, hs_uniques = _codes(frame["hs10"])
    lookup = class_of.reindex(hs_uniques.astype(str))
    if lookup.isna().any():
        missing = lookup[lookup.isna()].index[:3].tolist()
        raise MetricsError(f"codes without a classification: {', '.join(missing)}")
    keys = {
        "period": frame["period"].astype(str).to_numpy(dtype=object),
        "country_code": frame["country_code"].astype(str).to_numpy(dtype=object),
        "klass": lookup.to_numpy(dtype=np.int64)[hs_codes],
    }
    if lists is not None:
        keys["mask"] = exemption_masks(hs_uniques, lists)[hs_codes]
    values = [c for c in names if c not in keys and c in frame.columns]
    rows = pd.DataFrame({**keys, **{c: frame[c].to_numpy(dtype=np.float64) for c in values}})
    by = list(keys)
    out = rows.groupby(by, sort=True, as_index=False)[values].sum(skipna=False)
    return out.astype({"klass": np.int64, **({"mask": np.int64} if "mask" in by else {})})


def build_cube(
    frame: Frame,
    columns: dict[str, str],
    n_classes: int,
    months: list[str],
    countries: list[str],
    n_lists: int = 0,
) -> Cube:
    """Sum each value column (`columns`: name → aggregate column) over the cube's axes."""
    nm, nc = len(months), len(countries)
    # Positions on the axes, vectorised (−1: a month outside the window).
    month = positions(months, frame["period"])
    country = positions(countries, frame["country_code"])
    klass = np.asarray(frame["klass"], dtype=np.int64)
    dual = klass >= n_classes  # dual-use lines (class i + n): counted in category i
    klass = np.where(dual, klass - n_classes, klass)
    keep = (klass >= 0) & (month >= 0)
    month, country, klass, dual = month[keep], country[keep], klass[keep], dual[keep]
    key = (month * nc + country) * n_classes + klass
    weights = {col: np.asarray(frame[col], dtype=np.float64)[keep] for col in set(columns.values())}
    values, by_country = {}, {}
    for name, col in columns.items():
        flat = np.bincount(key, weights=weights[col], minlength=nm * nc * n_classes)
        by_country[name] = flat.reshape(nm, nc, n_classes)
        values[name] = by_country[name].sum(axis=1)
    core = values
    if dual.any():
        ckey, size = (month * n_classes + klass)[~dual], nm * n_classes
        core = {
            name: np.bincount(ckey, weights=weights[col][~dual], minlength=size).reshape(nm, -1)
            for name, col in columns.items()
        }
    by_mask: dict[str, np.ndarray] = {}
    if n_lists:
        nk = 1 << n_lists
        mask = np.asarray(frame["mask"], dtype=np.int64)[keep]
        mkey = (month * nk + mask) * n_classes + klass
        for name, col in columns.items():
            flat = np.bincount(mkey, weights=weights[col], minlength=nm * nk * n_classes)
            by_mask[name] = flat.reshape(nm, nk, n_classes)
    return Cube(months, countries, values, by_country, by_mask, core)


def _codes(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy().astype(np.int64), pd.Index(series.cat.categories)
    codes, uniques = pd.factorize(series, sort=False)
    return codes.astype(np.int64), pd.Index(uniques)
