"""The parquet warehouse: one file per flow and month, a manifest, atomic writes.

Layout under output/warehouse/:
  imports/YYYY-MM.<hash>.parquet, exports/…   trade rows of one month (generator.data.schema)
  reference/countries.<hash>.parquet, reference/commodities.<hash>.parquet
  manifest.json   source, per-month file, rows, value, checksum and fetch time, vintage

The manifest is the commit point: new month files are written under new names, then
the manifest is swapped in one rename, then files it no longer names are removed. A
reader that goes through the manifest never sees half a refresh, and an interrupted
refresh leaves the previous state (plus orphan files the next refresh removes).

Every file is checked against the manifest's checksum on refresh: one missing or
corrupt is written again from the source (`RefreshResult.repaired`). A rebuild (other
source or parameters) is built beside the warehouse and swapped in with
`fsutil.swap_in`; opening a Warehouse first recovers from a swap a crash interrupted.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from generator import fsutil
from generator.data import schema
from generator.data.table import Table
from generator.errors import UserError
from generator.fsutil import now_utc, sha256, write_atomic  # shared with every stage

if TYPE_CHECKING:  # imported where rows are read or written: the metrics path reads the
    # manifest and the reference tables (DuckDB), never pandas or pyarrow
    import pandas as pd

    from generator.data.sources import TradeData

MANIFEST = "manifest.json"
MANIFEST_SCHEMA = 1
_VALUE_COLUMN = {"imports": "value_con", "exports": "value"}


def parquet_bytes(frame: pd.DataFrame, columns: dict[str, str]) -> bytes:
    """Deterministic parquet bytes: same frame in, same bytes out."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = schema.conform(frame, columns)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata(None)  # no pandas/version metadata in the bytes
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd", write_statistics=True)
    return buf.getvalue()


@dataclass
class RefreshResult:
    written: dict[str, list[str]] = field(default_factory=dict)  # flow → months rewritten
    unchanged: int = 0
    rebuilt: bool = False
    repaired: list[str] = field(default_factory=list)  # "imports 2025-06", "reference countries"


def intact(root: Path, entry: dict[str, Any]) -> bool:
    """Is the file a manifest entry names there, with the bytes its checksum says?"""
    try:
        return sha256((root / entry["file"]).read_bytes()) == entry.get("sha256")
    except (OSError, KeyError, TypeError):
        return False


def _stamp_revisions(entries: dict[str, Any], written: list[str]) -> None:
    """Name, in each revision this refresh made, the newest month the flow now holds: the
    edition that reports the revision, fixed once (a later refresh that revises that
    newest month must not move or drop an earlier edition's revisions)."""
    if not written or not entries:
        return
    newest = max(entries)
    for period in written:
        rev = entries[period].get("revision")
        if isinstance(rev, dict):
            rev["with_month"] = newest


