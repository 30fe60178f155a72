"""templates/site/site.yaml as a model: the site's description, its key numbers (Jinja
text over an edition's metrics) and the share image's colours. Every problem of the
file is reported at once, each with its line (yamlio.validate), like config.yaml.

The key numbers' templates are compiled (and their syntax errors located) where the
site's Jinja environment is, in site/build.py; here they are only text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from matplotlib.colors import is_color_like
from pydantic import AfterValidator, BeforeValidator, PrivateAttr

from generator import yamlio


def _colour(value: str) -> str:
    if not is_color_like(value):
        raise ValueError(f"expected a colour such as '#0072b2', got {value!r}")
    return value


Colour = Annotated[str, AfterValidator(_colour)]


class KeyNumberEntry(yamlio.FileModel):
    """One key number: `value` then `label`, both Jinja over `m` (metrics.json), kept
    as written (the page collapses white space after rendering)."""

    value: str
    label: str


class ShareSpec(yamlio.FileModel):
    """The share image (1200 × 630 PNG): colours by role, the sample data banner."""

    background: Colour | None = None
    ink: Colour | None = None
    muted: Colour | None = None
    accent: Colour | None = None
    banner: Colour | None = None
    banner_edge: Colour | None = None
    sample_note: yamlio.Words | None = None

    def colours(self) -> dict[str, str]:
        """The colours given, by role (the others keep the share module's defaults)."""
        return self.model_dump(exclude={"sample_note"}, exclude_none=True)


def _one_to_three(value: object) -> object:
    if not isinstance(value, list) or not 1 <= len(value) <= 3:
        raise ValueError("expected one to three entries")
    return value


class SiteFile(yamlio.FileModel):
    description: str | None = None
    key_numbers: Annotated[list[KeyNumberEntry], BeforeValidator(_one_to_three)]
    share: ShareSpec | None = None

    def share_colours(self) -> dict[str, str]:
        return self.share.colours() if self.share else {}

    # The parsed file, for messages about a key found later (a key number that fails
    # to render names its line).
    _doc: Any = PrivateAttr(default=None)

    @property
    def doc(self) -> Any:
        return self._doc


def load(path: Path) -> SiteFile:
    """site.yaml, validated; the parsed document stays on `doc` for its lines."""
    doc = yamlio.load(path)
    spec = yamlio.validate(doc, SiteFile, str(path))
    spec._doc = doc
    return spec
