"""Our rules follow the research definition (#16 item 2): the products the issue names are
high with their category, `dual_use` marks high rules whose heading also holds consumer
goods, is refused elsewhere with file:line, and `aibrief classify` shows it (one code, the
export, and `--report` with the imports each dual-use rule decides)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from generator.classify.taxonomy import load_taxonomy
from generator.cli import main
from generator.errors import UserError
from tests.conftest import REPO, run_cli, write_config

RULES = REPO / "taxonomy" / "ai_products.yaml"

HEADER = """categories:
  compute_hardware: Compute hardware
  electrical_power: Electrical power
rules:
"""


def rules_file(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "rules.yaml"
    p.write_text(HEADER + body, encoding="utf-8")
    return p


# ---- the shipped rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("8517620010", "networking_telecom"),  # switching and routing (already high)
        ("8517620020", "networking_telecom"),  # other data-transmission machines
        ("8517620090", "networking_telecom"),
        ("8523510000", "compute_hardware"),  # solid-state storage
        ("8507600020", "electrical_power"),  # lithium-ion batteries
        ("8507600010", "electrical_power"),
        ("8537109170", "electrical_power"),  # control boards, distribution ≤ 1,000 V
        ("8537101000", "electrical_power"),
        ("7403110000", "specialty_materials"),  # copper cathodes: a new rule
    ],
)
def test_the_named_products_are_high_with_their_category(code, category):
    t = load_taxonomy(RULES, [27, 71, 98, 99])  # rules only: no published classification
    c = t.classify(code)
    assert (c.tier, c.category, c.source) == ("high", category, "rules")
    assert c.ai_related


def test_shipped_dual_use_rules_are_high_and_say_what_else_the_heading_holds():
    t = load_taxonomy(RULES)
    dual = {p: r for p, r in t.rules.items() if r.dual_use}
    assert {"851762", "852351", "850760", "853710", "740311"} <= set(dual)
    assert all(r.tier == "high" and r.category for r in dual.values())
    # The reason names the other goods of the heading.
    assert "smartwatches" in dual["851762"].reason
    assert "vehicles" in dual["850760"].reason
    assert "memory cards" in dual["852351"].reason
    # Switching and routing apparatus is bought mostly for data centers: not dual use.
    assert not t.classify("8517620010").dual_use
    assert t.classify("8517620090").dual_use
    # Consumer carve-outs stay low.
    assert t.classify("8517130000").tier == "low"


# ---- the rule model ------------------------------------------------------------------------


def test_dual_use_defaults_to_false_and_travels_to_the_classification(tmp_path):
    p = rules_file(
        tmp_path,
        '  - {prefix: "8507", tier: high, category: electrical_power, reason: r,'
        " dual_use: true}\n"
        '  - {prefix: "8471", tier: high, category: compute_hardware, reason: r}\n',
    )
    t = load_taxonomy(p)
    assert t.rules["8507"].dual_use and not t.rules["8471"].dual_use
    assert t.classify("8507600020").dual_use
    assert not t.classify("8471500150").dual_use
    assert not t.classify("0101210000").dual_use  # no rule: low, not dual use
    frame = t.classify_frame(["8507600020", "8471500150"]).set_index("hs10")
    assert frame.loc["8507600020", "dual_use"] is True or frame.loc["8507600020", "dual_use"]
    assert not frame.loc["8471500150", "dual_use"]


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            '  - {prefix: "8507", tier: medium, category: electrical_power, reason: r,'
            " dual_use: true}\n",
            5,
            "dual_use is only allowed on a high-relevance rule (this one is medium)",
        ),
        (
            '  - {prefix: "8471", tier: high, category: compute_hardware, reason: r}\n'
            '  - {prefix: "847130", tier: low, reason: laptops,\n'
            "     dual_use: true}\n",
            7,  # the line of the key itself
            "(this one is low)",
        ),
        (
            '  - {prefix: "8507", tier: high, category: electrical_power, reason: r,'
            " dual_use: often}\n",
            5,
            "dual_use",
        ),
    ],
)
def test_dual_use_elsewhere_than_high_is_an_error_with_file_and_line(tmp_path, body, line, message):
    p = rules_file(tmp_path, body)
    with pytest.raises(UserError) as err:
        load_taxonomy(p)
    assert f"{p}:{line}:" in str(err.value)
    assert message in str(err.value)


def test_a_published_row_is_never_dual_use(tmp_path):
    p = rules_file(
        tmp_path,
        '  - {prefix: "8507", tier: high, category: electrical_power, reason: r, dual_use: true}\n',
    )
    pub = tmp_path / "published.csv"
    pub.write_text("hs10_code,relevance,primary_category\n8507600020,High,Electrical power\n")
    t = load_taxonomy(p, classification_csv=pub)
    c = t.classify("8507600020")
    assert (c.source, c.tier, c.dual_use) == ("published", "high", False)
    assert t.classify("8507600010").dual_use  # the rule still decides other codes


# ---- aibrief classify ----------------------------------------------------------------------

IMP_HEADER = (
    "time,I_COMMODITY,I_COMMODITY_LDESC,CTY_CODE,CTY_NAME,SUMMARY_LVL,"
    "CON_VAL_MO,GEN_VAL_MO,DUT_VAL_MO,CAL_DUT_MO,CON_QY1_MO,UNIT_QY1"
)
EXP_HEADER = "time,E_COMMODITY,E_COMMODITY_LDESC,CTY_CODE,CTY_NAME,ALL_VAL_MO,QTY_1_MO,UNIT_QY1"


def imp(month: str, code: str, value: int) -> str:
    return f"{month},{code},GOODS,5830,TAIWAN,DET,{value},{value},0,0,1,NO"


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory):
    """A warehouse of two months from hand-written files, the shipped rules."""
    folder = tmp_path_factory.mktemp("dual")
    rows = []
    for month in ("2025-01", "2025-02"):
        rows += [
            imp(month, "8507600020", 2_000_000_000),  # Li-ion, dual use (850760)
            imp(month, "8507600010", 250_000_000),  # Li-ion, dual use (850760)
            imp(month, "8517620090", 600_000_000),  # data machines, dual use (851762)
            imp(month, "8517620010", 4_000_000_000),  # switches: high, not dual use
            imp(month, "9403200050", 300_000_000),  # metal furniture: medium
        ]
    (folder / "imports.csv").write_text("\n".join([IMP_HEADER, *rows]) + "\n")
    exports = [
        f"{m},8471500150,PROCESSING UNITS,5830,TAIWAN,100,1,NO" for m in ("2025-01", "2025-02")
    ]
    (folder / "exports.csv").write_text("\n".join([EXP_HEADER, *exports]) + "\n")
    cfg = write_config(
        folder,
        "data:\n  source: files\n  start: 2025-01\n  files:\n"
        f"    imports: {folder / 'imports.csv'}\n    exports: {folder / 'exports.csv'}\n",
    )
    main(["--config", str(cfg), "refresh"])
    return cfg


def test_classify_code_says_dual_use_and_the_export_has_the_column(
    small_warehouse, tmp_path, capsys
):
    code, out, err = run_cli(
        ["--config", str(small_warehouse), "classify", "8507600020", "8517620010"], capsys
    )
    assert code == 0, err
    li_ion, switches = out.split("8517620010  relevance")
    assert "8507600020  relevance: high  category: Electrical power" in li_ion
    assert "dual use: yes" in li_ion and "core lens" in li_ion
    assert "decided by: rule 850760" in li_ion and "electric vehicles" in li_ion
    assert "dual use" not in switches
    export = tmp_path / "out.csv"
    code, _, err = run_cli(
        [
            "--config",
            str(small_warehouse),
            "classify",
            "8507600020",
            "8517620010",
            "--export",
            str(export),
        ],
        capsys,
    )
    assert code == 0, err
    rows = {r["hs10"]: r for r in csv.DictReader(export.open())}
    assert rows["8507600020"]["dual_use"] == "yes"
    assert rows["8517620010"]["dual_use"] == "no"


def test_classify_report_lists_the_dual_use_rules_with_their_imports(small_warehouse, capsys):
    code, out, err = run_cli(["--config", str(small_warehouse), "classify", "--report"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    head = next(i for i, ln in enumerate(lines) if ln.startswith("Dual-use rules ("))
    assert "imports 2025-01 … 2025-02" in lines[head]
    rows = lines[head + 1 :]
    t = load_taxonomy(RULES)
    assert len(rows) == sum(r.dual_use for r in t.rules.values())
    # Largest first: Li-ion 2 × (2.0 + 0.25) = $4.5B, data machines 2 × 0.6 = $1.2B,
    # then every other dual-use rule at $0.
    assert rows[0].split()[:2] == ["850760", "$4.5B"]
    assert rows[1].split()[:2] == ["851762", "$1.2B"]
    assert all(r.split()[1] == "$0" for r in rows[2:]), rows[2:4]
    assert "Electrical power: Lithium-ion batteries" in rows[0]
    assert f"({RULES}:" in rows[0]
    # Switching apparatus ($8B) is high but not dual use: not listed.
    assert not any(r.split()[0] == "8517620010" for r in rows)


def test_classify_report_without_data_lists_the_rules_without_values(tmp_path, capsys):
    cfg = write_config(tmp_path)
    code, out, err = run_cli(["--config", str(cfg), "classify", "--report"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Dual-use rules (") and "no imports in the warehouse" in lines[0]
    rows = [ln for ln in lines[1:] if ln.startswith("  ")]
    assert any(r.split()[:2] == ["850760", "—"] for r in rows)
    assert "aibrief refresh" in lines[-1]
