"""Facts: candidate statements from the metrics, each with its numbers and news value.

Pure: the metrics document in, a ranked list of Facts out. Each fact names the metric
path of every number it carries, so a reader (or a test) can trace any figure back to
metrics.json. Wording lives in templates/narrative/facts.yaml, keyed by fact kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.analysis.metrics import get_path


@dataclass(frozen=True)
class Fact:
    kind: str  # key into templates/narrative/facts.yaml
    score: float  # news value: higher leads the brief
    values: dict[str, Any]  # what the wording may use
    paths: dict[str, str] = field(default_factory=dict)  # value name → metrics path


@dataclass(frozen=True)
class Thresholds:
    """When a change counts as news (from templates/narrative/words.yaml)."""

    big_growth: float = 0.20  # a year-on-year move this large is news
    big_gap_change: float = 0.02  # tariff gap widening by 2 points or more
    share_marks: tuple[tuple[float, str], ...] = (
        (0.10, "a tenth"),
        (0.20, "a fifth"),
        (0.25, "a quarter"),
        (1 / 3, "a third"),
        (0.50, "half"),
    )


def _clip(x: float) -> float:
    return max(0.0, min(1.0, x))


def find_facts(doc: dict[str, Any], th: Thresholds = Thresholds()) -> list[Fact]:
    """Every fact the month supports, best first."""
    facts: list[Fact] = []
    base = doc["definitions"]["base_year"]
    year = doc["period"]["year"]
    imp = doc["imports"]
    share = imp["ai_share"]
    has_history = len(share["monthly"]) >= 13

    def fact(kind: str, score: float, **paths: str) -> None:
        values = {name: get_path(doc, p) for name, p in paths.items()}
        if any(v is None for v in values.values()):
            return
        facts.append(Fact(kind, round(score, 3), values, dict(paths)))

    # Records: the month's AI share or AI imports beat every earlier month in the data.
    if has_history and beats_history(share["monthly"], doc["month"]):
        fact("share_record", 95, share="imports.ai_share.month", since="data.first_month")
    if has_history and beats_history(imp["ai"]["monthly"], doc["month"]):
        fact("value_record", 80, value="imports.ai.month", since="data.first_month")

    # Threshold crossed: the year-to-date share passes a fifth, a quarter, a third …
    base_share = share["annual"].get(str(base))
    if share["ytd"] is not None and share["prior_ytd"] is not None and base_share is not None:
        for mark, words in th.share_marks:
            if share["prior_ytd"] < mark <= share["ytd"]:
                facts.append(
                    Fact(
                        "share_threshold",
                        88,
                        {
                            "share": share["ytd"],
                            "mark_words": words,
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
    if year > base:
        fact(
            "share_level",
            50 + 100 * abs(share["change"]["ytd"] or 0),
            share="imports.ai_share.ytd",
            base_share=f"imports.ai_share.annual.{base}",
            base_year="definitions.base_year",
        )

    # Divergence since the base year: AI against other goods.
    g_ai = imp["ai"]["since_base"]["ytd"]
    g_non = imp["non_ai"]["since_base"]["ytd"]
    if g_ai is not None and g_non is not None:
        fact(
            "divergence",
            60 + 30 * _clip(abs(g_ai - g_non)),
            ai_growth="imports.ai.since_base.ytd",
            non_ai_growth="imports.non_ai.since_base.ytd",
            base_year="definitions.base_year",
        )

    # Year-on-year move of AI imports; news when large, in either direction.
    yoy = imp["ai"]["yoy"]["ytd"]
    if yoy is not None:
        big = abs(yoy) >= th.big_growth
        fact(
            "ai_yoy",
            (72 if big else 45) + 20 * _clip(abs(yoy)),
            growth="imports.ai.yoy.ytd",
            value="imports.ai.ytd",
            prior_year="period.prior_year",
        )

    # The counterfactual: how much wider the deficit is because of the AI boom.
    cf = doc["counterfactual"]["ytd"]
    # Only when the effect is material (at least 1% of the actual balance).
    if cf is not None and year > base and abs(cf["net_effect"]) >= 0.01 * abs(cf["actual_balance"]):
        fact(
            "counterfactual",
            62 + 20 * _clip(abs(cf["net_effect"]) / max(1.0, abs(cf["actual_balance"]))),
            net_effect="counterfactual.ytd.net_effect",
            actual_balance="counterfactual.ytd.actual_balance",
            base_year="definitions.base_year",
        )

    # Sources: a change at the top is news; the top two are always worth a line.
    sources = doc["sources"]
    if sources:
        top = sources[0]
        if top["prior_rank"] not in (None, 1):
            prior_leader = next((s for s in sources if s["prior_rank"] == 1), None)
            if prior_leader is not None:
                facts.append(
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
            fact(
                "top_sources",
                42,
                first="sources.0.name",
                first_share="sources.0.share",
                second="sources.1.name",
                second_share="sources.1.share",
            )

    # Tariffs: the gap between other goods and AI-related goods.
    gap = doc["tariffs"]["gap"]
    if gap["ytd"] is not None:
        change = gap["change_ytd"] or 0.0
        fact(
            "tariff_gap",
            48 + (20 if abs(change) >= th.big_gap_change else 0) + 100 * _clip(abs(change)),
            ai_rate="tariffs.ai.ytd",
            non_ai_rate="tariffs.non_ai.ytd",
            gap="tariffs.gap.ytd",
        )

    # Composition: compute hardware's part of AI imports.
    for i, cat in enumerate(doc["categories"]):
        if cat["key"] == "compute_hardware":
            fact(
                "compute_share",
                40,
                share=f"categories.{i}.imports.share_of_ai.ytd",
                value=f"categories.{i}.imports.ytd",
            )

    facts.sort(key=lambda f: (-f.score, f.kind))
    return facts


def beats_history(monthly: dict[str, float | None], month: str) -> bool:
    """Strictly above every earlier month: a tie is not a record."""
    current = monthly.get(month)
    earlier = [v for m, v in monthly.items() if m < month and v is not None]
    return current is not None and bool(earlier) and current > max(earlier)


def _source_path(sources: list[dict[str, Any]], entry: dict[str, Any]) -> str:
    return f"sources.{sources.index(entry)}.share"
