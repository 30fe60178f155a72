"""templates/narrative/words.yaml as a model: the direction words and the thresholds
that pick them. Every problem of the file is reported at once, each with its line
(yamlio.validate), like config.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from generator import yamlio

# Changes and shares are fractions (0.05 = 5%); none is negative, and none is above
# 100 (a ten-thousand-fold change), which no threshold an editor means can be.
Fraction = Annotated[float, Field(ge=0, le=100)]


class Growth(yamlio.FileModel):
    """Where a change stops being "steady", "small" or "normal", and "doubled" starts."""

    steady_below: Fraction
    small_below: Fraction
    large_from: Fraction
    doubled_from: Fraction


class Direction(yamlio.FileModel):
    """The word for a small, normal and large change one way (up or down)."""

    small: yamlio.Words
    normal: yamlio.Words
    large: yamlio.Words


class News(yamlio.FileModel):
    """When a fact is news enough to lead."""

    big_growth: Fraction
    big_gap_change: Fraction


class WordsFile(yamlio.FileModel):
    growth: Growth
    up: Direction
    down: Direction
    steady: yamlio.Words
    doubled: yamlio.Words
    gap_steady_below: Fraction
    news: News
    share_marks: dict[Fraction, yamlio.Words]  # a share → its name ("a quarter")


def load(path: Path) -> WordsFile:
    return yamlio.load_model(path, WordsFile)
