"""Charts as a reader sees them: no text drawn over other text or over a bar it does not
label, nothing cut at the figure's edge — on the wide chart (page, PDF) and the narrow
one (phone, e-mail). The cases are the ones seen in sample editions: a long axis caption
beside the series key (June 2024), a bar's value label wider than its bar on a phone
(December 2025), a counterfactual gap too small for its bracket (June 2024)."""

from __future__ import annotations

import copy

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation

from generator.brief.charts import bars, load_style, output
from tests.test_charts import STYLES, make_doc

LONG_CAPTION = "Change in U.S. imports in January–June 2024 against the same months of 2023"
SOURCE = "Illustrative sample data, not official statistics; AI Trade Brief calculations"
RCS = ["rc", "narrow_rc"]


@pytest.fixture(scope="module")
def style():
    return load_style(STYLES)


@pytest.fixture(scope="module")
def rising() -> dict:
    return make_doc("up")


def split_doc(rising: dict, ai_value: float = 0.73) -> dict:
    """The December 2025 sample's split: AI-related +73% (unit values +19%, volumes
    +44%), other goods +2.5% (+3.4%, −0.9%): small bars beside tall ones. (September
    2026: +135%, whose axis labels, "+150%", are wider.)"""
    doc = copy.deepcopy(rising)
    for g, (value, unit, volume) in {
        "ai": (ai_value, 0.19, 0.44),
        "non_ai": (0.025, 0.034, -0.009),
    }.items():
        doc["imports"][g]["since_base"]["ytd"] = value
        doc["prices"][g]["since_base"]["ytd"] = unit
        doc["volumes"][g]["since_base"]["ytd"] = volume
        doc["prices"][g]["quotable"] = doc["volumes"][g]["quotable"] = True
    return doc


def small_gap_doc(rising: dict) -> dict:
    """June 2024's counterfactual: $6.5B on a $574B deficit, year to date alone."""
    doc = copy.deepcopy(rising)
    doc["counterfactual"]["annual"] = {"2023": doc["counterfactual"]["annual"]["2023"]}
    doc["counterfactual"]["ytd"] = {
        "excess_imports": 9.0e9,
        "excess_exports": 2.5e9,
        "net_effect": 6.5e9,
        "actual_balance": -574.0e9,
        "counterfactual_balance": -567.5e9,
    }
    doc["month"], doc["period"]["year"], doc["period"]["ytd_months"] = "2024-06", 2024, 6
    return doc


def drawn(doc: dict, key: str, style, rc: str, caption: str = LONG_CAPTION):
    """The chart as make_charts draws it (caption, source line, layout), at PNG size."""
    with matplotlib.rc_context(style.rc), matplotlib.rc_context(getattr(style, rc)):
        plan = output.BUILDERS[key](doc, style)
        assert plan is not None
        if plan.finish is not None:
            plan.finish(caption)
        output._frame(plan.fig, style, "title", SOURCE)
        fig = plan.fig
        fig.set_dpi(style.texts.png_width_px / fig.get_figwidth())
        FigureCanvasAgg(fig)
        fig.draw_without_rendering()
    return fig


def _overlap(a, b, slack: float = 0.5) -> bool:
    """Two display boxes overlap by more than `slack` px each way."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > slack and min(a.y1, b.y1) - max(a.y0, b.y0) > slack


def _inside(box, fig, margin: float = -0.5) -> bool:
    """Within the figure, `margin` px (or more) from its edges."""
    f = fig.bbox.padded(-margin)
    return box.x0 >= f.x0 and box.x1 <= f.x1 and box.y0 >= f.y0 and box.y1 <= f.y1


def _key_boxes(fig) -> list:
    """Where the series key is: the offset box in line with the caption, or the legend."""
    r = fig.canvas.get_renderer()
    boxes = [a.get_window_extent(r) for ax in fig.axes for a in ax.artists]
    boxes += [leg.get_window_extent(r) for leg in fig.legends]
    assert boxes, "no series key drawn"
    return boxes


def _caption(fig):
    """The axis caption: the text the chart's `finish` set (wrapped to lines)."""
    words = LONG_CAPTION.split()
    (text,) = [t for t, _ in _texts(fig) if t.get_text().split() == words]
    return text


