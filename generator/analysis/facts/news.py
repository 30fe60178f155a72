"""News facts: what changed since the previous month (metrics `news`, `data.revisions`),
policy events of the month, the calendar (the year in review in December, January
against last January), the price/volume split and the range between the two lenses.

Scores are on the standing facts' scale (about 20 … 100): a policy event taking effect
outranks a record, a record outranks an ordinary monthly move, and a month's value in
dollars (`month_value`, always there, its headline naming the month) is the last resort.
"""

from __future__ import annotations

from generator import numbers
from generator.analysis.facts.core import Found, Thresholds, clip, is_record, value

# Kinds that say what changed since the previous month: "What's new" picks among them.
SINCE_LAST_MONTH = (
    "mom_ai",
    "mom_share",
    "mom_tariff",
    "turn",
    "source_rank",
    "category_rank",
    "revision",
)
# Which policy event of the month leads: a ruling, then tariffs, then exemption lists.
POLICY_WEIGHT = {"ruling": 3, "tariff": 2, "executive_order": 2, "list_start": 1, "list_end": 1}


def calendar_facts(found: Found) -> None:
    """December (its year now complete): the year in review. January: against last
    January, the only month-on-year comparison a January brief has."""
    doc = found.doc
    year, month = doc["period"]["year"], doc["month"][5:]
    if month == "12" and year > doc["definitions"]["base_year"]:
        paths = {
            "share": f"imports.ai_share.annual.{year}",
            "prior_share": f"imports.ai_share.annual.{year - 1}",
            "growth": f"imports.ai.yoy.annual.{year}",
            "year": "period.year",
            "prior_year": "period.prior_year",
        }
        cf = value(doc, f"counterfactual.annual.{year}")
        if cf and abs(cf["net_effect"]) >= 0.01 * abs(cf["actual_balance"]):
            paths["net_effect"] = f"counterfactual.annual.{year}.net_effect"
            paths["actual_balance"] = f"counterfactual.annual.{year}.actual_balance"
        found.add("year_review", 100, **paths)
    if month == "01":
        # above a record: January's brief is against last January, and says when the
        # month is a record too (its figure is the record's: no bullet would say it)
        monthly = value(doc, "imports.ai.monthly") or {}
        record = is_record(monthly, doc["month"], numbers.money_short)
        found.add_with(
            "january",
            95.5,
            {"record": record},
            growth="imports.ai.yoy.month",
            value="imports.ai.month",
            year="period.year",
            prior_year="period.prior_year",
        )


def policy_facts(found: Found) -> None:
    """The weightiest policy event of the month (taking effect, or a ruling), and an
    event announced in the month for later."""
    events = value(found.doc, "policy.events") or []
    month = found.doc["month"]
    now = [(i, e) for i, e in enumerate(events) if e["status"] == "in_month"]
    if now:
        i, e = max(now, key=lambda x: (POLICY_WEIGHT.get(x[1]["kind"] or "", 0), -x[0]))
        found.add_with(
            "policy_event",
            96 + POLICY_WEIGHT.get(e["kind"] or "", 0),
            {"kind": e["kind"] or ""},
            what=f"policy.events.{i}.what",
            non_ai_rate="news.mom.tariff_non_ai.month",
            non_ai_prior="news.mom.tariff_non_ai.prior",
            previous="news.previous_month",
        )
    ahead = [
        (i, e)
        for i, e in enumerate(events)
        if e["status"] == "upcoming" and e["announced"][:7] == month
    ]
    if ahead:
        i, e = ahead[0]
        found.add_with(
            "policy_ahead",
            74,
            {"kind": e["kind"] or ""},
            what=f"policy.events.{i}.what",
            day=f"policy.events.{i}.date",
        )


