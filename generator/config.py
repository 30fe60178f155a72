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


# Partners asked one by one (the top sources of AI-related imports); the rest of the
# world is the all-country total minus these (docs/CENSUS-DATA.md, "Requests").
DEFAULT_COUNTRIES = [
    "2010", "5830", "5700", "5520", "5490", "5800", "5570", "5880", "1220", "4280",
    "5590", "5330", "5650", "5081", "4190", "4210", "4279", "4120", "4759", "4419",
    "5600", "5820", "2230", "4351", "4550", "4370", "4330", "4010", "4099", "4700",
    "4231", "3510", "4890", "5550", "4050", "6021", "2470", "4850", "4710", "4359",
]  # fmt: skip

CountryCode = Annotated[str, Field(pattern=r"^\d{4}$")]


def _codes_as_strings(v: Any) -> Any:
    if isinstance(v, list):
        return [f"{x:04d}" if isinstance(x, int) else x for x in v]
    return v


class CensusSettings(_Section):
    base_url: str = "https://api.census.gov/data/timeseries/intltrade"
    api_key_env: str = "CENSUS_API_KEY"
    countries: list[CountryCode] = Field(default_factory=lambda: list(DEFAULT_COUNTRIES))
    revision_months: int = Field(default=3, ge=0, le=36)
    timeout: float = Field(default=120.0, gt=0)
    retries: int = Field(default=6, ge=0, le=20)
    backoff: float = Field(default=2.0, ge=0)  # seconds; doubles each retry, with jitter
    concurrency: int = Field(default=4, ge=1, le=16)
    months_per_request: int = Field(default=12, ge=1, le=120)

    _strings = field_validator("countries", mode="before")(_codes_as_strings)


class FilesSettings(_Section):
    imports: str | None = None  # a path or glob, CSV or parquet, Census variable names
    exports: str | None = None


class DataSettings(_Section):
    source: Literal["sample", "census", "files"] = "sample"
    start: Month = "2023-01"
    sample: SampleSettings = SampleSettings()
    census: CensusSettings = CensusSettings()
    files: FilesSettings = FilesSettings()


class TaxonomySettings(_Section):
    rules: Path = Path("taxonomy/ai_products.yaml")
    exclude_chapters: list[Annotated[int, Field(ge=1, le=99)]] = [27, 71, 98, 99]
    # A published classification (columns hs10_code, relevance, primary_category) that
    # takes precedence over the rules, code by code.
    classification_csv: Path | None = None
    # Tariff exemption lists, one YAML file each.
    exemptions: Path = Path("taxonomy/exemptions")


class MetricsSettings(_Section):
    base_year: int = Field(default=2023, ge=2013, le=2100)
    import_value: Literal["consumption", "general"] = "consumption"
    top_sources: int = Field(default=8, ge=1, le=50)
    partners: list[CountryCode] = ["2010", "1220"]

    _strings = field_validator("partners", mode="before")(_codes_as_strings)


class TemplateSettings(_Section):
    # Everything an editor may touch: layout, CSS, chart style, wording.
    dir: Path = Path("templates")
    # A folder searched before `dir`, file by file (editors' overrides).
    overrides: Path | None = None
    # Per-edition notes: <notes>/YYYY-MM.md (YAML front matter + a Markdown body).
    notes: Path = Path("editions")


class SmtpSettings(_Section):
    host: str = "localhost"
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    # Names of environment variables holding the credentials (never the values).
    username_env: str = "AIBRIEF_SMTP_USERNAME"
    password_env: str = "AIBRIEF_SMTP_PASSWORD"
    timeout: float = Field(default=30.0, gt=0)
    retries: int = Field(default=3, ge=0, le=10)


class EmailSettings(_Section):
    model_config = ConfigDict(extra="forbid", validate_default=True)

    smtp: SmtpSettings = SmtpSettings()
    from_: str = Field(default="AI Trade Brief <brief@localhost>", alias="from")
    to: list[str] = Field(default_factory=list)
    recipients_csv: Path | None = None  # columns: address, name (optional)
    list_unsubscribe: str | None = None  # default: mailto:<from>?subject=unsubscribe


class SiteSettings(_Section):
    dir: Path | None = None  # default: <output.dir>/site
    base_url: str = "https://example.org/ai-trade-brief/"
    deploy_command: str | None = None  # run after a successful build, e.g. an rsync


class ScheduleSettings(_Section):
    cron: str = "0 10 * * mon-fri"
    timezone: str = "America/New_York"
    rerun_on_revision: bool = False
    revision_threshold: float = Field(default=0.005, ge=0)  # headline share moved ≥ 0.5 pt
    alert_to: list[str] = Field(default_factory=list)


class Settings(_Section):
    output: OutputSettings = OutputSettings()
    templates: TemplateSettings = TemplateSettings()
    data: DataSettings = DataSettings()
    taxonomy: TaxonomySettings = TaxonomySettings()
    metrics: MetricsSettings = MetricsSettings()
    email: EmailSettings = EmailSettings()
    site: SiteSettings = SiteSettings()
    schedule: ScheduleSettings = ScheduleSettings()

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

    @property
    def state_dir(self) -> Path:
        return self.output_dir / "state"

    @property
    def cache_dir(self) -> Path:
        return self.output_dir / "cache"

    @property
    def site_dir(self) -> Path:
        return self.path(self.site.dir) if self.site.dir else self.output_dir / "site"

    @property
    def templates_dir(self) -> Path:
        return self.path(self.templates.dir)

    @property
    def template_dirs(self) -> list[Path]:
        """Where templates are looked up, first match wins: overrides, then the default."""
        first = [self.path(self.templates.overrides)] if self.templates.overrides else []
        return [*first, self.templates_dir]


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


def _drop_empty(node: Any) -> Any:
    """A key left empty (`files:` with every line below commented out) means defaults."""
    if isinstance(node, dict):
        return {k: _drop_empty(v) for k, v in node.items() if v is not None}
    return node


def from_mapping(doc: Any, name: str = "config.yaml", path: Path | None = None) -> Settings:
    """Validate a parsed document; raise ConfigError with file:line: key.path: message."""
    if doc is None:
        doc = yamlio.LineDict()
    if not isinstance(doc, dict):
        raise ConfigError("expected a mapping of keys at the top level", where=name)
    try:
        settings = Settings.model_validate(_drop_empty(doc))
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
