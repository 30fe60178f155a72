"""What an edition has said already, so that nothing is said twice: the figures a text
prints (`printed`: the `said` of What's new and the sections, the figures above them),
and which of a fact's figures a text prints (`fact_printed`: a bullet's `told`)."""

from __future__ import annotations

import re

from generator import numbers
from generator.analysis.facts import Fact

_FIGURE = re.compile(r"\$?\d[\d,.]*(?:%| billion| trillion| million| thousand)?")


def printed(text: str) -> frozenset[str]:
    """The figures a text prints, each as printed ("$194 billion", "23%", "4.2%"), so
    "23%" is not found in "123%"."""
    return frozenset(m.group().rstrip(".,") for m in _FIGURE.finditer(text))


def fact_printed(fact: Fact, text: str) -> set[float]:
    """The fact's figures that `text` prints, in any of the house formats."""
    shown = (numbers.money, numbers.money_short, numbers.pct)
    return {
        v
        for v in fact_floats(fact)
        if any(re.search(rf"(?<![\d.]){re.escape(fmt(v))}(?!\d)", text) for fmt in shown)
    }


def fact_floats(fact: Fact) -> set[float]:
    """The fact's figures as the metrics hold them (counts and years aside)."""
    return {v for v in fact.values.values() if isinstance(v, float)}
