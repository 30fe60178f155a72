"""Errors a user can act on: the CLI prints them one line each, without a traceback."""

from __future__ import annotations

from collections.abc import Sequence


class UserError(Exception):
    """A problem with input the user controls (config, data, templates, arguments)."""

    exit_code = 1

    def __init__(self, message: str, *, where: str | None = None, more: Sequence[str] = ()) -> None:
        self.message = message
        self.where = where
        # Further problems found in the same pass (a file with several errors), each
        # already a whole line `file:line: key: message`.
        self.more = tuple(more)
        super().__init__("\n".join(self.lines))

    @property
    def lines(self) -> list[str]:
        """Every problem, one line each; the first is `where: message`."""
        first = f"{self.where}: {self.message}" if self.where else self.message
        return [first, *self.more]


class ConfigError(UserError):
    """A config file that does not validate; exit status 2 as operators expect."""

    exit_code = 2


def located(path: object, line: int | None) -> str:
    """`file:line` when the line is known, else just the file."""
    return f"{path}:{line}" if line else str(path)
