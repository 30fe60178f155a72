"""Shared fixtures: a config pointing into a temporary output folder, and one sample
edition built once per test session (the slowest thing the suite does)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from generator import config

REPO = Path(__file__).resolve().parents[1]


# The brief's labels in reading order (docs/STYLE.md), as every output must show them.
BRIEF_SECTIONS = (
    "Why it matters:",
    "By the numbers:",
    "Zoom in:",
    "Between the lines:",
    "What to watch:",
    "The bottom line:",
    "Sources:",
)


def write_config(folder: Path, extra: str = "") -> Path:
    """A config whose output goes to `folder`, using the repository's rules and templates."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.yaml"
    path.write_text(
        f"output:\n  dir: {folder / 'output'}\n"
        f"taxonomy:\n  rules: {REPO / 'taxonomy' / 'ai_products.yaml'}\n"
        f"  exemptions: {REPO / 'taxonomy' / 'exemptions'}\n"
        f"  policy: {REPO / 'taxonomy' / 'policy.yaml'}\n"
        f"templates:\n  dir: {REPO / 'templates'}\n" + extra,
        encoding="utf-8",
    )
    return path


def refreshed_sample(folder: Path, extra: str = "") -> config.Settings:
    """The settings of a config under `folder` whose warehouse holds the sample (a
    module's own, for tests that fill or clear its caches)."""
    from generator.data.refresh import refresh

    settings = config.load(write_config(folder, extra))
    refresh(settings)
    return settings


@pytest.fixture(scope="session")
def sample_edition(tmp_path_factory):
    """The 2025-12 sample edition, built through the library as `aibrief run` does."""
    from generator.brief import edition

    settings = refreshed_sample(tmp_path_factory.mktemp("sample"))
    result = edition.build(settings, "2025-12")
    return settings, result.folder


def drawn_lines(svg: str) -> list[str]:
    """Each line of text a web chart SVG draws: matplotlib writes every text it draws as
    glyph outlines into a comment before them."""
    return [
        line.strip()
        for said in re.findall(r"<!-- (.*?) -->", svg, re.S)
        for line in html.unescape(said).splitlines()
        if line.strip()
    ]


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    """`aibrief ARGS` in this process: exit status, stdout, stderr."""
    from generator.cli import main

    capsys.readouterr()
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err
