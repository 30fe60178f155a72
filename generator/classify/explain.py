"""Why a code is (not) AI-related, in words and as a table: what `aibrief classify`
prints and exports. Kept beside the taxonomy so the CLI only prints what it is given."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from generator.classify.exemptions import ExemptionList
from generator.classify.taxonomy import Classification, Taxonomy

CSV_HEADER = (
    "hs10",
    "relevance",
    "category",
    "rule",
    "reason",
    "excluded",
    "source",
    "dual_use",
)
DUAL_USE_NOTE = (
    "AI-related on the research definition, left out of the core lens "
    "(imports.ai_core: goods bought mostly for data centers)"
)


def explain(tax: Taxonomy, c: Classification, lists: Iterable[ExemptionList]) -> list[str]:
    """The lines for one code: tier and category, what decided it, exemption lists."""
    label = tax.label(c.category)
    lines = [f"{c.hs10}  relevance: {c.tier}" + (f"  category: {label}" if label else "")]
    if c.dual_use:
        lines.append(f"  dual use: yes — {DUAL_USE_NOTE}")
    if c.excluded:
        lines.append(
            f"  excluded: chapter {c.hs10[:2]} is left out of every total "
            "(taxonomy.exclude_chapters)"
        )
    lines += _decided_by(tax, c)
    for lst in lists:
        lines += _exemption(lst, c.hs10)
    return lines


def _decided_by(tax: Taxonomy, c: Classification) -> list[str]:
    if c.source == "published":
        lines = [
            f"  decided by: published classification ({tax.published_path}:"
            f"{c.published_line}), which takes precedence over the rules",
            *_published_row(tax, c.hs10),
        ]
        rule = tax.rule_for(c.hs10)
        if rule:
            category = f" / {tax.label(rule.category)}" if rule.category else ""
            category += ", dual use" if rule.dual_use else ""
            lines.append(
                f"  our rule would say: {rule.tier}{category} ({rule.where}) — {rule.reason}"
            )
        return lines
    if c.rule:
        return [f"  decided by: rule {c.rule.prefix} ({c.rule.where}) — {c.rule.reason}"]
    return [
        "  decided by: default — no rule matches; codes without a rule are low relevance (non-AI)"
    ]


def _published_row(tax: Taxonomy, hs10: str) -> list[str]:
    """The published row as its authors wrote it: relevance, label, specific use."""
    entry = tax.published.get(hs10)
    if entry is None:
        return []
    label = f"  label: {entry.label}" if entry.label else ""
    if entry.label and entry.category and tax.label(entry.category) != entry.label:
        label += f" (→ {tax.label(entry.category)})"
    lines = [f"  published row: relevance {entry.tier}{label}"]
    if entry.use:
        lines.append(f"  specific use: {' '.join(entry.use.split())}")
    return lines


def _exemption(lst: ExemptionList, hs10: str) -> list[str]:
    prefix = lst.prefix_for(hs10)
    if prefix is None:
        return []
    until = f" until {lst.end.isoformat()}" if lst.end else ""
    lines = [
        f"  exemption: {lst.name} — listed as {prefix} ({lst.file}:"
        f"{lst.code_line(prefix)}); in force from {lst.effective.isoformat()}{until}",
        f"    source: {lst.source}",
    ]
    if lst.note:
        lines.append(f"    note: {lst.note}")
    return lines


def csv_row(c: Classification) -> list[str]:
    """One row of `aibrief classify --export`, in the order of CSV_HEADER."""
    return [
        c.hs10,
        c.tier,
        c.category or "",
        c.rule.prefix if c.rule else "",
        c.rule.reason if c.rule else "",
        "yes" if c.excluded else "no",
        c.source,
        "yes" if c.dual_use else "no",
    ]


def write_csv(results: Iterable[Classification], path: Path) -> int:
    """Write the export; returns the number of codes written."""
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_HEADER)
        for c in results:
            w.writerow(csv_row(c))
            n += 1
    return n
