"""One e-mail per recipient from a built edition: HTML for mail clients (CSS inlined,
charts as cid: images), a plain-text alternative, the edition's PDF attached.

No SMTP here (generator.outlets.deliver sends): edition folder + settings in, EmailMessage out.
The words, the charts and the brand are the edition's own, as it was built (BuiltEdition:
narrative.json, charts.json, brand.json), so the e-mail says what its PDF says; only the
layout comes from templates/email/. The body is rendered once; what differs per reader
(headers, the reader's unsubscribe token in the body) is filled in by build_message.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
import struct
import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import css_inline
import jinja2
import jsonschema

from generator import headers, templating, yamlio
from generator.analysis.document import validate_metrics
from generator.brief import edition as edition_mod
from generator.brief import notes as notes_mod
from generator.brief import render, store
from generator.brief.built import BuiltEdition, NarrativeDoc
from generator.config import Settings, SiteSettings
from generator.errors import UserError, located
from generator.outlets import unsubscribe as unsub
from generator.outlets.unsubscribe import ONE_CLICK, POLICY, TOKEN_MARK, Unsubscribe

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Hosts no reader can open (RFC 2606/6761): site.base_url there gets no "Read online" link.
_EXAMPLE_HOSTS = ("example.com", "example.net", "example.org")
_RESERVED_TLDS = ("example", "invalid", "test", "localhost")


@dataclass(frozen=True)
class ChartPart:
    """A chart as the e-mail shows it: the PNG, its message as text, its pixel size."""

    key: str
    title: str
    alt: str
    png: Path
    width: int
    height: int


@dataclass(frozen=True)
class Edition:
    """A built edition that passed its checks, ready to be mailed."""

    month: str
    folder: Path
    doc: dict[str, Any]
    charts: list[ChartPart]
    built: BuiltEdition

    @property
    def pdf(self) -> Path:
        return self.built.pdf

    @property
    def narrative(self) -> NarrativeDoc:
        """The words the edition was built with (narrative.json)."""
        return self.built.narrative

    @property
    def brand(self) -> str:
        """The brand the edition was built with (brand.json)."""
        return self.built.brand.title


@dataclass(frozen=True)
class Content:
    """What every recipient gets (rendered once): the per-recipient part is the headers."""

    edition: Edition
    narrative: NarrativeDoc
    subject: str
    html: str  # CSS inlined; images as cid:<key>.<month>@<domain>
    text: str
    cids: dict[str, str]  # chart key → content id (without angle brackets)
    pdf: bytes
    pdf_name: str


# ---- the edition ----------------------------------------------------------------------------


def edition_months(settings: Settings) -> list[str]:
    """Edition folders present, oldest first (staging folders start with a dot)."""
    return store.edition_months(settings)


def pick_month(settings: Settings, month: str | None) -> str:
    """The month asked for, or the latest edition; one clear line when there is none."""
    months = edition_months(settings)
    if month is None:
        if not months:
            raise UserError(
                f"no edition to send in {settings.editions_dir}: build one with `aibrief run`"
            )
        return months[-1]
    if month not in months:
        have = ", ".join(months[-6:]) if months else "none (build one with `aibrief run`)"
        raise UserError(f"no edition for {month} in {settings.editions_dir}; editions: {have}")
    return month


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    if not head.startswith(PNG_MAGIC) or head[12:16] != b"IHDR":
        raise UserError(f"edition check failed: {path.name} is not a PNG image", where=str(path))
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def _validate_metrics(doc: dict[str, Any]) -> None:
    """The JSON Schema of metrics.json: never mail figures the build would refuse."""
    try:
        validate_metrics(doc)
    except jsonschema.ValidationError as exc:
        first = str(exc).splitlines()[0]
        raise UserError(f"edition check failed: metrics.json is not valid: {first}") from None


def load_edition(settings: Settings, month: str | None = None) -> Edition:
    """The edition folder, checked as the build checks it: never mail half an edition
    (one without its PDF, its narrative.json or its charts.json is refused, with how to
    rebuild it)."""
    month = pick_month(settings, month)
    folder = store.edition_dir(settings, month)
    b = BuiltEdition.read(folder, need_pdf=True, validate=_validate_metrics)
    charts = []
    for chart in b.charts:
        png = chart.path(folder, "narrow")  # the narrow variant: phones (the wide PNG before it)
        if not png.is_file():
            raise UserError(
                f"edition check failed: chart image charts/{png.name} is missing",
                where=str(folder),
            )
        charts.append(ChartPart(chart.key, chart.title, chart.alt, png, *_png_size(png)))
    edition_mod.check(folder, [c.svg for c in b.charts], pdf=True)
    return Edition(month, folder, b.metrics, charts, b)


# ---- the words ------------------------------------------------------------------------------


def wrap(text: str, width: int = 72, first: str = "", rest: str = "") -> str:
    """A paragraph of the text part, wrapped for mail readers, with a hanging indent."""
    lines = textwrap.wrap(
        " ".join(str(text).split()),
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join(lines) or first.rstrip()


def environment(template_dirs: list[Path]) -> jinja2.Environment:
    """The e-mail's templates along the lookup chain: HTML templates escape, text
    templates (subject, plain-text part) do not."""
    return templating.environment(
        templating.subdirs(template_dirs, "email"),
        autoescape=templating.HTML_ONLY,
        filters={"wrap": wrap},
    )


def inline_css(page: str) -> str:
    """Mail clients drop <style>: copy the rules into style attributes (media queries
    stay in a <style> block for clients that honour them). Nothing is fetched."""
    inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
    try:
        return inliner.inline(page)
    except css_inline.InlineError as exc:
        raise UserError(f"templates/email: the e-mail's CSS cannot be inlined: {exc}") from None


def pdf_name(brand: str, month: str) -> str:
    """The attachment's name, from the edition's brand: `ai-trade-brief-2025-12.pdf`."""
    slug = re.sub(r"[^a-z0-9]+", "-", brand.lower()).strip("-") or "brief"
    return f"{slug}-{month}.pdf"


def render_content(settings: Settings, edition: Edition, sender: Address) -> Content:
    """Subject, HTML and text of the e-mail, rendered once for every recipient: the
    edition's words and brand in the current e-mail layout."""
    n, brand = edition.narrative, edition.brand
    domain = sender.domain or "localhost"
    cids = {c.key: f"{c.key}.{edition.month}@{domain}" for c in edition.charts}
    name = pdf_name(brand, edition.month)
    ctx: dict[str, Any] = {
        "m": edition.doc,
        "n": n,
        "brand": brand,
        "pdf_name": name,
        "unsubscribe": unsub.link(settings, sender),
        "read_online": edition_url(settings, edition.month) or "",
        "charts": {
            c.key: {
                "key": c.key,
                "title": c.title,
                "alt": c.alt,
                "cid": cids[c.key],
                "width": c.width,
                "height": c.height,
            }
            for c in edition.charts
        },
    }
    env = environment(settings.template_dirs)
    subject = " ".join(render.render_page(env, "subject.txt.j2", ctx).split())
    if not subject:
        raise UserError("templates/email/subject.txt.j2 gives an empty subject")
    subject = checked_subject(env, n, subject)
    ctx["subject"] = subject
    html = inline_css(render.render_page(env, "email.html.j2", ctx))
    text = render.render_page(env, "email.txt.j2", ctx).strip() + "\n"
    return Content(edition, n, subject, html, text, cids, edition.pdf.read_bytes(), name)


