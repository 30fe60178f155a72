"""The BuiltEdition: `output/editions/YYYY-MM/` as a typed artifact.

The build writes it once (metrics.json, narrative.json, charts/charts.json, brand.json,
brief.html, brief.pdf, and the inputs stamp); the site, the e-mail, the preview and
`check` only read it. No outlet recomputes wording, re-reads the brand or redraws a
chart, so the page, the PDF and the e-mail of one edition always say the same thing.
An edition missing one of these files is incomplete: publish and backfill rebuild it,
and the outlets refuse it with one line saying how to rebuild it.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from generator.analysis.facts import Fact
from generator.brief import notes
from generator.brief.narrative import Narrative
from generator.errors import UserError

NARRATIVE = "narrative.json"
CHARTS = "charts/charts.json"
BRAND = "brand.json"
METRICS = "metrics.json"
HTML = "brief.html"
PDF = "brief.pdf"
STAMP = ".inputs.json"
# Every file an edition has whatever its formats; the PDF is asked for by who needs it.
FILES = (METRICS, NARRATIVE, CHARTS, BRAND, HTML)
DEFAULT_BRAND = "AI Trade Brief"
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Chart(_Model):
    """One chart as the build drew it: its words, and its files in charts/ (plain names,
    never a path out of the folder)."""

    key: str
    title: str
    alt: str
    source: str
    svg: str
    png: str
    csv: str  # the data behind the chart
    # The narrow variant (PNG) for phones and e-mail; "" in editions built before it.
    narrow: str = ""

    @field_validator("svg", "png", "csv", "narrow", mode="before")
    @classmethod
    def _plain_name(cls, value: Any) -> Any:
        if isinstance(value, Path):
            value = value.name
        if value == "":
            return value  # no narrow variant (the other names are required non-empty)
        if not isinstance(value, str) or not _PLAIN_NAME.match(value) or ".." in value:
            raise ValueError(f"{value!r} is not a file name in charts/")
        return value

    @field_validator("svg", "png", "csv")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value:
            raise ValueError("'' is not a file name in charts/")
        return value

    def path(self, folder: Path, kind: str = "svg") -> Path:
        """The file of this chart (`svg`, `png`, `csv` or `narrow`) in the edition
        `folder`; `narrow` falls back on the wide PNG for an edition without it."""
        name = getattr(self, kind) or (self.png if kind == "narrow" else "")
        return folder / "charts" / name

    @property
    def files(self) -> list[str]:
        """Every file of this chart in charts/."""
        return [n for n in (self.svg, self.png, self.csv, self.narrow) if n]


class ChartList(_Model):
    """charts/charts.json: a JSON list of Chart."""

    charts: list[Chart]

    @classmethod
    def dump(cls, charts: list[Chart]) -> str:
        return json.dumps([c.model_dump() for c in charts], indent=2, ensure_ascii=False) + "\n"


class Sentence(_Model):
    """One sentence of a section; built from a fact, it names the metrics path of each of
    its numbers (value name → path in metrics.json)."""

    text: str
    fact: str | None = None
    paths: dict[str, str] = Field(default_factory=dict)


class Section(_Model):
    """A section of the brief as rendered: HTML (escaped, safe to insert) and plain text."""

    key: str
    html: str
    text: str
    sentences: list[Sentence] = Field(default_factory=list)


class Quote(_Model):
    text: str
    by: str


class FactRef(_Model):
    """A fact the month supports, ranked: its kind, news value and metrics paths."""

    kind: str
    score: float
    paths: dict[str, str] = Field(default_factory=dict)


class NarrativeDoc(_Model):
    """narrative.json: the words of the edition. The attributes the templates use (n.headline,
    n.by_the_numbers …) are the same as the build's Narrative, so every outlet renders
    from this file the words the brief was built with."""

    month: str
    period: str = ""
    headline: str
    lede: str
    whats_new: str = ""  # one line: the previous month named, the biggest change since it
    why_it_matters: str
    by_the_numbers: list[str]
    zoom_in: list[str]
    between_the_lines: list[str]  # 2–3 bullets
    what_to_watch: list[str]
    bottom_line: str
    saying: Quote | None = None
    editor_note_html: str = ""
    editor_note_text: str = ""
    note_path: str | None = None
    sections: list[Section] = Field(default_factory=list)
    facts: list[FactRef] = Field(default_factory=list)

    @field_validator("between_the_lines", mode="before")
    @classmethod
    def _bulleted(cls, value: Any) -> Any:
        """An edition built before the section became bullets held one paragraph: read
        it as one bullet rather than refuse the whole edition."""
        return [value] if isinstance(value, str) else value

    @field_validator("editor_note_html")
    @classmethod
    def _sanitised(cls, value: str) -> str:
        """Templates insert the note's HTML as is: clean it again on reading, so a
        narrative.json edited by hand cannot bring a script into a page or an e-mail."""
        return notes.sanitize(value) if value else value

    def section(self, key: str) -> Section:
        """A section by key (headline, lede, why_it_matters, … bottom_line)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)


