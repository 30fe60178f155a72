"""The classification of the warehouse's codes, kept beside the warehouse.

Classifying every code with the rules runs per code in Python; the answer changes only
when the taxonomy inputs or the code list change, so it is stored once under
`output/cache/classification/<key>.parquet` and read back by the next run. The key is a
hash of everything the answer depends on: the rule file, the published classification
CSV (if any), the config's `category_map` and excluded chapters, the code that
classifies (this module, taxonomy.py, published.py and cube.py, whose bytes are hashed
too, so a changed rule of the code is never served stale) and the sorted code list.
A damaged or unreadable cache file is classified again, never trusted.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pandas as pd

from generator.analysis import metrics as m
from generator.analysis.metrics import cube
from generator.classify import published, taxonomy
from generator.classify.taxonomy import Taxonomy
from generator.config import Settings
from generator.errors import UserError
from generator.fsutil import write_atomic

FOLDER = "classification"
KEEP = 4  # cache files kept (the commodity table's code list and the rows' are two)
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


def cache_key(digest: str, codes: list[str]) -> str:
    """The file name's key: the taxonomy digest and the code list."""
    h = hashlib.sha256(digest.encode())
    h.update("\n".join(codes).encode())
    return h.hexdigest()[:32]


def classes(
    folder: Path, digest: str, tax: Taxonomy, codes: list[str]
) -> tuple[pd.DataFrame, pd.Series]:
    """The classification of `codes` and its class index per code, from the cache when
    its key matches, else classified with the rules and stored."""
    wanted = sorted(set(map(str, codes)))
    path = folder / f"{cache_key(digest, wanted)}.parquet"
    hit = _read(path, wanted)
    if hit is not None:
        return hit
    classification = tax.classify_frame(wanted)
    try:
        class_of = cube.class_table(classification, list(tax.categories))
    except m.MetricsError as exc:
        raise UserError(str(exc)) from None
    _write(path, classification, class_of)
    return classification, class_of


def _read(path: Path, codes: list[str]) -> tuple[pd.DataFrame, pd.Series] | None:
    """The stored answer, or None when it is missing, unreadable or not for `codes`."""
    try:
        frame = pd.read_parquet(path)
    except Exception:  # noqa: BLE001 - any damage means: classify again
        return None
    if "klass" not in frame.columns or list(frame["hs10"].astype(str)) != codes:
        return None
    class_of = pd.Series(frame["klass"].to_numpy(dtype="int64"), index=frame["hs10"].astype(str))
    classification = frame.drop(columns=["klass"])
    return classification, class_of


def _write(path: Path, classification: pd.DataFrame, class_of: pd.Series) -> None:
    """Store atomically (a reader never sees half a file); keep the newest few."""
    frame = classification.copy()
    frame["klass"] = class_of.reindex(frame["hs10"].astype(str)).to_numpy(dtype="int64")
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, buf.getvalue())
        old = sorted(path.parent.glob("*.parquet"), key=lambda p: p.stat().st_mtime_ns)
        for stale in old[:-KEEP]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only output folder: the next run classifies again
