"""The core lens (#16 item 2): `imports.ai_core` and `imports.ai_share_core` leave dual-use
lines out, every other figure keeps them; the SQL and pandas paths agree; the brief states
the range when the two shares differ by 3 points or more.

Expected numbers are worked out by hand from the rows below.
"""

from __future__ import annotations

import copy
import dataclasses
import json

import pandas as pd
import pytest

from generator.analysis.document import validate_metrics
from generator.analysis.metrics import Aggregate, DataInfo, MetricsInput, MetricsOptions, compute
from generator.analysis.metrics.cube import Classes, class_table
from generator.brief import narrative
from generator.classify.taxonomy import load_taxonomy
from generator.data import queries, schema
from tests.conftest import REPO

CORE = "8471800100"  # high, compute_hardware
DUAL = "8507600020"  # high, electrical_power, dual use
LOW = "9403200000"  # low
OIL = "2709002010"  # excluded chapter, tagged high and dual use: counts nowhere
TAIWAN = "5830"

CATEGORIES = {"compute_hardware": "Compute hardware", "electrical_power": "Electrical power"}


def classification(dual: bool) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (CORE, "high", "compute_hardware", False, False),
            (DUAL, "high", "electrical_power", False, dual),
            (LOW, "low", None, False, False),
            (OIL, "high", "electrical_power", True, True),
        ],
        columns=["hs10", "tier", "category", "excluded", "dual_use"],
    )


def months(year: int, last: int = 12) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, last + 1)]