def _note_headline(path: Path) -> tuple[str, int] | None:
    """The note's headline as written, before the note folds its spaces (and so its line
    breaks) away, with its line in the file (None when the note is gone since the build)."""
    try:
        text = path.read_text(encoding="utf-8")
        front, _, _ = notes_mod._split(text, str(path))
        meta = yamlio.loads("\n" + front, str(path)) if front.strip() else None
    except (OSError, UnicodeDecodeError, UserError):
        return None  # only names a place in an error; the subject is checked anyway
    if isinstance(meta, dict) and isinstance(meta.get("headline"), str):
        return meta["headline"], meta.line_of("headline")
    return None


def checked_subject(env: jinja2.Environment, n: NarrativeDoc, subject: str) -> str:
    """The subject, decoded; refused when it could add headers to the message (a CR/LF
    or other control character, plain or RFC 2047-encoded), naming the editor's note and
    line when its headline (the one the edition was built with) is the cause, else the
    subject template."""
    note = _note_headline(Path(n.note_path)) if n.note_path else None
    if note is not None and " ".join(note[0].split()) == n.headline:
        where = located(n.note_path, note[1])
        headers.header_text(note[0].strip(), where, "headline (the e-mail's subject)")
    template = env.get_template("subject.txt.j2").filename or "templates/email/subject.txt.j2"
    return headers.header_text(subject, template, "subject")


