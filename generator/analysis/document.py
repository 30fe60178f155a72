"""The metrics document of an edition: its inputs read from the warehouse, computed by
the pure `metrics.compute` (behind MetricsInput/MetricsOptions), checked against the
published JSON Schema before anything is written, and written atomically."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from generator.analysis import metrics as m
from generator.classify.exemptions import load_lists
from generator.classify.taxonomy import for_settings
from generator.config import Settings
from generator.data.refresh import latest_month
from generator.data.warehouse import Warehouse
from generator.errors import UserError
from generator.fsutil import write_atomic


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
    tax = for_settings(settings)
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
