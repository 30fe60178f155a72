"""A published classification (a CSV of exact HS10 codes, e.g. a reference study's
list) read as its authors distribute it, so our numbers can follow it code by code.

Only three columns matter (hs10_code, relevance, primary_category); others, such as the
study's specific_use, reasoning or description, are ignored except specific_use, which
`aibrief classify` quotes. The category of a Low or Medium row is not used, so any label
goes there. A High row's label maps onto our categories by its words
("Compute_Hardware" → compute_hardware), else through `taxonomy.category_map`, else to a
visible "Other AI-related" category: a High code is never an error, never dropped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.errors import UserError, located

TIERS = ("high", "medium", "low")
# Columns a published classification must have (others are ignored).
PUBLISHED_COLUMNS = ("hs10_code", "relevance", "primary_category")
USE_COLUMN = "specific_use"
# Where a High label we do not know goes when `taxonomy.category_map` does not say.
OTHER_KEY = "other_ai"
OTHER_LABEL = "Other AI-related"
_HS10 = re.compile(r"^\d{10}$")


@dataclass(frozen=True)
class Published:
    """One code of a published classification, with the line that decided it and the
    row as written (label, specific use), which `aibrief classify` shows."""

    hs10: str
    tier: str
    category: str | None
    file: str
    line: int
    label: str = ""
    use: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def category_key(text: str) -> str:
    """A category label or key reduced to its words, so "Networking & Telecom",
    "networking and telecom", "networking_telecom" and "Networking_Telecom" compare
    equal."""
    words = re.split(r"[\s_\-/,&]+", text.strip().lower())
    return " ".join(w for w in words if w and w != "and")


def published_code(text: str) -> str | None:
    """An HS10 code as a published CSV may write it: with dots (8471.50.0150), or as a
    number a spreadsheet stripped of its leading zero (102291000) or gave a ".0" to.
    None when it is not a code."""
    raw = text.strip()
    if re.fullmatch(r"\d{9,10}\.0+", raw):  # 8471500150.0: a number, not dotted
        raw = raw.split(".", 1)[0]
    digits = raw.replace(".", "")
    if re.fullmatch(r"\d{9}", digits):
        digits = "0" + digits
    return digits if _HS10.match(digits) else None


class Labels:
    """Label as written → our category key: our keys and labels by their words, then
    the editor's map, then "Other AI-related" for a High row."""

    def __init__(self, categories: Mapping[str, str], category_map: Mapping[str, str]) -> None:
        self.by_words: dict[str, str] = {}
        for key, label in categories.items():
            self.by_words.setdefault(category_key(key), key)
            self.by_words.setdefault(category_key(label), key)
        known = set(categories) | {OTHER_KEY}
        for label, key in category_map.items():
            if key not in known:
                raise UserError(
                    f"taxonomy.category_map: {label!r} maps to unknown category {key!r} "
                    f"(known: {', '.join(sorted(known))})"
                )
        # The editor's map wins over a match by words: it is written on purpose.
        self.by_words.update({category_key(k): v for k, v in category_map.items()})

    def key(self, label: str, tier: str) -> str | None:
        """Our category for a row; None below High when the label is not ours."""
        found = self.by_words.get(category_key(label)) if label else None
        if found is None and tier == "high":
            return OTHER_KEY
        return found


def read_text(path: Path) -> str:
    """The file's text; a BOM (spreadsheets write one) is dropped."""
    name = str(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError("file not found", where=name) from None
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text", where=name) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror or exc}", where=name) from None


def _rows(name: str, text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(first line, {column: value}) per non-blank row, the header being line 1. Quoted
    fields may hold commas and line breaks; CRLF and LF both end a row."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise UserError(
                f"empty file; expected columns {', '.join(PUBLISHED_COLUMNS)}",
                where=located(name, 1),
            )
        columns = [h.strip().lower() for h in header]
        missing = [c for c in PUBLISHED_COLUMNS if c not in columns]
        if missing:
            raise UserError(f"missing column {', '.join(missing)}", where=located(name, 1))
        line = reader.line_num
        for row in reader:
            start, line = line + 1, reader.line_num
            if any(value.strip() for value in row):
                yield start, {c: (row[i].strip() if i < len(row) else "") for i, c in _idx(columns)}
    except csv.Error as exc:
        raise UserError(f"invalid CSV: {exc}", where=located(name, reader.line_num)) from None


def _idx(columns: list[str]) -> Iterator[tuple[int, str]]:
    """Column positions; a column written twice counts once, at its first place."""
    seen: set[str] = set()
    for i, c in enumerate(columns):
        if c not in seen:
            seen.add(c)
            yield i, c


def _entry(name: str, start: int, row: dict[str, str], labels: Labels) -> Published:
    """One row checked: a code, a known relevance; the category of a High row mapped."""
    where = located(name, start)
    written, relevance, label = (row[c] for c in PUBLISHED_COLUMNS)
    code = published_code(written)
    if code is None:
        raise UserError(f"hs10_code {written!r} is not an HS10 code", where=where)
    tier = relevance.lower()
    if tier not in TIERS:
        raise UserError(f"relevance {relevance!r} is not one of High, Medium, Low", where=where)
    category = labels.key(label, tier)
    return Published(code, tier, category, name, start, label, row.get(USE_COLUMN, ""))


def load_published(
    path: Path,
    categories: Mapping[str, str],
    category_map: Mapping[str, str] | None = None,
) -> dict[str, Published]:
    """Read a published classification (hs10_code, relevance, primary_category).

    Every problem names `file:line`, the header being line 1: an operator fixes the
    CSV, not our code. A code listed twice must give the same answer both times.
    """
    name = str(path)
    labels = Labels(categories, category_map or {})
    out: dict[str, Published] = {}
    for start, row in _rows(name, read_text(path)):
        entry = _entry(name, start, row, labels)
        before = out.get(entry.hs10)
        if before is None:
            out[entry.hs10] = entry
        elif before.tier != entry.tier or (
            entry.tier == "high" and before.category != entry.category
        ):  # below High the category is not used: a label may differ
            raise UserError(
                f"code {entry.hs10} already classified differently at line {before.line}",
                where=located(name, start),
            )
    return out


def with_other(categories: Mapping[str, str], published: Mapping[str, Published]) -> dict[str, str]:
    """Our categories, plus "Other AI-related" last when a published High code went there,
    so metrics and the brief show it like the others."""
    out = dict(categories)
    if any(p.category == OTHER_KEY for p in published.values()):
        out.setdefault(OTHER_KEY, OTHER_LABEL)
    return out
