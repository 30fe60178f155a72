"""The built edition is the unit (#14): an edition's site page, brief.html, PDF and
e-mail say the same thing — all the old wording or all the new — and the e-mail carries
the brand the edition was built with, whatever the templates say since."""

from __future__ import annotations

import email
import json
import shutil
import unicodedata
from email import policy
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator import config
from generator.brief.built import BuiltEdition, Chart
from generator.brief.render import plain_text
from generator.cli import main
from generator.errors import UserError
from tests.conftest import write_config

MONTHS = ("2025-11", "2025-12")
NEW_BOTTOM_LINE = "Desk wording: the bottom line was rewritten by an editor."
OLD_BRAND, NEW_BRAND = "AI Trade Brief", "Harbor Desk Weekly"
READER = "reader@example.org"


def text(s: str) -> str:
    """Whitespace folded and ligatures undone (PDF text comes with either)."""
    return " ".join(unicodedata.normalize("NFKC", s).split())


def aibrief(cfg: Path, *args: str) -> None:
    main(["--debug", "--config", str(cfg), *args])


def pdf_text(path: Path) -> str:
    return text(" ".join(page.extract_text() for page in PdfReader(path).pages))


def email_of(cfg: Path, settings: config.Settings, month: str) -> email.message.EmailMessage:
    """The e-mail of `month` as `aibrief send --dry-run` writes it, parsed again."""
    aibrief(cfg, "send", "--dry-run", "--month", month)
    (eml,) = (settings.output_dir / "outbox" / month).glob("*.eml")
    return email.message_from_bytes(eml.read_bytes(), policy=policy.default)


def outputs(cfg: Path, settings: config.Settings, month: str) -> dict[str, str]:
    """Every place the edition's words reach a reader, as plain text."""
    folder = settings.editions_dir / month
    msg = email_of(cfg, settings, month)
    body = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    return {
        "site page": text(plain_text((settings.site_dir / month / "index.html").read_text())),
        "brief.html": text(plain_text((folder / "brief.html").read_text())),
        "PDF": pdf_text(folder / "brief.pdf"),
        "e-mail text": text(body),
        "e-mail html": text(plain_text(html)),
    }


def attachment_name(cfg: Path, settings: config.Settings, month: str) -> str:
    msg = email_of(cfg, settings, month)
    (pdf,) = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    return pdf.get_filename()


def assert_one_wording(cfg, settings, month: str, old: str, brand: str, new: bool) -> None:
    """Page, brief.html, PDF and e-mail of `month` all say the old bottom line, or all
    the new one; the e-mail's brand is the one the edition was built with."""
    want, other = (NEW_BOTTOM_LINE, old) if new else (old, NEW_BOTTOM_LINE)
    built = BuiltEdition.read(settings.editions_dir / month, need_pdf=True)
    assert text(built.narrative.bottom_line) == text(want), month
    assert built.brand.title == brand, month
    for where, said in outputs(cfg, settings, month).items():
        assert text(want) in said, f"{month}: {where} lacks {want!r}"
        assert text(other) not in said, f"{month}: {where} still says {other!r}"
        if where != "PDF":
            assert text(brand) in said or brand.upper() in said, f"{month}: {where} brand"
        if where.startswith("e-mail"):
            other_brand = NEW_BRAND if brand == OLD_BRAND else OLD_BRAND
            assert other_brand.lower() not in said.lower(), f"{month}: {where} brand"
    slug = brand.lower().replace(" ", "-")
    assert attachment_name(cfg, settings, month) == f"{slug}-{month}.pdf"


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """Two editions built with the default templates; an override folder set in the
    config but empty (the editor writes into it later)."""
    folder = tmp_path_factory.mktemp("built")
    over = folder / "editor"
    over.mkdir()
    cfg = write_config(
        folder,
        f"  overrides: {over}\n"
        "metrics:\n  base_year: 2024\n"
        'data:\n  sample:\n    end: "2025-12"\n'  # the latest edition is 2025-12
        'email:\n  from: "Desk <brief@example.org>"\n'
        f"  to: [{READER}]\n",
    )
    settings = config.load(cfg)
    aibrief(cfg, "refresh")
    for month in MONTHS:
        aibrief(cfg, "publish", "--month", month, "--no-deploy")
    old = {m: BuiltEdition.read(settings.editions_dir / m).narrative.bottom_line for m in MONTHS}
    return cfg, settings, over, old


def test_page_pdf_and_email_of_an_edition_say_the_same_thing(desk):
    cfg, settings, over, old = desk
    for month in MONTHS:  # built with the default templates: all old
        assert_one_wording(cfg, settings, month, old[month], OLD_BRAND, new=False)

    (over / "narrative").mkdir()
    (over / "narrative" / "bottom_line.j2").write_text(NEW_BOTTOM_LINE + "\n")
    (over / "brief").mkdir()
    (over / "brief" / "brand.yaml").write_text(f"title: {NEW_BRAND}\n")

    aibrief(cfg, "publish", "--no-deploy")  # the latest edition only
    assert_one_wording(cfg, settings, "2025-12", old["2025-12"], NEW_BRAND, new=True)
    assert_one_wording(cfg, settings, "2025-11", old["2025-11"], OLD_BRAND, new=False)

    aibrief(cfg, "publish", "--all", "--no-deploy")
    for month in MONTHS:
        assert_one_wording(cfg, settings, month, old[month], NEW_BRAND, new=True)


def test_narrative_json_names_the_metrics_path_of_each_number(desk):
    _, settings, _, _ = desk
    built = BuiltEdition.read(settings.editions_dir / "2025-12", need_pdf=True)
    metrics = json.loads((built.folder / "metrics.json").read_text())
    bullets = built.narrative.section("by_the_numbers")
    assert [s.text for s in bullets.sentences] == built.narrative.by_the_numbers
    traced = [s for s in bullets.sentences if s.fact]
    assert traced, "every bullet comes from a fact"
    for sentence in traced:
        for path in sentence.paths.values():
            node = metrics
            for part in path.split("."):
                node = node[int(part)] if isinstance(node, list) else node[part]
    lede = built.narrative.section("lede")
    assert lede.sentences[0].fact == built.narrative.facts[0].kind
    assert lede.html and lede.text == built.narrative.lede
    assert [c.key for c in built.charts] and all(isinstance(c, Chart) for c in built.charts)


def test_an_edition_built_without_a_pdf_is_refused_by_outlets_that_need_it(desk, tmp_path):
    _, settings, _, _ = desk
    folder = tmp_path / "2025-12"
    shutil.copytree(settings.editions_dir / "2025-12", folder)
    (folder / "brief.pdf").unlink()
    assert not BuiltEdition.read(folder).has_pdf
    with pytest.raises(UserError, match=r"built without a PDF .*aibrief render --month 2025-12"):
        BuiltEdition.read(folder, need_pdf=True)


def test_an_edition_built_before_narrative_json_is_rebuilt_by_publish(desk):
    cfg, settings, _, _ = desk
    folder = settings.editions_dir / "2025-11"
    (folder / "narrative.json").unlink()
    with pytest.raises(UserError, match=r"missing narrative.json\): it was built by an earlier"):
        BuiltEdition.read(folder)
    aibrief(cfg, "publish", "--month", "2025-11", "--no-deploy")
    assert BuiltEdition.read(folder, need_pdf=True).narrative.bottom_line
