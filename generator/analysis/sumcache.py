"""The warehouse's sums of each month, kept beside the warehouse (monthcache).

The scan sums every trade row by month × country × class (× exemption mask); a month's
sums depend only on its own file of each flow (named by sha256 in the manifest), on
each code's class (the taxonomy digest, as for linkcache), on which codes each
exemption list holds, in bit order, and on the query's text (with the bytes of the
modules that send it and store the result, so a changed line there is never served
stale). A monthly refresh adds one month, so the next run scans that month's files
alone and reads the others' sums from `output/cache/sums/<key>.entry` (the yardstick a
metrics run is measured against scans them all: benchmarks/README.md).
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from generator.analysis import monthcache
from generator.analysis.metrics.model import EXPORT_AGGREGATE, IMPORT_AGGREGATE
from generator.data import queries, scan_columns

FOLDER = "sums"
KEEP = 1200  # entries: 50 years of months in both flows; the ones just used always stay
SHAPES = {
    "imports": scan_columns.kinds(IMPORT_AGGREGATE, scan_columns.SUM_INTS["imports"]),
    "exports": scan_columns.kinds(EXPORT_AGGREGATE, scan_columns.SUM_INTS["exports"]),
}
# The queries' text, whole and as a run sends it for some months only.
_FORMS = [
    queries.only_months(sql, months, keys)
    for sql, keys in ((queries.IMPORTS_SQL, 4), (queries.EXPORTS_SQL, 3))
    for months in (None, ["2000-01"])
]
SQL_DIGEST = hashlib.sha256(
    "".join(_FORMS).encode()
    + monthcache.code_digest(queries, monthcache, sys.modules[__name__]).encode()
).hexdigest()


def lists_digest(lists: list[Any]) -> str:
    """What the exemption masks depend on: each list's key and codes, in bit order (its
    dates are applied per month by the metrics, after the sums)."""
    h = hashlib.sha256()
    for lst in lists:
        h.update(str(lst.key).encode() + b"\0" + "\n".join(map(str, lst.codes)).encode() + b"\0")
    return h.hexdigest()


def entry_key(flow: str, month: str, files: dict[str, str], class_key: str, lists_key: str) -> str:
    """The key of a month's sums of one flow: its files, the classes, the lists, the query."""
    h = hashlib.sha256()
    for part in (flow, month, files[month], class_key, lists_key, SQL_DIGEST):
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:32]


@dataclass(frozen=True)
class Held:
    """Both flows' entries for a span of months."""

    imports: monthcache.Entries
    exports: monthcache.Entries

    @property
    def missing(self) -> list[str]:
        return sorted(set(self.imports.missing) | set(self.exports.missing))


def entries(folder: Path, files: dict[str, str], class_key: str, lists: list[Any]) -> Held:
    """Each month's sums as the folder holds them (`files`: month → month_digests)."""
    lists_key = lists_digest(lists)

    def of(flow: str) -> monthcache.Entries:
        keys = {m: entry_key(flow, m, files, class_key, lists_key) for m in files}
        return monthcache.Entries(folder, keys, SHAPES[flow])

    return Held(of("imports"), of("exports"))


def complete(held: Held, fresh: queries.Sums | None) -> queries.Sums:
    """Every month's sums: the missing ones taken from `fresh` (a scan holding at least
    them) and stored, then all of them as one table a flow, in the scan's order. Sums
    with UNCLASSIFIED rows serve this run but are not stored."""
    missing = held.missing
    if missing:
        if fresh is None:
            raise ValueError("months not summed: " + ", ".join(missing))
        for flow in ("imports", "exports"):
            table = getattr(fresh, flow)
            stored = getattr(held, flow)
            by_month = table.split("period")
            for m in missing:
                part = by_month.get(m, table[np.zeros(0, dtype=np.int64)])
                stored.store(m, part, persist=not fresh.unclassified)
            stored.prune(KEEP)
    return queries.Sums(held.imports.table(), held.exports.table())
