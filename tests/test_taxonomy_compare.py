"""`aibrief taxonomy compare PUBLISHED.csv` (#16 item 3): how far our rules agree with a
published classification, on hand-built rules, CSV and warehouse whose answers are
worked out by hand below."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from generator.classify import compare
from generator.classify.published import load_published
from generator.classify.taxonomy import load_taxonomy
from generator.data.sources import TradeData
from generator.data.warehouse import Warehouse
from tests.conftest import run_cli

RULES = """categories:
  compute_hardware: Compute hardware
  networking_telecom: Networking & telecom
  cooling_hvac: Cooling & HVAC
rules:
  - {prefix: "8471", tier: high, category: compute_hardware, reason: computers}
  - {prefix: "847130", tier: medium, category: compute_hardware, reason: laptops}
  - {prefix: "8517", tier: medium, category: networking_telecom, reason: telecom}
  - {prefix: "851762", tier: high, category: networking_telecom, reason: data machines}
  - {prefix: "8415", tier: high, category: cooling_hvac, reason: air conditioning}
"""
# The study's layout; the chapter-27 row is out of every total, so out of the comparison.
PUBLISHED = """relevance,confidence,primary_category,specific_use,reasoning,hs10_code,description
High,0.9,Compute_Hardware,servers,x,8471500150,processing units
High,0.9,Compute_Hardware,laptops,x,8471300100,portable computers
High,0.9,Cooling_HVAC,switches,"mislabelled, on purpose",8517620090,data machines
Low,0.9,Not_DC_Related,,x,8517130000,smartphones
Low,0.9,Not_DC_Related,,x,8415820000,air conditioners
High,0.8,Specialty_Materials,copper,x,7403110000,copper cathodes
High,0.8,Compute_Hardware,fuel,x,2709000000,crude oil
"""
# Imports over the complete year, USD. 8415100000 is in the warehouse only.
VALUES = {
    "8471500150": 100.0,
    "8471300100": 50.0,
    "8517620090": 30.0,
    "7403110000": 20.0,
    "8415820000": 70.0,
    "8415100000": 5.0,
    "8517130000": 1000.0,
}


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    published = tmp_path / "published.csv"
    published.write_text(PUBLISHED, encoding="utf-8")
    return rules, published


def _agreement(files, values=VALUES) -> compare.Agreement:
    rules, published = files
    tax = load_taxonomy(rules, [27])
    pub = load_published(published, tax.categories)
    return compare.agreement(tax, pub, values, file="published.csv", year="2024")


def test_the_four_measures(files):
    a = _agreement(files)
    # Codes: the file's 6 outside chapter 27, plus 8415100000 from the warehouse.
    assert a.codes == 7
    # File High: 8471500150, 8471300100, 8517620090, 7403110000.
    # Ours High: 8471500150, 8517620090, 8415820000, 8415100000. Both: the first two.
    assert (a.file_high, a.ours_high, a.both_high) == (4, 4, 2)
    assert a.recall == pytest.approx(2 / 4)
    assert a.precision == pytest.approx(2 / 4)
    # Value both call AI: 100 + 30; value the file calls AI: 100 + 50 + 30 + 20 = 200.
    assert a.value_share == pytest.approx(130 / 200)
    # 8517620090: networking for us, cooling for the file.
    assert a.category_agreement == pytest.approx(1 / 2)


def test_disagreements_largest_first_with_the_rule_that_decided(files):
    a = _agreement(files)
    found = [(d.hs10, d.value, d.kind, d.ours.rule.prefix if d.ours.rule else None)
             for d in a.disagreements]  # fmt: skip
    assert found == [
        ("8415820000", 70.0, "rules only", "8415"),
        ("8471300100", 50.0, "file only", "847130"),
        ("8517620090", 30.0, "category", "851762"),
        ("7403110000", 20.0, "file only", None),
        ("8415100000", 5.0, "rules only", "8415"),
    ]
    assert a.disagreements[3].theirs.category == "other_ai"  # a label we do not have


def test_without_a_warehouse_value_share_is_not_computed(files):
    a = _agreement(files, values=None)
    assert a.codes == 6 and a.value_share is None
    assert (a.file_high, a.ours_high, a.both_high) == (4, 3, 2)
    text = "\n".join(compare.lines(a, load_taxonomy(files[0])))
    assert "value share:        n/a" in text


def test_the_published_file_the_config_names_is_not_ours(files, tmp_path):
    """Our side is the rules alone, even when the config takes the file as precedence."""
    rules, published = files
    tax = load_taxonomy(rules, [27], classification_csv=published)
    a = compare.agreement(tax, load_published(published, tax.categories), VALUES)
    assert a.recall == pytest.approx(0.5)


def _warehouse(root: Path) -> None:
    """2024 complete and 2025 to March: the comparison reads 2024 alone. Each code's
    2024 value is VALUES spread over twelve months; 2025 adds noise that must not count."""
    rows = []
    for m in range(1, 13):
        for code, v in VALUES.items():
            rows.append((f"2024-{m:02d}", code, "5830", v / 12, v / 12, 0.0, 0.0, 1.0, "NO"))
    for m in range(1, 4):
        rows.append((f"2025-{m:02d}", "8471300100", "5830", 1e6, 1e6, 0.0, 0.0, 1.0, "NO"))
    columns = ["period", "hs10", "country_code", "value_con", "value_gen"]
    columns += ["value_dutiable", "duty", "qty1", "unit1"]
    imports = pd.DataFrame(rows, columns=columns)
    exports = pd.DataFrame(
        [(p, "8471500150", "5830", 1.0, 1.0, "NO") for p in sorted(set(imports["period"]))],
        columns=["period", "hs10", "country_code", "value", "qty1", "unit1"],
    )
    countries = pd.DataFrame({"country_code": ["5830"], "name": ["Taiwan"]})
    commodities = pd.DataFrame({"hs10": list(VALUES), "description": ["x"] * len(VALUES)})
    Warehouse(root).commit(TradeData(imports, exports, countries, commodities, "sample", True))


def test_the_command_reads_the_latest_complete_year(files, tmp_path, capsys):
    rules, published = files
    _warehouse(tmp_path / "output" / "warehouse")
    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        f"output:\n  dir: {tmp_path / 'output'}\n"
        f"taxonomy:\n  rules: {rules}\n  exclude_chapters: [27]\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(["--config", str(cfg), "taxonomy", "compare", str(published)], capsys)
    assert code == 0, err
    assert "recall:             50.0%  (2 of 4 codes the file calls High)" in out
    assert "precision:          50.0%  (2 of 4 codes we call High)" in out
    assert "value share:        65.0%  (imports 2024:" in out
    assert "category agreement: 50.0%  (1 of 2 codes both call High)" in out
    lines = out.splitlines()
    first = lines.index("Largest disagreements by imports 2024:") + 1
    assert lines[first].lstrip().startswith("8415820000")
    assert "rules only" in lines[first] and "rule 8415 (" in lines[first]
    assert "file not listed" not in lines[first]
    assert "file low/Not_DC_Related" in lines[first]


def test_the_command_without_a_warehouse(files, tmp_path, capsys):
    rules, published = files
    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        f"output:\n  dir: {tmp_path / 'output'}\ntaxonomy:\n  rules: {rules}\n",
        encoding="utf-8",
    )
    code, out, _ = run_cli(
        ["taxonomy", "compare", str(published), "--config", str(cfg), "--top", "2"], capsys
    )
    assert code == 0
    assert "no complete year in the warehouse" in out
    assert len(out.splitlines()) == 5 + 1 + 2
