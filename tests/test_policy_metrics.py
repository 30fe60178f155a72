"""`policy.events[]` of an edition (#16 item 5), worked by hand: the events and exemption
list starts/ends of its month, and the later ones already announced by the month's end,
so a backfilled edition never foresees what was announced afterwards."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace as NS

import pandas as pd

from generator import config
from generator.analysis import document
from generator.analysis.metrics import Aggregate, MetricsInput, MetricsOptions, compute
from generator.analysis.metrics.model import EXPORT_AGGREGATE, IMPORT_AGGREGATE
from generator.analysis.metrics.policy import policy
from generator.data import schema
from tests.test_policy import policy_config

SURCHARGE = NS(
    date=date(2026, 2, 24),
    announced=date(2026, 2, 20),
    what="Surcharge starts.",
    source="Proclamation",
    kind="tariff",
)
SURCHARGE_ENDS = NS(
    date=date(2026, 7, 24),
    announced=date(2026, 2, 20),
    what="Surcharge ends.",
    source="Statute",
    kind="tariff",
)
PROBE = NS(
    date=date(2026, 3, 11),
    announced=date(2026, 3, 11),
    what="Probe opens.",
    source="Notice",
    kind=None,
)
EVENTS = [PROBE, SURCHARGE_ENDS, SURCHARGE]  # any order in, by date out

# A list without `announced`/`end_announced`: each date is known on the day itself.
OLD = NS(key="old", name="Old list", source="EO", effective=date(2025, 4, 5), end=date(2026, 2, 23))
# A list announced before it starts and whose end was known from the start.
NEW = NS(
    key="new",
    name="New list",
    source="Proc",
    effective=date(2026, 2, 24),
    end=date(2026, 7, 24),
    announced=date(2026, 2, 20),
    end_announced=date(2026, 2, 20),
)


def when(month: str, events=EVENTS, lists=()) -> list[tuple[str, str, str]]:
    return [(e["date"], e["what"], e["status"]) for e in policy(month, events, lists)["events"]]


def test_an_edition_before_the_announcement_does_not_see_the_event():
    assert when("2026-01") == []
    assert when("2025-12") == []


def test_the_month_of_announcement_lists_it_as_upcoming():
    # February: the surcharge starts on the 24th (in the month); its end, known since
    # the 20th, is upcoming; the probe, announced in March, is not there yet.
    assert when("2026-02") == [
        ("2026-02-24", "Surcharge starts.", "in_month"),
        ("2026-07-24", "Surcharge ends.", "upcoming"),
    ]


def test_the_month_it_takes_effect_lists_it_in_month():
    assert when("2026-03") == [
        ("2026-03-11", "Probe opens.", "in_month"),
        ("2026-07-24", "Surcharge ends.", "upcoming"),
    ]
    assert when("2026-06") == [("2026-07-24", "Surcharge ends.", "upcoming")]
    assert when("2026-07") == [("2026-07-24", "Surcharge ends.", "in_month")]
    assert when("2026-08") == []  # past events are not repeated


def test_an_entry_has_every_field():
    (entry,) = policy("2026-03", [PROBE], [])["events"]
    assert entry == {
        "date": "2026-03-11",
        "announced": "2026-03-11",
        "what": "Probe opens.",
        "source": "Notice",
        "kind": None,
        "list": None,
        "status": "in_month",
    }


def test_list_dates_without_announcement_fields_are_known_on_the_day():
    assert when("2025-03", [], [OLD]) == []
    # April 2025: the list starts; its end (known only on 2026-02-23) is not foreseen.
    assert policy("2025-04", [], [OLD])["events"] == [
        {
            "date": "2025-04-05",
            "announced": "2025-04-05",
            "what": "The exemption list “Old list” takes effect.",
            "source": "EO",
            "kind": "list_start",
            "list": "old",
            "status": "in_month",
        }
    ]
    assert when("2026-01", [], [OLD]) == []
    assert policy("2026-02", [], [OLD])["events"] == [
        {
            "date": "2026-02-23",
            "announced": "2026-02-23",
            "what": "The exemption list “Old list” ends.",
            "source": "EO",
            "kind": "list_end",
            "list": "old",
            "status": "in_month",
        }
    ]


def test_list_dates_with_announcement_fields():
    assert when("2026-01", [], [NEW]) == []
    assert when("2026-02", [], [NEW]) == [
        ("2026-02-24", "The exemption list “New list” takes effect.", "in_month"),
        ("2026-07-24", "The exemption list “New list” ends.", "upcoming"),
    ]
    ends = policy("2026-07", [], [NEW])["events"]
    assert [(e["kind"], e["announced"], e["status"]) for e in ends] == [
        ("list_end", "2026-02-20", "in_month")
    ]
    # The same list whose end was announced in January is upcoming in January.
    early = NS(**{**vars(OLD), "end_announced": date(2026, 1, 15)})
    assert when("2026-01", [], [early]) == [
        ("2026-02-23", "The exemption list “Old list” ends.", "upcoming")
    ]
    assert when("2025-12", [], [early]) == []
    # An `end_announced` of None (a list file without the key) means the end day itself.
    unset = NS(**{**vars(OLD), "announced": None, "end_announced": None})
    assert when("2026-01", [], [unset]) == [] and len(when("2026-02", [], [unset])) == 1


def test_an_open_ended_list_has_no_end_event_and_a_retroactive_one_shows_when_announced():
    # In force from March 28 but announced on April 11 (as the electronics memorandum
    # was, retroactively): March's edition cannot know it; April's reports it.
    retro = NS(
        key="retro",
        name="Retro list",
        source="Memo",
        effective=date(2025, 3, 28),
        end=None,
        announced=date(2025, 4, 11),
    )
    assert when("2025-03", [], [retro]) == []
    assert when("2025-04", [], [retro]) == [
        ("2025-03-28", "The exemption list “Retro list” takes effect.", "in_month")
    ]
    assert when("2025-05", [], [retro]) == []


def test_events_and_list_dates_merge_sorted_by_date():
    assert when("2026-02", EVENTS, [OLD, NEW]) == [
        ("2026-02-23", "The exemption list “Old list” ends.", "in_month"),
        ("2026-02-24", "The exemption list “New list” takes effect.", "in_month"),
        ("2026-02-24", "Surcharge starts.", "in_month"),
        ("2026-07-24", "The exemption list “New list” ends.", "upcoming"),
        ("2026-07-24", "Surcharge ends.", "upcoming"),
    ]


def test_the_events_of_a_month_edge_days():
    first = NS(date=date(2026, 4, 1), announced=date(2026, 4, 1), what="A.", source="s", kind=None)
    last = NS(date=date(2026, 4, 30), announced=date(2026, 4, 30), what="B.", source="s", kind=None)
    nxt = NS(date=date(2026, 5, 1), announced=date(2026, 4, 30), what="C.", source="s", kind=None)
    assert when("2026-04", [nxt, last, first]) == [
        ("2026-04-01", "A.", "in_month"),
        ("2026-04-30", "B.", "in_month"),
        ("2026-05-01", "C.", "upcoming"),
    ]
    assert when("2026-03", [nxt, last, first]) == []


# ---- through compute, the schema and the settings ------------------------------------


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """2023-01 … 2024-12: one AI code (10 a month), one other (30); exports 5."""
    rows, erows = [], []
    for y in (2023, 2024):
        for m in range(1, 13):
            p = f"{y}-{m:02d}"
            rows += [
                (p, "8471500150", "5830", 10.0, 10.0, 10.0, 0.0, 1.0, "NO"),
                (p, "0102291000", "1220", 30.0, 30.0, 30.0, 3.0, 1.0, "NO"),
            ]
            erows.append((p, "0102291000", "1220", 5.0, 1.0, "NO"))
    return (
        pd.DataFrame(rows, columns=list(schema.IMPORT_COLUMNS)),
        pd.DataFrame(erows, columns=list(schema.EXPORT_COLUMNS)),
    )


def test_the_document_carries_the_calendar_and_matches_the_schema():
    imports, exports = _frames()
    classification = pd.DataFrame(
        [("8471500150", "high", "compute_hardware", False), ("0102291000", "low", None, False)],
        columns=["hs10", "tier", "category", "excluded"],
    )
    held = NS(
        date=date(2024, 12, 10), announced=date(2024, 11, 1), what="H.", source="s", kind="ruling"
    )
    soon = NS(date=date(2025, 1, 20), announced=date(2024, 12, 5), what="S.", source="s", kind=None)
    later = NS(date=date(2025, 2, 1), announced=date(2025, 1, 5), what="L.", source="s", kind=None)
    inp = MetricsInput(
        imports=imports,
        exports=exports,
        classification=classification,
        categories={"compute_hardware": "Compute hardware"},
        policy=[later, soon, held],
    )
    doc = compute(inp, "2024-12", MetricsOptions(base_year=2023)).doc
    assert [(e["what"], e["status"]) for e in doc["policy"]["events"]] == [
        ("H.", "in_month"),
        ("S.", "upcoming"),
    ]
    document.validate_metrics(doc)
    bad = {**doc, "policy": {"events": [{**doc["policy"]["events"][0], "status": "soon"}]}}
    try:
        document.validate_metrics(bad)
    except Exception as exc:  # noqa: BLE001 - jsonschema's ValidationError
        assert "soon" in str(exc)
    else:
        raise AssertionError("a status outside in_month|upcoming passed the schema")
    without = {k: v for k, v in doc.items() if k != "policy"}
    try:
        document.validate_metrics(without)
    except Exception as exc:  # noqa: BLE001
        assert "policy" in str(exc)
    else:
        raise AssertionError("a document without `policy` passed the schema")


def test_the_metrics_input_reads_the_configured_calendar(tmp_path):
    cal = tmp_path / "cal.yaml"
    cal.write_text(
        "events:\n  - date: 2024-12-10\n    announced: 2024-12-01\n"
        "    what: Something happens.\n    source: Notice\n",
        encoding="utf-8",
    )
    settings = config.load(policy_config(tmp_path, cal))
    agg = Aggregate(
        pd.DataFrame(columns=IMPORT_AGGREGATE), pd.DataFrame(columns=EXPORT_AGGREGATE), ()
    )
    sums = document.WarehouseSums(
        agg,
        pd.DataFrame(),
        {},
        pd.DataFrame(),
        [],
        document.m.DataInfo("sample", True),
        ["2024-12"],
    )
    inp = document.metrics_input(settings, "2024-12", sums)
    assert [(e.date, e.what) for e in inp.policy] == [(date(2024, 12, 10), "Something happens.")]
