"""The small tables the warehouse scan takes in (each code's class, the exemption codes)
and the columns it gives back (sums, unit-value links), with their kinds: text, int64,
float64. The metrics path holds them as Tables (data/table.py); `typed` also gives the
row-level reference path's pandas frames those dtypes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from generator.data.table import FLOAT, INT, TEXT, Table

if TYPE_CHECKING:
    import pandas as pd


def exemption_codes(lists: list[Any]) -> Table:
    """Listed code prefixes with their number of digits and the bit of their list (2**k
    for list k)."""
    rows = [(str(c), len(str(c)), 1 << k) for k, lst in enumerate(lists) for c in lst.codes]
    code, digits, bit = zip(*rows, strict=True) if rows else ((), (), ())
    return Table({"code": list(code), "digits": list(digits), "bit": list(bit)}).typed(
        {"code": TEXT, "digits": INT, "bit": INT}
    )


def class_codes(class_of: pd.Series | Table) -> Table:
    """hs10 → class index (−1: excluded chapter) as a small table, from the classification's
    Table (hs10, klass) or a pandas Series indexed by code."""
    if not isinstance(class_of, Table):
        class_of = Table({"hs10": [str(c) for c in class_of.index], "klass": class_of.to_numpy()})
    return class_of[["hs10", "klass"]].typed({"hs10": TEXT, "klass": INT})


SUM_INTS = {"imports": ["klass", "mask"], "exports": ["klass"]}
LINK_INTS = ["klass", "lines", "outliers", "unit_changes"]


def typed_sums(frame: Any, flow: str) -> Any:
    """A flow's sums with the dtypes aggregate returns (a cached one read back, too)."""
    return typed(frame, SUM_INTS[flow])


def typed_links(frame: Any) -> Any:
    """A links table or frame with the dtypes unit_links returns (a cached one read back)."""
    return typed(frame, LINK_INTS)


# Columns the scan's results hold as text (codes and months); monthcache stores them so.
TEXT_COLUMNS = ("period", "country_code", "hs10", "flow")


def kinds(columns: Iterable[str], ints: Iterable[str]) -> dict[str, str]:
    """Each column's kind: codes and months text, `ints` int64, sums float64."""
    whole = set(ints)
    return {
        c: TEXT if c in TEXT_COLUMNS or c == "unit" else INT if c in whole else FLOAT
        for c in columns
    }


def sql_type(column: Any) -> str:
    """The SQL type a column of a Table goes into the engine as (Scan.register)."""
    return {"b": "BOOLEAN", "i": "BIGINT", "u": "BIGINT", "f": "DOUBLE"}.get(
        column.dtype.kind, "VARCHAR"
    )


def typed(frame: Any, ints: list[str]) -> Any:
    """Codes as str, indexes as int64, sums as float64: the pandas path's dtypes (a Table
    the same, in a Table)."""
    if isinstance(frame, Table):
        return frame.typed(kinds(frame.columns, ints))
    out = frame.copy()
    for col in out.columns:
        if col in ints:
            out[col] = out[col].astype("int64")
        elif col in TEXT_COLUMNS:
            out[col] = out[col].astype(str)
        elif col == "unit":
            out[col] = out[col].astype(object).where(out[col].notna(), None)
        else:
            out[col] = out[col].astype("float64")
    return out
