"""The template lookup chain: the editors' override folder first, then the packaged
default, file by file (as site themes do). In Jinja, `!default/NAME` reaches the default
file, so an override can extend the default instead of copying it.

`environment` is the one factory of Jinja environments: the brief (page, PDF, narrative,
charts), the site, the e-mail and the preview all get theirs from it, so every template
sees the same sandbox, the same strictness about undefined names and the same filters."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
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


# Compiled templates, shared by every environment of this process. A backfill builds 24
# editions in one worker, each with new environments over the same files: compiling
# each template once per process instead of once per edition saves most of the Jinja
# time. Keyed by the source text itself (and what shapes the generated code), so an
# edited template is compiled anew on its next load, as the preview expects.
COMPILE_CACHE_SIZE = 512
_compiled: OrderedDict[Hashable, Any] = OrderedDict()
_compiled_lock = threading.Lock()


def _codegen_key(
    env: jinja2.Environment,
    source: str,
    name: str | None,
    filename: str | None,
    raw: bool,
    defer_init: bool,
) -> Hashable:
    """Everything the generated code depends on: the source and name (autoescape may
    depend on the name), the syntax options, and which filters and tests exist (an
    unknown filter is a compile-time error)."""
    return (
        type(env), source, name, filename, raw, defer_init, env.autoescape, env.optimized,
        env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline, env.newline_sequence,
        env.block_start_string, env.variable_start_string, env.comment_start_string,
        env.line_statement_prefix, env.line_comment_prefix, tuple(sorted(env.extensions)),
        tuple(sorted(env.filters)), tuple(sorted(env.tests)),
    )  # fmt: skip


class _CachedCompile:
    """Mixin: `compile` of a source string is memoized per process (code objects are
    immutable, so sharing them between environments is safe)."""

    def compile(self, source: Any, name: str | None = None, filename: str | None = None,
                raw: bool = False, defer_init: bool = False) -> Any:  # fmt: skip
        if not isinstance(source, str):
            return super().compile(source, name, filename, raw, defer_init)  # type: ignore[misc]
        key = _codegen_key(self, source, name, filename, raw, defer_init)  # type: ignore[arg-type]
        with _compiled_lock:
            if key in _compiled:
                _compiled.move_to_end(key)
                return _compiled[key]
        code = super().compile(source, name, filename, raw, defer_init)  # type: ignore[misc]
        with _compiled_lock:
            _compiled[key] = code
            while len(_compiled) > COMPILE_CACHE_SIZE:
                _compiled.popitem(last=False)
        return code


class _Sandboxed(_CachedCompile, SandboxedEnvironment):
    pass


class _Plain(_CachedCompile, jinja2.Environment):
    pass


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
    cls = _Sandboxed if sandboxed else _Plain
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
