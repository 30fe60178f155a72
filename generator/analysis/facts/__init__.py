"""Facts: candidate statements from the metrics, each with its numbers and news value.

Pure: the metrics document in (and the previous month's, recomputed from the same
inputs), a ranked list of Facts out. Each fact names the metric path of every number it
carries, so a reader (or a test) can trace any figure back to metrics.json. Wording
lives in templates/narrative/facts.yaml, keyed by fact kind.

  core.py      Fact, Thresholds, the bookkeeping of finding them
  standing.py  the year to date and the base year: shares, growth, sources, tariffs
  news.py      what changed since last month, policy events, the calendar, the splits

News is relative to the previous edition: the kind of fact that led the previous month
(the top of its own ranking) keeps only DEMOTED of its value, so the same story does not
lead twice in a row.
"""

from __future__ import annotations

from typing import Any

from generator.analysis.facts import news, standing
from generator.analysis.facts.core import Fact, Found, Thresholds, beats_history, is_record
from generator.analysis.facts.news import SINCE_LAST_MONTH

DEMOTED = 0.3  # what is left of the news value of last month's lead
DEFAULT = Thresholds()  # frozen: safe to share as the default of every call
# Standing facts (the year so far, the base year) are news again only when their figure
# moved since the previous month by at least this much (a fraction of the figure's own
# unit: 0.01 = 1 point of a share or of a growth rate); one that barely moved keeps
# DEMOTED of its value, so "By the numbers" is not last month's list with new numbers.
# A fact whose figure is a name (the leading sources) is news when a name changed.
STANDING_MOVED = {
    "share_level": ("share", 0.005),
    "share_threshold": ("share", 0.005),
    "divergence": ("ai_growth", 0.03),
    "ai_yoy": ("growth", 0.02),
    "counterfactual": ("net_effect", 0.01),  # as a share of the actual balance
    "tariff_gap": ("gap", 0.005),
    "compute_share": ("share", 0.01),
    "top_sources": ("first_share", 0.01),
    "price_volume": ("volume", 0.03),
    "core_range": ("core_share", 0.01),
    "top_source_change": ("share", 0.01),
}

__all__ = [
    "DEMOTED",
    "SINCE_LAST_MONTH",
    "STANDING_MOVED",
    "Fact",
    "Thresholds",
    "beats_history",
    "find_facts",
    "is_record",
    "moved",
    "previous_lead",
]


def _found(doc: dict[str, Any], th: Thresholds) -> list[Fact]:
    """Every fact the month's document supports on its own, best first."""
    found = Found(doc)
    standing.share_facts(found, th)
    standing.growth_facts(found, th)
    standing.source_facts(found)
    standing.tariff_and_mix_facts(found, th)
    news.calendar_facts(found)
    news.policy_facts(found)
    news.move_facts(found, th)
    news.rank_facts(found)
    news.revision_facts(found)
    news.split_facts(found)
    return _ranked(found.facts)


def _ranked(facts: list[Fact]) -> list[Fact]:
    return sorted(facts, key=lambda f: (-f.score, f.kind))


def previous_lead(previous: dict[str, Any] | None, th: Thresholds = DEFAULT) -> str | None:
    """The kind of fact that led the previous month: the top of its own ranking."""
    if previous is None:
        return None
    facts = _found(previous, th)
    return facts[0].kind if facts else None


def find_facts(
    doc: dict[str, Any],
    th: Thresholds = DEFAULT,
    previous: dict[str, Any] | None = None,
) -> list[Fact]:
    """Every fact the month supports, best first; with the previous month's document,
    the kind that led it is demoted (it was last month's news)."""
    facts = _found(doc, th)
    if previous is None:
        return facts
    before = _found(previous, th)
    led = before[0].kind if before else None
    # December: the year is complete and its figures are the story (the year in review),
    # moved or not since November
    told = {} if doc["period"]["ytd_months"] == 12 else {f.kind: f for f in before}
    return _ranked(
        [
            Fact(f.kind, round(f.score * DEMOTED, 3), f.values, f.paths)
            if f.kind == led or not moved(f, told.get(f.kind))
            else f
            for f in facts
        ]
    )


def moved(fact: Fact, before: Fact | None) -> bool:
    """Whether a fact is news against the same kind of fact the previous month: always
    for a kind that says what changed; for a standing fact, when its figure moved by
    STANDING_MOVED (or a name in it changed, or the previous month had no such fact)."""
    if fact.kind not in STANDING_MOVED or before is None:
        return True
    names = [k for k, v in fact.values.items() if isinstance(v, str)]
    if any(fact.values[k] != before.values.get(k) for k in names):
        return True
    key, by = STANDING_MOVED[fact.kind]
    now, then = fact.values.get(key), before.values.get(key)
    if not isinstance(now, (int, float)) or not isinstance(then, (int, float)):
        return True
    if fact.kind == "counterfactual":  # the effect grows all year: its part of the balance
        now, then = (
            f.values[key] / abs(f.values.get("actual_balance") or 1.0) for f in (fact, before)
        )
    return abs(now - then) >= by
