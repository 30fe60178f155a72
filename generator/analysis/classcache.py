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
    folder: Path, digest: str, tax: Taxonomy, codes: list[str]
) -> tuple[pd.DataFrame, pd.Series]:
    """The classification of `codes` (sorted, one row a code) and its class index per
    code: the stored answers, and the codes they lack classified with the rules and
    stored with them."""
    wanted = sorted(set(map(str, codes)))
    path = path_of(folder, digest)
    stored = _read(path)
    held = set() if stored is None else set(stored["hs10"])
    missing = [c for c in wanted if c not in held]
    if missing:
        fresh = tax.classify_frame(missing)
        try:
            class_of = cube.class_table(fresh, list(tax.categories))
            fresh["klass"] = class_of.reindex(fresh["hs10"]).to_numpy(dtype="int64")
        except m.MetricsError as exc:
            raise UserError(str(exc)) from None
        parts = [fresh] if stored is None else [stored, fresh]
        stored = pd.concat(parts, ignore_index=True).sort_values("hs10", ignore_index=True)
        _write(path, stored)
    if stored is None:  # no code asked and none stored yet
        stored = tax.classify_frame([]).assign(klass=pd.Series(dtype="int64"))
    frame = stored if len(stored) == len(wanted) else stored[stored["hs10"].isin(wanted)]
    frame = frame.reset_index(drop=True)
    class_of = pd.Series(frame["klass"].to_numpy(dtype="int64"), index=frame["hs10"].to_numpy())
    return frame.drop(columns=["klass"]), class_of


def _read(path: Path) -> pd.DataFrame | None:
    """The stored answers (hs10 as str, sorted, unique, with klass), or None when the file
    is missing, unreadable or not such a table."""
    try:
        frame = pd.read_parquet(path)
    except Exception:  # noqa: BLE001 - any damage means: classify again
        return None
    if "klass" not in frame.columns or "hs10" not in frame.columns:
        return None
    frame["hs10"] = frame["hs10"].astype(str)
    if not frame["hs10"].is_monotonic_increasing or not frame["hs10"].is_unique:
        return None
    return frame


def _write(path: Path, frame: pd.DataFrame) -> None:
    """Store atomically (a reader never sees half a file); keep the newest few."""
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
