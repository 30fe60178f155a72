"""The reference study's classification, exactly as distributed (#16 item 1): its seven
columns, its nine labels, a BOM, CRLF line ends and quoted prose with commas and line
breaks. Every High code comes out AI-related with a category; any label is fine below
High; a label outside ours goes where `taxonomy.category_map` says, else to a visible
"Other AI-related" category that metrics and the brief show like the others."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from generator import config
from generator.analysis.metrics import DataInfo, MetricsInput, MetricsOptions, compute
from generator.brief import narrative
from generator.brief.render import plain_text, render_html
from generator.classify import explain
from generator.classify.taxonomy import for_settings, load_taxonomy
from generator.data import schema
from generator.errors import UserError
from tests.conftest import REPO, run_cli

RULES = REPO / "taxonomy" / "ai_products.yaml"

# Written by hand in the study's layout; `_write` adds the BOM and CRLF line ends.
STUDY = """relevance,confidence,primary_category,specific_use,reasoning,hs10_code,description
High,0.95,Compute_Hardware,AI servers,"Assembled servers, the compute of AI data centres.
Bought in bulk by hyperscalers, not by households.",8471500150,"Processing units, other"
High,0.9,Electrical_Power,Backup power,"UPS units, switchgear",8504400000,Static converters
High,0.9,Networking_Telecom,Switching,Links servers,8517620010,Switching and routing
High,0.85,Cooling_HVAC,Chillers,"Liquid, air cooling",8415820000,Air conditioning machines
High,0.8,Building_Structure,Prefabricated halls,Modular halls,9406900000,Prefab buildings
High,0.8,Specialty_Materials,Copper for busbars,"Wiring, busbars",7403110000,Copper cathodes
High,0.8,Fire_Safety_Security,Fire suppression,Server-room suppression,8424100000,Fire extinguishers
High,0.7,Maintenance_Operations,Spare parts,"Service, spare parts and tools",8205590000,Hand tools
Medium,0.6,Compute_Hardware,Laptops,Mostly end users,8471300100,Portable computers
Low,0.9,Not_DC_Related,,"Live animals; no data-centre use, whatsoever",0102291000,Cattle
Low,0.9,Not_DC_Related,,Consumer phones,8517130000,Smartphones
"""
HIGH = {
    "8471500150": "compute_hardware",
    "8504400000": "electrical_power",
    "8517620010": "networking_telecom",
    "8415820000": "cooling_hvac",
    "9406900000": "building_structure",
    "7403110000": "specialty_materials",
    "8424100000": "fire_safety_security",
    "8205590000": "other_ai",
}


def _write(path: Path, text: str = STUDY) -> Path:
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    return path


@pytest.fixture
def study(tmp_path: Path) -> Path:
    return _write(tmp_path / "study.csv")


def test_the_study_loads_as_published(study):
    t = load_taxonomy(RULES, [27, 71, 98, 99], classification_csv=study)
    assert len(t.published) == 11
    for code, key in HIGH.items():
        c = t.classify(code)
        assert (c.source, c.tier, c.category, c.ai_related) == ("published", "high", key, True)
        assert t.label(c.category)
    assert t.label("other_ai") == "Other AI-related"
    assert list(t.categories)[-1] == "other_ai"
    assert t.classify("0102291000").tier == "low"
    assert not t.classify("8517130000").ai_related
    assert t.classify("8471300100").tier == "medium"


def test_multi_line_prose_keeps_line_numbers_and_specific_use(study):
    t = load_taxonomy(RULES, classification_csv=study)
    server = t.published["8471500150"]
    assert (server.line, server.label, server.use) == (2, "Compute_Hardware", "AI servers")
    assert t.published["8504400000"].line == 4  # the reasoning above spans lines 2–3
    assert t.published["8517130000"].line == 13


def test_a_code_twice_below_high_may_carry_other_labels(tmp_path):
    body = STUDY.splitlines()[0] + "\n"
    body += "Low,0.9,Not_DC_Related,,x,0102291000,Cattle\n"
    body += "Low,0.8,Compute_Hardware,,y,0102291000,Cattle\n"
    body += "High,0.8,Compute_Hardware,,y,8471500150,servers\n"
    body += "High,0.8,Electrical_Power,,y,8471500150,servers\n"
    with pytest.raises(UserError, match="already classified differently at line 4") as err:
        load_taxonomy(RULES, classification_csv=_write(tmp_path / "twice.csv", body))
    assert "twice.csv:5:" in str(err.value)  # the Low pair above it passed


def test_the_category_map_sends_a_label_where_the_editor_says(tmp_path, study):
    cfg = _config(
        tmp_path,
        f"  classification_csv: {study}\n"
        "  category_map:\n    Maintenance_Operations: building_structure\n",
    )
    t = for_settings(config.load(cfg))
    assert t.classify("8205590000").category == "building_structure"
    assert "other_ai" not in t.categories  # nothing went there


def test_a_map_to_an_unknown_key_names_the_config_line(tmp_path, study):
    cfg = _config(
        tmp_path,
        f"  classification_csv: {study}\n  category_map:\n    Maintenance_Operations: robots\n",
    )
    with pytest.raises(UserError, match="unknown category 'robots'") as err:
        for_settings(config.load(cfg))
    assert f"{cfg}:" in str(err.value)


def test_a_category_key_must_look_like_one(tmp_path):
    cfg = _config(tmp_path, "  category_map:\n    Maintenance: Building Structure\n")
    with pytest.raises(UserError, match="category_map"):
        config.load(cfg)


def _config(folder: Path, taxonomy: str) -> Path:
    """A config with the repository's rules and templates, plus `taxonomy` lines."""
    path = folder / "config.yaml"
    path.write_text(
        f"output:\n  dir: {folder / 'output'}\n"
        f"taxonomy:\n  rules: {RULES}\n  exemptions: {REPO / 'taxonomy' / 'exemptions'}\n"
        + taxonomy
        + f"templates:\n  dir: {REPO / 'templates'}\n",
        encoding="utf-8",
    )
    return path


