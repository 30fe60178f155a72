"""Per-month results of the warehouse scan, kept beside the warehouse.

A month's sums and its unit-value links depend on a few files of the warehouse (named
by their sha256 in the manifest), on each code's class and on the query's text; a
monthly refresh adds one month. So each month's result is stored under
`output/cache/<kind>/<key>.arrow`, the key a hash of exactly those inputs, and a run
scans only the months without an entry (sumcache, linkcache say what each key holds).

Entries are Arrow IPC files: a few hundred rows each, read in a fraction of a
millisecond, where a parquet file this small costs several (a run reads one entry per
month and flow). The key is stored inside: a damaged, unreadable, copied or renamed
entry is computed again, never trusted; writes are atomic; a folder keeps at most
`keep` entries, the ones just used always.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.ipc as ipc

from generator.data import queries
from generator.fsutil import write_atomic

SUFFIX = ".arrow"
ABSENT = "-"  # a month the warehouse does not hold (e.g. no partner a year before)
_META = b"aibrief.entry_key"


def code_digest(*modules: Any) -> str:
    """The bytes of the code that computes and converts an entry (a changed line of it
    is never served stale), as classcache hashes the classifying code, and the versions
    of the engine and the file format (DuckDB rounds each double into the exact sums)."""
    h = hashlib.sha256()
    for package in ("duckdb", "pyarrow"):
        try:
            h.update(f"{package} {metadata.version(package)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{package} missing\0".encode())
    for module in modules:
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


def read(folder: Path, key: str, shape: pa.Schema) -> pa.Table | None:
    """A stored entry, or None when it is missing, unreadable, not this key's or not of
    this shape (columns and types: an entry written by other code is computed again)."""
    try:
        with pa.memory_map(str(path_of(folder, key))) as source:
            table = ipc.open_file(source).read_all()
    except Exception:  # noqa: BLE001 - any damage means: compute again
        return None
    meta = table.schema.metadata or {}
    if meta.get(_META) != key.encode() or not table.schema.equals(shape):
        return None
    return table


def write(folder: Path, key: str, table: pa.Table) -> None:
    """Store atomically, the key inside; a read-only folder means: compute next time."""
    table = table.replace_schema_metadata({_META: key.encode()})
    sink = pa.BufferOutputStream()
    with ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    with contextlib.suppress(OSError):
        write_atomic(path_of(folder, key), sink.getvalue().to_pybytes())


# A write killed between its temporary file and the rename leaves `.<key>.arrow.<x>`.
TEMP_AGE = 3600.0  # seconds: older temporary files are a killed write's, not a live one's


def prune(folder: Path, used: set[str], keep: int) -> None:
    """Keep the entries just used (keys) and the newest others, `keep` in all at most;
    drop what killed writes left."""
    names = {path_of(folder, k).name for k in used}
    try:
        for temp in folder.glob(f".*{SUFFIX}.*"):
            if time.time() - temp.stat().st_mtime > TEMP_AGE:
                temp.unlink(missing_ok=True)
        others = [p for p in folder.glob(f"*{SUFFIX}") if p.name not in names]
        others.sort(key=lambda p: p.stat().st_mtime_ns)
        for stale in others[: max(0, len(others) + len(names) - keep)]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass


def schema(columns: list[str], ints: Iterable[str]) -> pa.Schema:
    """An entry's columns: codes and months as text, `ints` as int64, sums as float64
    (the dtypes of the scan's frames, queries._typed)."""
    whole = set(ints)

    def kind(c: str) -> pa.DataType:
        if c in queries.TEXT_COLUMNS:
            return pa.string()
        return pa.int64() if c in whole else pa.float64()

    return pa.schema([(c, kind(c)) for c in columns])


class Entries:
    """One kind of entry for a span of months: each month's key, and what the folder
    holds for it (None: to compute). `store` keeps a computed month; `table` gives
    every month's rows in month order, for one conversion to pandas."""

    def __init__(self, folder: Path, keys: dict[str, str], shape: pa.Schema) -> None:
        self.folder, self.keys, self.shape = folder, keys, shape
        self.held = {m: read(folder, k, shape) for m, k in keys.items()}

    @property
    def missing(self) -> list[str]:
        return sorted(m for m, t in self.held.items() if t is None)

    def store(self, month: str, frame: Any, persist: bool = True) -> None:
        """A computed month's rows (a pandas frame of the entry's columns); `persist`
        False: for this run only (rows a later run must compute again)."""
        table = pa.Table.from_pandas(frame[self.shape.names], self.shape, preserve_index=False)
        self.held[month] = table
        if persist:
            write(self.folder, self.keys[month], table)

    def table(self) -> pa.Table:
        parts = [self.held[m] for m in sorted(self.held)]
        if any(t is None for t in parts):
            raise ValueError("months not computed: " + ", ".join(self.missing))
        return pa.concat_tables(parts) if parts else self.shape.empty_table()

    def prune(self, keep: int) -> None:
        prune(self.folder, set(self.keys.values()), keep)
