"""A small columnar table: named numpy arrays of one length.

The warehouse side of the metrics (DuckDB's results, the per-month caches, the
classification) hands these to the pure metrics code rather than pandas frames: pandas
with pyarrow takes longer to import (≈ 0.4 s) than DuckDB takes to scan the whole
warehouse, and the aggregates are a few thousand rows. The metrics code reads a Table
and a pandas frame alike (`t[column]` as an array, `len(t)`, `t[mask]`), so the
hand-built frames of the tests and the row-level path keep working unchanged.
Text columns are object arrays of str (as DuckDB returns them) or numpy str arrays (as
the caches store them); both compare, sort and print alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

TEXT, INT, FLOAT = "text", "int", "float"


class Table:
    """Columns by name, each a 1-d numpy array, all of one length."""

    __slots__ = ("_cols",)

    def __init__(self, columns: Mapping[str, Any]) -> None:
        cols = {str(k): _plain(v) for k, v in columns.items()}
        lengths = {len(v) for v in cols.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        self._cols = cols

    @classmethod
    def empty(cls, kinds: Mapping[str, str]) -> Table:
        """No rows, the given columns (name → TEXT, INT or FLOAT)."""
        return cls({c: np.array([], dtype=_DTYPES[k]) for c, k in kinds.items()})

    @classmethod
    def concat(cls, parts: Iterable[Table], kinds: Mapping[str, str]) -> Table:
        """The parts' rows one after another (their columns `kinds` names)."""
        parts = list(parts)
        if not parts:
            return cls.empty(kinds)
        return cls({c: np.concatenate([p[c] for p in parts]) for c in kinds})

    @property
    def columns(self) -> list[str]:
        return list(self._cols)

    def __len__(self) -> int:
        return len(next(iter(self._cols.values()))) if self._cols else 0

    def __contains__(self, name: object) -> bool:
        return name in self._cols

    def __getitem__(self, key: Any) -> Any:
        """A column by name; a Table of the named columns (a list); or the rows a
        boolean mask or an array of positions selects."""
        if isinstance(key, str):
            return self._cols[key]
        if isinstance(key, list) and key and all(isinstance(k, str) for k in key):
            return Table({k: self._cols[k] for k in key})
        rows = np.asarray(key)
        return Table({k: v[rows] for k, v in self._cols.items()})

    def get(self, name: str, default: Any = None) -> Any:
        return self._cols.get(name, default)

    def with_column(self, name: str, values: Any) -> Table:
        return Table({**self._cols, name: values})

    def typed(self, kinds: Mapping[str, str]) -> Table:
        """The columns `kinds` names, in its order, as text (numpy str; objects with None
        where missing), int64 or float64 (NaN where missing)."""
        return Table({c: _as(self._cols[c], k) for c, k in kinds.items()})

    def sorted_by(self, keys: list[str]) -> Table:
        """The rows ordered by `keys`, the first the most significant; ties keep order."""
        if not len(self):
            return self
        return self[np.lexsort([self._cols[k] for k in reversed(keys)])]

    def split(self, key: str) -> dict[Any, Table]:
        """The rows of each distinct value of `key`, in their order."""
        col = self._cols[key]
        return {v: self[col == v] for v in dict.fromkeys(col.tolist())}

    def to_pandas(self) -> Any:
        import pandas as pd

        return pd.DataFrame(dict(self._cols))

    def __repr__(self) -> str:
        return f"Table({len(self)} rows: {', '.join(self._cols)})"


_DTYPES = {TEXT: object, INT: np.int64, FLOAT: np.float64}


def _plain(values: Any) -> np.ndarray:
    """A column as a plain array (DuckDB gives masked arrays where a column holds NULL)."""
    if isinstance(values, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(values)
        data = values.data
        if not mask.any():
            return data
        data = data.astype(object if data.dtype == object else np.float64)  # a copy
        data[mask] = None if data.dtype == object else np.nan
        return data
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError("a column must be one-dimensional")
    return arr


def _as(values: np.ndarray, kind: str) -> np.ndarray:
    if kind == INT:
        return values.astype(np.int64)
    if kind == FLOAT:
        return values.astype(np.float64)
    if values.dtype.kind == "U":
        return values
    if values.dtype == object and any(v is None for v in values.tolist()):
        return values  # text with gaps stays objects, None where missing
    return values.astype(str)  # numpy str: sorted and matched in C, not object by object
