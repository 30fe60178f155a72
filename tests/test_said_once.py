"""A figure or a piece of news is said once an edition (BRIEF-STYLE: every edition is
news; a reader should not meet the lede's figure again three paragraphs down).

Over the sample's editions 2024-01 …, each written with the previous month's document as
an edition has it (so What's new is there): the sections know the figures printed
above them (`said`) and refer to one rather than give it again; a new top source told
by the lede or What's new is not told again in Zoom in; the top-sources line says which
period its shares are of, and who led a year earlier when that changed. At the end,
wording a reader flagged."""

from __future__ import annotations

import copy

import pytest

from generator import numbers
from generator.analysis import document
from generator.brief import narrative, said, sections
from tests.conftest import refreshed_sample
from tests.test_sections import NARRATIVE, editions  # noqa: F401 (the fixture)


@pytest.fixture(scope="module")
def told(editions):  # noqa: F811 (the fixture imported above)
    """(metrics, narrative) of each edition, written against the previous month."""
    out = []
    for i, (doc, _) in enumerate(editions):
        previous = editions[i - 1][0] if i else None
        out.append((doc, narrative.write(doc, NARRATIVE, previous=previous)))
    return out


def test_printed_figures_are_whole_tokens():
    figures = said.printed("up 123% to $1.24 trillion, and $194 billion; 4.2%.")
    assert figures == {"123%", "$1.24 trillion", "$194 billion", "4.2%"}
    assert "23%" not in figures  # not found inside 123%


def test_a_new_top_source_is_told_once(told):
    # 2025-10 and 2026-01 in the sample: Taiwan passes Mexico in the month, and What's
    # new says so; Zoom in said it again ("Taiwan moved up to first … past Mexico").
    seen = []
    for doc, n in told:
        above = f"{n.lede} {n.whats_new}"
        if "has overtaken" in above or (n.facts and n.facts[0].kind == "source_rank"):
            seen.append(doc["month"])
            assert not any("moved up to first" in z for z in n.zoom_in), (doc["month"], n.zoom_in)
    assert {"2025-10", "2026-01"} <= set(seen)


def test_the_top_sources_line_says_its_period_and_who_led_a_year_earlier(told):
    # The shares are of the year so far; "Taiwan has overtaken Mexico" with no period or
    # base read as stale news in the editions after the month it happened.
    changed = []
    for doc, n in told:
        first, second = doc["sources"][0], doc["sources"][1]
        line = next((z for z in n.zoom_in if f"{first['name']} supplied" in z), None)
        if line is None:
            continue
        period = numbers.period_phrases(doc)["period"]
        assert f"supplied {numbers.pct(first['share'])} of AI-related imports {period}" in line
        assert f"and {second['name']} {numbers.pct(second['share'])}" in line
        assert "overtaken" not in line
        before = next((s for s in doc["sources"] if s.get("prior_rank") == 1), None)
        if before is not None and before is not first:
            changed.append(doc["month"])
            led = f"a year earlier {before['name']} was the top source, with "
            assert led + numbers.pct(before["prior_share"]) in line, line
    assert {"2026-03", "2026-06", "2026-09"} <= set(changed)


def test_why_it_matters_refers_to_the_lede_s_deficit_figure(told):
    # December's year in review gives the year's deficit effect in the lede; Why it
    # matters sets it against the year before without giving the figure again.
    seen = []
    for doc, n in told:
        effect = numbers.money(abs(doc["counterfactual"]["ytd"]["net_effect"]))
        if effect not in n.lede:
            continue
        seen.append(doc["month"])
        assert effect not in n.why_it_matters, (doc["month"], n.why_it_matters)
        assert n.why_it_matters.strip(), doc["month"]
    assert {"2024-12", "2025-12"} <= set(seen)
    why = next(n.why_it_matters for d, n in told if d["month"] == "2025-12")
    assert why.startswith("The AI boom's addition to the U.S. goods deficit in 2025 is ")
    assert "its effect in 2024" in why


def test_a_pace_zoom_in_gave_is_not_given_again(told):
    # What to watch compares a category's month with its year so far; when Zoom in gave
    # that category's growth so far (compute hardware, power gear), the line says "in
    # the year so far" without the figure; else the figure, with its sign.
    quiet = 0
    for doc, n in told:
        pace = sections.category_pace(doc)
        line = next((x for x in n.what_to_watch if pace and x.startswith(pace["label"])), None)
        if line is None:
            continue
        zoom = " ".join(n.zoom_in)
        gave = f"{numbers.pct_abs(pace['ytd'])}" in said.printed(zoom) and pace["key"] in (
            "compute_hardware",
            "electrical_power",
        )
        if "in the year so far" in line:
            quiet += 1
            assert gave and "Compute hardware (servers" in zoom, (doc["month"], line, zoom)
        else:
            assert f"{numbers.pct_signed(pace['ytd'])} so far this year" in line, line
    assert quiet >= 3


