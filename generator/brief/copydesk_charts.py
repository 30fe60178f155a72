"""Chart titles against what the charts show, for the copy desk (generator.brief.copydesk).

Two rules (issue 18, item 5 and its Acceptance):

1. Every number in a title is traced to metrics.json as the text's are: it is a value of
   the document as printed, to the title's last digit (`34%` ← 0.3357, `$200B` ←
   200,359,881,357, `4.6 points` ← 0.0459, a year of the document), a whole number its
   text states (`Section 122` in a policy event), or, for points, the difference of two
   rates the same title prints (displayed arithmetic adds up).
2. A title that says where a line ends agrees with the last values plotted, read from
   the chart's CSV (first column `month`, `period`, `year` or `date`; each other column
   of numbers is a line):
   - a percentage is the end of a share or rate line (fractions: every value within
     ±1.5; `34%` ends at 0.34) or, on an index line (one year's rows average 100, the
     base year), the growth since the base (`+66%` ends at 166);
   - points beside `gap`, `difference`, `apart`, `widened` or `narrowed` are the distance
     between two share or rate lines at their ends;
   - a dollar amount is the end of a money line (values of $100,000 or more);
   - a plain number on an index chart is the end of an index line;
   - `doubled`, `tripled`, `quadrupled`, `halved` (also after `more than`, `nearly`,
     `almost`) compare a line's end with its base: 100 on an index, else its first value.
   A number right after `from`, `than`, `against`, `vs.` or `versus` is a comparison,
   not an end: it is traced only. Values agree as printed: within half a unit of the
   title's last digit (a gap: 0.1 point more, for the rounding of the two ends shown).
"""

from __future__ import annotations

import csv
import io
import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

