"""Drawing helpers the chart families share: what a chart function returns (`Plan`),
month axes, direct labels at line ends, captions."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.offsetbox import AnchoredOffsetbox, HPacker, TextArea
from matplotlib.patches import Patch
from matplotlib.textpath import text_to_path
from matplotlib.ticker import FuncFormatter, MaxNLocator

from generator import numbers


@dataclass
class Plan:
    """What one chart function returns: the figure drawn, its data and its wording."""

    fig: Figure
    header: list[str]
    rows: list[list[Any]]
    context: dict[str, Any]
    variant: str
    axis_variant: str = "default"
    finish: Callable[[str], None] | None = None  # draws the axis caption once rendered


def num(x: Any) -> float:
    return float("nan") if x is None else float(x)


def month_axis(ax: Any, months: list[str]) -> None:
    """Months at positions 0…n−1; ticks each January (or every quarter on short spans,
    the year under the first tick and under each January: "Jan / 2023", "Apr", "Jul",
    so five ticks fit the narrow variant's width too)."""
    n = len(months)
    if n > 18:
        ticks = [i for i, m in enumerate(months) if m.endswith("-01")]
        labels = [months[i][:4] for i in ticks]
    else:
        ticks = [i for i, m in enumerate(months) if int(m[5:]) % 3 == 1]
        labels = [
            numbers.month_short(months[i]).replace(" ", "\n")
            if j == 0 or months[i].endswith("-01")
            else numbers.month_short(months[i]).split()[0]
            for j, i in enumerate(ticks)
        ]
    ax.set_xticks(ticks, labels)
    ax.set_xlim(-0.5, n - 0.5)


def value_axis(ax: Any, fmt: Callable[[float], str]) -> None:
    """About five round ticks on the value axis, labelled in the house style."""
    ax.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))


def _spread(ys: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Move label positions apart by at least `gap`, keeping them in [lo, hi] if possible."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    pos = [ys[i] for i in order]
    for i in range(1, len(pos)):
        pos[i] = max(pos[i], pos[i - 1] + gap)
    if pos and pos[-1] > hi:
        pos[-1] = hi
        for i in range(len(pos) - 2, -1, -1):
            pos[i] = min(pos[i], pos[i + 1] - gap)
    if pos and pos[0] < lo:
        pos[0] = lo
        for i in range(1, len(pos)):
            pos[i] = max(pos[i], pos[i - 1] + gap)
    out = [0.0] * len(ys)
    for p, i in zip(pos, order, strict=True):
        out[i] = p
    return out


def end_labels(
    ax: Any, fig: Figure, ends: list[tuple[float, float, str, str]], size: float
) -> None:
    """Direct labels right of the last point of each line: (x, y, text, colour)."""
    lo, hi = ax.get_ylim()
    # Axes height in points, estimated from the figure (the layout is not run yet).
    axes_pt = fig.get_figheight() * 72.0 * 0.6
    gap = (size * 1.25) / axes_pt * (hi - lo)
    ys = _spread([y for _, y, _, _ in ends], gap, lo + gap / 2, hi - gap / 2)
    for (x, y, text, colour), y_label in zip(ends, ys, strict=True):
        ax.plot([x], [y], marker="o", markersize=4, color=colour, clip_on=False, zorder=4)
        ax.annotate(
            text,
            xy=(x, y_label),
            xytext=(6, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            color=colour,
            fontsize=size,
            fontweight="bold",
            annotation_clip=False,
        )


def label_size() -> float:
    """Direct labels take the tick label size of the style ("small" or 8.5 alike), in pt."""
    return float(FontProperties(size=matplotlib.rcParams["ytick.labelsize"]).get_size_in_points())


# A figure narrower than this is the narrow variant (brief-narrow.mplstyle: phones, e-mail).
NARROW_BELOW_IN = 5.0


def is_narrow() -> bool:
    """Drawing the narrow variant: the style in force makes figures under 5 in wide."""
    return float(matplotlib.rcParams["figure.figsize"][0]) < NARROW_BELOW_IN


def wrap(text: str, size: float, width_pt: float, weight: str = "normal") -> str:
    """Break text into lines no wider than width_pt, measured in its font."""
    return fill(text.split(), FontProperties(size=size, weight=weight), width_pt)


def fill(words: list[str], prop: FontProperties, width_pt: float) -> str:
    """Words (each kept whole) set greedily into lines no wider than width_pt."""
    out: list[str] = []
    line = ""
    for word in words:
        trial = f"{line} {word}" if line else word
        w, _, _ = text_to_path.get_text_width_height_descent(trial, prop, ismath=False)
        if line and w > width_pt:
            out.append(line)
            line = word
        else:
            line = trial
    return "\n".join([*out, line])


def series_key(ax: Any, items: list[tuple[str, str]], text_colour: str) -> float:
    """The series (colour, name) named without a boxed legend: in line with the axis
    caption, right-aligned; on a narrow figure, where that has no room, one per line
    above the caption. Returns the width (pt) it takes on the caption's line, which
    `caption` leaves free (0 on a narrow figure)."""
    size = label_size()
    if is_narrow():
        ax.figure.legend(
            [Patch(color=c) for c, _ in items], [name for _, name in items],
            loc="outside upper left", frameon=False, fontsize=size, labelcolor=text_colour,
            handlelength=0.9, handleheight=0.9, handletextpad=0.5, borderaxespad=0.4,
            borderpad=0.0,
        )  # fmt: skip
        return 0.0
    width = 0.0
    for _, name in items:  # "■" and name, 4 pt apart, as the boxes below pack them
        for text, pt in (("■", size + 1), (name, size)):
            w, _, _ = text_to_path.get_text_width_height_descent(
                text, FontProperties(size=pt), ismath=False
            )
            width += w + 4
    parts = []
    for colour, name in items:
        parts.append(TextArea("■", textprops={"color": colour, "fontsize": size + 1}))
        parts.append(TextArea(name, textprops={"color": text_colour, "fontsize": size}))
    box = AnchoredOffsetbox(
        loc="lower right",
        child=HPacker(children=parts, sep=4, align="baseline"),
        frameon=False,
        bbox_to_anchor=(1.0, 1.0),
        bbox_transform=ax.transAxes,
        pad=0.0,
        borderpad=0.35,
    )
    ax.add_artist(box)
    return width


def new_figure() -> tuple[Figure, Any]:
    fig = Figure()
    ax = fig.add_subplot()
    return fig, ax


def caption(ax: Any, colour: str, beside_pt: float = 0.0) -> Callable[[str], None]:
    """Draws the axis caption (rendered later, from charts.yaml) above the plot, wrapped
    clear of what stands at the right end of its line (`beside_pt`: the series key)."""

    def finish(text: str) -> None:
        size = FontProperties(size=matplotlib.rcParams["axes.titlesize"]).get_size_in_points()
        width = ax.figure.get_figwidth() * 72 * 0.8  # from the axes' left edge
        if beside_pt:  # the axes span about 0.96 of the figure; 10 pt between the two
            width = min(width, ax.figure.get_figwidth() * 72 * 0.96 - beside_pt - 10)
        ax.set_title(wrap(text, size, width), loc="left", color=colour)

    return finish


def last_finite(values: list[float]) -> int | None:
    for i in range(len(values) - 1, -1, -1):
        if math.isfinite(values[i]):
            return i
    return None
