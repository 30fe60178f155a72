"""A revision belongs to the edition of the refresh that made it, for good: a later
refresh that revises the newest month must not move or drop an earlier edition's
revisions (the review found `data.revisions` of 2026-01 emptied by the March refresh)."""

from __future__ import annotations

import pandas as pd

from generator.analysis.metrics.news import revisions, revisions_from_manifest
from generator.data.sources import TradeData
from generator.data.warehouse import Warehouse


def trade(values: dict[str, float]) -> TradeData:
    """One import line and one export line per month, the import worth values[month]."""
    months = sorted(values)
    imports = pd.DataFrame(
        {
            "period": months,
            "hs10": ["8471500150"] * len(months),
            "country_code": ["5830"] * len(months),
            "value_con": [values[m] for m in months],
            "value_gen": [values[m] for m in months],
            "value_dutiable": [0.0] * len(months),
            "duty": [0.0] * len(months),
            "qty1": [1.0] * len(months),
            "unit1": ["NO"] * len(months),
        }
    )
    exports = pd.DataFrame(
        {
            "period": months,
            "hs10": ["8471500150"] * len(months),
            "country_code": ["2010"] * len(months),
            "value": [5.0] * len(months),
            "qty1": [1.0] * len(months),
            "unit1": ["NO"] * len(months),
        }
    )
    countries = pd.DataFrame({"country_code": ["2010", "5830"], "name": ["Mexico", "Taiwan"]})
    commodities = pd.DataFrame({"hs10": ["8471500150"], "description": ["Processing units"]})
    return TradeData(imports, exports, countries, commodities, "sample", True, {"s": 1})


def test_a_revision_stays_with_the_edition_that_reported_it(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit(trade({"2025-11": 100.0, "2025-12": 100.0}))
    # February: January arrives and November is revised up by 10.
    wh.commit(trade({"2025-11": 110.0, "2025-12": 100.0, "2026-01": 100.0}))
    feb = revisions_from_manifest(wh.manifest())
    assert [r["month"] for r in revisions("2026-01", feb)] == ["2025-11"]
    # March: February arrives and January itself is revised.
    wh.commit(trade({"2025-11": 110.0, "2025-12": 100.0, "2026-01": 120.0, "2026-02": 100.0}))
    march = revisions_from_manifest(wh.manifest())
    jan = revisions("2026-01", march)
    assert [(r["month"], r["flow"], r["old"], r["new"]) for r in jan] == [
        ("2025-11", "imports", 100.0, 110.0)
    ]
    assert [r["month"] for r in revisions("2026-02", march)] == ["2026-01"]
