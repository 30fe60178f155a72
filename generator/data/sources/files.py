"""`data.source: files` — bulk trade files laid out with Census API variable names.

For operators who download Census data in bulk (or keep their own extracts) instead of
asking the API month by month. Each flow is a path or glob of CSV or parquet files whose
columns carry the API's variable names (docs/CENSUS-DATA.md), so the same records give the
same warehouse whichever way they arrive: parsing and checks are census_format's.

Codes are text: a CSV is read with every value as a string, and a parquet file's integer
code columns (which lost their leading zeros) are zero-padded back to their width.
"""

from __future__ import annotations

import datetime as dt
import glob
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from generator.config import FilesSettings
from generator.data import schema
from generator.data.sources import TradeData
from generator.data.sources import census_format as cf
from generator.errors import ConfigError, UserError

CSV_SUFFIXES = (".csv", ".csv.gz", ".txt")
PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
# Codes that integer-typed storage strips of their leading zeros, and their width.
CODE_WIDTH = {"I_COMMODITY": 10, "E_COMMODITY": 10, "CTY_CODE": 4}
_GLOB_CHARS = frozenset("*?[")


def load(files: FilesSettings, root: Path) -> TradeData:
    """Read both flows and return them in the warehouse schema.

    `root` is the config folder: relative patterns resolve against it, so a config
    works the same from any working directory.
    """
    patterns: dict[str, str] = {}
    normalized: dict[str, cf.Normalized] = {}
    for flow in schema.FLOWS:
        pattern = getattr(files, flow)
        if pattern is None or not str(pattern).strip():
            raise ConfigError(f"data.files.{flow}: not set")
        patterns[flow] = str(pattern).strip()
        normalized[flow] = load_flow(patterns[flow], flow, root)

    imp, exp = normalized["imports"], normalized["exports"]
    return TradeData(
        imports=imp.trade,
        exports=exp.trade,
        countries=_union([imp.countries, exp.countries], "country_code", "name"),
        commodities=_union([imp.commodities, exp.commodities], "hs10", "description"),
        source="files",
        sample=False,
        params=dict(patterns),
    )


def load_flow(pattern: str, flow: str, root: Path) -> cf.Normalized:
    """All files of one flow, concatenated, then checked and converted as one.

    One frame, not one per file: a month's all-country totals and its country rows may
    sit in different files, and the rest of the world needs both.
    """
    paths = resolve(pattern, root)
    frames = [_with_required(read_file(p), flow, str(p)) for p in paths]
    raw = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if raw.empty:
        raise UserError(f"no {flow} records", where=pattern)
    # Columns only some files have (names, descriptions) are blank for the others.
    raw = raw.fillna("")
    where = str(paths[0]) if len(paths) == 1 else pattern
    try:
        return cf.normalize(raw, flow, where=where)
    except cf.CensusDataError as exc:
        if len(paths) > 1:
            _raise_from_single_file(frames, paths, flow)
        raise exc from None


def resolve(pattern: str, root: Path) -> list[Path]:
    """The files a path or glob names, sorted so concatenation order is reproducible."""
    full = Path(pattern).expanduser()
    if not full.is_absolute():
        full = root / full
    if _GLOB_CHARS & set(pattern):
        matches = sorted(Path(p) for p in glob.glob(str(full), recursive=True))
        matches = [p for p in matches if p.is_file()]
        if not matches:
            raise UserError(f"no file matches {pattern!r}", where=str(full))
        return matches
    if full.is_dir():
        raise UserError(
            f"is a folder; name the files, e.g. {pattern.rstrip('/')}/*.csv", where=str(full)
        )
    if not full.is_file():
        raise UserError("file not found", where=str(full))
    return [full]


