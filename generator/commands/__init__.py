"""commands: the command line's own pieces, beside `generator/cli.py` (the group and the
entry point) and at its level, so cli.py stays one screenful per command: the context
every command gets (`Context`), the month option's check (`month`), and groups of
commands that live in their own module (`editors`: check, preview, review, serve).

Nothing heavy is imported here: `aibrief --help` loads this package."""

from __future__ import annotations

import re
from pathlib import Path

import click

from generator import config as config_mod
from generator.errors import UserError

MONTH = re.compile(config_mod.MONTH_PATTERN)


class Context:
    """What `aibrief --config X --debug` hands every command; settings load on first use."""

    def __init__(self, config_path: str | None, debug: bool) -> None:
        self.config_path = config_path
        self.debug = debug
        self._settings: config_mod.Settings | None = None

    @property
    def settings(self) -> config_mod.Settings:
        if self._settings is None:
            path, named = config_mod.config_path(self.config_path)
            if not named and not path.exists():
                # Defaults would write ./output/ wherever the user happens to stand.
                raise UserError(
                    f"no config.yaml in {Path.cwd()}: run aibrief in the project folder, "
                    f"or name the file with --config PATH (or {config_mod.ENV_VAR})"
                )
            self._settings = config_mod.load(self.config_path)
        return self._settings


def month(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Callback of every option that takes a month (their help shows `YYYY-MM`)."""
    if value is not None and not MONTH.match(value):
        raise click.BadParameter(f"expected a month as YYYY-MM, got {value!r}")
    return value
