"""The policy calendar as data (taxonomy/policy.yaml): dated events the brief may
mention — rulings, tariffs, investigations — each with the day it takes effect, the day
the public knew of it, and its legal source. Editors add events without Python; the
starts and ends of exemption lists are not entered here (the list files hold them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from generator import yamlio
from generator.classify.exemptions import Day

MAX_WHAT = 160  # characters: one short sentence
# Kinds the metrics give the dates of exemption lists: an editor's event may not pose
# as one (the list files are the one source of those dates).
RESERVED_KINDS = ("list_start", "list_end")
_KIND = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class PolicyEvent:
    """One dated event of the calendar, with where it was written (for messages)."""

    date: date
    announced: date
    what: str
    source: str
    kind: str | None
    file: str
    line: int


def _kind(value: object) -> str:
    if not isinstance(value, str) or not _KIND.match(value):
        raise ValueError("lower-case letters, digits and _ only, e.g. ruling or tariff")
    if value in RESERVED_KINDS:
        raise ValueError(f"{value!r} is reserved for the dates of exemption list files")
    return value


def _short(text: str) -> str:
    if len(text) > MAX_WHAT:
        raise ValueError(f"at most {MAX_WHAT} characters (one short sentence), got {len(text)}")
    return text


class EventEntry(yamlio.FileModel):
    """One item of `events:` as written."""

    date: Day
    announced: Day
    what: Annotated[yamlio.Words, AfterValidator(_short)]
    source: yamlio.Words
    kind: Annotated[str, BeforeValidator(_kind)] | None = None


class PolicyFile(yamlio.FileModel):
    """taxonomy/policy.yaml as written."""

    events: list[EventEntry]

    def located_problems(self, doc: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        """Checks across fields: known no later than it happens, each event written once."""
        seen: dict[tuple[date, str], int] = {}
        for i, event in enumerate(self.events):
            if event.announced > event.date:
                yield (
                    ("events", i, "announced"),
                    f"after the date it takes effect ({event.date.isoformat()})",
                )
            same = (event.date, event.what)
            if same in seen:
                line = yamlio.line_at(doc, ("events", seen[same]))
                yield ("events", i), f"the same event as line {line} (date and what)"
            seen.setdefault(same, i)


def load_policy(path: Path) -> list[PolicyEvent]:
    """The calendar's events in file order; every problem is reported with its line. No
    file means no events (as a missing folder of exemption lists means no list)."""
    if not path.exists():
        return []
    name = str(path)
    doc = yamlio.load(path)
    model = yamlio.validate(doc, PolicyFile, name)
    items = doc["events"]
    return [
        PolicyEvent(
            date=e.date,
            announced=e.announced,
            what=e.what,
            source=e.source,
            kind=e.kind,
            file=name,
            line=items.line_of(i),
        )
        for i, e in enumerate(model.events)
    ]
