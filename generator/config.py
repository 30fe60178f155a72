"""config.yaml → validated settings. Every error names the file, line and key path."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from generator import yamlio
from generator.errors import ConfigError, located

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
Month = Annotated[str, Field(pattern=MONTH_PATTERN)]
DEFAULT_CONFIG = Path("config.yaml")
ENV_VAR = "AIBRIEF_CONFIG"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class OutputSettings(_Section):
    dir: Path = Path("output")


class SampleSettings(_Section):
    seed: int = 2025
    scale: float = Field(default=1.0, ge=1.0, le=40.0)
    end: Month = "2025-12"


class DataSettings(_Section):
    source: Literal["sample", "census", "files"] = "sample"
    start: Month = "2023-01"
    sample: SampleSettings = SampleSettings()


class TaxonomySettings(_Section):
    rules: Path = Path("taxonomy/ai_products.yaml")
    exclude_chapters: list[Annotated[int, Field(ge=1, le=99)]] = [27, 71, 98, 99]


class MetricsSettings(_Section):
    base_year: int = Field(default=2023, ge=2013, le=2100)
    import_value: Literal["consumption", "general"] = "consumption"
    top_sources: int = Field(default=8, ge=1, le=50)
    partners: list[Annotated[str, Field(pattern=r"^\d{4}$")]] = ["2010", "1220"]

    @field_validator("partners", mode="before")
    @classmethod
    def _codes_as_strings(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [f"{x:04d}" if isinstance(x, int) else x for x in v]
        return v


class TemplateSettings(_Section):
    # Everything an editor may touch: layout, CSS, chart style, wording.
    dir: Path = Path("templates")


class Settings(_Section):
    output: OutputSettings = OutputSettings()
    templates: TemplateSettings = TemplateSettings()
    data: DataSettings = DataSettings()
    taxonomy: TaxonomySettings = TaxonomySettings()
    metrics: MetricsSettings = MetricsSettings()

    # Where the settings came from; relative paths resolve against its folder.
    _source_path: Path | None = PrivateAttr(default=None)

    @property
    def source_path(self) -> Path | None:
        return self._source_path

    @property
    def root(self) -> Path:
        return self._source_path.parent if self._source_path else Path.cwd()

    def path(self, p: Path) -> Path:
        return p if p.is_absolute() else self.root / p

    @property
    def output_dir(self) -> Path:
        return self.path(self.output.dir)

    @property
    def warehouse_dir(self) -> Path:
        return self.output_dir / "warehouse"

    @property
    def editions_dir(self) -> Path:
        return self.output_dir / "editions"

    @property
    def rules_path(self) -> Path:
        return self.path(self.taxonomy.rules)


_MESSAGES = {
    "int_parsing": "expected an integer",
    "int_type": "expected an integer",
    "int_from_float": "expected an integer",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "string_type": "expected text",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "list_type": "expected a list",
    "dict_type": "expected a mapping of keys",
    "model_type": "expected a mapping of keys",
    "model_attributes_type": "expected a mapping of keys",
    "extra_forbidden": "unknown key",
    "missing": "required key is missing",
}


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        if pattern == MONTH_PATTERN:
            return f"expected a month as YYYY-MM, got {err['input']!r}"
        return f"{err['input']!r} does not match the expected form"
    if kind == "literal_error":
        return f"expected one of {err['ctx']['expected']}, got {err['input']!r}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"out of range: {err['msg'].lower()}, got {err['input']!r}"
    return _MESSAGES.get(kind, err["msg"])


def from_mapping(doc: Any, name: str = "config.yaml", path: Path | None = None) -> Settings:
    """Validate a parsed document; raise ConfigError with file:line: key.path: message."""
    if doc is None:
        doc = yamlio.LineDict()
    if not isinstance(doc, dict):
        raise ConfigError("expected a mapping of keys at the top level", where=name)
    try:
        settings = Settings.model_validate(doc)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        line = yamlio.line_at(doc, loc)
        key = ".".join(str(p) for p in loc) or "(top level)"
        raise ConfigError(f"{key}: {_message(err)}", where=located(name, line)) from None
    settings._source_path = path.resolve() if path else None
    return settings


def config_path(explicit: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """The config file to read and whether the user named it (so it must exist)."""
    if explicit:
        return Path(explicit), True
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env), True
    return DEFAULT_CONFIG, False


def load(explicit: str | os.PathLike[str] | None = None) -> Settings:
    """Load settings once. Without a file, the defaults (the offline sample) apply."""
    path, required = config_path(explicit)
    if not path.exists():
        if required:
            raise ConfigError("config file not found", where=str(path))
        return Settings()
    try:
        doc = yamlio.load(path)
    except Exception as exc:  # a YAML syntax error is a config error (exit 2)
        raise ConfigError(str(exc)) from None
    return from_mapping(doc, name=str(path), path=path)
