"""`compute`: the metrics document of one edition, assembled topic by topic.

Each topic module (trade, tariffs, exemptions, counterfactual) reads sums from the cube
and returns its part; this module only fixes their order in the document, which is the
order of metrics.json.
"""

from __future__ import annotations

from typing import Any

from generator.analysis.metrics import (
    counterfactual,
    exemptions,
    news,
    policy,
    prices,
    tariffs,
    trade,
)
from generator.analysis.metrics.cube import Classes, Cube, aggregate_of, build_cube, country_axis
from generator.analysis.metrics.model import (
    SCHEMA_VERSION,
    Aggregate,
    Metrics,
    MetricsInput,
    MetricsOptions,
    check_shares,
)
from generator.analysis.metrics.numeric import month_index, month_name
from generator.analysis.metrics.window import Window, available_months, window

DEFAULTS = MetricsOptions()  # frozen: safe to share as the default of every call


def compute(inp: MetricsInput, month: str, options: MetricsOptions = DEFAULTS) -> Metrics:
    """Build the metrics document for the edition of `month` from rows up to that month."""
    classes = Classes(list(inp.categories))
    agg = aggregate_of(inp, classes)
    available = available_months(agg.imports, agg.exports)
    w = window(available, month, options.base_year)
    countries, names = country_axis(inp.countries, agg)
    imp, exp = _cubes(agg, options, classes, w, countries)
    bal = trade.balance_series(classes, imp, exp)
    doc = _header(inp, options, w, available)
    doc.update(trade.flows(w, classes, imp, exp))
    doc["balance"] = trade.balance(w, bal)
    doc["index"] = trade.growth_index(w, classes, imp)
    links = prices.links_for(inp, agg, classes.keys)
    doc.update(prices.decomposition(w, classes, imp, exp, links))  # unit values, volumes
    doc["tariffs"] = tariffs.tariffs(w, classes, imp)
    doc["categories"] = trade.categories(w, classes, imp, exp, inp.categories)
    doc["sources"] = trade.sources(w, classes, imp, names, options.top_sources)
    doc["category_leaders"] = trade.category_leaders(w, classes, imp, names)
    doc["partners"] = trade.partners(w, classes, imp, names, options.partners)
    doc["exemptions"] = exemptions.exemptions(w, classes, imp, inp.exemptions, inp.categories)
    doc["counterfactual"] = counterfactual.counterfactual(w, classes, imp, exp, bal)
    doc["policy"] = policy.policy(w.month, inp.policy, inp.exemptions)
    doc["news"] = news.news(doc, w, classes, imp, names, inp.categories)  # since last month
    doc["data"]["revisions"] = news.revisions(w.month, inp.info.revisions)
    check_shares(doc)
    return Metrics(month=month, doc=doc)


def _cubes(
    agg: Aggregate, options: MetricsOptions, classes: Classes, w: Window, countries: list[str]
) -> tuple[Cube, Cube]:
    """Imports (value, duty, imports for consumption; by exemption list) and exports."""
    value_col = "value_con" if options.import_value == "consumption" else "value_gen"
    imp = build_cube(
        agg.imports,
        {"value": value_col, "duty": "duty", "value_con": "value_con"},
        classes.n,
        w.months,
        countries,
        len(agg.lists),
    )
    exp = build_cube(agg.exports, {"value": "value"}, classes.n, w.months, countries)
    return imp, exp


def _header(
    inp: MetricsInput, options: MetricsOptions, w: Window, available: list[str]
) -> dict[str, Any]:
    """What the numbers are about: the data, the definitions and the calendar."""
    return {
        "schema": SCHEMA_VERSION,
        "month": w.month,
        "data": {
            "source": inp.info.source,
            "sample": bool(inp.info.sample),
            "vintage": inp.info.vintage,
            "latest_month": max(inp.info.latest_month or available[-1], available[-1]),
            "first_month": w.first,
        },
        "definitions": {
            "base_year": w.base,
            "import_value": options.import_value,
            "excluded_chapters": sorted(options.excluded_chapters),
            "ai": "relevance tier high",
            "ai_core": "relevance tier high, leaving out dual-use lines (rules whose heading "
            "also holds consumer goods in bulk): goods bought mostly for data centers",
            "non_ai": "relevance tier low",
            "tariff_rate": "calculated duty / imports for consumption",
        },
        "period": {
            "year": w.year,
            "ytd_months": w.ytd_months,
            "prior_year": w.year - 1,
            "complete_years": w.complete_years,
            # The next month's data come out early in the month after next (FT-900).
            "next_month": month_name(month_index(w.month) + 1),
            "next_release_month": month_name(month_index(w.month) + 3),
        },
    }
