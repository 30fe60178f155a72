"""Quantities are data (#17): unit X and zero quantities are legitimate (they leave a line
out of the unit-value index), while a negative or non-numeric quantity, or a positive one
without a unit, is refused where it enters (bulk files, Census answers, the warehouse)
with one line naming where, and nothing changes."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from generator.data.refresh import refresh
from generator.data.sources import TradeData, census
from generator.data.warehouse import Warehouse
from generator.errors import UserError
from tests.test_bad_values import (
    EXP_HEADER,
    EXPORTS,
    IMP_HEADER,
    IMPORTS,
    census_settings,
    corrupt,
    files_settings,
    parquet_frame,
    records,  # noqa: F401  (fixture)
    refused,
    snapshot,
    stub,  # noqa: F401  (fixture)
    with_value,
    write_csv,
    write_parquet,
)

# ---- bulk files ------------------------------------------------------------------------------

CSV_BAD = [
    ("imports", "CON_QY1_MO", "-3", "UNIT_QY1", "NO", "is negative"),
    ("imports", "CON_QY1_MO", "3 pcs", "UNIT_QY1", "NO", "is not a number"),
    ("imports", "CON_QY1_MO", "30", "UNIT_QY1", "", "has no unit (UNIT_QY1 is blank)"),
    ("exports", "QTY_1_MO", "-0.5", "UNIT_QY1", "KG", "is negative"),
    ("exports", "QTY_1_MO", "3", "UNIT_QY1", "", "has no unit (UNIT_QY1 is blank)"),
]


@pytest.mark.parametrize(
    ("flow", "qty_col", "qty", "unit_col", "unit", "why"),
    CSV_BAD,
    ids=[f"{f}-{q}-{u or 'blank'}" for f, _, q, _, u, _ in CSV_BAD],
)
def test_a_bad_quantity_in_a_csv_is_refused_and_the_warehouse_stays(
    tmp_path, flow, qty_col, qty, unit_col, unit, why
):
    s = files_settings(tmp_path, "csv")
    write_csv(tmp_path / "imports.csv", IMP_HEADER, IMPORTS)
    write_csv(tmp_path / "exports.csv", EXP_HEADER, EXPORTS)
    refresh(s)
    before = snapshot(s.warehouse_dir)

    header, lines = (IMP_HEADER, IMPORTS) if flow == "imports" else (EXP_HEADER, EXPORTS)
    bad = with_value(with_value(lines, header, 1, qty_col, qty), header, 1, unit_col, unit)
    path = tmp_path / f"{flow}.csv"
    write_csv(path, header, bad)
    msg = refused(s)
    assert msg == f"{path}: {qty_col} {qty!r} {why} (record 1)"
    assert snapshot(s.warehouse_dir) == before


def test_zero_quantities_need_no_unit(tmp_path):
    s = files_settings(tmp_path, "csv")
    imports = with_value(
        with_value(IMPORTS, IMP_HEADER, 1, "CON_QY1_MO", "0"), IMP_HEADER, 1, "UNIT_QY1", ""
    )
    write_csv(tmp_path / "imports.csv", IMP_HEADER, imports)
    write_csv(tmp_path / "exports.csv", EXP_HEADER, EXPORTS)
    refresh(s)
    got = Warehouse(s.warehouse_dir).read("imports")
    assert sorted(got["qty1"]) == [0.0, 4.0, 30.0]


def test_a_quantity_without_unit_in_parquet_is_refused(tmp_path):
    s = files_settings(tmp_path, "parquet")
    write_parquet(tmp_path / "imports.parquet", parquet_frame("imports"))
    write_parquet(tmp_path / "exports.parquet", parquet_frame("exports"))
    refresh(s)
    before = snapshot(s.warehouse_dir)

    bad = parquet_frame("imports")
    bad["UNIT_QY1"][1] = None  # a null unit beside the quantity 4
    path = tmp_path / "imports.parquet"
    write_parquet(path, bad)
    msg = refused(s)
    assert msg.startswith(f"{path}: CON_QY1_MO ") and "has no unit" in msg, msg
    assert "(record 2)" in msg
    assert snapshot(s.warehouse_dir) == before


# ---- Census answers ----------------------------------------------------------------------------


@pytest.mark.parametrize(("flow", "qty_col"), [("imports", "CON_QY1_MO"), ("exports", "QTY_1_MO")])
def test_a_census_answer_with_a_quantity_but_no_unit_is_refused(
    stub,  # noqa: F811
    tmp_path,
    monkeypatch,
    flow,
    qty_col,
):
    monkeypatch.setattr(census, "last_complete_month", lambda today=None: "2025-12")
    s = census_settings(tmp_path, stub.url)
    refresh(s)
    before = snapshot(s.warehouse_dir)

    corrupt(stub, flow, "5830", qty_col, "12")
    corrupt(stub, flow, "5830", "UNIT_QY1", "")
    with pytest.raises(UserError) as err:
        refresh(s, first="2025-10", last="2025-12")
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(f"census {flow} from 2025-10 to 2025-12 country 5830: "), msg
    assert f"{qty_col} '12' has no unit" in msg and "(record 2)" in msg, msg
    assert snapshot(s.warehouse_dir) == before


# ---- the warehouse, whatever the source -------------------------------------------------------


def trade(qty: float, unit: str | None) -> TradeData:
    imports = pd.DataFrame(
        {
            "period": ["2025-01", "2025-01"],
            "hs10": ["8471500150", "8504400000"],
            "country_code": ["5830", "1220"],
            "value_con": [100.0, 50.0],
            "value_gen": [100.0, 50.0],
            "value_dutiable": [0.0, 0.0],
            "duty": [0.0, 0.0],
            "qty1": [2.0, qty],
            "unit1": ["NO", unit],
        }
    )
    exports = pd.DataFrame(
        {
            "period": ["2025-01"],
            "hs10": ["8471500150"],
            "country_code": ["5830"],
            "value": [1.0],
            "qty1": [0.0],
            "unit1": ["X"],
        }
    )
    return TradeData(
        imports=imports,
        exports=exports,
        countries=pd.DataFrame({"country_code": ["5830", "1220"], "name": ["TAIWAN", "CANADA"]}),
        commodities=pd.DataFrame({"hs10": ["8471500150"], "description": ["UNITS"]}),
        source="files",
        sample=False,
    )


@pytest.mark.parametrize(
    ("qty", "unit", "why"),
    [
        (-1.0, "KG", "quantity -1.0 is not a finite number ≥ 0"),
        (math.nan, "KG", "quantity nan is not a finite number ≥ 0"),
        (math.inf, "KG", "quantity inf is not a finite number ≥ 0"),
        (3.0, None, "quantity 3.0 has no unit"),
        (3.0, " ", "quantity 3.0 has no unit"),
    ],
)
def test_the_warehouse_refuses_a_bad_quantity_from_any_source(tmp_path, qty, unit, why):
    wh = Warehouse(tmp_path / "warehouse")
    wh.commit(trade(0.0, None))  # zero quantity, no unit: fine
    before = snapshot(wh.root)
    with pytest.raises(UserError) as err:
        wh.commit(trade(qty, unit))
    msg = str(err.value)
    assert (
        msg == f"warehouse: imports 2025-01 8504400000 country 1220: {why}; nothing was committed"
    )
    assert snapshot(wh.root) == before


@pytest.mark.parametrize(
    ("column", "bad"),
    [("duty", math.inf), ("value_gen", math.nan), ("value_con", 1e20), ("value_dutiable", -1e16)],
)
def test_the_warehouse_refuses_a_figure_that_is_not_finite_or_absurd(tmp_path, column, bad):
    """The scan sums figures as exact decimals: infinity, NaN or a figure past 1e15 USD
    would be summed as nothing (or overflow) and quietly lose its row."""
    wh = Warehouse(tmp_path / "warehouse")
    wh.commit(trade(0.0, None))
    before = snapshot(wh.root)
    data = trade(0.0, None)
    data.imports.loc[1, column] = bad
    with pytest.raises(UserError) as err:
        wh.commit(data)
    assert str(err.value) == (
        f"warehouse: imports 2025-01 8504400000 country 1220: {column} {bad} is not a "
        "finite number below 1e+15; nothing was committed"
    )
    assert snapshot(wh.root) == before
