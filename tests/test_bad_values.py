"""Negative, infinite and non-numeric figures are refused where they enter (bulk files, Census
answers), shares outside [0, 1] are refused before anything renders, and the manifest never
holds a non-finite number. Each refusal is one line naming where, and changes nothing."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from generator import config
from generator.analysis import metrics
from generator.data.refresh import latest_month, refresh
from generator.data.sources import TradeData, census, sample
from generator.data.warehouse import Warehouse
from generator.errors import UserError
from tests.census_stub import CensusStub, census_records, running
from tests.conftest import write_config
from tests.test_metrics import AI_CH, CHINA, LOW, TAIWAN, exp, imp, make_input, months

IMP_HEADER = (
    "time,I_COMMODITY,I_COMMODITY_LDESC,CTY_CODE,CTY_NAME,SUMMARY_LVL,"
    "CON_VAL_MO,GEN_VAL_MO,DUT_VAL_MO,CAL_DUT_MO,CON_QY1_MO,UNIT_QY1"
)
EXP_HEADER = "time,E_COMMODITY,E_COMMODITY_LDESC,CTY_CODE,CTY_NAME,ALL_VAL_MO,QTY_1_MO,UNIT_QY1"
IMPORTS = [
    "2025-01,0102291000,CATTLE,1220,CANADA,DET,1000,1100,500,25,10,NO",
    "2025-01,0102291000,CATTLE,2010,MEXICO,DET,400,400,0,0,4,NO",
    "2025-01,8471500150,PROCESSING UNITS,5830,TAIWAN,DET,9000,9000,0,0,30,NO",
]
EXPORTS = [
    "2025-01,8471500150,PROCESSING UNITS,5830,TAIWAN,2000,3,NO",
    "2025-01,8504400000,STATIC CONVERTERS,1220,CANADA,700,,X",
]
IMP_COLS = IMP_HEADER.split(",")
EXP_COLS = EXP_HEADER.split(",")

BAD = [
    ("imports", "CON_VAL_MO", "-5000000000"),
    ("imports", "CON_VAL_MO", "inf"),
    ("imports", "GEN_VAL_MO", "1e400"),
    ("imports", "CAL_DUT_MO", "NaN"),
    ("imports", "DUT_VAL_MO", "-Infinity"),
    ("imports", "CON_QY1_MO", "-3"),
    ("imports", "CON_QY1_MO", "about 4"),
    ("exports", "ALL_VAL_MO", "-1"),
    ("exports", "QTY_1_MO", "nan"),
]


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def with_value(lines: list[str], header: str, record: int, column: str, text: str) -> list[str]:
    """`lines` with one field of one record (1-based) replaced."""
    i = header.split(",").index(column)
    out = list(lines)
    fields = out[record - 1].split(",")
    fields[i] = text
    out[record - 1] = ",".join(fields)
    return out


def write_csv(path: Path, header: str, lines: list[str]) -> None:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")


def files_settings(folder: Path, suffix: str) -> config.Settings:
    cfg = write_config(
        folder,
        f"data:\n  source: files\n  files:\n    imports: imports.{suffix}\n"
        f"    exports: exports.{suffix}\n",
    )
    return config.load(cfg)


def refused(settings: config.Settings) -> str:
    """Refresh, expecting one user error; the error text."""
    with pytest.raises(UserError) as err:
        refresh(settings)
    text = str(err.value)
    assert "\n" not in text
    return text


# ---- bulk files ------------------------------------------------------------------------------


@pytest.mark.parametrize(("flow", "column", "text"), BAD, ids=[f"{c}={t}" for _, c, t in BAD])
def test_csv_with_a_bad_figure_is_refused_and_the_warehouse_stays(tmp_path, flow, column, text):
    s = files_settings(tmp_path, "csv")
    write_csv(tmp_path / "imports.csv", IMP_HEADER, IMPORTS)
    write_csv(tmp_path / "exports.csv", EXP_HEADER, EXPORTS)
    refresh(s)
    before = snapshot(s.warehouse_dir)

    header, lines = (IMP_HEADER, IMPORTS) if flow == "imports" else (EXP_HEADER, EXPORTS)
    path = tmp_path / f"{flow}.csv"
    write_csv(path, header, with_value(lines, header, 2, column, text))
    msg = refused(s)
    assert msg.startswith(f"{path}: {column} {text!r}"), msg
    assert "(record 2)" in msg
    assert snapshot(s.warehouse_dir) == before


def test_empty_quantity_with_unit_x_and_zero_quantity_are_fine(tmp_path):
    s = files_settings(tmp_path, "csv")
    imports = with_value(IMPORTS, IMP_HEADER, 3, "CON_QY1_MO", "0")
    write_csv(tmp_path / "imports.csv", IMP_HEADER, imports)
    write_csv(tmp_path / "exports.csv", EXP_HEADER, EXPORTS)  # record 2: no quantity, unit X
    refresh(s)
    got = Warehouse(s.warehouse_dir).read("exports")
    x = got[got["unit1"] == "X"]
    assert list(x["qty1"]) == [0.0] and list(x["value"]) == [700.0]


def parquet_frame(flow: str) -> dict[str, list]:
    lines = IMPORTS if flow == "imports" else EXPORTS
    cols = IMP_COLS if flow == "imports" else EXP_COLS
    rows = [line.split(",") for line in lines]
    out: dict[str, list] = {c: [r[i] for r in rows] for i, c in enumerate(cols)}
    for c in cols:
        if c.endswith("_MO"):
            out[c] = [float(v) if v else None for v in out[c]]
    return out


def write_parquet(path: Path, columns: dict[str, list]) -> None:
    """Floats stay floats, NaN stays NaN (not null): what a float column can really hold."""
    arrays = {}
    for name, values in columns.items():
        if all(isinstance(v, float | None) for v in values):
            arrays[name] = pa.array(values, type=pa.float64(), from_pandas=False)
        elif all(isinstance(v, int) for v in values):
            arrays[name] = pa.array(values, type=pa.int64())
        else:
            arrays[name] = pa.array(values, type=pa.string())
    pq.write_table(pa.table(arrays), path)


PARQUET_BAD = [
    ("imports", "CON_VAL_MO", -5_000_000_000.0),
    ("imports", "CON_VAL_MO", math.inf),
    ("imports", "CAL_DUT_MO", math.nan),
    ("imports", "GEN_VAL_MO", "1e400"),  # a text column, as some exports write numbers
    ("imports", "CON_QY1_MO", -3),  # an integer column
    ("exports", "ALL_VAL_MO", -math.inf),
    ("exports", "QTY_1_MO", "n/a"),
]


@pytest.mark.parametrize(
    ("flow", "column", "value"), PARQUET_BAD, ids=[f"{c}={v}" for _, c, v in PARQUET_BAD]
)
def test_parquet_with_a_bad_figure_is_refused_and_the_warehouse_stays(
    tmp_path, flow, column, value
):
    s = files_settings(tmp_path, "parquet")
    write_parquet(tmp_path / "imports.parquet", parquet_frame("imports"))
    write_parquet(tmp_path / "exports.parquet", parquet_frame("exports"))
    refresh(s)
    before = snapshot(s.warehouse_dir)

    bad = parquet_frame(flow)
    if isinstance(value, str):
        bad[column] = [str(v) for v in bad[column]]
    elif isinstance(value, int):
        bad[column] = [int(v or 0) for v in bad[column]]
    bad[column][1] = value
    path = tmp_path / f"{flow}.parquet"
    write_parquet(path, bad)
    msg = refused(s)
    assert msg.startswith(f"{path}: {column} "), msg
    assert "(record 2)" in msg
    assert snapshot(s.warehouse_dir) == before


# ---- Census answers ----------------------------------------------------------------------------

SPAN = census.month_span("2025-07", "2025-12")
TRACKED = ["2010", "5830"]


@pytest.fixture(scope="module")
def records():
    return census_records(sample.generate(seed=7, scale=1.0, start="2025-07", end="2025-12"))


@pytest.fixture
def stub(records):
    with running(records, SPAN) as s:
        yield s


def census_settings(folder: Path, url: str) -> config.Settings:
    cfg = write_config(
        folder,
        "data:\n  source: census\n  start: 2025-07\n  census:\n"
        f"    base_url: {url}\n    countries: [{', '.join(repr(c) for c in TRACKED)}]\n"
        "    retries: 1\n    backoff: 0\n    timeout: 60\n    concurrency: 2\n",
    )
    return config.load(cfg)


def corrupt(stub: CensusStub, flow: str, country: str | None, column: str, text: str) -> None:
    """Answers of `flow` for `country` (None: the all-country call) carry `text` in record 2."""
    real = stub.data

    def data(f: str, params: dict[str, str]):
        reply = real(f, params)
        hs10 = params.get("COMM_LVL") == "HS10"
        if f == flow and hs10 and params.get("CTY_CODE") == country and reply.status == 200:
            rows = json.loads(reply.body)
            rows[2][rows[0].index(column)] = text
            reply.body = json.dumps(rows).encode()
        return reply

    stub.data = data


CENSUS_BAD = [
    ("imports", "5830", "CON_VAL_MO", "-5000000000"),
    ("imports", None, "CON_VAL_MO", "inf"),
    ("imports", "2010", "DUT_VAL_MO", "1e400"),
    ("imports", "5830", "CAL_DUT_MO", "NaN"),
    ("imports", "2010", "CON_QY1_MO", "-12"),
    ("exports", "5830", "QTY_1_MO", "twelve"),
    ("exports", None, "ALL_VAL_MO", "-7"),
]


@pytest.mark.parametrize(
    ("flow", "country", "column", "text"),
    CENSUS_BAD,
    ids=[f"{f}-{c}-{col}={t}" for f, c, col, t in CENSUS_BAD],
)
def test_census_answer_with_a_bad_figure_is_refused_and_the_warehouse_stays(
    stub, tmp_path, monkeypatch, flow, country, column, text
):
    monkeypatch.setattr(census, "last_complete_month", lambda today=None: "2025-12")
    s = census_settings(tmp_path, stub.url)
    refresh(s)
    before = snapshot(s.warehouse_dir)

    real = stub.data
    corrupt(stub, flow, country, column, text)
    with pytest.raises(UserError) as err:
        refresh(s, first="2025-10", last="2025-12")
    msg = str(err.value)
    assert "\n" not in msg
    who = "all countries" if country is None else f"country {country}"
    assert msg.startswith(f"census {flow} from 2025-10 to 2025-12 {who}: "), msg
    assert f"{column} {text!r}" in msg and "(record 2)" in msg, msg
    assert snapshot(s.warehouse_dir) == before

    # A bad answer is not kept for a resume: once the API is right again, so is the refresh.
    stub.data = real
    out = refresh(s, first="2025-10", last="2025-12")
    assert out.result is not None


# ---- metrics -----------------------------------------------------------------------------------


def test_a_share_above_one_is_refused_naming_the_metric():
    # 2023-01 … 2024-03: AI 10 and non-AI 30 a month, exports alike. In 2024-03 a second
    # non-AI record of −35 (a negative value that slipped in) makes the total 10 + 30 − 35 = 5,
    # so the AI share of imports would be 10 / 5 = 200%.
    span = months("2023-01", "2024-03")
    imports = imp(span, AI_CH, TAIWAN, 10) + imp(span, LOW, CHINA, 30)
    imports += imp(["2024-03"], LOW, TAIWAN, -35)
    exports = exp(span, AI_CH, TAIWAN, 5) + exp(span, LOW, CHINA, 20)
    with pytest.raises(UserError) as err:
        metrics.compute(make_input(imports, exports), "2024-03")
    assert isinstance(err.value, metrics.MetricsError)
    msg = str(err.value)
    assert "imports.ai_share.month" in msg and "\n" not in msg


def test_shares_inside_zero_and_one_pass():
    span = months("2023-01", "2024-03")
    imports = imp(span, AI_CH, TAIWAN, 10) + imp(span, LOW, CHINA, 30)
    exports = exp(span, AI_CH, TAIWAN, 5) + exp(span, LOW, CHINA, 20)
    m = metrics.compute(make_input(imports, exports), "2024-03")
    assert m.get("imports.ai_share.month") == pytest.approx(0.25)


# ---- the manifest ------------------------------------------------------------------------------


def built(tmp_path: Path) -> config.Settings:
    s = files_settings(tmp_path, "csv")
    write_csv(tmp_path / "imports.csv", IMP_HEADER, IMPORTS)
    write_csv(tmp_path / "exports.csv", EXP_HEADER, EXPORTS)
    refresh(s)
    return s


@pytest.mark.parametrize("constant", ["Infinity", "-Infinity", "NaN"])
def test_a_manifest_with_a_non_finite_number_is_one_clear_error(tmp_path, constant):
    s = built(tmp_path)
    path = s.warehouse_dir / "manifest.json"
    doc = json.loads(path.read_text())
    doc["flows"]["imports"]["2025-01"]["value"] = "@"
    path.write_text(json.dumps(doc, indent=2).replace('"@"', constant))
    with pytest.raises(UserError) as err:
        latest_month(s)
    msg = str(err.value)
    assert str(path) in msg and "aibrief refresh" in msg and "\n" not in msg

    # … and `aibrief refresh` repairs it.
    refresh(s)
    assert latest_month(s) == "2025-01"
    assert constant not in path.read_text()


def test_the_manifest_writer_refuses_a_non_finite_number(tmp_path):
    imports = pd.DataFrame(
        {
            "period": ["2025-01"],
            "hs10": ["8471500150"],
            "country_code": ["5830"],
            "value_con": [math.inf],
            "value_gen": [1.0],
            "value_dutiable": [0.0],
            "duty": [0.0],
            "qty1": [1.0],
            "unit1": ["NO"],
        }
    )
    exports = pd.DataFrame(
        {
            "period": ["2025-01"],
            "hs10": ["8471500150"],
            "country_code": ["5830"],
            "value": [1.0],
            "qty1": [1.0],
            "unit1": ["NO"],
        }
    )
    data = TradeData(
        imports=imports,
        exports=exports,
        countries=pd.DataFrame({"country_code": ["5830"], "name": ["TAIWAN"]}),
        commodities=pd.DataFrame({"hs10": ["8471500150"], "description": ["UNITS"]}),
        source="files",
        sample=False,
    )
    wh = Warehouse(tmp_path / "warehouse")
    with pytest.raises(UserError) as err:
        wh.commit(data)
    assert "\n" not in str(err.value)
    assert not wh.exists()
