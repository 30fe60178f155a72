"""What an editor should look at in the taxonomy, from the warehouse: the codes it holds,
the large ones in the machinery and electronics chapters that the rules class low, and
the dual-use rules (AI-related, but left out of the core lens) with the imports they
decide. `aibrief classify --export` and `--report` print these; the work lives here,
where the trade data and the taxonomy meet."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from generator import numbers
from generator.classify.taxonomy import Classification, Rule, Taxonomy
from generator.config import Settings
from generator.data.warehouse import Warehouse
from generator.errors import UserError

REVIEW_CHAPTERS = ("84", "85", "90")


def warehouse_codes(settings: Settings) -> list[str]:
    """Every HS10 code the warehouse holds, in either flow, sorted."""
    wh = Warehouse(settings.warehouse_dir)
    found: set[str] = set()
    for flow in ("imports", "exports"):
        found |= set(wh.read(flow, columns=["hs10"])["hs10"].astype(str).unique())
    return sorted(found)


@dataclass(frozen=True)
class ReviewRow:
    code: str
    value: float  # imports over the months of the report, USD
    classification: Classification
    description: str


@dataclass
class ReviewReport:
    """Codes classed low (not AI-related) though large, by imports, largest first."""

    months: list[str]
    rows: list[ReviewRow] = field(default_factory=list)

    def lines(self) -> list[str]:
        chapters = ", ".join(REVIEW_CHAPTERS[:-1]) + f" and {REVIEW_CHAPTERS[-1]}"
        out = [
            f"Largest codes in chapters {chapters} classed low, imports "
            f"{self.months[0]} … {self.months[-1]}:"
        ]
        for r in self.rows:
            c = r.classification
            why = f"rule {c.rule.prefix}" if c.rule else c.source
            out.append(
                f"  {r.code}  {numbers.money_short(r.value):>8}  {why:<12} {r.description[:60]}"
            )
        return out


def _imports_by_code(wh: Warehouse, months: list[str]) -> pd.Series:
    """Imports for consumption by HS10 code over the given months."""
    imports = wh.read("imports", months, ["hs10", "value_con"])
    by_code = imports.groupby("hs10", observed=True)["value_con"].sum()
    return by_code.rename(index=str)


def low_but_large(
    settings: Settings, tax: Taxonomy, top: int, by_code: pd.Series | None = None
) -> ReviewReport:
    """The `top` largest codes of chapters 84, 85 and 90 classed low, by imports over the
    last 12 months in the warehouse: candidates for a rule an editor has not written."""
    wh = Warehouse(settings.warehouse_dir)
    months = wh.common_months()[-12:]
    if not months:
        raise UserError("the warehouse is empty: run `aibrief refresh` first")
    by_code = _imports_by_code(wh, months) if by_code is None else by_code
    by_code = by_code[by_code.index.str[:2].isin(list(REVIEW_CHAPTERS))]
    commodities = wh.reference("commodities")
    names = dict(zip(commodities["hs10"], commodities["description"], strict=False))
    report = ReviewReport(months)
    for code, value in by_code.sort_values(ascending=False).items():
        if len(report.rows) == top:
            break
        c = tax.classify(str(code))
        if c.tier == "low" and not c.excluded:
            report.rows.append(ReviewRow(str(code), float(value), c, str(names.get(code, ""))))
    return report


@dataclass(frozen=True)
class DualUseRow:
    rule: Rule
    label: str  # the rule's category, as printed
    value: float | None  # imports of the codes it decides over the report's months, USD


@dataclass
class DualUseReport:
    """The dual-use rules: AI-related on the research definition, left out of the core
    lens. Largest first when the warehouse holds imports, else in rule order."""

    months: list[str]  # empty: no imports in the warehouse, no values
    rows: list[DualUseRow] = field(default_factory=list)

    def lines(self) -> list[str]:
        span = (
            f"imports {self.months[0]} … {self.months[-1]}"
            if self.months
            else "no imports in the warehouse yet"
        )
        out = [
            f"Dual-use rules ({len(self.rows)}): AI-related, but left out of the core lens "
            f"(goods bought mostly for data centers); {span}:"
        ]
        for r in self.rows:
            value = "—" if r.value is None else numbers.money_short(r.value) if r.value else "$0"
            out.append(
                f"  {r.rule.prefix:<10} {value:>8}  {r.label}: {r.rule.reason} ({r.rule.where})"
            )
        return out


def dual_use(tax: Taxonomy, months: list[str], by_code: pd.Series | None) -> DualUseReport:
    """Every dual-use rule with the imports of the codes it decides (`by_code`: imports
    by code over `months`; None without data). A code the published classification
    decides is not the rule's, and an excluded chapter counts nowhere."""
    totals: dict[str, float] = defaultdict(float)
    for code, value in (by_code if by_code is not None else pd.Series(dtype=float)).items():
        c = tax.classify(str(code))
        if c.dual_use and c.rule is not None and not c.excluded:
            totals[c.rule.prefix] += float(value)
    rules = [r for r in tax.rules.values() if r.dual_use]
    rows = [
        DualUseRow(r, tax.label(r.category), totals.get(r.prefix, 0.0) if months else None)
        for r in rules
    ]
    if months:
        rows.sort(key=lambda r: -(r.value or 0.0))
    return DualUseReport(months, rows)


def report(settings: Settings, tax: Taxonomy, top: int) -> list[str]:
    """`aibrief classify --report`: the largest codes classed low, then the dual-use
    rules. Without imports in the warehouse, the dual-use rules alone, without values."""
    wh = Warehouse(settings.warehouse_dir)
    months = wh.common_months()[-12:] if wh.exists() else []
    if not months:
        return [
            *dual_use(tax, [], None).lines(),
            "No imports in the warehouse: run `aibrief refresh` for their values and the "
            "largest codes classed low.",
        ]
    by_code = _imports_by_code(wh, months)
    return [
        *low_but_large(settings, tax, top, by_code).lines(),
        *dual_use(tax, months, by_code).lines(),
    ]
