"""The e-mail as built from an edition folder: MIME structure, HTML for mail clients
(inlined CSS, 640 px, cid: images), a text part in the brief's order, headers, and
refusals of editions that are missing, incomplete or stale."""

from __future__ import annotations

import email
import json
import re
import shutil
from email import policy
from email.headerregistry import Address
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import config
from generator.errors import UserError
from generator.outlets import deliver, mail
from generator.outlets import unsubscribe as unsub
from tests.conftest import BRIEF_SECTIONS, write_config

SENDER = Address("AI Trade Brief", addr_spec="brief@example.org")
READER = Address("Ada Reader", addr_spec="ada@example.org")


def copy_edition(tmp_path: Path, sample_edition, extra: str = "") -> config.Settings:
    """Settings with their own output folder holding a copy of the sample edition."""
    _, folder = sample_edition
    shutil.copytree(folder, tmp_path / "output" / "editions" / folder.name)
    return config.load(write_config(tmp_path, extra))


@pytest.fixture(scope="module")
def built(sample_edition):
    """Content and one message for the sample edition (read-only use of its folder)."""
    settings, _ = sample_edition
    edition = mail.load_edition(settings, "2025-12")
    content = mail.render_content(settings, edition, SENDER)
    mid = mail.message_id("2025-12", READER.addr_spec, 0, SENDER.domain)
    msg = mail.build_message(
        content,
        SENDER,
        READER,
        unsubscribe=unsub.plan(settings, SENDER),
        msg_id=mid,
    )
    # As a receiver sees it: serialised and parsed again.
    return settings, edition, content, email.message_from_bytes(bytes(msg), policy=policy.default)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def test_mime_structure(built):
    _, edition, content, msg = built
    assert msg.get_content_type() == "multipart/mixed"
    alternative, attachment = msg.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    text, related = alternative.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html, *images = related.iter_parts()
    assert html.get_content_type() == "text/html"
    assert [i.get_content_type() for i in images] == ["image/png"] * len(edition.charts)
    assert len(edition.charts) == 6
    for image, chart in zip(images, edition.charts, strict=True):
        assert image.get_content() == chart.png.read_bytes()
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_content() == edition.pdf.read_bytes()


def test_headers(built):
    _, _, content, msg = built
    assert msg["Subject"] == "[Sample] " + content.narrative.headline
    assert str(msg["From"]) == "AI Trade Brief <brief@example.org>"
    assert str(msg["To"]) == "Ada Reader <ada@example.org>"
    assert re.fullmatch(r"<aibrief\.2025-12\.[0-9a-f]{16}\.0@example\.org>", msg["Message-ID"])
    assert msg["Date"].datetime is not None
    assert msg["List-Unsubscribe"] == "<mailto:brief@example.org?subject=unsubscribe>"
    assert msg["List-Unsubscribe-Post"] is None  # one-click only with email.unsubscribe_url


def test_html_is_made_for_mail_clients(built):
    _, edition, content, msg = built
    html = msg.get_body(("html",)).get_content()
    parser = Tags()
    parser.feed(html)
    # Every cid: in the HTML has its image part.
    cids = {p["Content-ID"].strip("<>") for p in msg.walk() if p.get_content_maintype() == "image"}
    srcs = [a["src"] for t, a in parser.tags if t == "img"]
    assert len(srcs) == len(edition.charts)
    assert all(s.startswith("cid:") and s[4:] in cids for s in srcs)
    # Alt text and titles from the edition's charts.
    alts = {a["alt"] for t, a in parser.tags if t == "img"}
    assert alts == {c.alt for c in edition.charts}
    # At most 640 px wide: attributes and inline styles.
    widths = [int(a["width"]) for _, a in parser.tags if (a.get("width") or "").isdigit()]
    assert max(widths) == 640
    styled = [
        int(w)
        for _, a in parser.tags
        for w in re.findall(r"width:\s*(\d+)px", a.get("style") or "")
    ]
    assert styled and max(styled) <= 640
    # CSS inlined: classed elements carry their style; only @media stays in <style>.
    classed = [a for _, a in parser.tags if a.get("class")]
    assert classed and all(a.get("style") for a in classed)
    leftover = "".join(parser.styles)
    assert re.sub(r"@media[^{]*\{([^{}]*\{[^}]*\})*\s*\}", "", leftover).strip() == ""
    # The sample banner shows, and the words are the brief's.
    assert "Illustrative sample data." in html
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    for words in (content.narrative.lede, content.narrative.bottom_line):
        assert " ".join(words.split()).replace("&", "&amp;") in text


