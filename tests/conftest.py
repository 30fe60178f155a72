"""Shared fixtures: a config pointing into a temporary output folder, and one sample
edition built once per test session (the slowest thing the suite does)."""

from __future__ import annotations

import atexit
import html
import re
import shutil
import tempfile
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


# The sample warehouse as `refresh` wrote it, once per test process and config `extra`:
# each later caller gets a copy of its own (a copy is ≈ 0.05 s, a refresh ≈ 2 s).
_SAMPLE_WAREHOUSES: dict[str, Path] = {}


def refreshed_sample(folder: Path, extra: str = "") -> config.Settings:
    """The settings of a config under `folder` whose warehouse holds the sample (a
    module's own, for tests that fill or clear its caches or change its files)."""
    from generator.data.refresh import refresh

    settings = config.load(write_config(folder, extra))
    kept = _SAMPLE_WAREHOUSES.get(extra)
    if settings.warehouse_dir.exists():  # a refresh updates what is there
        refresh(settings)
    elif kept is None:
        refresh(settings)
        kept = Path(tempfile.mkdtemp(prefix="aibrief-sample-")) / "warehouse"
        shutil.copytree(settings.warehouse_dir, kept)
        atexit.register(shutil.rmtree, kept.parent, True)
        _SAMPLE_WAREHOUSES[extra] = kept
    else:
        shutil.copytree(kept, settings.warehouse_dir)
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
