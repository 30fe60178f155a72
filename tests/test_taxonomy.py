from pathlib import Path

import pytest

from generator.classify.taxonomy import load_taxonomy, normalize_code
from generator.errors import UserError

REPO = Path(__file__).resolve().parents[1]

HEADER = """categories:
  compute_hardware: Compute hardware
  cooling_hvac: Cooling & HVAC
rules:
"""


def rules_file(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "rules.yaml"
    p.write_text(HEADER + body, encoding="utf-8")
    return p


def test_longest_prefix_wins(tmp_path):
    p = rules_file(
        tmp_path,
        """  - {prefix: "84", tier: medium, category: compute_hardware, reason: chapter}
  - {prefix: "8471", tier: high, category: compute_hardware, reason: heading}
  - {prefix: "847130", tier: low, reason: laptops}
  - {prefix: "8471300100", tier: high, category: cooling_hvac, reason: one code}
""",
    )
    t = load_taxonomy(p)
    assert t.classify("8471500150").rule.prefix == "8471"
    assert t.classify("8471500150").tier == "high"
    assert t.classify("8471300200").tier == "low"
    assert t.classify("8471300100").category == "cooling_hvac"
    assert t.classify("8401000000").tier == "medium"
    unmatched = t.classify("0101210000")
    assert (unmatched.tier, unmatched.category, unmatched.rule) == ("low", None, None)


def test_excluded_chapters_are_flagged(tmp_path):
    p = rules_file(tmp_path, '  - {prefix: "27", tier: high, category: cooling_hvac, reason: x}\n')
    t = load_taxonomy(p, exclude_chapters=[27, 99])
    c = t.classify("2709000000")
    assert c.excluded and not c.ai_related
    assert not t.classify("8471500150").excluded


def test_classify_frame_one_row_per_code(tmp_path):
    p = rules_file(
        tmp_path, '  - {prefix: "8471", tier: high, category: compute_hardware, reason: x}\n'
    )
    frame = load_taxonomy(p, [27]).classify_frame(["8471500150", "8471500150", "2709000000"])
    assert list(frame["hs10"]) == ["2709000000", "8471500150"]
    assert list(frame["tier"]) == ["low", "high"]
    assert list(frame["excluded"]) == [True, False]


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ('  - {prefix: "84x1", tier: high, category: compute_hardware, reason: r}\n', 5, "prefix"),
        ('  - {prefix: "8", tier: high, category: compute_hardware, reason: r}\n', 5, "prefix"),
        ('  - {prefix: "8471", tier: top, category: compute_hardware, reason: r}\n', 5, "tier"),
        ('  - {prefix: "8471", tier: high, category: robots, reason: r}\n', 5, "unknown category"),
        ('  - {prefix: "8471", tier: high, category: compute_hardware}\n', 5, "reason"),
        ('  - {prefix: "8471", tier: high, reason: r}\n', 5, "needs a category"),
        (
            '  - {prefix: "8471", tier: low, reason: r}\n'
            '  - {prefix: "8471", tier: low, reason: s}\n',
            6,
            "already has a rule",
        ),
        ('  - {prefix: "8471", tier: low, reason: r, colour: red}\n', 5, "unknown key"),
    ],
)
def test_bad_rules_fail_with_file_and_line(tmp_path, body, line, message):
    p = rules_file(tmp_path, body)
    with pytest.raises(UserError) as err:
        load_taxonomy(p)
    assert f"{p}:{line}:" in str(err.value)
    assert message in str(err.value)


def test_normalize_code():
    assert normalize_code("8471.50.0150") == "8471500150"
    with pytest.raises(UserError):
        normalize_code("84715")


def test_shipped_rules_load_and_every_rule_has_a_reason():
    t = load_taxonomy(REPO / "taxonomy" / "ai_products.yaml", [27, 71, 98, 99])
    assert len(t.categories) == 7
    assert all(r.reason for r in t.rules.values())
    c = t.classify("8471500150")
    assert (c.tier, c.category) == ("high", "compute_hardware")
    assert t.classify("8517130000").tier == "low"  # smartphones carved out


def test_classification_source_says_what_decided(tmp_path):
    from generator.classify.taxonomy import Classification

    p = rules_file(
        tmp_path, '  - {prefix: "8471", tier: high, category: compute_hardware, reason: x}\n'
    )
    t = load_taxonomy(p)
    assert (t.classify("8471500150").source, t.classify("8471500150").published_line) == (
        "rules",
        None,
    )
    assert t.classify("0101210000").source == "default"
    # Built the old way (five fields), the source is derived from what is set.
    assert Classification("0101210000", "low", None, None, False).source == "default"
    rule = t.rules["8471"]
    assert Classification("8471500150", "high", "compute_hardware", rule, False).source == "rules"
    frame = t.classify_frame(["8471500150"])
    assert list(frame.columns)[-1] == "source"
    assert list(frame["source"]) == ["rules"]