def test_text_part_follows_the_brief(built):
    _, _, content, msg = built
    text = msg.get_body(("plain",)).get_content()
    n = content.narrative
    labels = [n.headline, *BRIEF_SECTIONS]
    positions = [text.index(label) for label in labels]
    assert positions == sorted(positions)
    assert text.startswith("ILLUSTRATIVE SAMPLE DATA.")
    flat = " ".join(text.split())
    for bullet in n.by_the_numbers + n.what_to_watch:
        assert "- " + " ".join(bullet.split()) in flat
    assert all(len(line) <= 78 for line in text.splitlines())
    assert "synthetic sample data" in flat
    assert "<" not in text.replace("<mailto", "")  # no HTML in the text part


def test_not_sample_has_no_prefix_or_banner(tmp_path, sample_edition):
    settings = copy_edition(tmp_path, sample_edition)
    path = settings.editions_dir / "2025-12" / "metrics.json"
    doc = json.loads(path.read_text())
    doc["data"]["sample"] = False
    path.write_text(json.dumps(doc))
    content = mail.render_content(settings, mail.load_edition(settings), SENDER)
    assert content.subject == content.narrative.headline
    assert "Illustrative sample data" not in content.html
    assert "ILLUSTRATIVE" not in content.text and "synthetic" not in content.text


def test_list_unsubscribe_from_config(tmp_path, sample_edition):
    settings = copy_edition(
        tmp_path,
        sample_edition,
        "email:\n  list_unsubscribe: https://example.org/u, mailto:leave@example.org\n",
    )
    plan = unsub.plan(settings, SENDER)
    assert plan.header(READER.addr_spec) == "<https://example.org/u>, <mailto:leave@example.org>"
    assert not plan.one_click
    assert unsub.link(settings, SENDER) == "https://example.org/u"
    content = mail.render_content(settings, mail.load_edition(settings), SENDER)
    assert 'href="https://example.org/u"' in content.html
    bad = copy_edition(tmp_path / "bad", sample_edition, "email:\n  list_unsubscribe: call us\n")
    lines = (tmp_path / "bad" / "config.yaml").read_text().splitlines()
    line = next(i for i, ln in enumerate(lines, 1) if ln.strip().startswith("list_unsubscribe:"))
    with pytest.raises(UserError, match=rf"config.yaml:{line}: email.list_unsubscribe: expected"):
        unsub.plan(bad, SENDER)


def test_an_edition_without_charts_json_is_refused_not_redrawn(
    tmp_path, sample_edition, monkeypatch
):
    """Replaces the redrawing of charts when charts.json is missing (#14): an edition
    without it is incomplete; the e-mail names the file and how to rebuild it."""
    from generator.brief import charts

    def no_drawing(*args, **kwargs):
        raise AssertionError("an outlet must not draw a chart")

    monkeypatch.setattr(charts, "make_charts", no_drawing)
    settings = copy_edition(tmp_path, sample_edition)
    (settings.editions_dir / "2025-12" / "charts" / "charts.json").unlink()
    with pytest.raises(
        UserError,
        match=r"edition 2025-12 is incomplete \(missing charts/charts.json\): "
        r"rebuild it with `aibrief render --month 2025-12`",
    ):
        mail.load_edition(settings)


def test_the_email_says_what_the_edition_was_built_with(tmp_path, sample_edition, built):
    """Replaces the refusal of an edition built with other wording (#14): the e-mail
    takes the edition's own words and brand (narrative.json, brand.json), whatever the
    templates say now, so it always matches the edition's PDF."""
    _, _, before, _ = built
    mine = tmp_path / "mine"
    (mine / "narrative").mkdir(parents=True)
    (mine / "narrative" / "bottom_line.j2").write_text("Wording written after the build.\n")
    (mine / "brief").mkdir()
    (mine / "brief" / "brand.yaml").write_text("title: Another Brand\n")
    settings = copy_edition(tmp_path, sample_edition, f"  overrides: {mine}\n")
    content = mail.render_content(settings, mail.load_edition(settings), SENDER)
    assert content.narrative == before.narrative
    assert "Wording written after the build" not in content.text + content.html
    assert before.narrative.bottom_line in " ".join(content.text.split())
    assert content.pdf_name == "ai-trade-brief-2025-12.pdf"
    assert "Another Brand" not in content.text + content.html


