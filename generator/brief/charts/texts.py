"""templates/styles/charts.yaml: the words, colours, labels and thresholds of the charts.

Editors edit that file, not the code; `spec` models its layout (every error of the file
reported at once, with its line) and this module reads it into `ChartTexts`. Texts
(titles, alt texts, axis captions, the source line) are Jinja, compiled where the
charts are worded (`wording`); each keeps where it was written (`file:line (name)`) so
a template error names the line to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import yamlio
from generator.brief.charts.spec import ChartsFile

# The brief's charts, in its order (at most six: issue 17).
CHART_KEYS = (
    "growth_index",
    "price_volume",
    "ai_share",
    "top_sources",
    "tariffs",
    "counterfactual",
)
TEXTS_FILE = "charts.yaml"
SERIES = ("ai", "non_ai", "total")  # the lines of the growth index, as `labels` names them
TEXT_FIELDS = ("title", "alt", "axis", "mark")  # `mark` is optional


@dataclass(frozen=True)
class Text:
    """One Jinja text of charts.yaml and where it is (file:line (chart.field.variant))."""

    source: str
    where: str


@dataclass(frozen=True)
class ChartTexts:
    """What charts.yaml says, ready for drawing (the style sheet's rc apart)."""

    palette: dict[str, str]
    labels: dict[str, str]
    country_names: dict[str, str]
    short_names: dict[str, str]
    max_name_length: int
    source: Text  # real data
    sample_source: Text  # the sample
    title_in_image: bool
    source_in_image: bool
    png_width_px: int
    texts: dict[str, dict[str, dict[str, Text]]]  # chart → field → variant → text
    chart_labels: dict[str, dict[str, str]]  # chart → name → label


def find(dirs: list[Path]) -> Path:
    """charts.yaml: the first found along the lookup chain (overrides first)."""
    return next((d / TEXTS_FILE for d in dirs if (d / TEXTS_FILE).is_file()), dirs[-1] / TEXTS_FILE)


# ---- reading: validated by the model (charts/spec.py), texts located -------------------------


def _located(doc: Any, name: str, loc: tuple[str, ...], label: str, source: str) -> Text:
    return Text(source, f"{yamlio.where_at(doc, name, loc)} ({label})")


def _variants(doc: Any, name: str, key: str, field: str, texts: dict[str, str]) -> dict:
    """A field's texts by variant; one text written alone is the default."""
    loc = ("charts", key, field)
    if isinstance(doc["charts"][key][field], str):
        return {"default": _located(doc, name, loc, f"{key}.{field}", texts["default"])}
    return {
        v: _located(doc, name, (*loc, v), f"{key}.{field}.{v}", source)
        for v, source in texts.items()
    }


def from_document(doc: Any, name: str) -> ChartTexts:
    """A parsed charts.yaml as ChartTexts; every problem of the file is reported at
    once (a UserError, one line each `file:line: key: message`)."""
    spec = yamlio.validate(doc, ChartsFile, name)
    charts = {key: getattr(spec.charts, key) for key in CHART_KEYS}
    return ChartTexts(
        palette=spec.palette.model_dump(),
        labels=spec.labels.model_dump(),
        country_names=dict(spec.country_names or {}),
        short_names=dict(spec.short_names or {}),
        max_name_length=spec.max_name_length,
        source=_located(doc, name, ("source",), "source", spec.source),
        sample_source=_located(doc, name, ("sample_source",), "sample_source", spec.sample_source),
        title_in_image=spec.title_in_image,
        source_in_image=spec.source_in_image,
        png_width_px=spec.png_width_px,
        texts={
            key: {
                f: _variants(doc, name, key, f, getattr(c, f))
                for f in TEXT_FIELDS
                if getattr(c, f) is not None
            }
            for key, c in charts.items()
        },
        chart_labels={
            key: dict(c.labels) if isinstance(c.labels, dict) else c.labels.model_dump()
            for key, c in charts.items()
            if c.labels is not None
        },
    )


def read_texts(path: Path) -> ChartTexts:
    """charts.yaml at `path`; every problem becomes one line of a UserError."""
    return from_document(yamlio.load(path), str(path))
