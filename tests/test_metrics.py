"""Tests for generator.analysis.metrics on small hand-built frames.

Every expected number is worked out by hand and written as a literal, with the
arithmetic in a comment. Conventions used throughout:

* money is rounded to whole USD, fractions to 6 decimals (hence pytest.approx);
* "AI" = tier high, "non-AI" = tier low; medium counts only in the total;
* codes flagged `excluded` in the classification count nowhere.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from generator.analysis.metrics import (
    DataInfo,
    Metrics,
    MetricsError,
    MetricsInput,
    MetricsOptions,
    compute,
)

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "generator" / "schemas" / "metrics.schema.json"

# ---- reference data ---------------------------------------------------------------------

AI_CH = "8471500150"  # high, compute_hardware
AI_EP = "8504400000"  # high, electrical_power
AI_CL = "8415100000"  # high, cooling_hvac
MED = "8542310000"  # medium: in totals only
LOW = "9403200000"  # low: non-AI
OIL = "2709002010"  # chapter 27, excluded
SPEC = "9999950000"  # chapter 99, excluded (and tagged high, to prove exclusion wins)

CLASSIFICATION = pd.DataFrame(
    [
        (AI_CH, "high", "compute_hardware", False),
        (AI_EP, "high", "electrical_power", False),
        (AI_CL, "high", "cooling_hvac", False),
        (MED, "medium", None, False),
        (LOW, "low", None, False),
        (OIL, "low", None, True),
        (SPEC, "high", "compute_hardware", True),
    ],
    columns=["hs10", "tier", "category", "excluded"],
)

CATEGORIES = {
    "compute_hardware": "Compute hardware",
    "electrical_power": "Electrical power",
    "cooling_hvac": "Cooling & HVAC",
}

CHINA, TAIWAN, MEXICO, CANADA = "5700", "5830", "2010", "1220"
OTHER = "4120"  # deliberately absent from the countries frame

COUNTRIES = pd.DataFrame(
    {
        "country_code": [CANADA, MEXICO, CHINA, TAIWAN],
        "name": ["Canada", "Mexico", "China", "Taiwan"],
    }
)

IMPORT_COLUMNS = [
    "period",
    "hs10",
    "country_code",
    "value_con",
    "value_gen",
    "value_dutiable",
    "duty",
    "qty1",
    "unit1",
]
EXPORT_COLUMNS = ["period", "hs10", "country_code", "value", "qty1", "unit1"]


# ---- builders ---------------------------------------------------------------------------


def months(start: str, end: str) -> list[str]:
    """Inclusive list of YYYY-MM between start and end."""
    y, m = int(start[:4]), int(start[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def year(y: int) -> list[str]:
    return months(f"{y}-01", f"{y}-12")


def imp(periods, hs10, country, value, duty=0.0, gen=None) -> list[tuple]:
    """One import row per period; value_gen defaults to value_con."""
    gen = value if gen is None else gen
    return [
        (p, hs10, country, float(value), float(gen), float(value), float(duty), 1.0, "NO")
        for p in periods
    ]


def exp(periods, hs10, country, value) -> list[tuple]:
    return [(p, hs10, country, float(value), 1.0, "NO") for p in periods]


def make_input(
    imports: list[tuple],
    exports: list[tuple],
    classification: pd.DataFrame = CLASSIFICATION,
    countries: pd.DataFrame = COUNTRIES,
    info: DataInfo | None = None,
) -> MetricsInput:
    return MetricsInput(
        imports=pd.DataFrame(imports, columns=IMPORT_COLUMNS),
        exports=pd.DataFrame(exports, columns=EXPORT_COLUMNS),
        classification=classification,
        categories=dict(CATEGORIES),
        countries=countries,
        info=info or DataInfo("sample", True),
    )


def run(imports, exports, month, **options) -> Metrics:
    return compute(make_input(imports, exports), month, MetricsOptions(base_year=2023, **options))


A = pytest.approx


# ---- datasets ---------------------------------------------------------------------------


def main_rows() -> tuple[list[tuple], list[tuple]]:
    """2023 complete, 2024-01..03 (edition 2024-03), plus 2024-04..05 that must be ignored.

    Imports per month
      2023:     AI_CH/TW 10 (duty 0), MED/CN 20, LOW/CN 30 (duty 3), OIL/CN 1000 (duty 500)
                -> total 60, AI 10, non-AI 30
      2024 Q1:  AI_CH/TW 20, AI_EP/CN 10 (duty 1), MED/CN 20, LOW/CN 40 (duty 4), OIL 1000
                -> total 90, AI 30, non-AI 40
      2024 Apr-May: AI_CH 5000, LOW 5000 (after the edition month)
    Exports per month
      2023:     AI_CH 5, MED 10, LOW 15 -> total 30
      2024 Q1:  AI_CH 10, MED 10, LOW 20 -> total 40
      2024 Apr-May: AI_CH 999, LOW 999
    """
    y23, q1, late = year(2023), months("2024-01", "2024-03"), months("2024-04", "2024-05")
    imports = (
        imp(y23, AI_CH, TAIWAN, 10)
        + imp(y23, MED, CHINA, 20)
        + imp(y23, LOW, CHINA, 30, duty=3)
        + imp(y23, OIL, CHINA, 1000, duty=500)
        + imp(q1, AI_CH, TAIWAN, 20)
        + imp(q1, AI_EP, CHINA, 10, duty=1)
        + imp(q1, MED, CHINA, 20)
        + imp(q1, LOW, CHINA, 40, duty=4)
        + imp(q1, OIL, CHINA, 1000, duty=500)
        + imp(late, AI_CH, TAIWAN, 5000)
        + imp(late, LOW, CHINA, 5000)
    )
    exports = (
        exp(y23, AI_CH, TAIWAN, 5)
        + exp(y23, MED, CHINA, 10)
        + exp(y23, LOW, CHINA, 15)
        + exp(q1, AI_CH, TAIWAN, 10)
        + exp(q1, MED, CHINA, 10)
        + exp(q1, LOW, CHINA, 20)
        + exp(late, AI_CH, TAIWAN, 999)
        + exp(late, LOW, CHINA, 999)
    )
    return imports, exports


@pytest.fixture
def main() -> Metrics:
    imports, exports = main_rows()
    return run(imports, exports, "2024-03")


def three_year_rows() -> tuple[list[tuple], list[tuple]]:
    """2022-01 .. 2025-04; editions 2025-02 / 2024-12 / 2024-11 use it.

    Imports per month (AI_CH from Taiwan, LOW from China)
      2022: AI 5,  LOW 50      annual AI 60,  LOW 600
      2023: AI 10, LOW 50      annual AI 120, LOW 600   (base year)
      2024: AI 15, LOW 60      annual AI 180, LOW 720
      2025-01..02: AI 20, LOW 66
      2025-03..04: AI 1000, LOW 1000 (after the 2025-02 edition)
    Exports: LOW 10 every month (only needed so every month exists in both flows).
    """
    imports = (
        imp(year(2022), AI_CH, TAIWAN, 5)
        + imp(year(2022), LOW, CHINA, 50)
        + imp(year(2023), AI_CH, TAIWAN, 10)
        + imp(year(2023), LOW, CHINA, 50)
        + imp(year(2024), AI_CH, TAIWAN, 15)
        + imp(year(2024), LOW, CHINA, 60)
        + imp(months("2025-01", "2025-02"), AI_CH, TAIWAN, 20)
        + imp(months("2025-01", "2025-02"), LOW, CHINA, 66)
        + imp(months("2025-03", "2025-04"), AI_CH, TAIWAN, 1000)
        + imp(months("2025-03", "2025-04"), LOW, CHINA, 1000)
    )
    exports = exp(months("2022-01", "2025-04"), LOW, CHINA, 10)
    return imports, exports


def rank_rows() -> tuple[list[tuple], list[tuple]]:
    """2023 complete + 2024-01..02 (edition 2024-02): B (Taiwan) overtakes A (China).

    AI imports per month            2023   2024
      A China   AI_CH               25     20
      B Taiwan  AI_CH               15     30
      C Canada  AI_EP                5      5
      D 4120    AI_CL                0     10   (not in the countries frame)
      Mexico    LOW only           100    100   (never an AI source)
    """
    y23, ytd = year(2023), months("2024-01", "2024-02")
    imports = (
        imp(y23, AI_CH, CHINA, 25)
        + imp(y23, AI_CH, TAIWAN, 15)
        + imp(y23, AI_EP, CANADA, 5)
        + imp(y23, LOW, MEXICO, 100)
        + imp(ytd, AI_CH, CHINA, 20)
        + imp(ytd, AI_CH, TAIWAN, 30)
        + imp(ytd, AI_EP, CANADA, 5)
        + imp(ytd, AI_CL, OTHER, 10)
        + imp(ytd, LOW, MEXICO, 100)
    )
    exports = exp(months("2023-01", "2024-02"), LOW, MEXICO, 10)
    return imports, exports


def partner_rows() -> tuple[list[tuple], list[tuple]]:
    """2023 complete + 2024-01..03 (edition 2024-03).

    Mexico per month   2023: AI_CH 10, LOW 20, MED 10   2024: AI_CH 20, LOW 25, MED 10
    Canada per month   2023: LOW 40                     2024: LOW 30
    """
    y23, q1 = year(2023), months("2024-01", "2024-03")
    imports = (
        imp(y23, AI_CH, MEXICO, 10)
        + imp(y23, LOW, MEXICO, 20)
        + imp(y23, MED, MEXICO, 10)
        + imp(y23, LOW, CANADA, 40)
        + imp(q1, AI_CH, MEXICO, 20)
        + imp(q1, LOW, MEXICO, 25)
        + imp(q1, MED, MEXICO, 10)
        + imp(q1, LOW, CANADA, 30)
    )
    exports = exp(months("2023-01", "2024-03"), LOW, CANADA, 10)
    return imports, exports


def constant_cf_rows() -> tuple[list[tuple], list[tuple]]:
    """2023 + 2024 with constant months, plus 2025-01..02 that the 2024-12 edition ignores.

    Imports per month  2023: AI 10, LOW 100    2024: AI 30, LOW 120
    Exports per month  2023: AI 5,  LOW 50     2024: AI 8,  LOW 60
    """
    y23, y24, late = year(2023), year(2024), months("2025-01", "2025-02")
    imports = (
        imp(y23, AI_CH, TAIWAN, 10)
        + imp(y23, LOW, CHINA, 100)
        + imp(y24, AI_CH, TAIWAN, 30)
        + imp(y24, LOW, CHINA, 120)
        + imp(late, AI_CH, TAIWAN, 9999)
        + imp(late, LOW, CHINA, 1)
    )
    exports = (
        exp(y23, AI_CH, TAIWAN, 5)
        + exp(y23, LOW, CHINA, 50)
        + exp(y24, AI_CH, TAIWAN, 8)
        + exp(y24, LOW, CHINA, 60)
        + exp(late, AI_CH, TAIWAN, 1)
        + exp(late, LOW, CHINA, 9999)
    )
    return imports, exports


def uneven_cf_rows() -> tuple[list[tuple], list[tuple]]:
    """2023 + 2024, months differ between the two halves of each year.

    Imports per month       Jan-Jun   Jul-Dec
      2023 AI               5         15        mean 10
      2023 LOW              80        120       mean 100
      2024 AI               20        40
      2024 LOW              90        110
    Exports per month
      2023 AI               4         4         mean 4
      2023 LOW              40        60        mean 50
      2024 AI               10        10
      2024 LOW              50        70
    """
    h1 = {y: months(f"{y}-01", f"{y}-06") for y in (2023, 2024)}
    h2 = {y: months(f"{y}-07", f"{y}-12") for y in (2023, 2024)}
    imports = (
        imp(h1[2023], AI_CH, TAIWAN, 5)
        + imp(h2[2023], AI_CH, TAIWAN, 15)
        + imp(h1[2023], LOW, CHINA, 80)
        + imp(h2[2023], LOW, CHINA, 120)
        + imp(h1[2024], AI_CH, TAIWAN, 20)
        + imp(h2[2024], AI_CH, TAIWAN, 40)
        + imp(h1[2024], LOW, CHINA, 90)
        + imp(h2[2024], LOW, CHINA, 110)
    )
    exports = (
        exp(year(2023), AI_CH, TAIWAN, 4)
        + exp(h1[2023], LOW, CHINA, 40)
        + exp(h2[2023], LOW, CHINA, 60)
        + exp(year(2024), AI_CH, TAIWAN, 10)
        + exp(h1[2024], LOW, CHINA, 50)
        + exp(h2[2024], LOW, CHINA, 70)
    )
    return imports, exports


def general_rows() -> tuple[list[tuple], list[tuple]]:
    """2023 only (edition 2023-12); value_gen differs from value_con.

    Imports per month: AI_CH/TW con 100, gen 120, duty 10; LOW/CN con 200, gen 250, duty 40
    Exports per month: AI_CH 50, LOW 50
    """
    y23 = year(2023)
    imports = imp(y23, AI_CH, TAIWAN, 100, duty=10, gen=120) + imp(
        y23, LOW, CHINA, 200, duty=40, gen=250
    )
    exports = exp(y23, AI_CH, TAIWAN, 50) + exp(y23, LOW, CHINA, 50)
    return imports, exports


def no_ai_rows() -> tuple[list[tuple], list[tuple]]:
    """2023 only, no AI-related trade at all: imports LOW 50, exports LOW 50 per month."""
    return imp(year(2023), LOW, CHINA, 50), exp(year(2023), LOW, CHINA, 50)


# ---- 1. totals, AI, non-AI, shares, balance ---------------------------------------------


def test_imports_total_ai_non_ai(main):
    # month 2024-03: total 20+10+20+40 = 90, AI 20+10 = 30, non-AI (low only) 40
    assert main.get("imports.total.month") == 90
    assert main.get("imports.ai.month") == 30
    assert main.get("imports.non_ai.month") == 40
    # 2023: 12 x 60 = 720, 12 x 10 = 120, 12 x 30 = 360
    assert main.get("imports.total.annual") == {"2023": 720}
    assert main.get("imports.ai.annual") == {"2023": 120}
    assert main.get("imports.non_ai.annual") == {"2023": 360}
    # ytd Jan-Mar 2024: 3 x 90, 3 x 30, 3 x 40
    assert main.get("imports.total.ytd") == 270
    assert main.get("imports.ai.ytd") == 90
    assert main.get("imports.non_ai.ytd") == 120


def test_medium_counts_in_total_only(main):
    # total - AI - non-AI = the medium tier: 90 - 30 - 40 = 20 (MED 20 per month)
    t, ai, non = (main.get(f"imports.{g}.month") for g in ("total", "ai", "non_ai"))
    assert t - ai - non == 20
    # exports: 40 - 10 - 20 = 10 (MED 10 per month)
    t, ai, non = (main.get(f"exports.{g}.month") for g in ("total", "ai", "non_ai"))
    assert t - ai - non == 10


def test_ai_share_imports(main):
    assert main.get("imports.ai_share.month") == A(0.333333)  # 30 / 90
    assert main.get("imports.ai_share.annual") == {"2023": A(0.166667)}  # 120 / 720
    assert main.get("imports.ai_share.ytd") == A(0.333333)  # 90 / 270
    assert main.get("imports.ai_share.monthly.2023-01") == A(0.166667)  # 10 / 60


def test_exports_totals_and_share(main):
    # month: total 10+10+20 = 40, AI 10, non-AI 20
    assert main.get("exports.total.month") == 40
    assert main.get("exports.ai.month") == 10
    assert main.get("exports.non_ai.month") == 20
    # 2023: 12 x 30 = 360, 12 x 5 = 60, 12 x 15 = 180
    assert main.get("exports.total.annual") == {"2023": 360}
    assert main.get("exports.ai.annual") == {"2023": 60}
    assert main.get("exports.non_ai.annual") == {"2023": 180}
    # ytd 3 x 40 = 120, 3 x 10 = 30
    assert main.get("exports.total.ytd") == 120
    assert main.get("exports.ai.ytd") == 30
    assert main.get("exports.ai_share.month") == A(0.25)  # 10 / 40
    assert main.get("exports.ai_share.annual") == {"2023": A(0.166667)}  # 60 / 360
    assert main.get("exports.ai_share.ytd") == A(0.25)  # 30 / 120


def test_balance_is_exports_minus_imports(main):
    assert main.get("balance.month") == -50  # 40 - 90
    assert main.get("balance.annual") == {"2023": -360}  # 360 - 720
    assert main.get("balance.ytd") == -150  # 120 - 270


# ---- 2. excluded chapters -----------------------------------------------------------------


def _excl_rows(with_excluded: bool) -> tuple[list[tuple], list[tuple]]:
    """2023 only. Per month: imports AI_CH/TW 10 (duty 1), LOW/CN 30 (duty 3);
    exports AI_CH 4, LOW 6. Optionally big excluded rows (ch. 27 and ch. 99, the
    latter even tagged high/compute_hardware) in both flows, with duty."""
    y23 = year(2023)
    imports = imp(y23, AI_CH, TAIWAN, 10, duty=1) + imp(y23, LOW, CHINA, 30, duty=3)
    exports = exp(y23, AI_CH, TAIWAN, 4) + exp(y23, LOW, CHINA, 6)
    if with_excluded:
        imports += imp(y23, OIL, MEXICO, 1_000_000, duty=90_000)
        imports += imp(y23, SPEC, OTHER, 2_000_000, duty=50_000)
        exports += exp(y23, OIL, MEXICO, 3_000_000) + exp(y23, SPEC, CANADA, 500_000)
    return imports, exports


@pytest.mark.parametrize("with_excluded", [False, True])
def test_excluded_chapters_change_nothing(with_excluded):
    m = run(*_excl_rows(with_excluded), "2023-12")
    assert m.get("imports.total.month") == 40  # 10 + 30
    assert m.get("imports.total.annual.2023") == 480  # 12 x 40
    assert m.get("imports.ai.annual.2023") == 120  # 12 x 10 (ch. 99 "high" row not AI)
    assert m.get("imports.non_ai.annual.2023") == 360  # 12 x 30 (ch. 27 "low" row not non-AI)
    assert m.get("exports.total.annual.2023") == 120  # 12 x (4 + 6)
    assert m.get("balance.annual.2023") == -360  # 120 - 480
    assert m.get("imports.ai_share.month") == A(0.25)  # 10 / 40
    assert m.get("tariffs.total.month") == A(0.1)  # (1 + 3) / 40
    assert m.get("tariffs.non_ai.month") == A(0.1)  # 3 / 30
    assert m.get("categories.0.imports.annual.2023") == 120  # compute hardware = AI_CH only
    # only Taiwan is an AI source; Mexico/4120 (excluded rows only) are not
    assert [s["country_code"] for s in m.get("sources")] == [TAIWAN]
    assert m.get("sources.0.share") == A(1.0)


# ---- 3. growth: year on year, since base; which years are annual ------------------------


def test_growth_annual_and_ytd():
    m = run(*three_year_rows(), "2025-02")
    # complete years up to the edition: 2022, 2023, 2024 (2025 partial; Mar-Apr ignored)
    assert m.get("period.complete_years") == [2022, 2023, 2024]
    assert m.get("imports.ai.annual") == {"2022": 60, "2023": 120, "2024": 180}
    assert m.get("imports.non_ai.annual") == {"2022": 600, "2023": 600, "2024": 720}
    # yoy annual only where the previous year is present: 120/60-1 = 1.0, 180/120-1 = 0.5
    assert m.get("imports.ai.yoy.annual") == {"2023": A(1.0), "2024": A(0.5)}
    # non-AI: 600/600-1 = 0, 720/600-1 = 0.2
    assert m.get("imports.non_ai.yoy.annual") == {"2023": A(0.0), "2024": A(0.2)}
    # since base (2023) only for years after it: 180/120-1 = 0.5; 720/600-1 = 0.2
    assert m.get("imports.ai.since_base.annual") == {"2024": A(0.5)}
    assert m.get("imports.non_ai.since_base.annual") == {"2024": A(0.2)}
    # ytd Jan-Feb 2025: AI 2 x 20 = 40 vs prior 2 x 15 = 30 -> 40/30-1 = 0.333333
    assert m.get("imports.ai.ytd") == 40
    assert m.get("imports.ai.prior_ytd") == 30
    assert m.get("imports.ai.yoy.ytd") == A(0.333333)
    # since base ytd: vs Jan-Feb 2023 = 2 x 10 = 20 -> 40/20-1 = 1.0
    assert m.get("imports.ai.since_base.ytd") == A(1.0)
    # non-AI ytd 2 x 66 = 132 vs 120 -> 0.1; vs base 100 -> 0.32
    assert m.get("imports.non_ai.yoy.ytd") == A(0.1)
    assert m.get("imports.non_ai.since_base.ytd") == A(0.32)
    # month 2025-02 vs 2024-02: 20/15-1 = 0.333333
    assert m.get("imports.ai.yoy.month") == A(0.333333)
    assert m.get("imports.ai.month") == 20


def test_rows_after_edition_month_are_ignored():
    m = run(*three_year_rows(), "2025-02")
    monthly = m.get("imports.ai.monthly")
    assert "2025-03" not in monthly and "2025-04" not in monthly
    assert list(monthly)[0] == "2022-01" and list(monthly)[-1] == "2025-02"
    assert len(monthly) == 38  # 3 x 12 + 2
    assert "2025" not in m.get("imports.ai.annual")
    assert m.get("imports.total.ytd") == 172  # 2 x (20 + 66); the 1000s of Mar/Apr never count


def test_december_edition_includes_its_year_and_ignores_later_rows():
    m = run(*three_year_rows(), "2024-12")
    assert m.get("period.complete_years") == [2022, 2023, 2024]
    assert m.get("imports.ai.annual") == {"2022": 60, "2023": 120, "2024": 180}
    assert m.get("imports.ai.ytd") == 180  # 12 x 15, 2025 rows ignored
    assert m.get("imports.ai.ytd_months") == 12
    assert m.get("imports.ai.yoy.ytd") == A(0.5)  # 180 / 120 - 1
    assert m.get("imports.ai.since_base.ytd") == A(0.5)  # same, base is the prior year


def test_november_edition_has_no_annual_for_its_year():
    m = run(*three_year_rows(), "2024-11")
    assert m.get("period.complete_years") == [2022, 2023]
    assert m.get("imports.ai.annual") == {"2022": 60, "2023": 120}
    assert m.get("imports.ai.yoy.annual") == {"2023": A(1.0)}
    assert m.get("imports.ai.since_base.annual") == {}  # no complete year after 2023
    assert m.get("imports.ai.ytd") == 165  # 11 x 15


def test_base_year_edition_has_no_prior_and_no_since_base():
    # data start in 2023 -> there is no 2022 to compare with
    imports, exports = main_rows()
    m = run(imports, exports, "2023-12")
    assert m.get("imports.ai.ytd") == 120  # 12 x 10
    assert m.get("imports.ai.prior_ytd") is None
    assert m.get("imports.ai.yoy.ytd") is None
    assert m.get("imports.ai.yoy.month") is None
    assert m.get("imports.ai.yoy.annual") == {}
    assert m.get("imports.ai.since_base.ytd") is None
    assert m.get("imports.ai.since_base.annual") == {}


# ---- 4. partial year --------------------------------------------------------------------


def test_partial_year_edition(main):
    assert main.month == "2024-03"
    assert main.get("month") == "2024-03"
    assert main.get("period.year") == 2024
    assert main.get("period.ytd_months") == 3
    assert main.get("period.prior_year") == 2023
    assert main.get("period.complete_years") == [2023]
    assert main.get("imports.total.ytd_months") == 3
    # prior ytd = Jan-Mar 2023: total 3 x 60, AI 3 x 10, non-AI 3 x 30
    assert main.get("imports.total.prior_ytd") == 180
    assert main.get("imports.ai.prior_ytd") == 30
    assert main.get("imports.non_ai.prior_ytd") == 90
    assert main.get("imports.total.yoy.ytd") == A(0.5)  # 270 / 180 - 1
    assert main.get("imports.ai.yoy.ytd") == A(2.0)  # 90 / 30 - 1
    assert main.get("imports.non_ai.yoy.ytd") == A(0.333333)  # 120 / 90 - 1
    assert main.get("imports.total.yoy.month") == A(0.5)  # 90 / 60 - 1
    # since base ytd compares with Jan-Mar 2023 too: 270 / 180 - 1
    assert main.get("imports.total.since_base.ytd") == A(0.5)
    # only 2023 is annual; 2024 is partial
    assert main.get("imports.total.annual") == {"2023": 720}
    assert main.get("imports.total.since_base.annual") == {}
    assert list(main.get("imports.total.monthly"))[-1] == "2024-03"


def test_data_starting_mid_year_has_no_annual_for_that_year():
    # 2022-07..2022-12 (AI 5/month) before the full 2023 and Q1 2024 of main_rows
    imports, exports = main_rows()
    h2 = months("2022-07", "2022-12")
    imports += imp(h2, AI_CH, TAIWAN, 5)
    exports += exp(h2, LOW, CHINA, 1)
    m = run(imports, exports, "2024-03")
    assert m.get("period.complete_years") == [2023]
    assert m.get("imports.ai.annual") == {"2023": 120}
    assert m.get("imports.ai.yoy.annual") == {}  # 2022 is incomplete
    assert m.get("data.first_month") == "2022-07"
    assert m.get("imports.ai.monthly.2022-07") == 5


# ---- 5. growth index ----------------------------------------------------------------------


def test_growth_index(main):
    # base means: total 60, AI 10, non-AI 30 per month
    assert main.get("index.base_year") == 2023
    assert main.get("index.ai.month") == A(300.0)  # 100 x 30 / 10
    assert main.get("index.non_ai.month") == A(133.333333)  # 100 x 40 / 30
    assert main.get("index.total.month") == A(150.0)  # 100 x 90 / 60
    assert main.get("index.ai.monthly.2023-05") == A(100.0)  # 100 x 10 / 10
    assert main.get("index.ai.monthly.2024-01") == A(300.0)


def test_growth_index_uneven_base_and_starts_at_base_year():
    m = run(*three_year_rows(), "2025-02")
    monthly = m.get("index.ai.monthly")
    assert "2022-12" not in monthly  # before the base year
    assert list(monthly)[0] == "2023-01"
    assert m.get("index.ai.month") == A(200.0)  # 100 x 20 / 10
    assert m.get("index.non_ai.month") == A(132.0)  # 100 x 66 / 50
    assert monthly["2024-06"] == A(150.0)  # 100 x 15 / 10

    u = run(*uneven_cf_rows(), "2024-12")
    # base AI months 5 (Jan-Jun) and 15 (Jul-Dec): mean 10
    assert u.get("index.ai.monthly.2023-01") == A(50.0)  # 100 x 5 / 10
    assert u.get("index.ai.monthly.2023-12") == A(150.0)  # 100 x 15 / 10
    assert u.get("index.ai.monthly.2024-07") == A(400.0)  # 100 x 40 / 10
    # base LOW months 80 / 120: mean 100
    assert u.get("index.non_ai.month") == A(110.0)  # 100 x 110 / 100


def test_growth_index_none_when_base_mean_is_zero():
    m = run(*no_ai_rows(), "2023-12")
    assert m.get("index.ai.month") is None
    assert m.get("index.non_ai.month") == A(100.0)


# ---- 6. tariffs ---------------------------------------------------------------------------


def test_effective_tariff_rates(main):
    # AI: 2024-03 duty 1 / value 30; 2023 duty 0 / 120; ytd 3 / 90
    assert main.get("tariffs.ai.month") == A(0.033333)
    assert main.get("tariffs.ai.annual") == {"2023": A(0.0)}
    assert main.get("tariffs.ai.ytd") == A(0.033333)
    # non-AI: 4 / 40, 36 / 360, 12 / 120
    assert main.get("tariffs.non_ai.month") == A(0.1)
    assert main.get("tariffs.non_ai.annual") == {"2023": A(0.1)}
    assert main.get("tariffs.non_ai.ytd") == A(0.1)
    # total (excluded OIL duty 500 ignored): (1 + 4) / 90; 36 / 720; 15 / 270
    assert main.get("tariffs.total.month") == A(0.055556)
    assert main.get("tariffs.total.annual") == {"2023": A(0.05)}
    assert main.get("tariffs.total.ytd") == A(0.055556)
    # gap = non-AI - AI: 0.1 - 0.033333; 0.1 - 0; 0.1 - 0.033333
    assert main.get("tariffs.gap.month") == A(0.066667)
    assert main.get("tariffs.gap.annual") == {"2023": A(0.1)}
    assert main.get("tariffs.gap.ytd") == A(0.066667)


def test_category_tariffs(main):
    cats = {c["key"]: c for c in main.get("categories")}
    assert cats["compute_hardware"]["tariff"]["month"] == A(0.0)  # 0 / 20
    assert cats["electrical_power"]["tariff"]["month"] == A(0.1)  # 1 / 10
    assert cats["electrical_power"]["tariff"]["ytd"] == A(0.1)  # 3 / 30
    assert cats["electrical_power"]["tariff"]["annual"] == {"2023": None}  # 0 / 0
    cool = cats["cooling_hvac"]["tariff"]  # 0 / 0 everywhere
    assert (cool["month"], cool["annual"], cool["ytd"]) == (None, {"2023": None}, None)


def test_import_value_consumption_default():
    m = run(*general_rows(), "2023-12")
    assert m.get("definitions.import_value") == "consumption"
    assert m.get("imports.ai.month") == 100
    assert m.get("imports.total.month") == 300  # 100 + 200
    assert m.get("balance.month") == -200  # 100 - 300


def test_import_value_general_keeps_consumption_tariff_denominator():
    m = run(*general_rows(), "2023-12", import_value="general")
    assert m.get("definitions.import_value") == "general"
    # values from value_gen: AI 120, non-AI 250, total 370; annual 12 x 370
    assert m.get("imports.ai.month") == 120
    assert m.get("imports.non_ai.month") == 250
    assert m.get("imports.total.month") == 370
    assert m.get("imports.total.annual.2023") == 4440
    assert m.get("imports.ai_share.month") == A(0.324324)  # 120 / 370
    assert m.get("balance.month") == -270  # 100 - 370
    assert m.get("sources.0.ai_imports") == 1440  # 12 x 120
    assert m.get("categories.0.imports.month") == 120
    # tariffs still duty / value_con: 10 / 100 (not 10 / 120 = 0.083333)
    assert m.get("tariffs.ai.month") == A(0.1)
    assert m.get("tariffs.non_ai.month") == A(0.2)  # 40 / 200 (not 40 / 250)
    assert m.get("tariffs.total.month") == A(0.166667)  # 50 / 300 (not 50 / 370)
    assert m.get("tariffs.gap.month") == A(0.1)  # 0.2 - 0.1
    assert m.get("categories.0.tariff.month") == A(0.1)


def test_ratio_changes_and_next_months(main):
    # ai share ytd 90/270 = 0.333333 vs prior Jan-Mar 2023 30/180 = 0.166667 -> +0.166666
    assert main.get("imports.ai_share.prior_ytd") == A(0.166667)
    assert main.get("imports.ai_share.change.ytd") == A(0.166666, abs=2e-6)
    assert main.get("imports.ai_share.change.annual") == {}  # only 2023 is complete
    # tariff gap: ytd 0.1 - 0.033333 = 0.066667; prior 9/90 - 0/30 = 0.1; change -0.033333
    assert main.get("tariffs.gap.prior_ytd") == A(0.1)
    assert main.get("tariffs.gap.change_ytd") == A(-0.033333, abs=2e-6)
    assert main.get("period.next_month") == "2024-04"
    assert main.get("period.next_release_month") == "2024-06"

    m = run(*three_year_rows(), "2024-12")
    # ai share annual: 2022 60/660 = 0.090909, 2023 120/720 = 0.166667, 2024 180/900 = 0.2
    assert m.get("imports.ai_share.annual") == {
        "2022": A(0.090909),
        "2023": A(0.166667),
        "2024": A(0.2),
    }
    # changes in points: 0.166667 - 0.090909 = 0.075758; 0.2 - 0.166667 = 0.033333
    assert m.get("imports.ai_share.change.annual") == {
        "2023": A(0.075758, abs=2e-6),
        "2024": A(0.033333, abs=2e-6),
    }
    assert m.get("imports.ai_share.change.since_base") == {"2024": A(0.033333, abs=2e-6)}
    assert m.get("period.next_month") == "2025-01"  # over the year boundary
    assert m.get("period.next_release_month") == "2025-03"


# ---- 7. categories ------------------------------------------------------------------------


def test_categories_order_labels_values(main):
    cats = main.get("categories")
    assert [(c["key"], c["label"]) for c in cats] == list(CATEGORIES.items())
    ch, ep, cl = cats
    # compute hardware: 20 in 2024-03, 12 x 10 in 2023, 3 x 20 ytd vs 3 x 10 prior
    assert ch["imports"]["month"] == 20
    assert ch["imports"]["annual"] == {"2023": 120}
    assert ch["imports"]["ytd"] == 60
    assert ch["imports"]["yoy"]["ytd"] == A(1.0)  # 60 / 30 - 1
    assert ch["imports"]["share_of_ai"] == {"annual": {"2023": A(1.0)}, "ytd": A(0.666667)}
    assert "monthly" not in ch["imports"]
    assert ch["exports"] == {"month": 10, "annual": {"2023": 60}, "ytd": 30}
    # electrical power: new in 2024 -> growth from zero is None
    assert ep["imports"]["month"] == 10
    assert ep["imports"]["annual"] == {"2023": 0}
    assert ep["imports"]["ytd"] == 30
    assert ep["imports"]["yoy"]["ytd"] is None
    assert ep["imports"]["yoy"]["month"] is None
    assert ep["imports"]["share_of_ai"] == {"annual": {"2023": A(0.0)}, "ytd": A(0.333333)}
    # categories add up to AI: 20 + 10 + 0 = 30
    assert sum(c["imports"]["month"] for c in cats) == main.get("imports.ai.month")


def test_category_without_trade_is_zero_and_none_safe(main):
    cl = main.get("categories.2")
    assert cl["key"] == "cooling_hvac"
    assert cl["imports"]["month"] == 0
    assert cl["imports"]["annual"] == {"2023": 0}
    assert cl["imports"]["ytd"] == 0
    assert cl["imports"]["prior_ytd"] == 0
    assert cl["imports"]["yoy"] == {"month": None, "ytd": None, "annual": {}}
    assert cl["imports"]["since_base"] == {"ytd": None, "annual": {}}
    assert cl["imports"]["share_of_ai"] == {"annual": {"2023": A(0.0)}, "ytd": A(0.0)}
    assert cl["exports"] == {"month": 0, "annual": {"2023": 0}, "ytd": 0}


def test_share_of_ai_is_none_when_there_is_no_ai_trade():
    m = run(*no_ai_rows(), "2023-12")
    assert m.get("imports.ai.month") == 0
    assert m.get("imports.ai_share.month") == A(0.0)  # 0 / 50
    assert m.get("tariffs.ai.month") is None  # 0 / 0
    assert m.get("tariffs.gap.month") is None
    assert m.get("tariffs.gap.annual") == {"2023": None}
    for c in m.get("categories"):
        assert c["imports"]["share_of_ai"] == {"annual": {"2023": None}, "ytd": None}
    assert m.get("sources") == []
    assert m.get("category_leaders") == []


# ---- 8. sources ---------------------------------------------------------------------------


def test_sources_main(main):
    # AI imports ytd: Taiwan 3 x 20 = 60, China 3 x 10 = 30; total 90
    # prior ytd (Jan-Mar 2023): Taiwan 30, China 0
    src = main.get("sources")
    assert [s["country_code"] for s in src] == [TAIWAN, CHINA]
    tw, cn = src
    assert tw["name"] == "Taiwan" and cn["name"] == "China"
    assert (tw["rank"], tw["ai_imports"], tw["share"]) == (1, 60, A(0.666667))
    assert (cn["rank"], cn["ai_imports"], cn["share"]) == (2, 30, A(0.333333))
    assert tw["prior_ai_imports"] == 30
    assert tw["prior_share"] == A(1.0)  # 30 / 30
    assert tw["prior_rank"] == 1
    assert tw["growth"] == A(1.0)  # 60 / 30 - 1
    assert cn["prior_ai_imports"] == 0
    assert cn["prior_share"] == A(0.0)
    assert cn["growth"] is None  # from zero


def test_sources_rank_change_and_names():
    m = run(*rank_rows(), "2024-02")
    # ytd (2 months): B 60, A 40, D 20, C 10 -> total 130; Mexico has no AI imports
    # prior (Jan-Feb 2023): A 50, B 30, C 10, D 0 -> total 90
    src = m.get("sources")
    assert [s["country_code"] for s in src] == [TAIWAN, CHINA, OTHER, CANADA]
    b, a, d, c = src
    assert (b["rank"], b["prior_rank"]) == (1, 2)  # B overtakes A
    assert (a["rank"], a["prior_rank"]) == (2, 1)
    assert b["ai_imports"] == 60 and a["ai_imports"] == 40
    assert b["share"] == A(0.461538)  # 60 / 130
    assert a["share"] == A(0.307692)  # 40 / 130
    assert d["share"] == A(0.153846)  # 20 / 130
    assert c["share"] == A(0.076923)  # 10 / 130
    assert b["prior_share"] == A(0.333333)  # 30 / 90
    assert a["prior_share"] == A(0.555556)  # 50 / 90
    assert b["growth"] == A(1.0)  # 60 / 30 - 1
    assert a["growth"] == A(-0.2)  # 40 / 50 - 1
    assert c["growth"] == A(0.0)  # 10 / 10 - 1
    assert (c["rank"], c["prior_rank"]) == (4, 3)
    assert d["growth"] is None  # from zero
    assert [s["name"] for s in src] == ["Taiwan", "China", OTHER, "Canada"]  # 4120 unnamed
    assert sum(s["share"] for s in src) == A(1.0, abs=1e-5)


def test_sources_top_limit():
    m = run(*rank_rows(), "2024-02", top_sources=2)
    assert [s["country_code"] for s in m.get("sources")] == [TAIWAN, CHINA]


def test_category_leaders():
    m = run(*rank_rows(), "2024-02")
    leaders = {row["key"]: row for row in m.get("category_leaders")}
    # compute hardware ytd: Taiwan 60 vs China 40 -> Taiwan 0.6
    assert leaders["compute_hardware"]["country_code"] == TAIWAN
    assert leaders["compute_hardware"]["share"] == A(0.6)
    assert leaders["electrical_power"]["name"] == "Canada"  # the only one
    assert leaders["electrical_power"]["share"] == A(1.0)
    assert leaders["cooling_hvac"]["country_code"] == OTHER


def test_prior_rank_is_none_without_prior_ai_imports():
    m = run(*rank_rows(), "2024-02")
    d = {s["country_code"]: s for s in m.get("sources")}[OTHER]
    # prior-year AI imports of 4120: 0 -> it was not a source, so it had no rank
    assert d["prior_ai_imports"] == 0
    assert d["prior_rank"] is None


# ---- 9. partners --------------------------------------------------------------------------


def test_partners_mexico_and_canada():
    m = run(*partner_rows(), "2024-03")
    partners = m.get("partners")
    assert [(p["country_code"], p["name"]) for p in partners] == [
        (MEXICO, "Mexico"),
        (CANADA, "Canada"),
    ]
    mx, ca = partners
    # Mexico ytd: total 3 x 55 = 165 vs 3 x 40 = 120 -> 0.375
    assert mx["total"] == {"ytd": 165, "prior_ytd": 120, "growth": A(0.375)}
    # AI 3 x 20 = 60 vs 3 x 10 = 30 -> 1.0
    assert mx["ai"] == {"ytd": 60, "prior_ytd": 30, "growth": A(1.0)}
    # non-AI 3 x 25 = 75 vs 3 x 20 = 60 -> 0.25
    assert mx["non_ai"] == {"ytd": 75, "prior_ytd": 60, "growth": A(0.25)}
    # Canada: no AI; non-AI = total: 3 x 30 = 90 vs 3 x 40 = 120 -> -0.25
    assert ca["total"] == {"ytd": 90, "prior_ytd": 120, "growth": A(-0.25)}
    assert ca["non_ai"] == {"ytd": 90, "prior_ytd": 120, "growth": A(-0.25)}
    assert ca["ai"] == {"ytd": 0, "prior_ytd": 0, "growth": None}


def test_partners_absent_from_data_are_skipped():
    m = run(*partner_rows(), "2024-03", partners=("2010", "9999"))
    assert [p["country_code"] for p in m.get("partners")] == [MEXICO]


# ---- 10. counterfactual -------------------------------------------------------------------


def test_counterfactual_constant_months():
    m = run(*constant_cf_rows(), "2024-12")
    assert m.get("period.complete_years") == [2023, 2024]
    # imports: base means AI 10, LOW 100. 2024: cf AI = 10 x 120/100 = 12;
    #   excess 30 - 12 = 18 per month -> 12 x 18 = 216
    # exports: base means AI 5, LOW 50. 2024: cf AI = 5 x 60/50 = 6;
    #   excess 8 - 6 = 2 per month -> 24
    # net 216 - 24 = 192
    # actual balance 2024: 12 x (8 + 60) - 12 x (30 + 120) = 816 - 1800 = -984
    # counterfactual balance: -984 + 192 = -792
    cf24 = m.get("counterfactual.annual.2024")
    assert cf24 == {
        "excess_imports": 216,
        "excess_exports": 24,
        "net_effect": 192,
        "actual_balance": -984,
        "counterfactual_balance": -792,
    }
    # base year: AI equals its own mean, LOW too -> no excess
    # actual 2023: 12 x 55 - 12 x 110 = -660
    assert m.get("counterfactual.annual.2023") == {
        "excess_imports": 0,
        "excess_exports": 0,
        "net_effect": 0,
        "actual_balance": -660,
        "counterfactual_balance": -660,
    }
    # the December edition's ytd is the whole of 2024; 2025 rows ignored
    assert m.get("counterfactual.ytd") == cf24
    assert set(m.get("counterfactual.annual")) == {"2023", "2024"}
    assert m.get("balance.annual.2024") == -984


def test_counterfactual_uneven_months():
    m = run(*uneven_cf_rows(), "2024-12")
    # imports, base means AI (5,15) -> 10, LOW (80,120) -> 100
    #   2024 H1: cf 10 x 90/100 = 9,   excess 20 - 9 = 11  x 6 = 66
    #   2024 H2: cf 10 x 110/100 = 11, excess 40 - 11 = 29 x 6 = 174  -> 240
    # exports, base means AI 4, LOW (40,60) -> 50
    #   2024 H1: cf 4 x 50/50 = 4,     excess 10 - 4 = 6     x 6 = 36
    #   2024 H2: cf 4 x 70/50 = 5.6,   excess 10 - 5.6 = 4.4 x 6 = 26.4 -> 62.4
    # net 240 - 62.4 = 177.6
    # actual 2024: exports 6 x 60 + 6 x 80 = 840; imports 6 x 110 + 6 x 150 = 1560 -> -720
    # counterfactual -720 + 177.6 = -542.4
    assert m.get("counterfactual.annual.2024") == {
        "excess_imports": 240,
        "excess_exports": 62,  # 62.4 rounded
        "net_effect": 178,  # 177.6 rounded
        "actual_balance": -720,
        "counterfactual_balance": -542,  # -542.4 rounded
    }
    # base year sums to zero even with uneven months:
    #   imports H1 5 - 10 x 0.8 = -3 (x6 = -18), H2 15 - 10 x 1.2 = 3 (x6 = 18)
    #   exports H1 4 - 4 x 0.8 = 0.8 (x6 = 4.8), H2 4 - 4 x 1.2 = -0.8 (x6 = -4.8)
    #   actual 2023: exports 6 x 44 + 6 x 64 = 648; imports 6 x 85 + 6 x 135 = 1320 -> -672
    cf23 = m.get("counterfactual.annual.2023")
    assert cf23["excess_imports"] == 0
    assert cf23["excess_exports"] == 0
    assert cf23["net_effect"] == 0
    assert cf23["actual_balance"] == -672
    assert cf23["counterfactual_balance"] == -672


def test_counterfactual_ytd_partial_year():
    m = run(*uneven_cf_rows(), "2024-06")
    # Jan-Jun 2024 only: excess imports 66, exports 36 -> net 30
    # actual ytd: exports 6 x 60 = 360, imports 6 x 110 = 660 -> -300; cf -300 + 30 = -270
    assert m.get("counterfactual.ytd") == {
        "excess_imports": 66,
        "excess_exports": 36,
        "net_effect": 30,
        "actual_balance": -300,
        "counterfactual_balance": -270,
    }
    assert set(m.get("counterfactual.annual")) == {"2023"}


def test_counterfactual_without_base_year_non_ai_trade_is_a_clear_error():
    # 2023: imports AI 10 + LOW 30 per month; exports AI 5 only (no low-tier exports):
    # the non-AI growth path of exports is undefined, so the edition is refused clearly.
    imports = imp(year(2023), AI_CH, TAIWAN, 10) + imp(year(2023), LOW, CHINA, 30)
    exports = exp(year(2023), AI_CH, TAIWAN, 5)
    with pytest.raises(MetricsError, match="no non-AI exports in base year 2023"):
        run(imports, exports, "2023-12")


# ---- 11. errors ---------------------------------------------------------------------------


def test_error_month_not_in_data():
    imports, exports = main_rows()  # 2023-01 .. 2024-05
    with pytest.raises(MetricsError, match=r"2024-07.*2023-01 … 2024-05"):
        run(imports, exports, "2024-07")


def test_error_month_only_in_one_flow():
    imports, exports = main_rows()
    imports += imp(["2024-06"], LOW, CHINA, 1)  # no exports for 2024-06
    with pytest.raises(MetricsError, match=r"2023-01 … 2024-05"):
        run(imports, exports, "2024-06")


def test_error_base_year_not_in_data():
    imports, exports = main_rows()  # starts 2023-01
    with pytest.raises(MetricsError, match=r"base year 2022"):
        compute(make_input(imports, exports), "2024-03", MetricsOptions(base_year=2022))


def test_error_base_year_incomplete_at_start():
    imports, exports = main_rows()
    imports = [r for r in imports if r[0] != "2023-01"]
    exports = [r for r in exports if r[0] != "2023-01"]
    with pytest.raises(MetricsError, match=r"base year 2023 is not complete"):
        run(imports, exports, "2024-03")


def test_error_base_year_after_edition_month():
    imports, exports = main_rows()
    with pytest.raises(MetricsError, match=r"base year 2023 is not complete"):
        run(imports, exports, "2023-06")


def test_error_gap_in_months():
    imports, exports = main_rows()
    imports = [r for r in imports if r[0] != "2023-06"]
    exports = [r for r in exports if r[0] != "2023-06"]
    with pytest.raises(MetricsError, match=r"2023-06"):
        run(imports, exports, "2024-03")


def test_error_code_missing_from_classification():
    imports, exports = main_rows()
    imports += imp(["2023-04"], "0101210010", CHINA, 7)
    with pytest.raises(MetricsError, match=r"0101210010"):
        run(imports, exports, "2024-03")


def test_error_ai_code_with_unknown_category():
    cls = pd.concat(
        [
            CLASSIFICATION,
            pd.DataFrame(
                [("8542390000", "high", "robots", False)], columns=list(CLASSIFICATION.columns)
            ),
        ],
        ignore_index=True,
    )
    imports, exports = main_rows()
    with pytest.raises(MetricsError, match=r"8542390000"):
        compute(make_input(imports, exports, classification=cls), "2024-03", MetricsOptions())


# ---- 12. document shape -------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_the_shipped_schema_is_valid_for_its_draft(schema):
    # document.validate_metrics does not check the schema at run time (it ships with the
    # code): this test does, on the file the package loads.
    from generator.analysis.document import metrics_schema

    assert metrics_schema() == schema
    jsonschema.validators.validator_for(schema).check_schema(schema)


@pytest.mark.parametrize(
    ("rows", "month"),
    [
        (main_rows, "2024-03"),
        (main_rows, "2023-12"),
        (three_year_rows, "2025-02"),
        (rank_rows, "2024-02"),
        (partner_rows, "2024-03"),
        (constant_cf_rows, "2024-12"),
        (uneven_cf_rows, "2024-06"),
        (general_rows, "2023-12"),
        (no_ai_rows, "2023-12"),
    ],
)
def test_document_validates_against_schema(schema, rows, month):
    imports, exports = rows()
    m = compute(
        make_input(imports, exports, info=DataInfo("census", False, "2025-05-06")),
        month,
        MetricsOptions(base_year=2023),
    )
    jsonschema.validate(m.doc, schema)
    # the document is plain JSON (no numpy scalars, no NaN)
    assert json.loads(json.dumps(m.doc, allow_nan=False)) == m.doc


def test_required_key_paths():
    m = compute(
        make_input(*main_rows(), info=DataInfo("census", False, "2024-05-06")),
        "2024-03",
        MetricsOptions(base_year=2023),
    )
    assert m.get("month") == "2024-03"
    assert m.get("schema") == "aibrief.metrics/1"
    assert m.get("data.source") == "census"
    assert m.get("data.sample") is False
    assert m.get("data.vintage") == "2024-05-06"
    assert m.get("data.latest_month")  # present and a month
    assert len(m.get("data.latest_month")) == 7
    for flow in ("imports", "exports"):
        for g in ("total", "ai", "non_ai"):
            for key in ("month", "annual.2023", "ytd", "ytd_months"):
                m.get(f"{flow}.{g}.{key}")
        m.get(f"{flow}.ai_share.month")
        m.get(f"{flow}.ai_share.annual.2023")
    for g in ("ai", "non_ai"):
        m.get(f"tariffs.{g}.month")
        m.get(f"tariffs.{g}.annual.2023")
    for key in (
        "excess_imports",
        "excess_exports",
        "net_effect",
        "actual_balance",
        "counterfactual_balance",
    ):
        m.get(f"counterfactual.annual.2023.{key}")
    for c in m.get("categories"):
        assert {"key", "label", "imports", "tariff"} <= set(c)
        assert "annual" in c["imports"] and "annual" in c["tariff"]
    for s in m.get("sources"):
        assert {"country_code", "name", "ai_imports", "share"} <= set(s)
    # dotted access through lists
    assert m.get("categories.0.key") == "compute_hardware"
    assert m.get("sources.0.country_code") == TAIWAN


def test_default_data_info(main):
    assert main.get("data.source") == "sample"
    assert main.get("data.sample") is True
    assert main.get("data.vintage") is None
    assert main.get("definitions.base_year") == 2023
