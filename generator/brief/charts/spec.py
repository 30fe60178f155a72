"""templates/styles/charts.yaml as a model: what each key may hold. Every problem of the
file is reported at once, each with its line (yamlio.validate), like config.yaml;
`texts.read_texts` turns the validated file into `ChartTexts`, each text located."""

from __future__ import annotations

from typing import Annotated

from matplotlib.colors import is_color_like
from pydantic import AfterValidator, BeforeValidator, Field

from generator import yamlio


def _label(value: object) -> str:
    """A name or label: text, or a number written without quotes."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"expected text, got {value!r}")
    return str(value)


def _colour(value: str) -> str:
    if not is_color_like(value):
        raise ValueError(f"expected a colour such as '#D55E00', got {value!r}")
    return value


def _variants(value: object) -> object:
    """One text, or texts keyed by the variant the code picks from the data."""
    if isinstance(value, str):
        return {"default": value}
    if isinstance(value, dict) and value:
        return value
    raise ValueError("expected a text or texts by variant")


Label = Annotated[str, BeforeValidator(_label)]
Colour = Annotated[str, BeforeValidator(_label), AfterValidator(_colour)]
Variants = Annotated[dict[str, str], BeforeValidator(_variants)]
Whole = Annotated[int, Field(strict=True, ge=4, le=10_000)]
Switch = Annotated[bool, Field(strict=True)]


class Palette(yamlio.FileModel):
    ai: Colour
    non_ai: Colour
    total: Colour
    reference: Colour
    actual: Colour
    counterfactual: Colour
    bars: Colour
    label: Colour
    muted: Colour


class SeriesLabels(yamlio.FileModel):
    ai: Label
    non_ai: Label
    total: Label


class ChartEntry(yamlio.FileModel):
    """One chart: its texts (one each, or by variant) and its own labels."""

    title: Variants
    alt: Variants
    axis: Variants
    mark: Variants | None = None  # a label drawn on the chart (the counterfactual's gap)
    labels: dict[str, Label] | None = None


class CounterfactualLabels(yamlio.FileModel):
    actual: Label
    counterfactual: Label


class CounterfactualEntry(ChartEntry):
    labels: CounterfactualLabels  # type: ignore[assignment]  # required for this chart


class Charts(yamlio.FileModel):
    growth_index: ChartEntry
    ai_share: ChartEntry
    top_sources: ChartEntry
    tariffs: ChartEntry
    counterfactual: CounterfactualEntry
    price_volume: ChartEntry


class ChartsFile(yamlio.FileModel):
    source: str  # real data: credits the Census Bureau
    sample_source: str  # the sample: credits no statistical agency
    title_in_image: Switch = True
    source_in_image: Switch = True
    png_width_px: Whole = 1200
    palette: Palette
    labels: SeriesLabels
    country_names: dict[Label, Label] | None = None
    short_names: dict[Label, Label] | None = None
    max_name_length: Whole = 16
    charts: Charts
