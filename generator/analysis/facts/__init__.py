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
from generator.analysis.facts.core import Fact, Found, Thresholds, beats_history
from generator.analysis.facts.news import SINCE_LAST_MONTH

DEMOTED = 0.3  # what is left of the news value of last month's lead
DEFAULT = Thresholds()  # frozen: safe to share as the default of every call

__all__ = [
    "DEMOTED",
    "SINCE_LAST_MONTH",
    "Fact",
    "Thresholds",
    "beats_history",
    "find_facts",
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
    led = previous_lead(previous, th)
    if led is None:
        return facts
    return _ranked(
        [
            Fact(f.kind, round(f.score * DEMOTED, 3), f.values, f.paths) if f.kind == led else f
            for f in facts
        ]  # fmt: skip
    )
