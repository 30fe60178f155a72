"""The words of the brief: facts ranked, then Jinja text templates an editor can reword.

Pure apart from reading templates: metrics document in, Narrative out.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from generator import numbers, templating, yamlio
from generator.analysis.facts import Fact, Thresholds, find_facts
from generator.brief import bottom_line, words_file
from generator.brief import notes as notes_mod
from generator.brief import sections as sections_mod
from generator.brief.notes import Note, Quote
from generator.brief.said import fact_floats, fact_printed, printed
from generator.brief.whats_new import choose as choose_whats_new
from generator.brief.whats_new import line as whats_new_line
from generator.errors import UserError, located

SECTIONS = ("why_it_matters", "zoom_in", "between_the_lines", "what_to_watch", "bottom_line")


@dataclass(frozen=True)
class Words:
    steady_below: float
    small_below: float
    large_from: float
    doubled_from: float
    up: dict[str, str]
    down: dict[str, str]
    steady: str
    doubled: str
    gap_steady_below: float
    thresholds: Thresholds


@dataclass
class Narrative:
    headline: str
    lede: str
    why_it_matters: str
    by_the_numbers: list[str]
    zoom_in: list[str]
    between_the_lines: list[str]  # 2–3 bullets
    what_to_watch: list[str]
    bottom_line: str
    facts: list[Fact] = field(default_factory=list)  # ranked; [0] led the brief
    bullet_facts: list[Fact] = field(default_factory=list)  # behind by_the_numbers, in order
    headline_by_note: bool = False  # the editor's note gave the headline, not facts[0]
    period: str = ""
    saying: Quote | None = None  # only ever from an editor's note: never generated
    editor_note_html: str = ""  # sanitised HTML from the note's Markdown body
    editor_note_text: str = ""
    note_path: str | None = None
    # One line naming the previous month and the biggest change since it ("" in an
    # edition whose previous month has no data), and the fact behind it.
    whats_new: str = ""
    whats_new_fact: Fact | None = None
    bottom: str = ""  # what the bottom line is about (bottom_line.bottom_state)


# ---- words and filters ------------------------------------------------------------------


def load_words(path: Path) -> Words:
    """words.yaml; every problem of the file is reported with its line (words_file)."""
    w = words_file.load(path)
    return Words(
        steady_below=w.growth.steady_below,
        small_below=w.growth.small_below,
        large_from=w.growth.large_from,
        doubled_from=w.growth.doubled_from,
        up=w.up.model_dump(),
        down=w.down.model_dump(),
        steady=w.steady,
        doubled=w.doubled,
        gap_steady_below=w.gap_steady_below,
        thresholds=Thresholds(
            big_growth=w.news.big_growth,
            big_gap_change=w.news.big_gap_change,
            share_marks=tuple(sorted(w.share_marks.items())),
        ),
    )


def word_filters(w: Words) -> dict[str, Any]:
    def size(g: float) -> str:
        a = abs(g)
        return "small" if a < w.small_below else "large" if a >= w.large_from else "normal"

    def change_word(g: float | None) -> str:
        if g is None or abs(g) < w.steady_below:
            return w.steady
        return (w.up if g > 0 else w.down)[size(g)]

    def growth_phrase(g: float | None) -> str:
        """'rose 73%', 'more than doubled', 'held steady', 'fell 4.2%'."""
        if g is None or abs(g) < w.steady_below:
            return w.steady
        if g > w.doubled_from:
            return w.doubled
        return f"{change_word(g)} {numbers.pct_abs(g)}"

    def up_down(x: float, than: float) -> str:
        return "up" if x >= than else "down"

    def change_by(g: float | None) -> str:
        """'up 50%', 'down 40%', or the steady word."""
        if g is None or abs(g) < w.steady_below:
            return w.steady
        return f"{'up' if g > 0 else 'down'} {numbers.pct_abs(g)}"

    return {
        "change_word": change_word,
        "growth_phrase": growth_phrase,
        "up_down": up_down,
        "change_by": change_by,
    }


# ---- the environment ------------------------------------------------------------------------


def environment(template_dirs: list[Path], words: Words) -> jinja2.Environment:
    """The narrative's environment: plain text (no escaping), with the word filters."""
    return templating.environment(template_dirs, filters=word_filters(words))