def move_facts(found: Found, th: Thresholds) -> None:
    """Month-on-month: AI imports, the AI share, other goods' tariff rate; turns."""
    doc = found.doc
    mom = value(doc, "news.mom") or {}
    ai = (mom.get("ai") or {}).get("change")
    if ai is not None:
        found.add(
            "mom_ai",
            min(88.0, 48 + 200 * abs(ai)) if abs(ai) >= 0.02 else 40,
            change="news.mom.ai.change",
            value="news.mom.ai.month",
            previous="news.previous_month",
        )
    sh = (mom.get("ai_share") or {}).get("change")
    if sh is not None:
        found.add(
            "mom_share",
            min(90.0, 50 + 1000 * abs(sh)) if abs(sh) >= 0.005 else 38,
            change="news.mom.ai_share.change",
            share="news.mom.ai_share.month",
            prior_share="news.mom.ai_share.prior",
            previous="news.previous_month",
        )
    tr = (mom.get("tariff_non_ai") or {}).get("change")
    if tr is not None:
        found.add(
            "mom_tariff",
            min(90.0, 40 + 1500 * abs(tr) * (abs(tr) >= 0.005)),
            change="news.mom.tariff_non_ai.change",
            rate="news.mom.tariff_non_ai.month",
            prior_rate="news.mom.tariff_non_ai.prior",
            ai_rate="news.mom.tariff_ai.month",
            previous="news.previous_month",
        )
    for i, turn in enumerate(value(doc, "news.turns") or []):
        if turn["series"] in ("ai", "ai_share"):
            found.add_with(
                "turn",
                78 + min(turn["after"], 12),
                {"series": turn["series"], "direction": turn["direction"]},
                after=f"news.turns.{i}.after",
                value=f"news.mom.{turn['series']}.month",
                previous="news.previous_month",
            )
            break


def rank_facts(found: Found) -> None:
    """A new leading source in the month; a category moving up past another."""
    doc = found.doc
    sources = value(doc, "news.ranks.sources") or []
    if sources and sources[0]["prior_rank"] not in (None, 1):
        j = next((k for k, s in enumerate(sources) if s["prior_rank"] == 1), None)
        if j is not None:
            found.add(
                "source_rank",
                83,
                leader="news.ranks.sources.0.name",
                value="news.ranks.sources.0.value",
                previous_leader=f"news.ranks.sources.{j}.name",
                previous_value=f"news.ranks.sources.{j}.value",
                previous="news.previous_month",
            )
    cats = value(doc, "news.ranks.categories") or []
    for i, c in enumerate(cats[:3]):
        prior = c["prior_rank"]
        if prior is None or c["rank"] >= prior:
            continue
        j = next((k for k, o in enumerate(cats) if o["prior_rank"] == c["rank"]), None)
        if j is not None:
            found.add(
                "category_rank",
                66 - 4 * i,
                label=f"news.ranks.categories.{i}.label",
                value=f"news.ranks.categories.{i}.value",
                other=f"news.ranks.categories.{j}.label",
                other_value=f"news.ranks.categories.{j}.value",
                previous="news.previous_month",
            )
            break


def revision_facts(found: Found) -> None:
    """The largest revision the month's refresh made to an earlier month (0.5% or more)."""
    revs = value(found.doc, "data.revisions") or []
    sized = [(abs(r["change"] or 0), i) for i, r in enumerate(revs)]
    if sized and max(sized)[0] >= 0.005:
        size, i = max(sized)
        found.add(
            "revision",
            60 + 25 * clip(size / 0.05),
            revised=f"data.revisions.{i}.month",
            flow=f"data.revisions.{i}.flow",
            old=f"data.revisions.{i}.old",
            new=f"data.revisions.{i}.new",
            change=f"data.revisions.{i}.change",
            previous="news.previous_month",
        )


def split_facts(found: Found) -> None:
    """Unit values against volumes (only when the decomposition is quotable), and the
    range between the research definition and the core lens (3 points or more)."""
    doc = found.doc
    price, volume = value(doc, "prices.ai.since_base.ytd"), value(doc, "volumes.ai.since_base.ytd")
    quotable = value(doc, "prices.ai.quotable") and value(doc, "volumes.ai.quotable")
    if quotable and price is not None and volume is not None:
        found.add(
            "price_volume",
            56 + 30 * clip(abs(volume - price)),
            growth="imports.ai.since_base.ytd",
            price="prices.ai.since_base.ytd",
            volume="volumes.ai.since_base.ytd",
            base_year="definitions.base_year",
        )
    wide, core = value(doc, "imports.ai_share.month"), value(doc, "imports.ai_share_core.month")
    if wide is not None and core is not None and round(wide - core, 6) >= 0.03:
        found.add(
            "core_range",
            44 + 100 * clip(wide - core),
            share="imports.ai_share.month",
            core_share="imports.ai_share_core.month",
        )
    found.add("month_value", 20, value="imports.ai.month")
