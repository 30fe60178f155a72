"""Tariff exemption lists as data (taxonomy/exemptions/*.yaml): which HTS codes a list
covers, from when to when, and under which legal text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator import yamlio
from generator.errors import UserError, located

_CODE = re.compile(r"^\d{4}(\d{2}){0,3}$")  # 4, 6, 8 or 10 digits
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
FIELDS = {"key", "name", "source", "effective", "end", "note", "codes"}


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


def _date(value: object, what: str, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UserError(f"{what}: expected a date YYYY-MM-DD, got {value!r}", where=where) from None


def load_list(path: Path) -> ExemptionList:
    name = str(path)
    doc = yamlio.load(path)
    if not isinstance(doc, dict):
        raise UserError("expected key, name, source, effective and codes", where=name)
    unknown = sorted(set(doc) - FIELDS)
    if unknown:
        raise UserError(f"unknown key {unknown[0]!r}", where=located(name, doc.line_of(unknown[0])))
    for field in ("key", "name", "source", "effective", "codes"):
        if field not in doc or doc[field] in (None, ""):
            raise UserError(f"{field}: missing", where=located(name, doc.line))
    if not isinstance(doc["key"], str) or not _KEY.match(doc["key"]):
        raise UserError(
            "key: lower-case letters, digits and _ only", where=located(name, doc.line_of("key"))
        )
    effective = _date(doc["effective"], "effective", located(name, doc.line_of("effective")))
    end = None
    if doc.get("end") is not None:
        end = _date(doc["end"], "end", located(name, doc.line_of("end")))
        if end < effective:
            raise UserError(
                "end: before the effective date", where=located(name, doc.line_of("end"))
            )
    codes_doc = doc["codes"]
    if not isinstance(codes_doc, list) or not codes_doc:
        raise UserError(
            "codes: expected a list of HTS codes", where=located(name, doc.line_of("codes"))
        )
    codes, lines = [], []
    for i, raw in enumerate(codes_doc):
        where = located(name, codes_doc.line_of(i))
        if not isinstance(raw, str):
            raise UserError(f'code {raw!r} must be quoted text, e.g. "847150"', where=where)
        code = raw.replace(".", "").strip()
        if not _CODE.match(code):
            raise UserError(f"code {raw!r} is not an HTS code of 4, 6, 8 or 10 digits", where=where)
        if code in codes:
            raise UserError(f"code {code} is listed twice", where=where)
        codes.append(code)
        lines.append(codes_doc.line_of(i))
    return ExemptionList(
        key=doc["key"],
        name=str(doc["name"]).strip(),
        source=" ".join(str(doc["source"]).split()),
        effective=effective,
        end=end,
        codes=tuple(codes),
        file=name,
        note=" ".join(str(doc.get("note") or "").split()),
        lines=tuple(lines),
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
