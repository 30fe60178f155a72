"""The house style of the charts: fonts and sizes from `brief.mplstyle`, words and colours
from `charts.yaml` (`texts`), each the first found along the template lookup chain."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, never a window

from generator.brief.charts.texts import ChartTexts, find, read_texts  # noqa: E402
from generator.brief.narrative import Words, load_words  # noqa: E402
from generator.errors import UserError, located  # noqa: E402

STYLE_FILE = "brief.mplstyle"
# The narrow variant (phones, e-mail): settings laid over brief.mplstyle.
NARROW_FILE = "brief-narrow.mplstyle"
# The narrative's direction words and thresholds: chart titles word a change as the
# prose does. Found in `narrative/` beside each styles folder of the lookup chain; a
# styles folder standing alone falls back on the shipped one.
WORDS_FILE = "words.yaml"
SHIPPED_NARRATIVE = Path(__file__).resolve().parents[3] / "templates" / "narrative"
# Styles read in this process, keyed by the files' paths and contents: a backfill
# worker reads the same files for every edition, while an edited file (the preview
# re-renders on edit) is read again because its content changed.
_styles: dict[tuple[tuple[str, bytes], ...], Style] = {}
_STYLES_KEPT = 16


@dataclass(frozen=True)
class Style:
    """Everything a chart is drawn and worded with."""

    rc: dict[str, Any]  # matplotlib settings, checked
    texts: ChartTexts  # charts.yaml
    words: Words  # the narrative's words.yaml
    narrow_rc: dict[str, Any]  # rc with brief-narrow.mplstyle laid over it


def _strip_comment(line: str) -> str:
    """Drop a '#' comment, but not a '#' inside quotes ("#D55E00")."""
    quote = None
    for i, ch in enumerate(line):
        if ch in "'\"":
            quote = None if quote == ch else quote or ch
        elif ch == "#" and quote is None:
            return line[:i].strip()
    return line.strip()


def read_mplstyle(path: Path) -> dict[str, Any]:
    """A matplotlib style sheet, each setting validated; mistakes name file:line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise UserError("cannot read the style sheet", where=str(path)) from None
    checked = matplotlib.RcParams()
    for number, raw in enumerate(lines, start=1):
        line = _strip_comment(raw)
        if not line:
            continue
        key, sep, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise UserError(f"expected 'setting: value', got {line!r}", where=located(path, number))
        if key not in matplotlib.rcParams:
            raise UserError(f"unknown matplotlib setting {key!r}", where=located(path, number))
        if value[:1] == value[-1:] and value[:1] in ("'", '"') and len(value) >= 2:
            value = value[1:-1]
        try:
            checked[key] = value
        except (ValueError, TypeError) as exc:
            msg = str(exc) if str(exc).startswith("Key ") else f"Key {key}: {exc}"
            raise UserError(msg, where=located(path, number)) from None
    return dict(checked)


def _first(dirs: list[Path], name: str) -> Path | None:
    return next((d / name for d in dirs if (d / name).is_file()), None)


def load_style(style_dir: Path | list[Path]) -> Style:
    """Read brief.mplstyle, brief-narrow.mplstyle and charts.yaml (each the first found
    along a lookup chain of folders, overrides first) and the narrative's words.yaml;
    problems become UserErrors with file:line."""
    dirs = [Path(style_dir)] if isinstance(style_dir, (str, Path)) else [Path(d) for d in style_dir]
    style_path = _first(dirs, STYLE_FILE)
    if style_path is None:
        raise UserError("file not found", where=str(dirs[-1] / STYLE_FILE))
    narrow_path = _first(dirs, NARROW_FILE)
    if narrow_path is None:
        raise UserError("file not found", where=str(dirs[-1] / NARROW_FILE))
    words_path = _first([*(d.parent / "narrative" for d in dirs), SHIPPED_NARRATIVE], WORDS_FILE)
    if words_path is None:
        raise UserError("file not found", where=str(dirs[-1].parent / "narrative" / WORDS_FILE))
    paths = (style_path, narrow_path, find(dirs), words_path)
    try:
        key = tuple((str(p), p.read_bytes()) for p in paths)
    except OSError:
        return _read_style(*paths)  # the readers say what is wrong
    if key not in _styles:
        if len(_styles) >= _STYLES_KEPT:
            _styles.clear()
        _styles[key] = _read_style(*paths)
    return copy.deepcopy(_styles[key])  # callers get their own dicts, as before


def _read_style(style_path: Path, narrow_path: Path, texts_path: Path, words_path: Path) -> Style:
    rc = read_mplstyle(style_path)
    rc["text.parse_math"] = False  # "$194B and $1,042B" is money, not TeX
    narrow = {**rc, **read_mplstyle(narrow_path)}
    return Style(
        rc=rc, texts=read_texts(texts_path), words=load_words(words_path), narrow_rc=narrow
    )
