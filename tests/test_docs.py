"""The README and the docs a user's clone ships: every link resolves inside the repo,
and nothing points at files a user does not have."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO

DOCS = [REPO / "README.md", REPO / "EDITING.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
PATHISH = re.compile(r"`((?:docs|templates|taxonomy|benchmarks|generator)/[\w./-]+\.\w+)`")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_relative_links_resolve_in_the_repo(doc):
    text = doc.read_text(encoding="utf-8")
    missing = [
        target
        for target in LINK.findall(text)
        if "://" not in target
        and not target.startswith("mailto:")
        and not (doc.parent / target).exists()
    ]
    assert missing == [], f"{doc.name} links to files the repo does not have"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_named_repo_files_exist(doc):
    text = doc.read_text(encoding="utf-8")
    named = {m for m in PATHISH.findall(text) if "*" not in m and "YYYY" not in m}
    missing = sorted(n for n in named if not (REPO / n).exists())
    assert missing == [], f"{doc.name} names files the repo does not have"


def test_nothing_points_outside_the_repo():
    texts = [p.read_text(encoding="utf-8") for p in DOCS]
    texts += [p.read_text(encoding="utf-8") for p in (REPO / "generator").rglob("*.py")]
    for name in ("../shared", "DESIGN.md", "BRIEF-STYLE.md", "CENSUS-API.md"):
        assert not any(name in t for t in texts), name
