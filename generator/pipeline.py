"""The library API behind the CLI: refresh the warehouse, compute and write metrics."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from generator.analysis import metrics as m
from generator.classify.exemptions import load_lists
from generator.classify.taxonomy import Taxonomy, for_settings
from generator.config import MONTH_PATTERN, Settings
from generator.data.sources import TradeData
from generator.data.warehouse import RefreshResult, Warehouse, write_atomic
from generator.errors import UserError


def taxonomy(settings: Settings) -> Taxonomy:
    return for_settings(settings)


def fetch(settings: Settings, source: str | None = None) -> TradeData:
    """Trade data from the sample or from bulk files, in the warehouse schema."""
    name = source or settings.data.source
    if name == "sample":
        from generator.data.sources import sample

        s = settings.data.sample
        return sample.generate(seed=s.seed, scale=s.scale, start=settings.data.start, end=s.end)
    if name == "files":
        from generator.data.sources import files

        return files.load(settings.data.files, settings.root)
    raise UserError(f"data.source {name!r} is fetched by census_refresh, not fetch")


@dataclass
class RefreshOutcome:
    result: RefreshResult | None  # None for a dry run or when nothing was due
    plan: Any = None  # census.Plan for the census source
    calls: int = 0
    message: str = ""


def refresh(
    settings: Settings,
    source: str | None = None,
    *,
    dry_run: bool = False,
    first: str | None = None,
    last: str | None = None,
    client: Any = None,
) -> RefreshOutcome:
    """Bring the warehouse up to date; nothing is written unless every check passes."""
    name = source or settings.data.source
    if name == "census":
        return census_refresh(settings, dry_run=dry_run, first=first, last=last, client=client)
    if dry_run:
        return RefreshOutcome(None, message=f"{name}: would regenerate or re-read every month")
    result = Warehouse(settings.warehouse_dir).commit(fetch(settings, name))
    return RefreshOutcome(result)


def census_refresh(
    settings: Settings,
    *,
    dry_run: bool = False,
    first: str | None = None,
    last: str | None = None,
    client: Any = None,
) -> RefreshOutcome:
    from generator.data.sources import census

    cs = settings.data.census
    client = client or census.CensusClient(cs, settings.cache_dir)
    wh = Warehouse(settings.warehouse_dir)
    held = _census_months_held(wh, cs.countries)
    held = _without_damaged(wh, held)
    end = last or census.last_complete_month()
    if dry_run:
        # Asking which months are out is a request; a dry run makes none, so it plans up
        # to `--to` (or the last complete month) and says so.
        span = census.month_span(settings.data.start, end)
        plan = census.make_plan(span, held, cs, settings.data.start, (first, last))
        return RefreshOutcome(None, plan, 0, plan.describe(cs.base_url, assumed_through=end))
    released = client.released_months(settings.data.start, end)
    plan = census.make_plan(released, held, cs, settings.data.start, (first, last))
    if not plan.requests:
        msg = "census: no new or revised month to fetch"
        return RefreshOutcome(None, plan, client.log.calls, msg)
    frames = client.fetch(plan)
    data = census.to_trade_data(frames, plan, cs)
    result = wh.commit(data, months=plan.months)
    client.forget()
    return RefreshOutcome(result, plan, client.log.calls)


def _census_months_held(wh: Warehouse, countries: list[str]) -> list[str]:
    """Months the warehouse holds from the same Census setup; none when it holds another
    source, other countries or an unreadable manifest (the refresh then rebuilds it)."""
    if not wh.exists():
        return []
    try:
        manifest = wh.manifest()
    except UserError:
        return []
    same = manifest.get("source") == "census" and manifest.get("params", {}).get(
        "countries"
    ) == sorted(countries)
    return wh.common_months() if same else []


def _without_damaged(wh: Warehouse, held: list[str]) -> list[str]:
    """Held months minus those with a missing or corrupt file, so they are fetched again;
    a damaged reference table also makes the latest month due (its answers rebuild it)."""
    if not held:
        return held
    damaged = wh.damaged()
    bad = {month for flow, month in damaged if flow != "reference"}
    kept = [m for m in held if m not in bad]
    if kept and any(flow == "reference" for flow, _ in damaged):
        kept = kept[:-1]
    return kept


def needs_refresh(settings: Settings) -> bool:
    """True when the warehouse is missing, holds another source than the config names, or
    has a file that is missing or differs from the manifest's checksum."""
    wh = Warehouse(settings.warehouse_dir)
    if not wh.exists():
        return True
    try:
        manifest = wh.manifest()
    except UserError:
        return True  # an unreadable manifest: the refresh rebuilds the warehouse
    if manifest.get("source") != settings.data.source or wh.damaged():
        return True
    if settings.data.source in ("census", "files"):
        return True  # cheap to ask: an incremental refresh fetches only what is due
    if settings.data.source == "sample":
        from generator.data.sources import sample

        s = settings.data.sample
        params = manifest.get("params", {})
        wanted = {
            "seed": s.seed,
            "scale": s.scale,
            "start": settings.data.start,
            "end": s.end,
            "version": sample.VERSION,  # a new release of the sample replaces the old one
        }
        return any(params.get(k) != v for k, v in wanted.items())
    return False


