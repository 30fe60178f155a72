"""Config limits: every number is finite and bounded, YAML aliases cannot expand without
bound, a note has a size limit, and a bad schedule stops `aibrief check` and
`aibrief schedule` with one line naming the key."""

from __future__ import annotations

import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from generator import config, yamlio
from generator.brief import notes
from generator.cli import main
from generator.errors import ConfigError, UserError
from tests.conftest import REPO, write_config

# Every numeric key, as a dotted path (a list item ends in its index).
NUMERIC_KEYS = [
    "data.sample.seed",
    "data.sample.scale",
    "data.census.revision_months",
    "data.census.timeout",
    "data.census.retries",
    "data.census.backoff",
    "data.census.concurrency",
    "data.census.months_per_request",
    "taxonomy.exclude_chapters.0",
    "metrics.base_year",
    "metrics.top_sources",
    "email.smtp.port",
    "email.smtp.timeout",
    "email.smtp.retries",
    "schedule.revision_threshold",
]
BAD_NUMBERS = [".inf", "-.inf", ".nan", "nan", "-1", "1e12", "1000000000000000000000"]


def nested(dotted: str, value: str) -> tuple[str, int, str]:
    """YAML text setting `dotted` to `value`, the line the value is on, and the key
    path an error names (a list item is written as a one-item flow list)."""
    parts = dotted.split(".")
    index = parts.pop() if parts[-1].isdigit() else None
    lines = [f"{'  ' * i}{p}:" for i, p in enumerate(parts)]
    lines[-1] += f" [{value}]" if index is not None else f" {value}"
    return "\n".join(lines) + "\n", len(lines), dotted


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("key", NUMERIC_KEYS)
def test_bad_numbers_name_file_line_and_key(tmp_path, key, value):
    text, line, where = nested(key, value)
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config.load(path)
    message = str(err.value)
    assert message.startswith(f"{path}:{line}: {where}: "), message
    assert "\n" not in message
    assert err.value.exit_code == 2


def _numeric_fields(model: type[BaseModel], prefix: str = "") -> dict[str, typing.Any]:
    """Dotted key → pydantic field info, for every int or float in the settings."""
    out: dict[str, typing.Any] = {}
    for name, info in model.model_fields.items():
        key = f"{prefix}{info.alias or name}"
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out.update(_numeric_fields(ann, key + "."))
        elif typing.get_origin(ann) is list:
            (item,) = typing.get_args(ann)
            if typing.get_origin(item) is typing.Annotated and typing.get_args(item)[0] in (
                int,
                float,
            ):
                out[key + ".0"] = typing.get_args(item)[1:]
        elif ann in (int, float):
            out[key] = info.metadata
    return out


def test_every_numeric_key_has_both_bounds_and_a_test():
    fields = _numeric_fields(config.Settings)
    assert sorted(fields) == sorted(NUMERIC_KEYS)
    for key, metadata in fields.items():
        # An annotated list item carries a FieldInfo whose metadata holds the bounds.
        flat = [x for m in metadata for x in getattr(m, "metadata", [m])]
        kinds = {type(m).__name__ for m in flat}
        assert kinds & {"Ge", "Gt"} and kinds & {"Le", "Lt"}, key


@pytest.mark.parametrize("month", ["0001-01", "1999-12", "2101-01", "9999-12"])
@pytest.mark.parametrize("key", ["data.start", "data.sample.end"])
def test_months_are_in_a_sane_span_of_years(tmp_path, key, month):
    text, line, _ = nested(key, month)
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config.load(path)
    assert str(err.value).startswith(f"{path}:{line}: {key}: year "), str(err.value)


def test_the_bounds_keep_the_defaults_and_the_shipped_values():
    config.Settings()
    config.load(REPO / "config.yaml")
    text = (
        "data:\n  census:\n    timeout: 3600\n    backoff: 60\nemail:\n  smtp:\n    timeout: 600\n"
    )
    s = config.from_mapping(yamlio.loads(text, "c.yaml"))
    assert (s.data.census.timeout, s.email.smtp.timeout) == (3600, 600)


