"""Editor files as models (#14 item 5): taxonomy rules, exemption lists, notes' front
matter, words.yaml, charts.yaml and site.yaml are validated by pydantic models through
the path config.yaml uses (yamlio.validate). Every error of a file is reported at once,
one line each, `file:line: key.path: message`; `aibrief check` and the CLI print each
on its own line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator import config, yamlio
from generator.brief import narrative, notes
from generator.brief.charts.texts import read_texts
from generator.classify.exemptions import load_list
from generator.classify.taxonomy import load_taxonomy
from generator.errors import ConfigError, UserError
from generator.outlets.site import spec as site_spec
from tests.conftest import REPO, write_config


def lines_of(err: UserError) -> list[str]:
    """The error's lines; str() and .lines agree, one problem per line."""
    assert str(err).split("\n") == err.lines
    return err.lines


def assert_reports(err: UserError, path: Path, expected: list[tuple[int, str, str]]) -> None:
    """Exactly these problems, in file order: (line, key path, words in the message)."""
    lines = lines_of(err)
    assert len(lines) == len(expected), lines
    for line, (number, key, words) in zip(lines, expected, strict=True):
        assert line.startswith(f"{path}:{number}: {key}: "), line
        assert words in line, line
    assert err.where == f"{path}:{expected[0][0]}"  # the first is also where/message


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---- taxonomy rules --------------------------------------------------------------------


RULES = """categories:
  compute_hardware: Compute hardware
rules:
  - prefix: "8471"
    tier: high
    category: compute_hardware
    reason: computers
"""


def test_taxonomy_rules_report_every_error(tmp_path):
    p = write(
        tmp_path / "rules.yaml",
        RULES
        + """  - prefix: "84x1"
    tier: top
    reason: r
  - prefix: 8542
    tier: high
    reason: chips
    colour: red
  - {prefix: "8471", tier: low, category: robots, reason: dup}
""",
    )
    with pytest.raises(UserError) as err:
        load_taxonomy(p)
    assert_reports(
        err.value,
        p,
        [
            (8, "rules.1.prefix", "is not an HS code of 2 to 10 digits"),
            (9, "rules.1.tier", "expected one of 'high', 'medium' or 'low', got 'top'"),
            (11, "rules.2.prefix", "must be quoted text"),
            (14, "rules.2.colour", "unknown key 'colour' (known: prefix, tier, category"),
        ],
    )
    # Checks across rules run once every rule is well formed, and report all at once.
    p = write(
        tmp_path / "rules2.yaml",
        RULES
        + """  - {prefix: "8542", tier: high, reason: chips}
  - {prefix: "8471", tier: low, category: robots, reason: dup}
""",
    )
    with pytest.raises(UserError) as err:
        load_taxonomy(p)
    assert_reports(
        err.value,
        p,
        [
            (8, "rules.1", "a high-relevance rule needs a category"),
            (9, "rules.2.category", "unknown category 'robots' (known: compute_hardware)"),
            (9, "rules.2.prefix", "prefix 8471 already has a rule at line 4"),
        ],
    )


def test_valid_taxonomy_rules_load(tmp_path):
    t = load_taxonomy(write(tmp_path / "rules.yaml", RULES))
    rule = t.rules["8471"]
    assert (rule.tier, rule.category, rule.reason, rule.line) == (
        "high",
        "compute_hardware",
        "computers",
        4,
    )
    assert len(load_taxonomy(REPO / "taxonomy" / "ai_products.yaml").rules) > 10


# ---- exemption lists -------------------------------------------------------------------


EXEMPTIONS = """key: test_list
name: A test list
source: Executive Order 0000 (illustrative)
effective: 2024-03-15
codes:
  - "8471"
  - "85176200"
"""


