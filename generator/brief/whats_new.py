"""What's new: one line from the second edition on, naming the previous month and the
biggest change since it that did not lead (`choose`), worded knowing the lede's
figures and naming a record the change sets (`line`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator import numbers
from generator.analysis.facts import SINCE_LAST_MONTH, Fact
from generator.brief.said import printed


def line(
    say: Callable[..., str],
    ctx: dict[str, Any],
    facts: list[Fact],
    fact: Fact | None,
    lede: str,
) -> tuple[Fact | None, str, set[str]]:
    """What's new's line, knowing the lede's figures (`said`), and the fact kinds the
    lede (facts[0]) and the line tell: its own, and a record of the month (AI imports,
    or their share) that did not lead, which it names with the month the data begin
    (`record`: "to $37 billion in March, the most in a month since the data begin in
    January 2023", or "also a record" after a record lede), so that no bullet gives the
    figure again. The fact comes back with the
    record's month among its values and paths, so every figure of the line is traced."""
    if fact is None:
        return None, "", {facts[0].kind}
    said = printed(lede)
    kind, name, fmt = RECORDS.get(fact.kind, ("", "", numbers.pct))
    found = next((f for f in facts[1:] if f.kind == kind), None)
    if found and fmt(fact.values[name]) not in said:
        values = {**fact.values, "record": found.values["since"]}
        fact = Fact(fact.kind, fact.score, values, {**fact.paths, "record": found.paths["since"]})
    also = facts[0].kind in {k for k, _, _ in RECORDS.values()}  # the lede told since when
    text = say(fact, "whats_new", {**ctx, "said": said, "lede_record": also})
    told = {facts[0].kind, fact.kind, *([kind] if "record" in fact.values else [])}
    return fact, text, told


# What's new on a monthly move names the record it sets (record kind, value, format).
RECORDS = {
    "mom_ai": ("value_record", "value", numbers.money),
    "mom_share": ("share_record", "share", numbers.pct),
}


def choose(
    doc: dict[str, Any],
    facts: list[Fact],
    lead: Fact,
    texts: dict[str, Any],
    steady_below: float = 0.02,
) -> Fact | None:
    """The biggest change since the previous month that did not lead: the best-ranked
    fact of a kind that says what changed and has a What's new text, and none of whose
    figures the lede already gave (a policy lede also tells the month's tariff move).
    One whose line would say nothing moved ("held at 2.7%": `still`) gives way to a
    lower-ranked one that moved (September 2024's tariff to the AI share's +0.3 point);
    when none moved, the best-ranked says so."""
    if not (doc.get("news") or {}).get("previous_month"):
        return None
    told = figures(lead)
    candidates = [
        f
        for f in facts
        if f.kind in SINCE_LAST_MONTH
        and f.kind != lead.kind
        and "whats_new" in texts[f.kind]
        and not figures(f) & told
    ]
    moving = (f for f in candidates if not still(f, steady_below))
    return next(moving, candidates[0] if candidates else None)


# A change of the AI share below this (a fraction: 0.0005 = 0.05 point) prints "held at"
# in mom_share's What's new (templates/narrative/facts.yaml says the same).
SHARE_HELD_BELOW = 0.0005


def still(fact: Fact, steady_below: float) -> bool:
    """Whether the fact's What's new line says nothing moved, as facts.yaml words it:
    a tariff that prints as the month before, a share change under SHARE_HELD_BELOW, AI
    imports "held steady" (words.yaml's steady_below)."""
    v = fact.values
    if fact.kind == "mom_tariff":
        return numbers.rate(v.get("rate")) == numbers.rate(v.get("prior_rate"))
    if fact.kind == "mom_share":
        return abs(v.get("change") or 0.0) < SHARE_HELD_BELOW
    if fact.kind == "mom_ai":
        return abs(v.get("change") or 0.0) < steady_below
    return False


def figures(fact: Fact) -> set[str]:
    """Metrics paths of the fact's numbers (not of its month names or wording)."""
    return {p for name, p in fact.paths.items() if not isinstance(fact.values.get(name), str)}
