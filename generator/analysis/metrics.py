"""Pure computations: trade rows + classification in, the metrics document out.

No I/O here. Every number the brief prints comes from the document this module builds
(README, "How it works"): money in USD, shares and rates as fractions, months YYYY-MM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from generator.data.schema import REST_OF_WORLD
from generator.errors import UserError

SCHEMA_VERSION = "aibrief.metrics/1"
AI, MEDIUM, LOW = "high", "medium", "low"


@dataclass(frozen=True)
class MetricsOptions:
    base_year: int = 2023
    import_value: str = "consumption"  # or "general"
    top_sources: int = 8
    partners: tuple[str, ...] = ("2010", "1220")
    excluded_chapters: tuple[int, ...] = (27, 71, 98, 99)


@dataclass(frozen=True)
class DataInfo:
    """Where the rows came from; travels into every output."""

    source: str
    sample: bool
    vintage: str | None = None
    latest_month: str | None = None  # newest month in the warehouse, if rows were cut


@dataclass
class MetricsInput:
    imports: pd.DataFrame  # period, hs10, country_code, value_con, value_gen, duty, …
    exports: pd.DataFrame  # period, hs10, country_code, value
    classification: pd.DataFrame  # hs10, tier, category, excluded
    categories: dict[str, str]  # key → label, in display order
    countries: pd.DataFrame = field(default_factory=pd.DataFrame)  # country_code, name
    info: DataInfo = field(default_factory=lambda: DataInfo("sample", True))
    # Exemption lists (generator.classify.exemptions.ExemptionList or alike: key, name, source,
    # effective, end, covers(code), in_force(month)).
    exemptions: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Metrics:
    """The metrics document of one edition, with dotted-path access for templates and tests."""

    month: str
    doc: dict[str, Any]

    def get(self, path: str) -> Any:
        return get_path(self.doc, path)


def get_path(doc: Any, path: str) -> Any:
    """`imports.ai.annual.2025` or `sources.0.share` in a metrics document."""
    node: Any = doc
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


class MetricsError(ValueError):
    """The data cannot support the requested edition (month missing, base year incomplete)."""


class ShareError(MetricsError, UserError):
    """A share outside [0, 1]: the data hold a negative or inconsistent figure, and a
    headline such as "108% of U.S. imports" must never reach a page."""

    def __init__(self, message: str) -> None:
        UserError.__init__(self, message)


# Keys whose numbers are shares of a whole; their "change" entries are differences.
_SHARE_KEYS = frozenset({"ai_share", "share_of_ai", "share", "prior_share"})


def check_shares(node: Any, path: str = "", inside: bool = False) -> None:
    """Refuse the document when any share is outside [0, 1], naming its metrics path."""
    if isinstance(node, dict):
        for key, value in node.items():
            if inside and key == "change":
                continue
            sub = f"{path}.{key}" if path else str(key)
            check_shares(value, sub, inside or key in _SHARE_KEYS)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            check_shares(value, f"{path}.{i}", inside)
    elif inside and isinstance(node, float) and not 0.0 <= node <= 1.0:
        raise ShareError(
            f"metrics {path} is {node:g}, not a share between 0 and 1: the warehouse holds "
            "a negative or inconsistent figure; check the source data"
        )


# ---- small helpers ----------------------------------------------------------------------


def _money(x: float) -> float:
    return float(round(float(x)))


def _frac(x: float | None) -> float | None:
    if x is None or not np.isfinite(x):
        return None
    return round(float(x), 6)


def _ratio(a: float, b: float) -> float | None:
    return _frac(a / b) if b else None


def _growth(a: float, b: float) -> float | None:
    return _frac(a / b - 1.0) if b else None


def month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_name(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# ---- the cube: value by month × class (× country) ---------------------------------------


@dataclass
class _Cube:
    """Sums over months (rows) and classes (columns); classes: AI categories, medium, low."""

    months: list[str]
    countries: list[str]
    values: dict[str, np.ndarray]  # name → [month, class]
    by_country: dict[str, np.ndarray]  # name → [month, country, class]
    # name → [month, mask, class]; bit k of mask: the code is on exemption list k.
    by_mask: dict[str, np.ndarray] = field(default_factory=dict)


def _class_table(classification: pd.DataFrame, categories: list[str]) -> pd.Series:
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


def _codes(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy().astype(np.int64), pd.Index(series.cat.categories)
    codes, uniques = pd.factorize(series, sort=False)
    return codes.astype(np.int64), pd.Index(uniques)


def _cube(
    frame: pd.DataFrame,
    columns: dict[str, str],
    class_of: pd.Series,
    n_classes: int,
    months: list[str],
    countries: list[str],
    lists: tuple[Any, ...] = (),
) -> _Cube:
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
    nm, nc = len(months), len(countries)
    # One flat key per row: (month, country, class). Sums by month × class follow from
    # the 3-D sums, so each value column costs a single pass over the rows.
    key = (row_month * nc + row_country) * n_classes + row_class
    if not keep.all():
        key = key[keep]
    values, by_country, done = {}, {}, {}
    for name, col in columns.items():
        if col not in done:
            w = frame[col].to_numpy(dtype=np.float64)
            if not keep.all():
                w = w[keep]
            flat3 = np.bincount(key, weights=w, minlength=nm * nc * n_classes)
            done[col] = flat3.reshape(nm, nc, n_classes)
        by_country[name] = done[col]
        values[name] = done[col].sum(axis=1)
    by_mask: dict[str, np.ndarray] = {}
    if lists:
        code_mask = np.array(
            [sum(1 << k for k, lst in enumerate(lists) if lst.covers(str(c))) for c in hs_uniques],
            dtype=np.int64,
        )
        nk = 1 << len(lists)
        row_mask = code_mask[hs_codes] if len(code_mask) else np.zeros(0, dtype=np.int64)
        mkey = (row_month * nk + row_mask) * n_classes + row_class
        if not keep.all():
            mkey = mkey[keep]
        for name, col in columns.items():
            w = frame[col].to_numpy(dtype=np.float64)
            if not keep.all():
                w = w[keep]
            flat = np.bincount(mkey, weights=w, minlength=nm * nk * n_classes)
            by_mask[name] = flat.reshape(nm, nk, n_classes)
    return _Cube(months, countries, values, by_country, by_mask)


# ---- the document -------------------------------------------------------------------------


def compute(inp: MetricsInput, month: str, options: MetricsOptions = MetricsOptions()) -> Metrics:
    """Build the metrics document for the edition of `month` from rows up to that month."""
    cats = list(inp.categories)
    n_classes = len(cats) + 2
    i_ai = list(range(len(cats)))
    i_medium, i_low = len(cats), len(cats) + 1

    imp_months = set(map(str, inp.imports["period"].unique()))
    exp_months = set(map(str, inp.exports["period"].unique()))
    available = sorted(imp_months & exp_months)
    if month not in available:
        span = f"{available[0]} … {available[-1]}" if available else "none"
        raise MetricsError(f"no data for {month}: months available {span}")
    first = available[0]
    months = [month_name(i) for i in range(month_index(first), month_index(month) + 1)]
    gaps = [m for m in months if m not in available]
    if gaps:
        raise MetricsError(f"months missing between {first} and {month}: {', '.join(gaps[:6])}")

    year = int(month[:4])
    ytd_months = int(month[5:7])
    base = options.base_year
    base_months = [f"{base}-{m:02d}" for m in range(1, 13)]
    if not set(base_months) <= set(months):
        raise MetricsError(
            f"base year {base} is not complete in the data ({first} … {month}); "
            "set metrics.base_year to a year the warehouse covers"
        )

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

    class_of = _class_table(inp.classification, cats)
    value_col = "value_con" if options.import_value == "consumption" else "value_gen"
    imp = _cube(
        inp.imports,
        {"value": value_col, "duty": "duty", "value_con": "value_con"},
        class_of,
        n_classes,
        months,
        countries,
        tuple(inp.exemptions),
    )
    exp = _cube(inp.exports, {"value": "value"}, class_of, n_classes, months, countries)

    mpos = {m: i for i, m in enumerate(months)}
    complete_years = [
        y
        for y in range(int(first[:4]), year + 1)
        if all(f"{y}-{m:02d}" in mpos for m in range(1, 13))
    ]
    ytd = [f"{year}-{m:02d}" for m in range(1, ytd_months + 1)]
    prior_ytd = [f"{year - 1}-{m:02d}" for m in range(1, ytd_months + 1)]
    has_prior = all(m in mpos for m in prior_ytd)

    def rows(ms: list[str]) -> list[int]:
        return [mpos[m] for m in ms]

    def series(arr: np.ndarray, cls: list[int]) -> np.ndarray:
        """Monthly sums over the given classes."""
        return arr[:, cls].sum(axis=1)

    def over(s: np.ndarray, ms: list[str]) -> float:
        return float(s[rows(ms)].sum())

    def year_months(y: int) -> list[str]:
        return [f"{y}-{m:02d}" for m in range(1, 13)]

    all_cls = i_ai + [i_medium, i_low]
    groups = {"total": all_cls, "ai": i_ai, "non_ai": [i_low]}

    def aggregate(s: np.ndarray) -> dict[str, Any]:
        annual = {str(y): over(s, year_months(y)) for y in complete_years}
        ytd_v = over(s, ytd)
        prior_v = over(s, prior_ytd) if has_prior else None
        month_v = float(s[mpos[month]])
        prev_year_month = f"{year - 1}-{month[5:7]}"
        base_v = over(s, base_months)
        base_ytd = over(s, base_months[:ytd_months])
        return {
            "month": _money(month_v),
            "annual": {y: _money(v) for y, v in annual.items()},
            "ytd": _money(ytd_v),
            "ytd_months": ytd_months,
            "prior_ytd": _money(prior_v) if prior_v is not None else None,
            "yoy": {
                "month": _growth(month_v, float(s[mpos[prev_year_month]]))
                if prev_year_month in mpos
                else None,
                "ytd": _growth(ytd_v, prior_v) if prior_v is not None else None,
                "annual": {
                    str(y): _growth(annual[str(y)], annual[str(y - 1)])
                    for y in complete_years
                    if str(y - 1) in annual
                },
            },
            "since_base": {
                "ytd": _growth(ytd_v, base_ytd) if year > base else None,
                "annual": {
                    str(y): _growth(annual[str(y)], base_v) for y in complete_years if y > base
                },
            },
            "monthly": {m: _money(s[mpos[m]]) for m in months},
        }

    def share(num: np.ndarray, den: np.ndarray) -> dict[str, Any]:
        """A ratio (share or rate) by month, year and year to date, with its changes."""
        annual = {
            str(y): _ratio(over(num, year_months(y)), over(den, year_months(y)))
            for y in complete_years
        }
        ytd_v = _ratio(over(num, ytd), over(den, ytd))
        prior_v = _ratio(over(num, prior_ytd), over(den, prior_ytd)) if has_prior else None
        return {
            "month": _ratio(num[mpos[month]], den[mpos[month]]),
            "annual": annual,
            "ytd": ytd_v,
            "prior_ytd": prior_v,
            # Changes in the ratio itself (×100 = percentage points).
            "change": {
                "ytd": _diff(ytd_v, prior_v),
                "annual": {
                    y: _diff(annual[y], annual[str(int(y) - 1)])
                    for y in annual
                    if str(int(y) - 1) in annual
                },
                "since_base": {
                    y: _diff(annual[y], annual[str(base)])
                    for y in annual
                    if int(y) > base and str(base) in annual
                },
            },
            "monthly": {m: _ratio(num[mpos[m]], den[mpos[m]]) for m in months},
        }

    doc: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "month": month,
        "data": {
            "source": inp.info.source,
            "sample": bool(inp.info.sample),
            "vintage": inp.info.vintage,
            "latest_month": max(inp.info.latest_month or available[-1], available[-1]),
            "first_month": first,
        },
        "definitions": {
            "base_year": base,
            "import_value": options.import_value,
            "excluded_chapters": sorted(options.excluded_chapters),
            "ai": "relevance tier high",
            "non_ai": "relevance tier low",
            "tariff_rate": "calculated duty / imports for consumption",
        },
        "period": {
            "year": year,
            "ytd_months": ytd_months,
            "prior_year": year - 1,
            "complete_years": complete_years,
            # The next month's data come out early in the month after next (FT-900).
            "next_month": month_name(month_index(month) + 1),
            "next_release_month": month_name(month_index(month) + 3),
        },
    }

    # Flows and shares.
    for flow, cube in (("imports", imp), ("exports", exp)):
        val = cube.values["value"]
        s = {g: series(val, cls) for g, cls in groups.items()}
        doc[flow] = {g: aggregate(v) for g, v in s.items()}
        doc[flow]["ai_share"] = share(s["ai"], s["total"])

    imp_total = series(imp.values["value"], all_cls)
    exp_total = series(exp.values["value"], all_cls)
    bal = exp_total - imp_total
    doc["balance"] = {
        "month": _money(bal[mpos[month]]),
        "annual": {str(y): _money(over(bal, year_months(y))) for y in complete_years},
        "ytd": _money(over(bal, ytd)),
    }

    # Growth index: 100 × month ÷ base-year monthly average.
    idx_months = [m for m in months if int(m[:4]) >= base]
    doc["index"] = {"base_year": base}
    for g, cls in groups.items():
        s = series(imp.values["value"], cls)
        mean = over(s, base_months) / 12.0
        doc["index"][g] = {
            "month": _frac(100.0 * s[mpos[month]] / mean) if mean else None,
            "monthly": {m: _frac(100.0 * s[mpos[m]] / mean) if mean else None for m in idx_months},
        }

    # Effective tariff rates: duty ÷ imports for consumption.
    duty, con = imp.values["duty"], imp.values["value_con"]

    def tariff(cls: list[int]) -> dict[str, Any]:
        return share(series(duty, cls), series(con, cls))

    doc["tariffs"] = {g: tariff(cls) for g, cls in groups.items()}
    t_ai, t_non = doc["tariffs"]["ai"], doc["tariffs"]["non_ai"]
    gap_ytd = _diff(t_non["ytd"], t_ai["ytd"])
    gap_prior = _diff(t_non["prior_ytd"], t_ai["prior_ytd"])
    doc["tariffs"]["gap"] = {
        "month": _diff(t_non["month"], t_ai["month"]),
        "annual": {y: _diff(t_non["annual"][y], t_ai["annual"][y]) for y in t_ai["annual"]},
        "ytd": gap_ytd,
        "prior_ytd": gap_prior,
        "change_ytd": _diff(gap_ytd, gap_prior),
    }

    # Categories.
    ai_imp = series(imp.values["value"], i_ai)
    doc["categories"] = []
    for i, key in enumerate(cats):
        s_imp = imp.values["value"][:, i]
        entry = aggregate(s_imp)
        entry.pop("monthly")
        entry["share_of_ai"] = {
            "annual": {
                str(y): _ratio(over(s_imp, year_months(y)), over(ai_imp, year_months(y)))
                for y in complete_years
            },
            "ytd": _ratio(over(s_imp, ytd), over(ai_imp, ytd)),
        }
        exp_agg = aggregate(exp.values["value"][:, i])
        t = share(duty[:, i], con[:, i])
        t.pop("monthly")
        doc["categories"].append(
            {
                "key": key,
                "label": inp.categories[key],
                "imports": entry,
                "exports": {k: exp_agg[k] for k in ("month", "annual", "ytd")},
                "tariff": t,
            }
        )

    # Sources of AI-related imports, year to date, with last year's ranks.
    by_c = imp.by_country["value"]
    ai_c_ytd = by_c[rows(ytd)][:, :, i_ai].sum(axis=(0, 2))
    ai_c_prior = by_c[rows(prior_ytd)][:, :, i_ai].sum(axis=(0, 2)) if has_prior else None
    total_ai_ytd = float(ai_c_ytd.sum())
    # The derived rest of the world is many countries: it counts in totals, never in ranks.
    rankable = np.array([c != REST_OF_WORLD for c in countries], dtype=bool)
    order = np.argsort(-np.where(rankable, ai_c_ytd, -1.0), kind="stable")
    prior_rank = {}
    if ai_c_prior is not None:
        prior_order = np.argsort(-np.where(rankable, ai_c_prior, -1.0), kind="stable")
        for r, ci in enumerate(prior_order):
            if ai_c_prior[ci] <= 0 or not rankable[ci]:
                break  # no AI imports last year: no rank
            prior_rank[int(ci)] = r + 1
    sources = []
    for r, ci in enumerate(order[: options.top_sources]):
        ci = int(ci)
        if ai_c_ytd[ci] <= 0 or not rankable[ci]:
            break
        prior_v = float(ai_c_prior[ci]) if ai_c_prior is not None else None
        prior_total = float(ai_c_prior.sum()) if ai_c_prior is not None else None
        sources.append(
            {
                "country_code": countries[ci],
                "name": names.get(countries[ci], countries[ci]),
                "ai_imports": _money(ai_c_ytd[ci]),
                "share": _ratio(ai_c_ytd[ci], total_ai_ytd),
                "rank": r + 1,
                "prior_ai_imports": _money(prior_v) if prior_v is not None else None,
                "prior_share": _ratio(prior_v, prior_total) if prior_v is not None else None,
                "prior_rank": prior_rank.get(ci),
                "growth": _growth(ai_c_ytd[ci], prior_v) if prior_v is not None else None,
            }
        )
    doc["sources"] = sources

    # Leading source per category, year to date.
    leaders = []
    for i, key in enumerate(cats):
        v = by_c[rows(ytd)][:, :, i].sum(axis=0)
        tot = float(v.sum())
        if tot <= 0:
            continue
        ci = int(np.argmax(np.where(rankable, v, -1.0)))
        if v[ci] <= 0:
            continue
        leaders.append(
            {
                "key": key,
                "country_code": countries[ci],
                "name": names.get(countries[ci], countries[ci]),
                "share": _ratio(v[ci], tot),
            }
        )
    doc["category_leaders"] = leaders

    # Partners compared (Mexico vs Canada by default): total, AI and non-AI growth.
    partners = []
    for code in options.partners:
        if code not in countries:
            continue
        ci = countries.index(code)
        entry: dict[str, Any] = {"country_code": code, "name": names.get(code, code)}
        for g, cls in groups.items():
            cur = float(by_c[rows(ytd)][:, ci, cls].sum())
            pri = float(by_c[rows(prior_ytd)][:, ci, cls].sum()) if has_prior else None
            entry[g] = {
                "ytd": _money(cur),
                "prior_ytd": _money(pri) if pri is not None else None,
                "growth": _growth(cur, pri) if pri is not None else None,
            }
        partners.append(entry)
    doc["partners"] = partners

    # Exemption lists: how much AI-related trade sits on a list in force, and what it pays.
    doc["exemptions"] = {"any": None, "lists": [], "by_category": [], "tariffs": None}
    if inp.exemptions and imp.by_mask:
        doc["exemptions"] = _exemptions(
            imp.by_mask,
            inp.exemptions,
            months,
            month,
            ytd,
            complete_years,
            i_ai,
            cats,
            inp.categories,
        )

    # Counterfactual: AI trade growing like non-AI trade since the base year.
    doc["counterfactual"] = _counterfactual(
        series(imp.values["value"], i_ai),
        series(imp.values["value"], [i_low]),
        series(exp.values["value"], i_ai),
        series(exp.values["value"], [i_low]),
        bal,
        mpos,
        base_months,
        {str(y): year_months(y) for y in complete_years if y >= base},
        ytd if year >= base else [],
    )
    check_shares(doc)
    return Metrics(month=month, doc=doc)


def _exemptions(
    by_mask: dict[str, np.ndarray],
    lists: list[Any],
    months: list[str],
    month: str,
    ytd: list[str],
    complete_years: list[int],
    i_ai: list[int],
    cats: list[str],
    labels: dict[str, str],
) -> dict[str, Any]:
    """Coverage of AI-related imports by exemption lists, and what exempt goods pay.

    A month counts the lists in force that month; a year, or the year to date, counts the
    codes on lists in force in its last month (December, or the edition month), so a
    year's share reads "how much of this year's AI trade the lists now in force cover".
    """
    mpos = {m: i for i, m in enumerate(months)}
    nk = 1 << len(lists)
    bits = np.array([[(mask >> k) & 1 for k in range(len(lists))] for mask in range(nk)], bool)
    force = {m: np.array([lst.in_force(m) for lst in lists], dtype=bool) for m in months}
    total = {name: arr.sum(axis=1) for name, arr in by_mask.items()}  # [month, class]

    def covered(name: str, in_force: np.ndarray, which: np.ndarray) -> np.ndarray:
        """[month, class]: sums over codes on a chosen list (`which`) that is in force."""
        active = (bits & (in_force & which)[None, :]).any(axis=1)  # [mask]
        return (by_mask[name] * active[None, :, None]).sum(axis=1)

    def ratio(
        num: str,
        den: str,
        classes: list[int],
        which: np.ndarray,
        rest: bool = False,
        share: bool = False,
    ) -> dict[str, Any]:
        """month / annual / ytd / monthly of covered (with rest: uncovered) num ÷ den; with
        share, ÷ all of den (a share of trade), else ÷ the same part (a rate)."""

        def part(name: str, at: str) -> np.ndarray:
            c = covered(name, force[at], which)[:, classes].sum(axis=1)
            return total[name][:, classes].sum(axis=1) - c if rest else c

        def over(at: str, ms: list[str]) -> float | None:
            idx = [mpos[m] for m in ms]
            whole = total[den][:, classes].sum(axis=1)
            d = (whole if share else part(den, at))[idx].sum()
            return _ratio(part(num, at)[idx].sum(), d)

        annual = {
            str(y): over(f"{y}-12", [f"{y}-{k:02d}" for k in range(1, 13)]) for y in complete_years
        }
        return {
            "month": over(month, [month]),
            "annual": annual,
            "ytd": over(month, ytd),
            "monthly": {m: over(m, [m]) for m in months},
        }

    every = np.ones(len(lists), dtype=bool)
    out: dict[str, Any] = {"any": {"share": ratio("value", "value", i_ai, every, share=True)}}
    out["lists"] = []
    for k, lst in enumerate(lists):
        only = np.zeros(len(lists), dtype=bool)
        only[k] = True
        share = ratio("value", "value", i_ai, only, share=True)
        share.pop("monthly")
        out["lists"].append(
            {
                "key": lst.key,
                "name": lst.name,
                "source": lst.source,
                "effective": lst.effective.isoformat(),
                "end": lst.end.isoformat() if lst.end else None,
                "share": share,
            }
        )
    out["by_category"] = []
    for i, key in enumerate(cats):
        share = ratio("value", "value", [i], every, share=True)
        share.pop("monthly")
        out["by_category"].append({"key": key, "label": labels[key], "share": share})
    exempt = ratio("duty", "value_con", i_ai, every)
    non_exempt = ratio("duty", "value_con", i_ai, every, rest=True)
    out["tariffs"] = {
        "exempt": exempt,
        "non_exempt": non_exempt,
        "gap": {
            "month": _diff(non_exempt["month"], exempt["month"]),
            "annual": {
                y: _diff(non_exempt["annual"][y], exempt["annual"][y]) for y in exempt["annual"]
            },
            "ytd": _diff(non_exempt["ytd"], exempt["ytd"]),
        },
    }
    return out


def _diff(a: float | None, b: float | None) -> float | None:
    return _frac(a - b) if a is not None and b is not None else None


def _counterfactual(
    ai_imp: np.ndarray,
    low_imp: np.ndarray,
    ai_exp: np.ndarray,
    low_exp: np.ndarray,
    balance: np.ndarray,
    mpos: dict[str, int],
    base_months: list[str],
    years: dict[str, list[str]],
    ytd: list[str],
) -> dict[str, Any]:
    """Σ (actual − base-year AI mean × low_t ÷ base-year low mean), per flow."""
    b = [mpos[m] for m in base_months]

    def excess(ai: np.ndarray, low: np.ndarray, flow: str) -> np.ndarray:
        low_mean = low[b].mean()
        ai_mean = ai[b].mean()
        if low_mean <= 0:
            raise MetricsError(
                f"no non-AI {flow} in base year {base_months[0][:4]}: "
                "the counterfactual has no growth path to follow"
            )
        return ai - ai_mean * (low / low_mean)

    x_imp, x_exp = excess(ai_imp, low_imp, "imports"), excess(ai_exp, low_exp, "exports")

    def block(ms: list[str]) -> dict[str, float]:
        r = [mpos[m] for m in ms]
        ei, ee = float(x_imp[r].sum()), float(x_exp[r].sum())
        actual = float(balance[r].sum())
        net = ei - ee
        return {
            "excess_imports": _money(ei),
            "excess_exports": _money(ee),
            "net_effect": _money(net),
            "actual_balance": _money(actual),
            "counterfactual_balance": _money(actual + net),
        }

    out: dict[str, Any] = {"annual": {y: block(ms) for y, ms in years.items()}}
    out["ytd"] = block(ytd) if ytd else None
    return out
