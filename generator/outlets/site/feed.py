"""Atom feed and sitemap (xml.etree): absolute URLs from site.base_url, stable bytes."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from dataclasses import dataclass

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True)
class FeedEntry:
    title: str
    url: str  # the edition's page
    pdf_url: str
    pdf_length: int
    published: str  # RFC 3339, UTC
    updated: str
    summary: str  # plain text
    content_html: str  # HTML, escaped into the feed as text


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def atom(
    *, title: str, subtitle: str, base_url: str, author: str, entries: list[FeedEntry]
) -> bytes:
    """One entry per edition, newest first; the feed's updated is its newest entry's."""
    ET.register_namespace("", ATOM)
    a = f"{{{ATOM}}}"
    feed = ET.Element(f"{a}feed")
    _sub(feed, f"{a}title", title)
    _sub(feed, f"{a}subtitle", subtitle)
    _sub(feed, f"{a}id", base_url)
    _sub(feed, f"{a}link", rel="self", type="application/atom+xml", href=base_url + "feed.xml")
    _sub(feed, f"{a}link", rel="alternate", type="text/html", href=base_url)
    _sub(feed, f"{a}updated", max((e.updated for e in entries), default="1970-01-01T00:00:00Z"))
    _sub(_sub(feed, f"{a}author"), f"{a}name", author)
    for e in entries:
        entry = _sub(feed, f"{a}entry")
        _sub(entry, f"{a}title", e.title)
        _sub(entry, f"{a}id", e.url)
        _sub(entry, f"{a}link", rel="alternate", type="text/html", href=e.url)
        _sub(
            entry,
            f"{a}link",
            rel="enclosure",
            type="application/pdf",
            href=e.pdf_url,
            length=str(e.pdf_length),
        )
        _sub(entry, f"{a}published", e.published)
        _sub(entry, f"{a}updated", e.updated)
        _sub(entry, f"{a}summary", e.summary)
        _sub(entry, f"{a}content", e.content_html, type="html")
    return _bytes(feed)


def entry_html(
    lede: str, numbers: list[tuple[str, str]], url: str, pdf_url: str, sample: bool
) -> str:
    """The body of a feed entry: lede, key numbers, links; sample data said so."""
    esc = html.escape
    parts = [f"<p>{esc(lede)}</p>", "<ul>"]
    parts += [f"<li><strong>{esc(v)}</strong> {esc(label)}</li>" for v, label in numbers]
    parts.append("</ul>")
    if sample:
        parts.append(
            "<p><em>Illustrative sample data: synthetic figures calibrated to published "
            "totals, not official statistics.</em></p>"
        )
    links = f'<a href="{esc(url)}">Read the brief</a> · <a href="{esc(pdf_url)}">PDF</a>'
    parts.append(f"<p>{links}</p>")
    return "".join(parts)


def sitemap(urls: list[tuple[str, str | None]]) -> bytes:
    """(absolute URL, lastmod date or None) pairs."""
    ET.register_namespace("", SITEMAP)
    s = f"{{{SITEMAP}}}"
    root = ET.Element(f"{s}urlset")
    for loc, lastmod in urls:
        url = _sub(root, f"{s}url")
        _sub(url, f"{s}loc", loc)
        if lastmod:
            _sub(url, f"{s}lastmod", lastmod)
    return _bytes(root)