def render_string(env: jinja2.Environment, source: str, ctx: dict[str, Any], where: str) -> str:
    """Render a template given as text (from facts.yaml); errors name `where`."""
    try:
        tmpl = env.from_string(source)
        return " ".join(tmpl.render(ctx).split())
    except jinja2.TemplateSyntaxError as exc:
        raise UserError(f"template syntax error: {exc.message}", where=where) from None
    except Exception as exc:  # noqa: BLE001 - any render failure is the template's
        msg = (
            exc.message if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
        )
        raise UserError(f"template error: {msg}", where=where) from None


# ---- the narrative ------------------------------------------------------------------------


def context(doc: dict[str, Any], words: Words) -> dict[str, Any]:
    phrases = numbers.period_phrases(doc)
    cats = {c["key"]: c for c in doc["categories"]}
    leaders = {c["key"]: None for c in doc["categories"]}
    leaders.update({lead["key"]: lead for lead in doc["category_leaders"]})
    cf = doc["counterfactual"]["ytd"] or {}
    material = bool(cf) and abs(cf["net_effect"]) >= 0.01 * abs(cf["actual_balance"])
    zoom, steady = bottom_line.zoom_shares(doc), words.steady_below
    return {
        "m": doc,
        "month": doc["month"],
        "cat": cats,
        "leaders": leaders,
        "cf": cf,
        "material": material,
        "words": {"gap_steady_below": words.gap_steady_below, "steady_below": words.steady_below},
        "told": frozenset(),  # in a bullet: the figures of the bullets above it
        "said": frozenset(),  # in What's new and the sections: the figures printed above
        "record": None,  # in What's new: the month data begin, when the move sets a record
        "lede_record": False,  # … and the lede is a record too (it said since when)
        **sections_mod.context(doc, words.gap_steady_below),
        # "bottom" (what the bottom line is about) is set by write(), once the lead is known
        "long_run": bottom_line.long_run(doc, zoom, steady),
        "zoom_shares": zoom,
        **phrases,
    }


# A fourth or fifth "By the numbers" bullet needs at least this news value (the facts'
# scale: a quiet month-on-month move scores about 40, a standing figure that barely moved
# since last month less than 30).
BULLET_NEWS_FROM = 45.0
PARTS = ("headline", "lede", "bullet")  # every kind has them; `whats_new` is optional


def _fact_texts(path: Path) -> dict[str, dict[str, tuple[str, int]]]:
    doc = yamlio.load(path)
    if not isinstance(doc, dict):
        raise UserError("expected one entry per fact kind", where=str(path))
    out: dict[str, dict[str, tuple[str, int]]] = {}
    for kind, entry in doc.items():
        if not isinstance(entry, dict):
            raise UserError(
                f"{kind}: expected headline, lede and bullet",
                where=located(path, doc.line_of(kind)),
            )
        for part in PARTS:
            if not isinstance(entry.get(part), str):
                raise UserError(f"{kind}.{part}: missing text", where=located(path, entry.line))
        if "whats_new" in entry and not isinstance(entry["whats_new"], str):
            raise UserError(f"{kind}.whats_new: expected a text", where=located(path, entry.line))
        parts = [*PARTS, *(["whats_new"] if "whats_new" in entry else [])]
        out[kind] = {p: (entry[p], entry.line_of(p)) for p in parts}
    return out


def _lines(text: str) -> list[str]:
    return [" ".join(ln.split()) for ln in text.splitlines() if ln.strip()]


def _bullets(text: str) -> list[str]:
    return [ln[1:].strip() if ln.startswith("-") else ln for ln in _lines(text)]


def for_edition(
    settings: Any, doc: dict[str, Any], previous: dict[str, Any] | None = None
) -> Narrative:
    """The narrative of an edition as every output shows it: templates along the override
    chain, the editor's note for the month when there is one, and news relative to the
    `previous` month's metrics (recomputed from the same inputs)."""
    from generator.brief.charts.texts import find, read_texts  # the charts' words file

    dirs = templating.subdirs(settings.template_dirs, "narrative")
    note = notes_mod.for_month(settings.path(settings.templates.notes), doc["month"])
    names = read_texts(find(templating.subdirs(settings.template_dirs, "styles"))).country_names
    return write(doc, dirs[-1], dirs[:-1], note=note, previous=previous, country_names=names)


