"""The unit-value links of each month, kept beside the warehouse.

The links query (queries.UNIT_LINKS_SQL) pairs every line with its line a year before:
over a whole warehouse it is by far the dearest step of the metrics. Yet the links of
month m depend only on the files of months m and m − 12 (both flows, named by their
sha256 in the manifest), on each code's class and on the query's text; a monthly
refresh adds one month. So each month's few rows are stored under
`output/cache/unit_links/<key>.parquet`, the key a hash of exactly those inputs, and
only the months without a stored entry are computed, in one query that reads them and
their partners a year before (`queries.unit_links(..., months)`), whose rows are the
full query's for those months bit for bit (its sums are exact decimals).

The class part of the key is the taxonomy digest (classcache.taxonomy_digest): a code's
class is a function of it and of the code alone, and the scan classifies every code its
months hold before the links are asked for; a digest of the whole class table would
change with every code a new month brings, and recompute every month with it.

A damaged, unreadable or mismatched entry (its stored key or month differs) is computed
again, never trusted; writes are atomic; the folder keeps at most KEEP entries.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from generator.analysis.metrics.prices import LINK_COLUMNS
from generator.data import queries
from generator.fsutil import write_atomic

FOLDER = "unit_links"
KEEP = 600  # entries: 50 years of months, a few KB each; the ones just used always stay
_META = b"aibrief.link_key"
_ABSENT = "-"  # a month the scan does not hold (no partner a year before)
# What the query computes: both forms of its text, and the lag that pairs months.
SQL_DIGEST = hashlib.sha256(
    (queries.UNIT_LINKS_SQL + queries.UNIT_LINKS_ROWS_SQL + str(queries.UNIT_LINK_LAG)).encode()
).hexdigest()


def month_digests(manifest: dict[str, Any], months: Iterable[str]) -> dict[str, str]:
    """Each scanned month's files, as the manifest's sha256 of both flows' files."""
    flows = manifest.get("flows", {})
    out = {}
    for m in months:
        shas = [
            str(flows.get(f, {}).get(m, {}).get("sha256", _ABSENT)) for f in ("imports", "exports")
        ]
        out[m] = ":".join(shas)
    return out


def entry_key(month: str, files: dict[str, str], class_key: str) -> str:
    """The key of a month's links: its files, its partner's a year before, the classes
    and the query."""
    prior = queries.lag_month(month, queries.UNIT_LINK_LAG)
    h = hashlib.sha256()
    for part in (month, files[month], prior, files.get(prior, _ABSENT), class_key, SQL_DIGEST):
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:32]


def unit_links(
    scan: queries.Scan,
    class_of: pd.Series,
    folder: Path,
    files: dict[str, str],
    class_key: str,
) -> pd.DataFrame:
    """queries.unit_links over the scan's months (`files`: month → month_digests), each
    month read from the cache when its key matches, the others computed in one query."""
    months = sorted(files)
    keys = {m: entry_key(m, files, class_key) for m in months}
    held = {m: _read(folder / f"{keys[m]}.parquet", keys[m], m) for m in months}
    missing = [m for m in months if held[m] is None]
    if missing:
        # All months missing: the full query, which reads every file once anyway.
        fresh = queries.unit_links(scan, class_of, None if missing == months else missing)
        for m in missing:
            held[m] = fresh[fresh["period"] == m].reset_index(drop=True)
            _write(folder / f"{keys[m]}.parquet", held[m], keys[m])
        _prune(folder, {f"{k}.parquet" for k in keys.values()})
    parts = [held[m] for m in months]
    out = pd.concat(parts, ignore_index=True) if parts else _empty()
    out = out.sort_values(["flow", "period", "klass"], kind="stable").reset_index(drop=True)
    return out[LINK_COLUMNS]


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in LINK_COLUMNS})
    return queries.typed_links(frame)


def _read(path: Path, key: str, month: str) -> pd.DataFrame | None:
    """A stored month, or None when missing, unreadable or not this key's."""
    try:
        table = pq.read_table(path)
    except Exception:  # noqa: BLE001 - any damage means: compute again
        return None
    meta = table.schema.metadata or {}
    if meta.get(_META) != key.encode() or table.column_names != LINK_COLUMNS:
        return None
    frame = queries.typed_links(table.to_pandas())
    if not (frame["period"] == month).all():
        return None
    return frame


def _write(path: Path, frame: pd.DataFrame, key: str) -> None:
    """Store atomically, the key inside (a copied or renamed file is not trusted)."""
    table = pa.Table.from_pandas(frame[LINK_COLUMNS], preserve_index=False)
    table = table.replace_schema_metadata({_META: key.encode()})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, buf.getvalue())
    except OSError:
        pass  # a read-only output folder: the next run computes again


def _prune(folder: Path, used: set[str]) -> None:
    """Keep the entries just used and the newest others, KEEP in all at most."""
    try:
        others = [p for p in folder.glob("*.parquet") if p.name not in used]
        others.sort(key=lambda p: p.stat().st_mtime_ns)
        for stale in others[: max(0, len(others) + len(used) - KEEP)]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass
