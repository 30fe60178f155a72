"""The words of a chart: its title, alt text and axis caption rendered from the Jinja
texts of charts.yaml, in the variant the data pick (AI ahead or behind, gap widened or
narrowed …). Every number is formatted by `generator.numbers`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import jinja2
from jinja2 import meta

from generator import numbers, templating
from generator.brief.charts.style import Style
from generator.brief.charts.texts import Text
from generator.errors import UserError


def _country(style: Style) -> Callable[[str], str]:
    names = style.texts.country_names

    def country(name: str) -> str:
        return names.get(name, name)

    return country


def short_name(style: Style) -> Callable[[str], str]:
    t = style.texts

    def short(name: str) -> str:
        shown = t.country_names.get(name, name)
        name = t.short_names.get(name) or t.short_names.get(shown) or shown
        n = t.max_name_length
        return name if len(name) <= n else name[: n - 1].rstrip(" ,.") + "…"

    return short


def _change(style: Style) -> Callable[[float | None], str]:
    th, w = style.texts.thresholds, style.texts.words

    def change(g: float | None) -> str:
        if g is None:
            return "n/a"
        if abs(g) < th["steady_below"]:
            return w["steady"]
        if g >= th["doubled_from"]:
            return w["doubled"]
        return f"{w['up'] if g > 0 else w['down']} {numbers.pct_abs(g)}"

    return change


def environment(style: Style) -> jinja2.Environment:
    """The one template environment (templating.environment) with the charts' filters."""
    filters = {
        "change": _change(style),
        "country": _country(style),
        "short_name": short_name(style),
    }
    return templating.environment(filters=filters)


def _compile(env: jinja2.Environment, text: Text, names: Iterable[str]) -> jinja2.Template:
    """Compile one text: syntax, filters and names are checked whatever the data.

    Texts of variants the data do not pick are checked too, so that a misspelt name
    shows up now and not in the month the data first pick that variant.
    """
    try:
        template = env.from_string(text.source)  # syntax and unknown filters
        unknown = sorted(meta.find_undeclared_variables(env.parse(text.source)) - set(names))
    except jinja2.TemplateSyntaxError as exc:
        raise UserError(f"template syntax error: {exc.message}", where=text.where) from None
    if unknown:
        raise UserError(
            f"template error: {', '.join(map(repr, unknown))} is undefined", where=text.where
        )
    return template


def render(env: jinja2.Environment, text: Text, ctx: dict[str, Any]) -> str:
    """One text rendered, its whitespace collapsed; a failure names file:line."""
    template = _compile(env, text, ctx)
    try:
        out = template.render(ctx)
    except Exception as exc:  # noqa: BLE001 - any failure is the template's
        msg = exc.message if isinstance(exc, jinja2.TemplateError) else str(exc)
        raise UserError(f"template error: {msg}", where=text.where) from None
    return " ".join(out.split())


def say(
    env: jinja2.Environment,
    variants: dict[str, Text],
    variant: str,
    ctx: dict[str, Any],
    name: str,
) -> str:
    """The text of the variant the data picked (or the default); the others are checked."""
    chosen = variant if variant in variants else "default"
    for other, text in variants.items():
        if other != chosen:
            _compile(env, text, ctx)
    if chosen not in variants:
        first = next(iter(variants.values()))
        where = first.where.rsplit(" (", 1)[0]
        raise UserError(f"{name}: no text for variant {variant!r} and no default", where=where)
    return render(env, variants[chosen], ctx)


def common_context(doc: dict[str, Any]) -> dict[str, Any]:
    """The names every chart text may use, besides its chart's own."""
    return {
        "m": doc,
        "month": doc["month"],
        "year": doc["period"]["year"],
        "prior_year": doc["period"]["prior_year"],
        "base_year": doc["definitions"]["base_year"],
        "first_month": doc["data"]["first_month"],
        "sample": bool(doc["data"]["sample"]),
        **numbers.period_phrases(doc),
    }


def source_line(env: jinja2.Environment, style: Style, common: dict[str, Any]) -> str:
    """The source line under every chart; on the sample, with its note."""
    t = style.texts
    source = render(env, t.source, common)
    if common["sample"]:
        note = render(env, t.sample_note, common)
        source += (" " if t.sample_note.source[:1].isspace() else "") + note
    return source