def _texts(fig):
    r = fig.canvas.get_renderer()
    return [
        (t, t.get_window_extent(r))
        for t in fig.findobj(matplotlib.text.Text)
        if t.get_visible() and t.get_text().strip()
    ]


@pytest.mark.parametrize("rc", RCS)
@pytest.mark.parametrize("key, ai_value", [("price_volume", 0.73), ("price_volume", 1.35),
                                           ("counterfactual", 0.73)])  # fmt: skip
def test_axis_caption_clears_the_series_key(rising, style, key, ai_value, rc: str) -> None:
    fig = drawn(split_doc(rising, ai_value), key, style, rc)
    r = fig.canvas.get_renderer()
    caption = _caption(fig).get_window_extent(r)
    for box in _key_boxes(fig):
        assert not _overlap(caption, box), (key, rc, caption, box)
        assert _inside(box, fig, margin=4), (key, rc, box)  # not flush with the edge
    assert _inside(caption, fig)


@pytest.mark.parametrize("rc", RCS)
def test_value_labels_sit_clear_of_the_other_bars(rising, style, rc: str) -> None:
    fig = drawn(split_doc(rising), "price_volume", style, rc)
    ax = fig.axes[0]
    r = fig.canvas.get_renderer()
    rects = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() != 0]
    assert len(rects) == 6
    labels = [a for a in ax.texts if isinstance(a, Annotation)]
    assert len(labels) == 6
    boxes = [a.get_window_extent(r) for a in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not _overlap(a, b), (rc, a, b)
        for rect in rects:
            assert not _overlap(a, rect.get_window_extent(r), slack=1.0), (rc, labels[i])


@pytest.mark.parametrize("rc", RCS)
@pytest.mark.parametrize("case", ["wide_gap", "small_gap"])
def test_counterfactual_mark_is_readable(rising, style, rc: str, case: str) -> None:
    """The gap's label stays inside the figure; the dashed level line and the bracket
    cross no value label; a gap too small for arrow heads is drawn without them."""
    doc = rising if case == "wide_gap" else small_gap_doc(rising)
    fig = drawn(doc, "counterfactual", style, rc, caption="U.S. goods trade deficit")
    ax = fig.axes[0]
    r = fig.canvas.get_renderer()
    mark = next(t for t in ax.texts if "AI boom" in t.get_text())
    assert _inside(mark.get_window_extent(r), fig), (rc, case)
    values = [t for t in ax.texts if t.get_text().startswith("$")]
    dashed = [ln for ln in ax.lines if isinstance(ln, Line2D) and ln.get_linestyle() != "-"]
    assert len(dashed) == 1
    line = dashed[0].get_window_extent(r)
    for t in values:  # white between the line and a label's glyphs
        assert not _overlap(line, t.get_window_extent(r).padded(4), slack=-0.5), (
            rc, case, t.get_text()
        )  # fmt: skip
    (arrow,) = [a for a in ax.texts if isinstance(a, Annotation) and a.arrow_patch is not None]
    box = arrow.arrow_patch.get_window_extent(r)
    for t in values:
        assert not _overlap(box, t.get_window_extent(r)), (rc, case, t.get_text())
    if case == "small_gap":
        assert "<" not in arrow.arrowprops["arrowstyle"]  # heads would cross over
    for t, tb in _texts(fig):
        if t is not mark:
            assert not _overlap(mark.get_window_extent(r), tb), (rc, case, t.get_text())


def test_bars_module_still_marks_one_gap(rising, style) -> None:
    """The bracket stays one annotation from the counterfactual level to the actual."""
    with matplotlib.rc_context(style.rc):
        plan = bars.counterfactual(small_gap_doc(rising), style)
    assert plan is not None
    arrows = [a for a in plan.fig.findobj(Annotation) if a.arrow_patch is not None]
    assert len(arrows) == 1
    assert sorted([arrows[0].xy[1], arrows[0].xyann[1]]) == pytest.approx([567.5e9, 574.0e9])