def _sentence(text: str, fact: Fact | None = None) -> Sentence:
    return Sentence(text=text, fact=fact.kind if fact else None, paths=fact.paths if fact else {})


def _paragraph(key: str, sentence: Sentence) -> Section:
    return Section(
        key=key, html=html.escape(sentence.text), text=sentence.text, sentences=[sentence]
    )


def _listing(key: str, items: list[Sentence], tag: str = "ul") -> Section:
    """Bullets (`ul`) or paragraphs (`p`): HTML as the brief shows them, text one a line."""
    if tag == "ul":
        body = "".join(f"<li>{html.escape(s.text)}</li>" for s in items)
        markup, text = f"<ul>{body}</ul>", "\n".join(f"- {s.text}" for s in items)
    else:
        markup = "".join(f"<p>{html.escape(s.text)}</p>" for s in items)
        text = "\n\n".join(s.text for s in items)
    return Section(key=key, html=markup, text=text, sentences=items)


def narrative_doc(n: Narrative, month: str) -> NarrativeDoc:
    """narrative.json from the build's Narrative: every section as HTML and text, with
    the metrics paths of the numbers of each sentence a fact made."""
    lead = n.facts[0] if n.facts else None
    sections = [
        _paragraph("headline", _sentence(n.headline, None if n.headline_by_note else lead)),
        _paragraph("lede", _sentence(n.lede, lead)),
        *[_paragraph("whats_new", _sentence(n.whats_new, n.whats_new_fact))][: bool(n.whats_new)],
        _paragraph("why_it_matters", _sentence(n.why_it_matters)),
        _listing(
            "by_the_numbers",
            [_sentence(t, f) for t, f in zip(n.by_the_numbers, _padded(n), strict=True)],
        ),
        _listing("zoom_in", [_sentence(t) for t in n.zoom_in], tag="p"),
        _listing("between_the_lines", [_sentence(t) for t in n.between_the_lines]),
        _listing("what_to_watch", [_sentence(t) for t in n.what_to_watch]),
        _paragraph("bottom_line", _sentence(n.bottom_line)),
    ]
    if n.saying is not None:
        said = f"\u201c{n.saying.text}\u201d \u2014 {n.saying.by}"
        sections.append(
            Section(
                key="saying",
                html=(
                    f"<blockquote><p>{html.escape(n.saying.text)}</p>"
                    f"<footer>\u2014 {html.escape(n.saying.by)}</footer></blockquote>"
                ),
                text=said,
                sentences=[Sentence(text=said)],
            )
        )
    if n.editor_note_html:
        sections.append(
            Section(key="editor_note", html=n.editor_note_html, text=n.editor_note_text)
        )
    return NarrativeDoc(
        month=month,
        period=n.period,
        headline=n.headline,
        lede=n.lede,
        whats_new=n.whats_new,
        why_it_matters=n.why_it_matters,
        by_the_numbers=list(n.by_the_numbers),
        zoom_in=list(n.zoom_in),
        between_the_lines=list(n.between_the_lines),
        what_to_watch=list(n.what_to_watch),
        bottom_line=n.bottom_line,
        saying=Quote(text=n.saying.text, by=n.saying.by) if n.saying else None,
        editor_note_html=n.editor_note_html,
        editor_note_text=n.editor_note_text,
        note_path=n.note_path,
        sections=sections,
        facts=[FactRef(kind=f.kind, score=f.score, paths=f.paths) for f in n.facts],
    )


def _padded(n: Narrative) -> list[Fact | None]:
    """The fact behind each bullet (None for a bullet no fact made)."""
    facts: list[Fact | None] = list(n.bullet_facts)[: len(n.by_the_numbers)]
    return facts + [None] * (len(n.by_the_numbers) - len(facts))