def test_a_figure_that_only_prints_the_same_is_not_taken_as_said(told):
    # April 2026: the lede gives AI-related imports' growth so far (+44%); compute
    # hardware's pace is its own figure, and Zoom in did not give it (a category's move
    # took the mix's place), so What to watch gives it even when it prints the same.
    doc, n = next((d, n) for d, n in told if d["month"] == "2026-04")
    assert "44%" in n.lede
    previous = next(d for d, _ in told if d["month"] == "2026-03")
    same = copy.deepcopy(doc)
    cats = {c["key"]: c for c in same["categories"]}
    cats["compute_hardware"]["imports"]["yoy"]["ytd"] = same["imports"]["ai"]["yoy"]["ytd"]
    cats["compute_hardware"]["imports"]["yoy"]["month"] = 0.20  # slower: a pace to tell
    m = narrative.write(same, NARRATIVE, previous=previous)
    line = next(x for x in m.what_to_watch if x.startswith("Compute hardware"))
    assert "than +44% so far this year" in line, line


def test_december_s_share_given_above_is_not_given_again(told):
    seen = 0
    for doc, n in told:
        if not (doc["month"].endswith("-12") and n.bottom == "year"):
            continue
        seen += 1
        december = numbers.pct(doc["imports"]["ai_share"]["month"])
        above = [n.lede, n.whats_new, n.why_it_matters, *n.zoom_in, *n.between_the_lines]
        told_above = december in said.printed(" ".join([*above, *n.what_to_watch]))
        assert (december in n.bottom_line) != told_above, (doc["month"], n.bottom_line)
        assert "more than over the year" not in n.bottom_line
    assert seen == 2


def test_what_to_watch_gives_no_tariff_or_list_figure_between_the_lines_gave(told):
    # The tariff line gave the month's AI rate Between the lines had just given (2024-02:
    # 2.1% three times), the exemptions line the lists' share (2026-01: 72% twice).
    def shares(text: str) -> set[str]:
        return {x for x in said.printed(text) if x.endswith("%")}

    shortened = set()
    for doc, n in told:
        btl = shares(" ".join(n.between_the_lines))
        for line in n.what_to_watch:
            if line.startswith(("Tariffs:", "Exemptions:")):
                assert not shares(line) & btl, (doc["month"], line)
                if not shares(line):
                    shortened.add(line.split(":")[0])
    assert shortened == {"Tariffs", "Exemptions"}


def test_what_s_new_gives_no_dollar_figure_the_lede_gave(told):
    # A record month's lede gives the month's imports ($39 billion in May 2024); What's
    # new, on the rise since April, gave "to $39 billion in May" again.
    shortened = []
    for doc, n in told:
        money = {x for x in said.printed(n.lede) if x.startswith("$")}
        assert not money & said.printed(n.whats_new), (doc["month"], n.whats_new)
        fact = n.whats_new_fact
        if fact and fact.kind == "mom_ai" and numbers.money(fact.values["value"]) in money:
            shortened.append(doc["month"])
            assert n.whats_new.endswith(("%.", "steady.")), n.whats_new
    assert {"2024-05", "2026-05"} <= set(shortened)


def test_no_bullet_gives_what_zoom_in_gives_below_it(told):
    # December 2024: "25%: Mexico's share of AI-related imports in 2024 (next: Taiwan,
    # 18%)" above "Mexico supplied 25% of AI-related imports in 2024 and Taiwan 18%".
    kinds = {"top_sources", "top_source_change", "compute_share"}
    checked = 0
    for doc, n in told:
        zoom = said.printed(" ".join(n.zoom_in))
        for fact, bullet in zip(n.bullet_facts, n.by_the_numbers, strict=True):
            if fact.kind in kinds:
                checked += 1
                assert bullet.split(":")[0] not in zoom, (doc["month"], bullet, n.zoom_in)
    assert checked >= 3  # such bullets remain in months whose Zoom in leaves them out


def test_the_exemptions_line_leaves_out_only_a_share_given_above(told):
    # The month's share on the lists is left out only when that figure was printed
    # above (2026-01: 72% for January, the year so far being the month); the year so
    # far's share beside it is another figure (2025-11: 67% so far, 71% in November).
    given = 0
    for doc, n in told:
        line = next((x for x in n.what_to_watch if "exemption lists with no end date" in x), None)
        month = sections.watch_view(doc)["share_month"]
        if line is None or month is None:
            continue
        above = [n.lede, n.whats_new, n.why_it_matters, *n.zoom_in, *n.between_the_lines]
        if numbers.pct(month) in said.printed(" ".join(above)):
            assert numbers.pct(month) not in line, (doc["month"], line)
        else:
            given += 1
            assert f"{numbers.pct(month)} of AI-related imports in" in line, (doc["month"], line)
    assert given >= 5


def test_no_bullet_gives_the_growth_the_bottom_line_gives(told):
    # "AI-related imports are gathering pace: up 27% … against 22% so far this year"
    # beside "$424B: … up 22% from the same months of 2023" (November 2024).
    paced = 0
    for doc, n in told:
        if n.bottom in ("quicker", "slower"):
            paced += 1
            assert "ai_yoy" not in [f.kind for f in n.bullet_facts], doc["month"]
    assert paced >= 2


