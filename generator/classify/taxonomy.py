"""HS10 code → relevance tier and AI category.

Two sources decide, in this order: a published classification (a CSV of exact HS10
codes, e.g. a reference study's list, so our numbers can follow it code by code), then
our own rules, by the longest matching prefix. A code neither names is low.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pandas as pd
from pydantic import BeforeValidator, field_validator

from generator import yamlio
from generator.errors import UserError, located

if TYPE_CHECKING:
    from generator.config import Settings

TIERS = ("high", "medium", "low")
SOURCES = ("published", "rules", "default")
# Columns a published classification must have (others, e.g. a description, are ignored).
PUBLISHED_COLUMNS = ("hs10_code", "relevance", "primary_category")
_PREFIX = re.compile(r"^\d{2,10}$")
_HS10 = re.compile(r"^\d{10}$")


@dataclass(frozen=True)
class Rule:
    prefix: str
    tier: str
    category: str | None
    reason: str
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Published:
    """One code of a published classification, with the line that decided it."""

    hs10: str
    tier: str
    category: str | None
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Classification:
    """The answer for one code and what decided it, so `aibrief classify` can say why.

    `source` is "published" (the classification CSV; `published_line` is its line and
    `rule` is None), "rules" (`rule` matched) or "default" (nothing matched: low). Left
    empty, it is derived from `published_line` and `rule`.
    """

    hs10: str
    tier: str
    category: str | None
    rule: Rule | None
    excluded: bool
    source: str = ""
    published_line: int | None = None

    def __post_init__(self) -> None:
        if not self.source:
            derived = (
                "published"
                if self.published_line is not None
                else ("rules" if self.rule is not None else "default")
            )
            object.__setattr__(self, "source", derived)
        if self.source not in SOURCES:
            raise ValueError(f"source {self.source!r} is not one of {', '.join(SOURCES)}")

    @property
    def ai_related(self) -> bool:
        return self.tier == "high" and not self.excluded


@dataclass
class Taxonomy:
    categories: dict[str, str]
    rules: dict[str, Rule]
    exclude_chapters: frozenset[int] = field(default_factory=frozenset)
    path: str = ""
    # Exact HS10 codes from a published classification; they win over the rules.
    published: dict[str, Published] = field(default_factory=dict)
    published_path: str = ""

    def rule_for(self, code: str) -> Rule | None:
        for n in range(min(len(code), 10), 1, -1):
            rule = self.rules.get(code[:n])
            if rule is not None:
                return rule
        return None

    def classify(self, code: str) -> Classification:
        code = normalize_code(code)
        excluded = int(code[:2]) in self.exclude_chapters
        entry = self.published.get(code)
        if entry is not None:
            return Classification(
                code, entry.tier, entry.category, None, excluded, "published", entry.line
            )
        rule = self.rule_for(code)
        if rule is None:
            return Classification(code, "low", None, None, excluded, "default")
        return Classification(code, rule.tier, rule.category, rule, excluded, "rules")

    def label(self, category: str | None) -> str:
        return self.categories.get(category, "") if category else ""

    def classify_frame(self, codes: Iterable[str]) -> pd.DataFrame:
        """One row per distinct code: hs10, tier, category, excluded, rule (prefix), and
        source (published, rules or default) so an export shows what decided each code."""
        rows = []
        for code in sorted(set(codes)):
            c = self.classify(code)
            rows.append(
                {
                    "hs10": c.hs10,
                    "tier": c.tier,
                    "category": c.category,
                    "excluded": c.excluded,
                    "rule": c.rule.prefix if c.rule else None,
                    "source": c.source,
                }
            )
        columns = ["hs10", "tier", "category", "excluded", "rule", "source"]
        frame = pd.DataFrame(rows, columns=columns)
        return frame.astype({"hs10": str, "tier": str, "excluded": bool, "source": str})


def normalize_code(code: str) -> str:
    """Accept 8471.50.0150 or 8471500150; anything else is a user error."""
    digits = str(code).strip().replace(".", "")
    if not _HS10.match(digits):
        raise UserError(f"not a 10-digit HS code: {code!r}")
    return digits


def _prefix(value: object) -> str:
    if not isinstance(value, str):
        # Unquoted, 8471.50 would read as 8471.5 and 0101 as the octal number 65.
        raise ValueError(f'prefix {value!r} must be quoted text, e.g. prefix: "847150"')
    prefix = value.replace(".", "").strip()
    if not _PREFIX.match(prefix):
        raise ValueError(f"prefix {value!r} is not an HS code of 2 to 10 digits")
    return prefix


class RuleEntry(yamlio.FileModel):
    """One rule as written: an HS prefix (2 to 10 digits), a tier and why."""

    prefix: Annotated[str, BeforeValidator(_prefix)]
    tier: Literal["high", "medium", "low"]
    category: str | None = None
    reason: yamlio.Words


class RulesFile(yamlio.FileModel):
    """taxonomy/ai_products.yaml: the categories (key → label) and the rules."""

    categories: dict[str, yamlio.Words]
    rules: list[RuleEntry]

    @field_validator("categories")
    @classmethod
    def _some_categories(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("must map keys to labels")
        return value

    def located_problems(self, doc: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        """Checks across rules: categories exist, high rules name one, prefixes unique."""
        first: dict[str, int] = {}
        for i, rule in enumerate(self.rules):
            if rule.category is not None and rule.category not in self.categories:
                known = ", ".join(self.categories)
                yield (
                    ("rules", i, "category"),
                    f"unknown category {rule.category!r} (known: {known})",
                )
            if rule.tier == "high" and rule.category is None:
                yield ("rules", i), "a high-relevance rule needs a category"
            if rule.prefix in first:
                line = yamlio.line_at(doc, ("rules", first[rule.prefix]))
                yield (
                    ("rules", i, "prefix"),
                    f"prefix {rule.prefix} already has a rule at line {line}",
                )
            first.setdefault(rule.prefix, i)


def load_taxonomy(
    path: Path,
    exclude_chapters: Iterable[int] = (),
    classification_csv: Path | None = None,
) -> Taxonomy:
    """Read and check the rule file (and the published classification, if any); every
    problem of the rule file is reported with file and line, a bad CSV row too."""
    name = str(path)
    doc = yamlio.load(path)
    model = yamlio.validate(doc, RulesFile, name)
    rules_doc = doc["rules"]
    rules = {
        r.prefix: Rule(r.prefix, r.tier, r.category, r.reason, name, rules_doc.line_of(i))
        for i, r in enumerate(model.rules)
    }
    labels = dict(model.categories)
    published = load_published(classification_csv, labels) if classification_csv is not None else {}
    return Taxonomy(
        categories=labels,
        rules=rules,
        exclude_chapters=frozenset(int(c) for c in exclude_chapters),
        path=name,
        published=published,
        published_path=str(classification_csv) if classification_csv is not None else "",
    )


def for_settings(settings: Settings) -> Taxonomy:
    """The taxonomy a config names, its paths resolved against the config folder."""
    csv_path = settings.taxonomy.classification_csv
    return load_taxonomy(
        settings.rules_path,
        settings.taxonomy.exclude_chapters,
        settings.path(csv_path) if csv_path is not None else None,
    )


def category_key(text: str) -> str:
    """A category label or key reduced to its words, so "Networking & Telecom",
    "networking and telecom" and "networking_telecom" compare equal."""
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


def load_published(path: Path, categories: dict[str, str]) -> dict[str, Published]:
    """Read a published classification (hs10_code, relevance, primary_category).

    Every problem names `file:line`, the header being line 1: an operator fixes the
    CSV, not our code. A code listed twice must give the same answer both times.
    """
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # spreadsheets write a BOM
    except FileNotFoundError:
        raise UserError("file not found", where=name) from None
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text", where=name) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror or exc}", where=name) from None

    by_words: dict[str, str] = {}
    for key, label in categories.items():
        by_words.setdefault(category_key(key), key)
        by_words.setdefault(category_key(label), key)

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise UserError(
                f"empty file; expected columns {', '.join(PUBLISHED_COLUMNS)}",
                where=located(name, 1),
            )
        index = {h.strip().lower(): i for i, h in enumerate(header)}
        missing = [c for c in PUBLISHED_COLUMNS if c not in index]
        if missing:
            raise UserError(f"missing column {', '.join(missing)}", where=located(name, 1))

        out: dict[str, Published] = {}
        line = reader.line_num
        for row in reader:
            start, line = line + 1, reader.line_num
            if not any(value.strip() for value in row):
                continue
            where = located(name, start)
            written, relevance, label = (
                row[index[c]].strip() if index[c] < len(row) else "" for c in PUBLISHED_COLUMNS
            )
            code = published_code(written)
            if code is None:
                raise UserError(f"hs10_code {written!r} is not an HS10 code", where=where)
            tier = relevance.lower()
            if tier not in TIERS:
                raise UserError(
                    f"relevance {relevance!r} is not one of High, Medium, Low", where=where
                )
            category = by_words.get(category_key(label)) if label else None
            if label and category is None:
                known = ", ".join(categories.values())
                raise UserError(f"unknown primary_category {label!r} (known: {known})", where=where)
            if tier == "high" and category is None:
                raise UserError("a High code needs a primary_category", where=where)
            before = out.get(code)
            if before is not None:
                if (before.tier, before.category) != (tier, category):
                    raise UserError(
                        f"code {code} already classified differently at line {before.line}",
                        where=where,
                    )
                continue
            out[code] = Published(code, tier, category, name, start)
    except csv.Error as exc:
        raise UserError(f"invalid CSV: {exc}", where=located(name, reader.line_num)) from None
    return out
