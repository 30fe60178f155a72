"""Issue 18's Acceptance, measured over the sample's editions after `aibrief publish --all`
in a temporary project (the real command, in a subprocess), with the definitions of the
copy desk (generator.brief.copydesk, whose definitions tests/test_copydesk.py checks on
strings worked out by hand):

- no edition's headline equals the previous month's;
- at most 50% of an edition's body sentences shaped like a sentence of the previous
  month's edition, at most 10% equal word for word;
- the bottom line's distinct texts ≥ 75% of editions; the previous month named in ≥ 90%
  of editions after the first;
- no body sentence over 35 words or with more than 4 numbers;
- the editions of April 2025 and February 2026 name the tariff action of that month;
- every number of a chart title traced to metrics.json, and a title that states where a
  line ends agrees with the last values plotted;
- every number of each edition's page and PDF traced to metrics.json;
- and `aibrief review --all` over them is clean (exit status 0).

Slow by nature (every edition with its PDF, about a minute on two cores)."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.brief import copydesk
from generator.brief.copydesk_charts import check_charts
from generator.brief.render import plain_text
from tests.conftest import write_config
from tests.test_brief import pdf_prose, untraced

LIMIT = 1800  # seconds a step may take at most (a failure, never a pace to keep)
# The names a tariff action goes by (in a policy event's `what` and in the brief's words).
ACTION = re.compile(r"Executive Order \d+|Section \d+|Supreme Court|IEEPA|reciprocal", re.I)


def aibrief(cfg: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--config", str(cfg), *args],
        capture_output=True,
        text=True,
        timeout=LIMIT,
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The sample refreshed and every edition published, as an operator would do it."""
    folder = tmp_path_factory.mktemp("newsroom")
    cfg = write_config(folder)
    for step in (["refresh"], ["publish", "--all", "--no-deploy"]):
        done = aibrief(cfg, *step)
        assert done.returncode == 0, done.stderr[-2000:]
    editions = folder / "output" / "editions"
    months = sorted(p.name for p in editions.iterdir() if re.fullmatch(r"\d{4}-\d\d", p.name))
    assert len(months) >= 24 and months[0] == "2024-01"
    return cfg, editions, [copydesk.read_edition(editions / m) for m in months]


def pairs(eds: list[copydesk.Edition]):
    """(previous month's edition, edition) for every edition after the first."""
    by_month = {e.month: e for e in eds}
    for ed in eds[1:]:
        prev = by_month.get(copydesk.previous_month(ed.month))
        assert prev is not None, f"no edition for the month before {ed.month}"
        yield prev, ed


def test_no_headline_repeats_the_previous_month(published):
    _, _, eds = published
    repeats = [
        f"{ed.month}: {ed.headline}"
        for prev, ed in pairs(eds)
        if copydesk.same_text(ed.headline).casefold()
        == copydesk.same_text(prev.headline).casefold()
    ]
    assert repeats == []


def test_sentences_carried_over_from_the_previous_edition(published):
    _, _, eds = published
    over = []
    for prev, ed in pairs(eds):
        body = [s for _, s in ed.body()]
        shapes = {copydesk.shape(s) for _, s in prev.body()}
        texts = {copydesk.same_text(s) for _, s in prev.body()}
        shaped = sum(copydesk.shape(s) in shapes for s in body) / len(body)
        same = sum(copydesk.same_text(s) in texts for s in body) / len(body)
        if shaped > 0.50 or same > 0.10:
            over.append(f"{ed.month}: {shaped:.0%} shaped like, {same:.0%} equal")
    assert over == []


def test_bottom_lines_differ_and_the_previous_month_is_named(published):
    _, _, eds = published
    bottoms = {copydesk.same_text(e.sections.get("bottom_line", "")) for e in eds}
    assert len(bottoms) / len(eds) >= 0.75, f"{len(bottoms)} distinct in {len(eds)}"
    missing = [e.month for e in eds[1:] if not copydesk.names_previous_month(e)]
    named = len(eds) - 1 - len(missing)
    assert named / (len(eds) - 1) >= 0.90, f"previous month not named in {missing}"


def test_no_sentence_too_long_or_with_too_many_numbers(published):
    _, _, eds = published
    bad = [
        f"{ed.month} {key}: {copydesk.word_count(s)} words, "
        f"{len(copydesk.numbers_in(s))} numbers: {s}"
        for ed in eds
        for key, s in ed.body()
        if copydesk.word_count(s) > 35 or len(copydesk.numbers_in(s)) > 4
    ]
    assert bad == []


