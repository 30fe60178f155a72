"""`data.source: files`: bulk CSV/parquet files with Census variable names → warehouse.

Expected values are worked out by hand from the rows written in each test.
"""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from generator.config import FilesSettings
from generator.data import schema
from generator.data.sources import files
from generator.data.sources.census_format import CensusDataError
from generator.errors import UserError

IMP_HEADER = (
    "time,I_COMMODITY,I_COMMODITY_LDESC,CTY_CODE,CTY_NAME,SUMMARY_LVL,"
    "CON_VAL_MO,GEN_VAL_MO,DUT_VAL_MO,CAL_DUT_MO,CON_QY1_MO,UNIT_QY1"
)
EXP_HEADER = "time,E_COMMODITY,E_COMMODITY_LDESC,CTY_CODE,CTY_NAME,ALL_VAL_MO,QTY_1_MO,UNIT_QY1"

# January 2025, live cattle (chapter 01: the code starts with a zero).
# Canada and Mexico are countries; 0003 (EU) and 0020 (USMCA) are groupings; "-" is the
# total over all countries. Rest of world = total − (Canada + Mexico).
CATTLE = [
    "2025-01,0102291000,CATTLE,1220,CANADA,DET,1000,1100,500,25,10,NO",
    "2025-01,0102291000,CATTLE,2010,MEXICO,DET,400,400,0,0,4,NO",
    "2025-01,0102291000,CATTLE,0003,EUROPEAN UNION,CGP,50,50,0,0,1,NO",
    "2025-01,0102291000,CATTLE,0020,USMCA (NAFTA),CGP,1400,1500,500,25,14,NO",
    "2025-01,0102291000,CATTLE,-,TOTAL FOR ALL COUNTRIES,DET,1500,1650,520,26,15,NO",
]
EXPORTS = ["2025-01,8471500150,PROCESSING UNITS,5830,TAIWAN,2000,3,NO"]


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def csv_pair(tmp_path: Path, imports: list[str], exports: list[str] = EXPORTS) -> FilesSettings:
    write(tmp_path / "imports.csv", IMP_HEADER, imports)
    write(tmp_path / "exports.csv", EXP_HEADER, exports)
    return FilesSettings(imports="imports.csv", exports="exports.csv")


def row(frame: pd.DataFrame, country: str) -> pd.Series:
    match = frame[frame["country_code"] == country]
    assert len(match) == 1, f"expected one row for {country}, got {len(match)}"
    return match.iloc[0]


def test_csv_keeps_leading_zeros_and_returns_the_warehouse_schema(tmp_path):
    data = files.load(csv_pair(tmp_path, CATTLE[:2]), tmp_path)
    assert list(data.imports.columns) == list(schema.IMPORT_COLUMNS)
    assert list(data.exports.columns) == list(schema.EXPORT_COLUMNS)
    assert set(data.imports["hs10"]) == {"0102291000"}
    assert list(data.imports["country_code"]) == ["1220", "2010"]
    canada = row(data.imports, "1220")
    assert (canada["period"], canada["value_con"], canada["duty"]) == ("2025-01", 1000.0, 25.0)
    assert (canada["qty1"], canada["unit1"]) == (10.0, "NO")
    assert (data.source, data.sample) == ("files", False)
    assert data.params == {"imports": "imports.csv", "exports": "exports.csv"}
    assert dict(zip(data.countries["country_code"], data.countries["name"], strict=True)) == {
        "1220": "CANADA",
        "2010": "MEXICO",
        "5830": "TAIWAN",
    }
    assert dict(zip(data.commodities["hs10"], data.commodities["description"], strict=True)) == {
        "0102291000": "CATTLE",
        "8471500150": "PROCESSING UNITS",
    }


def test_groupings_and_total_are_not_double_counted(tmp_path):
    data = files.load(csv_pair(tmp_path, CATTLE), tmp_path)
    imp = data.imports
    # Canada, Mexico and the derived rest of world; no 0003, 0020 or "-".
    assert sorted(imp["country_code"]) == ["1220", "2010", schema.REST_OF_WORLD]
    rest = row(imp, schema.REST_OF_WORLD)
    assert rest["value_con"] == 1500 - 1000 - 400 == 100
    assert rest["value_gen"] == 1650 - 1100 - 400 == 150
    assert rest["value_dutiable"] == 520 - 500 - 0 == 20
    assert rest["duty"] == 26 - 25 - 0 == 1
    assert rest["qty1"] == 15 - 10 - 4 == 1
    assert rest["unit1"] == "NO"
    assert imp["value_con"].sum() == 1500  # the total, counted once
    assert schema.REST_OF_WORLD in set(data.countries["country_code"])
    assert "0003" not in set(data.countries["country_code"])


def test_file_without_countries_is_the_rest_of_world(tmp_path):
    header = "time,I_COMMODITY,CON_VAL_MO,GEN_VAL_MO,DUT_VAL_MO,CAL_DUT_MO,CON_QY1_MO,UNIT_QY1"
    write(tmp_path / "imports.csv", header, ["2025-01,8471500150,700,700,0,0,2,NO"])
    write(tmp_path / "exports.csv", EXP_HEADER, EXPORTS)
    data = files.load(FilesSettings(imports="imports.csv", exports="exports.csv"), tmp_path)
    assert list(data.imports["country_code"]) == [schema.REST_OF_WORLD]
    assert list(data.imports["value_con"]) == [700.0]