class Warehouse:
    def __init__(self, root: Path, *, recover: bool = True) -> None:
        self.root = Path(root)
        if recover:  # a rebuild killed between its two renames: put the old one back
            fsutil.recover(self.root)

    # ---- reading -------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def exists(self) -> bool:
        return self.manifest_path.exists()

    def manifest(self) -> dict[str, Any]:
        if not self.exists():
            raise UserError(
                f"no warehouse at {self.root} yet: run `aibrief refresh` first",
            )
        try:
            return json.loads(
                self.manifest_path.read_text(encoding="utf-8"), parse_constant=_refuse_constant
            )
        except _NonFinite as exc:
            raise UserError(
                f"manifest holds {exc}, which is not a number: run `aibrief refresh` to rebuild it",
                where=str(self.manifest_path),
            ) from None
        except json.JSONDecodeError as exc:
            raise UserError(
                f"manifest is not valid JSON: {exc}", where=str(self.manifest_path)
            ) from None

    def months(self, flow: str = "imports") -> list[str]:
        return sorted(self.manifest().get("flows", {}).get(flow, {}))

    def common_months(self) -> list[str]:
        """Months present for both flows: the ones an edition can be built for."""
        flows = self.manifest().get("flows", {})
        sets = [set(flows.get(f, {})) for f in schema.FLOWS]
        return sorted(set.intersection(*sets)) if sets else []

    def read(
        self,
        flow: str,
        months: Iterable[str] | None = None,
        columns: list[str] | None = None,
        categorical: bool = False,
    ) -> pd.DataFrame:
        """Rows of one flow for the given months (all months by default).

        With `categorical`, the code columns come back as pandas categoricals, which makes
        grouping millions of rows cheap (metrics use this).
        """
        import pandas as pd
        import pyarrow as pa
        import pyarrow.parquet as pq

        entries = self.manifest().get("flows", {}).get(flow, {})
        wanted = sorted(entries) if months is None else sorted(set(months) & set(entries))
        cols = columns or list(schema.FLOW_COLUMNS[flow])
        codes = [c for c in ("period", "hs10", "country_code") if c in cols]
        tables = []
        for m in wanted:
            path = self.root / entries[m]["file"]
            try:
                tables.append(
                    pq.read_table(
                        path, columns=cols, read_dictionary=codes if categorical else None
                    )
                )
            except FileNotFoundError:
                raise UserError(
                    f"{flow} {m}: file missing; run `aibrief refresh` to restore it",
                    where=str(path),
                ) from None
            except (pa.ArrowException, OSError) as exc:
                raise UserError(
                    f"{flow} {m}: unreadable parquet ({exc}); run `aibrief refresh`",
                    where=str(path),
                ) from None
        if not tables:
            types = {c: schema.FLOW_COLUMNS[flow][c] for c in cols}
            return schema.conform(pd.DataFrame(columns=cols), types)
        table = pa.concat_tables(tables)
        if categorical:
            table = table.unify_dictionaries()
        return table.to_pandas()

    def reference(self, name: str) -> pd.DataFrame:
        """A reference table (countries, commodities), checked against its checksum: without
        it the brief would print codes where names belong."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = self._reference_path(name)
        try:
            return pq.read_table(path).to_pandas()
        except (pa.ArrowException, OSError) as exc:
            raise self._reference_error(name, path, f"unreadable parquet ({exc})") from None

    def reference_table(self, name: str, read: Callable[[Path], Table]) -> Table:
        """`reference` as a Table, read by `read` (a DuckDB session's parquet reader,
        queries.Scan.parquet): the metrics path, without pandas."""
        import duckdb

        path = self._reference_path(name)
        try:
            return read(path)
        except (duckdb.Error, OSError) as exc:
            raise self._reference_error(name, path, f"unreadable parquet ({exc})") from None

    def _reference_path(self, name: str) -> Path:
        """The reference table's file, refused when missing or not its checksum."""
        entry = self.manifest().get("reference", {}).get(name)
        if not entry or "file" not in entry:
            raise UserError(
                f"the manifest names no reference table {name!r}; run `aibrief refresh`",
                where=str(self.manifest_path),
            )
        path = self.root / entry["file"]
        if not path.is_file():
            raise self._reference_error(name, path, "file missing")
        if not intact(self.root, entry):
            raise self._reference_error(
                name, path, "file corrupt (checksum differs from the manifest)"
            )
        return path

    @staticmethod
    def _reference_error(name: str, path: Path, problem: str) -> UserError:
        return UserError(
            f"reference table {name}: {problem}; run `aibrief refresh` to restore it",
            where=str(path),
        )

    def damaged(self) -> list[tuple[str, str]]:
        """(flow, month) or ("reference", name) of every file the manifest names that is
        missing or whose bytes differ from its checksum; refresh writes them again."""
        manifest = self.manifest()
        out = [
            (flow, month)
            for flow in schema.FLOWS
            for month, entry in manifest.get("flows", {}).get(flow, {}).items()
            if not intact(self.root, entry)
        ]
        refs = manifest.get("reference", {})
        out += [
            ("reference", name)
            for name in ("countries", "commodities")
            if name not in refs or not intact(self.root, refs[name])
        ]
        return out

    # ---- writing -------------------------------------------------------------------------
    def commit(self, data: TradeData, months: Iterable[str] | None = None) -> RefreshResult:
        """Store `data`, month by month; a month whose bytes are unchanged is not touched.

        When the source (or the sample's parameters) differ from what the warehouse holds,
        the whole warehouse is rebuilt beside the old one and swapped in at once.
        """
        for flow, frame in (("imports", data.imports), ("exports", data.exports)):
            check_quantities(flow, frame)  # before any file is written
            check_values(flow, frame)
        try:
            old = self.manifest() if self.exists() else None
        except UserError:
            old = None  # an unreadable manifest: rebuild everything beside it, then swap
        same_origin = (
            old is not None
            and old.get("source") == data.source
            and old.get("params") == _jsonable(data.params)
        )
        if not same_origin:
            return self._rebuild(data)
        return self._update(data, old, months)

    def _rebuild(self, data: TradeData) -> RefreshResult:
        """Build a whole new warehouse beside this one, then swap it in (atomic on Linux;
        a crash between two renames elsewhere is undone by the next `Warehouse(...)`)."""
        staging = fsutil.make_staging(self.root)
        try:
            result = Warehouse(staging, recover=False)._update(data, None, None)
            result.rebuilt = True
            fsutil.swap_in(staging, self.root)
            return result
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def _update(
        self, data: TradeData, old: dict[str, Any] | None, months: Iterable[str] | None
    ) -> RefreshResult:
        manifest = old or {
            "schema": MANIFEST_SCHEMA,
            "source": data.source,
            "sample": data.sample,
            "params": _jsonable(data.params),
            "flows": {},
            "reference": {},
        }
        manifest.setdefault("reference", {})
        result = RefreshResult()
        stamp = now_utc()
        keep = set(months) if months is not None else None
        for flow, frame in (("imports", data.imports), ("exports", data.exports)):
            entries = manifest["flows"].setdefault(flow, {})
            result.written[flow] = []
            if keep is not None:  # the months to store, and only they are conformed
                frame = frame[frame["period"].astype(str).isin(keep)]
            # Conformed and sorted once, not a month at a time: each month's rows come out
            # of the groupby in file order (by code, then country; a stable sort).
            frame = schema.conform(frame, schema.FLOW_COLUMNS[flow])
            frame = frame.sort_values(["period", "hs10", "country_code"], kind="stable")
            for period, part in frame.groupby("period", sort=True):
                self._store_month(flow, str(period), part, entries, stamp, result)
            manifest["flows"][flow] = dict(sorted(entries.items()))
            _stamp_revisions(entries, result.written[flow])
        reference_changed = False
        for name, frame, cols, key in (
            ("countries", data.countries, schema.COUNTRY_COLUMNS, "country_code"),
            ("commodities", data.commodities, schema.COMMODITY_COLUMNS, "hs10"),
        ):
            held = self._reference_or_none(name) if old else None
            merged = _merge_reference(held, frame, key)
            if self._store_reference(name, parquet_bytes(merged, cols), len(merged), manifest):
                reference_changed = True
            elif held is None and old is not None:
                result.repaired.append(f"reference {name}")
        changed = any(result.written.values()) or reference_changed or old is None
        if changed:
            if any(result.written.values()) or old is None:
                manifest["vintage"] = stamp
            try:  # NaN or Infinity in the manifest would break every later run
                text = json.dumps(manifest, indent=2, sort_keys=False, allow_nan=False)
            except ValueError:
                raise UserError(
                    "a figure is not a finite number (NaN or infinity); nothing was committed",
                    where="warehouse manifest",
                ) from None
            write_atomic(self.manifest_path, (text + "\n").encode())
        self._remove_orphans(manifest)
        return result

    def _store_month(
        self,
        flow: str,
        period: str,
        part: pd.DataFrame,
        entries: dict[str, Any],
        stamp: str,
        result: RefreshResult,
    ) -> None:
        """Write one month (its rows in file order) unless the file on disk already holds
        exactly these bytes; a missing or corrupt file with unchanged data is repaired
        without a new vintage."""
        check_one_row_per_cell(flow, period, part)  # before this month's file is written
        blob = parquet_bytes(part, schema.FLOW_COLUMNS[flow])
        digest = sha256(blob)
        entry = entries.get(period)
        rel = f"{flow}/{period}.{digest[:16]}.parquet"
        if entry and entry.get("sha256") == digest:
            if intact(self.root, entry):
                result.unchanged += 1
            else:
                write_atomic(self.root / entry["file"], blob)
                result.repaired.append(f"{flow} {period}")
            return
        write_atomic(self.root / rel, blob)
        new_entry = {
            "file": rel,
            "rows": int(len(part)),
            "value": round(float(part[_VALUE_COLUMN[flow]].sum()), 2),
            "sha256": digest,
            "fetched_at": stamp,
        }
        if entry:
            new_entry["revision"] = {
                "previous_fetched_at": entry.get("fetched_at"),
                "rows_change": new_entry["rows"] - int(entry.get("rows", 0)),
                "value_change": round(new_entry["value"] - float(entry.get("value", 0)), 2),
            }
        entries[period] = new_entry
        result.written[flow].append(period)

    def _reference_or_none(self, name: str) -> pd.DataFrame | None:
        """The held reference table, or None when it is missing or corrupt (rebuilt)."""
        try:
            return self.reference(name)
        except UserError:
            return None

    def _store_reference(self, name: str, blob: bytes, rows: int, manifest: dict) -> bool:
        """Write a reference table whose bytes changed or whose file is damaged; True when
        the manifest entry changed."""
        digest = sha256(blob)
        entry = manifest["reference"].get(name)
        if entry and entry.get("sha256") == digest:
            if not intact(self.root, entry):
                write_atomic(self.root / entry["file"], blob)
            return False
        rel = f"reference/{name}.{digest[:16]}.parquet"
        write_atomic(self.root / rel, blob)
        manifest["reference"][name] = {"file": rel, "rows": rows, "sha256": digest}
        return True

    def _remove_orphans(self, manifest: dict[str, Any]) -> None:
        """Delete data files the manifest does not name (old versions, interrupted runs)."""
        named = {e["file"] for f in manifest.get("flows", {}).values() for e in f.values()}
        named |= {e["file"] for e in manifest.get("reference", {}).values()}
        for sub in (*schema.FLOWS, "reference"):
            folder = self.root / sub
            if not folder.is_dir():
                continue
            for p in folder.iterdir():
                if p.is_file() and f"{sub}/{p.name}" not in named:
                    p.unlink(missing_ok=True)


