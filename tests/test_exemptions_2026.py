"""Exemption lists through 2026 (#16 item 4): the EO 14257 lists end on 2026-02-23, the
Section 122 list runs 2026-02-24 … 2026-07-24; a list counts for a month when in force
on at least half of its days; with no list in force, metrics and brief say so."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from generator.analysis.metrics import DataInfo, MetricsInput, MetricsOptions, compute
from generator.brief import narrative
from generator.brief.render import plain_text, render_html
from generator.classify.exemptions import ExemptionList, load_list, load_lists
from generator.data import schema
from tests.conftest import REPO

SHIPPED = REPO / "taxonomy" / "exemptions"
MONTHS_2026 = [f"2026-{m:02d}" for m in range(1, 9)]

# Codes of the hand-built frame and what each imports every month (AI total: 100).
COPPER_WIRE = "7408116000"  # EO 14257 Annex II only (not on the Section 122 list)
SERVER_CPU = "8471500150"  # EO electronics memorandum and Section 122 (84715001)
MAGNETS = "8505110070"  # Section 122 only (its one 10-digit code)
CABLE = "8544429000"  # AI-related, on no list
LOW = "0102291000"
VALUES = {COPPER_WIRE: 10.0, SERVER_CPU: 30.0, MAGNETS: 20.0, CABLE: 40.0, LOW: 60.0}
CATEGORY = {
    COPPER_WIRE: "specialty_materials",
    SERVER_CPU: "compute_hardware",
    MAGNETS: "electrical_power",
    CABLE: "networking_telecom",
}
LABELS = {  # the brief's seven categories (its templates name them); three hold no code
    "compute_hardware": "Compute hardware",
    "electrical_power": "Electrical power",
    "networking_telecom": "Networking & telecom",
    "cooling_hvac": "Cooling & HVAC",
    "building_structure": "Building & structure",
    "fire_safety_security": "Fire safety & security",
    "specialty_materials": "Specialty materials",
}


def frames(codes: dict[str, float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """2024-01 … 2026-08, every month the same values; duty 0 on every code but CABLE
    (4, i.e. 10%) and LOW (3). Exports: LOW 50."""
    rows, erows = [], []
    months = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)] + MONTHS_2026
    for p in months:
        for code, v in codes.items():
            duty = {CABLE: 4.0, LOW: 3.0}.get(code, 0.0)
            rows.append((p, code, "2010", v, v, v, duty, 1.0, "NO"))
        erows.append((p, LOW, "2010", 50.0, 1.0, "NO"))
    return (
        pd.DataFrame(rows, columns=list(schema.IMPORT_COLUMNS)),
        pd.DataFrame(erows, columns=list(schema.EXPORT_COLUMNS)),
    )


def metrics(lists: list, month: str, codes: dict[str, float] | None = None) -> dict:
    """The metrics document of the hand-built frame for `month` under these lists."""
    codes = codes or VALUES
    imports, exports = frames(codes)
    classification = pd.DataFrame(
        [
            (c, "high", CATEGORY[c], False) if c in CATEGORY else (c, "low", None, False)
            for c in codes
        ],
        columns=["hs10", "tier", "category", "excluded"],
    )
    inp = MetricsInput(
        imports=imports,
        exports=exports,
        classification=classification,
        categories=LABELS,
        countries=pd.DataFrame({"country_code": ["2010"], "name": ["Mexico"]}),
        info=DataInfo("files", False, "2026-10-06T00:00:00Z"),
        exemptions=lists,
    )
    return compute(inp, month, MetricsOptions(base_year=2024)).doc


def hand_list(folder: Path, key: str, effective: str, end: str, codes: list[str]) -> ExemptionList:
    text = (
        f"key: {key}\nname: {key}\nsource: Illustrative notice\n"
        f"effective: {effective}\nend: {end}\ncodes:\n" + "".join(f'  - "{c}"\n' for c in codes)
    )
    path = folder / f"{key}.yaml"
    path.write_text(text, encoding="utf-8")
    return load_list(path)


def by_category(doc: dict, key: str) -> float | None:
    return next(c for c in doc["exemptions"]["by_category"] if c["key"] == key)["share"]["month"]


# ---- the acceptance point: coverage by month, January to August 2026 --------------------


def test_coverage_by_month_follows_the_2026_lists(tmp_path):
    """Hand-built lists with the real dates: an electronics code on the EO 14257 list
    only, a power code on the Section 122 list only. By hand, the AI total is 100 a month:
    Jan–Feb the electronics code (30) is covered, 30/100; Mar–Jul the power code (20),
    20/100; in August no list counts, so the share is null."""
    eo = hand_list(tmp_path, "eo_electronics", "2025-04-05", "2026-02-23", ["8471"])
    s122 = hand_list(tmp_path, "s122", "2026-02-24", "2026-07-24", ["85051100"])
    doc = metrics([eo, s122], "2026-08")
    monthly = doc["exemptions"]["any"]["share"]["monthly"]
    expected = [0.3, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2, None]
    assert [monthly[m] for m in MONTHS_2026] == pytest.approx(expected)
    # Per category, edition by edition: covered (1.0), not covered (0.0), no list (null).
    cpu, magnets = [], []
    for month in MONTHS_2026:
        d = metrics([eo, s122], month)
        cpu.append(by_category(d, "compute_hardware"))
        magnets.append(by_category(d, "electrical_power"))
    assert cpu == [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, None]
    assert magnets == [0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, None]
    # 2025 counts the lists in force in its December (the EO list): 30·12 / 100·12.
    assert doc["exemptions"]["any"]["share"]["annual"]["2025"] == pytest.approx(0.3)
    assert monthly["2025-03"] is None and monthly["2025-04"] == pytest.approx(0.3)


def test_coverage_by_month_under_the_shipped_lists():
    """The same months under the lists as shipped. By hand (AI total 100 a month):
    Jan–Feb the EO lists cover copper wire (10) and the CPU (30): 0.40; Mar–Jul the
    Section 122 list covers the CPU (30) and the magnets (20): 0.50; August: null."""
    lists = load_lists(SHIPPED)
    docs = {m: metrics(lists, m) for m in MONTHS_2026}
    monthly = docs["2026-08"]["exemptions"]["any"]["share"]["monthly"]
    assert [monthly[m] for m in MONTHS_2026] == pytest.approx(
        [0.4, 0.4, 0.5, 0.5, 0.5, 0.5, 0.5, None]
    )
    copper = [by_category(docs[m], "specialty_materials") for m in MONTHS_2026]
    magnets = [by_category(docs[m], "electrical_power") for m in MONTHS_2026]
    cpu = [by_category(docs[m], "compute_hardware") for m in MONTHS_2026]
    assert copper == [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, None]
    assert magnets == [0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, None]
    assert cpu == [1.0] * 7 + [None]
    # Year to date: the codes of the lists counting for the edition month, over Jan–that
    # month. February: EO codes, (10+30)·2 / 200 = 0.40. July: Section 122 codes,
    # (30+20)·7 / 700 = 0.50. August: no list counts, null.
    ytd = {m: docs[m]["exemptions"]["any"]["share"]["ytd"] for m in ("2026-02", "2026-07")}
    assert ytd == {"2026-02": pytest.approx(0.4), "2026-07": pytest.approx(0.5)}
    assert docs["2026-08"]["exemptions"]["any"]["share"]["ytd"] is None
    # Tariffs in July: the exempt part paid 0 on 50; the rest 4 (cable) on 10+40 = 8%.
    t = docs["2026-07"]["exemptions"]["tariffs"]
    assert t["exempt"]["month"] == 0.0 and t["non_exempt"]["month"] == pytest.approx(0.08)
    assert t["gap"]["month"] == pytest.approx(0.08)
    # August: no exempt part to measure, so no rates and no gap (null, not 0).
    t = docs["2026-08"]["exemptions"]["tariffs"]
    assert t["exempt"]["month"] is None and t["non_exempt"]["month"] is None
    assert t["gap"]["month"] is None and t["gap"]["ytd"] is None
    per_list = {x["key"]: x["share"]["month"] for x in docs["2026-07"]["exemptions"]["lists"]}
    assert per_list == {
        "reciprocal_annex_ii": None,  # does not count for July
        "reciprocal_electronics": None,
        "section122_annex_ii": pytest.approx(0.5),
    }


# ---- the half-month rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effective", "end", "month", "counts"),
    [
        ("2026-03-16", None, "2026-03", True),  # 16 of 31 days
        ("2026-03-17", None, "2026-03", False),  # 15 of 31: under half
        ("2026-01-01", "2026-04-15", "2026-04", True),  # 15 of 30: exactly half
        ("2026-01-01", "2026-04-14", "2026-04", False),  # 14 of 30
        ("2026-02-15", None, "2026-02", True),  # 14 of 28: exactly half
        ("2026-02-16", None, "2026-02", False),  # 13 of 28
        ("2028-01-01", "2028-02-15", "2028-02", True),  # 15 of 29 (leap year)
        ("2028-01-01", "2028-02-14", "2028-02", False),  # 14 of 29: under half
        ("2026-05-10", "2026-05-10", "2026-05", False),  # one day
        ("2026-05-01", "2026-05-31", "2026-06", False),  # ended the month before
        ("2026-05-01", "2026-05-31", "2026-05", True),  # the whole month
    ],
)
def test_a_list_counts_when_in_force_half_the_month(effective, end, month, counts):
    lst = ExemptionList(
        "x",
        "x",
        "test",
        date.fromisoformat(effective),
        date.fromisoformat(end) if end else None,
        ("8471",),
        "x.yaml",
    )
    assert lst.in_force(month) is counts


@pytest.mark.parametrize(
    ("month", "in_force", "none_since"),
    [
        ("2025-03", [], None),  # before any list: nothing ended either
        ("2025-04", ["reciprocal_annex_ii", "reciprocal_electronics"], None),  # 26 of 30 days
        ("2026-02", ["reciprocal_annex_ii", "reciprocal_electronics"], None),  # 23 of 28
        ("2026-03", ["section122_annex_ii"], None),
        ("2026-07", ["section122_annex_ii"], None),  # July 1–24: 24 of 31
        ("2026-08", [], "2026-07-25"),
    ],
)
def test_in_force_names_the_lists_counting_for_the_edition_month(month, in_force, none_since):
    ex = metrics(load_lists(SHIPPED), month)["exemptions"]
    assert ex["in_force"] == in_force
    assert ex["none_since"] == none_since


def test_no_none_since_while_a_list_is_in_force_part_of_the_month(tmp_path):
    """A list from August 20 (12 of 31 days) does not count for August, but "no list in
    force since July 25" would be false."""
    a = hand_list(tmp_path, "a", "2026-02-24", "2026-07-24", ["8471"])
    b = hand_list(tmp_path, "b", "2026-08-20", "2026-12-31", ["8471"])
    ex = metrics([a, b], "2026-08")["exemptions"]
    assert ex["in_force"] == [] and ex["none_since"] is None
    assert metrics([a], "2026-08")["exemptions"]["none_since"] == "2026-07-25"


