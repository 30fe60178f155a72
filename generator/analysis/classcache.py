"""The classification of the warehouse's codes, kept beside the warehouse.

Classifying a code with the rules runs in Python, code by code (≈ 0.07 s for the
8,000 codes of a month), and a code's answer depends on the code and the taxonomy
inputs alone, not on which other codes are asked with it. So each code is classified
once per taxonomy: the answers are stored under `output/cache/classification/<key>.parquet`,
and a run whose code list brings new codes (a refresh with a new commodity table)
classifies those alone and stores the union. The key is a hash of everything an answer
depends on: the rule file, the published classification CSV (if any), the config's
`category_map` and excluded chapters, and the code that classifies (this module,
taxonomy.py, published.py and cube.py, whose bytes are hashed too, so a changed rule of
the code is never served stale). A damaged or unreadable cache file is classified
again, never trusted.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from generator.analysis import metrics as m
from generator.analysis.metrics import cube
from generator.classify import published, taxonomy
from generator.classify.taxonomy import Taxonomy
from generator.config import Settings
from generator.data import queries
from generator.data.table import TEXT, Table
from generator.errors import UserError

FOLDER = "classification"
KEEP = 4  # cache files kept: one a taxonomy (an edited rule file makes a new one)
_CODE = (Path(__file__), Path(taxonomy.__file__), Path(published.__file__), Path(cube.__file__))


def taxonomy_digest(settings: Settings) -> str:
    """Hash of the taxonomy inputs a config names and of the classifying code."""
    h = hashlib.sha256()
    csv = settings.taxonomy.classification_csv
    files = [settings.rules_path, *([settings.path(csv)] if csv is not None else [])]
    for path in [*files, *_CODE]:
        h.update(str(path).encode() + b"\0")
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"\0missing")  # loading the taxonomy reports it
    extra = {
        "category_map": dict(settings.taxonomy.category_map),
        "exclude_chapters": sorted(int(c) for c in settings.taxonomy.exclude_chapters),
    }
    h.update(json.dumps(extra, sort_keys=True).encode())
    return h.hexdigest()


def path_of(folder: Path, digest: str) -> Path:
    """The file of a taxonomy's answers (its digest names it)."""
    return folder / f"{digest[:32]}.parquet"


def classes(
    folder: Path, digest: str, tax: Taxonomy, codes: list[str], scan: queries.Scan
) -> tuple[Table, Table]:
    """The classification of `codes` (sorted, one row a code) and its class index per
    code (hs10, klass): the stored answers, and the codes they lack classified with the
    rules and stored with them. Read and written in the run's DuckDB session (`scan`),
    without pandas or pyarrow, which the metrics path does not import."""
    wanted = sorted(set(map(str, codes)))
    path = path_of(folder, digest)
    stored = _read(path, scan)
    held = set() if stored is None else set(stored["hs10"].tolist())
    missing = [c for c in wanted if c not in held]
    if missing:
        stored = _classify(tax, missing, stored)
        _write(path, stored, scan)
    if stored is None:  # no code asked and none stored yet
        stored = _classify(tax, [], None)
    if len(stored) != len(wanted):
        asked = set(wanted)
        stored = stored[np.array([c in asked for c in stored["hs10"].tolist()], dtype=bool)]
    class_of = Table({"hs10": stored["hs10"], "klass": stored["klass"].astype(np.int64)})
    return stored[[c for c in stored.columns if c != "klass"]], class_of


def _classify(tax: Taxonomy, codes: list[str], stored: Table | None) -> Table:
    """`codes` classified with the rules, with their class index, and the stored answers
    beside them, sorted by code."""
    fresh = tax.classify_table(codes)
    try:
        klass = cube.class_index(
            fresh["hs10"],
            fresh["tier"],
            fresh["category"],
            fresh["dual_use"],
            fresh["excluded"],
            list(tax.categories),
        )
    except m.MetricsError as exc:
        raise UserError(str(exc)) from None
    fresh = fresh.with_column("klass", klass)
    if stored is None:
        return fresh
    columns = dict.fromkeys(fresh.columns, TEXT)  # the names; both parts have rows or types
    return Table.concat([stored[fresh.columns], fresh], columns).sorted_by(["hs10"])


def _read(path: Path, scan: queries.Scan) -> Table | None:
    """The stored answers (hs10 as str, sorted, unique, with klass), or None when the file
    is missing, unreadable or not such a table (a code twice). Sorted here: DuckDB reads
    a file of several row groups (past 122,880 codes) in no set order."""
    if not path.is_file():
        return None
    try:
        table = scan.parquet(path)
    except Exception:  # noqa: BLE001 - any damage means: classify again
        return None
    if "klass" not in table or "hs10" not in table:
        return None
    hs10 = np.asarray([str(c) for c in table["hs10"].tolist()], dtype=object)
    table = table.with_column("hs10", hs10).sorted_by(["hs10"])
    codes = table["hs10"]
    if len(codes) > 1 and not bool(np.all(codes[1:] != codes[:-1])):  # a code twice
        return None
    return table


def _write(path: Path, table: Table, scan: queries.Scan) -> None:
    """Store atomically (a reader never sees half a file); keep the newest few."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scan.write_parquet(table, path)
        old = sorted(path.parent.glob("*.parquet"), key=lambda p: p.stat().st_mtime_ns)
        for stale in old[:-KEEP]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only output folder: the next run classifies again
