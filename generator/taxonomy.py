"""HS10 code → relevance tier and AI category, by the longest matching rule prefix."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from generator import yamlio
from generator.errors import UserError, located

TIERS = ("high", "medium", "low")
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
class Classification:
    hs10: str
    tier: str
    category: str | None
    rule: Rule | None
    excluded: bool

    @property
    def ai_related(self) -> bool:
        return self.tier == "high" and not self.excluded


@dataclass
class Taxonomy:
    categories: dict[str, str]
    rules: dict[str, Rule]
    exclude_chapters: frozenset[int] = field(default_factory=frozenset)
    path: str = ""

    def rule_for(self, code: str) -> Rule | None:
        for n in range(min(len(code), 10), 1, -1):
            rule = self.rules.get(code[:n])
            if rule is not None:
                return rule
        return None

    def classify(self, code: str) -> Classification:
        code = normalize_code(code)
        rule = self.rule_for(code)
        excluded = int(code[:2]) in self.exclude_chapters
        if rule is None:
            return Classification(code, "low", None, None, excluded)
        return Classification(code, rule.tier, rule.category, rule, excluded)

    def label(self, category: str | None) -> str:
        return self.categories.get(category, "") if category else ""

    def classify_frame(self, codes: Iterable[str]) -> pd.DataFrame:
        """One row per distinct code: hs10, tier, category, excluded, rule (prefix)."""
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
                }
            )
        frame = pd.DataFrame(rows, columns=["hs10", "tier", "category", "excluded", "rule"])
        return frame.astype({"hs10": str, "tier": str, "excluded": bool})


def normalize_code(code: str) -> str:
    """Accept 8471.50.0150 or 8471500150; anything else is a user error."""
    digits = str(code).strip().replace(".", "")
    if not _HS10.match(digits):
        raise UserError(f"not a 10-digit HS code: {code!r}")
    return digits


def load_taxonomy(path: Path, exclude_chapters: Iterable[int] = ()) -> Taxonomy:
    """Read and check the rule file; a bad rule fails with file and line."""
    name = str(path)
    doc = yamlio.load(path)
    if not isinstance(doc, dict):
        raise UserError("expected keys 'categories' and 'rules'", where=name)
    unknown = set(doc) - {"categories", "rules"}
    if unknown:
        key = sorted(unknown)[0]
        raise UserError(f"unknown key {key!r}", where=located(name, doc.line_of(key)))
    categories = doc.get("categories")
    if not isinstance(categories, dict) or not categories:
        raise UserError("'categories' must map keys to labels", where=located(name, doc.line))
    rules_doc = doc.get("rules")
    if not isinstance(rules_doc, list):
        raise UserError("'rules' must be a list", where=located(name, doc.line_of("rules")))

    rules: dict[str, Rule] = {}
    for i, item in enumerate(rules_doc):
        line = rules_doc.line_of(i)
        where = located(name, line)
        if not isinstance(item, dict):
            raise UserError("a rule must be a mapping with prefix, tier and reason", where=where)
        extra = set(item) - {"prefix", "tier", "category", "reason"}
        if extra:
            raise UserError(f"unknown key {sorted(extra)[0]!r} in rule", where=where)
        prefix = str(item.get("prefix", "")).replace(".", "")
        if not _PREFIX.match(prefix):
            raise UserError(
                f"prefix {item.get('prefix')!r} is not an HS code of 2 to 10 digits", where=where
            )
        tier = item.get("tier")
        if tier not in TIERS:
            raise UserError(f"tier {tier!r} is not one of high, medium, low", where=where)
        category = item.get("category")
        if category is not None and category not in categories:
            raise UserError(
                f"unknown category {category!r} (known: {', '.join(categories)})", where=where
            )
        if tier == "high" and category is None:
            raise UserError("a high-relevance rule needs a category", where=where)
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise UserError("every rule needs a reason", where=where)
        if prefix in rules:
            raise UserError(
                f"prefix {prefix} already has a rule at line {rules[prefix].line}", where=where
            )
        rules[prefix] = Rule(prefix, tier, category, reason.strip(), name, line)
    return Taxonomy(
        categories={str(k): str(v) for k, v in categories.items()},
        rules=rules,
        exclude_chapters=frozenset(int(c) for c in exclude_chapters),
        path=name,
    )
