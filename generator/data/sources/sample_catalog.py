"""What the illustrative sample is made of, read from the data files in `sample_data/`.

The products, partners, mixes and targets are data, not code: `products.csv`,
`countries.csv`, `profiles.yaml`, `mixes.yaml`, `calibration.yaml` and `tariffs.yaml`
(each says what its columns and keys mean). This module reads them once, checks them
with pydantic models and hands `generator.data.sources.sample` one typed `Catalogue`.
Nothing here is official statistics: the HS codes, Census country codes and the
published annual aggregates (docs/CALIBRATION.md) are facts; every other number is an
illustrative estimate chosen so that the sample reads like real U.S. trade data.

A change to any of these files changes the sample: bump `sample.VERSION` with it.
"""

from __future__ import annotations

import csv
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

DATA = Path(__file__).with_name("sample_data")
YEARS3 = tuple[float, float, float]
Mix = dict[int, dict[str, float]]  # year → partner code → share of the group


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Country(_Model):
    """A partner: Census code and name, overall size, trade agreements, tariff exposure."""

    code: str
    alias: str  # the short name the YAML files use (CHN, MEX …)
    name: str
    imports_bn: float  # rough size of U.S. imports from it, to spread "rest" shares
    exports_bn: float  # rough size of U.S. exports to it
    preference: float = 0.0  # share of product lines entering duty-free under an FTA
    reciprocal: float = 1.0  # reciprocal-tariff exposure from August 2025 (10 % = 1.0)


class Product(_Model):
    """One HTS 10-digit line of the sample."""

    hs10: str
    description: str
    group: str  # an AI category key, "medium", "low" or "excluded"
    unit1: str  # Census unit of quantity; "X" = no quantity
    unit_price: float  # USD per unit1, to derive qty1
    duty: float  # base MFN-like ad valorem rate
    imports: tuple[float, float]  # relative weight in its group, 2023 and 2025
    exports: tuple[float, float]
    profile: str = "general"
    section301: float | None = None  # China Section 301 rate; None = group default
    # False for a line a 10-digit rule names: scaled samples add no made-up suffixes
    # beside it, since they could fall on the other side of that rule.
    subdivide: bool = True
    exempt: bool = False  # excepted from the reciprocal tariffs (set by the catalogue)
    surcharge_exempt: bool = False  # exempt from the 2026 Section 122 surcharge (likewise)

    @property
    def chapter(self) -> int:
        return int(self.hs10[:2])


class Profile(_Model):
    """How strongly each partner supplies a kind of product (relative)."""

    default: float
    partners: dict[str, float]  # partner code → affinity; the rest get the default


class Targets(_Model):
    """Annual targets in USD billions, one value per calibrated year."""

    imports: dict[str, YEARS3]
    exports: dict[str, YEARS3]
    excluded_imports: dict[int, YEARS3]
    excluded_exports: dict[int, YEARS3]


class Continuation(_Model):
    """The illustrative year after the calibrated ones: each bucket's growth over the last
    target (fraction); buckets not listed grow at the long-run rate."""

    year: int
    imports: dict[str, float]
    exports: dict[str, float]


class UnitValues(_Model):
    """Unit-value paths: change over each calendar year (fraction) by group, a product
    profile overriding its group; flat outside the years given. Rows scatter around the
    path, small cells more than big ones."""

    groups: dict[str, dict[int, float]]
    profiles: dict[str, dict[int, float]]
    noise_floor: float
    noise_small: float


class Shape(_Model):
    """Seasonality, the 2025 front-loading and the trend of the monthly paths."""

    import_seasonality: tuple[float, ...]
    export_seasonality: tuple[float, ...]
    front_loading: dict[str, float]  # month → multiplier on the trend
    front_loaded_groups: tuple[str, ...]
    ai_divergence_start: str
    long_run_growth: float


