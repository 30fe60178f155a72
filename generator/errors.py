"""Errors a user can act on: the CLI prints them as one line, without a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A problem with input the user controls (config, data, templates, arguments)."""

    exit_code = 1

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class ConfigError(UserError):
    """A config file that does not validate; exit status 2 as operators expect."""

    exit_code = 2


def located(path: object, line: int | None) -> str:
    """`file:line` when the line is known, else just the file."""
    return f"{path}:{line}" if line else str(path)
