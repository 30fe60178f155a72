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


def test_the_readme_lists_every_command():
    """The README's "Commands" block names each command of the CLI, with options that
    exist: a new command, or a renamed option, shows up here first."""
    import click

    from generator.cli import cli

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Commands", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    lines = [ln for ln in block.splitlines() if ln.startswith("aibrief ")]
    listed = {ln.split()[1] for ln in lines}
    assert set(cli.commands) <= listed, sorted(set(cli.commands) - listed)
    for ln in lines:
        name, words = ln.split()[1], ln.split("#", 1)[0].split()
        command = cli.commands[name]
        if isinstance(command, click.Group):  # `taxonomy compare`
            command = command.commands[words[2]]
        known = {o for p in command.params for o in getattr(p, "opts", [])}
        used = {w.strip("[]|").split("=")[0] for w in words if w.strip("[]|").startswith("--")}
        assert used <= known, (ln, sorted(used - known))
