"""Trade: imports and exports (totals, AI share, balance, growth index), categories, and
where AI-related imports come from (sources, each category's leader, partners compared)."""

from __future__ import annotations

from typing import Any

import numpy as np

from generator.analysis.metrics.cube import Classes, Cube, series
from generator.analysis.metrics.numeric import frac, growth, money, ratio
from generator.analysis.metrics.window import Window, aggregate, share, year_months
from generator.data.schema import REST_OF_WORLD


def flows(w: Window, classes: Classes, imp: Cube, exp: Cube) -> dict[str, Any]:
    """`imports` and `exports`: each group's aggregate and the AI share of the total;
    imports add the core lens (`ai_core`, `ai_share_core`)."""
    out: dict[str, Any] = {}
    for flow, cube in (("imports", imp), ("exports", exp)):
        val = cube.values["value"]
        s = {g: series(val, cls) for g, cls in classes.groups.items()}
        out[flow] = {g: aggregate(w, v) for g, v in s.items()}
        out[flow]["ai_share"] = share(w, s["ai"], s["total"])
    out["imports"].update(core_lens(w, classes, imp))
    return out


def core_lens(w: Window, classes: Classes, imp: Cube) -> dict[str, Any]:
    """AI-related imports without dual-use lines (headings that also hold consumer goods
    in bulk), and their share of all imports: the low end of the range the brief states,
    shaped like `ai` and `ai_share`."""
    core = series((imp.core or imp.values)["value"], classes.ai)
    total = series(imp.values["value"], classes.groups["total"])
    return {"ai_core": aggregate(w, core), "ai_share_core": share(w, core, total)}


def balance_series(classes: Classes, imp: Cube, exp: Cube) -> np.ndarray:
    """Exports minus imports of all goods, by month."""
    all_cls = classes.groups["total"]
    return series(exp.values["value"], all_cls) - series(imp.values["value"], all_cls)


def balance(w: Window, bal: np.ndarray) -> dict[str, Any]:
    return {
        "month": money(w.at(bal, w.month)),
        "annual": {str(y): money(w.over(bal, year_months(y))) for y in w.complete_years},
        "ytd": money(w.over(bal, w.ytd)),
    }


def growth_index(w: Window, classes: Classes, imp: Cube) -> dict[str, Any]:
    """Imports as 100 × month ÷ base-year monthly average, from the base year on."""
    idx_months = [m for m in w.months if int(m[:4]) >= w.base]
    out: dict[str, Any] = {"base_year": w.base}
    for g, cls in classes.groups.items():
        s = series(imp.values["value"], cls)
        mean = w.over(s, w.base_months) / 12.0
        out[g] = {
            "month": frac(100.0 * w.at(s, w.month) / mean) if mean else None,
            "monthly": {m: frac(100.0 * w.at(s, m) / mean) if mean else None for m in idx_months},
        }
    return out


def categories(
    w: Window, classes: Classes, imp: Cube, exp: Cube, labels: dict[str, str]
) -> list[dict[str, Any]]:
    """Per AI category: imports (with its share of AI imports), exports and tariff rate."""
    ai_imp = series(imp.values["value"], classes.ai)
    duty, con = imp.values["duty"], imp.values["value_con"]
    out = []
    for i, key in enumerate(classes.keys):
        s_imp = imp.values["value"][:, i]
        entry = aggregate(w, s_imp)
        entry.pop("monthly")
        entry["share_of_ai"] = {
            "annual": {
                str(y): ratio(w.over(s_imp, year_months(y)), w.over(ai_imp, year_months(y)))
                for y in w.complete_years
            },
            "ytd": ratio(w.over(s_imp, w.ytd), w.over(ai_imp, w.ytd)),
        }
        exp_agg = aggregate(w, exp.values["value"][:, i])
        t = share(w, duty[:, i], con[:, i])
        t.pop("monthly")
        out.append(
            {
                "key": key,
                "label": labels[key],
                "imports": entry,
                "exports": {k: exp_agg[k] for k in ("month", "annual", "ytd")},
                "tariff": t,
            }
        )
    return out


