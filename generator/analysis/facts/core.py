"""What a fact is, and the bookkeeping that finds them (shared by the fact finders)."""

from __future__ import annotations

from collections.abc import Callable
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


def clip(x: float) -> float:
    return max(0.0, min(1.0, x))


class Found:
    """The facts found so far; a fact with a missing number is not a fact and is skipped."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.facts: list[Fact] = []

    def add(self, kind: str, score: float, **paths: str) -> None:
        """A fact whose every value is read from the document at the given path."""
        values = {name: value(self.doc, p) for name, p in paths.items()}
        if any(v is None for v in values.values()):
            return
        self.facts.append(Fact(kind, round(score, 3), values, dict(paths)))

    def add_with(self, kind: str, score: float, words: dict[str, Any], **paths: str) -> None:
        """Like `add`, with values that are words, not numbers (a name, a direction)."""
        values = {name: value(self.doc, p) for name, p in paths.items()}
        if any(v is None for v in values.values()):
            return
        self.facts.append(Fact(kind, round(score, 3), {**words, **values}, dict(paths)))


def value(doc: Any, path: str) -> Any:
    """The value at `path`, None where the document has no such key (an older document,
    a year the data do not cover)."""
    try:
        return get_path(doc, path)
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def beats_history(
    monthly: dict[str, float | None], month: str, shown: Callable[[float], str] | None = None
) -> bool:
    """Strictly above every earlier month: a tie is not a record, nor is a value that
    prints like the earlier high (`shown`: "$39B" after a $38.6B record is no record to
    a reader who read "record $39B" then)."""
    current = monthly.get(month)
    earlier = [v for m, v in monthly.items() if m < month and v is not None]
    if current is None or not earlier or current <= max(earlier):
        return False
    return shown is None or shown(current) != shown(max(earlier))


# A record is told only with a year of history behind it: the month and 12 before it.
RECORD_HISTORY = 13


def is_record(monthly: dict[str, float | None], month: str, shown: Callable[[float], str]) -> bool:
    """A record as the brief tells it (the facts and the share chart's title alike):
    beats_history, in a series of at least RECORD_HISTORY months."""
    return len(monthly) >= RECORD_HISTORY and beats_history(monthly, month, shown)