class Sparsity(_Model):
    """How often small product x partner cells trade in a month."""

    scale_usd: float  # P(trade) = 1 - exp(-E / scale_usd); divided by the sample scale
    noise_sigma: float  # log-normal spread of a small traded cell around its expectation
    noise_floor: float  # ... and of the biggest cells
    steady_usd: float  # expected monthly value at which a cell is half-way steady
    pair_sigma: float  # persistent spread between product x partner pairs


class Section232(_Model):
    """A Section 232 duty: the lines it covers (HTS prefixes), from which month, and the
    effective ad valorem rate the sample charges (illustrative)."""

    name: str
    prefixes: tuple[str, ...]
    start: str  # YYYY-MM, the first month counted
    rate: float


class Surcharge(_Model):
    """The Section 122 surcharge of 2026: first and last day in force, rate."""

    first_day: date
    last_day: date
    rate: float


class Tariffs(_Model):
    """The duties: exemptions, base-rate targets, Section 301 and 232, the IEEPA step
    (2025 to February 2026) and the 2026 Section 122 surcharge."""

    reciprocal_exempt_prefixes: tuple[str, ...]
    reciprocal_exempt_chapters: tuple[int, ...]
    surcharge_exempt_prefixes: tuple[str, ...]
    surcharge_exempt_chapters: tuple[int, ...]
    step_from: str
    new_tariffs_from: str
    ieepa_last_day: date
    surcharge: Surcharge
    base_rate_targets: dict[str, dict[int, float]]
    section_301: dict[str, float]
    section_232: tuple[Section232, ...]
    low_tariff_path: dict[str, float]  # YYYY-MM → target effective rate of low goods
    china_ieepa: float
    reciprocal_partner_rates_from: str
    reciprocal_baseline: dict[str, float]  # partner code → exposure before partner rates


class Catalogue(_Model):
    """Everything the sample draws from, checked for consistency once."""

    target_years: tuple[int, ...]
    ai_groups: tuple[str, ...]
    excluded_chapters: tuple[int, ...]
    targets: Targets
    continuation: Continuation
    unit_values: UnitValues
    shape: Shape
    sparsity: Sparsity
    tariffs: Tariffs
    countries: tuple[Country, ...]
    profiles: dict[str, Profile]
    products: tuple[Product, ...]
    import_mixes: dict[str, Mix]
    export_mixes: dict[str, Mix]

    @property
    def groups(self) -> tuple[str, ...]:
        return (*self.ai_groups, "medium", "low", "excluded")

    @cached_property
    def code(self) -> dict[str, str]:
        """Partner alias → Census code (CHN → 5700)."""
        return {c.alias: c.code for c in self.countries}

    def is_exempt(self, hs10: str) -> bool:
        """Whether a code is excepted from the reciprocal tariffs (April 2025 to February
        2026)."""
        return hs10.startswith(self.tariffs.reciprocal_exempt_prefixes)

    def is_surcharge_exempt(self, hs10: str) -> bool:
        """Whether a code is exempt from the Section 122 surcharge (February to July 2026)."""
        return hs10.startswith(self.tariffs.surcharge_exempt_prefixes)

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        groups, known = set(self.groups), {c.code for c in self.countries}
        for p in self.products:
            if p.group not in groups or p.profile not in self.profiles:
                raise ValueError(f"product {p.hs10}: unknown group or profile")
        for name, prof in self.profiles.items():
            if not set(prof.partners) <= known:
                raise ValueError(f"profile {name}: unknown partner")
        if self.continuation.year != self.target_years[-1] + 1:
            raise ValueError("continuation: its year must follow the last target year")
        for paths in (self.unit_values.groups, self.unit_values.profiles):
            if not set(paths) <= groups | set(self.profiles):
                raise ValueError("unit_values: unknown group or profile")
        for mixes in (self.import_mixes, self.export_mixes):
            for group, years in mixes.items():
                if set(years) != set(self.target_years):
                    raise ValueError(f"mix {group}: needs one mix per target year")
        return self


# ---- reading the files ---------------------------------------------------------------------


