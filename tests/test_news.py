"""The news block of metrics.json (generator/analysis/metrics/news.py) and
`data.revisions`, on a small hand-built frame whose answers are worked out by hand.

Imports per month (edition 2024-05, base year 2023):
  AI_CH from Taiwan:  2023 10 a month; 2024 Jan 11, Feb 12, Mar 13, Apr 14, May 1
  AI_EP from Mexico:  2024 Apr 1, May 13
  LOW from China:     30 every month; duty 3 (10%) every month but May 2024: 6 (20%)
  -> AI:    Dec 10, Jan 11, Feb 12, Mar 13, Apr 15, May 14: four rises, then a fall
  -> share: Dec 10/40 .25, Jan 11/41, Feb 12/42, Mar 13/43, Apr 15/45 .333333,
            May 14/44 .318182: four rises, then a fall
Exports: AI_CH 5 and LOW 15 a month.
"""

from __future__ import annotations

import jsonschema
import pytest

from generator.analysis.document import metrics_schema
from generator.analysis.metrics import DataInfo, MetricsOptions, compute
from generator.analysis.metrics.news import Revision, revisions_from_manifest
from tests.test_metrics import (
    AI_CH,
    AI_EP,
    CHINA,
    LOW,
    MEXICO,
    TAIWAN,
    exp,
    imp,
    make_input,
    months,
    year,
)

A = pytest.approx


def rows() -> tuple[list[tuple], list[tuple]]:
    ai_tw = {"2024-01": 11, "2024-02": 12, "2024-03": 13, "2024-04": 14, "2024-05": 1}
    imports = imp(year(2023), AI_CH, TAIWAN, 10) + imp(year(2023), LOW, CHINA, 30, duty=3)
    for p, v in ai_tw.items():
        imports += imp([p], AI_CH, TAIWAN, v)
    imports += imp(["2024-04"], AI_EP, MEXICO, 1) + imp(["2024-05"], AI_EP, MEXICO, 13)
    imports += imp(months("2024-01", "2024-04"), LOW, CHINA, 30, duty=3)
    imports += imp(["2024-05"], LOW, CHINA, 30, duty=6)
    span = months("2023-01", "2024-05")
    exports = exp(span, AI_CH, TAIWAN, 5) + exp(span, LOW, CHINA, 15)
    return imports, exports


MANIFEST = {
    "flows": {
        "imports": {
            "2024-03": {"value": 110.0, "fetched_at": "T2", "revision": {"value_change": 10.0}},
            "2024-04": {"value": 45.0, "fetched_at": "T1", "revision": {"value_change": 0.0}},
            "2024-05": {"value": 44.0, "fetched_at": "T2"},
        },
        "exports": {"2024-05": {"value": 20.0, "fetched_at": "T2"}},
    }
}


def doc(month: str = "2024-05", info: DataInfo | None = None) -> dict:
    inp = make_input(*rows(), info=info)
    return compute(inp, month, MetricsOptions(base_year=2023)).doc


def test_month_on_month_moves():
    mom = doc()["news"]["mom"]
    # AI: 14 against 15 -> 14/15 - 1 = -0.066667; other goods 30 against 30
    assert (mom["ai"]["month"], mom["ai"]["prior"]) == (14.0, 15.0)
    assert mom["ai"]["change"] == A(-0.066667)
    assert mom["non_ai"]["change"] == 0.0 and mom["non_ai"]["streak"] == 0
    # share: 14/44 = .318182 against 15/45 = .333333 -> -0.015151 (of the rounded values)
    assert mom["ai_share"]["month"] == A(0.318182) and mom["ai_share"]["prior"] == A(0.333333)
    assert mom["ai_share"]["change"] == A(-0.015151)
    # other goods' tariff: 6/30 = 20% against 3/30 = 10%; AI goods pay 0; gap 20 - 0
    assert mom["tariff_non_ai"] == {"month": 0.2, "prior": 0.1, "change": 0.1}
    assert mom["tariff_ai"]["month"] == 0.0
    assert mom["tariff_gap"] == {"month": 0.2, "prior": 0.1, "change": 0.1}


def test_streaks_and_turns():
    news = doc()["news"]
    # four rises (Jan … Apr 2024), then May's fall: a turn after 4, for AI and its share
    assert news["mom"]["ai"]["streak"] == -1 and news["mom"]["ai"]["turn_after"] == 4
    assert {"series": "ai", "direction": "fall", "after": 4} in news["turns"]
    assert {"series": "ai_share", "direction": "fall", "after": 4} in news["turns"]
    # April: the fourth rise in a row, no turn
    april = doc("2024-04")["news"]
    assert april["mom"]["ai"]["streak"] == 4 and april["turns"] == []


def test_ranks_against_the_previous_month():
    ranks = doc()["news"]["ranks"]
    # May: Mexico 13 > Taiwan 1; April: Taiwan 14 > Mexico 1
    assert [(s["name"], s["rank"], s["prior_rank"]) for s in ranks["sources"]] == [
        ("Mexico", 1, 2),
        ("Taiwan", 2, 1),
    ]
    assert ranks["sources"][0]["value"] == 13.0 and ranks["sources"][0]["prior_value"] == 1.0
    cats = [(c["key"], c["rank"], c["prior_rank"], c["change"]) for c in ranks["categories"]]
    # electrical power 13 against 1 (+1200%); compute hardware 1 against 14 (1/14 - 1)
    assert cats == [
        ("electrical_power", 1, 2, A(12.0)),
        ("compute_hardware", 2, 1, A(-0.928571)),
    ]


def test_revisions_from_the_manifest():
    # 2024-03 revised to 110 by +10 (old 100) in the refresh (T2) that brought 2024-05;
    # 2024-04's record changed no total: not a revision
    assert revisions_from_manifest(MANIFEST) == (
        Revision("2024-03", "imports", 100.0, 110.0, "2024-05"),
    )
    info = DataInfo("sample", True, revisions=revisions_from_manifest(MANIFEST))
    assert doc("2024-05", info)["data"]["revisions"] == [
        {"month": "2024-03", "flow": "imports", "old": 100.0, "new": 110.0, "change": 0.1}
    ]
    assert doc("2024-04", info)["data"]["revisions"] == []  # another refresh's month


def test_the_news_block_is_in_the_schema():
    d = doc()
    jsonschema.validate(d, metrics_schema())
    assert d["news"]["previous_month"] == "2024-04"
    d["news"]["turns"][0]["after"] = 2  # a turn needs a run of at least 3
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(d, metrics_schema())
