"""Tariff exemption lists as data (taxonomy/exemptions/*.yaml): which HTS codes a list
covers, from when to when, and under which legal text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator

from generator import yamlio
from generator.errors import UserError

_CODE = re.compile(r"^\d{4}(\d{2}){0,3}$")  # 4, 6, 8 or 10 digits
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class ExemptionList:
    key: str
    name: str
    source: str
    effective: date
    end: date | None
    codes: tuple[str, ...]
    file: str
    note: str = ""
    lines: tuple[int, ...] = ()  # line of each code, for messages

    def prefix_for(self, hs10: str) -> str | None:
        """The listed code that covers `hs10`, if any (longest first)."""
        for code in sorted(self.codes, key=len, reverse=True):
            if hs10.startswith(code):
                return code
        return None

    def covers(self, hs10: str) -> bool:
        return self.prefix_for(hs10) is not None

    def in_force(self, month: str) -> bool:
        """In force on any day of the month."""
        y, m = int(month[:4]), int(month[5:7])
        first = date(y, m, 1)
        last = date(y + (m == 12), m % 12 + 1, 1)  # first day of the next month
        return self.effective < last and (self.end is None or self.end >= first)

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
    note: str | None = None
    codes: Annotated[list[Annotated[str, BeforeValidator(_code)]], BeforeValidator(_codes)]

    def located_problems(self, doc: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        """Checks across fields: the end after the start, each code listed once."""
        if self.end is not None and self.end < self.effective:
            yield ("end",), "before the effective date"
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