class Brand(_Model):
    """What templates/brief/brand.yaml holds, as the edition was built with it."""

    title: str = DEFAULT_BRAND

    @property
    def slug(self) -> str:
        """The brand as a file-name part (the e-mail's attachment name)."""
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-") or "brief"


class InputsStamp(_Model):
    """.inputs.json (written by backfill after a build): hashes of what the edition was
    built from; a different hash on the next publish rebuilds the edition as a whole."""

    model_config = ConfigDict(frozen=True, extra="allow")

    inputs: str
    content: str
    formats: list[str] = Field(default_factory=lambda: ["html", "pdf"])


class BuiltEdition(BaseModel):
    """A built edition folder, read and validated; never written to."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    folder: Path
    month: str
    metrics: dict[str, Any]
    narrative: NarrativeDoc
    charts: list[Chart]
    brand: Brand
    has_pdf: bool
    stamp: InputsStamp | None = None

    @property
    def html(self) -> Path:
        return self.folder / HTML

    @property
    def pdf(self) -> Path:
        return self.folder / PDF

    @property
    def doc(self) -> dict[str, Any]:
        """The metrics document (alias used by the outlets)."""
        return self.metrics

    @classmethod
    def read(
        cls,
        folder: Path,
        *,
        need_pdf: bool = False,
        validate: Callable[[dict[str, Any]], None] | None = None,
        files: Files | None = None,
        month: str | None = None,
    ) -> BuiltEdition:
        """The edition in `folder`, each file checked; one line naming the first missing
        or invalid file and how to rebuild the edition. `validate` checks the metrics
        document (the JSON Schema); `files` reaches the files (default: plainly);
        `month` is the folder's name unless given (a staging folder)."""
        folder = Path(folder)
        month = month or folder.name
        files = files or Files(folder)
        wanted = (*FILES, *((PDF,) if need_pdf else ()))
        missing = [name for name in wanted if not files.exists(name)]
        if missing:
            raise UserError(_missing_message(month, missing), where=str(folder))
        metrics = _read_json(files, METRICS, month)
        if validate is not None:
            validate(metrics)
        if not isinstance(metrics, dict) or metrics.get("month") != month:
            got = metrics.get("month") if isinstance(metrics, dict) else None
            raise UserError(f"edition check failed: metrics.json is for {got}, not {month}")
        return cls(
            folder=folder,
            month=month,
            metrics=metrics,
            narrative=_parse(NarrativeDoc, _read_json(files, NARRATIVE, month), NARRATIVE, month),
            charts=_parse(
                ChartList, {"charts": _read_json(files, CHARTS, month)}, CHARTS, month
            ).charts,
            brand=_parse(Brand, _read_json(files, BRAND, month), BRAND, month),
            has_pdf=files.exists(PDF),
            stamp=_stamp(files),
        )


class Files:
    """How the files of an edition are reached: plainly here; the site passes one that
    never follows a symlink (generator.outlets.site.safe)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def exists(self, name: str) -> bool:
        return (self.folder / name).is_file()

    def read(self, name: str) -> bytes:
        """The file's bytes; FileNotFoundError when it is not there."""
        return (self.folder / name).read_bytes()


def _stamp(files: Files) -> InputsStamp | None:
    """The inputs stamp; a missing or bad one only means: rebuild on the next publish."""
    try:
        return InputsStamp.model_validate_json(files.read(STAMP))
    except (OSError, ValidationError):
        return None


def _missing_message(month: str, missing: list[str]) -> str:
    rebuild = f"rebuild it with `aibrief render --month {month}`"
    if missing == [PDF]:
        return (
            f"edition {month} is incomplete (missing {PDF}): it was built without a PDF "
            f"(`aibrief render --format html`); {rebuild}"
        )
    if NARRATIVE in missing or BRAND in missing:
        return (
            f"edition {month} is incomplete (missing {', '.join(missing)}): it was built by "
            f"an earlier version; {rebuild} (or `aibrief publish`)"
        )
    return f"edition {month} is incomplete (missing {', '.join(missing)}): {rebuild}"


def _read_json(files: Files, name: str, month: str) -> Any:
    try:
        return json.loads(files.read(name).decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UserError(
            f"edition check failed: {name} of {month} is unreadable ({exc}): "
            f"rebuild it with `aibrief render --month {month}`"
        ) from None


def _parse(model: type[_Model], data: Any, name: str, month: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or name
        raise UserError(
            f"edition check failed: {name} of {month} is not valid ({loc}: {first['msg']}): "
            f"rebuild it with `aibrief render --month {month}`"
        ) from None
