"""The copy desk (`aibrief review`): what an editor would strike in built editions before
readers see them. It reads editions (narrative.json, charts/charts.json and the chart
CSVs, metrics.json) and never writes; the checks are pure functions of what was read.

Definitions (issue 18, Acceptance), one place for the command and the tests:

- the *body* is the brief's text without the sample banner, Sources, Method, Data links
  and chart captions: every section of narrative.json (none of those is one);
- *sentences* split at `.`, `;`, `!`, `?` and at bullets (and lines); a `.` inside a
  number (`4.5`), a file or web name (`metrics.json`) or an abbreviation (`U.S.`,
  `vs.`, `e.g.`) ends nothing;
- a *number* is a token (between spaces) holding a digit; a *word* is a token holding a
  letter or a digit;
- *shaped like*: equal once every number and month name is replaced by one placeholder.

Limits: no headline equal to the previous month's; at most 50% of an edition's body
sentences shaped like a sentence of the previous month's edition and at most 10% equal
word for word; no sentence over 35 words or with more than 4 numbers; across editions,
the bottom line's distinct texts at least 75% of the editions, and the previous month
named (in the "What's new" line) in at least 90% of the editions after the first. Chart
titles against their data: generator.brief.copydesk_charts.
"""

from __future__ import annotations

import calendar
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from generator.brief import copydesk_charts, store
from generator.brief.copydesk_charts import ChartData
from generator.config import Settings
from generator.errors import UserError
from generator.months import previous_month
from generator.numbers import month_name

MAX_WORDS = 35
MAX_NUMBERS = 4
MAX_SHAPED = 0.50
MAX_SAME = 0.10
MIN_DISTINCT_BOTTOM_LINES = 0.75
MIN_PREVIOUS_NAMED = 0.90
PLACEHOLDER = "#"
WHATS_NEW = "whats_new"  # the section naming the previous month
BOTTOM_LINE = "bottom_line"
# Sections that are not body text, should an edition ever carry them in narrative.json.
NOT_BODY = frozenset({"sources", "method", "banner", "sample", "data_links", "captions"})
SHORT = 90  # characters of a sentence quoted in a finding

_MONTHS = {
    *calendar.month_name[1:],
    *calendar.month_abbr[1:],
    "Sept",
}
_ABBREVIATION = re.compile(r"\b(?:[A-Z]\.){2,}|\b(?:e\.g|i\.e|vs|cf)\.|\bNo\.(?=\s*\d)")
_BULLET = re.compile(r"^\s*(?:[-•*–—]\s+)")
_CLOSERS = "\"'”’)]"
_MASK = "\x00"


# ---- the definitions ------------------------------------------------------------------------


def _split_line(line: str) -> list[str]:
    """One line (a paragraph or a bullet) cut at . ; ! ? where a sentence ends: before a
    space, the end, or a capital letter (`6.9%.How`), not inside `4.5` or `metrics.json`."""
    masked = _ABBREVIATION.sub(lambda m: m.group(0).replace(".", _MASK), line)
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.;!?]", masked):
        i = m.start()
        if i < start:
            continue
        nxt = masked[i + 1 : i + 2]
        if nxt and not (nxt.isspace() or nxt.isupper() or nxt in _CLOSERS):
            continue
        end = i + 1
        while end < len(masked) and masked[end] in _CLOSERS:
            end += 1
        out.append(masked[start:i] + masked[i + 1 : end])
        start = end
    out.append(masked[start:])
    return [" ".join(s.replace(_MASK, ".").split()) for s in out if any(ch.isalnum() for ch in s)]


def sentences(text: str) -> list[str]:
    """The sentences of a section's text, each without its closing mark."""
    found: list[str] = []
    for line in text.splitlines():
        found += _split_line(_BULLET.sub("", line))
    return found


def numbers_in(sentence: str) -> list[str]:
    """The numbers of a sentence: its tokens that hold a digit."""
    return [t for t in sentence.split() if any(ch.isdigit() for ch in t)]


def word_count(sentence: str) -> int:
    """Tokens holding a letter or a digit (a lone dash is no word)."""
    return sum(1 for t in sentence.split() if any(ch.isalnum() for ch in t))


def _is_month(token: str) -> bool:
    bare = token.strip("\"'“”‘’()[]{},;:.!?")
    bare = re.sub(r"['’]s$", "", bare)
    parts = [p for p in re.split(r"[–—/-]", bare) if p]
    return bool(parts) and all(p in _MONTHS for p in parts)


def shape(sentence: str) -> str:
    """The sentence with every number and month name replaced by one placeholder."""
    return " ".join(
        PLACEHOLDER if any(ch.isdigit() for ch in t) or _is_month(t) else t
        for t in sentence.split()
    )


