"""CLI conventions (#14 item 7): `aibrief --version`, bare `aibrief` prints its help,
months shown as YYYY-MM, and one reporting path for long work: a bar on a terminal,
plain lines otherwise. Also (#15 item 3): `--help` and `--version` import no heavy
library."""

from __future__ import annotations

import io
import json
import logging
import os
import pty
import re
import select
import subprocess
import sys
from importlib.metadata import version

import pytest

import generator
from generator import config, report
from generator.brief import backfill
from generator.cli import cli
from generator.data.sources import census
from tests.conftest import run_cli, write_config
from tests.test_census_dryrun import SPAN, records, settings_for, stub  # noqa: F401

HEAVY = ("pandas", "matplotlib", "weasyprint", "duckdb", "pyarrow", "numpy")
BAR = re.compile(r"\r\x1b\[K(\w+): \[#*\s*\] (\d+)/(\d+)")


run = run_cli


class FakeTerminal(io.StringIO):
    """A stream that says it is a terminal, as stderr is in an interactive shell."""

    def isatty(self) -> bool:
        return True


# ---- version and help ---------------------------------------------------------------------------


def test_version_prints_the_package_version(capsys):
    code, out, err = run(["--version"], capsys)
    assert code == 0, err
    assert out == f"aibrief {version('aibrief')}\n"
    assert generator.__version__ == version("aibrief")


def test_version_from_a_subprocess_exits_0():
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"aibrief {generator.__version__}"


def test_bare_aibrief_prints_the_help_and_exits_0(capsys):
    code, out, err = run([], capsys)
    assert code == 0, err
    assert out.startswith("Usage: aibrief")
    assert "Commands:" in out and "--version" in out
    for command in ("run", "refresh", "publish", "status"):
        assert re.search(rf"^  {command}\s", out, re.M), command
    assert err == ""


