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
from generator.errors import UserError, located  # noqa: E402

STYLE_FILE = "brief.mplstyle"
# Styles read in this process, keyed by the files' paths and contents: a backfill
# worker reads the same two files for every edition, while an edited file (the preview
# re-renders on edit) is read again because its content changed.
_styles: dict[tuple[str, bytes, str, bytes], Style] = {}
_STYLES_KEPT = 16


@dataclass(frozen=True)
class Style:
    """Everything a chart is drawn and worded with."""

    rc: dict[str, Any]  # matplotlib settings, checked
    texts: ChartTexts  # charts.yaml


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


def load_style(style_dir: Path | list[Path]) -> Style:
    """Read brief.mplstyle and charts.yaml (each the first found along a lookup chain of
    folders, overrides first); problems become UserErrors with file:line."""
    dirs = [Path(style_dir)] if isinstance(style_dir, (str, Path)) else [Path(d) for d in style_dir]
    style_path = next((d / STYLE_FILE for d in dirs if (d / STYLE_FILE).is_file()), None)
    if style_path is None:
        raise UserError("file not found", where=str(dirs[-1] / STYLE_FILE))
    texts_path = find(dirs)
    try:
        key = (str(style_path), style_path.read_bytes(), str(texts_path), texts_path.read_bytes())
    except OSError:
        return _read_style(style_path, texts_path)  # the readers say what is wrong
    if key not in _styles:
        if len(_styles) >= _STYLES_KEPT:
            _styles.clear()
        _styles[key] = _read_style(style_path, texts_path)
    return copy.deepcopy(_styles[key])  # callers get their own dicts, as before


def _read_style(style_path: Path, texts_path: Path) -> Style:
    rc = read_mplstyle(style_path)
    rc["text.parse_math"] = False  # "$194B and $1,042B" is money, not TeX
    return Style(rc=rc, texts=read_texts(texts_path))
