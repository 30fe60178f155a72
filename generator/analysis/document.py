"""The metrics document of an edition: its inputs read from the warehouse, computed by
the pure `metrics.compute` (behind MetricsInput/MetricsOptions), checked against the
published JSON Schema before anything is written, and written atomically."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from generator.analysis import classcache, linkcache, monthcache, sumcache
from generator.analysis import metrics as m
from generator.analysis.metrics.news import revisions_from_manifest
from generator.classify.exemptions import load_lists
from generator.classify.policy import load_policy
from generator.classify.taxonomy import Taxonomy, for_settings
from generator.config import Settings
from generator.data import queries
from generator.data.refresh import latest_month
from generator.data.schema import FLOW_COLUMNS
from generator.data.table import FLOAT, TEXT, Table
from generator.data.warehouse import Warehouse
from generator.errors import UserError
from generator.fsutil import write_atomic

if TYPE_CHECKING:  # the warehouse side reads Tables (data/table.py): a metrics run
    # imports neither pandas nor pyarrow (tests/test_metrics_path.py)
    from generator.analysis.metrics.model import Frame


def options(settings: Settings) -> m.MetricsOptions:
    return m.MetricsOptions(
        base_year=settings.metrics.base_year,
        import_value=settings.metrics.import_value,
        top_sources=settings.metrics.top_sources,
        partners=tuple(settings.metrics.partners),
        excluded_chapters=tuple(settings.taxonomy.exclude_chapters),
    )


@dataclass(frozen=True)
class WarehouseSums:
    """The warehouse summed once (SQL scan) with what the metrics read beside it: one
    value serves every edition of one data vintage (a backfill) up to `months[-1]`."""

    aggregate: m.Aggregate
    classification: Frame
    categories: dict[str, str]
    countries: Frame
    exemptions: list[Any]
    info: m.DataInfo
    months: list[str]  # months both flows hold, up to the last one scanned


def _months(wh: Warehouse, upto: str | None) -> tuple[list[str], list[str]]:
    """Months both flows hold (all, and up to `upto`), refusing a month not held."""
    available = wh.common_months()
    if upto is not None and upto not in available:
        span = f"{available[0]} … {available[-1]}" if available else "none (run `aibrief refresh`)"
        raise UserError(f"no data for {upto}: months available {span}")
    if not available:
        raise UserError("no data in the warehouse: run `aibrief refresh`")
    return available, [x for x in available if upto is None or x <= upto]


def warehouse_sums(settings: Settings, upto: str | None = None, workers: int = 1) -> WarehouseSums:
    """The warehouse summed in SQL (months up to `upto`, all by default): the
    classification and exemption lists go in as small tables, sums by month × class ×
    country and the unit-value links come out. Each month's results are kept beside the
    warehouse (sumcache, linkcache), so only months whose files or inputs changed are
    scanned: after a monthly refresh, the new month's files and their partners a year
    before. `workers`: processes scanning at once (a backfill's), sharing the machine."""
    wh = Warehouse(settings.warehouse_dir)
    available, months = _months(wh, upto)
    tax = for_settings(settings)
    lists = load_lists(settings.path(settings.taxonomy.exemptions))
    manifest = wh.manifest()
    for flow in ("imports", "exports"):  # a lost file is told, even when its sums are kept
        queries.month_files(wh, flow, months)
    files = monthcache.month_digests(manifest, months)
    class_key = classcache.taxonomy_digest(settings)
    sums_held = sumcache.entries(settings.cache_dir / sumcache.FOLDER, files, class_key, lists)
    links_held = linkcache.entries(settings.cache_dir / linkcache.FOLDER, files, class_key)
    need = set(sums_held.missing) | set(queries.link_months(links_held.missing))
    read = sorted(need & set(months))  # the months to scan: none when all are kept
    fresh = None
    spill = settings.cache_dir / "duckdb"
    engine = queries.Engine(settings.warehouse.memory_limit_mb, workers, spill)
    # One DuckDB session a run reads the small tables too (a session costs ≈ 25 ms).
    with queries.Scan(engine) as scan:
        countries = wh.reference_table("countries", scan.parquet)
        # The commodity table names every code the refresh wrote: classifying it saves a
        # pass over the rows.
        known = _known_codes(wh, scan)
        classification, class_of = _classes(settings, tax, known, scan)
        if read:
            scan.define_months(wh, read)
            classification, class_of, fresh = _sum_missing(
                settings,
                tax,
                scan,
                lists,
                known,
                (classification, class_of),
                read,
                sums_held.missing,
            )
        units = linkcache.complete(links_held, scan if read else None, class_of)
        sums = sumcache.complete(sums_held, fresh)
    keys = tuple(x.key for x in lists)
    info = m.DataInfo(
        source=str(manifest.get("source")),
        sample=bool(manifest.get("sample")),
        vintage=manifest.get("vintage"),
        latest_month=available[-1],
        revisions=revisions_from_manifest(manifest),
    )
    agg = m.Aggregate(sums.imports, sums.exports, tuple(tax.categories), keys, units)
    return WarehouseSums(agg, classification, tax.categories, countries, lists, info, months)


def _sum_missing(
    settings: Settings,
    tax: Taxonomy,
    scan: queries.Scan,
    lists: list[Any],
    known: list[str],
    classes: tuple[Table, Table],
    read: list[str],
    summed: list[str],
) -> tuple[Table, Table, queries.Sums | None]:
    """The `summed` months' sums over `scan` of the `read` months (None when none is
    asked), with the
    classification they were summed with. A code the commodity table lacks would be
    summed as UNCLASSIFIED and left out of the links: whenever the scan reads rows not
    summed here, or the sums show such a code, the codes of the rows are classified too
    (and the months summed again if they were summed without them)."""
    classification, class_of = classes
    asked = None if summed == read else summed  # the scan holds these months alone
    fresh = queries.aggregate(scan, class_of, lists, asked) if summed and len(class_of) else None
    if fresh is None or fresh.unclassified or not set(read) <= set(summed):
        codes = queries.codes(scan)
        if not set(codes) <= set(class_of["hs10"].tolist()):
            classification, class_of = _classes(
                settings, tax, sorted(set(known) | set(codes)), scan
            )
            fresh = None if fresh is None or fresh.unclassified else fresh
        if summed and fresh is None:
            fresh = queries.aggregate(scan, class_of, lists, asked)
    return classification, class_of, fresh


def _known_codes(wh: Warehouse, scan: queries.Scan) -> list[str]:
    """Codes of the warehouse's commodity table (none if it is missing or damaged)."""
    try:
        return [str(c) for c in wh.reference_table("commodities", scan.parquet)["hs10"].tolist()]
    except UserError:
        return []


def _classes(
    settings: Settings, tax: Taxonomy, codes: list[str], scan: queries.Scan
) -> tuple[Table, Table]:
    """The classification of `codes` and its class index per code: each code classified
    once per taxonomy (only codes new to the cache beside the warehouse are)."""
    folder = settings.cache_dir / classcache.FOLDER
    digest = classcache.taxonomy_digest(settings)
    return classcache.classes(folder, digest, tax, codes, scan)


def metrics_input(
    settings: Settings, month: str, sums: WarehouseSums | None = None, workers: int = 1
) -> m.MetricsInput:
    """Everything the pure metrics step needs, summed from the warehouse up to `month`;
    `sums` of a wider span (a backfill's) are cut to the edition's months."""
    sums = sums or warehouse_sums(settings, month, workers)
    if month not in sums.months:
        return metrics_input(settings, month, None, workers)  # outside the shared span
    agg = sums.aggregate
    cut = m.Aggregate(
        _upto(agg.imports, month),
        _upto(agg.exports, month),
        agg.categories,
        agg.lists,
        None if agg.units is None else _upto(agg.units, month),
    )
    return m.MetricsInput(
        imports=_no_rows("imports"),
        exports=_no_rows("exports"),
        classification=sums.classification,
        categories=sums.categories,
        countries=sums.countries,
        exemptions=sums.exemptions,
        policy=load_policy(settings.path(settings.taxonomy.policy)),
        info=sums.info,
        aggregate=cut,
    )


def _upto(frame: Frame, month: str) -> Frame:
    """The rows of `month` and the months before it."""
    out = frame[np.asarray(frame["period"]) <= month]
    return out.reset_index(drop=True) if hasattr(out, "reset_index") else out


def _no_rows(flow: str) -> Table:
    """Row-level tables stay empty on the SQL path: the aggregate carries the sums."""
    return Table.empty({c: TEXT if t == "string" else FLOAT for c, t in FLOW_COLUMNS[flow].items()})


def compute_metrics(
    settings: Settings,
    month: str | None = None,
    sums: WarehouseSums | None = None,
    workers: int = 1,
    previous: bool = True,
) -> m.Metrics:
    """The validated metrics document of the edition of `month` (the latest by default),
    with the previous month's an edition's news is told against; `previous=False` for a
    caller that reads only the document (`aibrief metrics`: half its metrics work)."""
    month = month or latest_month(settings)
    try:
        inp = metrics_input(settings, month, sums, workers)
        result = m.compute(inp, month, options(settings))
    except m.MetricsError as exc:
        raise UserError(str(exc)) from None
    validate_metrics(result.doc)
    before = previous_doc(inp, month, options(settings)) if previous else None
    return m.Metrics(result.month, result.doc, before)


def previous_doc(inp: m.MetricsInput, month: str, opts: m.MetricsOptions) -> dict[str, Any] | None:
    """The previous month's document from the same inputs (the edition's news is relative
    to it): recomputed, never read from an earlier build, so each edition stays a pure
    function of its inputs. None when the data cannot carry that month."""
    prev = m.month_name(m.month_index(month) - 1)
    try:
        return m.compute(inp, prev, opts).doc
    except m.MetricsError:
        return None


@lru_cache(maxsize=1)
def metrics_schema() -> dict[str, Any]:
    text = resources.files("generator").joinpath("schemas/metrics.schema.json").read_text()
    return json.loads(text)


@lru_cache(maxsize=1)
def _checker() -> Any:
    """A compiled validator of the shipped schema (jsonschema-rs): ≈ 20 ms with its
    import, where jsonschema takes ≈ 0.15 s to import and check one document."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(metrics_schema())


@lru_cache(maxsize=1)
def _validator() -> Any:
    """A validator of the shipped schema. The schema itself is not checked here (40 ms
    a process): it ships with the code, and tests/test_metrics.py checks it against its
    draft's meta-schema."""
    import jsonschema

    schema_doc = metrics_schema()
    return jsonschema.validators.validator_for(schema_doc)(schema_doc)


def validate_metrics(doc: dict[str, Any]) -> None:
    """The document must match the published JSON Schema before anyone reads it. The
    compiled validator says whether it does; a document it refuses is checked again by
    jsonschema, whose verdict stands and whose best-matching error (a
    jsonschema.ValidationError naming the path) is what callers catch."""
    try:
        if _checker().is_valid(doc):
            return
    except (ValueError, TypeError):  # a value it cannot read (a numpy scalar): jsonschema says
        pass
    import jsonschema

    error = jsonschema.exceptions.best_match(_validator().iter_errors(doc))
    if error is not None:
        raise error


def metrics_json(result: m.Metrics) -> str:
    return json.dumps(result.doc, indent=2, ensure_ascii=False) + "\n"


def write_metrics(result: m.Metrics, path: Path) -> Path:
    write_atomic(path, metrics_json(result).encode("utf-8"))
    return path
