"""Per-month results of the warehouse scan, kept beside the warehouse.

A month's sums and its unit-value links depend on a few files of the warehouse (named
by their sha256 in the manifest), on each code's class and on the query's text; a
monthly refresh adds one month. So each month's result is stored under
`output/cache/<kind>/<key>.entry`, the key a hash of exactly those inputs, and a run
scans only the months without an entry (sumcache, linkcache say what each key holds).

Entries are a few hundred rows of numpy columns behind a one-line JSON header (the
key, the row count, each column's name and dtype): read in a fraction of a
millisecond without pandas or pyarrow, where a parquet file this small costs several
(a run reads one entry per month and flow). The key is stored inside: a damaged,
unreadable, copied or renamed entry is computed again, never trusted; writes are
atomic; a folder keeps at most `keep` entries, the ones just used always.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from generator.data import scan_columns, table
from generator.data.table import FLOAT, INT, TEXT, Table
from generator.fsutil import write_atomic

SUFFIX = ".entry"
OLD_SUFFIXES = (".arrow",)  # entries of earlier versions: never read, pruned
ABSENT = "-"  # a month the warehouse does not hold (e.g. no partner a year before)
_MAGIC = b"aibrief-entry/1"
# What a stored column holds: numpy str, int64 or float64 (another width or type: written
# by other code, computed again).
_KINDS = {TEXT: "U", INT: "<i8", FLOAT: "<f8"}


def code_digest(*modules: Any) -> str:
    """The bytes of the code that computes and converts an entry (a changed line of it
    is never served stale), as classcache hashes the classifying code, and the versions
    of the engine and the file format (DuckDB rounds each double into the exact sums)."""
    h = hashlib.sha256()
    for package in ("duckdb", "numpy"):
        try:
            h.update(f"{package} {metadata.version(package)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{package} missing\0".encode())
    for module in (*modules, table, scan_columns):  # and the code that types the columns
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()


def month_digests(manifest: dict[str, Any], months: Iterable[str]) -> dict[str, str]:
    """Each month's files, as the manifest's sha256 of both flows' files."""
    flows = manifest.get("flows", {})
    out = {}
    for m in months:
        shas = [
            str(flows.get(f, {}).get(m, {}).get("sha256", ABSENT)) for f in ("imports", "exports")
        ]
        out[m] = ":".join(shas)
    return out


def path_of(folder: Path, key: str) -> Path:
    return folder / f"{key}{SUFFIX}"


def read(folder: Path, key: str, shape: dict[str, str]) -> Table | None:
    """A stored entry, or None when it is missing, unreadable, not this key's or not of
    this shape (columns and kinds: an entry written by other code is computed again)."""
    try:
        data = path_of(folder, key).read_bytes()
        magic, header, body = data.split(b"\n", 2)
        head = json.loads(header)
        if magic != _MAGIC or head["key"] != key:
            return None
        rows, columns, offset = int(head["rows"]), {}, 0
        for name, dtype in head["columns"]:
            kind = np.dtype(dtype)
            columns[name] = np.frombuffer(body, kind, count=rows, offset=offset)
            offset += rows * kind.itemsize
    except Exception:  # noqa: BLE001 - any damage means: compute again
        return None
    found = [(n, c.dtype.kind if c.dtype.kind == "U" else c.dtype.str) for n, c in columns.items()]
    if offset != len(body) or found != [(n, _KINDS[k]) for n, k in shape.items()]:
        return None
    return Table(columns)


def write(folder: Path, key: str, table: Table) -> None:
    """Store atomically, the key inside; a read-only folder means: compute next time."""
    columns = {n: _stored(table[n]) for n in table.columns}
    head = {
        "key": key,
        "rows": len(table),
        "columns": [[n, c.dtype.str] for n, c in columns.items()],
    }
    blob = _MAGIC + b"\n" + json.dumps(head).encode() + b"\n"
    blob += b"".join(c.tobytes() for c in columns.values())
    with contextlib.suppress(OSError):
        write_atomic(path_of(folder, key), blob)


def _stored(column: np.ndarray) -> np.ndarray:
    """A column as fixed-width bytes: text as numpy str (never pickled objects)."""
    if column.dtype == object:
        column = column.astype(str)
    return np.ascontiguousarray(column.astype(column.dtype.newbyteorder("<"), copy=False))


# A write killed between its temporary file and the rename leaves `.<key>.entry.<x>`.
TEMP_AGE = 3600.0  # seconds: older temporary files are a killed write's, not a live one's


def prune(folder: Path, used: set[str], keep: int) -> None:
    """Keep the entries just used (keys) and the newest others, `keep` in all at most;
    drop what killed writes left."""
    names = {path_of(folder, k).name for k in used}
    try:
        for temp in folder.glob(f".*{SUFFIX}.*"):
            if time.time() - temp.stat().st_mtime > TEMP_AGE:
                temp.unlink(missing_ok=True)
        for old in OLD_SUFFIXES:
            for stale in folder.glob(f"*{old}"):
                stale.unlink(missing_ok=True)
        others = [p for p in folder.glob(f"*{SUFFIX}") if p.name not in names]
        others.sort(key=lambda p: p.stat().st_mtime_ns)
        for stale in others[: max(0, len(others) + len(names) - keep)]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass


class Entries:
    """One kind of entry for a span of months: each month's key, and what the folder
    holds for it (None: to compute). `store` keeps a computed month; `table` gives
    every month's rows in month order."""

    def __init__(self, folder: Path, keys: dict[str, str], shape: dict[str, str]) -> None:
        self.folder, self.keys, self.shape = folder, keys, shape
        self.held = {m: read(folder, k, shape) for m, k in keys.items()}

    @property
    def missing(self) -> list[str]:
        return sorted(m for m, t in self.held.items() if t is None)

    def store(self, month: str, frame: Table, persist: bool = True) -> None:
        """A computed month's rows (a Table of the entry's columns); `persist` False: for
        this run only (rows a later run must compute again)."""
        table = frame.typed(self.shape)
        self.held[month] = table
        if persist:
            write(self.folder, self.keys[month], table)

    def table(self) -> Table:
        parts = [self.held[m] for m in sorted(self.held)]
        if any(t is None for t in parts):
            raise ValueError("months not computed: " + ", ".join(self.missing))
        return Table.concat(parts, self.shape)

    def prune(self, keep: int) -> None:
        prune(self.folder, set(self.keys.values()), keep)