def with_country_names(doc: Any, names: dict[str, str]) -> Any:
    """The document with each country's `name` (an entry with a `country_code`: sources,
    ranks, partners) as readers know it (charts.yaml's `country_names`, which the charts
    use too: "Korea, South" → "South Korea"); the numbers, and the document itself,
    unchanged."""
    if not names:
        return doc
    if isinstance(doc, dict):
        country = "country_code" in doc
        return {
            k: names.get(v, v)
            if country and k == "name" and isinstance(v, str)
            else with_country_names(v, names)
            for k, v in doc.items()
        }
    if isinstance(doc, list):
        return [with_country_names(v, names) for v in doc]
    return doc


def write(
    doc: dict[str, Any],
    narrative_dir: Path,
    extra_dirs: list[Path] | None = None,
    note: Note | None = None,
    previous: dict[str, Any] | None = None,
    country_names: dict[str, str] | None = None,
) -> Narrative:
    """Compose the brief's text for one metrics document; with the previous month's
    document, news is ranked against it and the headline is never one it could carry.
    Countries are named as `country_names` says (Census names otherwise)."""
    doc = with_country_names(doc, country_names or {})
    previous = with_country_names(previous, country_names or {})
    dirs = [*(extra_dirs or []), narrative_dir]
    words_path = next((d / "words.yaml" for d in dirs if (d / "words.yaml").exists()), None)
    facts_path = next((d / "facts.yaml" for d in dirs if (d / "facts.yaml").exists()), None)
    if words_path is None or facts_path is None:
        raise UserError(f"words.yaml and facts.yaml are needed in {narrative_dir}")
    words = load_words(words_path)
    env = environment(dirs, words)
    texts = _fact_texts(facts_path)
    ctx = context(doc, words)

    facts = find_facts(doc, words.thresholds, previous)
    facts = [f for f in facts if f.kind in texts]
    if not facts:
        raise UserError("no fact to lead the brief: the metrics hold no comparable period")

    def say(fact: Fact, part: str, context: dict[str, Any] = ctx) -> str:
        source, line = texts[fact.kind][part]
        where = located(facts_path, line) + f" ({fact.kind}.{part})"
        return render_string(env, source, {**context, **fact.values}, where)

    # Render every candidate, used or not, so a broken text fails now rather than in
    # the month its fact first leads.
    texts_of = {(f.kind, part): say(f, part) for f in facts for part in texts[f.kind]}
    stale: set[str] = set()
    if previous is not None:  # every headline the previous edition could have carried
        before = context(previous, words)
        found = find_facts(previous, words.thresholds)
        stale = {_same(say(f, "headline", before)) for f in found if f.kind in texts}
    lead = next((f for f in facts if _same(texts_of[(f.kind, "headline")]) not in stale), facts[0])
    facts = [lead, *(f for f in facts if f is not lead)]  # facts[0] leads the brief
    new_fact = choose_whats_new(doc, facts, lead, texts, words.steady_below)
    lede = texts_of[(lead.kind, "lede")]
    new_fact, whats_new, told = whats_new_line(say, ctx, facts, new_fact, lede)
    # The bottom line, chosen with the lead known: no bullet tells what it will say
    ctx["bottom"] = bottom_line.bottom_state(
        doc, previous, told, ctx["zoom_shares"], words.steady_below
    )
    (used, soft), above = _told_elsewhere(ctx, told), _given(new_fact, whats_new)
    bullet_facts = _bullet_facts(facts, used, texts_of, above, soft)
    ctx.update(lead=lead.kind, whats_new=new_fact.kind if new_fact else "")  # for sections
    sections = _sections(env, ctx, f"{lede} {whats_new}")
    in_zoom = _range_in(_lines(sections["zoom_in"]), facts)
    if in_zoom:  # Zoom in gave the range (the share moved): not a bullet too
        bullet_facts = _bullet_facts(facts, {*used, "core_range"}, texts_of, above, soft)
    bullet_facts = _with_range(facts, lead, bullet_facts, in_zoom)
    bullets = _bullet_texts(bullet_facts, texts_of, say, ctx, lead, whats_new)
    return Narrative(
        headline=(note.headline if note and note.headline else texts_of[(lead.kind, "headline")]),
        lede=texts_of[(lead.kind, "lede")],
        why_it_matters=" ".join(_lines(sections["why_it_matters"])),
        by_the_numbers=bullets,
        zoom_in=_lines(sections["zoom_in"]),
        between_the_lines=_bullets(sections["between_the_lines"]),
        what_to_watch=_bullets(sections["what_to_watch"]) + list(note.watch if note else ()),
        bottom_line=" ".join(_lines(sections["bottom_line"])),
        facts=facts,
        bullet_facts=bullet_facts,
        headline_by_note=bool(note and note.headline),
        period=ctx["period"],
        saying=note.quote if note else None,
        editor_note_html=note.body_html if note else "",
        editor_note_text=note.body_text if note else "",
        note_path=note.path if note else None,
        whats_new=whats_new,
        whats_new_fact=new_fact,
        bottom=ctx["bottom"],
    )