def test_refresh_with_an_infinite_timeout_stops_with_one_line(tmp_path, capsys):
    cfg = write_config(tmp_path, "data:\n  census:\n    timeout: .inf\n")
    line = cfg.read_text().splitlines().index("    timeout: .inf") + 1
    with pytest.raises(SystemExit) as exc:
        main(["--config", str(cfg), "refresh", "--source", "census", "--dry-run"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"aibrief: error: {cfg}:{line}: data.census.timeout: "), err
    assert "\n" not in err
    assert not (tmp_path / "output").exists()


# ---- YAML aliases ---------------------------------------------------------------------

DEPTH = 30  # 2 ** 30 ≈ 10^9 values if the aliases were expanded


def _bomb(kind: str) -> str:
    """A "billion laughs": each level refers twice to the one before."""
    lines = ["lol0: &lol0 {k: v}" if kind == "mapping" else "lol0: &lol0 [v]"]
    for i in range(1, DEPTH + 1):
        prev = f"*lol{i - 1}"
        pair = f"{{a: {prev}, b: {prev}}}" if kind == "mapping" else f"[{prev}, {prev}]"
        lines.append(f"lol{i}: &lol{i} {pair}")
    return "\n".join(lines) + "\n"


# The child process may not grow past this, so an expansion fails instead of eating the
# machine's memory (importing the CLI needs about 0.4 GiB of address space).
MEMORY_LIMIT = 1536 * 1024 * 1024
_LIMITED = (
    "import resource, sys\n"
    f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))\n"
    "from generator.cli import main\n"
    "main(sys.argv[1:])\n"
)


