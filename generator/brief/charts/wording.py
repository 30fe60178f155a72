"""The words of a chart: its title, alt text and axis caption rendered from the Jinja
texts of charts.yaml, in the variant the data pick (AI ahead or behind, gap widened or
narrowed …). Every number is formatted by `generator.numbers`; every direction word
("rose", "more than doubled", "held steady") comes from the narrative's filters and
words.yaml, so a chart title and the prose word the same change alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import jinja2
from jinja2 import meta

from generator import numbers, templating
from generator.brief.charts.style import Style
from generator.brief.charts.texts import Text
from generator.brief.narrative import word_filters
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


def _ends(style: Style) -> dict[str, Callable[[float | None], str]]:
    """A word for where a line ends against its start (a growth: 1.0 = +100%), with the
    narrative's words and thresholds: "more than doubled" past words.yaml's
    `doubled_from`, else its direction word ("surged", "fell", "held steady")."""
    w = style.words
    change_word = word_filters(w)["change_word"]

    def end_word(g: float | None) -> str:
        return w.doubled if g is not None and g > w.doubled_from else change_word(g)

    return {"end_word": end_word}


def environment(style: Style) -> jinja2.Environment:
    """The one template environment (templating.environment) with the narrative's word
    filters (change_word, growth_phrase, change_by, up_down) and the charts' own."""
    filters = {
        **word_filters(style.words),
        **_ends(style),
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
        unknown = sorted(_names_used(env, text.source) - set(names))
    except jinja2.TemplateSyntaxError as exc:
        raise UserError(f"template syntax error: {exc.message}", where=text.where) from None
    if unknown:
        raise UserError(
            f"template error: {', '.join(map(repr, unknown))} is undefined", where=text.where
        )
    return template


_USED: dict[str, frozenset[str]] = {}  # source → names it reads (parsed once per process)


def _names_used(env: jinja2.Environment, source: str) -> frozenset[str]:
    """The names a text reads: a function of the source alone (the environment's filters
    and syntax are checked by from_string, compiled once per process by templating), so
    a backfill parses each text once, not once an edition."""
    used = _USED.get(source)
    if used is None:
        used = _USED[source] = frozenset(meta.find_undeclared_variables(env.parse(source)))
        while len(_USED) > 1024:
            del _USED[next(iter(_USED))]
    return used


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
    """The source line under every chart: the Census Bureau for real data; the sample
    credits no statistical agency (its figures are illustrative)."""
    t = style.texts
    return render(env, t.sample_source if common["sample"] else t.source, common)