def check_quantities(flow: str, frame: pd.DataFrame) -> None:
    """The last guard before the warehouse, whatever the source: a quantity must be a finite
    number ≥ 0, and a positive one needs its unit (the unit-value index divides by it)."""
    import pandas as pd

    qty = pd.to_numeric(frame["qty1"], errors="coerce").to_numpy(dtype="float64")
    unit = frame["unit1"].astype(object).where(frame["unit1"].notna(), "").astype(str)
    no_unit = unit.str.strip().eq("").to_numpy()
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(qty) | (qty < 0) | ((qty > 0) & no_unit)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        q = qty[i]
        why = "has no unit" if np.isfinite(q) and q > 0 else "is not a finite number ≥ 0"
        _refuse_row(flow, frame, i, f"quantity {frame['qty1'].iloc[i]} {why}")


# No row is worth this much (U.S. goods trade is ≈ $3.3 trillion a year): a larger figure
# is a broken source, and the scan sums figures as exact decimals with 20 digits before
# the point (queries._EXACT), which a month of rows below this limit never reaches.
MAX_FIGURE = 1e15


def check_values(flow: str, frame: pd.DataFrame) -> None:
    """The last guard for the money columns, whatever the source: each a finite number
    below MAX_FIGURE in size (NaN, infinity or an absurd figure would be summed as NULL
    or overflow the exact sums, and quietly lose a row)."""
    import pandas as pd

    for col, kind in schema.FLOW_COLUMNS[flow].items():
        if kind != "float64" or col == "qty1" or col not in frame:
            continue
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64")
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(values) | (np.abs(values) >= MAX_FIGURE)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            what = f"{col} {frame[col].iloc[i]} is not a finite number below {MAX_FIGURE:.0e}"
            _refuse_row(flow, frame, i, what)