def _sections(env: jinja2.Environment, ctx: dict[str, Any], above: str) -> dict[str, str]:
    """The sections in reading order, each knowing the figures printed above it (`said`:
    in the lede, What's new and the sections before it), so a section can refer to a
    figure already given rather than give it again ("The AI boom's addition to the
    deficit …")."""
    out: dict[str, str] = {}
    said = printed(above)
    for name in SECTIONS:
        out[name] = templating.render(env, f"{name}.j2", {**ctx, "said": said})
        said |= printed(out[name])
    return out


def _bullet_facts(
    facts: list[Fact],
    used: set[str],
    texts_of: dict[tuple[str, str], str],
    above: set[float] = frozenset(),
    soft: set[str] = frozenset(),
) -> list[Fact]:
    """Three to five facts for "By the numbers" (`_pick`); the kinds Zoom in tells below
    (`soft`) are left out unless the bullets would be fewer than three without them
    (December of the base year: no move since last month, Zoom in tells the mix)."""
    out = _pick(facts, used | soft, texts_of, above)
    return out if len(out) >= 3 or not soft else _pick(facts, used, texts_of, above)


def _given(fact: Fact | None, text: str) -> set[float]:
    """The fact's numbers `text` prints (What's new's: a bullet giving only these is
    left out; a number the fact holds but its line does not print is no repeat)."""
    return {round(v, 9) for v in fact_printed(fact, text)} if fact else set()


def _pick(
    facts: list[Fact], used: set[str], texts_of: dict[tuple[str, str], str], above: set[float]
) -> list[Fact]:
    """Facts for "By the numbers", best first: one per kind, none of a kind used above,
    none whose every number the lede (facts[0]) and What's new (`above`) gave already
    (January's year so far is the month the lede told; "$38B: AI-related imports in
    June" after "rose 2%, to $38 billion in June"), no two bullets leading with the same
    number, and past the third only facts with news value (BULLET_NEWS_FROM: not last
    month's figures barely moved)."""
    out: list[Fact] = []
    kinds, leads = set(used), set()
    told = (_numbers(facts[0]) if facts else set()) | set(above)
    for f in facts:
        if len(out) >= 3 and f.score < BULLET_NEWS_FROM:
            break
        first = texts_of[(f.kind, "bullet")].split(":")[0]
        if f.kind in kinds or first in leads or (f is not facts[0] and _numbers(f) <= told):
            continue
        kinds.add(f.kind)
        leads.add(first)
        out.append(f)
        if len(out) == 5:
            break
    return out


