"""Standing facts: what the year to date and the base year say (shares, growth, sources,
tariffs, the mix). Each carries a news value; the ranking (facts/__init__.py) weighs
them against what changed since the previous month."""

from __future__ import annotations

from typing import Any

from generator import numbers
from generator.analysis.facts.core import Fact, Found, Thresholds, clip, is_record


def share_facts(found: Found, th: Thresholds) -> None:
    """Records, a share threshold crossed, and the share of imports (always told)."""
    doc = found.doc
    base = doc["definitions"]["base_year"]
    imp = doc["imports"]
    share = imp["ai_share"]

    # Records: the month's AI share or AI imports beat every earlier month in the data.
    if is_record(share["monthly"], doc["month"], numbers.pct):
        found.add("share_record", 95, share="imports.ai_share.month", since="data.first_month")
    if is_record(imp["ai"]["monthly"], doc["month"], numbers.money_short):
        found.add("value_record", 80, value="imports.ai.month", since="data.first_month")

    # Threshold crossed: the year-to-date share passes a fifth, a quarter, a third …; of
    # two marks passed since a year earlier (19% → 27%), the higher is the news.
    base_share = share["annual"].get(str(base))
    if share["ytd"] is not None and share["prior_ytd"] is not None and base_share is not None:
        passed = [(m, w) for m, w in th.share_marks if share["prior_ytd"] < m <= share["ytd"]]
        for mark, words in sorted(passed)[-1:]:
            found.facts.append(
                Fact(
                    "share_threshold",
                    88,
                    {
                        "share": share["ytd"],
                        "mark_words": words,
                        # the share prints as the mark (20%, "a fifth"): "just past"
                        "at_mark": numbers.pct(share["ytd"]) == numbers.pct(mark),
                        "base_share": base_share,
                        "base_year": base,
                    },
                    {
                        "share": "imports.ai_share.ytd",
                        "base_share": f"imports.ai_share.annual.{base}",
                        "base_year": "definitions.base_year",
                    },
                )
            )

    # The share of imports, now and in the base year (always told).
    if doc["period"]["year"] > base:
        found.add(
            "share_level",
            50 + 100 * abs(share["change"]["ytd"] or 0),
            share="imports.ai_share.ytd",
            base_share=f"imports.ai_share.annual.{base}",
            base_year="definitions.base_year",
        )


def growth_facts(found: Found, th: Thresholds) -> None:
    """Divergence since the base year, the year-on-year move, and the counterfactual."""
    doc = found.doc
    imp = doc["imports"]
    # Divergence since the base year: AI against other goods. In the year after the base
    # year, AI's growth since the base is its year-on-year growth, which ai_yoy (and in
    # January the lede) tells: the same number twice in By the numbers.
    g_ai = imp["ai"]["since_base"]["ytd"]
    g_non = imp["non_ai"]["since_base"]["ytd"]
    after_base = doc["period"]["year"] - 1 == doc["definitions"]["base_year"]
    if g_ai is not None and g_non is not None and not after_base:
        found.add(
            "divergence",
            60 + 30 * clip(abs(g_ai - g_non)),
            ai_growth="imports.ai.since_base.ytd",
            non_ai_growth="imports.non_ai.since_base.ytd",
            base_year="definitions.base_year",
        )

    # Year-on-year move of AI imports; news when large, in either direction.
    yoy = imp["ai"]["yoy"]["ytd"]
    if yoy is not None:
        big = abs(yoy) >= th.big_growth
        found.add(
            "ai_yoy",
            (72 if big else 45) + 20 * clip(abs(yoy)),
            growth="imports.ai.yoy.ytd",
            value="imports.ai.ytd",
            prior_year="period.prior_year",
        )

    # The counterfactual: how much wider the deficit is because of the AI boom.
    cf = doc["counterfactual"]["ytd"]
    later = doc["period"]["year"] > doc["definitions"]["base_year"]
    # Only when the effect is material (at least 1% of the actual balance).
    if cf is not None and later and abs(cf["net_effect"]) >= 0.01 * abs(cf["actual_balance"]):
        found.add(
            "counterfactual",
            62 + 20 * clip(abs(cf["net_effect"]) / max(1.0, abs(cf["actual_balance"]))),
            net_effect="counterfactual.ytd.net_effect",
            actual_balance="counterfactual.ytd.actual_balance",
            base_year="definitions.base_year",
        )


def source_facts(found: Found) -> None:
    """Sources: a change at the top is news; the top two are always worth a line."""
    sources = found.doc["sources"]
    if not sources:
        return
    top = sources[0]
    if top["prior_rank"] not in (None, 1):
        prior_leader = next((s for s in sources if s["prior_rank"] == 1), None)
        if prior_leader is not None:
            found.facts.append(
                Fact(
                    "top_source_change",
                    85,
                    {
                        "leader": top["name"],
                        "share": top["share"],
                        "previous": prior_leader["name"],
                        "previous_share": prior_leader["share"],
                    },
                    {
                        "share": "sources.0.share",
                        "previous_share": _source_path(sources, prior_leader),
                    },
                )
            )
    if len(sources) >= 2:
        found.add(
            "top_sources",
            42,
            first="sources.0.name",
            first_share="sources.0.share",
            second="sources.1.name",
            second_share="sources.1.share",
        )


def tariff_and_mix_facts(found: Found, th: Thresholds) -> None:
    """The tariff gap between other goods and AI-related goods, and compute hardware's
    part of AI imports."""
    gap = found.doc["tariffs"]["gap"]
    if gap["ytd"] is not None:
        change = gap["change_ytd"] or 0.0
        found.add(
            "tariff_gap",
            48 + (20 if abs(change) >= th.big_gap_change else 0) + 100 * clip(abs(change)),
            ai_rate="tariffs.ai.ytd",
            non_ai_rate="tariffs.non_ai.ytd",
            gap="tariffs.gap.ytd",
        )

    for i, cat in enumerate(found.doc["categories"]):
        if cat["key"] == "compute_hardware":
            found.add(
                "compute_share",
                40,
                share=f"categories.{i}.imports.share_of_ai.ytd",
                value=f"categories.{i}.imports.ytd",
            )


def _source_path(sources: list[dict[str, Any]], entry: dict[str, Any]) -> str:
    return f"sources.{sources.index(entry)}.share"
