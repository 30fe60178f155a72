"""Unit-value price and volume indexes (generator.analysis.metrics.prices) on hand-built
frames. Every expected number is worked out by hand, with the arithmetic beside it.

Conventions (docs/PRICES.md): a line is HS10 × country × unit; each month is linked to the
same month of the previous year by a Törnqvist index over lines with a quantity, the same
unit in both months and a unit-value ratio within 1/4 … 4; the price index is 100 in every
month of the base year (2023 here); volume = value index ÷ price index × 100.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from generator.analysis import metrics
from generator.analysis.metrics import prices
from generator.analysis.metrics.cube import Classes, aggregate_of, build_cube, country_axis
from generator.analysis.metrics.window import available_months, window, year_months
from tests.test_metrics import AI_CH, AI_EP, CATEGORIES, CHINA, LOW, MEXICO, TAIWAN, make_input
from tests.test_metrics import months as span

A = pytest.approx


def imp(periods, hs10, country, value, qty, unit="NO") -> list[tuple]:
    """Import rows (period, hs10, country, value_con, value_gen, dutiable, duty, qty1, unit1)."""
    return [
        (p, hs10, country, float(value), float(value), 0.0, 0.0, float(qty), unit) for p in periods
    ]


def exp(periods, hs10, country, value, qty, unit="NO") -> list[tuple]:
    return [(p, hs10, country, float(value), float(qty), unit) for p in periods]


def flat_exports(periods) -> list[tuple]:
    return exp(periods, AI_CH, TAIWAN, 5, 1) + exp(periods, LOW, CHINA, 20, 1)


def run(imports, month="2024-12", exports=None):
    periods = sorted({r[0] for r in imports})
    return metrics.compute(make_input(imports, exports or flat_exports(periods)), month)


# ---- a price step with constant quantities ---------------------------------------------------


def test_a_price_step_with_constant_quantities_is_all_price():
    # AI: 10 units a month; $1,000 in 2023 (unit value 100), $1,200 in 2024 (120).
    # Non-AI: 5 units at $100 throughout.
    rows = imp(year_months(2023), AI_CH, TAIWAN, 1000, 10)
    rows += imp(year_months(2024), AI_CH, TAIWAN, 1200, 10)
    rows += imp(span("2023-01", "2024-12"), LOW, CHINA, 500, 5)
    m = run(rows)
    p, v = m.get("prices.ai"), m.get("volumes.ai")
    assert p["index"]["monthly"]["2023-05"] == 100.0
    assert p["index"]["monthly"]["2024-05"] == A(120.0)  # ratio 1.2, one line: weight 1
    assert p["annual"] == {"2023": 100.0, "2024": A(120.0)}
    assert p["since_base"] == {"annual": {"2024": A(0.2)}, "ytd": A(0.2)}
    # Value index 2024: 1,200 ÷ 1,000 × 100 = 120 → volume 120 ÷ 120 × 100 = 100.
    assert v["index"]["monthly"]["2024-05"] == A(100.0)
    assert v["annual"]["2024"] == A(100.0)
    assert v["since_base"] == {"annual": {"2024": A(0.0)}, "ytd": A(0.0)}
    assert p["coverage"]["annual"] == {"2024": 1.0}
    assert p["coverage"]["monthly"]["2023-05"] is None  # the base year is not linked
    assert p["quotable"] is True and v["quotable"] is True
    assert p["lines"] == 12 and p["excluded"] == {"outliers": 0, "unit_changes": 0}
    assert m.get("prices.non_ai.since_base.annual.2024") == A(0.0)
    ch = m.get("prices.by_category.0")
    assert ch["key"] == "compute_hardware" and ch["since_base"]["annual"]["2024"] == A(0.2)
    ep = m.get("prices.by_category.1")  # no electrical power traded: nothing to say
    assert ep["since_base"]["annual"]["2024"] is None and ep["quotable"] is False
    assert m.get("volumes.by_category.0.since_base.annual.2024") == A(0.0)


# ---- a quantity step with constant prices ------------------------------------------------------


def test_a_quantity_step_with_constant_prices_is_all_volume():
    # AI: unit value 100 throughout; 10 units a month in 2023, 15 in 2024.
    rows = imp(year_months(2023), AI_CH, TAIWAN, 1000, 10)
    rows += imp(year_months(2024), AI_CH, TAIWAN, 1500, 15)
    rows += imp(span("2023-01", "2024-12"), LOW, CHINA, 500, 5)
    m = run(rows)
    assert m.get("imports.ai.since_base.annual.2024") == A(0.5)  # 18,000 ÷ 12,000 − 1
    assert m.get("prices.ai.annual.2024") == A(100.0)
    assert m.get("prices.ai.since_base.annual.2024") == A(0.0)
    assert m.get("volumes.ai.index.monthly.2024-03") == A(150.0)  # 150 ÷ 100 × 100
    assert m.get("volumes.ai.annual.2024") == A(150.0)
    assert m.get("volumes.ai.since_base.annual.2024") == A(0.5)


# ---- a unit change mid-series ------------------------------------------------------------------


def unit_change_rows() -> list[tuple]:
    # Compute hardware (Taiwan): 10 units at $100 in 2023; $1,100 for 10 units in 2024-01…06;
    # from 2024-07 reported in kilograms: 50 kg for $1,100 (unit value 22 a kg) to 2025-12.
    # Electrical power: 4 units at $100 throughout.
    rows = imp(year_months(2023), AI_CH, TAIWAN, 1000, 10)
    rows += imp(span("2024-01", "2024-06"), AI_CH, TAIWAN, 1100, 10)
    rows += imp(span("2024-07", "2025-12"), AI_CH, TAIWAN, 1100, 50, "KG")
    rows += imp(span("2023-01", "2025-12"), AI_EP, MEXICO, 400, 4)
    rows += imp(span("2023-01", "2025-12"), LOW, CHINA, 500, 5)
    return rows


def test_a_unit_change_splits_the_line_and_is_never_mixed():
    m = run(unit_change_rows(), "2025-12")
    p = m.get("prices.ai")
    # 2024-01…06: both lines link. Hardware's ratio 1.1 weighs
    # ½ (1,100/1,500 + 1,000/1,400) = 0.7238095; power's ratio 1 adds nothing:
    # 100 × exp(0.7238095 × ln 1.1) = 107.142165.
    assert p["index"]["monthly"]["2024-03"] == A(107.142165, abs=1e-6)
    # 2024-07…12: hardware in kg against units a year before: left out (a unit change);
    # power alone links at 1.
    assert p["index"]["monthly"]["2024-09"] == A(100.0)
    # 2025-01…06: kg against units again: power alone, so the same as a year before.
    assert p["index"]["monthly"]["2025-03"] == A(107.142165, abs=1e-6)
    # 2025-07…12: kg against kg: the new line links to itself (ratio 1), power too.
    assert p["index"]["monthly"]["2025-09"] == A(100.0)
    # Annual: (6 × 107.142165 + 6 × 100) ÷ 12 = 103.571083, both years.
    assert p["annual"]["2024"] == A(103.571083, abs=1e-6)
    assert p["annual"]["2025"] == A(103.571083, abs=1e-6)
    # Coverage: linked value ÷ all AI value. Months with both lines: 1,500 ÷ 1,500;
    # power alone: 400 ÷ 1,500 = 0.266667; a year: (6 × 1,500 + 6 × 400) ÷ 18,000 = 0.633333.
    assert p["coverage"]["monthly"]["2024-03"] == A(1.0)
    assert p["coverage"]["monthly"]["2024-09"] == A(0.266667)
    assert p["coverage"]["annual"] == {"2024": A(0.633333), "2025": A(0.633333)}
    # Twelve months each counted once as a unit change; no unit value mixed into an outlier.
    assert p["excluded"] == {"outliers": 0, "unit_changes": 12}
    assert p["lines"] == 6 * 2 + 6 + 6 + 6 * 2
    assert p["quotable"] is True  # 63% ≥ 50% in both linked years


# ---- a line with no quantity -------------------------------------------------------------------


@pytest.mark.parametrize(("unit", "qty"), [("X", 0), ("NO", 0)], ids=["unit X", "zero quantity"])
def test_a_line_without_quantity_is_left_out_and_lowers_coverage(unit, qty):
    # Hardware: 10 units at $100 throughout. Power: no quantity; $1,000 a month in 2023,
    # $2,000 in 2024.
    rows = imp(span("2023-01", "2024-12"), AI_CH, TAIWAN, 1000, 10)
    rows += imp(year_months(2023), AI_EP, MEXICO, 1000, qty, unit)
    rows += imp(year_months(2024), AI_EP, MEXICO, 2000, qty, unit)
    rows += imp(span("2023-01", "2024-12"), LOW, CHINA, 500, 5)
    m = run(rows)
    assert m.get("prices.ai.annual.2024") == A(100.0)  # hardware alone: ratio 1
    # Value index 2024: 3,000 ÷ 2,000 × 100 = 150; all of it volume.
    assert m.get("volumes.ai.annual.2024") == A(150.0)
    assert m.get("volumes.ai.since_base.annual.2024") == A(0.5)
    # Coverage 2024: 1,000 ÷ 3,000 = 0.333333, below 50%: the split is not quoted.
    assert m.get("prices.ai.coverage.annual.2024") == A(0.333333)
    assert m.get("prices.ai.quotable") is False and m.get("volumes.ai.quotable") is False
    assert m.get("prices.ai.excluded") == {"outliers": 0, "unit_changes": 0}
    ep = m.get("prices.by_category.1")
    assert ep["key"] == "electrical_power" and ep["coverage"]["annual"]["2024"] == 0.0
    assert ep["since_base"]["annual"]["2024"] is None and ep["quotable"] is False


# ---- an outlier unit value ---------------------------------------------------------------------


def test_an_outlier_unit_value_is_left_out_and_counted():
    # Hardware: $1,000 for 10 units in 2023 (100 each), $1,000 for 1 unit in 2024 (1,000):
    # ratio 10 > 4, an outlier. Power: 4 units at $100 in 2023, at $120 in 2024.
    rows = imp(year_months(2023), AI_CH, TAIWAN, 1000, 10)
    rows += imp(year_months(2024), AI_CH, TAIWAN, 1000, 1)
    rows += imp(year_months(2023), AI_EP, MEXICO, 400, 4)
    rows += imp(year_months(2024), AI_EP, MEXICO, 480, 4)
    rows += imp(span("2023-01", "2024-12"), LOW, CHINA, 500, 5)
    m = run(rows)
    p = m.get("prices.ai")
    assert p["annual"]["2024"] == A(120.0)  # power alone
    assert p["excluded"] == {"outliers": 12, "unit_changes": 0} and p["lines"] == 12
    assert p["coverage"]["annual"]["2024"] == A(0.324324)  # 480 ÷ 1,480
    # Value index 1,480 ÷ 1,400 × 100 = 105.714286; volume 105.714286 ÷ 1.2 = 88.095238.
    assert m.get("volumes.ai.annual.2024") == A(88.095238, abs=1e-6)
    assert p["quotable"] is False


def test_ratios_on_the_bounds_are_kept():
    # Unit value ×4 exactly (100 → 400) and ÷4 exactly (100 → 25): both inside 1/4 … 4.
    rows = imp(year_months(2023), AI_CH, TAIWAN, 1000, 10)
    rows += imp(year_months(2024), AI_CH, TAIWAN, 4000, 10)
    rows += imp(year_months(2023), LOW, CHINA, 1000, 10)
    rows += imp(year_months(2024), LOW, CHINA, 250, 10)
    m = run(rows)
    assert m.get("prices.ai.annual.2024") == A(400.0)
    assert m.get("prices.non_ai.annual.2024") == A(25.0)
    assert m.get("prices.ai.excluded.outliers") == 0


# ---- year to date, base-year editions, exports -------------------------------------------------


def test_year_to_date_compares_with_the_same_months_of_the_base_year():
    # Hardware: $1,000 for 10 units in 2023; in 2024-01…03, $1,100 for 10 units (price +10%)
    # and in 2024-04…06, $1,650 for 15 units (price +10%, quantity +50%).
    rows = imp(year_months(2023), AI_CH, TAIWAN, 1000, 10)
    rows += imp(span("2024-01", "2024-03"), AI_CH, TAIWAN, 1100, 10)
    rows += imp(span("2024-04", "2024-06"), AI_CH, TAIWAN, 1650, 15)
    rows += imp(span("2023-01", "2024-06"), LOW, CHINA, 500, 5)
    m = run(rows, "2024-06")
    # Value: (3 × 1,100 + 3 × 1,650) ÷ 6,000 − 1 = 0.375; price: 110 ÷ 100 − 1 = 0.1;
    # volume: 1.375 ÷ 1.1 − 1 = 0.25.
    assert m.get("imports.ai.since_base.ytd") == A(0.375)
    assert m.get("prices.ai.since_base.ytd") == A(0.1)
    assert m.get("volumes.ai.since_base.ytd") == A(0.25)
    assert m.get("prices.ai.coverage.ytd") == A(1.0)
    assert m.get("prices.ai.since_base.annual") == {}  # 2024 is not complete


def test_a_base_year_edition_has_nothing_to_quote():
    rows = imp(year_months(2023), AI_CH, TAIWAN, 1000, 10)
    rows += imp(year_months(2023), LOW, CHINA, 500, 5)
    m = run(rows, "2023-12")
    assert m.get("prices.ai.index.monthly.2023-12") == 100.0
    assert m.get("prices.ai.since_base") == {"annual": {}, "ytd": None}
    assert m.get("volumes.ai.since_base.ytd") is None
    assert m.get("prices.ai.quotable") is False


def test_exports_have_their_own_split():
    # Exports of hardware: 2 units at $500 in 2023, 2 units at $600 in 2024: price +20%.
    periods = span("2023-01", "2024-12")
    imports = imp(periods, AI_CH, TAIWAN, 1000, 10) + imp(periods, LOW, CHINA, 500, 5)
    exports = exp(year_months(2023), AI_CH, TAIWAN, 1000, 2)
    exports += exp(year_months(2024), AI_CH, TAIWAN, 1200, 2)
    exports += exp(periods, LOW, CHINA, 20, 1)
    m = run(imports, "2024-12", exports)
    assert m.get("export_prices.ai.since_base.annual.2024") == A(0.2)
    assert m.get("export_volumes.ai.since_base.annual.2024") == A(0.0)
    assert m.get("export_prices.ai.coverage.annual.2024") == A(1.0)
    assert m.get("prices.ai.since_base.annual.2024") == A(0.0)  # imports: flat


# ---- value = price × volume --------------------------------------------------------------------


def messy_rows(seed: int = 3) -> tuple[list[tuple], list[tuple]]:
    """2023-01 … 2025-08: lines in every AI category, non-AI and medium, several countries,
    noisy values and quantities, a unit change, lines without quantity, outliers."""
    rng = np.random.default_rng(seed)
    from tests.test_metrics import AI_CL, MED

    periods = span("2023-01", "2025-08")
    imports, exports = [], []
    for code in (AI_CH, AI_EP, AI_CL, MED, LOW):
        for country in (TAIWAN, CHINA, MEXICO):
            for i, p in enumerate(periods):
                value = 1000 * rng.lognormal(0.0, 0.4) * (1 + 0.02 * i)
                uv = 100 * rng.lognormal(0.0, 0.3 if rng.random() > 0.05 else 2.0)
                unit = "KG" if code == AI_EP and country == CHINA and p >= "2024-05" else "NO"
                unit = "X" if code == AI_CL and country == MEXICO else unit
                qty = 0.0 if unit == "X" else max(1.0, round(value / uv))
                imports += imp([p], code, country, round(value), qty, unit)
                exports += exp([p], code, country, round(value / 3), max(1.0, qty // 3), unit)
    return imports, exports


def decomposed(inp: metrics.MetricsInput, month: str):
    """The unrounded splits of every group and category of both flows."""
    classes = Classes(list(inp.categories))
    agg = aggregate_of(inp, classes)
    w = window(available_months(agg.imports, agg.exports), month, 2023)
    countries, _ = country_axis(inp.countries, agg)
    cols = {"value": "value_con", "value_con": "value_con"}
    imp_cube = build_cube(agg.imports, cols, classes.n, w.months, countries)
    exp_cube = build_cube(agg.exports, {"value": "value"}, classes.n, w.months, countries)
    links = prices.links_for(inp, agg, classes.keys)
    out = []
    for flow, cube in (("imports", imp_cube), ("exports", exp_cube)):
        groups, cats = prices.splits(w, classes, cube, links, flow)
        out += [(flow, g, sp) for g, sp in groups.items()]
        out += [(flow, k, sp) for k, sp in zip(classes.keys, cats, strict=True)]
    return w, out


def test_value_index_is_price_times_volume_for_every_month_and_group():
    imports, exports = messy_rows()
    inp = make_input(imports, exports)
    w, splits = decomposed(inp, "2025-08")
    assert len(splits) == 2 * (2 + len(CATEGORIES))
    checked = 0
    for _flow, _group, sp in splits:
        for i, m in enumerate(w.months):
            if int(m[:4]) < 2023 or not np.isfinite(sp.price[i]):
                continue
            assert sp.value[i] == A(sp.price[i] * sp.volume[i] / 100.0, rel=1e-9, abs=1e-12)
            checked += 1
        for y in (2023, 2024):
            s = prices.span(w, sp, year_months(y))
            assert s.value == A(s.price * s.volume / 100.0, rel=1e-9, abs=1e-12)
    assert checked > 200
    # The value index is the brief's growth index (all lines), and the document's
    # since-base figures multiply: (1 + value) = (1 + price) × (1 + volume).
    m = metrics.compute(inp, "2025-08")
    ai = next(sp for flow, g, sp in splits if flow == "imports" and g == "ai")
    for month, value in m.get("index.ai.monthly").items():
        assert value == A(ai.value[w.rows([month])[0]], abs=1e-6)
    for key in ("annual.2024", "ytd"):
        v = m.get(f"imports.ai.since_base.{key}")
        p = m.get(f"prices.ai.since_base.{key}")
        q = m.get(f"volumes.ai.since_base.{key}")
        assert 1 + v == A((1 + p) * (1 + q), abs=5e-6)
    assert m.get("prices.ai.excluded.outliers") > 0
    assert m.get("prices.ai.excluded.unit_changes") == 12  # 2025-05 … 08 counts none


def test_the_document_passes_the_schema():
    from generator.analysis.document import validate_metrics

    imports, exports = messy_rows()
    validate_metrics(metrics.compute(make_input(imports, exports), "2025-08").doc)


def test_rows_without_quantity_columns_give_an_undefined_split():
    rows = [r[:7] for r in imp(span("2023-01", "2024-12"), AI_CH, TAIWAN, 1000, 10)]
    rows += [r[:7] for r in imp(span("2023-01", "2024-12"), LOW, CHINA, 500, 5)]
    cols = ["period", "hs10", "country_code", "value_con", "value_gen", "value_dutiable", "duty"]
    inp = make_input([], flat_exports(span("2023-01", "2024-12")))
    inp.imports = pd.DataFrame(rows, columns=cols)
    m = metrics.compute(inp, "2024-12")
    assert m.get("prices.ai.since_base.annual.2024") is None
    assert m.get("prices.ai.coverage.annual.2024") == 0.0 and not m.get("prices.ai.quotable")
