"""How far our rules agree with a published classification: what `aibrief taxonomy
compare` prints for editors who review the rules.

The codes compared are those the file lists plus those the warehouse holds (a code the
file does not list is not High for it), leaving out excluded chapters, which are out
of every total. "High" for us is what our rules alone say, never the published file
the config may name: the point is to hold the two side by side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator import numbers
from generator.classify.published import Published, load_published
from generator.classify.taxonomy import Classification, Taxonomy, check_category_map, rules_only
from generator.config import Settings
from generator.data.warehouse import Warehouse


@dataclass(frozen=True)
class Disagreement:
    """One code the two sides class differently, with what decided ours."""

    hs10: str
    value: float  # imports over the year compared, USD (0 without a warehouse)
    theirs: Published | None  # None: the file does not list the code
    ours: Classification
    kind: str  # "file only", "rules only" or "category"


@dataclass
class Agreement:
    """Counts behind the four measures, and the largest disagreements."""

    file: str
    codes: int
    file_high: int
    ours_high: int
    both_high: int
    same_category: int
    year: str | None = None  # the warehouse's latest complete year
    value_file_ai: float | None = None
    value_both_ai: float | None = None
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        """Codes both call High ÷ codes the file calls High."""
        return self.both_high / self.file_high if self.file_high else None

    @property
    def precision(self) -> float | None:
        """Codes both call High ÷ codes we call High."""
        return self.both_high / self.ours_high if self.ours_high else None

    @property
    def value_share(self) -> float | None:
        """Import value of codes both call AI ÷ value of codes the file calls AI."""
        if not self.value_file_ai or self.value_both_ai is None:
            return None
        return self.value_both_ai / self.value_file_ai

    @property
    def category_agreement(self) -> float | None:
        """Share of codes both call High that sit in the same category."""
        return self.same_category / self.both_high if self.both_high else None


def _is_high(entry: Published | None) -> bool:
    return entry is not None and entry.tier == "high"


def _kind(theirs: Published | None, ours: Classification) -> str | None:
    """How the two differ on one code; None when they agree."""
    file_high, our_high = _is_high(theirs), ours.tier == "high"
    if file_high and not our_high:
        return "file only"
    if our_high and not file_high:
        return "rules only"
    if file_high and theirs is not None and theirs.category != ours.category:
        return "category"
    return None


def agreement(
    tax: Taxonomy,
    published: Mapping[str, Published],
    values: Mapping[str, float] | None = None,
    *,
    file: str = "",
    year: str | None = None,
    top: int = 20,
) -> Agreement:
    """Compare rules (`tax`, its published part ignored) with a published file over the
    file's codes and those of `values` (imports by code over `year`), pure."""
    codes: Iterable[str] = set(published) | set(values or {})
    universe = sorted(c for c in codes if int(c[:2]) not in tax.exclude_chapters)
    value = values or {}
    out = Agreement(file, len(universe), 0, 0, 0, 0, year)
    if values is not None:
        out.value_file_ai, out.value_both_ai = 0.0, 0.0
    found: list[Disagreement] = []
    for code in universe:
        theirs = published.get(code)
        ours = _rules_classify(tax, code)
        file_high, our_high = _is_high(theirs), ours.tier == "high"
        out.file_high += file_high
        out.ours_high += our_high
        out.both_high += file_high and our_high
        out.same_category += bool(
            file_high and our_high and theirs is not None and theirs.category == ours.category
        )
        if values is not None and file_high:
            out.value_file_ai = (out.value_file_ai or 0.0) + value.get(code, 0.0)
            if our_high:
                out.value_both_ai = (out.value_both_ai or 0.0) + value.get(code, 0.0)
        kind = _kind(theirs, ours)
        if kind is not None:
            found.append(Disagreement(code, float(value.get(code, 0.0)), theirs, ours, kind))
    found.sort(key=lambda d: (-d.value, d.hs10))
    out.disagreements = found[:top]
    return out


def _rules_classify(tax: Taxonomy, code: str) -> Classification:
    """Our rules' answer, whatever published file `tax` holds."""
    rule = tax.rule_for(code)
    excluded = int(code[:2]) in tax.exclude_chapters
    if rule is None:
        return Classification(code, "low", None, None, excluded, "default")
    return Classification(code, rule.tier, rule.category, rule, excluded, "rules")


def latest_complete_year(settings: Settings) -> tuple[str | None, dict[str, float] | None]:
    """Imports by code over the warehouse's latest year with all twelve months, in the
    import value the config names; (None, None) without a warehouse or such a year."""
    wh = Warehouse(settings.warehouse_dir)
    if not wh.exists():
        return None, None
    months = wh.months("imports")
    years = sorted({m[:4] for m in months if sum(x[:4] == m[:4] for x in months) == 12})
    if not years:
        return None, None
    year = years[-1]
    column = "value_con" if settings.metrics.import_value == "consumption" else "value_gen"
    rows = wh.read("imports", [m for m in months if m.startswith(year)], ["hs10", column])
    by_code = rows.groupby(rows["hs10"].astype(str))[column].sum()
    return year, {str(k): float(v) for k, v in by_code.items()}


def compare_file(settings: Settings, path: str, top: int = 20) -> tuple[Agreement, Taxonomy]:
    """The whole command: our rules, the file (labels mapped as the config says), and
    the warehouse's latest complete year."""
    tax = rules_only(settings)
    check_category_map(settings, tax.categories)
    published = load_published(Path(path), tax.categories, settings.taxonomy.category_map)
    year, values = latest_complete_year(settings)
    return agreement(tax, published, values, file=path, year=year, top=top), tax


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def lines(a: Agreement, tax: Taxonomy) -> list[str]:
    """The report: four measures, each with its counts, then the disagreements."""
    value_line = (
        f"  value share:        {_pct(a.value_share)}  (imports {a.year}: "
        f"{numbers.money_short(a.value_both_ai or 0.0)} of "
        f"{numbers.money_short(a.value_file_ai or 0.0)} the file calls AI)"
        if a.year
        else "  value share:        n/a  (no complete year in the warehouse)"
    )
    out = [
        f"Our rules against {a.file} ({a.codes} codes):",
        f"  recall:             {_pct(a.recall)}  ({a.both_high} of {a.file_high} "
        "codes the file calls High)",
        f"  precision:          {_pct(a.precision)}  ({a.both_high} of {a.ours_high} "
        "codes we call High)",
        value_line,
        f"  category agreement: {_pct(a.category_agreement)}  ({a.same_category} of "
        f"{a.both_high} codes both call High)",
    ]
    if a.disagreements:
        out.append("Largest disagreements" + (f" by imports {a.year}:" if a.year else ":"))
    for d in a.disagreements:
        out.append("  " + _disagreement(d, tax))
    return out


def _disagreement(d: Disagreement, tax: Taxonomy) -> str:
    theirs = "not listed"
    if d.theirs is not None:
        theirs = d.theirs.tier + (f"/{d.theirs.label}" if d.theirs.label else "")
    ours = d.ours.tier + (f"/{tax.label(d.ours.category)}" if d.ours.category else "")
    rule = f"rule {d.ours.rule.prefix} ({d.ours.rule.where})" if d.ours.rule else "no rule"
    money = numbers.money_short(d.value) if d.value else "-"
    return f"{d.hs10}  {money:>8}  {d.kind:<10}  file {theirs}; ours {ours} — {rule}"
