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


class _Found:
    """The facts found so far; a fact with a missing number is not a fact and is skipped."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.facts: list[Fact] = []

    def add(self, kind: str, score: float, **paths: str) -> None:
        """A fact whose every value is read from the document at the given path."""
        values = {name: get_path(self.doc, p) for name, p in paths.items()}
        if any(v is None for v in values.values()):
            return
        self.facts.append(Fact(kind, round(score, 3), values, dict(paths)))


def find_facts(doc: dict[str, Any], th: Thresholds = Thresholds()) -> list[Fact]:
    """Every fact the month supports, best first."""
    found = _Found(doc)
    _share_facts(found, th)
    _growth_facts(found, th)
    _source_facts(found)
    _tariff_and_mix_facts(found, th)
    facts = found.facts
    facts.sort(key=lambda f: (-f.score, f.kind))
    return facts


def _share_facts(found: _Found, th: Thresholds) -> None:
    """Records, a share threshold crossed, and the share of imports (always told)."""
    doc = found.doc
    base = doc["definitions"]["base_year"]
    imp = doc["imports"]
    share = imp["ai_share"]
    has_history = len(share["monthly"]) >= 13

    # Records: the month's AI share or AI imports beat every earlier month in the data.
    if has_history and beats_history(share["monthly"], doc["month"]):
        found.add("share_record", 95, share="imports.ai_share.month", since="data.first_month")
    if has_history and beats_history(imp["ai"]["monthly"], doc["month"]):
        found.add("value_record", 80, value="imports.ai.month", since="data.first_month")

    # Threshold crossed: the year-to-date share passes a fifth, a quarter, a third …
    base_share = share["annual"].get(str(base))
    if share["ytd"] is not None and share["prior_ytd"] is not None and base_share is not None:
        for mark, words in th.share_marks:
            if share["prior_ytd"] < mark <= share["ytd"]:
                found.facts.append(
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
    if doc["period"]["year"] > base:
        found.add(
            "share_level",
            50 + 100 * abs(share["change"]["ytd"] or 0),
            share="imports.ai_share.ytd",
            base_share=f"imports.ai_share.annual.{base}",
            base_year="definitions.base_year",
        )


def _growth_facts(found: _Found, th: Thresholds) -> None:
    """Divergence since the base year, the year-on-year move, and the counterfactual."""
    doc = found.doc
    imp = doc["imports"]
    # Divergence since the base year: AI against other goods.
    g_ai = imp["ai"]["since_base"]["ytd"]
    g_non = imp["non_ai"]["since_base"]["ytd"]
    if g_ai is not None and g_non is not None:
        found.add(
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
        found.add(
            "ai_yoy",
            (72 if big else 45) + 20 * _clip(abs(yoy)),
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
            62 + 20 * _clip(abs(cf["net_effect"]) / max(1.0, abs(cf["actual_balance"]))),
            net_effect="counterfactual.ytd.net_effect",
            actual_balance="counterfactual.ytd.actual_balance",
            base_year="definitions.base_year",
        )


def _source_facts(found: _Found) -> None:
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


def _tariff_and_mix_facts(found: _Found, th: Thresholds) -> None:
    """The tariff gap between other goods and AI-related goods, and compute hardware's
    part of AI imports."""
    gap = found.doc["tariffs"]["gap"]
    if gap["ytd"] is not None:
        change = gap["change_ytd"] or 0.0
        found.add(
            "tariff_gap",
            48 + (20 if abs(change) >= th.big_gap_change else 0) + 100 * _clip(abs(change)),
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


def beats_history(monthly: dict[str, float | None], month: str) -> bool:
    """Strictly above every earlier month: a tie is not a record."""
    current = monthly.get(month)
    earlier = [v for m, v in monthly.items() if m < month and v is not None]
    return current is not None and bool(earlier) and current > max(earlier)


def _source_path(sources: list[dict[str, Any]], entry: dict[str, Any]) -> str:
    return f"sources.{sources.index(entry)}.share"