TIME_COLUMNS = ("month", "period", "year", "date")
MONEY_FLOOR = 1e5
GAP_WORDS = re.compile(r"\b(?:gap|difference|apart|widen\w*|narrow\w*)\b", re.I)
COMPARISON = re.compile(r"\b(?:from|than|against|vs\.?|versus)\s*$", re.I)
MULTIPLE = re.compile(
    r"\b(?P<q>more than |nearly |almost )?(?P<m>doubled|tripled|quadrupled|halved)\b", re.I
)
_FACTORS = {"doubled": 2.0, "tripled": 3.0, "quadrupled": 4.0, "halved": 0.5}
_SCALE = {"T": 1e12, "trillion": 1e12, "B": 1e9, "billion": 1e9, "M": 1e6, "million": 1e6}
_SCALE |= {"K": 1e3, "thousand": 1e3}
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_TOKEN = re.compile(
    r"(?P<sign>[+\-−])?(?:"
    rf"\$(?P<money>{_NUM})(?:\s?(?P<word>trillion|billion|million|thousand)\b"
    r"|(?P<unit>[TBMK])(?![A-Za-z]))?"
    rf"|(?P<pct>{_NUM})%"
    rf"|(?P<pts>{_NUM})\s(?:points?|pp)\b"
    r"|(?P<date>\d{4}-\d\d-\d\d)"
    rf"|(?<![A-Za-z\d.,$])(?P<plain>{_NUM})(?![A-Za-z\d%])"
    r")"
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class ChartData:
    """A chart as drawn: its key and title, and the rows of its CSV (as text)."""

    key: str
    title: str
    header: list[str]
    rows: list[list[str]]
    problem: str = ""  # why its data could not be read


@dataclass(frozen=True)
class Token:
    """A number of a title: what it is, its value as printed, its digits after the point."""

    text: str
    kind: str  # money, pct, pts, date, plain
    value: float
    scale: float  # money: dollars per printed unit
    decimals: int
    signed: bool
    start: int

    @property
    def tol(self) -> float:
        return 0.5 * 10.0**-self.decimals + 1e-9


def tokens(text: str) -> list[Token]:
    """The numbers of a title, as the house prints them."""
    out = []
    for m in _TOKEN.finditer(text):
        kind = next(k for k in ("money", "pct", "pts", "date", "plain") if m.group(k))
        raw = m.group(kind)
        scale = _SCALE.get(m.group("word") or m.group("unit") or "", 1.0)
        value = 0.0 if kind == "date" else float(raw.replace(",", ""))
        decimals = len(raw.split(".")[1]) if "." in raw and kind != "date" else 0
        signed = m.group("sign") is not None
        out.append(Token(m.group(0), kind, value, scale, decimals, signed, m.start()))
    return out


# ---- reading ---------------------------------------------------------------------------------


def read_charts(folder: Path) -> list[ChartData]:
    """charts/charts.json and each chart's CSV; a chart whose data cannot be read comes
    back with its `problem` (a finding), so a broken chart is never silently skipped."""
    listing = folder / "charts.json"
    if not listing.is_file():
        return []
    try:
        entries = json.loads(listing.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return [ChartData("charts.json", "", [], [], f"charts.json unreadable ({exc})")]
    if not isinstance(entries, list):
        return [ChartData("charts.json", "", [], [], "charts.json is not a list of charts")]
    return [_read_chart(folder, e) for e in entries]


def _read_chart(folder: Path, entry: Any) -> ChartData:
    if not isinstance(entry, dict):
        return ChartData("?", "", [], [], "an entry of charts.json is not a chart")
    key, title, name = (str(entry.get(k, "")) for k in ("key", "title", "csv"))
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name) or ".." in name:
        return ChartData(key, title, [], [], f"no data file named ({name!r})")
    try:
        text = (folder / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return ChartData(key, title, [], [], f"data {name} unreadable ({exc.__class__.__name__})")
    rows = [r for r in csv.reader(io.StringIO(text)) if r]
    if not rows:
        return ChartData(key, title, [], [], f"data {name} is empty")
    return ChartData(key, title, rows[0], rows[1:])


# ---- rule 1: traced to metrics.json ----------------------------------------------------------


@dataclass(frozen=True)
class Traced:
    """The values and the strings (keys too) of a metrics document, ready to look up."""

    values: list[float]  # absolute values, sorted
    years: set[str]
    strings: set[str]  # dates (YYYY-MM-DD) of the document
    numerals: set[str]  # whole numbers written in its text ("Section 122", "150 days")

    @classmethod
    def of(cls, doc: Any) -> Traced:
        values: list[float] = []
        strings: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for k, v in node.items():
                    strings.append(str(k))
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
            elif isinstance(node, bool) or node is None:
                return
            elif isinstance(node, int | float):
                values.append(abs(float(node)))
            elif isinstance(node, str):
                strings.append(node)

        walk(doc)
        years = {y for s in strings for y in _YEAR.findall(s)}
        dates = {d for s in strings for d in re.findall(r"\d{4}-\d\d-\d\d", s)}
        numerals = {n for s in strings for n in re.findall(r"(?<![\d.,-])\d+(?![\d.,%-])", s)}
        return cls(sorted(values), years, dates, numerals)

    def has(self, low: float, high: float) -> bool:
        """Some value lies in [low, high]."""
        i = bisect_left(self.values, low)
        return i < len(self.values) and self.values[i] <= high


def traced(tok: Token, doc: Traced, others: list[Token]) -> bool:
    """The number is a value of the metrics document as printed (see the module's rule 1)."""
    v, tol = tok.value, tok.tol
    if tok.kind == "date":
        return tok.text.lstrip("+-−") in doc.strings
    if tok.kind == "plain" and tok.decimals == 0 and _YEAR.fullmatch(tok.text.lstrip("+-−")):
        return tok.text.lstrip("+-−") in doc.years or doc.has(v, v)
    if tok.kind == "money":
        return doc.has((v - tol) * tok.scale, (v + tol) * tok.scale)
    if tok.kind in ("pct", "pts"):
        if doc.has((v - tol) / 100, (v + tol) / 100):
            return True
        rates = [o.value for o in others if o.kind == "pct"]
        return tok.kind == "pts" and any(
            abs(abs(a - b) - v) <= tol for a, b in combinations(rates, 2)
        )
    if tok.decimals == 0 and tok.text.lstrip("+-−").replace(",", "") in doc.numerals:
        return True
    return doc.has(v - tol, v + tol)


# ---- rule 2: where the lines end -------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    name: str
    kind: str  # share, index, money, other
    first: float
    last: float


def lines(chart: ChartData) -> list[Line]:
    """The lines of a chart over time (none for a chart of categories, e.g. top sources)."""
    if not chart.header or chart.header[0].strip().lower() not in TIME_COLUMNS:
        return []
    out = []
    for j, name in enumerate(chart.header[1:], start=1):
        cells = [(r[0], r[j].strip()) for r in chart.rows if len(r) > j and r[j].strip()]
        try:
            points = [(t, float(c)) for t, c in cells]
        except ValueError:
            continue  # a column of text (a name), not a line
        if points:
            out.append(Line(name, _kind(points), points[0][1], points[-1][1]))
    return out


def _kind(points: list[tuple[str, float]]) -> str:
    values = [v for _, v in points]
    if all(abs(v) <= 1.5 for v in values):
        return "share"
    years: dict[str, list[float]] = {}
    for t, v in points:
        years.setdefault(t[:4], []).append(v)
    if any(len(vs) >= 2 and abs(sum(vs) / len(vs) - 100) <= 0.5 for vs in years.values()):
        return "index"
    return "money" if max(abs(v) for v in values) >= MONEY_FLOOR else "other"


def _ends(tok: Token, ls: list[Line], gap: bool) -> list[tuple[str, float]]:
    """Where the lines the token may speak of end: (as shown to the editor, the value in
    the token's unit)."""
    d = max(tok.decimals, 1)
    if tok.kind == "pct":
        ends = (
            []
            if tok.signed
            else [
                (f"{x.name} {100 * x.last:.{d}f}%", 100 * x.last) for x in ls if x.kind == "share"
            ]
        )
        return ends + [
            (f"{x.name} {x.last:.1f} ({x.last - 100:+.{d}f}%)", x.last - 100)
            for x in ls
            if x.kind == "index"
        ]
    if tok.kind == "pts" and gap:
        pairs = combinations([x for x in ls if x.kind == "share"], 2)
        return [
            (
                f"{a.name} {100 * a.last:.{d}f}% vs {b.name} {100 * b.last:.{d}f}%",
                100 * abs(a.last - b.last),
            )
            for a, b in pairs
        ]
    if tok.kind == "money":
        unit = next((u for u, v in _SCALE.items() if v == tok.scale and len(u) == 1), "")
        return [
            (f"{x.name} ${x.last / tok.scale:,.{d}f}{unit}", x.last / tok.scale)
            for x in ls
            if x.kind == "money"
        ]
    if tok.kind == "plain" and not _YEAR.fullmatch(tok.text.lstrip("+-−")):
        return [(f"{x.name} {x.last:.{d}f}", x.last) for x in ls if x.kind == "index"]
    return []


def _agrees(tok: Token, ends: list[tuple[str, float]]) -> bool:
    slack = 0.1 if tok.kind == "pts" else 0.0
    return any(abs(abs(end) - tok.value) <= tok.tol + slack for _, end in ends)


def _multiple_ok(qualifier: str, factor: float, ratio: float) -> bool:
    q = qualifier.strip().lower()
    if factor < 1:  # halved
        if q == "more than":
            return 0 < ratio < 0.5
        return 0.5 < ratio <= 0.6 if q else 0.3 < ratio <= 0.55
    if q == "more than":
        return factor < ratio < factor + 1
    if q:  # nearly, almost
        return 0.85 * factor <= ratio < factor
    return factor - 0.05 <= ratio < factor + 0.95


def line_ends(chart: ChartData) -> list[str]:
    """What the title says of the lines' ends that the last values plotted do not show."""
    ls = lines(chart)
    if not ls:
        return []
    out = []
    gap = GAP_WORDS.search(chart.title) is not None
    for tok in tokens(chart.title):
        if COMPARISON.search(chart.title[: tok.start]):
            continue
        ends = _ends(tok, ls, gap)
        if ends and not _agrees(tok, ends):
            shown = ", ".join(label for label, _ in ends)
            out.append(f"title says {tok.text}, but the chart ends at {shown}")
    for m in MULTIPLE.finditer(chart.title):
        factor = _FACTORS[m.group("m").lower()]
        ratios = [
            (x.name, x.last / (100.0 if x.kind == "index" else x.first))
            for x in ls
            if (x.kind == "index" or x.first)
        ]
        if ratios and not any(_multiple_ok(m.group("q") or "", factor, r) for _, r in ratios):
            shown = ", ".join(f"{name} {r:.2f}×" for name, r in ratios)
            out.append(f"title says {m.group(0)!r}, but the lines end at {shown} their base")
    return out


# ---- both ------------------------------------------------------------------------------------


def check_charts(charts: list[ChartData], metrics: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(chart key, what is wrong, title) for each problem of the charts of one edition."""
    doc = Traced.of(metrics)
    out = []
    for chart in charts:
        if chart.problem:
            out.append((chart.key, chart.problem, chart.title))
            continue
        found = tokens(chart.title)
        if found and not metrics:
            out.append((chart.key, "no metrics.json to trace the title's numbers to", chart.title))
        elif untraced := [t.text for t in found if not traced(t, doc, found)]:
            out.append((chart.key, f"not in metrics.json: {', '.join(untraced)}", chart.title))
        out += [(chart.key, what, chart.title) for what in line_ends(chart)]
    return out
