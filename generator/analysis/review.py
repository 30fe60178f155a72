"""What an editor should look at in the taxonomy, from the warehouse: the codes it holds,
and the large ones in the machinery and electronics chapters that the rules class low.
`aibrief classify --export` and `--report` print these; the work lives here, where the
trade data and the taxonomy meet."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator import numbers
from generator.classify.taxonomy import Classification, Taxonomy
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


def low_but_large(settings: Settings, tax: Taxonomy, top: int) -> ReviewReport:
    """The `top` largest codes of chapters 84, 85 and 90 classed low, by imports over the
    last 12 months in the warehouse: candidates for a rule an editor has not written."""
    wh = Warehouse(settings.warehouse_dir)
    months = wh.common_months()[-12:]
    if not months:
        raise UserError("the warehouse is empty: run `aibrief refresh` first")
    imports = wh.read("imports", months, ["hs10", "value_con"])
    by_code = imports.groupby("hs10", observed=True)["value_con"].sum()
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
