"""Editors' tools: overrides file by file, notes rendered safely, `aibrief check`."""

from __future__ import annotations

import re
import shutil

import pytest
from pypdf import PdfReader

from generator import config
from generator.analysis.document import compute_metrics
from generator.brief import edition
from generator.brief.checks import run_checks
from generator.brief.render import plain_text
from generator.data.refresh import refresh
from generator.errors import UserError
from tests.conftest import REPO, write_config


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A refreshed sample warehouse and the default edition's page text."""
    folder = tmp_path_factory.mktemp("editors")
    settings = config.load(write_config(folder))
    refresh(settings)
    default = edition.build(settings, "2025-12").folder
    return folder, settings, (default / "brief.html").read_text()


def variant(base, tmp_path, extra: str) -> config.Settings:
    """Same warehouse, another output for editions, extra config lines."""
    folder, settings, _ = base
    cfg = write_config(tmp_path, extra)
    s = config.load(cfg)
    s.output.dir = settings.output_dir  # share the warehouse
    return s


def sections(page: str) -> dict[str, str]:
    text = plain_text(page)
    labels = ["Why it matters:", "By the numbers:", "Zoom in:", "Between the lines:",
              "What to watch:", "The bottom line:", "Sources:"]  # fmt: skip
    out = {}
    for a, b in zip(labels, labels[1:], strict=False):
        out[a] = text[text.index(a) : text.index(b)]
    return out


def test_overriding_one_partial_changes_only_that_part(base, tmp_path):
    _, _, default_page = base
    over = tmp_path / "editor-templates" / "narrative"
    over.mkdir(parents=True)
    (over / "bottom_line.j2").write_text("An editor wrote this bottom line.\n")
    s = variant(base, tmp_path, "")
    s.templates.overrides = tmp_path / "editor-templates"
    dest = tmp_path / "out"
    edition.render_edition(s, compute_metrics(s, "2025-12"), ("html",), dest=dest)
    page = (dest / "brief.html").read_text()
    new, old = sections(page), sections(default_page)
    assert "An editor wrote this bottom line." in new["The bottom line:"]
    assert "An editor wrote" not in old["The bottom line:"]
    for label in ("Why it matters:", "By the numbers:", "Zoom in:", "Between the lines:"):
        assert new[label] == old[label]


def test_an_override_can_extend_the_default_with_the_default_prefix(base, tmp_path):
    over = tmp_path / "ed" / "brief"
    over.mkdir(parents=True)
    (over / "content.html.j2").write_text(
        '<p class="desk">From the desk</p>\n{% include "!default/content.html.j2" %}\n'
    )
    s = variant(base, tmp_path, "")
    s.templates.overrides = tmp_path / "ed"
    dest = tmp_path / "out"
    edition.render_edition(s, compute_metrics(s, "2025-12"), ("html",), dest=dest)
    text = plain_text((dest / "brief.html").read_text())
    assert text.index("From the desk") < text.index("Why it matters:")
    assert "The bottom line:" in text


NOTE = """---
headline: Chips carry the year
watch:
  - The June annual revision
quote:
  text: "Servers are the new oil."
  by: A trade economist
---
An **editor's** note with a [link](https://example.org/report).

<script>alert('x')</script>
<a href="javascript:alert(1)" onclick="steal()">click</a>
<img src=x onerror="steal()">
"""