def test_parquet_integer_codes_are_zero_padded(tmp_path):
    imports = pd.DataFrame(
        {
            "time": [dt.date(2025, 1, 1), dt.date(2025, 1, 1)],
            "I_COMMODITY": pd.array([102291000, 8471500150], dtype="int64"),
            "CTY_CODE": pd.array([1220, 1220], dtype="int64"),
            "CTY_NAME": ["CANADA", "CANADA"],
            "CON_VAL_MO": [1000, 2500],
            "GEN_VAL_MO": [1100.0, 2500.0],
            "DUT_VAL_MO": [500, 0],
            "CAL_DUT_MO": [25.5, 0.0],
            "CON_QY1_MO": [10.0, None],  # a null quantity reads as 0
            "UNIT_QY1": ["NO", "NO"],
        }
    )
    exports = pd.DataFrame(
        {
            "time": pd.to_datetime(["2025-02-01"]),  # a timestamp, not a date
            "E_COMMODITY": [8471500150.0],  # floats too (an int column that had nulls)
            "CTY_CODE": [5830],
            "ALL_VAL_MO": [2000],
            "QTY_1_MO": [3],
            "UNIT_QY1": ["NO"],
        }
    )
    imports.to_parquet(tmp_path / "imports.parquet")
    exports.to_parquet(tmp_path / "exports.parquet")
    settings = FilesSettings(imports="imports.parquet", exports="exports.parquet")
    data = files.load(settings, tmp_path)
    assert list(data.imports["hs10"]) == ["0102291000", "8471500150"]
    assert list(data.imports["country_code"]) == ["1220", "1220"]
    assert list(data.imports["period"]) == ["2025-01", "2025-01"]
    assert list(data.imports["duty"]) == [25.5, 0.0]
    assert list(data.imports["qty1"]) == [10.0, 0.0]
    e = data.exports.iloc[0]
    assert (e["period"], e["hs10"], e["country_code"]) == ("2025-02", "8471500150", "5830")


def test_parquet_glob_for_exports(tmp_path):
    exports = pd.DataFrame(
        {
            "time": pd.to_datetime(["2025-02-01"]),
            "E_COMMODITY": [847150015.0],  # nine digits as stored: padded to ten
            "CTY_CODE": [5830],
            "ALL_VAL_MO": [2000],
            "QTY_1_MO": [3],
            "UNIT_QY1": ["NO"],
        }
    )
    (tmp_path / "exp").mkdir()
    exports.to_parquet(tmp_path / "exp" / "2025-02.parquet")
    write(tmp_path / "imports.csv", IMP_HEADER, CATTLE[:1])
    data = files.load(FilesSettings(imports="imports.csv", exports="exp/*.parquet"), tmp_path)
    e = data.exports.iloc[0]
    assert (e["period"], e["hs10"], e["country_code"]) == ("2025-02", "0847150015", "5830")
    assert (e["value"], e["qty1"]) == (2000.0, 3.0)


def test_glob_over_two_monthly_files(tmp_path):
    jan = CATTLE
    feb = [
        "2025-02,0102291000,CATTLE,1220,CANADA,DET,900,900,0,0,9,NO",
        "2025-02,0102291000,CATTLE,-,TOTAL FOR ALL COUNTRIES,DET,1000,1000,0,0,10,NO",
    ]
    write(tmp_path / "data" / "imports-2025-01.csv", IMP_HEADER, jan)
    write(tmp_path / "data" / "imports-2025-02.csv", IMP_HEADER, feb)
    write(tmp_path / "data" / "exports.csv", EXP_HEADER, EXPORTS)
    settings = FilesSettings(imports="data/imports-*.csv", exports="data/exports.csv")
    data = files.load(settings, tmp_path)
    imp = data.imports
    assert sorted(set(imp["period"])) == ["2025-01", "2025-02"]
    by_month = imp.groupby("period")["value_con"].sum().to_dict()
    assert by_month == {"2025-01": 1500.0, "2025-02": 1000.0}  # each month's total
    feb_rest = imp[(imp["period"] == "2025-02") & (imp["country_code"] == schema.REST_OF_WORLD)]
    assert list(feb_rest["value_con"]) == [1000.0 - 900.0]
    assert data.params["imports"] == "data/imports-*.csv"


def test_absolute_pattern_ignores_root(tmp_path):
    csv_pair(tmp_path, CATTLE[:1])
    settings = FilesSettings(
        imports=str(tmp_path / "imports.csv"), exports=str(tmp_path / "exports.csv")
    )
    data = files.load(settings, Path("/nonexistent"))
    assert len(data.imports) == 1