def test_an_exemption_list_reports_every_error(tmp_path):
    p = write(
        tmp_path / "list.yaml",
        EXEMPTIONS.replace("key: test_list", "key: Test List")
        .replace("2024-03-15", "2024-13-01")
        .replace('  - "8471"\n', '  - "8471"\n  - 85423\n')
        + "colour: red\n",
    )
    with pytest.raises(UserError) as err:
        load_list(p)
    assert_reports(
        err.value,
        p,
        [
            (1, "key", "lower-case letters, digits and _ only"),
            (4, "effective", "expected a date YYYY-MM-DD, got '2024-13-01'"),
            (7, "codes.1", "code 85423 must be quoted text"),
            (9, "colour", "unknown key 'colour'"),
        ],
    )
    p = write(
        tmp_path / "list2.yaml",
        EXEMPTIONS + '  - "8471"\nend: 2024-01-01\n',
    )
    with pytest.raises(UserError) as err:
        load_list(p)
    assert_reports(
        err.value, p, [(8, "codes.2", "code 8471 is listed twice"), (9, "end", "before")]
    )


def test_a_valid_exemption_list_loads(tmp_path):
    lst = load_list(write(tmp_path / "list.yaml", EXEMPTIONS))
    assert lst.key == "test_list" and lst.codes == ("8471", "85176200")
    assert lst.lines == (6, 7)


# ---- notes' front matter ----------------------------------------------------------------


def test_a_note_reports_every_error_of_its_front_matter(tmp_path):
    p = write(
        tmp_path / "2025-12.md",
        "---\nheadlin: x\nwatch: {a: 1}\nquote:\n  text: Hi\n  who: me\n---\nBody\n",
    )
    with pytest.raises(UserError) as err:
        notes.load(p)
    assert_reports(
        err.value,
        p,
        [
            (2, "headlin", "unknown key 'headlin' (known: headline, watch, quote)"),
            (3, "watch", "expected a list of bullets"),
            (4, "quote.by", "missing"),
            (6, "quote.who", "unknown key 'who' (known: text, by)"),
        ],
    )


def test_a_valid_note_loads(tmp_path):
    p = write(
        tmp_path / "2025-12.md",
        "---\nheadline: A   headline\nwatch: One bullet\nquote:\n  text: Hi\n  by: Me\n---\n"
        "Some *text*.\n",
    )
    note = notes.load(p)
    assert note.headline == "A headline" and note.watch == ("One bullet",)
    assert (note.quote.text, note.quote.by) == ("Hi", "Me")
    assert note.body_html == "<p>Some <em>text</em>.</p>"


# ---- words.yaml ------------------------------------------------------------------------


WORDS = REPO / "templates" / "narrative" / "words.yaml"


def test_words_yaml_reports_every_error(tmp_path):
    text = WORDS.read_text(encoding="utf-8")
    text = text.replace("  steady_below: 0.02 ", "  steady_below: abc ")
    text = text.replace("  normal: rose\n", "  normal: rose\n  huge: soared\n")
    text = text.replace("gap_steady_below: 0.002", "gap_steady_below: -1")
    p = write(tmp_path / "words.yaml", text)
    lines = text.splitlines()

    def at(prefix: str) -> int:
        return next(i for i, ln in enumerate(lines, 1) if ln.startswith(prefix))

    with pytest.raises(UserError) as err:
        narrative.load_words(p)
    assert_reports(
        err.value,
        p,
        [
            (at("  steady_below"), "growth.steady_below", "expected a number"),
            (at("  huge"), "up.huge", "unknown key 'huge' (known: small, normal, large)"),
            (at("gap_steady_below"), "gap_steady_below", "out of range"),
        ],
    )


def test_valid_words_load():
    w = narrative.load_words(WORDS)
    assert w.up == {"small": "edged up", "normal": "rose", "large": "surged"}
    assert w.thresholds.share_marks[0] == (0.1, "a tenth")


# ---- charts.yaml -----------------------------------------------------------------------


CHARTS = REPO / "templates" / "styles" / "charts.yaml"


