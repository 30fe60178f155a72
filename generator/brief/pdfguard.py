"""What the PDF renderer may read. The PDF goes to the site and to every subscriber, so
a template or an override must not be able to put a local file into it (the process
environment holds the SMTP password and API key) or make the server fetch from any host
it can reach. WeasyPrint reads only: files of the edition folder, of the templates'
`brief/` and `styles/` folders along the override chain, the brief's own fonts, and
`data:` images. Attachments (`rel=attachment`) only from the edition folder.

`Sources.refusal` is the rule; the renderer's URL fetcher applies it to every read, and
`aibrief check` applies it to the references written in the templates that make the PDF.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

import jinja2
import jinja2.meta

from generator import templating
from generator.errors import UserError, located

ALLOWED = (
    "the PDF may use only files of the edition folder, of the templates' brief/ and "
    "styles/ folders and its fonts, and data: images"
)
ATTACH_ONLY = "a PDF attachment must be a file of the edition folder"
PRINT_TEMPLATE = "print.html.j2"
PRINT_CSS = "print.css"


def _real(path: Path) -> Path:
    """The path with symlinks and `..` resolved, so a link cannot lead out of a folder."""
    return Path(os.path.realpath(path))


@dataclass(frozen=True)
class Sources:
    """The folders and files the renderer may read (all resolved)."""

    edition: Path
    folders: tuple[Path, ...]
    files: frozenset[Path]

    @classmethod
    def of(cls, edition: Path, templates: Sequence[Path], fonts: Sequence[Path]) -> Sources:
        """For an edition folder, the template chain (overrides first) and the fonts."""
        folders = tuple(_real(Path(d) / sub) for d in templates for sub in ("brief", "styles"))
        return cls(_real(edition), folders, frozenset(_real(f) for f in fonts))

    def refusal(self, url: str, attach: bool = False) -> str | None:
        """Why `url` (absolute) may not be read; None when it may."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data" and not attach:
            media = parts.path.split(",", 1)[0].split(";", 1)[0].strip().lower()
            return None if media.startswith("image/") else ALLOWED
        if scheme != "file" or parts.netloc.lower() not in ("", "localhost"):
            return ATTACH_ONLY if attach else ALLOWED
        path = self.path(url)
        if path is not None and path.is_relative_to(self.edition):
            return None
        if attach:
            return ATTACH_ONLY
        if path is not None and (
            path in self.files or any(path.is_relative_to(f) for f in self.folders)
        ):
            return None
        return ALLOWED

    @staticmethod
    def path(url: str) -> Path | None:
        """The resolved local path of a file: URL (None when it cannot name one)."""
        try:
            path = Path(url2pathname(urlsplit(url).path))
            return _real(path) if path.is_absolute() else None
        except (ValueError, OSError):
            return None


@dataclass(frozen=True)
class Refusal:
    """One read the renderer refused."""

    url: str
    reason: str
    attach: bool

    def message(self, url: str | None = None) -> str:
        verb = "attach" if self.attach else "load"
        return f"the PDF may not {verb} {short(url or self.url)}: {self.reason}"