# ---- headers and the message ----------------------------------------------------------------


def edition_url(settings: Settings, month: str) -> str | None:
    """The edition's page on the published site (`<base_url><YYYY-MM>/`, as the site lays
    it out), or None while site.base_url is empty, the shipped example or another host no
    reader can open (a reserved example or test name, loopback)."""
    base = settings.site.base_url.strip()
    shipped = str(SiteSettings.model_fields["base_url"].default)
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    host = (parts.hostname or "").lower().rstrip(".")
    if base.rstrip("/") == shipped.rstrip("/") or parts.scheme not in ("http", "https"):
        return None
    if not host or _reserved(host):
        return None
    return f"{base.rstrip('/')}/{month}/"


def _reserved(host: str) -> bool:
    if host.endswith(tuple("." + h for h in _EXAMPLE_HOSTS)) or host in _EXAMPLE_HOSTS:
        return True
    if host.rsplit(".", 1)[-1] in _RESERVED_TLDS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def message_id(month: str, address: str, generation: int, domain: str) -> str:
    """Stable per (edition, recipient, resend): a retry after a crash carries the same
    Message-ID, so a duplicate is recognisable; --resend makes a new one."""
    digest = hashlib.sha256(address.lower().encode("utf-8")).hexdigest()[:16]
    return f"<aibrief.{month}.{digest}.{generation}@{domain or 'localhost'}>"


def build_message(
    content: Content,
    sender: Address,
    recipient: Address,
    *,
    unsubscribe: Unsubscribe,
    msg_id: str,
    date: datetime | None = None,
) -> EmailMessage:
    """multipart/mixed[alternative[text, related[html, charts…]], pdf] for one reader,
    with the reader's own unsubscribe URL in the header and in the body."""
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = content.subject
    msg["From"] = sender
    msg["To"] = recipient
    msg["Date"] = format_datetime(date or datetime.now(UTC))
    msg["Message-ID"] = msg_id
    msg["List-Unsubscribe"] = unsubscribe.header(recipient.addr_spec)
    if unsubscribe.one_click:
        msg["List-Unsubscribe-Post"] = ONE_CLICK
    token = unsubscribe.token(recipient.addr_spec)
    msg.set_content(content.text.replace(TOKEN_MARK, token), subtype="plain", charset="utf-8")
    msg.add_alternative(content.html.replace(TOKEN_MARK, token), subtype="html", charset="utf-8")
    html_part = msg.get_payload()[1]
    for chart in content.edition.charts:
        html_part.add_related(
            chart.png.read_bytes(),
            maintype="image",
            subtype="png",
            cid=f"<{content.cids[chart.key]}>",
            filename=chart.png.name,
            disposition="inline",
        )
    msg.add_attachment(
        content.pdf, maintype="application", subtype="pdf", filename=content.pdf_name
    )
    return msg


def preview_html(content: Content, relative_to: Path) -> str:
    """The e-mail HTML with cid: links turned into file links, for a browser preview
    (the unsubscribe link shows its `{token}` placeholder: each .eml has its reader's)."""
    page = content.html.replace(TOKEN_MARK, "{token}")
    for chart in content.edition.charts:
        href = Path(os.path.relpath(chart.png, relative_to)).as_posix()
        page = page.replace(f"cid:{content.cids[chart.key]}", href)
    return page