def _refuse_row(flow: str, frame: pd.DataFrame, i: int, what: str) -> None:
    """The one-line refusal of row `i` of a flow's frame: nothing is committed."""
    row = frame.iloc[i]
    raise UserError(
        f"{flow} {row['period']} {row['hs10']} country {row['country_code']}: {what}; "
        "nothing was committed",
        where="warehouse",
    )


def check_one_row_per_cell(flow: str, period: str, part: pd.DataFrame) -> None:
    """One row per HS10 × country in a month of a flow (`part` sorted by both): the
    queries take a row as a line (queries.UNIT_LINKS_ROWS_SQL). The sources refuse
    duplicates already; this holds it for any source. Raised before the manifest, the
    commit point, is written: the warehouse keeps its previous state."""
    code = part["hs10"].to_numpy(dtype=object, na_value="")
    country = part["country_code"].to_numpy(dtype=object, na_value="")
    same = (code[1:] == code[:-1]) & (country[1:] == country[:-1])
    if same.any():
        i = int(np.flatnonzero(same)[0])
        raise UserError(
            f"{flow} {period} {code[i]} country {country[i]}: more than one row for one "
            "month, code and country; nothing was committed",
            where="warehouse",
        )


def _merge_reference(old: pd.DataFrame | None, new: pd.DataFrame, key: str) -> pd.DataFrame:
    """New names win; codes only the old table knew are kept (older months still use them)."""
    import pandas as pd

    frames = [new] if old is None or old.empty else [new, old]
    merged = pd.concat(frames, ignore_index=True).drop_duplicates(subset=[key], keep="first")
    return merged.sort_values(key, kind="stable").reset_index(drop=True)


class _NonFinite(ValueError):
    """NaN, Infinity or -Infinity in a manifest (json accepts them, figures must not)."""


def _refuse_constant(name: str) -> Any:
    raise _NonFinite(name)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=str))
