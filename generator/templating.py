"""The template lookup chain: the editors' override folder first, then the packaged
default, file by file (as site themes do). In Jinja, `!default/NAME` reaches the default
file, so an override can extend the default instead of copying it.

`environment` is the one factory of Jinja environments: the brief (page, PDF, narrative,
charts), the site, the e-mail and the preview all get theirs from it, so every template
sees the same sandbox, the same strictness about undefined names and the same filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from generator import numbers
from generator.errors import UserError, located

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


Autoescape = bool | Callable[[str | None], bool]
# HTML templates escape, text templates (subject, plain-text e-mail) do not.
HTML_ONLY: Autoescape = jinja2.select_autoescape(
    enabled_extensions=("html.j2", "html"), default_for_string=False, default=False
)


def environment(
    dirs: Sequence[Path] = (),
    *,
    autoescape: Autoescape = False,
    filters: Mapping[str, Callable[..., Any]] | None = None,
    sandboxed: bool = True,
) -> jinja2.Environment:
    """A Jinja environment over the lookup chain `dirs` (overrides first, the default
    last; `!default/NAME` reaches the default), or with no loader when `dirs` is empty
    (templates given as text). Sandboxed: templates are editors' files, not code.
    Undefined names are errors; the number filters are always there, `filters` adds."""
    cls = SandboxedEnvironment if sandboxed else jinja2.Environment
    env = cls(
        loader=loader(dirs) if dirs else None,
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(numbers.FILTERS)
    env.filters.update(filters or {})
    return env


def template_error(exc: Exception, fallback: str) -> UserError:
    """Turn a Jinja error into one line with the template file and line."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = located(exc.filename or exc.name or fallback, exc.lineno)
        return UserError(f"template syntax error: {exc.message}", where=where)
    tb = exc.__traceback__
    line, name = None, fallback
    while tb is not None:
        frame = tb.tb_frame
        filename = frame.f_code.co_filename
        if filename.endswith((".j2", ".html", ".yaml", ".css", ".txt")) or "<template>" in filename:
            if "<template>" not in filename:
                name = filename
            line = tb.tb_lineno
        tb = tb.tb_next
    msg = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
    return UserError(f"template error: {msg}", where=located(name, line))


def render(env: jinja2.Environment, name: str, ctx: dict[str, Any]) -> str:
    """Render a template file; any failure becomes one line with its file and line."""
    try:
        return env.get_template(name).render(ctx)
    except jinja2.TemplateNotFound as exc:
        raise UserError(f"template {exc.name} not found") from None
    except Exception as exc:  # noqa: BLE001 - a failing template is the editor's to fix
        raise template_error(exc, name) from None
