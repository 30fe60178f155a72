"""Column contracts of the warehouse (docs/CENSUS-DATA.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # conform imports it: the column contracts stay light to import
    import pandas as pd

IMPORT_COLUMNS: dict[str, str] = {
    "period": "string",  # YYYY-MM
    "hs10": "string",  # 10 digits, leading zeros kept
    "country_code": "string",  # 4-digit Census code
    "value_con": "float64",  # imports for consumption, USD
    "value_gen": "float64",  # general imports, USD
    "value_dutiable": "float64",
    "duty": "float64",  # calculated duty, USD
    "qty1": "float64",
    "unit1": "string",
}

EXPORT_COLUMNS: dict[str, str] = {
    "period": "string",
    "hs10": "string",
    "country_code": "string",
    "value": "float64",  # total exports, USD
    "qty1": "float64",
    "unit1": "string",
}

FLOW_COLUMNS = {"imports": IMPORT_COLUMNS, "exports": EXPORT_COLUMNS}
FLOWS = tuple(FLOW_COLUMNS)

COUNTRY_COLUMNS = {"country_code": "string", "name": "string"}

# Trade with partners not asked one by one: the all-country total minus the tracked
# countries. Outside Census's ranges (countries 1000–8999, groupings below 1000).
REST_OF_WORLD = "9999"
REST_OF_WORLD_NAME = "Rest of world (derived)"
COMMODITY_COLUMNS = {"hs10": "string", "description": "string"}


def conform(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Exactly the contract's columns, in order, with the contract's dtypes."""
    import pandas as pd

    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"missing columns: {', '.join(missing)}")
    out = frame[list(columns)].copy()
    for col, dtype in columns.items():
        # Conformed already (a flow is conformed once, then cut into months, each conformed
        # again on its way to parquet); pandas' "str" also equals "string", hence exact.
        if out[col].dtype == pd.api.types.pandas_dtype(dtype):
            continue
        if dtype == "string":
            out[col] = out[col].astype(object).where(out[col].notna(), None)
            out[col] = out[col].astype("string")
        else:
            out[col] = out[col].astype(dtype)
    return out.reset_index(drop=True)
