"""Sentences a reader flagged as awkward, over the sample's editions written against the
previous month: a run of monthly moves is its own clause of the next-release line, not
"after 2 monthly falls in a row" as if the release waited for them; January's record
stands beside the figure it qualifies; two tariff rates moving the same way are joined
by "and", not "while"."""

from __future__ import annotations

from generator import numbers
from generator.brief import sections
from tests.test_said_once import told  # noqa: F401 (the fixtures)
from tests.test_sections import editions  # noqa: F401


def test_the_next_release_line_tells_a_run_of_moves_in_its_own_clause(told):  # noqa: F811
    runs = 0
    for doc, n in told:
        line = next(x for x in n.what_to_watch if x.startswith("Next release:"))
        run = doc["news"]["mom"]["ai"]["streak"] if doc["news"]["mom"] else None
        assert " in a row in AI-related imports" not in line and "after a monthly" not in line
        if run and abs(run) >= 2:
            runs += 1
            way, words = "risen" if run > 0 else "fallen", sections.streak(doc)["months"]
            assert words == sections.COUNTS[abs(run) - 2] if abs(run) <= 11 else str(abs(run))
            assert line.endswith(f"; AI-related imports have {way} {words} months in a row."), line
        else:
            assert "in a row" not in line, line
    assert runs >= 5


def test_january_s_record_stands_beside_its_figure(told):  # noqa: F811
    for doc, n in told:
        if doc["month"] in ("2025-01", "2026-01"):
            value = numbers.money(doc["imports"]["ai"]["month"])
            assert f"{value} in {numbers.month_name(doc['month'])}, a monthly record, " in n.lede


def test_two_rates_moving_the_same_way_are_joined_by_and(told):  # noqa: F811
    same = 0
    for doc, n in told:
        for line in n.between_the_lines:
            if not line.startswith("In ") or ", the tariff on " not in line:
                continue
            first, _, second = line.partition(
                " in " + numbers.month_only(doc["news"]["previous_month"]) + ", "
            )
            if not second:
                continue
            ways = (
                [w for w in ("rose", "fell", "held") if w in first],
                [w for w in ("rose", "fell", "held") if w in second],
            )
            if ways[0] and ways[1] and ways[0][0] == ways[1][0]:
                same += 1
                assert second.startswith("and on "), line
            elif ways[0] and ways[1]:
                assert second.startswith("while on "), line
    assert same >= 3