def _rows(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows as dicts; lines starting with '#' are comments."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def _yaml(path: Path) -> Any:
    return yaml.load(
        path.read_text(encoding="utf-8"),
        Loader=getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader,
    )


def _by_code(mapping: dict[str, Any], code: dict[str, str], where: str) -> dict[str, Any]:
    """A mapping keyed by partner alias, keyed by Census code (order kept)."""
    unknown = sorted(set(mapping) - set(code))
    if unknown:
        raise ValueError(f"{where}: unknown partner {', '.join(unknown)}")
    return {code[k]: v for k, v in mapping.items()}


def _mixes(doc: dict[str, Any], years: list[int], code: dict[str, str]) -> dict[str, Mix]:
    """Group → year → partner code → share; "all" stands for every target year."""
    out: dict[str, Mix] = {}
    for group, by_year in doc.items():
        if set(by_year) == {"all"}:
            by_year = {y: by_year["all"] for y in years}
        out[group] = {y: _by_code(mix, code, f"mixes {group} {y}") for y, mix in by_year.items()}
    return out


def _product(row: dict[str, str], tariffs: dict[str, Any]) -> dict[str, Any]:
    return {
        "hs10": row["hs10"],
        "description": row["description"],
        "group": row["group"],
        "unit1": row["unit1"],
        "unit_price": row["unit_price"],
        "duty": row["duty"],
        "imports": (row["imports_2023"], row["imports_2025"]),
        "exports": (row["exports_2023"], row["exports_2025"]),
        "profile": row["profile"],
        "section301": row["section301"] or None,
        "subdivide": row["subdivide"] != "no",
        "exempt": row["hs10"].startswith(tuple(tariffs["reciprocal_exempt_prefixes"])),
        "surcharge_exempt": row["hs10"].startswith(tuple(tariffs["surcharge_exempt_prefixes"])),
    }


def load(folder: Path = DATA) -> Catalogue:
    """Read and check the sample's data files; a mistake names the file."""
    try:
        calibration = _yaml(folder / "calibration.yaml")
        tariffs = _yaml(folder / "tariffs.yaml")
        countries = [Country.model_validate(r) for r in _rows(folder / "countries.csv")]
        code = {c.alias: c.code for c in countries}
        tariffs["reciprocal_baseline"] = _by_code(tariffs["reciprocal_baseline"], code, "tariffs")
        profiles = {
            name: {"default": p["default"], "partners": _by_code(p["partners"], code, name)}
            for name, p in _yaml(folder / "profiles.yaml").items()
        }
        mixes = _yaml(folder / "mixes.yaml")
        years = calibration["years"]
        return Catalogue.model_validate(
            {
                "target_years": years,
                "ai_groups": calibration["ai_groups"],
                "excluded_chapters": calibration["excluded_chapters"],
                "targets": calibration["targets"],
                "continuation": calibration["continuation"],
                "unit_values": calibration["unit_values"],
                "shape": calibration["shape"],
                "sparsity": calibration["sparsity"],
                "tariffs": tariffs,
                "countries": countries,
                "profiles": profiles,
                "products": [_product(r, tariffs) for r in _rows(folder / "products.csv")],
                "import_mixes": _mixes(mixes["imports"], years, code),
                "export_mixes": _mixes(mixes["exports"], years, code),
            }
        )
    except (OSError, KeyError, TypeError, ValueError, ValidationError, yaml.YAMLError) as exc:
        raise RuntimeError(f"the sample's data files in {folder} are broken: {exc}") from exc


CATALOGUE = load()

# The names tests and older callers use.
PRODUCTS: tuple[Product, ...] = CATALOGUE.products
COUNTRIES: tuple[Country, ...] = CATALOGUE.countries
RECIPROCAL_EXEMPT_PREFIXES: tuple[str, ...] = CATALOGUE.tariffs.reciprocal_exempt_prefixes
is_exempt = CATALOGUE.is_exempt