def test_classify_shows_the_published_row(study):
    t = load_taxonomy(RULES, classification_csv=study)
    text = "\n".join(explain.explain(t, t.classify("8471500150"), []))
    assert "published row: relevance high  label: Compute_Hardware (→ Compute hardware)" in text
    assert "specific use: AI servers" in text
    other = "\n".join(explain.explain(t, t.classify("8205590000"), []))
    assert "label: Maintenance_Operations (→ Other AI-related)" in other
    assert "category: Other AI-related" in other


def test_classify_command_shows_the_published_row(tmp_path, study, capsys):
    cfg = _config(tmp_path, f"  classification_csv: {study}\n")
    code, out, _ = run_cli(["--config", str(cfg), "classify", "8424.10.0000"], capsys)
    assert code == 0
    assert "published row: relevance high  label: Fire_Safety_Security" in out
    assert "specific use: Fire suppression" in out


# ---- an extra category flows through metrics and the brief ---------------------------------


def _metrics_doc(study: Path) -> dict:
    """Three years of two AI codes (one of them Other AI-related) and one other good."""
    t = load_taxonomy(RULES, [27, 71, 98, 99], classification_csv=study)
    rows, erows = [], []
    for year in (2023, 2024, 2025):
        for m in range(1, 13):
            period = f"{year}-{m:02d}"
            for code, v in (("8471500150", 3e9), ("8205590000", 1e9), ("0102291000", 12e9)):
                rows.append((period, code, "2010", v, v, v, v * 0.02, 1.0, "NO"))
            erows.append((period, "0102291000", "2010", 5e9, 1.0, "NO"))
    imports = pd.DataFrame(rows, columns=list(schema.IMPORT_COLUMNS))
    exports = pd.DataFrame(erows, columns=list(schema.EXPORT_COLUMNS))
    inp = MetricsInput(
        imports=imports,
        exports=exports,
        classification=t.classify_frame(set(imports["hs10"]) | set(exports["hs10"])),
        categories=t.categories,
        countries=pd.DataFrame({"country_code": ["2010"], "name": ["Mexico"]}),
        info=DataInfo("sample", True, "2026-01-01T00:00:00Z"),
    )
    return compute(inp, "2025-12", MetricsOptions()).doc


def test_other_ai_is_a_category_like_the_others(study):
    doc = _metrics_doc(study)
    schema_doc = json.loads((REPO / "generator" / "schemas" / "metrics.schema.json").read_text())
    jsonschema.validate(json.loads(json.dumps(doc)), schema_doc)
    other = next(c for c in doc["categories"] if c["key"] == "other_ai")
    assert other["label"] == "Other AI-related"
    # 1e9 a month of 4e9 AI-related: a quarter; 12e9 a year.
    assert other["imports"]["share_of_ai"]["ytd"] == pytest.approx(0.25)
    assert other["imports"]["ytd"] == pytest.approx(12e9)
    assert doc["imports"]["ai_share"]["annual"]["2025"] == pytest.approx(4 / 16)
    # The brief names no category but compute hardware; it renders as before.
    n = narrative.write(doc, REPO / "templates" / "narrative")
    page, _ = render_html(doc, n, [], REPO / "templates")
    assert "Illustrative" in plain_text(page)