def test_charts_yaml_reports_every_error(tmp_path):
    text = CHARTS.read_text(encoding="utf-8")
    for old, new in (
        ('  bars: "#D55E00"', '  bar: "#D55E00"'),
        ("png_width_px: 1200", "png_width_px: wide"),
        ("      actual: Actual", "      actul: Actual"),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    p = write(tmp_path / "charts.yaml", text)
    lines = text.splitlines()

    def at(prefix: str) -> int:
        return next(i for i, ln in enumerate(lines, 1) if ln.startswith(prefix))

    cf_chart = lines.index("  counterfactual:")  # the chart's block, not its colour
    cf_labels = lines.index("    labels:", cf_chart) + 1
    with pytest.raises(UserError) as err:
        read_texts(p)
    assert_reports(
        err.value,
        p,
        [
            (at("png_width_px"), "png_width_px", "expected an integer"),
            (at("palette:"), "palette.bars", "missing"),
            (at("  bar:"), "palette.bar", "unknown key 'bar'"),
            (cf_labels, "charts.counterfactual.labels.actual", "missing"),
            (at("      actul"), "charts.counterfactual.labels.actul", "unknown key 'actul'"),
        ],
    )


def test_valid_charts_yaml_loads_with_located_texts():
    t = read_texts(CHARTS)
    lines = CHARTS.read_text(encoding="utf-8").splitlines()
    default = lines.index("      default: >-", lines.index("  growth_index:")) + 1
    assert t.texts["growth_index"]["title"]["default"].where == (
        f"{CHARTS}:{default} (growth_index.title.default)"
    )
    assert t.texts["growth_index"]["axis"]["default"].where.endswith("(growth_index.axis)")
    assert t.sample_source.source.startswith("Illustrative sample data")  # not the Census
    assert set(t.chart_labels["counterfactual"]) == {"actual", "counterfactual"}
    assert t.palette["bars"] == "#D55E00" and t.png_width_px == 1200


# ---- site.yaml -------------------------------------------------------------------------


SITE = REPO / "templates" / "site" / "site.yaml"


def test_site_yaml_reports_every_error(tmp_path):
    p = write(
        tmp_path / "site.yaml",
        """description: A brief
key_numbers:
  - value: "{{ m.a }}"
  - value: "{{ m.b }}"
    label: b
    colour: red
share:
  ink: not-a-colour
""",
    )
    with pytest.raises(UserError) as err:
        site_spec.load(p)
    assert_reports(
        err.value,
        p,
        [
            (3, "key_numbers.0.label", "missing"),
            (6, "key_numbers.1.colour", "unknown key 'colour' (known: value, label)"),
            (8, "share.ink", "expected a colour"),
        ],
    )
    p = write(tmp_path / "few.yaml", "key_numbers: []\nshare:\n  banner: red\n  bg: blue\n")
    with pytest.raises(UserError) as err:
        site_spec.load(p)
    assert_reports(
        err.value,
        p,
        [(1, "key_numbers", "expected one to three entries"), (4, "share.bg", "unknown key")],
    )


def test_valid_site_yaml_loads():
    s = site_spec.load(SITE)
    assert len(s.key_numbers) == 3 and s.share_colours()["accent"] == "#0072b2"
    assert s.doc.line_of("key_numbers") > 1  # lines stay for later messages


# ---- config.yaml: every error too ----------------------------------------------------------


def test_config_reports_every_error(tmp_path):
    text = "output:\n  dir: x\n  colour: red\ndata:\n  source: web\nmetrics:\n  top_sources: 0\n"
    with pytest.raises(ConfigError) as err:
        config.from_mapping(yamlio.loads(text, "config.yaml"))
    assert err.value.exit_code == 2
    assert lines_of(err.value) == [
        "config.yaml:3: output.colour: unknown key 'colour' (known: dir)",
        "config.yaml:5: data.source: expected one of 'sample', 'census' or 'files', got 'web'",
        "config.yaml:7: metrics.top_sources: out of range: "
        "input should be greater than or equal to 1, got 0",
    ]


# ---- aibrief check and the CLI: one line per error ------------------------------------------


def broken_setup(tmp_path: Path) -> tuple[Path, list[str]]:
    """A config whose taxonomy and note each have two errors; the lines expected."""
    rules = write(
        tmp_path / "rules.yaml",
        RULES + '  - {prefix: "84x1", tier: high, reason: r}\n  - {prefix: "85", tier: top}\n',
    )
    notes_dir = tmp_path / "notes"
    note = write(notes_dir / "2025-12.md", "---\nheadlin: x\nwatch: {a: 1}\n---\n")
    cfg = write_config(tmp_path, f"  notes: {notes_dir}\n")
    cfg.write_text(cfg.read_text().replace(str(REPO / "taxonomy" / "ai_products.yaml"), str(rules)))
    expected = [
        f"{rules}:8: rules.1.prefix: ",
        f"{rules}:9: rules.2.tier: ",
        f"{rules}:9: rules.2.reason: missing",
        f"{note}:2: headlin: unknown key",
        f"{note}:3: watch: expected a list of bullets",
    ]
    return cfg, expected


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    from generator.cli import main

    with pytest.raises(SystemExit) as exc:
        main(args)
    return int(exc.value.code), capsys.readouterr().err.splitlines()


def in_order(lines: list[str], starts: list[str], strip: Callable[[str], str]) -> None:
    """Each expected start begins its own line, in this order."""
    found = [next(i for i, ln in enumerate(lines) if strip(ln).startswith(s)) for s in starts]
    assert found == sorted(found), lines


def test_check_prints_each_error_on_its_own_line(tmp_path, capsys):
    cfg, expected = broken_setup(tmp_path)
    code, err = run_cli(["--config", str(cfg), "check"], capsys)
    assert code == 1
    in_order(err, expected, lambda ln: ln)
    assert "aibrief: error: 5 problem(s) found" in err


def test_check_prints_each_config_error_on_its_own_line(tmp_path, capsys):
    cfg = write_config(tmp_path, "metrics:\n  top_sources: 0\n  base_yaer: 2023\n")
    code, err = run_cli(["--config", str(cfg), "check"], capsys)
    assert code == 1
    lines = cfg.read_text().splitlines()
    top = lines.index("  top_sources: 0") + 1
    in_order(
        err,
        [
            f"{cfg}:{top}: metrics.top_sources: out of range",
            f"{cfg}:{top + 1}: metrics.base_yaer: unknown",
        ],
        lambda ln: ln,
    )


def test_the_cli_prints_every_error_of_a_file(tmp_path, capsys):
    cfg, expected = broken_setup(tmp_path)
    code, err = run_cli(["--config", str(cfg), "classify", "8471500150"], capsys)
    assert code == 1
    taxonomy_lines = expected[:3]
    assert len(err) == len(taxonomy_lines), err
    assert all(ln.startswith("aibrief: error: ") for ln in err)  # first-line format kept
    in_order(err, taxonomy_lines, lambda ln: ln.removeprefix("aibrief: error: "))

    bad = write(tmp_path / "bad.yaml", "data:\n  source: web\n  start: 2025-13\n")
    code, err = run_cli(["--config", str(bad), "status"], capsys)
    assert code == 2
    assert err == [
        f"aibrief: error: {bad}:2: data.source: expected one of 'sample', 'census' or "
        "'files', got 'web'",
        f"aibrief: error: {bad}:3: data.start: expected a month as YYYY-MM, got '2025-13'",
    ]


def test_check_reports_notes_and_templates_even_with_broken_rules(tmp_path):
    """The taxonomy's errors do not hide the note's (each file is checked on its own)."""
    from generator.brief.checks import run_checks

    cfg, expected = broken_setup(tmp_path)
    report = run_checks(str(cfg))
    for start in expected:
        assert sum(p.startswith(start) for p in report.problems) == 1, report.problems
    assert not [p for p in report.problems if "\n" in p]
