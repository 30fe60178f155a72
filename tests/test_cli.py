"""The command line as operators use it: one-line errors, exit codes, idempotent refresh,
classification with reasons, and the calibrated sample end to end."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

import pytest

from generator.cli import main
from tests.conftest import REPO, run_cli, write_config

run = run_cli


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    """A sample warehouse made once through the CLI."""
    folder = tmp_path_factory.mktemp("cli")
    cfg = write_config(folder)
    main(["--config", str(cfg), "refresh"])
    return folder, cfg


def snapshot(root):
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_sample_acceptance_figures(refreshed, capsys):
    folder, cfg = refreshed
    out = folder / "m.json"
    code, _, err = run(
        ["--config", str(cfg), "metrics", "--month", "2025-12", "--out", str(out)], capsys
    )
    assert code == 0, err
    doc = json.loads(out.read_text())
    assert doc["data"] == {**doc["data"], "source": "sample", "sample": True}
    assert doc["imports"]["ai_share"]["annual"]["2025"] == pytest.approx(0.23, abs=0.01)
    assert doc["imports"]["ai"]["since_base"]["annual"]["2025"] == pytest.approx(0.73, abs=0.03)
    net = doc["counterfactual"]["annual"]["2025"]["net_effect"]
    assert net == pytest.approx(194e9, abs=10e9)


def test_metrics_default_path_is_the_edition_folder(refreshed, capsys):
    folder, cfg = refreshed
    code, _, err = run(["--config", str(cfg), "metrics"], capsys)
    assert code == 0, err
    # The latest month of the sample: September 2026.
    assert (folder / "output" / "editions" / "2026-09" / "metrics.json").exists()


def test_a_month_outside_the_data_names_the_months_available(refreshed, capsys):
    _, cfg = refreshed
    code, out, err = run(["--config", str(cfg), "metrics", "--month", "2031-01"], capsys)
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "2031-01" in lines[0] and "2023-01 … 2026-09" in lines[0]
    assert "Traceback" not in err


def test_a_malformed_month_is_one_line(refreshed, capsys):
    _, cfg = refreshed
    code, _, err = run(["--config", str(cfg), "metrics", "--month", "2025-13"], capsys)
    assert code == 2
    assert err.strip().count("\n") == 0 and "YYYY-MM" in err


def test_a_config_error_exits_2_without_traceback(tmp_path, capsys):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("metrics:\n  base_year: twenty\n")
    code, _, err = run(["--config", str(cfg), "refresh"], capsys)
    assert code == 2
    assert err.strip() == (f"aibrief: error: {cfg}:2: metrics.base_year: expected an integer")


def test_env_var_names_the_config(tmp_path, capsys, monkeypatch):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("data:\n  sorce: sample\n")
    monkeypatch.setenv("AIBRIEF_CONFIG", str(cfg))
    code, _, err = run(["refresh"], capsys)
    assert code == 2 and "data.sorce: unknown key" in err


def test_refresh_twice_rewrites_nothing(refreshed, capsys):
    folder, cfg = refreshed
    wh = folder / "output" / "warehouse"
    before = snapshot(wh)
    code, _, err = run(["--config", str(cfg), "refresh"], capsys)
    assert code == 0 and "0 month files written" in err
    assert snapshot(wh) == before


def test_classify_explains_the_deciding_rule(refreshed, capsys):
    _, cfg = refreshed
    code, out, _ = run(
        ["--config", str(cfg), "classify", "8471500150", "0102291000", "2709000000"], capsys
    )
    assert code == 0
    assert "8471500150  relevance: high  category: Compute hardware" in out
    assert "decided by: rule 847150 (" in out and "ai_products.yaml:" in out
    assert "Processing units" in out
    assert "0102291000  relevance: low\n  decided by: default — no rule matches" in out
    assert "2709000000" in out and "excluded: chapter 27" in out


def test_classify_rejects_a_bad_code(refreshed, capsys):
    _, cfg = refreshed
    code, _, err = run(["--config", str(cfg), "classify", "84715"], capsys)
    assert code == 1 and "not a 10-digit HS code" in err


def test_classify_from_file_to_csv(refreshed, tmp_path, capsys):
    _, cfg = refreshed
    codes = tmp_path / "codes.txt"
    codes.write_text("# codes to check\n8504.23.0000\n9403200050\n")
    out = tmp_path / "out.csv"
    code, _, _ = run(
        ["--config", str(cfg), "classify", "--from-file", str(codes), "--export", str(out)], capsys
    )
    assert code == 0
    rows = list(csv.DictReader(out.open()))
    assert [r["hs10"] for r in rows] == ["8504230000", "9403200050"]
    assert rows[0]["relevance"] == "high" and rows[0]["category"] == "electrical_power"
    assert rows[0]["rule"] == "850423"
    assert rows[1]["relevance"] == "medium"
    assert list(rows[0])[:4] == ["hs10", "relevance", "category", "rule"]
    assert rows[0]["source"] == "rules"


def test_classify_says_a_published_classification_decided(refreshed, tmp_path, capsys):
    _, cfg = refreshed
    pub = tmp_path / "published.csv"
    pub.write_text("hs10_code,relevance,primary_category\n8471500150,Medium,Compute Hardware\n")
    cfg2 = tmp_path / "c.yaml"
    cfg2.write_text(
        cfg.read_text().replace("taxonomy:\n", f"taxonomy:\n  classification_csv: {pub}\n")
    )
    code, out, err = run(["--config", str(cfg2), "classify", "8471500150", "8471800100"], capsys)
    assert code == 0, err
    assert "8471500150  relevance: medium" in out
    assert f"decided by: published classification ({pub}:2)" in out
    assert "our rule would say: high / Compute hardware" in out
    assert "8471800100  relevance: high" in out and "decided by: rule 847180" in out


def test_classify_export_alone_covers_the_warehouse(refreshed, tmp_path, capsys):
    _, cfg = refreshed
    out = tmp_path / "all.csv"
    code, _, _ = run(["--config", str(cfg), "classify", "--export", str(out)], capsys)
    assert code == 0
    rows = list(csv.DictReader(out.open()))
    assert len(rows) > 400
    assert any(r["hs10"].startswith("0") for r in rows), "leading zeros kept"
    assert {r["relevance"] for r in rows} == {"high", "medium", "low"}


def test_editing_a_rule_changes_the_figures(refreshed, tmp_path, capsys):
    """The figures come from the rules: demote processing units and the AI share drops."""
    folder, _ = refreshed
    rules = (REPO / "taxonomy" / "ai_products.yaml").read_text()
    edited = rules.replace(
        '{prefix: "847150", tier: high, category: compute_hardware,',
        '{prefix: "847150", tier: low,',
    )
    assert edited != rules
    rule_file = tmp_path / "rules.yaml"
    rule_file.write_text(edited)
    cfg = write_config(tmp_path)
    text = cfg.read_text().replace(str(REPO / "taxonomy" / "ai_products.yaml"), str(rule_file))
    text = text.replace(str(tmp_path / "output"), str(folder / "output"))
    cfg.write_text(text)
    out = tmp_path / "m.json"
    code, _, err = run(
        ["--config", str(cfg), "metrics", "--month", "2025-12", "--out", str(out)], capsys
    )
    assert code == 0, err
    share = json.loads(out.read_text())["imports"]["ai_share"]["annual"]["2025"]
    assert share < 0.21


def test_a_bad_rule_file_names_file_and_line(refreshed, tmp_path, capsys):
    _, cfg = refreshed
    rules = (REPO / "taxonomy" / "ai_products.yaml").read_text()
    bad = tmp_path / "rules.yaml"
    bad.write_text(rules.replace("category: cooling_hvac,", "category: cooling,", 1))
    line = next(
        i for i, ln in enumerate(bad.read_text().splitlines(), 1) if "category: cooling," in ln
    )
    text = cfg.read_text().replace(str(REPO / "taxonomy" / "ai_products.yaml"), str(bad))
    cfg2 = tmp_path / "c.yaml"
    cfg2.write_text(text)
    code, _, err = run(["--config", str(cfg2), "classify", "8471500150"], capsys)
    assert code == 1
    # file:line: key path: message (#14: editor files report as config.yaml does)
    assert re.search(
        rf"{re.escape(str(bad))}:{line}: rules\.\d+\.category: unknown category 'cooling'", err
    )


def test_python_dash_m_works():
    out = subprocess.run(
        [sys.executable, "-m", "generator", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("run", "refresh", "metrics", "render", "classify"):
        assert command in out.stdout


def test_metrics_will_not_desync_a_rendered_edition(tmp_path, capsys):
    cfg = write_config(tmp_path)
    code, _, err = run(["--config", str(cfg), "run"], capsys)
    assert code == 0 and "edition 2026-09 built and published" in err
    # the edition it just built is not reported again as "0 built, 1 up to date"
    assert "up to date" not in err and "0 built" not in err
    edition = tmp_path / "output" / "editions" / "2026-09"  # the latest month
    before = (edition / "metrics.json").read_bytes()
    # Same metrics: fine. Different definitions: refused, edition untouched.
    assert run(["--config", str(cfg), "metrics"], capsys)[0] == 0
    cfg.write_text(cfg.read_text() + "metrics:\n  base_year: 2024\n")
    code, _, err = run(["--config", str(cfg), "metrics"], capsys)
    assert code == 1 and "aibrief render" in err and "--out" in err
    assert (edition / "metrics.json").read_bytes() == before


def test_render_html_only_says_what_it_wrote(tmp_path, capsys):
    cfg = write_config(tmp_path)
    assert run(["--config", str(cfg), "refresh"], capsys)[0] == 0
    code, _, err = run(["--config", str(cfg), "render", "--format", "html"], capsys)
    assert code == 0, err
    assert "brief.html, metrics.json" in err and "brief.pdf" not in err
    assert not (tmp_path / "output" / "editions" / "2026-09" / "brief.pdf").exists()