def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every month's imports (Taiwan; value_con = value_gen, duty 1% of value):

            CORE   DUAL    LOW   OIL | total  AI   core
    2023     100     50    850   999 |  1000  150   100
    2024 Q1  150    100    750   999 |  1000  250   150
    """
    rows = []
    for ms, core, dual, low in ((months(2023), 100, 50, 850), (months(2024, 3), 150, 100, 750)):
        for p in ms:
            for code, v in ((CORE, core), (DUAL, dual), (LOW, low), (OIL, 999)):
                rows.append((p, code, TAIWAN, v, v, v, v / 100, 1.0, "NO"))
    imports = pd.DataFrame(rows, columns=list(schema.IMPORT_COLUMNS))
    erows = [(p, LOW, TAIWAN, 10.0, 1.0, "NO") for p in months(2023) + months(2024, 3)]
    exports = pd.DataFrame(erows, columns=list(schema.EXPORT_COLUMNS))
    return imports, exports


def metrics_of(dual: bool = True) -> dict:
    imports, exports = frames()
    inp = MetricsInput(imports, exports, classification(dual), dict(CATEGORIES))
    return compute(inp, "2024-03", MetricsOptions(base_year=2023)).doc


A = pytest.approx


def test_class_table_gives_dual_use_lines_their_own_class():
    # Two categories: classes 0, 1 (AI), 2 (medium), 3 (low); dual use of category i: 4 + i.
    cls = class_table(classification(True), list(CATEGORIES))
    assert (cls[CORE], cls[DUAL], cls[LOW], cls[OIL]) == (0, 5, 3, -1)
    assert Classes(list(CATEGORIES)).dual(1) == 5
    assert class_table(classification(False), list(CATEGORIES))[DUAL] == 1


def test_core_lens_leaves_dual_use_lines_out():
    doc = metrics_of()
    core, share = doc["imports"]["ai_core"], doc["imports"]["ai_share_core"]
    assert core["month"] == 150.0  # CORE only, March 2024
    assert core["annual"] == {"2023": 1200.0}  # 12 × 100
    assert core["ytd"] == 450.0  # 3 × 150
    assert core["ytd_months"] == 3
    assert core["prior_ytd"] == 300.0  # 3 × 100
    assert core["yoy"] == {"month": A(0.5), "ytd": A(0.5), "annual": {}}  # 150/100 − 1
    assert core["since_base"] == {"ytd": A(0.5), "annual": {}}  # 450/300 − 1
    assert core["monthly"]["2023-01"] == 100.0 and core["monthly"]["2024-03"] == 150.0
    assert share["month"] == A(0.15)  # 150 / 1000
    assert share["annual"] == {"2023": A(0.1)}  # 1200 / 12000
    assert share["ytd"] == A(0.15)  # 450 / 3000
    assert share["prior_ytd"] == A(0.1)  # 300 / 3000
    assert share["change"]["ytd"] == A(0.05)
    assert share["monthly"]["2023-06"] == A(0.1)
    assert "dual-use" in doc["definitions"]["ai_core"]


def test_every_other_figure_counts_dual_use_lines():
    doc = metrics_of()
    ai = doc["imports"]["ai"]
    assert (ai["month"], ai["annual"]["2023"], ai["ytd"]) == (250.0, 1800.0, 750.0)
    assert doc["imports"]["ai_share"]["month"] == A(0.25)  # 250 / 1000
    assert doc["imports"]["ai_share"]["ytd"] == A(0.25)  # 750 / 3000
    assert doc["imports"]["total"]["month"] == 1000.0  # OIL excluded
    assert doc["imports"]["non_ai"]["month"] == 750.0
    power = next(c for c in doc["categories"] if c["key"] == "electrical_power")
    assert power["imports"]["ytd"] == 300.0  # 3 × 100: the dual-use line is power's
    assert power["imports"]["share_of_ai"]["ytd"] == A(0.4)  # 300 / 750
    assert doc["tariffs"]["ai"]["ytd"] == A(0.01)
    assert doc["sources"][0]["ai_imports"] == 750.0


def test_dual_use_changes_nothing_but_the_core_lens():
    with_dual, without = metrics_of(True), metrics_of(False)
    # With no dual-use line the core is all AI-related goods.
    assert without["imports"]["ai_core"] == without["imports"]["ai"]
    assert without["imports"]["ai_share_core"] == without["imports"]["ai_share"]
    for doc in (with_dual, without):
        del doc["imports"]["ai_core"], doc["imports"]["ai_share_core"]
    assert json.dumps(with_dual) == json.dumps(without)


def test_no_dual_use_column_means_no_dual_use():
    imports, exports = frames()
    old = classification(True).drop(columns="dual_use")
    doc = compute(
        MetricsInput(imports, exports, old, dict(CATEGORIES)), "2024-03", MetricsOptions()
    ).doc
    assert json.dumps(doc) == json.dumps(metrics_of(False))


def test_the_sql_path_sums_the_core_lens_as_the_row_path_does():
    imports, exports = frames()
    class_of = class_table(classification(True), list(CATEGORIES))
    with queries.Scan.of_frames(imports, exports) as scan:
        sql = queries.aggregate(scan, class_of, [])
    rows = MetricsInput(imports, exports, classification(True), dict(CATEGORIES))
    agg = dataclasses.replace(
        rows,
        imports=imports[:0],
        exports=exports[:0],
        aggregate=Aggregate(sql.imports, sql.exports, tuple(CATEGORIES), ()),
    )
    a = compute(rows, "2024-03", MetricsOptions()).doc
    b = compute(agg, "2024-03", MetricsOptions()).doc
    for key in ("imports", "exports", "categories", "tariffs", "sources", "counterfactual"):
        assert json.dumps(a[key]) == json.dumps(b[key]), key
    assert b["imports"]["ai_core"]["ytd"] == 450.0


# ---- the shipped taxonomy end to end: schema and the brief's range line -------------------

TAX = load_taxonomy(REPO / "taxonomy" / "ai_products.yaml", [27, 71, 98, 99])
SHIPPED = {
    "8471800100": 100.0,  # compute hardware, not dual use
    "8507600020": 60.0,  # Li-ion: electrical power, dual use
    "8517620010": 40.0,  # switches: networking, not dual use
    "8418690180": 20.0,  # chillers: cooling, not dual use
    "0102291000": 780.0,  # low
}


def shipped_doc() -> dict:
    """A year and a quarter of the codes above, the same every month (Taiwan): AI-related
    220 of 1000 (22%), core 160 of 1000 (16%)."""
    rows = [
        (p, code, TAIWAN, v, v, v, 0.0, 1.0, "NO")
        for p in months(2023) + months(2024, 3)
        for code, v in SHIPPED.items()
    ]
    erows = [(p, "0102291000", TAIWAN, 10.0, 1.0, "NO") for p in months(2023) + months(2024, 3)]
    inp = MetricsInput(
        pd.DataFrame(rows, columns=list(schema.IMPORT_COLUMNS)),
        pd.DataFrame(erows, columns=list(schema.EXPORT_COLUMNS)),
        TAX.classify_frame(SHIPPED),
        TAX.categories,
        countries=pd.DataFrame({"country_code": [TAIWAN], "name": ["Taiwan"]}),
        info=DataInfo("sample", True, "2024-05-01T00:00:00Z"),
    )
    return compute(inp, "2024-03", MetricsOptions(base_year=2023)).doc


def test_the_shipped_rules_give_a_core_lens_the_schema_accepts():
    doc = shipped_doc()
    validate_metrics(doc)
    assert doc["imports"]["ai_share"]["month"] == A(0.22)  # (100 + 60 + 40 + 20) / 1000
    assert doc["imports"]["ai_share_core"]["month"] == A(0.16)  # (100 + 40 + 20) / 1000


def range_lines(doc: dict) -> list[str]:
    """Every line of the brief's body that states the range: the research definition's
    share and the core lens' share, side by side (Zoom in, or a bullet)."""
    text = narrative.write(doc, REPO / "templates" / "narrative")
    body = [text.lede, *text.zoom_in, *text.by_the_numbers]
    return [ln for ln in body if "research definition" in ln and "data centers" in ln]


def with_shares(wide: float, core: float) -> dict:
    doc = copy.deepcopy(shipped_doc())
    doc["imports"]["ai_share"]["month"] = wide
    doc["imports"]["ai_share_core"]["month"] = core
    return doc


@pytest.mark.parametrize(
    ("wide", "core", "shown"),
    [
        (0.22, 0.16, True),  # 6 points
        (0.23, 0.20, True),  # exactly 3 points
        (0.231, 0.2011, False),  # 2.99 points
        (0.23, 0.23, False),  # no dual-use imports
    ],
)
def test_the_brief_states_the_range_from_three_points(wide, core, shown):
    lines = range_lines(with_shares(wide, core))
    assert len(lines) == (1 if shown else 0)  # once, in one line
    if shown:
        assert f"{round(wide * 100)}%" in lines[0] and f"{round(core * 100)}%" in lines[0]
        assert "March 2024" in lines[0]


def test_the_range_line_reads_the_edition_month_of_the_shipped_build():
    lines = range_lines(shipped_doc())
    assert lines == [
        "16%: AI share of U.S. imports in March 2024 counting only goods bought mostly "
        "for data centers (22% on the research definition)."
    ]


def test_an_older_metrics_document_without_the_core_lens_still_renders():
    doc = copy.deepcopy(shipped_doc())
    del doc["imports"]["ai_core"], doc["imports"]["ai_share_core"]
    assert range_lines(doc) == []
