"""`--config` and `--debug` work before and after the command, and a missing project
config is named instead of silently writing ./output/ wherever the user stands."""

from __future__ import annotations

import subprocess
import sys

from generator import config
from tests.conftest import REPO, run_cli, write_config

run = run_cli


def test_config_after_the_command_is_the_config_used(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(config.ENV_VAR, raising=False)
    cfg = write_config(tmp_path / "project")
    code, out, err = run(["status", "--config", str(cfg)], capsys)
    assert code == 0, err
    assert "data:            no warehouse yet" in out
    assert not (tmp_path / "output").exists()


def test_config_after_the_command_wins_over_the_one_before(tmp_path, capsys):
    good = write_config(tmp_path / "good")
    code, _, err = run(
        ["--config", str(good), "status", "--config", str(tmp_path / "nope.yaml")], capsys
    )
    assert code == 2
    assert "nope.yaml: config file not found" in err


def test_debug_after_the_command_shows_the_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "status", "--config", str(tmp_path / "no.yaml"),
         "--debug"],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr
    assert "config file not found" in proc.stderr


def test_outside_a_project_folder_says_so_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(config.ENV_VAR, raising=False)
    code, _, err = run(["refresh"], capsys)
    assert code == 1
    assert f"no config.yaml in {tmp_path}" in err
    assert "--config" in err
    assert list(tmp_path.iterdir()) == []