@pytest.mark.parametrize("kind", ["mapping", "list"])
def test_an_alias_bomb_is_refused_with_one_clear_line(tmp_path, kind):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(_bomb(kind), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", _LIMITED, "--config", str(cfg), "refresh", "--dry-run"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    err = proc.stderr.strip()
    assert proc.returncode == 2, err[-2000:]
    assert "\n" not in err, err[-2000:]
    assert err.startswith(f"aibrief: error: {cfg}:"), err
    assert "alias" in err.removeprefix(f"aibrief: error: {cfg}:")


def test_an_alias_bomb_in_a_note_names_the_note(tmp_path):
    lines = ["---", "x0: &x0 [a]"]
    lines += [f"x{i}: &x{i} [*x{i - 1}, *x{i - 1}]" for i in range(1, DEPTH + 1)]
    note = tmp_path / "2025-12.md"
    note.write_text("\n".join([*lines, "---", "Body."]) + "\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        notes.load(note)
    found = re.match(rf"^{re.escape(str(note))}:(\d+): x(\d+)\.\d+: .*alias", str(err.value))
    assert found, str(err.value)
    line, level = map(int, found.groups())
    assert line == level + 2  # x0 is on line 2, below the opening ---


def test_an_alias_that_contains_itself_is_refused():
    with pytest.raises(UserError, match=r"^c.yaml:1: a.1: .*alias"):
        yamlio.loads("a: &a [1, *a]\n", "c.yaml")


def test_ordinary_aliases_still_work(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        "email:\n  to: &people [ada@example.org, bob@example.net]\n"
        "schedule:\n  alert_to: *people\n",
        encoding="utf-8",
    )
    s = config.load(cfg)
    assert s.schedule.alert_to == ["ada@example.org", "bob@example.net"]
    wide = "base: &b [" + ", ".join(str(i) for i in range(1000)) + "]\n"
    wide += "uses: [" + ", ".join(["*b"] * 50) + "]\n"
    doc = yamlio.loads(wide, "w.yaml")
    assert len(doc["uses"]) == 50 and doc["uses"][0][999] == 999


# ---- notes ----------------------------------------------------------------------------


def _note(folder: Path, size: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "2025-12.md"
    head = "---\nheadline: A long note\n---\n"
    para = "Servers and chips, again and again.\n\n"
    body = para * ((size - len(head)) // len(para) + 1)
    path.write_text((head + body)[:size], encoding="utf-8")
    assert path.stat().st_size == size
    return path


def test_a_note_over_200_kb_is_refused_naming_the_file(tmp_path):
    path = _note(tmp_path / "editions", 200 * 1024 + 1)
    with pytest.raises(UserError) as err:
        notes.load(path)
    assert str(err.value).startswith(f"{path}: "), str(err.value)
    assert "200 KB" in str(err.value)


def test_a_note_under_the_limit_loads(tmp_path):
    note = notes.load(_note(tmp_path, 150 * 1024))
    assert note.headline == "A long note"
    assert "Servers and chips" in note.body_text


def test_check_names_a_note_over_the_limit(tmp_path, capsys):
    cfg = write_config(tmp_path, "")
    path = _note(tmp_path / "editions", 300 * 1024)
    with pytest.raises(SystemExit) as exc:
        main(["--config", str(cfg), "check"])
    assert exc.value.code == 1
    assert f"{path}: " in capsys.readouterr().err


# ---- schedule -------------------------------------------------------------------------

BAD_SCHEDULES = [
    ("cron", '"61 * * * *"'),
    ("cron", '"0 10 * *"'),
    ("timezone", "Mars/Olympus"),
    ("timezone", "../etc/passwd"),
]


def _schedule_config(tmp_path: Path, key: str, value: str) -> tuple[Path, int]:
    cfg = write_config(tmp_path, f"schedule:\n  {key}: {value}\n")
    line = cfg.read_text().splitlines().index(f"  {key}: {value}") + 1
    return cfg, line


@pytest.mark.parametrize(("key", "value"), BAD_SCHEDULES)
def test_check_fails_on_a_bad_schedule_naming_the_key(tmp_path, capsys, key, value):
    cfg, line = _schedule_config(tmp_path, key, value)
    with pytest.raises(SystemExit) as exc:
        main(["--config", str(cfg), "check"])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert f"{cfg}:{line}: schedule.{key}: " in err, err


@pytest.mark.parametrize(("key", "value"), BAD_SCHEDULES)
def test_schedule_once_refuses_a_bad_schedule_before_running(tmp_path, capsys, key, value):
    cfg, line = _schedule_config(tmp_path, key, value)
    with pytest.raises(SystemExit) as exc:
        main(["--config", str(cfg), "schedule", "--once"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"aibrief: error: {cfg}:{line}: schedule.{key}: "), err
    assert "\n" not in err
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize(("key", "value"), [BAD_SCHEDULES[0], BAD_SCHEDULES[2]])
def test_the_schedule_service_refuses_a_bad_schedule(tmp_path, key, value):
    cfg, line = _schedule_config(tmp_path, key, value)
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "--config", str(cfg), "schedule"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.strip() == proc.stderr.strip().splitlines()[0]
    assert proc.stderr.startswith(f"aibrief: error: {cfg}:{line}: schedule.{key}: ")


def test_the_default_schedule_passes(tmp_path):
    config.check_schedule(config.load(write_config(tmp_path, "")))


@pytest.mark.parametrize(
    "text",
    [
        "a:\tb\n",  # libyaml reads these; the Python parser refuses them
        "reason: chips\t# note\n",
        "- '8471'\t\n",
        "a: |#\n",
    ],
)
def test_a_file_means_the_same_with_or_without_libyaml(text):
    """Tabs and the like are refused whichever parser PyYAML was built with."""
    with pytest.raises(UserError, match=r"f\.yaml:1: invalid YAML"):
        yamlio.loads(text, "f.yaml")


@pytest.mark.parametrize("text", ["x: !!int\n", "x: !!bool\n"])
def test_a_bare_tag_is_a_one_line_error_not_a_crash(text):
    with pytest.raises(UserError, match=r"f\.yaml: invalid YAML"):
        yamlio.loads(text, "f.yaml")