def test_message_id_is_stable_per_recipient_and_resend():
    a = mail.message_id("2025-12", "Ada@Example.org", 0, "example.org")
    assert a == mail.message_id("2025-12", "ada@example.org", 0, "example.org")
    assert a != mail.message_id("2025-12", "ada@example.org", 1, "example.org")
    assert a != mail.message_id("2025-12", "bob@example.org", 0, "example.org")


def with_subject_override(tmp_path, sample_edition, template: str) -> mail.Content:
    """The e-mail of the sample edition with an editor's own subject.txt.j2."""
    (tmp_path / "mine" / "email").mkdir(parents=True)
    (tmp_path / "mine" / "email" / "subject.txt.j2").write_text(template)
    settings = copy_edition(tmp_path, sample_edition, f"  overrides: {tmp_path / 'mine'}\n")
    return mail.render_content(settings, mail.load_edition(settings), SENDER)


def test_editors_override_the_subject(tmp_path, sample_edition):
    content = with_subject_override(
        tmp_path, sample_edition, "{{ brand }}, {{ m.month|month_name }}: {{ n.headline }}\n"
    )
    assert content.subject == f"AI Trade Brief, December 2025: {content.narrative.headline}"


def test_an_email_override_can_wrap_the_default(tmp_path, sample_edition):
    content = with_subject_override(
        tmp_path, sample_edition, '[Desk] {% include "!default/subject.txt.j2" %}'
    )
    assert content.subject.startswith("[Desk] ")
    assert content.narrative.headline in content.subject


def test_default_month_is_the_latest_edition(tmp_path, sample_edition):
    settings = copy_edition(tmp_path, sample_edition)
    (settings.editions_dir / ".2026-01.tmp").mkdir()  # a staging folder is no edition
    assert mail.pick_month(settings, None) == "2025-12"
    with pytest.raises(UserError, match="no edition for 2025-11 .*editions: 2025-12"):
        mail.pick_month(settings, "2025-11")
    empty = config.load(write_config(tmp_path / "empty"))
    with pytest.raises(UserError, match="no edition to send in .*build one with `aibrief run`"):
        mail.pick_month(empty, None)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / "brief.pdf").unlink(), r"incomplete \(missing brief.pdf\)"),
        # the e-mail carries the narrow PNGs (readable at phone width)
        (
            lambda f: (f / "charts" / "tariffs-narrow.png").unlink(),
            "charts/tariffs-narrow.png is missing",
        ),
        (lambda f: (f / "charts" / "ai_share-narrow.png").write_bytes(b"GIF89a"), "not a PNG"),
        (lambda f: (f / "brief.pdf").write_bytes(b"<html>"), "brief.pdf is not a PDF"),
        (lambda f: (f / "metrics.json").write_text("{}"), "metrics.json is not valid"),
        (
            lambda f: (f / "narrative.json").unlink(),
            r"incomplete \(missing narrative.json\): it was built by an earlier version",
        ),
        (lambda f: (f / "brand.json").write_text("[]"), "brand.json of 2025-12 is not valid"),
    ],
)
def test_refuses_a_broken_edition(tmp_path, sample_edition, damage, message):
    settings = copy_edition(tmp_path, sample_edition)
    damage(settings.editions_dir / "2025-12")
    with pytest.raises(UserError, match=message):
        mail.render_content(settings, mail.load_edition(settings), SENDER)
    with pytest.raises(UserError):  # and nothing is sent, not even in a dry run
        deliver.send(settings, dry_run=True)
    assert not (settings.output_dir / "outbox").exists()


def test_wrap_keeps_a_hanging_indent():
    text = mail.wrap("word " * 30, 30, "- ", "  ")
    lines = text.splitlines()
    assert lines[0].startswith("- word") and all(ln.startswith("  word") for ln in lines[1:])
    assert all(len(ln) <= 30 for ln in lines)
