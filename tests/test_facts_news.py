"""News value relative to the previous month (generator/analysis/facts/, the headline,
lede and What's new of generator/brief/narrative.py): on the hand-built documents of
tests/test_news.py, and over the sample's editions 2024-01 … 2026-09, written from
metrics computed in this process (no PDF)."""

from __future__ import annotations

import copy
import re

import pytest

from generator import config, numbers
from generator.analysis import document
from generator.analysis import metrics as m
from generator.analysis.facts import Fact, beats_history, find_facts, is_record, moved
from generator.brief import narrative, whats_new
from generator.data.refresh import refresh
from tests.conftest import REPO
from tests.test_brief import TOKEN, allowed_tokens
from tests.test_news import doc

NARRATIVE = REPO / "templates" / "narrative"


# ---- hand-built documents ---------------------------------------------------------------------


def kinds_scores(facts):
    return [(f.kind, f.score) for f in facts]


def test_news_scores_by_hand():
    # May 2024 (tests/test_news.py): other goods' tariff 10% -> 20%: 40 + 1500 × 0.1 = 190,
    # capped at 90; Mexico new top source: 83; a fall after 4 rises: 78 + 4 = 82;
    # the share -0.015151: 50 + 1000 × 0.015151 = 65.151; AI -6.6667%: 48 + 13.333
    got = dict(kinds_scores(find_facts(doc())))
    assert got["mom_tariff"] == 90.0 and got["source_rank"] == 83 and got["turn"] == 82
    assert got["mom_share"] == 65.151 and got["mom_ai"] == 61.333
    assert find_facts(doc())[0].kind == "mom_tariff"


def test_a_record_is_a_record_as_printed():
    # May 2024's $38.6B record printed "$39B"; a $39.0B July prints "$39B" again
    monthly = {"2024-04": 35.0e9, "2024-05": 38.6e9, "2024-06": 36.0e9, "2024-07": 39.0e9}
    assert beats_history(monthly, "2024-07")  # above every earlier month …
    assert not beats_history(monthly, "2024-07", numbers.money_short)  # … but not as read
    monthly["2024-07"] = 39.6e9  # "$40B"
    assert beats_history(monthly, "2024-07", numbers.money_short)
    shares = {"2024-02": 0.151, "2024-03": 0.158, "2024-04": 0.162}  # 16% after 16%
    assert not beats_history(shares, "2024-04", numbers.pct)
    assert not beats_history({"2024-01": 0.2, "2024-02": 0.2}, "2024-02")  # a tie


def test_a_record_needs_a_year_of_history():
    # 12 months rising to a high: no year behind it yet; one more month, and it counts
    monthly = {f"2023-{m:02d}": 10.0e9 + m * 1e9 for m in range(1, 13)}
    assert beats_history(monthly, "2023-12", numbers.money_short)
    assert not is_record(monthly, "2023-12", numbers.money_short)
    monthly["2024-01"] = 30.0e9
    assert is_record(monthly, "2024-01", numbers.money_short)


def test_of_two_marks_passed_the_higher_is_told():
    # 2026-03 in the sample: the share so far went from 19% a year earlier to 27%,
    # past a fifth and a quarter; the brief said "past a fifth" (the first mark found)
    # while June's 28% said "past a quarter".
    d = doc()
    d["imports"]["ai_share"].update(ytd=0.27, prior_ytd=0.19)
    found = [f for f in find_facts(d) if f.kind == "share_threshold"]
    assert [f.values["mark_words"] for f in found] == ["a quarter"]
    d["imports"]["ai_share"].update(ytd=0.34, prior_ytd=0.19)  # a fifth, a quarter, a third
    found = [f for f in find_facts(d) if f.kind == "share_threshold"]
    assert [f.values["mark_words"] for f in found] == ["a third"]
    d["imports"]["ai_share"].update(ytd=0.24, prior_ytd=0.21)  # no mark passed
    assert not [f for f in find_facts(d) if f.kind == "share_threshold"]


