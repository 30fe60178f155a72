"""The metrics step's contract: what goes in (MetricsInput, MetricsOptions), what comes
out (Metrics), and the check every document passes before anyone reads it.

These types cross module boundaries (pipeline, edition, facts, preview), so they live
apart from the topic modules that compute the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generator.data.table import Table
from generator.errors import UserError

if TYPE_CHECKING:  # the metrics read a Table or a pandas frame alike (data/table.py)
    import pandas as pd

    Frame = pd.DataFrame | Table

SCHEMA_VERSION = "aibrief.metrics/1"
AI, MEDIUM, LOW = "high", "medium", "low"


@dataclass(frozen=True)
class MetricsOptions:
    base_year: int = 2023
    import_value: str = "consumption"  # or "general"
    top_sources: int = 8
    partners: tuple[str, ...] = ("2010", "1220")
    excluded_chapters: tuple[int, ...] = (27, 71, 98, 99)


@dataclass(frozen=True)
class DataInfo:
    """Where the rows came from; travels into every output."""

    source: str
    sample: bool
    vintage: str | None = None
    latest_month: str | None = None  # newest month in the warehouse, if rows were cut
    # Months a refresh revised (news.Revision: month, flow, old, new, with_month), from
    # the warehouse manifest; each edition reports those its month's refresh made.
    revisions: tuple[Any, ...] = ()


# Columns of the aggregate frames (the boundary between the warehouse scan and the
# metrics): `klass` is the cube's class index (AI categories in display order, then
# medium, then low; −1 for an excluded chapter; a dual-use line of AI category i is
# i + Classes.n, see cube.py), `mask` bit k says the code is on exemption list k.
IMPORT_AGGREGATE = ["period", "country_code", "klass", "mask", "value_con", "value_gen", "duty"]
EXPORT_AGGREGATE = ["period", "country_code", "klass", "value"]


@dataclass(frozen=True)
class Aggregate:
    """Trade summed by month × class × country (× exemption mask for imports).

    Every metric is computed from these few thousand rows; the SQL scan of the
    warehouse (generator.data.queries, as Tables) and the pandas aggregation of
    row-level frames (cube.aggregate_rows) produce the same sums.
    """

    imports: Frame  # IMPORT_AGGREGATE
    exports: Frame  # EXPORT_AGGREGATE
    categories: tuple[str, ...]  # the AI category keys `klass` counts through
    lists: tuple[str, ...] = ()  # exemption list keys, in bit order
    # Unit-value links per flow × month × class (prices.LINK_COLUMNS), summed by the same
    # scan (queries.unit_links); None: summed from the input's rows (prices.links_of_rows).
    units: Frame | None = None


@dataclass
class MetricsInput:
    imports: Frame  # period, hs10, country_code, value_con, value_gen, duty, …
    exports: Frame  # period, hs10, country_code, value
    classification: Frame  # hs10, tier, category, excluded
    categories: dict[str, str]  # key → label, in display order
    countries: Frame = field(default_factory=lambda: Table({}))  # country_code, name
    info: DataInfo = field(default_factory=lambda: DataInfo("sample", True))
    # Exemption lists (generator.classify.exemptions.ExemptionList or alike: key, name, source,
    # effective, end, covers(code), in_force(month): counts for the month, i.e. in force on
    # at least half of its days).
    exemptions: list[Any] = field(default_factory=list)
    # Policy calendar events (generator.classify.policy.PolicyEvent or alike: date,
    # announced, what, source, kind).
    policy: list[Any] = field(default_factory=list)
    # Already summed (the SQL path); when given, `imports` and `exports` may be empty.
    aggregate: Aggregate | None = None


@dataclass(frozen=True)
class Metrics:
    """The metrics document of one edition, with dotted-path access for templates and tests."""

    month: str
    doc: dict[str, Any]
    # The previous month's document, recomputed from the same inputs (news is relative
    # to it); None when the data cannot carry that month.
    previous: dict[str, Any] | None = None

    def get(self, path: str) -> Any:
        return get_path(self.doc, path)


def get_path(doc: Any, path: str) -> Any:
    """`imports.ai.annual.2025` or `sources.0.share` in a metrics document."""
    node: Any = doc
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


class MetricsError(ValueError):
    """The data cannot support the requested edition (month missing, base year incomplete)."""


class ShareError(MetricsError, UserError):
    """A share outside [0, 1]: the data hold a negative or inconsistent figure, and a
    headline such as "108% of U.S. imports" must never reach a page."""

    def __init__(self, message: str) -> None:
        UserError.__init__(self, message)


# Keys whose numbers are shares of a whole; their "change" entries are differences.
_SHARE_KEYS = frozenset({"ai_share", "ai_share_core", "share_of_ai", "share", "prior_share"})


def check_shares(node: Any, path: str = "", inside: bool = False) -> None:
    """Refuse the document when any share is outside [0, 1], naming its metrics path."""
    if isinstance(node, dict):
        for key, value in node.items():
            if inside and key == "change":
                continue
            sub = f"{path}.{key}" if path else str(key)
            check_shares(value, sub, inside or key in _SHARE_KEYS)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            check_shares(value, f"{path}.{i}", inside)
    elif inside and isinstance(node, float) and not 0.0 <= node <= 1.0:
        raise ShareError(
            f"metrics {path} is {node:g}, not a share between 0 and 1: the warehouse holds "
            "a negative or inconsistent figure; check the source data"
        )