def _rankable(countries: list[str]) -> np.ndarray:
    # The derived rest of the world is many countries: it counts in totals, never in ranks.
    return np.array([c != REST_OF_WORLD for c in countries], dtype=bool)


def _ranks(values: np.ndarray, rankable: np.ndarray) -> dict[int, int]:
    """Country index → rank (1 = largest), for countries with a positive value."""
    ranks = {}
    order = np.argsort(-np.where(rankable, values, -1.0), kind="stable")
    for r, ci in enumerate(order):
        if values[ci] <= 0 or not rankable[ci]:
            break  # no AI imports that year: no rank
        ranks[int(ci)] = r + 1
    return ranks


def sources(
    w: Window, classes: Classes, imp: Cube, names: dict[str, str], top: int
) -> list[dict[str, Any]]:
    """The leading sources of AI-related imports, year to date, with last year's ranks."""
    by_c, countries = imp.by_country["value"], imp.countries
    cur = by_c[w.rows(w.ytd)][:, :, classes.ai].sum(axis=(0, 2))
    prior = by_c[w.rows(w.prior_ytd)][:, :, classes.ai].sum(axis=(0, 2)) if w.has_prior else None
    total = float(cur.sum())
    rankable = _rankable(countries)
    order = np.argsort(-np.where(rankable, cur, -1.0), kind="stable")
    prior_rank = _ranks(prior, rankable) if prior is not None else {}
    out = []
    for r, ci in enumerate(order[:top]):
        ci = int(ci)
        if cur[ci] <= 0 or not rankable[ci]:
            break
        prior_v = float(prior[ci]) if prior is not None else None
        prior_total = float(prior.sum()) if prior is not None else None
        out.append(
            {
                "country_code": countries[ci],
                "name": names.get(countries[ci], countries[ci]),
                "ai_imports": money(cur[ci]),
                "share": ratio(cur[ci], total),
                "rank": r + 1,
                "prior_ai_imports": money(prior_v) if prior_v is not None else None,
                "prior_share": ratio(prior_v, prior_total) if prior_v is not None else None,
                "prior_rank": prior_rank.get(ci),
                "growth": growth(cur[ci], prior_v) if prior_v is not None else None,
            }
        )
    return out


def category_leaders(
    w: Window, classes: Classes, imp: Cube, names: dict[str, str]
) -> list[dict[str, Any]]:
    """The leading source of each AI category, year to date."""
    by_c, countries = imp.by_country["value"], imp.countries
    rankable = _rankable(countries)
    out = []
    for i, key in enumerate(classes.keys):
        v = by_c[w.rows(w.ytd)][:, :, i].sum(axis=0)
        tot = float(v.sum())
        if tot <= 0:
            continue
        ci = int(np.argmax(np.where(rankable, v, -1.0)))
        if v[ci] <= 0:
            continue
        out.append(
            {
                "key": key,
                "country_code": countries[ci],
                "name": names.get(countries[ci], countries[ci]),
                "share": ratio(v[ci], tot),
            }
        )
    return out


def partners(
    w: Window, classes: Classes, imp: Cube, names: dict[str, str], codes: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Partners compared (Mexico vs Canada by default): total, AI and non-AI growth."""
    by_c, countries = imp.by_country["value"], imp.countries
    out = []
    for code in codes:
        if code not in countries:
            continue
        ci = countries.index(code)
        entry: dict[str, Any] = {"country_code": code, "name": names.get(code, code)}
        for g, cls in classes.groups.items():
            cur = float(by_c[w.rows(w.ytd)][:, ci, cls].sum())
            pri = float(by_c[w.rows(w.prior_ytd)][:, ci, cls].sum()) if w.has_prior else None
            entry[g] = {
                "ytd": money(cur),
                "prior_ytd": money(pri) if pri is not None else None,
                "growth": growth(cur, pri) if pri is not None else None,
            }
        out.append(entry)
    return out