def short(url: str, limit: int = 120) -> str:
    """A URL fit for a one-line message: no control characters, long data: URLs cut."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in url)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


# --- references written in templates ----------------------------------------------

_TAG = re.compile(r"""<([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTR = re.compile(r"""([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_STYLE = re.compile(r"(?is)<style\b[^>]*>(.*?)</style>")
_CSS_URL = re.compile(r"""(?i)\burl\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""")
_CSS_IMPORT = re.compile(r"""(?i)@import\s+(?:"([^"]*)"|'([^']*)')""")
_SVG_LINKS = ("image", "use", "feimage")


@dataclass(frozen=True)
class Reference:
    """A URL the renderer would read, as written, and the line it is on."""

    line: int
    url: str
    attach: bool


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _css_refs(text: str, first_line: int) -> list[Reference]:
    refs = []
    for pattern in (_CSS_URL, _CSS_IMPORT):
        for m in pattern.finditer(text):
            url = next((g for g in m.groups() if g is not None), "")
            refs.append(Reference(first_line + _line(text, m.start()) - 1, url, False))
    return refs


def _attach_kind(tag: str, name: str, rel: list[str]) -> bool | None:
    """Whether the attribute is read as an attachment (True), a resource (False), or
    not read at all (None: a plain hyperlink, text)."""
    if name in ("src", "data"):
        return False
    if name == "href" and tag == "link":
        return "attachment" in rel
    if name == "href" and tag == "a":
        return True if "attachment" in rel else None
    if name == "href" and tag == "base":
        return False
    if name in ("href", "xlink:href") and tag in _SVG_LINKS:
        return False
    return None


def references(text: str, css: bool = False) -> list[Reference]:
    """Every URL in an HTML (or CSS) text that WeasyPrint would read."""
    if css:
        return _css_refs(text, 1)
    refs = []
    for m in _TAG.finditer(text):
        tag, line = m.group(1).lower(), _line(text, m.start())
        attrs = {
            a.group(1).lower(): html.unescape(next(g for g in a.groups()[1:] if g is not None))
            for a in _ATTR.finditer(m.group(2))
        }
        rel = attrs.get("rel", "").lower().split()
        for name, value in attrs.items():
            if name == "style":
                refs += _css_refs(value, line)
            elif (kind := _attach_kind(tag, name, rel)) is not None:
                refs.append(Reference(line, value.strip(), kind))
    for m in _STYLE.finditer(text):
        refs += _css_refs(m.group(1), _line(text, m.start(1)))
    return sorted(refs, key=lambda r: r.line)


def _written(url: str) -> bool:
    """A fixed URL (not computed by Jinja, not a fragment of the page itself)."""
    return bool(url) and not url.startswith("#") and "{{" not in url and "{%" not in url


def pdf_templates(templates: Sequence[Path]) -> list[tuple[Path, bool]]:
    """The files that make the PDF along the chain: print.html.j2 and every template it
    includes (found by parsing), then print.css; with whether each is CSS."""
    if not templates:
        return []
    env = templating.environment(templating.subdirs(templates, "brief"))
    found: dict[str, Path] = {}
    todo = [PRINT_TEMPLATE]
    while todo:
        name = todo.pop(0)
        if name in found:
            continue
        try:
            source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
            names = jinja2.meta.find_referenced_templates(env.parse(source))
        except (jinja2.TemplateError, OSError, UnicodeDecodeError):
            continue  # `aibrief check` reports broken templates on its own
        found[name] = Path(filename or name)
        todo += [n for n in names if n]
    files = [(p, False) for p in found.values()]
    with contextlib.suppress(UserError):
        files.append((templating.find(templating.subdirs(templates, "styles"), PRINT_CSS), True))
    return files


def template_problems(templates: Sequence[Path], sources: Sources) -> list[tuple[str, str]]:
    """`(file:line, message)` for each reference the renderer would refuse, and the URL
    as written. Relative references resolve against the edition folder, as in a build."""
    base = sources.edition.as_uri() + "/"
    problems = []
    for path, css in pdf_templates(templates):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for ref in references(text, css):
            if not _written(ref.url):
                continue
            why = sources.refusal(urljoin(base, ref.url), ref.attach)
            if why is not None:
                msg = Refusal(ref.url, why, ref.attach).message()
                problems.append((f"{located(path, ref.line)}: {msg}", ref.url))
    return problems


def page_problems(page: str, templates: Sequence[Path], sources: Sources) -> list[tuple[str, str]]:
    """The same for a rendered print page (catches URLs that templates compute)."""
    base = sources.edition.as_uri() + "/"
    problems = []
    for ref in references(page):
        if not ref.url or ref.url.startswith("#"):
            continue
        why = sources.refusal(urljoin(base, ref.url), ref.attach)
        if why is not None:
            msg = Refusal(ref.url, why, ref.attach).message()
            problems.append((f"{locate(ref.url, templates)}: {msg}", ref.url))
    return problems


def _candidates(url: str) -> list[str]:
    """Strings that find where a URL was written: itself, then parts of it (a relative
    reference shows up resolved)."""
    out = [url, unquote(url)]
    parts = urlsplit(url)
    if parts.scheme.lower() == "file":
        path = unquote(parts.path)
        out += [path, "/".join(path.rsplit("/", 2)[-2:]), path.rsplit("/", 1)[-1]]
    elif parts.scheme.lower() == "data":
        out.append(url[:48])
    return [c for c in out if len(c) >= 4]


def locate(url: str, templates: Sequence[Path]) -> str:
    """`file:line` of the template that wrote `url`; else the print template."""
    files = pdf_templates(templates)
    texts = []
    for path, _ in files:
        try:
            texts.append((path, path.read_text(encoding="utf-8").splitlines()))
        except (OSError, UnicodeDecodeError):
            continue
    for needle in _candidates(url):
        for path, lines in texts:
            for number, line in enumerate(lines, 1):
                if needle in line:
                    return located(path, number)
    printing = [p for p, css in files if not css]
    return str(printing[0]) if printing else PRINT_TEMPLATE