def test_the_fact_that_led_last_month_is_demoted():
    may = doc()
    # Last month led with the same story (other goods' tariff): 90 × 0.3 = 27
    facts = find_facts(may, previous=may)
    assert dict(kinds_scores(facts))["mom_tariff"] == 27.0
    assert facts[0].kind == "source_rank"
    # April led with a record share, which May does not have: no lead demoted, but the
    # standing figures that barely moved since April keep 30% (facts.STANDING_MOVED):
    #   AI share so far: 51/171 = 29.82%, 65/215 = 30.23%: 0.41 < 0.5 point
    #   deficit effect / balance: 11/91 = 12.09%, 15/115 = 13.04%: 0.96 < 1 point
    # AI on a year earlier (27.5% → 30.0%, 2.5 ≥ 2 points), the tariff gap (10% → 12%),
    # Taiwan's and compute hardware's share (50/51 → 51/65) moved: kept.
    alone = dict(kinds_scores(find_facts(may)))
    after = dict(kinds_scores(find_facts(may, previous=doc("2024-04"))))
    demoted = {"share_level": 16.57, "counterfactual": 19.383}
    assert (alone["share_level"], alone["counterfactual"]) == (55.233, 64.609)
    assert after == {**alone, **demoted}
    # 2024 is the year after the base year (2023): AI's growth since the base is its growth
    # on a year earlier (Jan–May 65/50 - 1 = 30.0% both ways), which ai_yoy tells; the
    # divergence fact would say the same number again.
    assert may["imports"]["ai"]["since_base"]["ytd"] == may["imports"]["ai"]["yoy"]["ytd"]
    assert "divergence" not in alone and "ai_yoy" in alone


def test_a_standing_fact_is_news_again_only_when_it_moved():
    def fact(kind, **values):
        return Fact(kind, 50.0, values)

    # a share 0.5 point up is news; 0.4 point is not
    assert moved(fact("share_level", share=0.305), fact("share_level", share=0.300))
    assert not moved(fact("share_level", share=0.304), fact("share_level", share=0.300))
    # the leading sources: a new name is news even with the same share
    a = fact("top_sources", first="Taiwan", first_share=0.28, second="Mexico")
    b = fact("top_sources", first="Mexico", first_share=0.28, second="Taiwan")
    assert moved(a, b) and not moved(a, a)
    # the deficit effect, as a part of the balance: 15/115 = 13.04% against 11/91 = 12.09%
    # (0.96 point: not news), against 10/91 = 10.99% (2.05 points: news)
    cf = fact("counterfactual", net_effect=15.0, actual_balance=-115.0)
    assert not moved(cf, fact("counterfactual", net_effect=11.0, actual_balance=-91.0))
    assert moved(cf, fact("counterfactual", net_effect=10.0, actual_balance=-91.0))
    # a kind that says what changed, or one the previous month did not have: always news
    assert moved(fact("mom_ai", change=0.0), fact("mom_ai", change=0.0))
    assert moved(fact("share_level", share=0.3), None)


def test_the_headline_is_never_one_last_month_could_carry():
    may = doc()
    before = copy.deepcopy(may)  # "April" telling May's story: the same headlines
    before["month"], before["news"]["previous_month"] = "2024-04", "2024-03"
    alone = narrative.write(may, NARRATIVE)
    after = narrative.write(may, NARRATIVE, previous=before)
    told_before = narrative.write(before, NARRATIVE)
    assert alone.headline == "Tariffs on other goods rise to 20.0%"
    assert after.headline != told_before.headline
    # every higher-ranked headline reads as April's did; the first naming its month leads
    # (a change of top source names the month it happened in: the ranking of the month)
    assert after.facts[0].kind == "source_rank"
    assert after.headline == "Mexico passes Taiwan as top AI source in May"


def _source_rank_told(leader: float, runner_up: float) -> tuple[str, str]:
    """May (tests/test_news.py) with Mexico's new lead at these values: the lede when the
    lead is the news (April's story told before it, as in the test above), and the
    fact's bullet as facts.yaml words it."""
    may = doc()
    ranks = may["news"]["ranks"]["sources"]
    ranks[0]["value"], ranks[1]["value"] = leader, runner_up
    before = copy.deepcopy(may)
    before["month"], before["news"]["previous_month"] = "2024-04", "2024-03"
    n = narrative.write(may, NARRATIVE, previous=before)
    assert n.facts[0].kind == "source_rank"
    words = narrative.load_words(NARRATIVE / "words.yaml")
    env = narrative.environment([NARRATIVE], words)
    bullet = narrative._fact_texts(NARRATIVE / "facts.yaml")["source_rank"]["bullet"][0]
    values = {"leader": "Mexico", "value": leader, "previous_leader": "Taiwan"}
    values |= {"previous_value": runner_up, "previous": "2024-04"}
    ctx = {**narrative.context(may, words), **values}
    return n.lede, narrative.render_string(env, bullet, ctx, "facts.yaml")