def _told_elsewhere(ctx: dict[str, Any], told: set[str]) -> tuple[set[str], set[str]]:
    """The fact kinds no bullet gives: the lede's and What's new's (`told`), the tariff
    rates Between the lines gives (of the year so far, and of the month against the
    previous month), the deficit effect when Why it matters opens with it, and what the
    bottom line (`ctx["bottom"]`) tells; then those Zoom in gives below (the top
    sources' shares, compute hardware's part), which a bullet gives only when the
    bullets would be too few without them."""
    # a policy event's bullet is other goods' rate against last month's, as mom_tariff's
    rates = {"tariff_gap", "mom_tariff", "policy_event"}
    used = {*told, *rates, *bottom_line.told_by(ctx["bottom"], ctx["m"])}
    cf = ctx["cf"]
    if "counterfactual" not in told and ctx["material"] and cf.get("net_effect", 0) > 0:
        used.add("counterfactual")
    zoom = {"top_sources", "top_source_change"} if ctx["zoom_shares"] and ctx["shift"] else set()
    if ctx["zoom_mix"]:  # Zoom in gives the mix: compute hardware's part
        zoom.add("compute_share")
    return used, zoom - used


def _bullet_texts(
    facts: list[Fact],
    texts_of: dict[tuple[str, str], str],
    say: Callable[..., str],
    ctx: dict[str, Any],
    lead: Fact,
    whats_new: str,
) -> list[str]:
    """The bullets, each rendered knowing the figures the lede (`lead`'s), What's new and
    the other bullets print (`told`), so it can leave out one said
    elsewhere ("+6.9%: AI-related imports in May against April" beside "$52B:
    AI-related imports in May, the most in a month …"). Only a text that reads `told`
    leaves anything out; a figure a fact holds but its text does not print is not told.
    `texts_of` holds each bullet as rendered with nothing told."""
    above = f"{texts_of[(lead.kind, 'lede')]} {whats_new}"
    said = [fact_printed(f, above) for f in facts]
    mine = [fact_printed(f, texts_of[(f.kind, "bullet")]) for f in facts]
    out = []
    for i, f in enumerate(facts):
        others = set().union(*(m for j, m in enumerate(mine) if j != i))
        told = {v for v in fact_floats(f) if v in others} | said[i]
        out.append(say(f, "bullet", {**ctx, "told": frozenset(told)}))
    return out


def _with_range(facts: list[Fact], lead: Fact, bullets: list[Fact], in_zoom: bool) -> list[Fact]:
    """The range of doubt is stated once in every brief where the research definition and
    the core lens differ by 3 points or more (#13): in the lede, in "Zoom in" (when the
    share moved: `in_zoom`), else as a bullet, in place of the last when there are five."""
    fact = next((f for f in facts if f.kind == "core_range"), None)
    if fact is None or lead.kind == "core_range" or fact in bullets or in_zoom:
        return bullets
    # It also states the month's AI share: it takes the place of a bullet on the share of
    # the month, else of the fifth, so the brief grows no longer.
    same = next((i for i, f in enumerate(bullets) if f.kind in _MONTH_SHARE_KINDS), None)
    if same is not None:
        return [*bullets[:same], fact, *bullets[same + 1 :]]
    return [*bullets[:4], fact]


def _range_in(zoom: list[str], facts: list[Fact]) -> bool:
    """Whether a Zoom in line states the range of doubt (the core lens' share beside the
    research definition's)."""
    fact = next((f for f in facts if f.kind == "core_range"), None)
    if fact is None:
        return False
    core = numbers.pct(fact.values["core_share"])
    return any("research definition" in ln and core in ln for ln in zoom)


# Bullets that state the month's AI share, as the range of doubt does.
_MONTH_SHARE_KINDS = ("mom_share", "share_record")


def _same(headline: str) -> str:
    """A headline as compared with last month's: case and spacing aside."""
    return " ".join(headline.split()).casefold()


def _numbers(fact: Fact) -> set[float]:
    """The fact's numbers (years too), rounded past binary noise."""
    return {
        round(float(v), 9)
        for v in fact.values.values()
        if isinstance(v, (int, float)) and not isinstance(v, bool)
    }


if __name__ == "__main__":  # pragma: no cover - a quick look from the shell
    import json

    d = json.loads(Path(sys.argv[1]).read_text())
    print(write(d, Path("templates/narrative")))
