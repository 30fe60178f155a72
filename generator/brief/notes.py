"""Per-edition notes from editors: editions/YYYY-MM.md, YAML front matter and a Markdown
body. Front matter keys: headline (overrides the computed one), watch (extra "What to
watch" bullets), quote (text and by: shown under "What they're saying"). The body is the
editor's note, rendered from Markdown and sanitised: no scripts, no event handlers, only
http(s) and mailto links."""

from __future__ import annotations

import html as html_mod
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import markdown
import nh3
from pydantic import BeforeValidator

from generator import yamlio
from generator.errors import UserError, located

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote", "code",
    "pre", "h3", "h4",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
# A note is a few paragraphs; Markdown of megabytes takes minutes and gigabytes.
MAX_NOTE_BYTES = 200 * 1024


@dataclass(frozen=True)
class Quote:
    text: str
    by: str


@dataclass(frozen=True)
class Note:
    path: str
    headline: str | None = None
    watch: tuple[str, ...] = ()
    quote: Quote | None = None
    body_html: str = ""  # sanitised HTML, safe to insert as is
    body_text: str = ""  # the same, as plain text (e-mail)


def note_path(folder: Path, month: str) -> Path:
    return folder / f"{month}.md"


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _split(text: str, name: str) -> tuple[str, str, int]:
    """Front matter text, body text, and the line the body starts at."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return "", text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "".join(lines[1:i]), "".join(lines[i + 1 :]), i + 2
    raise UserError("front matter opened with --- is never closed", where=located(name, 1))


def _read(path: Path) -> str:
    """The note's text; never more than MAX_NOTE_BYTES are read, however big the file."""
    with path.open("rb") as f:
        data = f.read(MAX_NOTE_BYTES + 1)
    if len(data) > MAX_NOTE_BYTES:
        size = max(path.stat().st_size, len(data))
        raise UserError(
            f"note is {size:,} bytes; a note may have at most 200 KB ({MAX_NOTE_BYTES:,} bytes)",
            where=str(path),
        )
    try:  # newlines as read_text() gives them
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text", where=str(path)) from None


def _bullets(value: object) -> object:
    if isinstance(value, str):
        return [value]  # one bullet may be written without the list
    if not isinstance(value, list):
        raise ValueError("expected a list of bullets")
    return value


def _quote(value: object) -> object:
    if not isinstance(value, dict):
        raise ValueError("expected `text:` and `by:`")
    return value


class QuoteEntry(yamlio.FileModel):
    text: yamlio.Words
    by: yamlio.Words


class FrontMatter(yamlio.FileModel):
    """The keys a note's front matter may have (the body is the editor's note)."""

    headline: yamlio.Words | None = None  # overrides the computed one
    watch: Annotated[list[yamlio.Words], BeforeValidator(_bullets)] = []
    quote: Annotated[QuoteEntry, BeforeValidator(_quote)] | None = None


def _front_matter(front: str, name: str) -> FrontMatter:
    if not front.strip():
        return FrontMatter()
    # Parse with the real line numbers of the file (the front matter starts at line 2).
    meta = yamlio.loads("\n" + front, name)
    if not isinstance(meta, dict):
        raise UserError("front matter must be keys: values", where=located(name, 2))
    return yamlio.validate(meta, FrontMatter, name)


def load(path: Path) -> Note:
    name = str(path)
    front, body, _ = _split(_read(path), name)
    meta = _front_matter(front, name)
    html = (
        sanitize(markdown.markdown(body, extensions=[], output_format="html"))
        if body.strip()
        else ""
    )
    plain = " ".join(html_mod.unescape(nh3.clean(html, tags=set())).split()) if html else ""
    return Note(
        path=name,
        headline=meta.headline,
        watch=tuple(meta.watch),
        quote=Quote(meta.quote.text, meta.quote.by) if meta.quote else None,
        body_html=html,
        body_text=plain,
    )


def for_month(folder: Path, month: str) -> Note | None:
    path = note_path(folder, month)
    return load(path) if path.is_file() else None


def all_notes(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.md")) if folder.is_dir() else []