def test_a_new_top_source_by_a_hair_is_just_ahead_not_more_than_the_same_figure():
    # $16.04B against $15.98B print alike: "more than Taiwan ($16 billion)" read as a slip
    lede, bullet = _source_rank_told(16.04e9, 15.98e9)
    assert "$16 billion of AI-related goods to the U.S. in May 2024, just ahead of Taiwan," in lede
    assert "($16 billion)" not in lede
    assert bullet == "$16B: AI-related imports from Mexico in May 2024, just ahead of Taiwan."
    lede, bullet = _source_rank_told(17.2e9, 15.1e9)
    assert "in May 2024, more than Taiwan ($15 billion), which led in April 2024." in lede
    assert bullet == "$17B: AI-related imports from Mexico in May 2024, ahead of Taiwan ($15B)."


def test_whats_new_names_the_previous_month_and_the_biggest_change():
    n = narrative.write(doc(), NARRATIVE, previous=doc("2024-04"))
    # lead: the tariff; the biggest other change since April: Mexico overtaking Taiwan
    assert n.whats_new_fact.kind == "source_rank"
    assert n.whats_new.startswith("Since April 2024, Mexico has overtaken Taiwan")
    # the month's ranking, named as such: the sources chart beside it ranks the year so
    # far, where the leader may still be the other (2025-10 in the sample)
    assert "as the month's top source of AI-related imports" in n.whats_new
    assert n.whats_new.endswith(" in May.")
    assert n.whats_new_fact.paths["previous"] == "news.previous_month"


def _move(kind: str, score: float, **values: float) -> Fact:
    paths = {k: f"news.mom.{kind}.{k}" for k in values}
    return Fact(kind, score, {**values, "previous": "2024-08"}, paths)


def test_whats_new_takes_a_change_that_moved_over_one_that_held():
    # September 2024 in the sample: the tariff on other goods 2.6649% → 2.6733% (both
    # print 2.7%: "held at 2.7%") ranked above the AI share's +0.27 point
    lead = _move("mom_ai", 40, change=-0.0058)  # "held steady": it leads anyway
    tariff = _move("mom_tariff", 40, change=8.4e-05, rate=0.026733, prior_rate=0.026649)
    share = _move("mom_share", 38, change=0.0027)
    texts = {k: {"whats_new": "…"} for k in ("mom_ai", "mom_tariff", "mom_share")}
    doc = {"news": {"previous_month": "2024-08"}}
    assert whats_new.choose(doc, [lead, tariff, share], lead, texts) is share
    # nothing moved: the best-ranked says so
    share = _move("mom_share", 38, change=0.0004)
    assert whats_new.choose(doc, [lead, tariff, share], lead, texts) is tariff
    # a tariff that prints differently moved, by however little
    tariff = _move("mom_tariff", 40, change=0.0001, rate=0.02675, prior_rate=0.02665)
    assert whats_new.choose(doc, [lead, tariff, share], lead, texts) is tariff


def test_still_is_what_the_line_would_print():
    assert whats_new.still(_move("mom_tariff", 1, rate=0.0274, prior_rate=0.0266), 0.02)
    assert not whats_new.still(_move("mom_tariff", 1, rate=0.0275, prior_rate=0.0274), 0.02)
    assert whats_new.still(_move("mom_share", 1, change=-0.00049), 0.02)
    assert not whats_new.still(_move("mom_share", 1, change=-0.0005), 0.02)
    assert whats_new.still(_move("mom_ai", 1, change=0.0199), 0.02)
    assert not whats_new.still(_move("mom_ai", 1, change=-0.02), 0.02)
    assert not whats_new.still(_move("mom_ai", 1, change=0.0199), 0.01)  # words.yaml's
    assert not whats_new.still(_move("source_rank", 1), 0.02)


# ---- the sample's editions -------------------------------------------------------------------

