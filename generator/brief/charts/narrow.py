"""The narrow variant of a chart, for phones and e-mail: the same chart drawn again on a
smaller, taller figure (brief-narrow.mplstyle laid over brief.mplstyle) so that its
text, shown about 360 px wide on a 390-px phone, is at least 11 px on screen. Only a PNG
(`<key>-narrow.png`): the web page offers it to narrow screens (<picture>), the e-mail
shows it; the wide SVG stays the web's default and the wide PNG the PDF's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from generator.brief.charts.draw import Plan
from generator.brief.charts.style import Style

SUFFIX = "-narrow"
# Pages up to this width show the narrow variant (the wide chart's 8-pt source line
# needs a 644-px image to reach 11 px; the page gives it 40 px less than the window).
NARROW_MAX_WIDTH_PX = 700
# No layout engine left to run again when the PNG is drawn (see output._layout_once).
_NO_LAYOUT = {"figure.autolayout": False, "figure.constrained_layout.use": False}


def file_name(key: str) -> str:
    return f"{key}{SUFFIX}.png"


def draw(
    out_dir: Path,
    key: str,
    style: Style,
    build: Callable[[], Plan | None],
    axis: str,
    frame: Callable[[Figure], None],
) -> str:
    """Draw the chart `build` makes under the narrow style, with the wide chart's words
    (`axis` caption, `frame` for title and source), into `<key>-narrow.png`; its name
    ("" when there is nothing to draw)."""
    with matplotlib.rc_context(style.narrow_rc):
        plan = build()
        if plan is None:
            return ""
        if plan.finish is not None:
            plan.finish(axis)
        frame(plan.fig)
        fig = plan.fig
        fig.set_dpi(style.texts.png_width_px / fig.get_figwidth())
        canvas = FigureCanvasAgg(fig)
        with matplotlib.rc_context(_NO_LAYOUT):
            engine = fig.get_layout_engine()
            if engine is not None:
                engine.execute(fig)
            fig.set_layout_engine(None)
            rgba, size = canvas.print_to_buffer()
    name = file_name(key)
    image = Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1).convert("RGB")
    image.save(out_dir / name, format="png")
    return name
