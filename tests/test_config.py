from pathlib import Path

import pytest

from generator import config
from generator.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(config.ENV_VAR, raising=False)
    s = config.load()
    assert s.data.source == "sample"
    assert s.taxonomy.exclude_chapters == [27, 71, 98, 99]
    assert s.metrics.base_year == 2023
    assert s.metrics.import_value == "consumption"


def test_the_shipped_config_is_valid():
    repo = Path(__file__).resolve().parents[1]
    s = config.load(repo / "config.yaml")
    assert s.output_dir == repo / "output"
    assert s.rules_path == repo / "taxonomy" / "ai_products.yaml"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("metrics:\n  base_year: abc\n", "config.yaml:2: metrics.base_year: expected an integer"),
        ("data:\n  start: 2025-13\n", "config.yaml:2: data.start: expected a month as YYYY-MM"),
        ("data:\n  start: 2025-1\n", "config.yaml:2: data.start: expected a month as YYYY-MM"),
        ("output:\n  dir: x\n  colour: red\n", "config.yaml:3: output.colour: unknown key"),
        ("datta:\n  source: sample\n", "config.yaml:1: datta: unknown key"),
        ("data:\n  source: web\n", "config.yaml:2: data.source: expected one of"),
        (
            "taxonomy:\n  exclude_chapters: [27, x]\n",
            "config.yaml:2: taxonomy.exclude_chapters.1: expected an integer",
        ),
        ("metrics:\n  import_value: fob\n", "config.yaml:2: metrics.import_value"),
        ("data:\n  sample:\n    scale: 0\n", "config.yaml:3: data.sample.scale: out of range"),
        ("- a\n- b\n", "expected a mapping"),
        ("data: [\n", "invalid YAML"),
    ],
)
def test_errors_name_file_line_and_key(tmp_path, monkeypatch, text, expected):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        config.load("config.yaml")
    assert expected in str(err.value)
    assert err.value.exit_code == 2
    assert "\n" not in str(err.value)


def test_env_var_names_the_file(tmp_path, monkeypatch):
    p = write(tmp_path, "metrics:\n  base_year: 2024\n")
    monkeypatch.setenv(config.ENV_VAR, str(p))
    assert config.load().metrics.base_year == 2024


def test_explicit_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        config.load(tmp_path / "nope.yaml")


def test_relative_paths_resolve_against_the_config_folder(tmp_path):
    sub = tmp_path / "conf"
    sub.mkdir()
    p = sub / "c.yaml"
    p.write_text("output:\n  dir: out\n")
    s = config.load(p)
    assert s.output_dir == sub.resolve() / "out"
    assert s.warehouse_dir == sub.resolve() / "out" / "warehouse"


def test_partners_accept_numbers_and_keep_leading_zeros(tmp_path):
    p = write(tmp_path, "metrics:\n  partners: [2010, '0020']\n")
    assert config.load(p).metrics.partners == ["2010", "0020"]


def test_an_empty_section_means_defaults(tmp_path):
    p = write(tmp_path, "data:\n  files:\n    # imports: a.csv\n  census:\n")
    s = config.load(p)
    assert s.data.files.imports is None
    assert s.data.census.revision_months == 3


def test_census_countries_are_validated(tmp_path):
    p = write(tmp_path, "data:\n  census:\n    countries: ['2010', 'MX']\n")
    with pytest.raises(ConfigError, match=r"config.yaml:3: data.census.countries.1"):
        config.load(p)