ACTION = re.compile(r"Executive Order \d+|Section \d+|Supreme Court|IEEPA|reciprocal", re.I)


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """Month → (metrics, narrative) for the sample's editions 2024-01 … 2026-09, each
    written against the previous month's metrics, as the build does."""
    folder = tmp_path_factory.mktemp("news")
    cfg = folder / "config.yaml"
    cfg.write_text(
        f"output:\n  dir: {folder / 'output'}\n"
        f"taxonomy:\n  rules: {REPO / 'taxonomy' / 'ai_products.yaml'}\n"
        f"  exemptions: {REPO / 'taxonomy' / 'exemptions'}\n"
        f"  policy: {REPO / 'taxonomy' / 'policy.yaml'}\n"
        f"templates:\n  dir: {REPO / 'templates'}\n",
        encoding="utf-8",
    )
    settings = config.load(cfg)
    refresh(settings)
    sums = document.warehouse_sums(settings)
    inp = document.metrics_input(settings, sums.months[-1], sums)
    opts = document.options(settings)
    docs = {mo: m.compute(inp, mo, opts).doc for mo in sums.months if mo >= "2023-12"}
    out = {}
    for mo in (x for x in docs if x >= "2024-01"):
        prev = docs[m.month_name(m.month_index(mo) - 1)]
        out[mo] = (docs[mo], narrative.write(docs[mo], NARRATIVE, previous=prev))
    assert "2026-09" in out, sorted(out)[-1]
    return out


def test_no_headline_repeats_the_previous_month(editions):
    months = sorted(editions)
    repeats = [
        mo
        for a, mo in zip(months, months[1:], strict=False)
        if editions[a][1].headline.casefold() == editions[mo][1].headline.casefold()
    ]
    assert repeats == []


def test_december_leads_with_the_year_in_review(editions):
    for mo in ("2024-12", "2025-12"):
        n = editions[mo][1]
        assert n.facts[0].kind == "year_review"
        assert n.headline.startswith(f"{mo[:4]} in review")


def test_a_record_january_says_so(editions):
    # January leads with last January, above a record; its figure is the record's, so no
    # bullet would call it one (2026-01: $68B after $64B in November 2025)
    for mo in ("2024-01", "2025-01", "2026-01"):
        doc, n = editions[mo]
        shown = {k: numbers.money_short(v) for k, v in doc["imports"]["ai"]["monthly"].items()}
        earlier = max((v for k, v in doc["imports"]["ai"]["monthly"].items() if k < mo))
        record = (
            shown[mo] != numbers.money_short(earlier) and doc["imports"]["ai"]["month"] > earlier
        )
        assert ("a monthly record" in n.lede) == record, (mo, n.lede)
    assert "a monthly record" in editions["2026-01"][1].lede


def test_a_share_that_prints_as_its_mark_is_just_past_it(editions):
    # June 2025: the share so far passes a fifth but prints 20%; "20%, more than a
    # fifth" reads as a contradiction
    doc, n = editions["2025-06"]
    assert n.facts[0].kind == "share_threshold" and n.facts[0].values["at_mark"] is True
    assert f"made up {numbers.pct(doc['imports']['ai_share']['ytd'])}" in n.lede
    assert "20%" in n.lede and "just over a fifth" in n.lede


def test_whats_new_says_held_only_when_nothing_else_moved(editions):
    # 2024-02 and 2024-09 said "the effective tariff on other goods held at …" while the
    # AI share had moved 0.3 point
    held = []
    for mo, (_, n) in editions.items():
        if "held" not in n.whats_new:
            continue
        held.append(mo)
        moving = [
            f
            for f in n.facts[1:]
            if f.kind in ("mom_ai", "mom_share", "mom_tariff")
            and not whats_new.still(f, 0.02)
            and not whats_new.figures(f) & whats_new.figures(n.facts[0])
        ]
        assert moving == [], (mo, n.whats_new, [f.kind for f in moving])
    for mo in ("2024-02", "2024-09"):
        before = numbers.month_name(m.month_name(m.month_index(mo) - 1))
        assert editions[mo][1].whats_new.startswith(f"Since {before}, the AI share")


def test_january_compares_with_last_january(editions):
    for mo in ("2024-01", "2025-01", "2026-01"):
        n = editions[mo][1]
        assert n.facts[0].kind == "january"
        assert f"January {int(mo[:4]) - 1}" in n.headline and f"January {mo[:4]}" in n.lede


