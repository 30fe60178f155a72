"""The embedded sample: deterministic, well-formed, and calibrated to docs/CALIBRATION.md."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.classify.taxonomy import load_taxonomy
from generator.data.schema import (
    COMMODITY_COLUMNS,
    COUNTRY_COLUMNS,
    EXPORT_COLUMNS,
    IMPORT_COLUMNS,
    conform,
)
from generator.data.sources import TradeData, sample
from generator.data.sources import sample_catalog as catalog
from generator.errors import UserError

RULES = Path(__file__).resolve().parents[1] / "taxonomy" / "ai_products.yaml"
EXCLUDED = [27, 71, 98, 99]
AI = [
    "compute_hardware",
    "electrical_power",
    "networking_telecom",
    "cooling_hvac",
    "building_structure",
    "fire_safety_security",
    "specialty_materials",
]

# Published aggregates (USD billions), written out here on purpose: the test must not
# read the targets from the code it checks.
IMPORT_TARGETS = {
    "compute_hardware": (144, 203, 353),
    "electrical_power": (117, 128, 142),
    "networking_telecom": (63, 79, 100),
    "cooling_hvac": (42, 44, 48),
    "building_structure": (12, 11, 10),
    "fire_safety_security": (0.5, 0.5, 0.5),
    "specialty_materials": (0.5, 0.5, 0.5),
    "ai": (379, 466, 654),
    "medium": (384, 387, 349),
    "low": (1835, 1939, 1881),
    "total": (2598, 2792, 2884),
}
EXPORT_TARGETS = {
    "compute_hardware": (95, 113, 135),
    "electrical_power": (60, 67, 75),
    "networking_telecom": (40, 46, 54),
    "cooling_hvac": (20, 23, 25),
    "building_structure": (5, 6, 6),
    "fire_safety_security": (1, 1, 1.5),
    "specialty_materials": (1, 2, 1.5),
    "ai": (222, 258, 298),
    "medium": (230, 232, 228),
    "low": (1100, 1111, 1122),
    "total": (1552, 1601, 1648),
}
YEARS = (2023, 2024, 2025)
# The default sample runs to September 2026 (the latest month Census had released by
# early December 2026); 2026 is an illustrative continuation.
MONTHS = [f"{y}-{m:02d}" for y in YEARS for m in range(1, 13)] + [
    f"2026-{m:02d}" for m in range(1, 10)
]


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(RULES, EXCLUDED)


@pytest.fixture(scope="module")
def data() -> TradeData:
    return sample.generate()


@pytest.fixture(scope="module")
def scaled() -> TradeData:
    return sample.generate(scale=2.5)


def _label(frame: pd.DataFrame, taxonomy) -> pd.DataFrame:
    """Add year and group (AI category, medium, low or excluded) from the rules."""
    cl = taxonomy.classify_frame(frame["hs10"].unique()).set_index("hs10")
    group = np.where(
        cl["excluded"], "excluded", np.where(cl["tier"] == "high", cl["category"], cl["tier"])
    )
    groups = pd.Series(group, index=cl.index).astype(str)
    return frame.assign(
        group=frame["hs10"].map(groups).astype(str).to_numpy(),
        year=frame["period"].str[:4].astype(int).to_numpy(),
    )


def _annual(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """USD billions by group and year, with ai and total (excluded chapters dropped)."""
    table = frame.groupby(["group", "year"])[value].sum().unstack("year") / 1e9
    table.loc["ai"] = table.loc[AI].sum()
    table.loc["total"] = table.loc[["ai", "medium", "low"]].sum()
    return table


@pytest.fixture(scope="module")
def imports(data, taxonomy) -> pd.DataFrame:
    return _label(data.imports, taxonomy)


@pytest.fixture(scope="module")
def exports(data, taxonomy) -> pd.DataFrame:
    return _label(data.exports, taxonomy)


@pytest.fixture(scope="module")
def annual(imports, exports) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _annual(imports, "value_con"), _annual(exports, "value")


def _rate(frame: pd.DataFrame) -> float:
    return float(frame["duty"].sum() / frame["value_con"].sum())


# --- Determinism ------------------------------------------------------------------------


def test_same_arguments_give_identical_frames(data):
    again = sample.generate()
    for name in ("imports", "exports", "countries", "commodities"):
        pd.testing.assert_frame_equal(getattr(data, name), getattr(again, name))


def test_different_seed_changes_numbers_not_annual_totals(data, taxonomy, annual):
    other = sample.generate(seed=7)
    assert not other.imports["value_con"].equals(data.imports["value_con"])
    imp = _annual(_label(other.imports, taxonomy), "value_con")
    # Calibrated years only: January-September 2026 is not a total the sample solves for.
    years = list(YEARS)
    pd.testing.assert_frame_equal(imp.loc[annual[0].index, years], annual[0][years], rtol=1e-6)


def test_a_month_does_not_depend_on_the_range(data):
    part = sample.generate(start="2024-11", end="2025-02")
    months = data.imports["period"].between("2024-11", "2025-02")
    pd.testing.assert_frame_equal(part.imports, data.imports[months].reset_index(drop=True))


def test_params_and_labels(data):
    assert data.source == "sample"
    assert data.sample is True
    assert data.params == {
        "seed": 2025,
        "scale": 1.0,
        "start": "2023-01",
        "end": "2026-09",
        "version": sample.VERSION,
    }
    assert "ILLUSTRATIVE SYNTHETIC" in sample.__doc__


# --- Schema -----------------------------------------------------------------------------


def test_frames_conform_to_the_schema(data):
    for frame, columns in (
        (data.imports, IMPORT_COLUMNS),
        (data.exports, EXPORT_COLUMNS),
        (data.countries, COUNTRY_COLUMNS),
        (data.commodities, COMMODITY_COLUMNS),
    ):
        assert list(frame.columns) == list(columns)
        pd.testing.assert_frame_equal(conform(frame, columns), frame)
        assert not frame.isna().any().any()


def test_codes_are_well_formed(data):
    for frame in (data.imports, data.exports):
        assert frame["hs10"].str.fullmatch(r"\d{10}").all()
        assert frame["country_code"].str.fullmatch(r"\d{4}").all()
        assert frame["period"].str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").all()
    assert data.imports["hs10"].str.startswith("0").any()
    assert sorted(data.imports["period"].unique()) == MONTHS


def test_values_are_consistent(data):
    imp = data.imports
    assert (imp["value_con"] > 0).all()
    assert (imp["value_gen"] >= imp["value_con"]).all()
    assert (imp["value_gen"] <= imp["value_con"] * 1.031).all()
    assert (imp["duty"] >= 0).all()
    dutiable = imp["value_dutiable"] > 0
    assert (imp.loc[dutiable, "value_dutiable"] == imp.loc[dutiable, "value_con"]).all()
    assert (imp.loc[~dutiable, "duty"] == 0).all()
    for frame in (imp, data.exports):
        no_qty = frame["unit1"] == "X"
        assert (frame.loc[no_qty, "qty1"] == 0).all()
        assert (frame.loc[~no_qty, "qty1"] >= 1).all()


def test_reference_tables_name_every_code(data):
    used = set(data.imports["country_code"]) | set(data.exports["country_code"])
    assert set(data.countries["country_code"]) == used
    assert data.countries["name"].str.len().gt(0).all()
    codes = set(data.imports["hs10"]) | set(data.exports["hs10"])
    assert set(data.commodities["hs10"]) == codes
    assert data.commodities["hs10"].is_unique
    assert data.commodities["description"].str.len().gt(0).all()


def test_every_chapter_is_present(data):
    chapters = {int(code[:2]) for code in data.imports["hs10"].unique()}
    assert chapters == set(range(1, 100)) - {77}


def test_partners_are_real_census_codes(data):
    names = dict(zip(data.countries["country_code"], data.countries["name"], strict=True))
    assert len(names) >= 45
    assert all(re.fullmatch(r"\d{4}", code) for code in names)
    known = {"1220": "Canada", "2010": "Mexico", "5700": "China", "5830": "Taiwan"}
    for code, name in known.items():
        assert names[code] == name
    assert names["5800"] == "Korea, South"


def test_not_every_pair_trades_every_month(data):
    pairs = data.imports.groupby(["hs10", "country_code"]).size()
    assert (pairs < 45).mean() > 0.2  # small partners trade only some months
    assert (pairs == 45).mean() > 0.05  # big ones every month
    rows = data.imports.groupby("period").size()
    assert rows.between(5_000, 12_000).all()


# --- Catalogue and rules ----------------------------------------------------------------


def _check_groups(codes: pd.DataFrame, taxonomy) -> list[str]:
    wrong = []
    for hs10, group in zip(codes["hs10"], codes["group"], strict=True):
        c = taxonomy.classify(hs10)
        if group == "excluded":
            ok = c.excluded
        elif group in ("medium", "low"):
            ok = not c.excluded and c.tier == group
        else:
            ok = not c.excluded and c.tier == "high" and c.category == group
        if not ok:
            wrong.append(f"{hs10}: catalogue {group}, rules {c.tier}/{c.category}")
    return wrong


def test_catalogue_groups_match_the_rules(taxonomy):
    products = pd.DataFrame(
        {"hs10": [p.hs10 for p in catalog.PRODUCTS], "group": [p.group for p in catalog.PRODUCTS]}
    )
    assert products["hs10"].is_unique
    assert _check_groups(products, taxonomy) == []


def test_scaled_codes_keep_their_group(taxonomy):
    lines = sample.catalogue(scale=20)
    assert lines["hs10"].is_unique
    assert (lines["hs10"].str[:8] == lines["base_hs10"].str[:8]).all()
    assert _check_groups(lines, taxonomy) == []


def test_catalogue_is_complete():
    groups = pd.Series([p.group for p in catalog.PRODUCTS])
    counts = groups.value_counts()
    for group in AI:
        assert counts[group] >= 3
    assert 15 <= counts["medium"] <= 45
    for p in catalog.PRODUCTS:
        assert re.fullmatch(r"\d{10}", p.hs10)
        assert p.unit1 == "X" or p.unit_price > 0
        assert 0 <= p.duty <= 0.2
        assert p.exempt == p.hs10.startswith(catalog.RECIPROCAL_EXEMPT_PREFIXES)


def test_exemption_follows_the_prefix_list():
    assert catalog.is_exempt("8471500150")
    assert catalog.is_exempt("8542310001")
    assert catalog.is_exempt("8517620010")
    # The lists name 10-digit codes: a made-up suffix of a scaled sample is not on them.
    assert not catalog.is_exempt("8471500151")
    assert not catalog.is_exempt("8517690000")
    assert not catalog.is_exempt("8504409580")
    assert catalog.is_exempt("7408116000") and catalog.is_exempt("8112926000")  # Annex II
    assert not catalog.is_exempt("8541430010")  # solar panels are not excepted


def test_the_surcharge_exemption_agrees_with_the_shipped_section_122_list():
    """The sample's duties under the surcharge follow its own prefixes (as for the
    reciprocal tariffs, tests/test_exemptions.py); they must agree with the list."""
    from generator.classify.exemptions import load_lists

    lists = load_lists(RULES.parent / "exemptions")
    in_force = [x for x in lists if x.in_force("2026-04")]
    assert [x.key for x in in_force] == ["section122_annex_ii"]
    disagree = [
        p.hs10 for p in catalog.PRODUCTS if p.surcharge_exempt != in_force[0].covers(p.hs10)
    ]
    assert disagree == []
    assert not [x for x in lists if x.in_force("2026-08")]  # lapsed: nothing in force


# --- Calibration ------------------------------------------------------------------------


@pytest.mark.parametrize("flow", ["imports", "exports"])
def test_annual_sums_match_published_targets(annual, flow):
    table, targets = (
        (annual[0], IMPORT_TARGETS) if flow == "imports" else (annual[1], EXPORT_TARGETS)
    )
    for group, values in targets.items():
        for year, target in zip(YEARS, values, strict=True):
            got = table.loc[group, year]
            assert got == pytest.approx(target, rel=0.02), (flow, group, year, got)


def test_excluded_chapters_come_on_top(annual):
    imports, exports = annual
    assert imports.loc["excluded"].between(300, 600).all()
    assert exports.loc["excluded"].between(300, 600).all()


def test_headline_figures(annual):
    imp, exp = annual
    share = imp.loc["ai", 2025] / imp.loc["total", 2025]
    growth = imp.loc["ai", 2025] / imp.loc["ai", 2023] - 1
    excess_imp = (
        imp.loc["ai", 2025] - imp.loc["ai", 2023] * imp.loc["low", 2025] / imp.loc["low", 2023]
    )
    excess_exp = (
        exp.loc["ai", 2025] - exp.loc["ai", 2023] * exp.loc["low", 2025] / exp.loc["low", 2023]
    )
    assert share == pytest.approx(0.227, abs=0.01)
    assert growth == pytest.approx(0.726, abs=0.03)
    assert excess_imp - excess_exp == pytest.approx(194, abs=10)


def test_sources_of_ai_imports(imports):
    ai25 = imports[imports["group"].isin(AI) & (imports["year"] == 2025)]
    shares = ai25.groupby("country_code")["value_con"].sum() / ai25["value_con"].sum()
    assert 0.20 <= shares["2010"] <= 0.30  # Mexico
    assert 0.20 <= shares["5830"] <= 0.30  # Taiwan
    compute = ai25[ai25["group"] == "compute_hardware"].groupby("country_code")["value_con"].sum()
    assert compute.idxmax() == "5830"
    ai = imports[imports["group"].isin(AI)]
    china = ai[ai["country_code"] == "5700"].groupby("year")["value_con"].sum()
    total = ai.groupby("year")["value_con"].sum()
    assert china[2023] / total[2023] > 0.10  # China falling
    assert china[2025] / total[2025] < 0.07


def test_mexico_and_canada_in_2025(imports):
    core = imports[imports["group"] != "excluded"]
    by = core.groupby(["country_code", "year"])["value_con"].sum()
    mexico = by["2010"][2025] / by["2010"][2024] - 1
    canada = by["1220"][2025] / by["1220"][2024] - 1
    ai = core[core["group"].isin(AI)].groupby(["country_code", "year"])["value_con"].sum()
    mexico_ai = ai["2010"][2025] / ai["2010"][2024] - 1
    assert mexico == pytest.approx(0.06, abs=0.03)
    assert canada == pytest.approx(-0.08, abs=0.03)
    assert mexico_ai == pytest.approx(0.41, abs=0.10)


def test_exports_go_first_to_canada_and_mexico(data):
    top = data.exports.groupby("country_code")["value"].sum().nlargest(2)
    assert set(top.index) == {"1220", "2010"}


def test_front_loading_before_april_2025(imports):
    low = imports[imports["group"] == "low"].groupby("period")["value_con"].sum()
    q1 = low[["2025-01", "2025-02", "2025-03"]].sum()
    q2 = low[["2025-04", "2025-05", "2025-06"]].sum()
    q4 = low[["2024-10", "2024-11", "2024-12"]].sum()
    assert q1 > q4 * 1.02
    assert q1 > q2 * 1.05


def test_ai_divergence_accelerates(imports):
    monthly = imports.groupby(["group", "year"])["value_con"].sum()
    ai = sum(monthly[g] for g in AI)
    low = monthly["low"]
    ratio = ai / low
    assert ratio[2024] / ratio[2023] < ratio[2025] / ratio[2024]


# --- Tariffs ----------------------------------------------------------------------------


def test_effective_tariff_rates(imports):
    ai = imports[imports["group"].isin(AI)]
    low = imports[imports["group"] == "low"]
    assert _rate(ai[ai["year"] == 2024]) == pytest.approx(0.018, abs=0.003)
    assert _rate(low[low["year"] == 2024]) == pytest.approx(0.027, abs=0.003)
    assert _rate(ai[ai["period"] == "2025-12"]) == pytest.approx(0.045, abs=0.010)
    assert _rate(low[low["period"] == "2025-12"]) == pytest.approx(0.12, abs=0.01)
    assert _rate(low[low["period"] == "2025-05"]) == pytest.approx(0.085, abs=0.005)


def test_exempt_compute_hardware_pays_little(imports):
    dec = imports[imports["period"] == "2025-12"]
    compute = dec[dec["group"] == "compute_hardware"]
    power = dec[dec["group"] == "electrical_power"]
    assert _rate(compute) < 0.02 < _rate(power)


# --- Scale and arguments ----------------------------------------------------------------


def test_scale_adds_rows_not_value(data, scaled, taxonomy, annual):
    assert len(scaled.imports) > 2 * len(data.imports)
    assert scaled.commodities["hs10"].nunique() > 2 * data.commodities["hs10"].nunique()
    imp = _annual(_label(scaled.imports, taxonomy), "value_con")
    exp = _annual(_label(scaled.exports, taxonomy), "value")
    pd.testing.assert_frame_equal(imp.loc[annual[0].index], annual[0], rtol=0.01)
    pd.testing.assert_frame_equal(exp.loc[annual[1].index], annual[1], rtol=0.01)


def test_months_outside_the_calibrated_years():
    d = sample.generate(start="2013-01", end="2026-12")
    assert d.imports["period"].min() == "2013-01"
    assert d.imports["period"].max() == "2026-12"
    by_year = d.imports.groupby(d.imports["period"].str[:4])["value_con"].sum()
    growth = by_year.pct_change().dropna()
    assert growth.between(-0.15, 0.25).all()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"scale": 0.5},
        {"start": "2012-12"},
        {"start": "2025-13"},
        {"start": "2025-06", "end": "2025-01"},
        {"seed": -1},
    ],
)
def test_bad_arguments_are_user_errors(kwargs):
    with pytest.raises(UserError):
        sample.generate(**kwargs)


# --- 2026: an illustrative continuation (docs/CALIBRATION.md, "2026") -------------------

# Growth of each group's 2026 total over its 2025 target, as docs/CALIBRATION.md states.
GROWTH_2026 = {
    "compute_hardware": 0.55,
    "electrical_power": 0.10,
    "networking_telecom": 0.20,
    "cooling_hvac": 0.06,
    "building_structure": -0.03,
    "medium": -0.02,
    "low": 0.01,
}


@pytest.fixture(scope="module")
def year_2026(taxonomy) -> pd.DataFrame:
    """All of 2026 (the default sample stops in September)."""
    return _label(sample.generate(start="2026-01", end="2026-12").imports, taxonomy)


def test_2026_totals_grow_as_documented(year_2026):
    table = year_2026.groupby("group")["value_con"].sum() / 1e9
    for group, growth in GROWTH_2026.items():
        expected = IMPORT_TARGETS[group][2] * (1 + growth)
        assert table[group] == pytest.approx(expected, rel=1e-6), group
    ai = table[AI].sum()
    # 353*1.55 + 142*1.10 + 100*1.20 + 48*1.06 + 10*0.97 + 1 = 884.93, by hand
    assert ai == pytest.approx(884.93, rel=1e-3)
    assert ai / (ai + table["medium"] + table["low"]) == pytest.approx(
        884.93 / (884.93 + 349 * 0.98 + 1881 * 1.01), rel=1e-3
    )


def test_the_ai_share_keeps_rising_into_2026(imports):
    core = imports[imports["group"] != "excluded"]
    ai = core[core["group"].isin(AI)].groupby("period")["value_con"].sum()
    share = ai / core.groupby("period")["value_con"].sum()
    h2_2025 = share["2025-07":"2025-12"].mean()
    q3_2026 = share["2026-07":"2026-09"].mean()
    assert 0.24 < h2_2025 < q3_2026 < 0.32
    # No step at the turn of the year: December to January moves like any month.
    assert abs(share["2026-01"] / share["2025-12"] - 1) < 0.04


def test_day_shares_of_the_tariff_regimes():
    from generator.data.sources.sample_paths import month_index
    from generator.data.sources.sample_tariffs import day_shares

    def shares(month: str) -> tuple[float, float]:
        return day_shares(month_index(month, "m"))

    assert shares("2024-12") == (0.0, 0.0)  # before the 2025 duties
    assert shares("2025-06") == (1.0, 0.0)
    assert shares("2026-01") == (1.0, 0.0)
    assert shares("2026-02") == (pytest.approx(23 / 28), pytest.approx(5 / 28))
    assert shares("2026-03") == (0.0, 1.0)
    assert shares("2026-07") == (0.0, pytest.approx(24 / 31))
    assert shares("2026-08") == (0.0, 0.0)  # the surcharge lapsed; no extension recorded


def _row_rates(frame: pd.DataFrame) -> pd.Series:
    return (frame["duty"] / frame["value_con"]).round(3)


def _pair_rates(imports: pd.DataFrame, hs10: str, partner: str) -> pd.Series:
    rows = imports[(imports["hs10"] == hs10) & (imports["country_code"] == partner)]
    return pd.Series((rows["duty"] / rows["value_con"]).to_numpy(), index=rows["period"].to_numpy())


def test_the_surcharge_charges_ten_points_on_goods_off_its_list(imports):
    # Toys (not on the Section 122 list, no Section 232) from China: MFN and Section
    # 301 plus 10 % under the surcharge, MFN and Section 301 after it lapsed.
    rates = _pair_rates(imports, "9503000090", "5700")
    assert rates["2026-04"] - rates["2026-09"] == pytest.approx(0.10, abs=0.002)
    # July: in force for 24 of 31 days.
    assert rates["2026-07"] - rates["2026-09"] == pytest.approx(0.10 * 24 / 31, abs=0.002)


def test_goods_on_the_surcharge_list_pay_no_surcharge(imports):
    # Servers (Section 122 Annex II) from Taiwan: the same rate from March on.
    rates = _pair_rates(imports, "8471500150", "5830")
    assert rates["2026-04"] == pytest.approx(rates["2026-09"], abs=0.001)
    assert rates["2026-09"] < 0.005
    assert catalog.CATALOGUE.is_surcharge_exempt("8471500150")
    assert not catalog.CATALOGUE.is_surcharge_exempt("9503000090")


def test_usmca_goods_pay_no_surcharge(imports):
    """Rows from Mexico and Canada that enter duty-free under USMCA stay duty-free."""
    apr, sep = (imports[imports["period"] == m] for m in ("2026-04", "2026-09"))
    key = ["hs10", "country_code"]
    both = apr.merge(sep, on=key, suffixes=("_apr", "_sep"))
    usmca = both[both["country_code"].isin(["2010", "1220"])]
    # Lines with a base rate, off the surcharge list: duty-free in September = USMCA.
    lines = catalog.CATALOGUE.products
    liable = {p.hs10 for p in lines if p.duty > 0 and not p.surcharge_exempt}
    free_in_sep = usmca[usmca["hs10"].isin(liable) & (usmca["duty_sep"] == 0)]
    assert len(free_in_sep) > 50  # preference claimed
    assert (free_in_sep["duty_apr"] == 0).all()


def test_section_232_stays_after_the_ruling(imports):
    # Passenger vehicles from Japan: base rate plus 10 % (Section 232, effective)
    # whether the surcharge is in force or not, which they do not pay.
    rates = _pair_rates(imports, "8703230190", "5880")
    assert rates["2026-04"] == pytest.approx(rates["2026-09"], abs=0.001)
    assert rates["2026-09"] == pytest.approx(rates["2025-02"] + 0.10, abs=0.002)


def test_effective_tariff_rates_in_2026(imports):
    low = imports[imports["group"] == "low"]
    ai = imports[imports["group"].isin(AI)]

    def rate(frame: pd.DataFrame, month: str) -> float:
        return _rate(frame[frame["period"] == month])

    assert rate(low, "2026-01") == pytest.approx(0.12, abs=0.005)  # IEEPA still collected
    assert 0.08 < rate(low, "2026-04") < rate(low, "2026-01")  # the surcharge
    assert 0.04 < rate(low, "2026-09") < rate(low, "2026-04") - 0.03  # it lapsed
    assert rate(ai, "2026-09") < rate(ai, "2026-04") < rate(ai, "2025-12")
    assert rate(ai, "2026-09") < 0.025


# --- Quantities and unit values (docs/CALIBRATION.md, "Quantities and unit values") ----


def _unit_value(imports: pd.DataFrame, hs10: str, partner: str, month: str) -> float:
    row = imports[
        (imports["hs10"] == hs10)
        & (imports["country_code"] == partner)
        & (imports["period"] == month)
    ]
    assert len(row) == 1
    return float(row["value_con"].iloc[0] / row["qty1"].iloc[0])


def test_unit_values_follow_their_documented_paths(imports):
    # Servers from Taiwan: +5 % in 2023, +25 % in 2024, +35 % in 2025 (11 of 12 months
    # by December): 1.05 * 1.25 * 1.35 ** (11/12) = 1.728, by hand.
    ratio = _unit_value(imports, "8471500150", "5830", "2025-12") / _unit_value(
        imports, "8471500150", "5830", "2023-01"
    )
    assert ratio == pytest.approx(1.728, rel=0.12)
    # Air conditioners from Mexico, about flat: 1.03 * 1.02 * 1.02 ** (11/12) = 1.070.
    ratio = _unit_value(imports, "8415820100", "2010", "2025-12") / _unit_value(
        imports, "8415820100", "2010", "2023-01"
    )
    assert ratio == pytest.approx(1.070, rel=0.12)


def test_unit_value_index_by_hand():
    from generator.data.sources import sample_flows

    lines = [ln for ln in sample_flows.expand(1.0) if ln.hs10 in ("8471500150", "8415820100")]
    months = np.array([2022 * 12 + 11, 2023 * 12, 2023 * 12 + 6, 2024 * 12, 2027 * 12 + 5])
    index = sample_flows.unit_value_index(lines, months)
    codes = [ln.hs10 for ln in lines]
    servers, cooling = index[codes.index("8471500150")], index[codes.index("8415820100")]
    assert servers[:3] == pytest.approx([1.0, 1.0, 1.05**0.5])
    assert servers[3] == pytest.approx(1.05)
    assert servers[4] == pytest.approx(1.05 * 1.25 * 1.35 * 1.15)  # flat after 2026
    assert cooling[4] == pytest.approx(1.03 * 1.02 * 1.02 * 1.02)


def test_quantities_are_positive_whole_units_or_none(data):
    for frame in (data.imports, data.exports):
        units = set(frame["unit1"].unique())
        assert {"NO", "KG", "X"} <= units
        qty = frame["qty1"]
        assert (qty == qty.round()).all()
        assert ((frame["unit1"] == "X") == (qty == 0)).all()
