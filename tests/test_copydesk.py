"""The copy desk (generator.brief.copydesk): the definitions of issue 18's Acceptance on
small strings worked out by hand, then each kind of finding on hand-built edition
folders (narrative.json, charts.json and CSVs written here), and a clean pair that
reports nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.brief import copydesk
from generator.brief.copydesk import Edition, numbers_in, sentences, shape, word_count
from generator.brief.copydesk_charts import ChartData, check_charts, tokens
from generator.errors import UserError
from generator.numbers import month_name

# ---- the definitions, by hand ------------------------------------------------------------------


def test_sentences_split_at_the_four_marks():
    assert sentences("Imports rose 4.5% in May; exports fell. U.S. tariffs rose!") == [
        "Imports rose 4.5% in May",
        "exports fell",
        "U.S. tariffs rose",
    ]
    assert sentences("Why? Because.") == ["Why", "Because"]


def test_sentences_split_at_bullets_and_lines_not_inside_numbers_or_names():
    text = "- $856B: AI imports, up 27% on 2024.\n- Prices vs. volumes: see metrics.json\n\nNext."
    assert sentences(text) == [
        "$856B: AI imports, up 27% on 2024",
        "Prices vs. volumes: see metrics.json",
        "Next",
    ]
    assert sentences("• one\n* two\n– three") == ["one", "two", "three"]
    # two sentences glued without a space still are two
    assert sentences("cooling 6.9%.How much is AI-related") == [
        "cooling 6.9%",
        "How much is AI-related",
    ]
    assert sentences('He said "no." Then left') == ['He said "no"', "Then left"]
    assert sentences("e.g. chips, i.e. servers") == ["e.g. chips, i.e. servers"]


def test_a_number_is_a_token_with_a_digit():
    s = "AI imports rose 27% to $856 billion in December 2025, 4.3 points above 2024"
    # 27% · $856 · 2025, · 4.3 · 2024 ("billion" and "points" hold no digit)
    assert numbers_in(s) == ["27%", "$856", "2025,", "4.3", "2024"]
    assert numbers_in("HS10 codes") == ["HS10"]
    assert numbers_in("no numbers here") == []


def test_words_are_tokens_with_a_letter_or_digit():
    assert word_count("Imports — mostly chips — rose 4%") == 5
    assert word_count("") == 0


def test_shaped_like_masks_numbers_and_month_names():
    a = "AI imports rose 4.5% in November 2025, to $60B"
    b = "AI imports rose 12% in May 2024, to $61B"
    assert shape(a) == "AI imports rose # in # # to #"
    assert shape(a) == shape(b)
    assert shape("in January–September 2025") == "in # #"
    assert shape("November's imports") == "# imports"
    assert shape("tariffs may rise") == "tariffs may rise"  # the verb is no month
    assert shape("AI imports fell 4.5% in November") != shape(a)


def test_previous_month():
    assert copydesk.previous_month("2025-01") == "2024-12"
    assert copydesk.previous_month("2025-11") == "2025-10"


# ---- hand-built editions -----------------------------------------------------------------------

GROWTH = (
    ["month", "ai", "non_ai"],
    [["2023-01", 90, 95], ["2023-02", 110, 105], ["2025-11", 196, 101], ["2025-12", 200, 102]],
)
TARIFFS = (
    ["month", "ai", "non_ai"],
    [["2025-11", 0.041, 0.118], ["2025-12", 0.046, 0.12]],
)
METRICS = {
    "imports": {"ai": {"month": 61.2e9, "annual": {"2024": 700e9}, "since_base": 1.0}},
    "ai_share": {"month": 0.27},
    "tariffs": {"ai": {"month": 0.046}, "non_ai": {"month": 0.12}, "gap": 0.074},
    "counterfactual": {"annual": {"2025": {"net_effect": 194.4e9}}},
    "base_year": 2023,
}


def write_edition(
    root: Path,
    month: str,
    sections: dict[str, str],
    charts: list[tuple[str, str, tuple[list, list]]] = (),
    metrics: dict | None = None,
) -> Path:
    """An edition folder as the build leaves it, holding only what the desk reads."""
    folder = root / month
    (folder / "charts").mkdir(parents=True)
    doc = {
        "month": month,
        "headline": sections.get("headline", ""),
        "sections": [
            {"key": k, "html": "", "text": v, "sentences": []} for k, v in sections.items()
        ],
    }
    (folder / "narrative.json").write_text(json.dumps(doc), encoding="utf-8")
    listing = []
    for key, title, (header, rows) in charts:
        lines = [",".join(map(str, header))] + [",".join(map(str, r)) for r in rows]
        (folder / "charts" / f"{key}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        listing.append(
            {
                "key": key,
                "title": title,
                "alt": "",
                "source": "",
                "svg": f"{key}.svg",
                "png": f"{key}.png",
                "csv": f"{key}.csv",
            }  # fmt: skip
        )
    (folder / "charts" / "charts.json").write_text(json.dumps(listing), encoding="utf-8")
    (folder / "metrics.json").write_text(json.dumps({"month": month, **(metrics or METRICS)}))
    return folder


NOVEMBER = {
    "headline": "AI goods hit a record 27% of U.S. imports",
    "lede": "AI-related products made up 27% of goods imports in November 2025.",
    "why_it_matters": "The build-out is big enough to move the trade balance.",
    "by_the_numbers": "- $61B: AI-related imports in November 2025.\n- 4.6%: tariff on AI goods.",
    "between_the_lines": "- Chips pay little duty.\n- Power gear pays more.",
    "what_to_watch": "- Census publishes December data in February.",
    "bottom_line": "The AI build-out runs on imported hardware.",
}
DECEMBER = {
    "headline": "AI imports slip from November's record",
    "whats_new": "Since November: AI imports fell 3% from the record.",
    "lede": "AI-related imports fell to $61B in December 2025, ending a run of records.",
    "why_it_matters": "A pause in server orders would show first in Taiwan.",
    "by_the_numbers": "- 27%: share of imports that is AI-related, as in November 2025.\n"
    "- Taiwan overtook Mexico as the top source.",
    "between_the_lines": "- Other goods paid 12% in tariffs.\n- Exemptions end in 2026.",
    "what_to_watch": "- The annual revision arrives in June.",
    "bottom_line": "The year ends with the deficit wider than ever.",
}
CLEAN_CHARTS = [
    ("growth_index", "AI-related imports have doubled since 2023", GROWTH),
    ("tariffs", "The tariff gap widened to 7.4 points", TARIFFS),
]


def lines_of(review) -> list[str]:
    return review.lines()


def test_a_clean_pair_reports_nothing(tmp_path):
    write_edition(tmp_path, "2025-11", NOVEMBER, CLEAN_CHARTS)
    write_edition(tmp_path, "2025-12", DECEMBER, CLEAN_CHARTS)
    months = ["2025-11", "2025-12"]
    for kwargs in ({"all_months": True}, {"month": "2025-12"}, {}):
        review = copydesk.review_folders(tmp_path, months, **kwargs)
        assert review.lines() == [], kwargs
    review = copydesk.review_folders(tmp_path, months, all_months=True)
    assert review.months == months
    assert review.summary() == f"2 editions, {review.sentences} sentences"
    assert review.sentences == 19  # 9 sentences in November, 10 in December (by hand)


def test_the_same_headline_as_the_month_before(tmp_path):
    write_edition(tmp_path, "2025-11", NOVEMBER)
    write_edition(tmp_path, "2025-12", {**DECEMBER, "headline": NOVEMBER["headline"]})
    review = copydesk.review_folders(tmp_path, ["2025-11", "2025-12"])
    assert review.lines() == [
        '2025-12 headline: same headline as 2025-11: "AI goods hit a record 27% of U.S. imports"'
    ]


def _body(n_new: int, n_shaped: int, n_same: int) -> dict[str, str]:
    """December: 3 sentences (headline, What's new, bottom line) + n_new of its own +
    n_shaped shaped like November's (other numbers, other month) + n_same equal to
    November's word for word."""
    own = [f"Fresh sentence number {chr(65 + i)} here" for i in range(n_new)]
    shaped = [f"Imports of kind {chr(97 + i)} rose {i + 10}% in December" for i in range(n_shaped)]
    same = [f"Carried over line {chr(97 + i)}" for i in range(n_same)]
    return {
        "headline": "Headline for the end of the year",
        "whats_new": "Since November 2025 imports moved.",
        "lede": ". ".join(own + shaped + same) + ".",
        "bottom_line": "Bottom line two.",
    }


def _previous_body(n_shaped: int, n_same: int) -> dict[str, str]:
    shaped = [f"Imports of kind {chr(97 + i)} rose {i + 1}.5% in November" for i in range(n_shaped)]
    same = [f"Carried over line {chr(97 + i)}" for i in range(n_same)]
    lede = ". ".join(shaped + same) + "."
    return {"headline": "Headline before", "lede": lede, "bottom_line": "Bottom line one."}


def test_sentences_shaped_like_the_previous_edition(tmp_path):
    # December: 3 + 0 own + 4 shaped = 7 sentences; 4 of 7 = 57% > 50%.
    write_edition(tmp_path, "2025-11", _previous_body(4, 0))
    write_edition(tmp_path, "2025-12", _body(0, 4, 0))
    review = copydesk.review_folders(tmp_path, ["2025-11", "2025-12"])
    assert review.lines() == [
        "2025-12 body: 4 of 7 sentences (57%) shaped like 2025-11's (at most 50%), e.g.: "
        '"Imports of kind a rose 10% in December"'
    ]


def test_half_the_sentences_shaped_alike_is_still_fine(tmp_path):
    # 3 + 1 own + 4 shaped = 8 sentences; 4 of 8 = 50%: at the limit, allowed.
    write_edition(tmp_path, "2025-11", _previous_body(4, 0))
    write_edition(tmp_path, "2025-12", _body(1, 4, 0))
    assert copydesk.review_folders(tmp_path, ["2025-11", "2025-12"]).lines() == []


def test_sentences_equal_word_for_word(tmp_path):
    # 3 + 5 own + 2 carried over = 10 sentences: 2 of 10 = 20% > 10%; each is listed.
    write_edition(tmp_path, "2025-11", _previous_body(0, 2))
    write_edition(tmp_path, "2025-12", _body(5, 0, 2))
    assert copydesk.review_folders(tmp_path, ["2025-11", "2025-12"]).lines() == [
        "2025-12 body: 2 of 10 sentences (20%) word for word as in 2025-11 (at most 10%)",
        '2025-12 lede: word for word as in 2025-11: "Carried over line a"',
        '2025-12 lede: word for word as in 2025-11: "Carried over line b"',
    ]
    # 3 + 6 own + 1 carried over = 10 sentences: 10%, allowed.
    other = tmp_path / "b"
    write_edition(other, "2025-11", _previous_body(0, 1))
    write_edition(other, "2025-12", _body(6, 0, 1))
    assert copydesk.review_folders(other, ["2025-11", "2025-12"]).lines() == []


def test_sentences_too_long_or_with_too_many_numbers(tmp_path):
    words35 = " ".join(["word"] * 35)
    sections = {
        "headline": "Fine headline",
        "zoom_in": f"{words35}. {words35} more. 1 2 3 4 five. 1 2 3 4 5 six.",
    }
    write_edition(tmp_path, "2025-12", sections)
    assert copydesk.review_folders(tmp_path, ["2025-12"]).lines() == [
        f'2025-12 zoom_in: 36 words (at most 35): "{copydesk.shorten(words35 + " more")}"',
        '2025-12 zoom_in: 5 numbers (at most 4): "1 2 3 4 5 six"',
    ]
    both = " ".join(f"{i}" for i in range(36))
    write_edition(tmp_path / "b", "2025-12", {"headline": "H", "lede": both})
    assert copydesk.review_folders(tmp_path / "b", ["2025-12"]).lines() == [
        f'2025-12 lede: 36 words (at most 35), 36 numbers (at most 4): "{copydesk.shorten(both)}"'
    ]


def _series(bottoms: list[str], named: list[bool]) -> list[Edition]:
    """Editions from January 2025 on, each with ten sentences of its own (so that only the
    measures across editions can fail), a What's new line naming the month before it or
    not (`named`, for the second edition on), and the given bottom lines."""
    months = [f"2025-{m:02d}" for m in range(1, len(bottoms) + 1)]
    eds = []
    for i, (month, bottom) in enumerate(zip(months, bottoms, strict=True)):
        prev = month_name(copydesk.previous_month(month))
        new = f"Since {prev}: more." if i and named[i - 1] else "Since then: more."
        own = ". ".join(f"Story {chr(65 + i)}{chr(65 + j)} told" for j in range(10))
        sections = {
            "headline": f"Headline {chr(65 + i)}",
            "whats_new": new,
            "lede": own,
            "bottom_line": bottom,
        }
        eds.append(Edition(month=month, sections=sections))
    return eds


def test_bottom_lines_distinct_in_three_quarters_of_editions():
    named = [True] * 3
    fine = copydesk.review(_series(["A.", "B.", "C.", "C."], named), across=True)
    assert fine.lines() == []  # 3 distinct texts in 4 editions: 75%
    few = copydesk.review(_series(["A.", "A.", "A.", "B."], named), across=True)
    assert few.lines() == [
        'all bottom_line: 2 distinct texts in 4 editions (50%; at least 75%), most often: "A."'
    ]


def test_previous_month_named_in_nine_editions_of_ten():
    bottoms = [f"Bottom {i}." for i in range(11)]
    nine = [True] * 9 + [False]  # 10 editions after the first, 9 name the month before
    assert copydesk.review(_series(bottoms, nine), across=True).lines() == []
    eight = [True] * 8 + [False, False]
    assert copydesk.review(_series(bottoms, eight), across=True).lines() == [
        "all whats_new: the previous month named in 8 of 10 editions after the first "
        "(80%; at least 90%); not in 2025-10, 2025-11"
    ]


def test_what_s_new_may_name_the_month_alone_elsewhere_month_and_year():
    ed = Edition(month="2025-12", sections={"whats_new": "Since November, imports fell."})
    assert copydesk.names_previous_month(ed)
    ed = Edition(month="2025-12", sections={"lede": "Since November, imports fell."})
    assert not copydesk.names_previous_month(ed)
    ed = Edition(month="2025-12", sections={"lede": "Down from November 2025."})
    assert copydesk.names_previous_month(ed)
    ed = Edition(month="2025-01", sections={"whats_new": "December 2024 was higher."})
    assert copydesk.names_previous_month(ed)


def test_one_month_reviewed_alone(tmp_path):
    write_edition(tmp_path, "2025-11", NOVEMBER)
    dec = {**DECEMBER, "bottom_line": NOVEMBER["bottom_line"], "whats_new": "Since then: less."}
    write_edition(tmp_path, "2025-12", dec)
    months = ["2025-11", "2025-12"]
    assert copydesk.review_folders(tmp_path, months, month="2025-12").lines() == [
        '2025-12 bottom_line: same as 2025-11: "The AI build-out runs on imported hardware."',
        '2025-12 whats_new: does not name the previous month (November 2025): "Since then: less."',
    ]
    # the first edition has no month before it: nothing to compare
    assert copydesk.review_folders(tmp_path, months, month="2025-11").lines() == []


def test_missing_editions_are_one_line_errors(tmp_path):
    with pytest.raises(UserError, match="no built edition in"):
        copydesk.review_folders(tmp_path, [])
    write_edition(tmp_path, "2025-12", DECEMBER)
    with pytest.raises(UserError, match=r"no built edition for 2025-06 .*2025-12 … 2025-12"):
        copydesk.review_folders(tmp_path, ["2025-12"], month="2025-06")
    (tmp_path / "2025-12" / "narrative.json").write_text('{"month": "2025-12"}')
    with pytest.raises(UserError, match=r"narrative.json: sections: Field required"):
        copydesk.review_folders(tmp_path, ["2025-12"])


# ---- chart titles against metrics.json and the data --------------------------------------------


def chart(key: str, title: str, data: tuple[list, list] = GROWTH) -> ChartData:
    header, rows = data
    return ChartData(key, title, header, [[str(c) for c in r] for r in rows])


def test_title_tokens_as_printed():
    found = tokens("Up +73% to $1.24 trillion ($856B), 4.3 points, in 2025 and HS10")
    assert [(t.text, t.kind, t.value, t.scale, t.decimals) for t in found] == [
        ("+73%", "pct", 73.0, 1.0, 0),
        ("$1.24 trillion", "money", 1.24, 1e12, 2),
        ("$856B", "money", 856.0, 1e9, 0),
        ("4.3 points", "pts", 4.3, 1.0, 1),
        ("2025", "plain", 2025.0, 1.0, 0),
    ]


def test_a_number_in_a_title_not_in_metrics():
    # 27% ← ai_share 0.27; $61B ← 61.2e9; 28% and $62B are nowhere in METRICS
    ok = chart("x", "AI goods were 27% of imports ($61B) in 2024", (["rank"], []))
    bad = chart("x", "AI goods were 28% of imports ($62B) in 2031", (["rank"], []))
    assert check_charts([ok], METRICS) == []
    assert check_charts([bad], METRICS) == [
        ("x", "not in metrics.json: 28%, $62B, 2031", bad.title)
    ]


def test_a_whole_number_the_metrics_text_states_is_traced():
    doc = {"policy": {"events": [{"what": "A 10% surcharge under Section 122 starts, for 150 days.",
                                  "date": "2026-02-24"}]}}  # fmt: skip
    ok = chart("x", "The Section 122 surcharge lasts 150 days", (["rank"], []))
    assert check_charts([ok], doc) == []
    # 10 is printed as a rate there, 24 and 02 only inside a date: neither is a figure
    bad = chart("x", "Tariffs of 10 and 24 and 2", (["rank"], []))
    assert check_charts([bad], doc) == [("x", "not in metrics.json: 10, 24, 2", bad.title)]


def test_a_gap_is_traced_as_the_difference_of_the_rates_shown():
    # 4.0% and 8.2% are rates of the document; their gap as shown, 4.2 points, is not a
    # value of it (0.0427 prints 4.3) but adds up on the page.
    doc = {"a": 0.0401, "b": 0.0821, "gap": 0.0427}
    shown = chart("t", "4.0% against 8.2%, a gap of 4.2 points", (["rank"], []))
    assert check_charts([shown], doc) == []
    wrong = chart("t", "4.0% against 8.2%, a gap of 4.4 points", (["rank"], []))
    assert check_charts([wrong], doc) == [("t", "not in metrics.json: 4.4 points", wrong.title)]


def test_growth_stated_by_a_title_must_be_where_the_index_ends():
    # The index ends at 200 (ai) and 102 (non_ai): +100% and +2%; 73% is in neither.
    doc = {"growth": 0.73, "other": 1.0, "o": 0.02}
    bad = chart("growth_index", "AI-related imports are up 73% since 2023", GROWTH)
    assert check_charts([bad], {**doc, "y": "2023-01"}) == [
        (
            "growth_index",
            "title says 73%, but the chart ends at ai 200.0 (+100.0%), non_ai 102.0 (+2.0%)",
            bad.title,
        )
    ]
    good = chart("growth_index", "AI-related imports are up 100% since 2023, others 2%", GROWTH)
    assert check_charts([good], {**doc, "y": "2023-01"}) == []


@pytest.mark.parametrize(
    ("words", "agrees"),
    [
        ("doubled", True),  # ai ends at 200: 2.00× the base year's 100
        ("more than doubled", False),
        ("nearly doubled", False),
        ("tripled", False),
        ("halved", False),
    ],
)
def test_multiples_against_the_end_of_the_line(words, agrees):
    c = chart("growth_index", f"AI-related imports have {words} since 2023", GROWTH)
    found = check_charts([c], {"y": "2023"})
    if agrees:
        assert found == []
    else:
        assert found == [
            (
                "growth_index",
                f"title says {words!r}, but the lines end at ai 2.00×, non_ai 1.02× their base",
                c.title,
            )
        ]


def test_nearly_doubled_on_an_index_ending_at_185():
    data = (["month", "ai"], [["2023-01", 100], ["2023-02", 100], ["2025-12", 185]])
    assert check_charts([chart("g", "AI imports nearly doubled", data)], {}) == []
    assert check_charts([chart("g", "AI imports doubled", data)], {}) != []


def test_a_gap_stated_by_a_title_must_be_the_distance_between_the_line_ends():
    # The lines end at 4.6% and 12.0%: 7.4 points apart.
    doc = {"gap_2025": 0.043, "gap_dec": 0.074}
    bad = chart("tariffs", "The tariff gap widened to 4.3 points in 2025", TARIFFS)
    assert check_charts([bad], {**doc, "y": "2025"}) == [
        (
            "tariffs",
            "title says 4.3 points, but the chart ends at ai 4.6% vs non_ai 12.0%",
            bad.title,
        )
    ]
    good = chart("tariffs", "The tariff gap widened to 7.4 points in 2025", TARIFFS)
    assert check_charts([good], {**doc, "y": "2025"}) == []
    # Points that are no gap (a change over time) are traced only.
    change = chart("tariffs", "AI tariffs rose 4.3 points since 2023", TARIFFS)
    assert check_charts([change], {**doc, "y": "2023"}) == []


def test_a_level_stated_by_a_title_must_be_where_the_line_ends():
    share = (["month", "ai_share"], [["2025-11", 0.272], ["2025-12", 0.258]])
    doc = {"dec": 0.258, "nov": 0.272, "y": "2025-12"}
    bad = chart("ai_share", "AI goods hit a record 27% of U.S. imports", share)
    assert check_charts([bad], doc) == [
        ("ai_share", "title says 27%, but the chart ends at ai_share 25.8%", bad.title)
    ]
    # a level after "from" is the comparison, not where the line ends
    good = chart("ai_share", "AI goods slipped to 26% of imports, from 27%", share)
    assert check_charts([good], {**doc, "x": 0.26}) == []


def test_money_stated_by_a_title_must_be_where_the_bars_end():
    data = (
        ["period", "months", "net_effect"],
        [["2024", 12, 37.7e9], ["2025", 12, 194.4e9]],
    )
    good = chart("counterfactual", "The AI boom added $194B to the deficit in 2025", data)
    assert check_charts([good], METRICS) == []
    old = chart("counterfactual", "The AI boom added $700B to the deficit in 2024", data)
    assert check_charts([old], METRICS) == [
        (
            "counterfactual",
            "title says $700B, but the chart ends at net_effect $194.4B",
            old.title,
        )
    ]


def test_a_chart_without_its_data_is_a_finding(tmp_path):
    folder = write_edition(tmp_path, "2025-12", DECEMBER, CLEAN_CHARTS)
    (folder / "charts" / "tariffs.csv").unlink()
    assert copydesk.review_folders(tmp_path, ["2025-12"]).lines() == [
        "2025-12 chart tariffs: data tariffs.csv unreadable (FileNotFoundError): "
        '"The tariff gap widened to 7.4 points"'
    ]
