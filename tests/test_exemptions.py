"""Exemption lists: files with legal sources and dates, time-aware coverage metrics."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from generator.analysis.metrics import MetricsInput, MetricsOptions, compute
from generator.classify.exemptions import load_list, load_lists
from generator.data import schema
from generator.errors import UserError
from tests.conftest import REPO

GOOD = """key: test_list
name: A test list
source: Executive Order 0000 (illustrative)
effective: 2024-03-15
codes:
  - "8471"
  - "85176200"
"""


def write(folder: Path, text: str, name: str = "list.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def test_a_list_loads_with_dates_and_prefixes(tmp_path):
    lst = load_list(write(tmp_path, GOOD))
    assert lst.effective == date(2024, 3, 15) and lst.end is None
    assert lst.covers("8471500150") and lst.prefix_for("8517620090") == "85176200"
    assert not lst.covers("8517130000")
    # March 15–31 is 17 of 31 days: at least half, so March counts.
    assert not lst.in_force("2024-02") and lst.in_force("2024-03") and lst.in_force("2030-01")
    assert lst.code_line("85176200") == 7
    # Not given: announced on the day it took effect, its end (none) not known.
    assert lst.announced == date(2024, 3, 15) and lst.end_announced is None


def test_an_end_date_closes_the_list(tmp_path):
    # June 1–15 is 15 of 30 days: half, so June counts; July does not.
    lst = load_list(write(tmp_path, GOOD + "end: 2024-06-15\n"))
    assert lst.in_force("2024-06") and not lst.in_force("2024-07")
    assert lst.end_announced == date(2024, 6, 15)  # not foreseen: known when it happened
    # June 1–14 is 14 of 30: under half, so June does not count.
    assert not load_list(write(tmp_path, GOOD + "end: 2024-06-14\n")).in_force("2024-06")


def test_announced_dates_load(tmp_path):
    lst = load_list(
        write(
            tmp_path, GOOD + "announced: 2024-03-20\nend: 2024-09-30\nend_announced: 2024-04-01\n"
        )
    )
    assert lst.announced == date(2024, 3, 20)  # made public after it took effect
    assert lst.end_announced == date(2024, 4, 1)


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (('- "8471"', '- "84x1"'), 6, "not an HTS code of 4, 6, 8 or 10 digits"),
        (('- "8471"', '- "84715"'), 6, "not an HTS code of 4, 6, 8 or 10 digits"),
        (('- "8471"', "- 8471"), 6, "must be quoted text"),
        (("effective: 2024-03-15", "effective: 2024-13-01"), 4, "expected a date"),
        (("key: test_list", "key: Test List"), 1, "key: lower-case"),
        (("name: A test list\n", "name: A test list\ncolour: red\n"), 3, "unknown key 'colour'"),
        (('  - "85176200"\n', '  - "85176200"\n  - "8471"\n'), 8, "listed twice"),
        (("codes:", "announced: 2024-02-30\ncodes:"), 5, "announced: expected a date"),
        (("codes:", "end: 2024-09-30\nend_announced: soon\ncodes:"), 6, "expected a date"),
        (("codes:", "end_announced: 2024-03-01\ncodes:"), 5, "given without an end date"),
        (
            ("codes:", "end: 2024-09-30\nend_announced: 2024-03-01\ncodes:"),
            6,
            "end_announced: before the list was announced",
        ),
    ],
)
def test_a_malformed_list_names_file_and_line(tmp_path, change, line, message):
    p = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(UserError) as err:
        load_list(p)
    assert f"{p}:{line}:" in str(err.value) and message in str(err.value)


def test_missing_fields_and_clashing_keys(tmp_path):
    p = write(tmp_path / "a", GOOD.replace("source: Executive Order 0000 (illustrative)\n", ""))
    with pytest.raises(UserError, match=r"list.yaml:1: source: missing"):
        load_list(p)
    write(tmp_path / "b", GOOD, "one.yaml")
    write(tmp_path / "b", GOOD, "two.yaml")
    with pytest.raises(UserError, match="already used by"):
        load_lists(tmp_path / "b")


def test_the_cli_stops_on_a_bad_list_with_file_and_line(tmp_path, capsys):
    from generator.cli import main
    from tests.conftest import write_config

    bad = write(tmp_path / "ex", GOOD.replace('- "8471"', '- "84x1"'))
    cfg = write_config(tmp_path)
    cfg.write_text(cfg.read_text().replace(str(REPO / "taxonomy" / "exemptions"), str(bad.parent)))
    with pytest.raises(SystemExit) as exc:
        main(["--config", str(cfg), "classify", "8471500150"])
    assert exc.value.code != 0
    assert f"{bad}:6:" in capsys.readouterr().err


def test_the_shipped_lists_load():
    """The three lists as the legal texts give them (shared/data/exemption-lists), with the
    dates of TARIFF-TIMELINE: full lists, not only the codes in our categories."""
    lists = {x.key: x for x in load_lists(REPO / "taxonomy" / "exemptions")}
    assert list(lists) == ["reciprocal_annex_ii", "reciprocal_electronics", "section122_annex_ii"]
    assert all(lst.source and lst.codes for lst in lists.values())
    annex, electronics, s122 = lists.values()
    assert [len(x.codes) for x in (annex, electronics, s122)] == [720, 109, 1098]
    for eo in (annex, electronics):
        assert (eo.effective, eo.end) == (date(2025, 4, 5), date(2026, 2, 23))
        assert eo.end_announced == date(2026, 2, 20)  # the Supreme Court ruling
    assert annex.announced == date(2025, 4, 2) and electronics.announced == date(2025, 4, 11)
    assert (s122.effective, s122.end) == (date(2026, 2, 24), date(2026, 7, 24))
    assert s122.announced == s122.end_announced == date(2026, 2, 20)  # the 150-day limit
    assert "Annex II" in annex.source and "Section 122" in s122.source
    assert "USMCA-qualifying goods of Canada and Mexico" in s122.beyond_codes
    assert electronics.covers("8471500150") and electronics.covers("8542310001")
    assert annex.prefix_for("7408116000") == "7408116000"  # copper wire, listed at 10 digits
    assert annex.covers("8112926000")  # germanium
    assert annex.covers("2709002000")  # crude oil: the full annex, not only our categories
    assert not annex.covers("8542310001")  # chips came with the electronics memorandum
    assert not annex.covers("8544602000") and not s122.covers("8544602000")  # insulated cable
    assert s122.prefix_for("8471500150") == "84715001"  # 8 digits, matched by prefix
    assert s122.covers("8505110070") and not s122.covers("8505110030")  # the one 10-digit code
    assert not s122.covers("7408116000")  # copper wire left the lists on February 24, 2026
    assert s122.code_line("84715001") is not None


# ---- time-aware coverage, worked by hand --------------------------------------------------------

AI_LISTED = "8471500150"  # on the test list from 2024-03-15
AI_OTHER = "8504230000"  # AI-related, on no list
LOW = "0102291000"


def frames():
    """2023–2024, every month: listed AI code 30 (duty 0 once exempt, 3 before),
    other AI code 10 (duty 1), low 60 (duty 3). Exports: low 50."""
    rows, erows = [], []
    for y in (2023, 2024):
        for m in range(1, 13):
            p = f"{y}-{m:02d}"
            listed_duty = 0.0 if p >= "2024-03" else 3.0
            rows += [
                (p, AI_LISTED, "5830", 30.0, 30.0, 30.0, listed_duty, 1.0, "NO"),
                (p, AI_OTHER, "2010", 10.0, 10.0, 10.0, 1.0, 1.0, "NO"),
                (p, LOW, "1220", 60.0, 60.0, 60.0, 3.0, 1.0, "NO"),
            ]
            erows.append((p, LOW, "1220", 50.0, 1.0, "NO"))
    cols = list(schema.IMPORT_COLUMNS)
    return (
        pd.DataFrame(rows, columns=cols),
        pd.DataFrame(erows, columns=list(schema.EXPORT_COLUMNS)),
    )


def exemptions_metrics(lists: list) -> dict:
    """The `exemptions` block of the 2024-12 metrics of `frames()` under these lists."""
    imports, exports = frames()
    classification = pd.DataFrame(
        [
            (AI_LISTED, "high", "compute_hardware", False),
            (AI_OTHER, "high", "electrical_power", False),
            (LOW, "low", None, False),
        ],
        columns=["hs10", "tier", "category", "excluded"],
    )
    inp = MetricsInput(
        imports=imports,
        exports=exports,
        classification=classification,
        categories={"compute_hardware": "Compute hardware", "electrical_power": "Electrical power"},
        exemptions=lists,
    )
    return compute(inp, "2024-12", MetricsOptions(base_year=2023)).doc["exemptions"]


def test_coverage_counts_a_list_only_from_its_effective_date(tmp_path):
    ex = exemptions_metrics([load_list(write(tmp_path, GOOD))])
    monthly = ex["any"]["share"]["monthly"]
    # Before 2024-03 no list counts (null, not 0); from March on the listed code (30 of 40).
    assert monthly["2024-02"] is None
    assert monthly["2024-03"] == pytest.approx(0.75)
    assert monthly["2023-06"] is None
    # A year counts the codes on lists in force in its December: 2024 → 360 / 480.
    assert ex["any"]["share"]["annual"] == {"2023": None, "2024": pytest.approx(0.75)}
    assert ex["in_force"] == ["test_list"] and ex["none_since"] is None
    assert ex["lists"][0]["key"] == "test_list"
    assert ex["lists"][0]["effective"] == "2024-03-15"
    by_cat = {c["key"]: c["share"]["annual"]["2024"] for c in ex["by_category"]}
    assert by_cat == {"compute_hardware": pytest.approx(1.0), "electrical_power": 0.0}
    # Tariffs in 2024: exempt code paid 3+3 (Jan–Feb) on 360 → 6/360; the rest 12/120.
    t = ex["tariffs"]
    assert t["exempt"]["annual"]["2024"] == pytest.approx(6 / 360, abs=1e-6)
    assert t["non_exempt"]["annual"]["2024"] == pytest.approx(12 / 120, abs=1e-6)
    assert t["exempt"]["month"] == 0.0 and t["non_exempt"]["month"] == pytest.approx(0.1)
    assert t["exempt"]["annual"]["2023"] is None  # no list in force in 2023
    assert t["gap"]["annual"]["2024"] == pytest.approx(12 / 120 - 6 / 360, abs=1e-6)


def test_the_sample_pays_duties_the_way_the_shipped_lists_say():
    """The sample's duties use their own prefix list (so editing a list changes the
    metrics, not the data); its reciprocal-tariff exemption must still agree with the
    lists as shipped that count for 2025 (the EO 14257 lists)."""
    from generator.data.sources import sample_catalog

    lists = [x for x in load_lists(REPO / "taxonomy" / "exemptions") if x.in_force("2025-12")]
    assert [x.key for x in lists] == ["reciprocal_annex_ii", "reciprocal_electronics"]
    disagree = [
        p.hs10
        for p in sample_catalog.PRODUCTS
        if p.exempt != any(lst.covers(p.hs10) for lst in lists)
    ]
    assert disagree == []


def test_a_code_on_two_lists_counts_once(tmp_path):
    """List A (from 2024-03-15) covers the listed code; list B (from 2024-07-01) covers
    both AI codes. By hand: A alone 30/40 = 0.75 in March–June; from July all 40/40."""
    a = load_list(write(tmp_path, GOOD, "a.yaml"))
    b_text = (
        "key: second\nname: Second\nsource: Notice (illustrative)\n"
        f'effective: 2024-07-01\ncodes:\n  - "{AI_LISTED[:6]}"\n  - "{AI_OTHER}"\n'
    )
    b = load_list(write(tmp_path, b_text, "b.yaml"))
    ex = exemptions_metrics([a, b])
    monthly = ex["any"]["share"]["monthly"]
    assert monthly["2024-06"] == pytest.approx(0.75)
    assert monthly["2024-07"] == pytest.approx(1.0)  # not 1.75: the listed code counts once
    assert ex["any"]["share"]["annual"]["2024"] == pytest.approx(1.0)
    lists = {x["key"]: x["share"]["annual"]["2024"] for x in ex["lists"]}
    assert lists == {"test_list": pytest.approx(0.75), "second": pytest.approx(1.0)}


def test_sample_coverage_matches_the_published_shape(sample_edition):
    _, folder = sample_edition
    ex = json.loads((folder / "metrics.json").read_text())["exemptions"]
    assert ex["any"]["share"]["annual"]["2025"] == pytest.approx(0.69, abs=0.05)
    cats = {c["key"]: c["share"]["annual"]["2025"] for c in ex["by_category"]}
    assert cats["compute_hardware"] >= 0.90
    assert cats["cooling_hvac"] < 0.05
    assert ex["tariffs"]["exempt"]["annual"]["2025"] < ex["tariffs"]["non_exempt"]["annual"]["2025"]


def test_classify_shows_the_lists_and_the_review_report(tmp_path, capsys):
    from generator.cli import main
    from tests.conftest import write_config

    cfg = write_config(tmp_path)
    main(["--config", str(cfg), "refresh"])
    main(["--config", str(cfg), "classify", "8517620090", "8504230000"])
    out = capsys.readouterr().out
    block = out.split("8504230000")[0]
    assert (
        "exemption: Electronics excluded from the reciprocal tariffs — listed as 85176200" in block
    )
    assert "in force from 2025-04-05" in block and "Executive Order 14257" in block
    assert "note: Retroactive to 12:01 a.m. EDT on April 5, 2025" in block
    assert "exemption:" not in out.split("8504230000")[1]
    main(["--config", str(cfg), "classify", "--report", "--top", "5"])
    out = capsys.readouterr().out
    assert "Dual-use rules (" in out  # the dual-use section follows the low codes
    report = out[: out.index("Dual-use rules (")].strip().splitlines()
    assert report[0].startswith("Largest codes in chapters 84, 85 and 90 classed low")
    assert len(report) == 6
    assert all(line.split()[0][:2] in ("84", "85", "90") for line in report[1:])
