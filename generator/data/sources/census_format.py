"""Census trade records (API answers or bulk files with Census variable names) →
the warehouse schema. Shared by the API client and the files source, so the same data
give the same warehouse whichever way they arrive.

Detail rows are countries (CTY_CODE 1000–8999, SUMMARY_LVL DET). Groupings (codes below
1000 or SUMMARY_LVL CGP) are dropped: they would double count. The all-country total row
(CTY_CODE "-" or no CTY_CODE at all) is used only to derive the rest of the world.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.data import schema
from generator.errors import UserError

IMPORT_VARS = {
    "time": "period",
    "I_COMMODITY": "hs10",
    "CTY_CODE": "country_code",
    "CON_VAL_MO": "value_con",
    "GEN_VAL_MO": "value_gen",
    "DUT_VAL_MO": "value_dutiable",
    "CAL_DUT_MO": "duty",
    "CON_QY1_MO": "qty1",
    "UNIT_QY1": "unit1",
}
EXPORT_VARS = {
    "time": "period",
    "E_COMMODITY": "hs10",
    "CTY_CODE": "country_code",
    "ALL_VAL_MO": "value",
    "QTY_1_MO": "qty1",
    "UNIT_QY1": "unit1",
}
FLOW_VARS = {"imports": IMPORT_VARS, "exports": EXPORT_VARS}
DESCRIPTION = {"imports": "I_COMMODITY_LDESC", "exports": "E_COMMODITY_LDESC"}
NUMERIC = {
    "imports": ["value_con", "value_gen", "value_dutiable", "duty", "qty1"],
    "exports": ["value", "qty1"],
}
VALUE = {"imports": "value_con", "exports": "value"}
# Country rows may exceed the total by rounding only: 0.1% of the total plus $1,000.
TOLERANCE_SHARE, TOLERANCE_ABS = 0.001, 1000.0


class CensusDataError(UserError):
    """Data that must not reach the warehouse (missing column, bad number, duplicates…)."""


@dataclass
class Normalized:
    trade: pd.DataFrame  # the warehouse schema of the flow
    countries: pd.DataFrame  # country_code, name
    commodities: pd.DataFrame  # hs10, description


def records_frame(rows: list[list[str]], where: str) -> pd.DataFrame:
    """An API answer (header row, then records, every value a string) as a frame."""
    if not rows or not isinstance(rows[0], list):
        raise CensusDataError("answer has no header row", where=where)
    header = [str(h) for h in rows[0]]
    body = rows[1:]
    width = len(header)
    bad = next((i for i, r in enumerate(body) if not isinstance(r, list) or len(r) != width), None)
    if bad is not None:
        raise CensusDataError(f"record {bad + 1} does not match the header", where=where)
    frame = pd.DataFrame(body, columns=header, dtype=object)
    # A predicate used as a filter is echoed back; keep one column per name.
    return frame.loc[:, ~frame.columns.duplicated()]


def _text(col: pd.Series) -> pd.Series:
    """Strings, with missing values as "" (pandas may keep NaN through astype(str))."""
    return col.astype(object).where(col.notna(), "").astype(str).str.strip()


def parse_figures(text: pd.Series, var: str, where: str) -> pd.Series:
    """Census figures as floats. Blank is 0 (a quantity with unit X has none); anything but
    a finite number ≥ 0 is refused, naming the record, because one negative or infinite
    figure skews every total and share built on it."""
    parsed = pd.to_numeric(text.replace({"": "0"}), errors="coerce").astype("float64")
    values = parsed.to_numpy()
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        shown = text.iloc[i]
        if np.isnan(values[i]):
            why = "is not a number"
        elif np.isinf(values[i]):
            why = "is not a finite number"
        else:
            why = "is negative"
        raise CensusDataError(f"{var} {shown!r} {why} (record {i + 1})", where=where)
    return parsed


def check_units(qty: pd.Series, unit: pd.Series, flow: str, where: str) -> None:
    """Refuse a positive quantity whose unit is blank (`qty` as text): a count of nothing
    in particular would enter the unit-value index (#17) as pieces or kilograms would."""
    positive = pd.to_numeric(_text(qty), errors="coerce").to_numpy() > 0
    bad = positive & (_text(unit).to_numpy() == "")
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        inverse = {v: k for k, v in FLOW_VARS[flow].items()}
        raise CensusDataError(
            f"{inverse['qty1']} {_text(qty).iloc[i]!r} has no unit ({inverse['unit1']} is "
            f"blank) (record {i + 1})",
            where=where,
        )


def check_figures(raw: pd.DataFrame, flow: str, where: str) -> None:
    """Refuse an answer (or file) whose values or quantities are not finite numbers ≥ 0,
    or that holds a positive quantity without a unit."""
    for var, col in FLOW_VARS[flow].items():
        if col in NUMERIC[flow] and var in raw.columns:
            parse_figures(_text(raw[var]), var, where)
    inverse = {v: k for k, v in FLOW_VARS[flow].items()}
    if inverse["qty1"] in raw.columns and inverse["unit1"] in raw.columns:
        check_units(raw[inverse["qty1"]], raw[inverse["unit1"]], flow, where)


def normalize(raw: pd.DataFrame, flow: str, where: str) -> Normalized:
    """Check and convert Census records of one flow. With all-country total rows present,
    the rest of the world (total minus the countries present) becomes one more row."""
    names = FLOW_VARS[flow]
    needed = [v for v in names if v != "CTY_CODE"]
    missing = [v for v in needed if v not in raw.columns]
    if missing:
        raise CensusDataError(f"missing column {', '.join(missing)}", where=where)
    frame = pd.DataFrame({names[v]: _text(raw[v]) for v in needed})
    frame["country_code"] = _text(raw["CTY_CODE"]) if "CTY_CODE" in raw.columns else "-"
    frame["level"] = _text(raw["SUMMARY_LVL"]) if "SUMMARY_LVL" in raw else ""
    frame["name"] = _text(raw["CTY_NAME"]) if "CTY_NAME" in raw else ""
    desc_col = DESCRIPTION[flow]
    frame["description"] = _text(raw[desc_col]) if desc_col in raw else ""

    bad_period = ~frame["period"].str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if bad_period.any():
        raise CensusDataError(
            f"time {frame.loc[bad_period, 'period'].iloc[0]!r} is not a month YYYY-MM", where=where
        )
    bad_code = ~frame["hs10"].str.fullmatch(r"\d{10}")
    if bad_code.any():
        raise CensusDataError(
            f"commodity code {frame.loc[bad_code, 'hs10'].iloc[0]!r} is not 10 digits", where=where
        )
    inverse = {v: k for k, v in names.items()}
    for col in NUMERIC[flow]:
        frame[col] = parse_figures(frame[col], inverse[col], where)
    check_units(raw[inverse["qty1"]], frame["unit1"], flow, where)

    code = frame["country_code"]
    is_total = code.isin(["-", ""]) | code.str.upper().str.startswith("TOTAL")
    numeric_code = pd.to_numeric(code.where(~is_total), errors="coerce")
    is_group = ~is_total & ((frame["level"] == "CGP") | (numeric_code < 1000) | numeric_code.isna())
    detail = frame[~is_total & ~is_group].copy()
    totals = frame[is_total].copy()

    key = ["period", "hs10", "country_code"]
    dup = detail.duplicated(key, keep=False)
    if dup.any():
        first = detail.loc[dup, key].iloc[0]
        what = f"{first['period']} {first['hs10']} country {first['country_code']}"
        raise CensusDataError(f"duplicate record for {what}", where=where)
    totals = totals.drop_duplicates(["period", "hs10", *NUMERIC[flow]])
    if totals.duplicated(["period", "hs10"]).any():
        raise CensusDataError("conflicting all-country total rows", where=where)

    parts = [detail]
    if len(totals):
        rest = _rest_of_world(detail, totals, flow, where)
        parts.append(rest)
    trade = pd.concat(parts, ignore_index=True)
    trade = trade[trade[NUMERIC[flow]].abs().sum(axis=1) > 0]
    trade = trade.sort_values(key, kind="stable")
    countries = (
        detail[["country_code", "name"]].drop_duplicates("country_code").sort_values("country_code")
    )
    if len(totals):
        countries = pd.concat(
            [
                countries,
                pd.DataFrame(
                    {"country_code": [schema.REST_OF_WORLD], "name": [schema.REST_OF_WORLD_NAME]}
                ),
            ]
        )
    commodities = frame[["hs10", "description"]].drop_duplicates("hs10").sort_values("hs10")
    return Normalized(
        trade=schema.conform(trade, schema.FLOW_COLUMNS[flow]),
        countries=schema.conform(countries, schema.COUNTRY_COLUMNS),
        commodities=schema.conform(commodities, schema.COMMODITY_COLUMNS),
    )


def _rest_of_world(
    detail: pd.DataFrame,
    totals: pd.DataFrame,
    flow: str,
    where: str,
) -> pd.DataFrame:
    """Total minus the tracked countries, per month and code; checks countries ≤ total."""
    nums = NUMERIC[flow]
    value = VALUE[flow]
    summed = detail.groupby(["period", "hs10"], sort=False)[nums].sum()
    tot = totals.set_index(["period", "hs10"])
    summed.columns = [f"{c}_c" for c in summed.columns]
    joined = tot[nums].join(summed, how="outer").fillna(0.0)
    over = joined[f"{value}_c"] - joined[value]
    limit = TOLERANCE_SHARE * joined[value].abs() + TOLERANCE_ABS
    if (over > limit).any():
        idx = over[over > limit].index[0]
        raise CensusDataError(
            f"country rows add up to more than the all-country total for {idx[0]} {idx[1]}",
            where=where,
        )
    rest = pd.DataFrame(index=joined.index)
    for col in nums:
        rest[col] = (joined[col] - joined[f"{col}_c"]).clip(lower=0.0)
    rest = rest.reset_index()
    units = totals.drop_duplicates(["period", "hs10"]).set_index(["period", "hs10"])["unit1"]
    rest["unit1"] = units.reindex(pd.MultiIndex.from_frame(rest[["period", "hs10"]])).to_numpy()
    rest["unit1"] = rest["unit1"].fillna("")
    rest["country_code"] = schema.REST_OF_WORLD
    return rest[rest[nums].sum(axis=1) > 0]