# ---- what the brief says -------------------------------------------------------------------


def brief_text(doc: dict) -> tuple[str, str]:
    """The narrative's "between the lines" paragraph and the page's Method line."""
    n = narrative.write(doc, REPO / "templates" / "narrative")
    page, _ = render_html(doc, n, [], REPO / "templates")
    text = " ".join(plain_text(page).split())
    between = " ".join(" ".join(n.between_the_lines).split())  # the section's bullets
    return between, text[text.index("Method:") : text.index("Data:")]


def test_with_no_list_in_force_the_brief_says_so_instead_of_zero():
    doc = metrics(load_lists(SHIPPED), "2026-08")
    assert doc["exemptions"]["in_force"] == []
    between, method = brief_text(doc)
    assert "There has been no exemption list in force since July 25, 2026." in between
    assert "on an exemption list" not in between
    assert not re.search(r"(?<![\d.])0%", between)  # no zero share (a rate 10.0% is fine)
    assert "Exemption coverage" not in method and "USMCA" not in method


def test_the_method_names_the_lists_that_count_and_the_usmca_caveat():
    july, feb, dec = (metrics(load_lists(SHIPPED), m) for m in ("2026-07", "2026-02", "2025-12"))
    between, method = brief_text(july)
    # By hand: Section 122 codes over Jan–Jul, (30+20)·7 / 100·7 = 50%.
    assert "50% of AI-related imports in January–July 2026 were on an exemption list" in between
    assert (
        "Products exempt from the Section 122 import surcharge (Annex II) (from February 24, "
        "2026 until July 24, 2026)." in method
    )
    assert (
        "The Section 122 surcharge also exempts USMCA-qualifying goods of Canada and Mexico, "
        "which trade data cannot identify by code, so coverage understates what is exempt."
        in method
    )
    assert "reciprocal tariffs" not in method
    _, method = brief_text(feb)
    assert "Electronics excluded from the reciprocal tariffs (from April 5, 2025 until " in method
    assert "Section 122" not in method and "USMCA" not in method
    # December 2025: the end (known only on February 20, 2026) is not foreseen.
    _, method = brief_text(dec)
    assert (
        "Annex II exceptions to the reciprocal tariffs (from April 5, 2025); Electronics "
        "excluded from the reciprocal tariffs (from April 5, 2025)." in method
    )
    assert "2026" not in method