def test_bare_aibrief_from_a_subprocess_exits_0():
    done = subprocess.run([sys.executable, "-m", "generator"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Usage: aibrief" in done.stdout and "Commands:" in done.stdout


def test_every_month_option_shows_yyyy_mm_in_help(capsys):
    with_month = {
        name for name, c in cli.commands.items() if any(p.name == "month" for p in c.params)
    }
    assert {"run", "metrics", "render", "send", "publish", "preview"} <= with_month
    for name in sorted(with_month):
        code, out, err = run([name, "--help"], capsys)
        assert code == 0, err
        assert re.search(r"--month YYYY-MM\s", out), (name, out)
    # --from/--to take months too
    for name in ("refresh", "backfill"):
        code, out, _ = run([name, "--help"], capsys)
        assert "--from YYYY-MM" in out and "--to YYYY-MM" in out, (name, out)


# ---- no heavy import for --help, --version and status -------------------------------------------

PROBE = """
import json, sys
from generator.cli import main
try:
    main({args!r})
except SystemExit:
    pass
print(json.dumps([m for m in {heavy!r} if m in sys.modules]), file=sys.stderr)
"""


def heavy_imports(args: list[str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)],
        capture_output=True,
        text=True,
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [["--help"], ["--version"], [], ["render", "--help"]])
def test_help_and_version_import_no_heavy_library(args):
    assert heavy_imports(args) == []


def test_status_imports_no_heavy_library(tmp_path):
    cfg = write_config(tmp_path)
    assert heavy_imports(["--config", str(cfg), "status"]) == []


POOL_PROBE = """
import sys
from generator.cli import main
try:
    main(["--version"])
except SystemExit:
    pass
import pyarrow
print(pyarrow.default_memory_pool().backend_name, file=sys.stderr)
"""


@pytest.mark.parametrize(("preset", "pool"), [(None, "system"), ("jemalloc", "jemalloc")])
def test_the_command_gives_arrow_memory_back_unless_told_otherwise(preset, pool):
    """Arrow's own allocators keep what a scan freed, which raised the metrics peak past
    its 400 MB target at scale 16; the command uses the system's, unless the environment
    names one (a pool this pyarrow lacks leaves it on its default)."""
    import pyarrow

    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if preset:
        env["ARROW_DEFAULT_MEMORY_POOL"] = preset
    done = subprocess.run(
        [sys.executable, "-c", POOL_PROBE], capture_output=True, text=True, env=env
    )
    said = done.stderr.strip().splitlines()[-1]
    if preset and pool not in pyarrow.supported_memory_backends():
        assert said != "system"
    else:
        assert said == pool


# ---- one reporting path -------------------------------------------------------------------------


def test_progress_writes_plain_lines_when_not_a_terminal(capsys):
    with report.progress("census", 20, "calls") as bar:
        for n in range(20):
            bar.advance(detail=f"2025-{n % 12 + 1:02d} imports")
    err = capsys.readouterr().err
    assert "\r" not in err
    # a line every tenth of the work, at least every 5 steps, and at the end
    assert re.findall(r"^census: (\d+)/20 calls, ", err, re.M) == ["5", "10", "15", "20"]


def test_progress_draws_a_bar_on_a_terminal(monkeypatch):
    """A real pseudo-terminal: the bar is redrawn in place, a message goes above it, and the
    bar's line ends before the work's last word."""
    master, slave = pty.openpty()
    tty = os.fdopen(slave, "w", encoding="utf-8")
    monkeypatch.setattr(sys, "stderr", tty)
    try:
        with report.progress("census", 4, "calls") as bar:
            bar.advance(detail="2025-01 imports")
            report.say("census: imports/hs time=2025-02: HTTP 503; retry 1 of 3 in 0 s")
            for _ in range(3):
                bar.advance(detail="2025-02 imports")
        report.say("warehouse updated")
        tty.flush()
        seen = b""
        while select.select([master], [], [], 0)[0]:
            seen += os.read(master, 65536)
    finally:
        monkeypatch.undo()
        tty.close()
        os.close(master)
    text = seen.decode("utf-8").replace("\r\n", "\n")
    bars = BAR.findall(text)
    assert bars[-1] == ("census", "4", "4") and len(bars) >= 4
    assert "#" * report.BAR_WIDTH in text
    assert not re.search(r"^census: \d+/4 calls", text, re.M)  # no plain lines
    retry = text.index("retry 1 of 3")
    assert text.rfind("\r\x1b[K", 0, retry) > text.find("1/4")  # bar lifted, then the note
    assert BAR.search(text, retry)  # and the bar drawn again below it
    assert text.endswith("\nwarehouse updated\n")


def test_a_disabled_reporter_says_nothing(capsys):
    with report.progress("census", 10, "calls", enabled=False) as bar:
        for _ in range(10):
            bar.advance(detail="x")
        bar.note("nothing")
    assert capsys.readouterr().err == ""


def test_census_fetch_draws_its_bar_through_the_reporter(stub, tmp_path, monkeypatch):  # noqa: F811
    s = settings_for(tmp_path, stub.url)
    plan = census.make_plan(SPAN, [], s.data.census, "2025-01")
    tty = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", tty)
    frames = census.CensusClient(s.data.census, s.cache_dir, progress=True).fetch(plan)
    monkeypatch.undo()
    assert frames["imports"] and frames["exports"]
    err = tty.getvalue()
    total = str(len(plan.requests))
    assert BAR.findall(err)[-1] == ("census", total, total)
    assert re.search(rf"{total}/{total} calls, 2025-\d\d( … 2025-\d\d)? (imports|exports)\n$", err)
    assert not re.search(r"^census: \d+/\d+ calls", err, re.M)  # no plain lines


@pytest.fixture
def fake_backfill(tmp_path, monkeypatch):
    """Backfill with the building replaced: what it reports, not what it builds."""
    from generator.brief import edition

    monkeypatch.setattr(edition, "recover_all", lambda _folder: None)
    monkeypatch.setattr(backfill, "fingerprints", lambda _s: None)
    monkeypatch.setattr(backfill, "is_current", lambda _s, _m, _fp: False)
    monkeypatch.setattr(backfill, "shared_sums", lambda _s, _months: None)  # no warehouse
    monkeypatch.setattr(
        backfill,
        "build_one",
        lambda _s, month, _fp=None, _sums=None: backfill.Outcome(
            month, "built", 0.5, f"Headline {month}"
        ),
    )
    return config.load(write_config(tmp_path))


MONTHS = ["2025-10", "2025-11", "2025-12"]


def test_backfill_says_one_line_per_edition_when_not_a_terminal(fake_backfill, capsys):
    backfill.run(fake_backfill, MONTHS, workers=1, say=report.say)
    err = capsys.readouterr().err
    assert err.splitlines() == [f"edition {m}: built (0.5s) 'Headline {m}'" for m in MONTHS]


def test_backfill_draws_a_bar_on_a_terminal(fake_backfill, monkeypatch):
    tty = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", tty)
    backfill.run(fake_backfill, MONTHS, workers=1, say=report.say)
    monkeypatch.undo()
    err = tty.getvalue()
    assert BAR.findall(err)[-1] == ("backfill", "3", "3")
    for m in MONTHS:
        assert f"\r\x1b[Kedition {m}: built (0.5s) 'Headline {m}'\n" in err  # above the bar
    assert err.endswith("editions\n")


def test_backfill_without_say_is_silent(fake_backfill, capsys):
    backfill.run(fake_backfill, MONTHS, workers=1)
    assert capsys.readouterr().err == ""


def test_logging_is_configured_once_with_the_level_from_debug(capsys):
    log = logging.getLogger("generator.outlets.deliver")
    try:
        run(["--debug", "--version"], capsys)
        run(["--debug", "--version"], capsys)
        ours = [
            h
            for h in logging.getLogger(report.ROOT).handlers
            if isinstance(h, report._StderrHandler)
        ]
        assert len(ours) == 1
        log.debug("a debug line")
        assert capsys.readouterr().err == "a debug line\n"
    finally:
        run(["--version"], capsys)  # back to the default level for the tests that follow
    log.debug("a debug line")
    log.info("an info line")
    log.warning("a warning")
    report.say("a message")
    assert capsys.readouterr().err == "a warning\na message\n"
