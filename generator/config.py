"""config.yaml → validated settings. Every error names the file, line and key path."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from generator import yamlio
from generator.errors import ConfigError, located
from generator.headers import ENCODED_WORD, HeaderText

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
# Census HS trade data start in 2013; a year far out would plan centuries of calls.
FIRST_YEAR, LAST_YEAR = 2013, 2100


def _sane_year(month: str) -> str:
    if not FIRST_YEAR <= int(month[:4]) <= LAST_YEAR:
        raise ValueError(f"year must be between {FIRST_YEAR} and {LAST_YEAR}, got {month!r}")
    return month


yamlio.describe_pattern(MONTH_PATTERN, "a month as YYYY-MM")
Month = Annotated[str, Field(pattern=MONTH_PATTERN), AfterValidator(_sane_year)]
DEFAULT_CONFIG = Path("config.yaml")
ENV_VAR = "AIBRIEF_CONFIG"


class _Section(BaseModel):
    # Every number is finite (`.inf` or `.nan` would pass a one-sided bound) and every
    # numeric key has both bounds, so no value can make a command hang or crash.
    model_config = ConfigDict(extra="forbid", validate_default=True, allow_inf_nan=False)


class OutputSettings(_Section):
    dir: Path = Path("output")


class SampleSettings(_Section):
    seed: int = Field(default=2025, ge=0, le=2**32 - 1)
    scale: float = Field(default=1.0, ge=1.0, le=40.0)
    end: Month = "2026-09"  # the latest month Census had released by early December 2026


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
    timeout: float = Field(default=120.0, gt=0, le=3600)  # seconds
    retries: int = Field(default=6, ge=0, le=20)
    backoff: float = Field(default=2.0, ge=0, le=60)  # seconds; doubles each retry, jitter
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


# A category key of the rule file, e.g. compute_hardware.
_KEY = r"^[a-z][a-z0-9_]*$"
yamlio.describe_pattern(_KEY, "a category key such as compute_hardware")
Label = Annotated[str, Field(min_length=1)]
CategoryKey = Annotated[str, Field(pattern=_KEY)]


class TaxonomySettings(_Section):
    rules: Path = Path("taxonomy/ai_products.yaml")
    exclude_chapters: list[Annotated[int, Field(ge=1, le=99)]] = [27, 71, 98, 99]
    # A published classification (columns hs10_code, relevance, primary_category) that
    # takes precedence over the rules, code by code.
    classification_csv: Path | None = None
    # Its High labels outside our categories → a category key of the rule file (or
    # other_ai); a label neither ours nor mapped goes to "Other AI-related". The keys
    # are checked against the rule file when the taxonomy loads (`aibrief check`).
    category_map: dict[Label, CategoryKey] = {}
    # Tariff exemption lists, one YAML file each.
    exemptions: Path = Path("taxonomy/exemptions")
    # The policy calendar: dated rulings, tariffs, investigations (no file: no events).
    policy: Path = Path("taxonomy/policy.yaml")


class MetricsSettings(_Section):
    base_year: int = Field(default=2023, ge=2013, le=2100)
    import_value: Literal["consumption", "general"] = "consumption"
    top_sources: int = Field(default=8, ge=1, le=50)
    partners: list[CountryCode] = ["2010", "1220"]

    _strings = field_validator("partners", mode="before")(_codes_as_strings)


_MEMORY = r"^\d{1,7}(MB|GB)$"
yamlio.describe_pattern(_MEMORY, "a size such as 512MB or 1GB")


def _memory_bounds(v: str) -> str:
    mb = int(v[:-2]) * (1024 if v.endswith("GB") else 1)
    if not 64 <= mb <= 1024 * 1024:
        raise ValueError(f"must be between 64MB and 1024GB, got {v!r}")
    return v


class WarehouseSettings(_Section):
    # Memory the embedded SQL engine (DuckDB) may use for the warehouse scan, shared
    # by the worker processes of a backfill; past it the engine spills to disk.
    memory_limit: Annotated[str, Field(pattern=_MEMORY), AfterValidator(_memory_bounds)] = "1GB"

    @property
    def memory_limit_mb(self) -> int:
        v = self.memory_limit
        return int(v[:-2]) * (1024 if v.endswith("GB") else 1)


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
    timeout: float = Field(default=30.0, gt=0, le=600)  # seconds
    retries: int = Field(default=3, ge=0, le=10)


# email.unsubscribe_url without its {token}: URL characters only (RFC 3986, less the
# comma that separates List-Unsubscribe entries), so it cannot break the header.
_URL_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+;=%]+$")


def _one_click_url(url: str) -> str:
    """email.unsubscribe_url: https, with the reader's {token}, nothing a header splits on."""
    if urlsplit(url).scheme != "https" or not urlsplit(url).hostname:
        raise ValueError(f"expected an https:// URL, got {url!r}")
    if "{token}" not in url:
        raise ValueError(f"must hold the placeholder {{token}} (each reader's token), got {url!r}")
    rest = url.replace("{token}", "")
    if not _URL_CHARS.match(rest) or ENCODED_WORD.search(rest):
        raise ValueError(
            "may hold only URL characters (no space, comma, quote, <>, brace but {token}, "
            f"control character or encoded word), got {url!r}"
        )
    return url


