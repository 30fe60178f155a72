"""The unit-value links of each month, kept beside the warehouse (monthcache).

The links query (queries.UNIT_LINKS_SQL) pairs every line with its line a year before:
over a whole warehouse it is by far the dearest step of the metrics. Yet the links of
month m depend only on the files of months m and m − 12 (both flows, named by their
sha256 in the manifest), on each code's class and on the query's text; a monthly
refresh adds one month. So each month's few rows are stored under
`output/cache/unit_links/<key>.entry`, the key a hash of exactly those inputs, and
only the months without a stored entry are computed, one query a month that reads it
and its partner a year before (`queries.unit_links(..., [month])`), whose rows are the
full query's for that month bit for bit (its sums are exact decimals).

The class part of the key is the taxonomy digest (classcache.taxonomy_digest): a code's
class is a function of it and of the code alone, and the scan classifies every code its
months hold before the links are asked for; a digest of the whole class table would
change with every code a new month brings, and recompute every month with it.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.analysis import monthcache
from generator.analysis.metrics.prices import LINK_COLUMNS
from generator.data import queries, scan_columns
from generator.data.table import Table

if TYPE_CHECKING:
    import pandas as pd

FOLDER = "unit_links"
KEEP = 600  # entries: 50 years of months, a few KB each; the ones just used always stay
SHAPE = scan_columns.kinds(LINK_COLUMNS, scan_columns.LINK_INTS)
# What the query computes: its text in every form a run may send (whole, and for one
# month, grouping rows or taking a row as a line), and the lag that pairs months.
_FORMS = [queries.unit_links_sql(m, rows) for m in (None, ["2000-01"]) for rows in (False, True)]
SQL_DIGEST = hashlib.sha256(
    ("".join(_FORMS) + str(queries.UNIT_LINK_LAG)).encode()
    + monthcache.code_digest(queries, monthcache, sys.modules[__name__]).encode()
).hexdigest()


def entry_key(month: str, files: dict[str, str], class_key: str) -> str:
    """The key of a month's links: its files, its partner's a year before, the classes
    and the query."""
    prior = queries.lag_month(month, queries.UNIT_LINK_LAG)
    h = hashlib.sha256()
    for part in (
        month,
        files[month],
        prior,
        files.get(prior, monthcache.ABSENT),
        class_key,
        SQL_DIGEST,
    ):
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:32]


def entries(folder: Path, files: dict[str, str], class_key: str) -> monthcache.Entries:
    """Each month's links as the folder holds them (`files`: month → month_digests)."""
    keys = {m: entry_key(m, files, class_key) for m in files}
    return monthcache.Entries(folder, keys, SHAPE)


def complete(
    held: monthcache.Entries, scan: queries.Scan | None, class_of: pd.Series | Table
) -> Table:
    """Every month's links: the missing ones computed over `scan` (which must hold them
    and their partners) and stored, then all of them as one table. One query a month:
    each joins one month's lines against the year before's, a small hash table, where
    one query over every month builds one of every line (at scale 16, 36 months: 7 CPU s
    and 320 MB month by month against 15 CPU s and 1.2 GB at once, the same rows); and a
    run stopped half-way keeps the months it finished. One table, in the full query's
    order (flow, month, class)."""
    missing = held.missing
    if missing:
        if scan is None:
            raise ValueError("months without links and no scan: " + ", ".join(missing))
        for m in missing:
            held.store(m, queries.unit_links(scan, class_of, [m]))
        held.prune(KEEP)
    return held.table().sorted_by(["flow", "period", "klass"])  # SHAPE's columns and kinds


def unit_links(
    scan: queries.Scan,
    class_of: pd.Series | Table,
    folder: Path,
    files: dict[str, str],
    class_key: str,
) -> Table:
    """queries.unit_links over the scan's months, each month read from the cache when
    its key matches, the others computed (`complete`)."""
    return complete(entries(folder, files, class_key), scan, class_of)