def test_what_s_new_names_a_record_no_bullet_gives_again(told):
    # March 2024: What's new said "rose 17%, to $37 billion in March" and a bullet
    # "$37B: … the most in a month since …": the record is now What's new's, once, with
    # since when (house style).
    named = {}
    for doc, n in told:
        kinds = [f.kind for f in n.bullet_facts]
        fact = n.whats_new_fact
        if fact and fact.kind in ("mom_ai", "mom_share") and fact.values.get("record"):
            record = {"mom_ai": "value_record", "mom_share": "share_record"}
            kind = record[n.whats_new_fact.kind]
            assert kind in [f.kind for f in n.facts], doc["month"]  # a record indeed
            since = numbers.month_name(doc["data"]["first_month"])  # and since when
            if n.facts[0].kind in ("share_record", "value_record"):  # the lede said it
                assert f"since the data begin in {since}" in n.lede
                assert n.whats_new.endswith(", also a record."), n.whats_new
            else:
                assert n.whats_new.endswith(f"since the data begin in {since}."), n.whats_new
            assert kind not in kinds, (doc["month"], n.by_the_numbers)
            named[doc["month"]] = kind
        month = numbers.money(doc["imports"]["ai"]["month"])
        if month in said.printed(f"{n.lede} {n.whats_new}"):
            bare = f"{numbers.money_short(doc['imports']['ai']['month'])}: AI-related imports in"
            assert not any(b.startswith(bare) for b in n.by_the_numbers), n.by_the_numbers
    assert named.get("2024-03") == "value_record" and named.get("2025-04") == "share_record"


def test_what_s_new_leaves_out_a_share_the_lede_gave(told):
    # June 2026: the lede's record share (29%), then "rose 0.8 points, to 29%".
    doc, n = next((d, n) for d, n in told if d["month"] == "2026-06")
    share = numbers.pct(doc["imports"]["ai_share"]["month"])
    assert share in n.lede and n.whats_new_fact.kind == "mom_share"
    assert share not in n.whats_new and n.whats_new.endswith("points."), n.whats_new


def test_no_bullet_gives_the_rates_between_the_lines_gives(told):
    # March 2026: "10.2%: effective tariff on other goods in March 2026, against 11.7% in
    # February" (a policy event's bullet) above "the tariff on other goods fell to 10.2%
    # from 11.7% in February" in Between the lines.
    events = 0
    for doc, n in told:
        kinds = {f.kind for f in n.bullet_facts}
        assert not {"policy_event", "mom_tariff"} & kinds, doc["month"]
        events += any(f.kind == "policy_event" for f in n.facts[1:])
    assert events >= 1


def test_the_base_year_s_december_keeps_three_bullets(tmp_path):
    # December 2023: no move since last month, and Zoom in tells the top sources and
    # the mix, whose bullets it would leave out; By the numbers then takes them back
    # rather than fall to two bullets (house style: 3–5).
    settings = refreshed_sample(tmp_path)
    doc = document.compute_metrics(settings, "2023-12").doc
    n = narrative.write(doc, NARRATIVE)
    assert len(n.by_the_numbers) >= 3, n.by_the_numbers


def test_a_record_stays_told_when_what_s_new_holds_its_figure_unprinted(told):
    # A turn ("AI-related imports rose, ending a run of 3 monthly falls") holds the
    # month's value without printing it; the record bullet, whose one figure it is,
    # must stay (July 2026, a record month whose lede is a policy event).
    doc, _ = next((d, n) for d, n in told if d["month"] == "2026-07")
    previous = next(d for d, _ in told if d["month"] == "2026-06")
    turned = copy.deepcopy(doc)
    turned["news"]["turns"] = [{"series": "ai", "direction": "rise", "after": 3}]
    n = narrative.write(turned, NARRATIVE, previous=previous)
    assert n.whats_new_fact.kind == "turn", n.whats_new
    record = "the most in a month since the data begin"
    assert any(record in x for x in [n.whats_new, *n.by_the_numbers]), n.by_the_numbers


# ---- wording a reader flagged -------------------------------------------------------------
# A run of monthly moves is its own clause of the next-release line, not "after 2 monthly
# falls in a row" as if the release waited for them; January's record stands beside the
# figure it qualifies; two tariff rates moving the same way are joined by "and", not
# "while".


def test_the_next_release_line_tells_a_run_of_moves_in_its_own_clause(told):
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


def test_january_s_record_stands_beside_its_figure(told):
    for doc, n in told:
        if doc["month"] in ("2025-01", "2026-01"):
            value = numbers.money(doc["imports"]["ai"]["month"])
            assert f"{value} in {numbers.month_name(doc['month'])}, a monthly record, " in n.lede


def test_two_rates_moving_the_same_way_are_joined_by_and(told):
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