class EmailSettings(_Section):
    model_config = ConfigDict(extra="forbid", validate_default=True)

    smtp: SmtpSettings = SmtpSettings()
    # Text that becomes e-mail headers: no CR/LF or other control character, plain or
    # RFC 2047-encoded (=?utf-8?q?=0D=0A…?=), which could add a Bcc: or Reply-To:.
    from_: HeaderText = Field(default="AI Trade Brief <brief@localhost>", alias="from")
    to: list[HeaderText] = Field(default_factory=list)
    recipients_csv: Path | None = None  # columns: address, name (optional)
    list_unsubscribe: str | None = None  # default: mailto:<from>?subject=unsubscribe
    # One-click unsubscribe (RFC 8058): each reader's URL, {token} signed with the secret
    # in the environment variable named here (README, "E-mail").
    unsubscribe_url: Annotated[str, AfterValidator(_one_click_url)] | None = None
    unsubscribe_secret_env: str = "AIBRIEF_UNSUBSCRIBE_SECRET"
    # Addresses that get nothing, one a line (# comments); a missing file suppresses none.
    suppression_file: Path = Path("suppressed.txt")


class SiteSettings(_Section):
    dir: Path | None = None  # default: <output.dir>/site
    base_url: str = "https://example.org/ai-trade-brief/"
    deploy_command: str | None = None  # run after a successful build, e.g. an rsync


class ScheduleSettings(_Section):
    cron: str = "0 10 * * mon-fri"
    timezone: str = "America/New_York"
    rerun_on_revision: bool = False
    revision_threshold: float = Field(default=0.005, ge=0, le=1)  # share moved ≥ 0.5 pt
    alert_to: list[HeaderText] = Field(default_factory=list)  # checked as email.to is


class Settings(_Section):
    output: OutputSettings = OutputSettings()
    templates: TemplateSettings = TemplateSettings()
    data: DataSettings = DataSettings()
    taxonomy: TaxonomySettings = TaxonomySettings()
    metrics: MetricsSettings = MetricsSettings()
    warehouse: WarehouseSettings = WarehouseSettings()
    email: EmailSettings = EmailSettings()
    site: SiteSettings = SiteSettings()
    schedule: ScheduleSettings = ScheduleSettings()

    # Where the settings came from; relative paths resolve against its folder.
    _source_path: Path | None = PrivateAttr(default=None)
    # The parsed file and its name, for errors about a key found after validation.
    _doc: Any = PrivateAttr(default=None)
    _name: str = PrivateAttr(default="config.yaml")

    def where(self, *key: str) -> str:
        """`file:line` of a key (or of the nearest enclosing one that is written)."""
        return located(self._name, yamlio.line_at(self._doc, key))

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


def _drop_empty(node: Any) -> Any:
    """A key left empty (`files:` with every line below commented out) means defaults."""
    if isinstance(node, dict):
        return {k: _drop_empty(v) for k, v in node.items() if v is not None}
    return node


def from_mapping(doc: Any, name: str = "config.yaml", path: Path | None = None) -> Settings:
    """Validate a parsed document; raise ConfigError listing every problem, one line
    each `file:line: key.path: message` (the path editor files share, yamlio.validate)."""
    if doc is None:
        doc = yamlio.LineDict()
    if not isinstance(doc, dict):
        raise ConfigError("expected a mapping of keys at the top level", where=name)
    # Lines are looked up in `doc`; the model sees it with empty keys dropped.
    try:
        settings = Settings.model_validate(_drop_empty(doc))
    except ValidationError as exc:
        yamlio.raise_errors(exc, doc, name, ConfigError, Settings)
    settings._source_path = path.resolve() if path else None
    settings._doc, settings._name = doc, name
    return settings


def check_schedule(settings: Settings) -> None:
    """schedule.timezone and schedule.cron as the scheduler reads them. Kept out of
    validation so other commands need not import APScheduler: `aibrief check` and
    `aibrief schedule` call it."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.util import astimezone

    sched = settings.schedule
    try:
        tz = astimezone(sched.timezone)
    except (ValueError, LookupError, TypeError):
        raise ConfigError(
            f"schedule.timezone: unknown time zone {sched.timezone!r} "
            "(use a name such as America/New_York or UTC)",
            where=settings.where("schedule", "timezone"),
        ) from None
    try:
        trigger = CronTrigger.from_crontab(sched.cron, timezone=tz)
    except (ValueError, LookupError, TypeError) as exc:
        raise ConfigError(
            f"schedule.cron: {exc} in {sched.cron!r} (crontab: minute hour day month weekday)",
            where=settings.where("schedule", "cron"),
        ) from None
    if trigger.get_next_fire_time(None, datetime.now(tz)) is None:
        raise ConfigError(
            f"schedule.cron: {sched.cron!r} never fires",
            where=settings.where("schedule", "cron"),
        )


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
