"""A published classification CSV takes precedence over our rules, code by code."""

from pathlib import Path

import pandas as pd
import pytest

from generator import config
from generator.classify.taxonomy import for_settings, load_taxonomy, published_code
from generator.errors import UserError

RULES = """categories:
  compute_hardware: Compute hardware
  networking_telecom: Networking & telecom
  cooling_hvac: Cooling & HVAC
rules:
  - {prefix: "8471", tier: high, category: compute_hardware, reason: computers}
  - {prefix: "8517", tier: medium, category: networking_telecom, reason: telecom}
"""
HEADER = "hs10_code,relevance,primary_category\n"


def setup(tmp_path: Path, csv_body: str, header: str = HEADER) -> tuple[Path, Path]:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    published = tmp_path / "published.csv"
    published.write_text(header + csv_body, encoding="utf-8")
    return rules, published


def test_published_code_wins_over_rule(tmp_path):
    rules, csv_path = setup(tmp_path, "8471500150,Low,\n")
    t = load_taxonomy(rules, classification_csv=csv_path)
    c = t.classify("8471500150")
    assert (c.tier, c.category, c.rule) == ("low", None, None)
    assert (c.source, c.published_line) == ("published", 2)
    assert not c.ai_related


def test_codes_only_in_rules_still_use_rules(tmp_path):
    rules, csv_path = setup(tmp_path, "8471500150,Low,\n")
    t = load_taxonomy(rules, classification_csv=csv_path)
    sibling = t.classify("8471410000")  # same heading, not in the CSV
    assert (sibling.tier, sibling.category, sibling.source) == ("high", "compute_hardware", "rules")
    assert sibling.rule.prefix == "8471" and sibling.published_line is None
    nothing = t.classify("0101210000")
    assert (nothing.tier, nothing.source, nothing.rule) == ("low", "default", None)


def test_published_code_no_rule_covers(tmp_path):
    rules, csv_path = setup(tmp_path, "8544420000,high,Networking & Telecom\n")
    t = load_taxonomy(rules, classification_csv=csv_path)
    c = t.classify("8544420000")
    assert (c.tier, c.category, c.source) == ("high", "networking_telecom", "published")
    assert c.ai_related


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Compute Hardware", "compute_hardware"),
        ("compute_hardware", "compute_hardware"),
        ("  COMPUTE HARDWARE ", "compute_hardware"),
        ("Networking & Telecom", "networking_telecom"),
        ("networking and telecom", "networking_telecom"),
        ("networking_telecom", "networking_telecom"),
        ("Cooling and HVAC", "cooling_hvac"),
        ("cooling & hvac", "cooling_hvac"),
    ],
)
def test_category_label_or_key_matches(tmp_path, written, key):
    rules, csv_path = setup(tmp_path, f'8517620090,HIGH,"{written}"\n')
    c = load_taxonomy(rules, classification_csv=csv_path).classify("8517620090")
    assert (c.tier, c.category) == ("high", key)


def test_relevance_is_case_insensitive_and_category_optional_below_high(tmp_path):
    rules, csv_path = setup(tmp_path, "8517620090,MEDIUM,\n8471300100,low,\n")
    t = load_taxonomy(rules, classification_csv=csv_path)
    assert (t.classify("8517620090").tier, t.classify("8517620090").category) == ("medium", None)
    assert t.classify("8471300100").tier == "low"


def test_nine_digit_code_is_zero_padded_and_dots_are_accepted(tmp_path):
    body = "102291000,High,Compute hardware\n8471.50.0150,Medium,\n8517620090.0,Low,\n"
    rules, csv_path = setup(tmp_path, body)
    t = load_taxonomy(rules, classification_csv=csv_path)
    assert set(t.published) == {"0102291000", "8471500150", "8517620090"}
    assert t.classify("0102291000").tier == "high"
    assert t.classify("0102291000").published_line == 2
    assert t.classify("8471500150").tier == "medium"
    assert t.classify("8517620090").tier == "low"


def test_published_code_helper():
    assert published_code("0102291000") == "0102291000"
    assert published_code("102291000") == "0102291000"
    assert published_code("8471.50.0150") == "8471500150"
    assert published_code("8471500150.0") == "8471500150"
    assert published_code("84715") is None
    assert published_code("8471x00150") is None


def test_extra_columns_blank_lines_and_header_case_are_tolerated(tmp_path):
    header = "Description, HS10_Code ,Relevance,Primary_Category\n"
    body = '"Servers, assembled",8471410000,Low,\n\n"Cables",8544420000,High,cooling_hvac\n'
    rules, csv_path = setup(tmp_path, body, header=header)
    t = load_taxonomy(rules, classification_csv=csv_path)
    assert t.classify("8471410000").tier == "low"
    c = t.classify("8544420000")
    assert (c.category, c.published_line) == ("cooling_hvac", 4)  # line 3 is blank


