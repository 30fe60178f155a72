"""Charts say what they show (issue 18 item 5, issue 17 item 6): every number of a title
is traced to metrics.json, a title that says where a line ends agrees with the chart's
data (its CSV), the counterfactual marks its gap, the price/volume split is drawn from
metrics, the sample never credits the Census Bureau, and the narrow variant's text is
at least 11 px on a 390-px phone."""

from __future__ import annotations

import copy
import csv
import io
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import pytest
from matplotlib.text import Annotation, Text
from PIL import Image

from generator import numbers
from generator.brief import copydesk_charts
from generator.brief.charts import CHART_KEYS, bars, load_style, make_charts, narrow, output
from tests.test_charts import MONTHS, STYLES, make_doc


@pytest.fixture(scope="module")
def rising() -> dict:
    return make_doc("up")


@pytest.fixture(scope="module")
def drawn(rising: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("charts")
    made = make_charts(rising, out, STYLES)
    from generator.brief.built import ChartList

    (out / "charts.json").write_text(ChartList.dump([c.model for c in made]), encoding="utf-8")
    return out


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def findings(folder: Path, doc: dict) -> list[tuple[str, str, str]]:
    return copydesk_charts.check_charts(copydesk_charts.read_charts(folder), doc)


# ---- titles: traced, and agreeing with where the lines end ----------------------------------


@pytest.mark.parametrize(
    "trend, month, n",
    [("up", "2025-12", 36), ("down", "2025-12", 36), ("up", "2025-09", 33), ("up", "2024-06", 18)],
)
def test_every_title_is_traced_and_agrees_with_its_data(trend, month, n, tmp_path) -> None:
    doc = make_doc(trend, month=month, months=MONTHS[:n])
    made = make_charts(doc, tmp_path, STYLES)
    from generator.brief.built import ChartList

    (tmp_path / "charts.json").write_text(ChartList.dump([c.model for c in made]), "utf-8")
    assert findings(tmp_path, doc) == []


def test_the_checker_catches_the_old_titles(drawn: Path, rising: dict) -> None:
    """The test above can fail: the titles of issue 18 (a year-to-date growth on an index
    chart ending at 203, a year-to-date gap beside monthly lines) are flagged."""
    growth = copydesk_charts.read_charts(drawn)[0]
    assert growth.key == "growth_index"
    ytd = rising["imports"]["ai"]["since_base"]["ytd"]
    old = growth.__class__(
        growth.key,
        f"AI-related imports have risen {numbers.pct(ytd)} since 2023",
        growth.header,
        growth.rows,
    )
    assert copydesk_charts.check_charts([old], rising)  # "+…%" but the line ends at 203


def test_growth_title_states_the_line_ends(drawn: Path, rising: dict) -> None:
    last = rows(drawn / "growth_index.csv")[-1]
    ai, other = float(last["ai"]), float(last["non_ai"])
    # 30 × 1.03**24 = 60.98 ($B) against a 2023 average of 30: 203.3; other goods 100.
    assert ai == pytest.approx(203.28, abs=0.01) and other == pytest.approx(100.0)
    title = (drawn / "charts.json").read_text(encoding="utf-8")
    assert "more than doubled from their 2023 monthly average by December 2025" in title
    assert 2 < ai / 100 < 3  # "more than doubled" is what the line shows
    assert "other goods held steady" in title  # |100 / 100 − 1| < words.yaml steady_below


def test_tariff_title_quotes_the_gap_of_the_rates_shown(drawn: Path, rising: dict) -> None:
    last = rows(drawn / "tariffs.csv")[-1]
    ai, other = float(last["ai"]), float(last["non_ai"])
    assert (ai, other) == (pytest.approx(0.01), pytest.approx(0.10))
    shown = f"{numbers.rate(other)} against {numbers.rate(ai)}"
    assert shown == "10.0% against 1.0%"
    gap = numbers.rate_gap(other, ai)  # 10.0 − 1.0 as printed
    entries = {c["key"]: c for c in _entries(drawn)}
    assert entries["tariffs"]["title"].endswith(
        f"widened year on year to {numbers.rate_points(gap)} in December 2025: {shown}"
    )
    assert numbers.rate_points(gap) == "9.0 points"


def _entries(folder: Path) -> list[dict]:
    import json

    return json.loads((folder / "charts.json").read_text(encoding="utf-8"))


# ---- the counterfactual marks its gap; no year-to-date bar beside full years ------------------


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


@pytest.mark.parametrize("rc", ["rc", "narrow_rc"])
def test_counterfactual_marks_the_gap_with_the_metrics_number(rising: dict, rc: str) -> None:
    style = load_style(STYLES)
    with matplotlib.rc_context(getattr(style, rc)):
        plan = bars.counterfactual(rising, style)
    assert plan is not None
    cf = rising["counterfactual"]["annual"]["2025"]
    label = f"AI boom: +{numbers.money_short(cf['net_effect'])}"
    assert label in [" ".join(t.split()) for t in _texts(plan.fig)]
    arrows = [a for a in plan.fig.findobj(Annotation) if a.arrow_patch is not None]
    assert len(arrows) == 1  # a bracket from the counterfactual bar to the actual level
    (arrow,) = arrows
    ends = sorted([arrow.xy[1], arrow.xyann[1]])
    # Deficits drawn as positive bars: from −counterfactual to −actual balance.
    assert ends == pytest.approx(sorted([-cf["counterfactual_balance"], -cf["actual_balance"]]))


# ---- "Price or volume?" ---------------------------------------------------------------------


def test_price_volume_chart_is_drawn_from_metrics(drawn: Path, rising: dict) -> None:
    got = rows(drawn / "price_volume.csv")
    assert [r["group"] for r in got] == ["ai", "non_ai"]
    for r in got:
        g = r["group"]
        assert float(r["value"]) == rising["imports"][g]["since_base"]["ytd"]
        assert float(r["unit_value"]) == rising["prices"][g]["since_base"]["ytd"]
        assert float(r["volume"]) == rising["volumes"][g]["since_base"]["ytd"]
    # The hand-built frames report one unit of each line a month: unit value = value,
    # so AI-related unit values grew as their value did — 2025 (t = 13 … 24 months
    # after 2023) against 2023: Σ 1.03**t ÷ 12 − 1 = 1.03**13 × (1.03**12 − 1) ÷ 0.36 − 1
    # = 1.46853 × 1.18267 − 1 = 0.7368 — and volumes held flat.
    ai = got[0]
    assert float(ai["value"]) == pytest.approx(0.7368, abs=1e-4)
    assert float(ai["unit_value"]) == pytest.approx(0.7368, abs=1e-4)
    assert float(ai["volume"]) == pytest.approx(0.0, abs=1e-4)
    title = {c["key"]: c["title"] for c in _entries(drawn)}["price_volume"]
    assert title == (
        "AI-related imports surged 74% since 2023: unit values up 74%, volumes held steady"
    )


def test_no_price_volume_chart_unless_quotable(rising: dict, tmp_path: Path) -> None:
    doc = copy.deepcopy(rising)
    doc["prices"]["ai"]["quotable"] = False
    keys = [c.key for c in make_charts(doc, tmp_path, STYLES)]
    assert "price_volume" not in keys
    assert len(CHART_KEYS) <= 6


# ---- credits ----------------------------------------------------------------------------------


def test_sample_credit_and_census_credit(rising: dict, tmp_path: Path) -> None:
    for c in make_charts(rising, tmp_path / "s", STYLES):
        assert "illustrative sample data" in c.source.lower() and "Census" not in c.source
    live = make_doc("up", sample=False)
    for c in make_charts(live, tmp_path / "l", STYLES):
        assert c.source.startswith("Source: U.S. Census Bureau")


# ---- readable at 390 px ---------------------------------------------------------------------

# The width a chart is shown at, in CSS px: on a 390-px phone the brief's page gives it
# 390 − 2 × 14 = 362 px (brief.css, @media max-width 480px: .brief padding 14px); the
# e-mail, 390 − 2 × 8 (.outer-cell) = 374 px at most; the narrower counts. At 1280 px
# the page is 720 − 2 × 20 = 680 px wide. Below 700 px the page shows the narrow PNG.
PHONE_PX = 362
DESKTOP_PX = 680
MIN_PX = 11.0


def _sizes(fig) -> list[float]:
    """Font sizes (pt) of every text drawn on the figure, after its layout."""
    fig.draw_without_rendering()
    return [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def _drawn_figures(doc: dict, rc: dict) -> list:
    """Every chart of `doc` drawn under `rc` as make_charts draws it (title, caption,
    source line), the figures kept."""
    style = load_style(STYLES)
    figs = []
    for key in CHART_KEYS:
        with matplotlib.rc_context(style.rc), matplotlib.rc_context(rc):
            plan = output.BUILDERS[key](doc, style)
            if plan is None:
                continue
            if plan.finish is not None:
                plan.finish("An axis caption as long as the longest of charts.yaml")
            output._frame(plan.fig, style, "title", "Illustrative sample data; calculations")
            figs.append(plan.fig)
    return figs


def test_narrow_variant_text_is_at_least_11px_at_390(rising: dict, drawn: Path) -> None:
    """A font of s pt on a figure W in wide shown P px wide is s/72 in × P/W px per in
    = s × P / (72 × W) px: the narrow figure is 4.0 in wide, its smallest font 9.5 pt
    (the source line) → 9.5 × 362 / 288 = 11.9 px; tick labels 10 pt → 12.6 px."""
    style = load_style(STYLES)
    figs = _drawn_figures(rising, style.narrow_rc)
    assert len(figs) == 6
    for fig in figs:
        width_in = fig.get_figwidth()
        assert width_in == 4.0
        smallest = min(_sizes(fig))
        assert smallest * PHONE_PX / (72 * width_in) >= MIN_PX, (smallest, width_in)
    for entry in _entries(drawn):  # and every chart has its narrow PNG, as wide in px
        assert entry["narrow"] == narrow.file_name(entry["key"])
        with Image.open(drawn / entry["narrow"]) as im:
            w, h = im.size
        assert w == style.texts.png_width_px and h > w * 0.8  # taller than wide charts


def test_wide_variant_text_is_at_least_11px_at_1280(rising: dict) -> None:
    """The wide figure, 6.5 in, at 680 px: its smallest font (8 pt, the source line)
    is 8 × 680 / (72 × 6.5) = 11.6 px."""
    for fig in _drawn_figures(rising, {}):
        smallest = min(_sizes(fig))
        assert smallest * DESKTOP_PX / (72 * fig.get_figwidth()) >= MIN_PX


# ---- the sample edition: the page offers the narrow variant, the e-mail sends it -------------


class _Pictures(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[dict[str, str | None]] = []
        self.imgs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "source":
            self.sources.append(dict(attrs))
        elif tag == "img":
            self.imgs.append(dict(attrs).get("src") or "")


def test_sample_edition_charts(sample_edition) -> None:
    import json

    from generator.outlets import mail

    settings, folder = sample_edition
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert findings(folder / "charts", metrics) == []  # titles traced, agreeing with data
    entries = _entries(folder / "charts")
    assert len(entries) == 6 and entries[1]["key"] == "price_volume"
    for e in entries:
        assert e["source"].startswith("Illustrative sample data") and "Census" not in e["source"]
    page = _Pictures()
    page.feed((folder / "brief.html").read_text(encoding="utf-8"))
    assert sorted(s["srcset"] for s in page.sources) == sorted(
        f"charts/{e['narrow']}" for e in entries
    )
    assert all(s["media"] == "(max-width: 700px)" for s in page.sources)
    edition = mail.load_edition(settings, "2025-12")
    assert [c.png.name for c in edition.charts] == [e["narrow"] for e in entries]