def same_text(text: str) -> str:
    """Text compared word for word: spaces collapsed, nothing else changed."""
    return " ".join(text.split())


def shorten(text: str, limit: int = SHORT) -> str:
    text = same_text(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---- an edition as the copy desk reads it ----------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing to fix: the edition (or `all` for a measure across editions), the section,
    what is wrong, and the sentence it is about (shortened when quoted)."""

    month: str
    section: str
    what: str
    text: str = ""

    def line(self) -> str:
        quoted = f': "{shorten(self.text)}"' if self.text else ""
        return f"{self.month} {self.section}: {self.what}{quoted}"


@dataclass(frozen=True)
class Edition:
    """The words and charts of one built edition."""

    month: str
    sections: dict[str, str]  # key → plain text, in the brief's order
    charts: list[ChartData] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def headline(self) -> str:
        return self.sections.get("headline", "")

    def body(self) -> list[tuple[str, str]]:
        """(section, sentence) for every sentence of the body."""
        return [
            (key, s)
            for key, text in self.sections.items()
            if key not in NOT_BODY
            for s in sentences(text)
        ]


class _Said(BaseModel):
    model_config = ConfigDict(extra="ignore")
    key: str
    text: str


class _Words(BaseModel):
    """What the desk needs of narrative.json (the rest of the file is not its business)."""

    model_config = ConfigDict(extra="ignore")
    month: str
    sections: list[_Said]


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UserError(f"{path}: unreadable ({exc}); rebuild the edition") from None


def read_edition(folder: Path) -> Edition:
    """The edition in `folder` (output/editions/YYYY-MM/); one line naming the file when
    one is missing or not as the build writes it."""
    folder = Path(folder)
    try:
        words = _Words.model_validate(_json(folder / "narrative.json"))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserError(f"{folder / 'narrative.json'}: {where}: {first['msg']}") from None
    metrics_path = folder / "metrics.json"
    metrics = _json(metrics_path) if metrics_path.is_file() else {}
    return Edition(
        month=words.month,
        sections={s.key: s.text for s in words.sections},
        charts=copydesk_charts.read_charts(folder / "charts"),
        metrics=metrics if isinstance(metrics, dict) else {},
    )


# ---- checks of one edition against the previous month's --------------------------------------


def check_sentences(ed: Edition) -> list[Finding]:
    """Sentences over MAX_WORDS words or with more than MAX_NUMBERS numbers."""
    out = []
    for key, s in ed.body():
        problems = []
        if (w := word_count(s)) > MAX_WORDS:
            problems.append(f"{w} words (at most {MAX_WORDS})")
        if (n := len(numbers_in(s))) > MAX_NUMBERS:
            problems.append(f"{n} numbers (at most {MAX_NUMBERS})")
        if problems:
            out.append(Finding(ed.month, key, ", ".join(problems), s))
    return out


def _pct(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def check_against_previous(ed: Edition, prev: Edition) -> list[Finding]:
    """Headline repeated; too many sentences shaped like (or equal to) the previous
    edition's: the share over the limit is one line, each sentence repeated word for word
    one more line so the editor sees which to rewrite."""
    out = []
    if ed.headline and same_text(ed.headline).casefold() == same_text(prev.headline).casefold():
        out.append(Finding(ed.month, "headline", f"same headline as {prev.month}", ed.headline))
    body = ed.body()
    before = prev.body()
    shapes = {shape(s) for _, s in before}
    texts = {same_text(s) for _, s in before}
    shaped = [(k, s) for k, s in body if shape(s) in shapes]
    same = [(k, s) for k, s in body if same_text(s) in texts]
    n = len(body)
    if n and len(shaped) / n > MAX_SHAPED:
        what = (
            f"{len(shaped)} of {n} sentences ({_pct(len(shaped), n)}) shaped like "
            f"{prev.month}'s (at most {round(100 * MAX_SHAPED)}%), e.g."
        )
        out.append(Finding(ed.month, "body", what, shaped[0][1]))
    if n and len(same) / n > MAX_SAME:
        what = (
            f"{len(same)} of {n} sentences ({_pct(len(same), n)}) word for word as in "
            f"{prev.month} (at most {round(100 * MAX_SAME)}%)"
        )
        out.append(Finding(ed.month, "body", what))
        out += [Finding(ed.month, k, f"word for word as in {prev.month}", s) for k, s in same]
    return out


def names_previous_month(ed: Edition) -> bool:
    """The edition names the month before it: in its What's new line (`November` or
    `November 2025`), or, in an edition without that line, anywhere as `November 2025`."""
    prev = month_name(previous_month(ed.month))
    line = ed.sections.get(WHATS_NEW)
    if line is not None:
        return prev in same_text(line) or re.search(rf"\b{prev.split()[0]}\b", line) is not None
    return any(prev in same_text(text) for key, text in ed.sections.items() if key not in NOT_BODY)


# ---- the review ------------------------------------------------------------------------------


@dataclass
class Review:
    """Findings over the editions reviewed, in the order an editor reads them."""

    months: list[str]
    findings: list[Finding] = field(default_factory=list)
    sentences: int = 0

    def lines(self) -> list[str]:
        return [f.line() for f in self.findings]

    def summary(self) -> str:
        eds = f"{len(self.months)} edition{'s' if len(self.months) != 1 else ''}"
        if not self.findings:
            return f"{eds}, {self.sentences} sentences"
        n = len(self.findings)
        return f"{n} finding{'s' if n != 1 else ''} in {eds}"


def _across(editions: list[Edition]) -> list[Finding]:
    """The measures over all editions: bottom lines distinct, previous month named."""
    out = []
    bottoms = [same_text(e.sections.get(BOTTOM_LINE, "")) for e in editions]
    distinct = len(set(bottoms))
    if bottoms and distinct / len(bottoms) < MIN_DISTINCT_BOTTOM_LINES:
        common, _ = Counter(bottoms).most_common(1)[0]
        what = (
            f"{distinct} distinct texts in {len(bottoms)} editions ({_pct(distinct, len(bottoms))}"
            f"; at least {round(100 * MIN_DISTINCT_BOTTOM_LINES)}%), most often"
        )
        out.append(Finding("all", BOTTOM_LINE, what, common))
    later = editions[1:]
    missing = [e.month for e in later if not names_previous_month(e)]
    if later and (len(later) - len(missing)) / len(later) < MIN_PREVIOUS_NAMED:
        named = len(later) - len(missing)
        what = (
            f"the previous month named in {named} of {len(later)} editions after the first "
            f"({_pct(named, len(later))}; at least {round(100 * MIN_PREVIOUS_NAMED)}%); "
            f"not in {', '.join(missing)}"
        )
        out.append(Finding("all", WHATS_NEW, what))
    return out


def review(editions: list[Edition], *, across: bool) -> Review:
    """Review `editions` (oldest first), each against the previous month's edition when it
    is among them. With `across` (every edition), the measures over all of them; without,
    only the last edition, with the one-edition forms of those measures: its bottom line
    equal to the previous edition's, the previous month not named."""
    by_month = {e.month: e for e in editions}
    reviewed = editions if across else editions[-1:]
    result = Review(months=[e.month for e in reviewed])
    for ed in reviewed:
        result.sentences += len(ed.body())
        prev = by_month.get(previous_month(ed.month))
        if prev is not None:
            result.findings += check_against_previous(ed, prev)
            if not across:
                result.findings += _single_measures(ed, prev)
        result.findings += check_sentences(ed)
        result.findings += [
            Finding(ed.month, f"chart {key}", what, title)
            for key, what, title in copydesk_charts.check_charts(ed.charts, ed.metrics)
        ]
    if across:
        result.findings += _across(editions)
    return result


