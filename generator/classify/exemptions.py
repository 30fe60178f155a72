"""Tariff exemption lists as data (taxonomy/exemptions/*.yaml): which HTS codes a list
covers, from when to when, under which legal text, and when the public learnt of its
start and of its end.

Monthly trade data cannot split a month, so a list counts for a month when it is in
force on at least half of that month's days (`ExemptionList.in_force`): a list ending on
February 23 counts for February, one starting on February 24 does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator

from generator import yamlio
from generator.errors import UserError
from generator.months import month_days

_CODE = re.compile(r"^\d{4}(\d{2}){0,3}$")  # 4, 6, 8 or 10 digits
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class ExemptionList:
    key: str
    name: str
    source: str
    effective: date  # first day in force
    end: date | None  # last day in force (None: open-ended)
    codes: tuple[str, ...]
    file: str
    note: str = ""
    lines: tuple[int, ...] = ()  # line of each code, for messages
    announced: date | None = None  # made public (None given: the effective date)
    end_announced: date | None = None  # end became known (None given: the end itself)
    beyond_codes: str = ""  # what the legal text also exempts that no code identifies

    def __post_init__(self) -> None:
        # Resolve the defaults here, so readers (the policy calendar) get dates, not None.
        if self.announced is None:
            object.__setattr__(self, "announced", self.effective)
        if self.end_announced is None:
            object.__setattr__(self, "end_announced", self.end)

    @cached_property
    def _by_length(self) -> list[tuple[int, frozenset[str]]]:
        """The codes grouped by length, longest first: a look-up per length, not per code."""
        lengths = sorted({len(c) for c in self.codes}, reverse=True)
        return [(n, frozenset(c for c in self.codes if len(c) == n)) for n in lengths]

    def prefix_for(self, hs10: str) -> str | None:
        """The listed code that covers `hs10`, if any (longest first)."""
        for n, codes in self._by_length:
            if hs10[:n] in codes:
                return hs10[:n]
        return None

    def covers(self, hs10: str) -> bool:
        return self.prefix_for(hs10) is not None

    def in_force_on(self, day: date) -> bool:
        return self.effective <= day and (self.end is None or day <= self.end)

    def days_in_force(self, month: str) -> int:
        """How many days of the month (YYYY-MM) the list is in force."""
        first, last = month_days(month)
        start = max(first, self.effective)
        stop = last if self.end is None else min(last, self.end)
        return max((stop - start).days + 1, 0)

    def in_force(self, month: str) -> bool:
        """Counts for the month: in force on at least half of its days."""
        return 2 * self.days_in_force(month) >= month_days(month)[1].day

    def day_after_end(self) -> date | None:
        return None if self.end is None else self.end + timedelta(days=1)

    def code_line(self, code: str) -> int | None:
        return self.lines[self.codes.index(code)] if code in self.codes else None


def _date(value: object) -> date:
    if value is None:
        raise ValueError("missing")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}") from None


def _key(value: object) -> str:
    if not isinstance(value, str) or not _KEY.match(value):
        raise ValueError("lower-case letters, digits and _ only")
    return value


def _code(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f'code {value!r} must be quoted text, e.g. "847150"')
    code = value.replace(".", "").strip()
    if not _CODE.match(code):
        raise ValueError(f"code {value!r} is not an HTS code of 4, 6, 8 or 10 digits")
    return code


def _codes(value: object) -> object:
    if not isinstance(value, list) or not value:
        raise ValueError("expected a list of HTS codes")
    return value


Day = Annotated[date, BeforeValidator(_date)]


class ExemptionFile(yamlio.FileModel):
    """One exemption list as written (taxonomy/exemptions/<key>.yaml)."""

    key: Annotated[str, BeforeValidator(_key)]
    name: yamlio.Words
    source: yamlio.Words
    effective: Day
    end: Day | None = None
    announced: Day | None = None
    end_announced: Day | None = None
    note: str | None = None
    beyond_codes: yamlio.Words | None = None
    codes: Annotated[list[Annotated[str, BeforeValidator(_code)]], BeforeValidator(_codes)]

    def located_problems(self, doc: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        """Checks across fields: the end after the start, an end known only if there is
        one and not before the list itself was announced, each code listed once."""
        if self.end is not None and self.end < self.effective:
            yield ("end",), "before the effective date"
        if self.end_announced is not None:
            if self.end is None:
                yield ("end_announced",), "given without an end date"
            elif self.end_announced < (self.announced or self.effective):
                yield ("end_announced",), "before the list was announced"
        seen: set[str] = set()
        for i, code in enumerate(self.codes):
            if code in seen:
                yield ("codes", i), f"code {code} is listed twice"
            seen.add(code)


def load_list(path: Path) -> ExemptionList:
    """Read one list; every problem of the file is reported with its line."""
    name = str(path)
    doc = yamlio.load(path)
    model = yamlio.validate(doc, ExemptionFile, name)
    return ExemptionList(
        key=model.key,
        name=model.name,
        source=model.source,
        effective=model.effective,
        end=model.end,
        codes=tuple(model.codes),
        file=name,
        note=" ".join((model.note or "").split()),
        lines=tuple(doc["codes"].line_of(i) for i in range(len(model.codes))),
        announced=model.announced,
        end_announced=model.end_announced,
        beyond_codes=model.beyond_codes or "",
    )


def load_lists(folder: Path) -> list[ExemptionList]:
    """Every *.yaml in the folder, sorted by file name; keys must be unique."""
    if not folder.exists():
        return []
    if not folder.is_dir():
        raise UserError("expected a folder of exemption lists", where=str(folder))
    lists: list[ExemptionList] = []
    for path in sorted(folder.glob("*.yaml")):
        item = load_list(path)
        clash = next((x for x in lists if x.key == item.key), None)
        if clash is not None:
            raise UserError(f"key {item.key!r} is already used by {clash.file}", where=str(path))
        lists.append(item)
    return lists
