"""HS10 code → relevance tier and AI category.

Two sources decide, in this order: a published classification (a CSV of exact HS10
codes, e.g. a reference study's list, so our numbers can follow it code by code), then
our own rules, by the longest matching prefix. A code neither names is low.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import BeforeValidator, field_validator

from generator import yamlio
from generator.classify.published import (
    OTHER_KEY,
    OTHER_LABEL,
    PUBLISHED_COLUMNS,
    TIERS,
    Published,
    category_key,
    load_published,
    published_code,
    with_other,
)
from generator.data.table import Table
from generator.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

    from generator.config import Settings

__all__ = [
    "OTHER_KEY",
    "OTHER_LABEL",
    "PUBLISHED_COLUMNS",
    "SOURCES",
    "TIERS",
    "Classification",
    "Published",
    "Rule",
    "Taxonomy",
    "category_key",
    "for_settings",
    "load_published",
    "load_taxonomy",
    "normalize_code",
    "published_code",
]

SOURCES = ("published", "rules", "default")
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
    # A high rule whose heading also holds consumer goods in bulk: AI-related, but left
    # out of the core lens (metrics imports.ai_core).
    dual_use: bool = False

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
    dual_use: bool = False  # decided by a dual-use rule (a published row never is)

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
        return Classification(
            code, rule.tier, rule.category, rule, excluded, "rules", dual_use=rule.dual_use
        )

    def label(self, category: str | None) -> str:
        return self.categories.get(category, "") if category else ""

    def classify_frame(self, codes: Iterable[str]) -> pd.DataFrame:
        """`classify_table` as a pandas frame."""
        return (
            self.classify_table(codes)
            .to_pandas()
            .astype({"hs10": str, "tier": str, "excluded": bool, "dual_use": bool, "source": str})
        )

    def classify_table(self, codes: Iterable[str]) -> Table:
        """One row per distinct code, sorted: hs10, tier, category, excluded, rule
        (prefix), dual_use, and source (published, rules or default) so an export shows
        what decided each code; text None where there is none. Without pandas: the
        metrics path classifies a new month's new codes with it."""
        found = [self.classify(code) for code in sorted(set(codes))]
        text = lambda values: np.array(list(values), dtype=object)  # noqa: E731
        return Table(
            {
                "hs10": text(c.hs10 for c in found),
                "tier": text(c.tier for c in found),
                "category": text(c.category for c in found),
                "excluded": np.array([c.excluded for c in found], dtype=bool),
                "rule": text(c.rule.prefix if c.rule else None for c in found),
                "dual_use": np.array([c.dual_use for c in found], dtype=bool),
                "source": text(c.source for c in found),
            }
        )


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
    dual_use: bool = False  # high only: the heading also holds consumer goods in bulk


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
            if rule.dual_use and rule.tier != "high":
                yield (
                    ("rules", i, "dual_use"),
                    f"dual_use is only allowed on a high-relevance rule (this one is {rule.tier})",
                )
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
    category_map: Mapping[str, str] | None = None,
) -> Taxonomy:
    """Read and check the rule file (and the published classification, if any); every
    problem of the rule file is reported with file and line, a bad CSV row too. A
    published High label outside our categories adds "Other AI-related" to them."""
    name = str(path)
    doc = yamlio.load(path)
    model = yamlio.validate(doc, RulesFile, name)
    rules_doc = doc["rules"]
    rules = {
        r.prefix: Rule(
            r.prefix, r.tier, r.category, r.reason, name, rules_doc.line_of(i), r.dual_use
        )
        for i, r in enumerate(model.rules)
    }
    labels = dict(model.categories)
    published = (
        load_published(classification_csv, labels, category_map)
        if classification_csv is not None
        else {}
    )
    return Taxonomy(
        categories=with_other(labels, published),
        rules=rules,
        exclude_chapters=frozenset(int(c) for c in exclude_chapters),
        path=name,
        published=published,
        published_path=str(classification_csv) if classification_csv is not None else "",
    )


def rules_only(settings: Settings) -> Taxonomy:
    """Our rules alone, without the published classification the config may name: what
    `aibrief taxonomy compare` holds against a published file."""
    return load_taxonomy(settings.rules_path, settings.taxonomy.exclude_chapters)


def check_category_map(settings: Settings, categories: Mapping[str, str]) -> None:
    """Every target of `taxonomy.category_map` is one of our categories (or other_ai);
    the error names the config line."""
    known = set(categories) | {OTHER_KEY}
    for label, key in settings.taxonomy.category_map.items():
        if key not in known:
            raise UserError(
                f"taxonomy.category_map.{label}: unknown category {key!r} "
                f"(known: {', '.join(sorted(known))})",
                where=settings.where("taxonomy", "category_map", label),
            )


def for_settings(settings: Settings) -> Taxonomy:
    """The taxonomy a config names, its paths resolved against the config folder."""
    csv_path = settings.taxonomy.classification_csv
    category_map = settings.taxonomy.category_map
    if category_map:
        check_category_map(settings, rules_only(settings).categories)
    return load_taxonomy(
        settings.rules_path,
        settings.taxonomy.exclude_chapters,
        settings.path(csv_path) if csv_path is not None else None,
        category_map,
    )
