"""Bring the warehouse up to date from the configured source, and say whether it needs
it: the data stage's entry points (`aibrief refresh`, and the flow's refresh stage)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.config import Settings
from generator.data.sources import TradeData
from generator.data.warehouse import RefreshResult, Warehouse
from generator.errors import UserError


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
    """What a refresh did, for the one line `aibrief refresh` and `aibrief run` say."""

    result: RefreshResult | None  # None for a dry run or when nothing was due
    plan: Any = None  # census.Plan for the census source
    calls: int = 0
    message: str = ""

    def summary(self, seconds: float, warehouse_dir: Path) -> str:
        """`warehouse updated: 2 month files written, 70 unchanged (1.2s) → …`."""
        if self.result is None:
            return self.message
        result = self.result
        written = sum(len(v) for v in result.written.values())
        how = "rebuilt" if result.rebuilt else "updated"
        calls = f", {self.calls} API calls" if self.plan is not None else ""
        fixed = f", {len(result.repaired)} repaired" if result.repaired else ""
        return (
            f"warehouse {how}: {written} month files written, {result.unchanged} unchanged"
            f"{fixed}{calls} ({seconds:.1f}s) → {warehouse_dir}"
        )


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
    """Fetch the months the Census has released and the warehouse lacks (or holds
    damaged), plus the revision window; a dry run plans without asking anything."""
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
    """The newest month an edition can be built for (both flows held)."""
    months = Warehouse(settings.warehouse_dir).common_months()
    if not months:
        raise UserError("the warehouse holds no month with both imports and exports")
    return months[-1]