def _single_measures(ed: Edition, prev: Edition) -> list[Finding]:
    out = []
    bottom = same_text(ed.sections.get(BOTTOM_LINE, ""))
    if bottom and bottom == same_text(prev.sections.get(BOTTOM_LINE, "")):
        out.append(Finding(ed.month, BOTTOM_LINE, f"same as {prev.month}", bottom))
    if not names_previous_month(ed):
        said = ed.sections.get(WHATS_NEW, "")
        what = f"does not name the previous month ({month_name(prev.month)})"
        out.append(Finding(ed.month, WHATS_NEW, what, said))
    return out


def review_folders(
    root: Path, months: list[str], *, month: str | None = None, all_months: bool = False
) -> Review:
    """Review built editions under `root` (months: those built, oldest first): `month`
    (default: the latest) against the month before it, or every one with `all_months`."""
    if not months:
        raise UserError(f"no built edition in {root}: build one with `aibrief run` first")
    if all_months:
        return review([read_edition(root / m) for m in months], across=True)
    target = month or months[-1]
    if target not in months:
        raise UserError(
            f"no built edition for {target} in {root} (built: {months[0]} … {months[-1]}); "
            f"build it with `aibrief render --month {target}`"
        )
    wanted = [m for m in (previous_month(target), target) if m in months]
    return review([read_edition(root / m) for m in wanted], across=False)


def review_settings(
    settings: Settings, *, month: str | None = None, all_months: bool = False
) -> Review:
    """`aibrief review`: the built editions of the settings' output folder."""
    months = store.edition_months(settings, having="narrative.json")
    return review_folders(settings.editions_dir, months, month=month, all_months=all_months)