@pytest.mark.parametrize("month", ["2025-04", "2026-02"])
def test_the_month_of_a_tariff_action_names_it(editions, month):
    metrics, n = editions[month]
    events = [e["what"] for e in metrics["policy"]["events"] if e["status"] == "in_month"]
    names = {x.casefold() for e in events for x in ACTION.findall(e)}
    assert names and n.facts[0].kind == "policy_event"
    said = {x.casefold() for x in ACTION.findall(f"{n.headline} {n.lede}")}
    assert names & said


def test_whats_new_from_the_second_edition_names_the_previous_month(editions):
    for mo, (_, n) in sorted(editions.items())[1:]:
        prev = narrative.numbers.month_name(m.month_name(m.month_index(mo) - 1))
        assert n.whats_new.startswith(f"Since {prev},"), (mo, n.whats_new)
        assert n.whats_new_fact is not None and n.whats_new_fact.kind != n.facts[0].kind


def _untraced(text: str, metrics: dict, paths: dict[str, str]) -> list[str]:
    """Numbers of `text` that are not a value at one of the sentence's own paths, as the
    house style prints it (a number inside a quoted policy text is that text's)."""
    values = {p: m.get_path(metrics, p) for p in paths.values()}
    ok = allowed_tokens(values) | {str(v) for v in values.values() if isinstance(v, int)}
    quoted = " ".join(v for v in values.values() if isinstance(v, str))
    bad = []
    for tok in TOKEN.findall(text):
        t = tok.replace(narrative.numbers.MINUS, "-")
        if t in ok or t.lstrip("+-") in ok or tok in quoted:
            continue
        bad.append(tok)
    return bad


def test_every_number_of_headline_lede_and_whats_new_is_traced(editions):
    bad = {}
    for mo, (metrics, n) in editions.items():
        lead, new = n.facts[0], n.whats_new_fact
        paths = {**lead.paths, "month": "month"}
        found = _untraced(f"{n.headline} {n.lede}", metrics, paths)
        if new is not None:
            found += _untraced(n.whats_new, metrics, {**new.paths, "month": "month"})
        if found:
            bad[mo] = found
    assert bad == {}


def test_the_tracer_catches_an_invented_number(editions):
    metrics, n = editions["2025-12"]
    assert _untraced("AI goods hit 99.9% in 2031", metrics, n.facts[0].paths) == [
        "99.9%",
        "2031",
    ]


def test_whats_new_never_repeats_a_figure_the_lede_gave():
    """July 2026: the policy lede already tells other goods' tariff move, so What's new
    takes the next change (it used to say the same 10.1% → 9.0% again)."""
    lead = Fact(
        "policy_event",
        95,
        {"what": "The surcharge ends.", "non_ai_rate": 0.09, "previous": "2026-06"},
        {"non_ai_rate": "news.mom.tariff_non_ai.month", "previous": "news.previous_month"},
    )
    tariff = Fact(
        "mom_tariff",
        80,
        {"rate": 0.09, "previous": "2026-06"},
        {"rate": "news.mom.tariff_non_ai.month", "previous": "news.previous_month"},
    )
    imports = Fact(
        "mom_ai",
        60,
        {"change": 0.044, "previous": "2026-06"},
        {"change": "news.mom.ai.change", "previous": "news.previous_month"},
    )
    doc = {"news": {"previous_month": "2026-06"}}
    texts = {k: {"whats_new": ""} for k in ("policy_event", "mom_tariff", "mom_ai")}
    chosen = whats_new.choose(doc, [lead, tariff, imports], lead, texts)
    assert chosen is imports  # the month's name alone ("previous") is no repeat


def test_growth_since_the_base_year_is_told_once_it_differs_from_year_on_year(editions):
    # In 2024 (base year 2023) the growth since the base is the growth on a year
    # earlier: no "divergence" fact beside ai_yoy. From 2025 the two differ and both count.
    kinds = {mo: {f.kind for f in n.facts} for mo, (_doc, n) in editions.items()}
    assert all("divergence" not in k for mo, k in kinds.items() if mo < "2025-01")
    assert all("divergence" in k for mo, k in kinds.items() if mo >= "2025-01")
    jan = editions["2024-01"][1]
    assert "up 22% from January 2023" in jan.lede
    assert not any("22%" in b for b in jan.by_the_numbers)  # was in two bullets