@pytest.mark.parametrize("month", ["2025-04", "2026-02"])
def test_the_month_of_a_tariff_action_names_it(published, month):
    _, _, eds = published
    ed = next((e for e in eds if e.month == month), None)
    if ed is None:
        pytest.skip(f"the sample has no edition for {month}")
    events = [e for e in ed.metrics["policy"]["events"] if e["status"] == "in_month"]
    names = {n.casefold() for e in events for n in ACTION.findall(e["what"])}
    assert names, f"metrics of {month} hold no tariff action in the month"
    body = " ".join(s for _, s in ed.body())
    said = {n.casefold() for n in ACTION.findall(body)}
    assert names & said, f"{month} names none of {sorted(names)}"


def test_chart_titles_are_traced_and_agree_with_where_the_lines_end(published):
    _, _, eds = published
    bad = [
        f"{ed.month} {key}: {what}: {title}"
        for ed in eds
        for key, what, title in check_charts(ed.charts, ed.metrics)
    ]
    assert bad == []


def test_every_number_of_each_page_and_pdf_is_in_metrics(published):
    _, editions, eds = published
    bad = {}
    for ed in eds:
        page = (editions / ed.month / "brief.html").read_text(encoding="utf-8")
        # An attribute's value as a reader gets it: `other goods&#39; 2.8%` is "goods' 2.8%".
        alts = " ".join(html.unescape(a) for a in re.findall(r'alt="([^"]*)"', page))
        text = pdf_prose(editions / ed.month)  # the charts' words: test_brief.py
        found = untraced(plain_text(page) + " " + alts, ed.metrics) + untraced(text, ed.metrics)
        if found:
            bad[ed.month] = sorted(set(found))
    assert bad == {}


def test_no_pdf_ends_on_a_page_holding_only_the_data_line(published):
    """July 2025's fifth page held the footer's data line and nothing else: the line
    takes the end of the paragraph before it along (print.css)."""
    _, editions, eds = published
    alone = []
    for ed in eds:
        last = PdfReader(str(editions / ed.month / "brief.pdf")).pages[-1].extract_text() or ""
        lines = [ln for ln in last.splitlines() if ln.strip()]
        if lines and lines[0].startswith("Data:"):
            alone.append(ed.month)
    assert alone == []


def test_a_short_list_section_stays_on_one_page(published):
    """July 2025 put "Between the lines:" and one bullet at a page's foot, the rest on
    the next page (print.css keeps the short list sections whole)."""
    _, editions, eds = published
    split = []
    for ed in eds:
        pages = [
            p.extract_text() or "" for p in PdfReader(str(editions / ed.month / "brief.pdf")).pages
        ]
        flat = [" ".join(p.split()) for p in pages]
        for label, key in (
            ("Between the lines:", "between_the_lines"),
            ("What to watch:", "what_to_watch"),
        ):
            page = next((p for p in flat if label in p), None)
            bullets = [b for b in ed.sections.get(key, "").splitlines() if b.strip()]
            assert page is not None and bullets, (ed.month, label)
            starts = [" ".join(b.lstrip("- ").split()[:5]) for b in bullets]
            if not all(s in page for s in starts):
                split.append((ed.month, label))
    assert split == []


def test_what_s_new_on_tariffs_is_not_told_again_between_the_lines(published):
    """What's new on tariffs gives other goods' month rate (and AI's, when both held);
    after its year-so-far bullet, Between the lines does not give other goods' again.
    A tariff that held is What's new only when nothing else moved: 2026-09 said "held at
    5.5%, with AI-related goods at 1.5%" beside the AI share's 0.4-point fall; it gives
    the fall, and Between the lines the month's category rates."""
    _, editions, eds = published
    told = []
    for ed in eds:
        n = json.loads((editions / ed.month / "narrative.json").read_text(encoding="utf-8"))
        new = n["whats_new"]
        if ed.month == "2026-09":
            assert new.startswith("Since August 2026, the AI share of U.S. imports fell"), new
            assert "compute hardware paid" in n["between_the_lines"][1]
        if "tariff on other goods" not in new:
            continue
        told.append(ed.month)
        said = re.findall(r"\d+\.\d%", new.split(", with AI")[0])  # other goods' rates
        later = " ".join(n["between_the_lines"][1:])
        assert [r for r in said if r in later] == [], (ed.month, new, later)
    assert {"2025-05", "2025-09"} <= set(told), told


def test_the_copy_desk_finds_nothing(published):
    cfg, _, eds = published
    done = aibrief(cfg, "review", "--all")
    assert done.stdout == "" and done.returncode == 0, done.stdout[-4000:]
    assert f"review: clean ({len(eds)} editions" in done.stderr


def test_the_review_reads_what_publish_wrote(published):
    """The measures above read the files the site serves: narrative.json and charts.json
    as the build wrote them (not recomputed)."""
    _, editions, eds = published
    last = eds[-1]
    doc = json.loads((editions / last.month / "narrative.json").read_text(encoding="utf-8"))
    assert last.headline == doc["headline"] and len(last.charts) >= 4
