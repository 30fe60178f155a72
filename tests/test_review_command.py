"""`aibrief review [--month YYYY-MM | --all]`: the copy desk's report through the command
line. One line per finding on stdout, exit status 1 when there is any (like `check`),
0 and a summary when clean; it reads editions only and nothing else waits on it."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

from tests.conftest import REPO, run_cli, write_config
from tests.test_cli_conventions import HEAVY
from tests.test_copydesk import CLEAN_CHARTS, DECEMBER, NOVEMBER, write_edition


@pytest.fixture
def project(tmp_path):
    """A project whose output folder holds two hand-built editions, November (clean) and
    December (its headline November's)."""
    cfg = write_config(tmp_path)
    editions = tmp_path / "output" / "editions"
    write_edition(editions, "2025-11", NOVEMBER, CLEAN_CHARTS)
    write_edition(editions, "2025-12", {**DECEMBER, "headline": NOVEMBER["headline"]})
    return cfg, editions


REPEAT = '2025-12 headline: same headline as 2025-11: "AI goods hit a record 27% of U.S. imports"'


def test_findings_exit_1_one_line_each_on_stdout(project, capsys):
    cfg, _ = project
    code, out, err = run_cli(["--config", str(cfg), "review"], capsys)
    assert code == 1
    assert out.splitlines() == [REPEAT]
    assert err.strip() == "aibrief: error: review: 1 finding in 1 edition"


def test_all_reviews_every_edition(project, capsys):
    cfg, editions = project
    # a chart title of November that its data contradict: the lines end 7.4 points apart
    listing = editions / "2025-11" / "charts" / "charts.json"
    charts = json.loads(listing.read_text())
    charts[1]["title"] = "The tariff gap widened to 4.6 points"
    listing.write_text(json.dumps(charts))
    metrics = editions / "2025-11" / "metrics.json"
    metrics.write_text(json.dumps({**json.loads(metrics.read_text()), "gap_2025": 0.046}))
    code, out, err = run_cli(["review", "--all", "--config", str(cfg)], capsys)
    assert code == 1
    assert out.splitlines() == [
        "2025-11 chart tariffs: title says 4.6 points, but the chart ends at ai 4.6% vs "
        'non_ai 12.0%: "The tariff gap widened to 4.6 points"',
        REPEAT,
    ]
    assert "review: 2 findings in 2 editions" in err


def test_a_clean_edition_exits_0(project, capsys):
    cfg, _ = project
    code, out, err = run_cli(["--config", str(cfg), "review", "--month", "2025-11"], capsys)
    assert (code, out) == (0, "")
    assert "review: clean (1 edition, 9 sentences)" in err  # November's 9, by hand


def test_a_clean_pair_exits_0(tmp_path, capsys):
    cfg = write_config(tmp_path)
    editions = tmp_path / "output" / "editions"
    write_edition(editions, "2025-11", NOVEMBER, CLEAN_CHARTS)
    write_edition(editions, "2025-12", DECEMBER, CLEAN_CHARTS)
    for args in (["review"], ["review", "--all"], ["review", "--month", "2025-12"]):
        code, out, err = run_cli(["--config", str(cfg), *args], capsys)
        assert (code, out) == (0, ""), (args, out, err)
        assert "review: clean" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2025-12", "--all"], "--month and --all exclude each other"),
        (["--month", "2024-06"], "no built edition for 2024-06 "),
        (["--month", "2024-13"], "expected a month as YYYY-MM"),
    ],
)
def test_bad_requests_are_one_line(project, capsys, args, message):
    cfg, _ = project
    code, out, err = run_cli(["--config", str(cfg), "review", *args], capsys)
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_no_edition_yet(tmp_path, capsys):
    cfg = write_config(tmp_path)
    code, _, err = run_cli(["--config", str(cfg), "review"], capsys)
    assert code == 1 and "no built edition in" in err and "aibrief run" in err


def test_review_help_shows_the_month_and_imports_no_heavy_library(project):
    cfg, _ = project
    probe = (
        "import json, sys\nfrom generator.cli import main\n"
        "for args in ({!r}, {!r}):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        "print(json.dumps([m for m in {!r} if m in sys.modules]), file=sys.stderr)\n"
    ).format(["review", "--help"], ["--config", str(cfg), "review", "--all"], HEAVY)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert "--month YYYY-MM" in done.stdout and "--all" in done.stdout
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []


def test_nothing_but_the_command_uses_the_copy_desk():
    """`aibrief run`, the scheduler and publish never wait on the review: only the
    editors' command module imports it."""
    users = []
    for path in sorted((REPO / "generator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n.startswith("generator.brief.copydesk") for n in names):
                users.append(path.relative_to(REPO).as_posix())
    users = sorted(set(users) - {"generator/brief/copydesk.py"})
    assert users == ["generator/commands/editors.py"]
