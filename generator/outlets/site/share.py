"""The share image of an edition: 1200 × 630 PNG with the headline and its key numbers,
the picture social sites show beside a link (og:image, twitter:image).

Drawn with matplotlib (DejaVu Sans, as the charts), deterministic bytes for the same
words. Colours come from templates/site/site.yaml (`share:`).
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

WIDTH, HEIGHT, DPI = 1200, 630, 100
COLOURS = {
    "background": "#ffffff",
    "ink": "#1b1f24",
    "muted": "#5b6470",
    "accent": "#0072b2",
    "banner": "#fff4d6",
    "banner_edge": "#e69f00",
}


@dataclass(frozen=True)
class ShareCard:
    kicker: str  # "AI TRADE BRIEF · DECEMBER 2025"
    headline: str
    numbers: tuple[tuple[str, str], ...]  # (value, label), two or three
    footer: str  # where to read it
    sample_note: str | None = None  # set when the edition is built from the sample


def _fit(fig: Figure, text: str, x: float, y: float, width_px: float, sizes, max_lines: int, **kw):
    """Place wrapped text at the largest size whose lines fit width_px and max_lines."""
    renderer = fig.canvas.get_renderer()
    em = 0.62 if kw.get("fontweight") == "bold" else 0.55  # DejaVu Sans, average advance
    for size in sizes:
        chars = max(8, int(width_px / (size * DPI / 72 * em)))
        lines = textwrap.wrap(text, chars, break_on_hyphens=False) or [""]
        if len(lines) > max_lines:
            continue
        t = fig.text(x, y, "\n".join(lines), fontsize=size, **kw)
        if t.get_window_extent(renderer).width <= width_px:
            return t
        t.remove()
    chars = max(8, int(width_px / (sizes[-1] * DPI / 72 * em)))
    lines = textwrap.wrap(text, chars, break_on_hyphens=False)
    shown = lines[:max_lines]
    if len(lines) > max_lines:
        shown[-1] = shown[-1].rstrip(" .,;:") + "…"
    return fig.text(x, y, "\n".join(shown), fontsize=sizes[-1], **kw)


def draw(card: ShareCard, colours: dict[str, str] | None = None) -> bytes:
    c = {**COLOURS, **(colours or {})}
    fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor=c["background"])
    FigureCanvasAgg(fig)  # attached to fig: text can be measured
    left = 60 / WIDTH
    inner_px = WIDTH - 120
    fig.patches.append(
        Rectangle((0, 1 - 12 / HEIGHT), 1, 12 / HEIGHT, transform=fig.transFigure,
                  facecolor=c["accent"], edgecolor="none")
    )  # fmt: skip
    fig.text(
        left, 1 - 56 / HEIGHT, card.kicker, fontsize=17, fontweight="bold",
        color=c["accent"], va="baseline",
    )  # fmt: skip
    head = _fit(
        fig, card.headline, left, 1 - 82 / HEIGHT, inner_px, (44, 40, 36, 32, 28), 2,
        fontweight="bold", color=c["ink"], va="top", linespacing=1.15,
    )  # fmt: skip
    footer_px = HEIGHT - (84 if card.sample_note else 36)  # footer baseline, from the top

    # The numbers: centred between the headline and the footer.
    numbers = card.numbers[:3]
    n = max(1, len(numbers))
    gap, block = 36, 180
    col_px = (inner_px - gap * (n - 1)) / n
    below_head = HEIGHT - head.get_window_extent(fig.canvas.get_renderer()).y0 + 30
    room = (footer_px - 40) - below_head
    top = 1 - (below_head + max(0.0, (room - block) / 2)) / HEIGHT
    for i, (value, label) in enumerate(numbers):
        x = (60 + i * (col_px + gap)) / WIDTH
        fig.patches.append(
            Rectangle((x, top - 4 / HEIGHT), 4 / WIDTH, -(block - 10) / HEIGHT,
                      transform=fig.transFigure, facecolor=c["accent"], edgecolor="none")
        )  # fmt: skip
        xt = x + 18 / WIDTH
        _fit(
            fig, value, xt, top, col_px - 18, (50, 44, 38, 32), 1,
            fontweight="bold", color=c["accent"], va="top",
        )  # fmt: skip
        _fit(
            fig, label, xt, top - 78 / HEIGHT, col_px - 18, (17, 15, 14, 13), 4,
            color=c["ink"], va="top", linespacing=1.3,
        )  # fmt: skip

    if card.sample_note:
        fig.patches.append(
            Rectangle((0, 0), 1, 64 / HEIGHT, transform=fig.transFigure,
                      facecolor=c["banner"], edgecolor="none")
        )  # fmt: skip
        fig.patches.append(
            Rectangle((0, 0), 8 / WIDTH, 64 / HEIGHT, transform=fig.transFigure,
                      facecolor=c["banner_edge"], edgecolor="none")
        )  # fmt: skip
        _fit(
            fig, card.sample_note, left, 32 / HEIGHT, inner_px, (16, 14, 13), 1,
            color=c["ink"], va="center", fontweight="bold",
        )  # fmt: skip
    fig.text(
        left, 1 - footer_px / HEIGHT, card.footer, fontsize=14, color=c["muted"], va="baseline"
    )
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor=c["background"], metadata={"Software": None})
    return buf.getvalue()
