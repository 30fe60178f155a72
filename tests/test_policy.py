"""The policy calendar as data (#16 item 5): taxonomy/policy.yaml loads through the
editor-file path, with `file:line: key: message` for every problem, and `aibrief check`
refuses a broken one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator import config
from generator.classify.policy import load_policy
from generator.errors import UserError
from tests.conftest import REPO, write_config

GOOD = """# a calendar
events:
  - date: 2026-02-24
    announced: 2026-02-20
    kind: tariff
    what: A 10% import surcharge starts.
    source: Proclamation (illustrative)
  - date: 2026-03-11
    announced: 2026-03-11
    what: >-
      An investigation
      opens.
    source: Notice (illustrative)
"""


def policy_config(folder: Path, policy: Path | str) -> Path:
    """The tests' config (conftest.write_config) with `taxonomy.policy` set to `policy`."""
    cfg = write_config(folder)
    lines = [ln for ln in cfg.read_text().splitlines() if not ln.startswith("  policy:")]
    at = lines.index("taxonomy:") + 1
    cfg.write_text("\n".join([*lines[:at], f"  policy: {policy}", *lines[at:]]) + "\n")
    return cfg


def write(folder: Path, text: str, name: str = "policy.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def test_events_load_with_dates_and_lines(tmp_path):
    p = write(tmp_path, GOOD)
    first, second = load_policy(p)
    assert first.date == date(2026, 2, 24) and first.announced == date(2026, 2, 20)
    assert first.kind == "tariff" and first.what == "A 10% import surcharge starts."
    assert first.source == "Proclamation (illustrative)"
    assert (first.file, first.line) == (str(p), 3)
    assert second.kind is None and second.what == "An investigation opens."
    assert second.line == 8


def test_a_missing_file_is_an_empty_calendar(tmp_path):
    assert load_policy(tmp_path / "none.yaml") == []


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("date: 2026-02-24", "date: 2026-02-30"), 3, "events.0.date: expected a date"),
        (("announced: 2026-02-20", "announced: 2026-02-25"), 4, "events.0.announced: after"),
        (("what: A 10% import surcharge starts.", "what: ''"), 6, "events.0.what: expected"),
        (("what: A 10%", "what: " + "x" * 160 + " A 10%"), 6, "events.0.what: at most 160"),
        (("kind: tariff", "kind: Big Tariff"), 5, "events.0.kind: lower-case"),
        (("kind: tariff", "kind: list_start"), 5, "events.0.kind: 'list_start' is reserved"),
        (("kind: tariff", "kidn: tariff"), 5, "events.0.kidn: unknown key 'kidn'"),
        (("    source: Notice (illustrative)\n", ""), 8, "events.1.source: missing"),
        (("events:", "event:"), 2, "event: unknown key"),
    ],
)
def test_a_malformed_calendar_names_file_line_and_key(tmp_path, change, line, message):
    p = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(UserError) as err:
        load_policy(p)
    assert f"{p}:{line}: {message}" in str(err.value)


def test_every_problem_of_the_file_at_once(tmp_path):
    text = GOOD.replace("date: 2026-02-24", "date: 2026-02-19").replace(
        "announced: 2026-03-11", "announced: someday"
    )
    p = write(tmp_path, text)
    with pytest.raises(UserError) as err:
        load_policy(p)
    # Field errors come first (cross-field checks run once the fields are valid): the
    # announced > date problem of the first event shows once the second one is fixed.
    assert err.value.lines == [
        f"{p}:9: events.1.announced: expected a date YYYY-MM-DD, got 'someday'"
    ]
    p = write(tmp_path, text.replace("someday", "2026-03-12"))
    with pytest.raises(UserError) as err:
        load_policy(p)
    assert [ln.split(": ")[0:2] for ln in err.value.lines] == [
        [f"{p}:4", "events.0.announced"],
        [f"{p}:9", "events.1.announced"],
    ]


def test_the_same_event_twice_is_an_error(tmp_path):
    item = GOOD.split("events:\n")[1].split("  - date: 2026-03-11")[0]
    p = write(tmp_path, GOOD + item)
    with pytest.raises(UserError, match=rf"{p}:14: events.2: the same event as line 3"):
        load_policy(p)


def test_the_shipped_calendar_validates():
    events = load_policy(REPO / "taxonomy" / "policy.yaml")
    by_date = {(e.date.isoformat(), e.kind): e for e in events}
    ruling = by_date[("2026-02-20", "ruling")]
    assert "Supreme Court" in ruling.what and ruling.announced == date(2026, 2, 20)
    surcharge = [e for e in events if e.date == date(2026, 2, 24) and "Section 122" in e.what]
    assert len(surcharge) == 1 and "10%" in surcharge[0].what
    assert surcharge[0].announced == date(2026, 2, 20) and "2132" in surcharge[0].source
    assert "Section 301" in by_date[("2026-03-11", "investigation")].what
    assert "14257" in by_date[("2025-04-02", "executive_order")].what
    assert all(e.announced <= e.date and e.source for e in events)
    assert [e.date for e in events] == sorted(e.date for e in events)


def test_the_calendar_path_is_a_setting(tmp_path):
    cfg = write_config(tmp_path, "")
    cfg.write_text("".join(ln for ln in cfg.read_text().splitlines(True) if "policy:" not in ln))
    s = config.load(cfg)  # no taxonomy.policy: the default
    assert s.taxonomy.policy == Path("taxonomy/policy.yaml")
    assert s.path(s.taxonomy.policy) == tmp_path / "taxonomy" / "policy.yaml"  # beside config
    cfg = policy_config(tmp_path, "cal.yaml")
    assert config.load(cfg).path(config.load(cfg).taxonomy.policy) == tmp_path / "cal.yaml"


def test_check_refuses_a_broken_calendar_with_file_line_and_key(tmp_path, capsys):
    from generator.cli import main

    bad = write(tmp_path, GOOD.replace("announced: 2026-02-20", "announced: 2026-02-25"))
    cfg = policy_config(tmp_path, bad)
    with pytest.raises(SystemExit) as exc:
        main(["--config", str(cfg), "check"])
    assert exc.value.code != 0
    err = capsys.readouterr().err
    assert f"{bad}:4: events.0.announced: after the date it takes effect (2026-02-24)" in err


def test_check_passes_the_shipped_calendar(tmp_path):
    from generator.outlets.checks import run_checks

    cfg = policy_config(tmp_path, REPO / "taxonomy" / "policy.yaml")
    report = run_checks(str(cfg))
    assert "policy calendar" in report.checked
    assert not [ln for ln in report.problems if "policy" in ln]


def test_editing_the_calendar_makes_editions_due(tmp_path):
    """The calendar is an input of every edition: its hash is in the inputs stamp."""
    from generator.brief.backfill import fingerprints

    cal = write(tmp_path, GOOD)
    settings = config.load(policy_config(tmp_path, cal))
    before = fingerprints(settings).upstream
    write(tmp_path, GOOD.replace("An investigation", "A probe"))
    assert fingerprints(settings).upstream != before