def test_same_code_twice_with_the_same_answer_is_fine(tmp_path):
    rules, csv_path = setup(
        tmp_path, "8471500150,High,Compute hardware\n8471.50.0150,high,compute_hardware\n"
    )
    t = load_taxonomy(rules, classification_csv=csv_path)
    assert t.classify("8471500150").published_line == 2


@pytest.mark.parametrize(
    ("header", "body", "line", "message"),
    [
        ("hs10_code,relevance\n", "8471500150,High\n", 1, "missing column primary_category"),
        ("code,relevance,primary_category\n", "", 1, "missing column hs10_code"),
        ("", "", 1, "empty file"),
        (HEADER, "8471500150,Low,\n8471410000,Critical,\n", 3, "relevance 'Critical'"),
        (HEADER, "84715,Low,\n", 2, "hs10_code '84715' is not an HS10 code"),
        (HEADER, "8471-50-0150,Low,\n", 2, "is not an HS10 code"),
        (
            HEADER,
            "8471500150,High,Compute hardware\n8517620090,Low,\n8471.50.0150,Low,\n",
            4,
            "already classified differently at line 2",
        ),
    ],
)
def test_bad_csv_names_file_and_line(tmp_path, header, body, line, message):
    rules, csv_path = setup(tmp_path, body, header=header)
    with pytest.raises(UserError) as err:
        load_taxonomy(rules, classification_csv=csv_path)
    assert f"{csv_path}:{line}:" in str(err.value)
    assert message in str(err.value)


def test_unknown_labels_are_no_error(tmp_path):
    """Replaces the old errors `unknown primary_category` and `a High code needs a
    primary_category` (#16 item 1): any label below High, Other AI-related for High."""
    body = "8471500150,High,Robots\n8517620090,Medium,robots\n8471410000,High,\n"
    rules, csv_path = setup(tmp_path, body)
    t = load_taxonomy(rules, classification_csv=csv_path)
    robots = t.classify("8471500150")
    assert (robots.category, robots.ai_related) == ("other_ai", True)
    assert t.classify("8471410000").category == "other_ai"
    assert (t.classify("8517620090").tier, t.classify("8517620090").category) == ("medium", None)
    assert list(t.categories)[-1] == "other_ai"
    assert t.label("other_ai") == "Other AI-related"


def test_missing_csv_names_the_file(tmp_path):
    rules, _ = setup(tmp_path, "")
    missing = tmp_path / "nope.csv"
    with pytest.raises(UserError, match="file not found") as err:
        load_taxonomy(rules, classification_csv=missing)
    assert str(missing) in str(err.value)


def test_classify_frame_has_a_source_column(tmp_path):
    rules, csv_path = setup(tmp_path, "8471500150,Low,\n")
    frame = load_taxonomy(rules, [27], classification_csv=csv_path).classify_frame(
        ["8471500150", "8471410000", "0101210000", "8471500150"]
    )
    assert list(frame.columns) == [
        "hs10",
        "tier",
        "category",
        "excluded",
        "rule",
        "dual_use",
        "source",
    ]
    by_code = frame.set_index("hs10")
    assert by_code.loc["8471500150", "source"] == "published"
    assert pd.isna(by_code.loc["8471500150", "rule"])
    assert by_code.loc["8471410000", "source"] == "rules"
    assert by_code.loc["8471410000", "rule"] == "8471"
    assert by_code.loc["0101210000", "source"] == "default"
    assert len(frame) == 3


def test_excluded_chapter_stays_excluded_when_published_high(tmp_path):
    rules, csv_path = setup(tmp_path, "9903880100,High,Compute hardware\n")
    c = load_taxonomy(rules, [99], classification_csv=csv_path).classify("9903880100")
    assert c.tier == "high" and c.excluded and not c.ai_related


def test_for_settings_resolves_the_csv_against_the_config_folder(tmp_path):
    rules, csv_path = setup(tmp_path, "8471500150,Low,\n")
    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        f"taxonomy:\n  rules: {rules.name}\n  classification_csv: {csv_path.name}\n",
        encoding="utf-8",
    )
    t = for_settings(config.load(cfg))
    assert t.published_path == str(csv_path.resolve())
    assert t.classify("8471500150").source == "published"
    without = tmp_path / "plain.yaml"
    without.write_text(f"taxonomy:\n  rules: {rules.name}\n", encoding="utf-8")
    assert for_settings(config.load(without)).published == {}
