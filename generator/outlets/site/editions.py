"""The editions the site shows, each read as built (BuiltEdition): its own words,
charts and brand, never the templates' current ones, so the site page says what the
edition's PDF and e-mail say. Every file the site takes is a regular file reached from
the editions folder without a symlink (site.safe)."""

from __future__ import annotations

import hashlib
import html
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from generator.brief import built, store
from generator.brief.built import Chart, NarrativeDoc
from generator.config import Settings
from generator.errors import UserError
from generator.outlets.site import safe


@dataclass(frozen=True)
class KeyNumber:
    value: Markup
    label: Markup

    def plain(self) -> tuple[str, str]:
        return html.unescape(str(self.value)), html.unescape(str(self.label))


KeyNumbers = Callable[[dict[str, Any]], list[KeyNumber]]


@dataclass
class SiteEdition:
    """A built edition as the site shows it, with the key numbers of site.yaml."""

    month: str
    folder: Path
    doc: dict[str, Any]
    n: NarrativeDoc
    charts: list[Chart]
    brand: str  # the brand the edition was built with
    key_numbers: list[KeyNumber] = field(default_factory=list)
    digest: str = ""

    @property
    def sample(self) -> bool:
        return bool(self.doc.get("data", {}).get("sample"))

    @property
    def dir(self) -> str:
        return f"{self.month}/"

    @property
    def href(self) -> str:
        return f"{self.month}/index.html"


class SafeFiles(built.Files):
    """An edition's files reached from the editions folder without a symlink."""

    def __init__(self, root: Path, month: str) -> None:
        super().__init__(root / month)
        self.root, self.month = root, month

    def exists(self, name: str) -> bool:
        """False when missing (BuiltEdition then says the edition is incomplete); a file
        reached through a symlink raises safe.Unsafe."""
        try:
            os.close(safe.open_below(self.root, f"{self.month}/{name}"))
        except safe.Unsafe as exc:
            if exc.missing:
                return False
            raise
        return True

    def read(self, name: str) -> bytes:
        return safe.read_below(self.root, f"{self.month}/{name}")


def read_edition(settings: Settings, month: str, key_numbers: KeyNumbers) -> SiteEdition | str:
    """The edition of `month`, or why it is left out: a planted link, or a folder linked
    in, never brings outside content into the site; an edition missing a file (built
    before narrative.json, or without a PDF) is incomplete, and publish rebuilds it."""
    root = settings.editions_dir
    files = SafeFiles(root, month)
    try:
        b = built.BuiltEdition.read(root / month, need_pdf=True, files=files)
        for c in b.charts:
            for name in c.files:
                os.close(safe.open_below(root, f"{month}/charts/{name}"))
        metrics_bytes, brief_html = files.read(built.METRICS), files.read(built.HTML)
    except safe.Unsafe as exc:
        return exc.reason.replace(f"{month}/", "", 1)
    except UserError as exc:
        return exc.message
    folder = store.edition_dir(settings, month)
    e = SiteEdition(month, folder, b.metrics, b.narrative, b.charts, b.brand.title)
    e.key_numbers = key_numbers(b.metrics)
    h = hashlib.sha256(metrics_bytes)
    h.update(brief_html)
    h.update(json.dumps([k.plain() for k in e.key_numbers]).encode())
    e.digest = h.hexdigest()
    return e


def collect(
    settings: Settings, key_numbers: KeyNumbers
) -> tuple[list[SiteEdition], list[tuple[str, str]]]:
    """Every complete edition in the editions folder, oldest first, and those left out."""
    editions: list[SiteEdition] = []
    skipped: list[tuple[str, str]] = []
    for month in store.edition_months(settings):
        e = read_edition(settings, month, key_numbers)
        if isinstance(e, str):
            skipped.append((month, e))
        else:
            editions.append(e)
    return editions, skipped
