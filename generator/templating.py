"""The template lookup chain: the editors' override folder first, then the packaged
default, file by file (as site themes do). In Jinja, `!default/NAME` reaches the default
file, so an override can extend the default instead of copying it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import jinja2

from generator.errors import UserError

DEFAULT_PREFIX = "!default"


def find(dirs: Sequence[Path], rel: str) -> Path:
    """The first `rel` along the chain (overrides first)."""
    for d in dirs:
        p = Path(d) / rel
        if p.is_file():
            return p
    raise UserError(f"template file {rel} not found in {', '.join(str(d) for d in dirs)}")


def subdirs(dirs: Sequence[Path], sub: str) -> list[Path]:
    return [Path(d) / sub for d in dirs]


def loader(dirs: Sequence[Path]) -> jinja2.BaseLoader:
    """Overrides first, then the default (the last folder); `!default/x` is the default x."""
    return jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader(
                {DEFAULT_PREFIX: jinja2.FileSystemLoader(str(dirs[-1]))}, delimiter="/"
            ),
            jinja2.FileSystemLoader([str(d) for d in dirs]),
        ]
    )