def test_a_note_is_rendered_safely_in_html_and_pdf_with_its_quote(base, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2025-12.md").write_text(NOTE)
    s = variant(base, tmp_path, "")
    s.templates.notes = notes
    dest = tmp_path / "out"
    edition.render_edition(s, compute_metrics(s, "2025-12"), ("html", "pdf"), dest=dest)
    page = (dest / "brief.html").read_text()
    assert not re.search(r"<script\b", page.split("</head>")[1], re.I)
    assert "onclick" not in page and "onerror" not in page and "javascript:" not in page
    assert 'href="https://example.org/report"' in page
    text = plain_text(page)
    assert "Chips carry the year" in text
    assert "The June annual revision" in text
    said = text.index("What they're saying:")
    assert "Servers are the new oil." in text[said : said + 200]
    assert "A trade economist" in text[said : said + 250]
    assert text.index("What they're saying:") < text.index("What to watch:")
    pdf = " ".join(
        "".join(p.extract_text() for p in PdfReader(str(dest / "brief.pdf")).pages).split()
    )
    assert "What they're saying:" in pdf and "Servers are the new oil." in pdf
    assert "Chips carry the year" in pdf
    assert "steal()" not in pdf and "alert(" not in pdf


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("---\nheadline: a: b\n---\nbody\n", ":2:", "invalid YAML"),
        ("---\nheadlin: x\n---\n", ":2:", "unknown key 'headlin'"),
        ("---\nquote: just text\n---\n", ":2:", "quote: expected `text:` and `by:`"),
        ("---\nwatch: {a: 1}\n---\n", ":2:", "watch: expected a list"),
        ("---\nheadline: x\n", ":1:", "never closed"),
    ],
)
def test_a_malformed_note_names_file_and_line(tmp_path, text, where, message):
    from generator.brief import notes

    p = tmp_path / "2025-12.md"
    p.write_text(text)
    with pytest.raises(UserError) as err:
        notes.load(p)
    assert f"{p}{where}" in str(err.value) and message in str(err.value)


def test_check_reports_each_problem_with_file_and_line(base, tmp_path):
    folder, settings, _ = base
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    zoom = templates / "narrative" / "zoom_in.j2"
    zoom.write_text(zoom.read_text() + "\n{{ m.no_such_metric }}\n")
    line = len(zoom.read_text().splitlines())
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2025-12.md").write_text("---\nheadline: a: b\n---\n")
    cfg = write_config(tmp_path, f"templates:\n  dir: {templates}\n  notes: {notes}\n")
    text = cfg.read_text().replace(f"templates:\n  dir: {REPO / 'templates'}\n", "")
    text = text.replace(
        f"output:\n  dir: {tmp_path / 'output'}\n", f"output:\n  dir: {settings.output_dir}\n"
    )
    cfg.write_text(text)
    report = run_checks(str(cfg))
    joined = "\n".join(report.problems)
    assert f"{notes / '2025-12.md'}:2:" in joined
    # the note error stops the narrative, so check the template with a clean note too
    (notes / "2025-12.md").unlink()
    report = run_checks(str(cfg))
    assert any(f"{zoom}:{line}:" in p and "no_such_metric" in p for p in report.problems), (
        report.problems
    )

    bad = tmp_path / "bad.yaml"
    bad.write_text(cfg.read_text() + "metrics:\n  base_yaer: 2023\n")
    report = run_checks(str(bad))
    assert len(report.problems) == 1
    assert re.match(
        rf"{re.escape(str(bad))}:\d+: metrics.base_yaer: unknown key", report.problems[0]
    )


def test_check_command_exit_status(base, tmp_path, capsys):
    from generator.cli import main

    _, settings, _ = base
    main(["--config", str(settings.source_path), "check"])
    assert "all good" in capsys.readouterr().err
    templates = tmp_path / "t"
    shutil.copytree(REPO / "templates", templates)
    (templates / "brief" / "web.html.j2").write_text("{% if %}")
    cfg = settings.source_path.read_text().replace(str(REPO / "templates"), str(templates))
    p = tmp_path / "c.yaml"
    p.write_text(cfg)
    with pytest.raises(SystemExit) as exc:
        main(["--config", str(p), "check"])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert f"{templates / 'brief' / 'web.html.j2'}:1: template syntax error" in err


def test_mail_keeps_the_words_of_the_build_when_a_note_is_added(base, tmp_path):
    """Replaces the refusal of an edition built with other wording (#14): a note added
    after the build changes nothing the e-mail says until the edition is rebuilt, so the
    e-mail, the page and the PDF of one edition say the same thing."""
    from email.headerregistry import Address

    from generator.outlets import mail

    _, settings, page = base
    s = settings.model_copy(deep=True)
    s._source_path = settings.source_path
    notes = tmp_path / "notes"
    notes.mkdir()
    s.templates.notes = notes
    (notes / "2025-12.md").write_text("---\nwatch:\n  - A bullet the PDF does not have\n---\n")
    edition_now = mail.load_edition(s, "2025-12")
    content = mail.render_content(s, edition_now, Address("Brief", addr_spec="b@example.org"))
    assert "A bullet the PDF does not have" not in content.text + content.html
    assert "A bullet the PDF does not have" not in page
    for bullet in edition_now.narrative.what_to_watch:
        assert bullet in plain_text(page)
