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
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from generator.analysis import metrics as m
from generator.analysis.metrics import cube
from generator.classify import published, taxonomy
from generator.classify.taxonomy import Taxonomy
from generator.config import Settings
from generator.data.table import Table
from generator.errors import UserError
from generator.fsutil import write_atomic

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
    folder: Path, digest: str, tax: Taxonomy, codes: list[str], read: Callable[[Path], Table]
) -> tuple[Table, Table]:
    """The classification of `codes` (sorted, one row a code) and its class index per
    code (hs10, klass): the stored answers, and the codes they lack classified with the
    rules and stored with them. The stored answers are read by `read` (a DuckDB
    session's parquet reader, queries.Scan.parquet), without pandas, which the metrics
    path does not import; classifying new codes does."""
    wanted = sorted(set(map(str, codes)))
    path = path_of(folder, digest)
    stored = _read(path, read)
    held = set() if stored is None else set(stored["hs10"].tolist())
    missing = [c for c in wanted if c not in held]
    if missing:
        stored = _classify(tax, missing, stored)
        _write(path, stored)
    if stored is None:  # no code asked and none stored yet
        stored = _classify(tax, [], None)
    if len(stored) != len(wanted):
        asked = set(wanted)
        stored = stored[np.array([c in asked for c in stored["hs10"].tolist()], dtype=bool)]
    table = stored
    class_of = Table({"hs10": table["hs10"], "klass": table["klass"].astype(np.int64)})
    return table[[c for c in table.columns if c != "klass"]], class_of


def _classify(tax: Taxonomy, codes: list[str], stored: Table | None) -> Table:
    """`codes` classified with the rules, with their class index, and the stored answers
    beside them, sorted by code."""
    import pandas as pd

    fresh = tax.classify_frame(codes)
    try:
        class_of = cube.class_table(fresh, list(tax.categories))
        fresh["klass"] = class_of.reindex(fresh["hs10"]).to_numpy(dtype="int64")
    except m.MetricsError as exc:
        raise UserError(str(exc)) from None
    parts = [fresh] if stored is None else [stored.to_pandas()[list(fresh.columns)], fresh]
    whole = pd.concat(parts, ignore_index=True).sort_values("hs10", ignore_index=True)
    return Table({c: _column(whole[c]) for c in whole.columns})


def _column(values: Any) -> np.ndarray:
    """A pandas column as numpy, text as objects with None where missing."""
    if values.dtype.kind in "biuf":
        return values.to_numpy()
    return np.array([None if v is None or v != v else v for v in values.tolist()], dtype=object)


def _read(path: Path, read: Callable[[Path], Table]) -> Table | None:
    """The stored answers (hs10 as str, sorted, unique, with klass), or None when the file
    is missing, unreadable or not such a table."""
    if not path.is_file():
        return None
    try:
        table = read(path)
    except Exception:  # noqa: BLE001 - any damage means: classify again
        return None
    if "klass" not in table or "hs10" not in table:
        return None
    hs10 = np.asarray([str(c) for c in table["hs10"].tolist()], dtype=object)
    if len(hs10) > 1 and not bool(np.all(hs10[1:] > hs10[:-1])):  # sorted and unique
        return None
    return table.with_column("hs10", hs10)


def _write(path: Path, table: Table) -> None:
    """Store atomically (a reader never sees half a file); keep the newest few."""
    buf = io.BytesIO()
    table.to_pandas().to_parquet(buf, index=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, buf.getvalue())
        old = sorted(path.parent.glob("*.parquet"), key=lambda p: p.stat().st_mtime_ns)
        for stale in old[:-KEEP]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only output folder: the next run classifies again