def read_file(path: Path) -> pd.DataFrame:
    """One file as a frame of strings (codes keep their leading zeros, blanks are '')."""
    name = path.name.lower()
    is_csv = name.endswith(CSV_SUFFIXES)
    if not is_csv and not name.endswith(PARQUET_SUFFIXES):
        raise UserError("unknown file type (expected .csv or .parquet)", where=str(path))
    nan_cells: dict[str, np.ndarray] = {}
    try:
        if is_csv:
            # utf-8-sig: spreadsheets write a byte-order mark that would rename `time`.
            frame = pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding="utf-8-sig", low_memory=False
            )
        else:
            table = pq.read_table(path)
            nan_cells = _nan_cells(table)
            frame = table.to_pandas()
    except UnicodeDecodeError:
        raise UserError("cannot read: not UTF-8 text", where=str(path)) from None
    except pd.errors.EmptyDataError:
        raise UserError("cannot read: the file is empty", where=str(path)) from None
    except Exception as exc:  # parser, arrow and OS errors alike: name the file
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"cannot read: {reason}", where=str(path)) from None
    if not is_csv:
        frame = _parquet_as_text(frame, nan_cells)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _nan_cells(table: pa.Table) -> dict[str, np.ndarray]:
    """Where float columns hold NaN itself (not null): pandas shows both as NaN, but a
    null is a blank while a NaN is a figure that must be refused."""
    out = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_floating(column.type):
            mask = pc.fill_null(pc.is_nan(column), False).to_numpy(zero_copy_only=False)
            if mask.any():
                out[name] = mask
    return out


def _parquet_as_text(frame: pd.DataFrame, nan_cells: dict[str, np.ndarray]) -> pd.DataFrame:
    """Every column as text, as the API would send it: integer codes zero-padded, a
    date-typed `time` as YYYY-MM, numbers as their decimal text, nulls as '', NaN as 'nan'."""
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        text = _column_text(frame[col], str(col).strip())
        if col in nan_cells:
            text = text.where(~nan_cells[col], "nan")
        out[col] = text
    return out


def _column_text(col: pd.Series, name: str) -> pd.Series:
    missing = col.isna()
    width = CODE_WIDTH.get(name)
    if width and (pd.api.types.is_integer_dtype(col) or pd.api.types.is_float_dtype(col)):
        # Floats too: an integer column with nulls comes back as float64.
        def pad(v: object) -> str:
            f = float(v)  # type: ignore[arg-type]
            return f"{int(f):0{width}d}" if f.is_integer() else str(v)

        text = col.map(lambda v: "" if pd.isna(v) else pad(v))
    elif name == "time" and pd.api.types.is_datetime64_any_dtype(col):
        text = col.dt.strftime("%Y-%m")
    elif name == "time" and col.map(lambda v: isinstance(v, dt.date)).any():
        text = col.map(lambda v: v.strftime("%Y-%m") if isinstance(v, dt.date) else str(v))
    else:
        text = col.astype(object).map(str)
    return text.where(~missing, "").astype(object)


def _with_required(frame: pd.DataFrame, flow: str, where: str) -> pd.DataFrame:
    """Check one file's columns, so a missing column names the file that lacks it."""
    needed = [v for v in cf.FLOW_VARS[flow] if v != "CTY_CODE"]
    missing = [v for v in needed if v not in frame.columns]
    if missing:
        raise cf.CensusDataError(f"missing column {', '.join(missing)}", where=where)
    if "CTY_CODE" not in frame.columns:
        # A file without countries holds all-country totals (as the API answers).
        frame = frame.assign(CTY_CODE="-")
    return frame


def _raise_from_single_file(frames: list[pd.DataFrame], paths: list[Path], flow: str) -> None:
    """On failure, find the file that fails on its own, so the error names it (and its
    record number means something). Problems across files keep the glob as `where`."""
    for frame, path in zip(frames, paths, strict=True):
        try:
            cf.normalize(frame.fillna(""), flow, where=str(path))
        except cf.CensusDataError as exc:
            raise exc from None


def _union(frames: list[pd.DataFrame], key: str, text: str) -> pd.DataFrame:
    """Rows of both flows, one per key; a non-empty name beats an empty one."""
    both = pd.concat(frames, ignore_index=True)
    both["_blank"] = both[text].fillna("").str.strip().eq("")
    both = both.sort_values([key, "_blank"], kind="stable").drop_duplicates(key)
    columns = schema.COUNTRY_COLUMNS if key == "country_code" else schema.COMMODITY_COLUMNS
    return schema.conform(both, columns)