def latest_month(settings: Settings) -> str:
    months = Warehouse(settings.warehouse_dir).common_months()
    if not months:
        raise UserError("the warehouse holds no month with both imports and exports")
    return months[-1]


def options(settings: Settings) -> m.MetricsOptions:
    return m.MetricsOptions(
        base_year=settings.metrics.base_year,
        import_value=settings.metrics.import_value,
        top_sources=settings.metrics.top_sources,
        partners=tuple(settings.metrics.partners),
        excluded_chapters=tuple(settings.taxonomy.exclude_chapters),
    )


def metrics_input(settings: Settings, month: str) -> m.MetricsInput:
    """Everything the pure metrics step needs, read from the warehouse up to `month`."""
    wh = Warehouse(settings.warehouse_dir)
    available = wh.common_months()
    if month not in available:
        span = f"{available[0]} … {available[-1]}" if available else "none (run `aibrief refresh`)"
        raise UserError(f"no data for {month}: months available {span}")
    months = [x for x in available if x <= month]
    value = "value_con" if settings.metrics.import_value == "consumption" else "value_gen"
    keys = ["period", "hs10", "country_code"]
    imports = wh.read("imports", months, [*keys, *sorted({value, "value_con", "duty"})], True)
    exports = wh.read("exports", months, [*keys, "value"], True)
    tax = taxonomy(settings)
    codes = set(imports["hs10"].cat.categories) | set(exports["hs10"].cat.categories)
    manifest = wh.manifest()
    return m.MetricsInput(
        imports=imports,
        exports=exports,
        classification=tax.classify_frame(codes),
        categories=tax.categories,
        countries=wh.reference("countries"),
        exemptions=load_lists(settings.path(settings.taxonomy.exemptions)),
        info=m.DataInfo(
            source=str(manifest.get("source")),
            sample=bool(manifest.get("sample")),
            vintage=manifest.get("vintage"),
            latest_month=available[-1],
        ),
    )


def compute_metrics(settings: Settings, month: str | None = None) -> m.Metrics:
    month = month or latest_month(settings)
    try:
        result = m.compute(metrics_input(settings, month), month, options(settings))
    except m.MetricsError as exc:
        raise UserError(str(exc)) from None
    validate_metrics(result.doc)
    return result


@lru_cache(maxsize=1)
def metrics_schema() -> dict[str, Any]:
    text = resources.files("generator").joinpath("schemas/metrics.schema.json").read_text()
    return json.loads(text)


def validate_metrics(doc: dict[str, Any]) -> None:
    """The document must match the published JSON Schema before anyone reads it."""
    jsonschema.validate(doc, metrics_schema())


def metrics_json(result: m.Metrics) -> str:
    return json.dumps(result.doc, indent=2, ensure_ascii=False) + "\n"


def write_metrics(result: m.Metrics, path: Path) -> Path:
    write_atomic(path, metrics_json(result).encode("utf-8"))
    return path


def edition_dir(settings: Settings, month: str) -> Path:
    return settings.editions_dir / month


def edition_months(settings: Settings, having: str | None = None) -> list[str]:
    """Months with an edition folder (oldest first), optionally holding the file `having`.
    Staging folders (.YYYY-MM.*) and anything not named YYYY-MM are not editions."""
    root = settings.editions_dir
    if not root.is_dir():
        return []
    from generator.brief.edition import recover_all  # here: edition imports this module

    recover_all(root)  # an edition a killed swap set aside is listed again
    month = re.compile(MONTH_PATTERN)
    return sorted(
        p.name
        for p in root.iterdir()
        if p.is_dir() and month.match(p.name) and (having is None or (p / having).is_file())
    )