def test_missing_column_names_the_column_and_file(tmp_path):
    header = IMP_HEADER.replace(",CAL_DUT_MO", "")
    path = write(tmp_path / "imports.csv", header, ["2025-01,0102291000,X,1220,C,DET,1,1,0,0,NO"])
    write(tmp_path / "exports.csv", EXP_HEADER, EXPORTS)
    with pytest.raises(UserError) as err:
        files.load(FilesSettings(imports="imports.csv", exports="exports.csv"), tmp_path)
    assert "missing column CAL_DUT_MO" in str(err.value)
    assert str(path) in str(err.value)


def test_bad_number_is_a_user_error(tmp_path):
    bad = "2025-01,0102291000,CATTLE,1220,CANADA,DET,12x,1,0,0,1,NO"
    with pytest.raises(CensusDataError) as err:
        files.load(csv_pair(tmp_path, [bad]), tmp_path)
    assert isinstance(err.value, UserError)
    assert "CON_VAL_MO '12x' is not a number" in str(err.value)
    assert str(tmp_path / "imports.csv") in str(err.value)


def test_bad_record_in_a_glob_names_its_file(tmp_path):
    good = CATTLE[:1]
    bad = ["2025-02,0102291000,CATTLE,1220,CANADA,DET,1,1,0,oops,1,NO"]
    write(tmp_path / "imports-2025-01.csv", IMP_HEADER, good)
    second = write(tmp_path / "imports-2025-02.csv", IMP_HEADER, bad)
    write(tmp_path / "exports.csv", EXP_HEADER, EXPORTS)
    with pytest.raises(UserError) as err:
        files.load(FilesSettings(imports="imports-*.csv", exports="exports.csv"), tmp_path)
    assert str(err.value).startswith(f"{second}: CAL_DUT_MO 'oops' is not a number (record 1)")


def test_duplicates_across_files_name_the_glob(tmp_path):
    write(tmp_path / "a" / "imports-1.csv", IMP_HEADER, CATTLE[:1])
    write(tmp_path / "a" / "imports-2.csv", IMP_HEADER, CATTLE[:1])
    write(tmp_path / "exports.csv", EXP_HEADER, EXPORTS)
    with pytest.raises(UserError) as err:
        files.load(FilesSettings(imports="a/imports-*.csv", exports="exports.csv"), tmp_path)
    assert str(err.value).startswith("a/imports-*.csv: duplicate record")


@pytest.mark.parametrize("flow", ["imports", "exports"])
def test_missing_setting_names_the_key(tmp_path, flow):
    settings = csv_pair(tmp_path, CATTLE)
    settings = settings.model_copy(update={flow: None})
    with pytest.raises(UserError, match=rf"^data\.files\.{flow}: not set$"):
        files.load(settings, tmp_path)


def test_glob_matching_nothing_names_the_pattern(tmp_path):
    write(tmp_path / "exports.csv", EXP_HEADER, EXPORTS)
    with pytest.raises(UserError, match=r"no file matches 'nowhere/\*\.csv'"):
        files.load(FilesSettings(imports="nowhere/*.csv", exports="exports.csv"), tmp_path)


def test_missing_file_and_folder_are_named(tmp_path):
    write(tmp_path / "exports.csv", EXP_HEADER, EXPORTS)
    with pytest.raises(UserError, match="file not found") as err:
        files.load(FilesSettings(imports="imports.csv", exports="exports.csv"), tmp_path)
    assert str(tmp_path / "imports.csv") in str(err.value)
    (tmp_path / "dir").mkdir()
    with pytest.raises(UserError, match="is a folder"):
        files.load(FilesSettings(imports="dir", exports="exports.csv"), tmp_path)


def test_unreadable_file_names_the_file(tmp_path):
    broken = tmp_path / "imports.parquet"
    broken.write_bytes(b"not a parquet file at all")
    write(tmp_path / "exports.csv", EXP_HEADER, EXPORTS)
    with pytest.raises(UserError, match="cannot read") as err:
        files.load(FilesSettings(imports="imports.parquet", exports="exports.csv"), tmp_path)
    assert str(err.value).startswith(f"{broken}: cannot read")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        (IMP_HEADER + "\n2025-01,0102291000,CAFÉ,1220,C,DET,1,1,0,0,1,NO\n").encode("latin-1")
    )
    with pytest.raises(UserError, match="not UTF-8") as err:
        files.load(FilesSettings(imports="latin.csv", exports="exports.csv"), tmp_path)
    assert str(latin) in str(err.value)
    (tmp_path / "imports.xlsx").write_bytes(b"")
    with pytest.raises(UserError, match="unknown file type"):
        files.load(FilesSettings(imports="imports.xlsx", exports="exports.csv"), tmp_path)


def test_header_only_file_has_no_records(tmp_path):
    with pytest.raises(UserError, match="no imports records"):
        files.load(csv_pair(tmp_path, []), tmp_path)


def test_byte_order_mark_does_not_rename_time(tmp_path):
    settings = csv_pair(tmp_path, CATTLE[:1])
    text = (tmp_path / "imports.csv").read_text(encoding="utf-8")
    (tmp_path / "imports.csv").write_text("\ufeff" + text, encoding="utf-8")
    data = files.load(settings, tmp_path)
    assert list(data.imports["period"]) == ["2025-01"]
