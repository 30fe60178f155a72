"""Tests for generator.brief.charts on metrics documents computed from small hand-built frames."""

from __future__ import annotations

import csv
import re
import shutil
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from generator import numbers
from generator.analysis.metrics import DataInfo, MetricsInput, MetricsOptions, compute
from generator.brief.charts import CHART_KEYS, Chart, _short_name, load_style, make_charts
from generator.data import schema
from generator.errors import UserError
from tests.conftest import drawn_lines

STYLES = Path(__file__).resolve().parents[1] / "templates" / "styles"

AI_CH, AI_EP, MED, LOW = "8471500150", "8504400000", "8542310000", "9403200000"
MEXICO, TAIWAN, CHINA, CANADA, BOSNIA, KOREA = "2010", "5830", "5700", "1220", "4793", "5800"
NAMES = {
    MEXICO: "Mexico",
    TAIWAN: "Taiwan",
    CHINA: "China",
    CANADA: "Canada",
    BOSNIA: "Bosnia and Herzegovina",
    KOREA: "Korea, South",
}
MONTHS = [f"{y}-{m:02d}" for y in (2023, 2024, 2025) for m in range(1, 13)]
B = 1e9


def make_doc(
    trend: str = "up", month: str = "2025-12", sample: bool = True, months: list[str] = MONTHS
) -> dict:
    """Three years × 12 months; AI-related imports rise (or fall) 3% a month from 2024.

    Non-AI imports stay at $100B a month; AI-related tariffs 1%, other goods 3% then 10%
    from April 2025. Exports are smaller than imports: every year is a deficit.
    """
    imports, exports = [], []
    for i, p in enumerate(months):
        t = max(0, i - 11)  # months since the base year
        f = (1.03**t) if trend == "up" else (0.97**t)
        ai = 30 * B * f
        low_rate = 0.10 if p >= "2025-04" else 0.03
        parts = [
            (AI_CH, TAIWAN, 0.45 * ai, 0.01),
            (AI_CH, MEXICO, 0.30 * ai, 0.01),
            (AI_EP, MEXICO, 0.10 * ai, 0.01),
            (AI_EP, BOSNIA, 0.05 * ai, 0.01),
            (AI_EP, KOREA, 0.10 * ai, 0.01),
            (MED, CANADA, 20 * B, 0.02),
            (LOW, CHINA, 60 * B, low_rate),
            (LOW, CANADA, 40 * B, low_rate),
        ]
        for hs, cc, v, rate in parts:
            imports.append((p, hs, cc, v, v, v, v * rate, 1.0, "NO"))
        exports.append((p, AI_CH, MEXICO, 0.4 * ai, 1.0, "NO"))
        exports.append((p, LOW, CANADA, 60 * B, 1.0, "NO"))
    inp = MetricsInput(
        imports=pd.DataFrame(
            imports,
            columns=list(schema.IMPORT_COLUMNS),
        ),
        exports=pd.DataFrame(exports, columns=list(schema.EXPORT_COLUMNS)),
        classification=pd.DataFrame(
            [
                (AI_CH, "high", "compute_hardware", False),
                (AI_EP, "high", "electrical_power", False),
                (MED, "medium", None, False),
                (LOW, "low", None, False),
            ],
            columns=["hs10", "tier", "category", "excluded"],
        ),
        categories={"compute_hardware": "Compute hardware", "electrical_power": "Electrical power"},
        countries=pd.DataFrame({"country_code": list(NAMES), "name": list(NAMES.values())}),
        info=DataInfo("sample" if sample else "census", sample),
    )
    return compute(inp, month, MetricsOptions(base_year=2023)).doc


@pytest.fixture(scope="module")
def rising() -> dict:
    return make_doc("up")


@pytest.fixture(scope="module")
def falling() -> dict:
    return make_doc("down")


@pytest.fixture(scope="module")
def charts(rising: dict, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Chart]:
    out = tmp_path_factory.mktemp("charts")
    return {c.key: c for c in make_charts(rising, out, STYLES)}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# ---- files ---------------------------------------------------------------------------------


def test_every_chart_is_written(charts: dict[str, Chart]) -> None:
    assert list(charts) == list(CHART_KEYS)
    for key, c in charts.items():
        assert c.svg.name == f"{key}.svg" and c.png.name == f"{key}.png"
        root = ET.parse(c.svg).getroot()
        assert root.tag.endswith("svg")
        # Text is drawn as paths: no tick label ends up in the PDF's text layer.
        assert not [e for e in root.iter() if e.tag.endswith("}text")]
        width, height = png_size(c.png)
        assert 1150 <= width <= 1250 and 450 <= height <= 700
        assert c.png.stat().st_size > 10_000
        assert c.csv.read_text(encoding="utf-8").count("\n") >= 2


def test_png_has_no_software_stamp(charts: dict[str, Chart]) -> None:
    for c in charts.values():
        assert b"matplotlib" not in c.png.read_bytes().lower()
        assert b"<dc:date>" not in c.svg.read_bytes()


def test_ai_share_csv_has_one_row_per_month(charts: dict[str, Chart], rising: dict) -> None:
    monthly = rising["imports"]["ai_share"]["monthly"]
    rows = read_csv(charts["ai_share"].csv)
    assert [r["month"] for r in rows] == list(monthly) == MONTHS
    assert [float(r["ai_share"]) for r in rows] == list(monthly.values())


def test_growth_and_tariff_csv_equal_the_metrics(charts: dict[str, Chart], rising: dict) -> None:
    rows = read_csv(charts["growth_index"].csv)
    assert [r["month"] for r in rows] == list(rising["index"]["ai"]["monthly"])
    for r in rows:
        for g in ("ai", "non_ai", "total"):
            assert float(r[g]) == rising["index"][g]["monthly"][r["month"]]
    rows = read_csv(charts["tariffs"].csv)
    assert len(rows) == len(MONTHS)
    for r in rows:
        for g in ("ai", "non_ai"):
            assert float(r[g]) == rising["tariffs"][g]["monthly"][r["month"]]


def test_sources_and_counterfactual_csv(charts: dict[str, Chart], rising: dict) -> None:
    rows = read_csv(charts["top_sources"].csv)
    assert [r["name"] for r in rows] == [s["name"] for s in rising["sources"]]
    assert [float(r["share"]) for r in rows] == [s["share"] for s in rising["sources"]]
    assert [float(r["ai_imports"]) for r in rows] == [s["ai_imports"] for s in rising["sources"]]
    rows = read_csv(charts["counterfactual"].csv)
    annual = rising["counterfactual"]["annual"]
    assert [r["period"] for r in rows] == list(annual) == ["2023", "2024", "2025"]
    for r in rows:
        for k, v in annual[r["period"]].items():
            assert float(r[k]) == v


def test_no_year_to_date_bar_beside_full_years(tmp_path: Path) -> None:
    """September 2025: 2023 and 2024 are complete; January–September 2025 would read as
    a fall beside them, so the chart (and its title) ends with 2024."""
    doc = make_doc("up", month="2025-09", months=MONTHS[:33])
    made = {c.key: c for c in make_charts(doc, tmp_path, STYLES)}
    rows = read_csv(made["counterfactual"].csv)
    assert [(r["period"], r["months"]) for r in rows] == [("2023", "12"), ("2024", "12")]
    net = doc["counterfactual"]["annual"]["2024"]["net_effect"]
    assert made["counterfactual"].title == (
        f"The AI boom added {numbers.money_short(net)} to the U.S. goods deficit in 2024"
    )


def test_before_the_first_full_year_the_year_to_date_stands_alone(tmp_path: Path) -> None:
    doc = make_doc("up", month="2024-06", months=MONTHS[:18])
    made = {c.key: c for c in make_charts(doc, tmp_path, STYLES)}
    rows = read_csv(made["counterfactual"].csv)
    assert [(r["period"], r["months"]) for r in rows] == [("2024", "6")]
    assert float(rows[0]["net_effect"]) == doc["counterfactual"]["ytd"]["net_effect"]
    assert "in January–June 2024" in made["counterfactual"].title


def test_base_year_edition_leaves_out_the_counterfactual(tmp_path: Path) -> None:
    doc = make_doc("up", month="2023-12", months=MONTHS[:12])
    made = [c.key for c in make_charts(doc, tmp_path, STYLES)]
    assert made == ["growth_index", "ai_share", "top_sources", "tariffs"]  # no price split yet


def test_no_sources_no_chart(tmp_path: Path, rising: dict) -> None:
    doc = {**rising, "sources": []}
    assert "top_sources" not in [c.key for c in make_charts(doc, tmp_path, STYLES)]


# ---- words ---------------------------------------------------------------------------------


def test_alt_text_states_the_latest_value(charts: dict[str, Chart], rising: dict) -> None:
    month = numbers.month_name(rising["month"])
    share = rising["imports"]["ai_share"]["month"]
    assert numbers.pct(share) in charts["ai_share"].alt
    assert month in charts["ai_share"].alt
    tar = rising["tariffs"]
    alt = charts["tariffs"].alt
    assert (
        f"{numbers.rate(tar['non_ai']['month'])} against {numbers.rate(tar['ai']['month'])}" in alt
    )
    alt = charts["growth_index"].alt
    value = numbers.money_short(rising["imports"]["ai"]["month"])
    assert f"In {month} AI-related imports were {value}" in alt
    top = rising["sources"][0]
    assert f"{top['name']} {numbers.pct(top['share'])}" in charts["top_sources"].alt
    cf = rising["counterfactual"]["annual"]["2025"]
    assert numbers.money_short(abs(cf["actual_balance"])) in charts["counterfactual"].alt
    for c in charts.values():
        assert c.title in c.alt  # the takeaway


def test_titles_carry_the_message(charts: dict[str, Chart], rising: dict) -> None:
    # AI-related imports: $30B a month in 2023, ×1.03 a month from 2024: December 2025
    # is 30 × 1.03**24 = $60.98B, index 203 on the 2023 average; other goods flat at 100.
    assert charts["growth_index"].title == (
        "AI-related imports more than doubled from their 2023 monthly average by "
        "December 2025; other goods held steady"
    )
    net = rising["counterfactual"]["annual"]["2025"]["net_effect"]
    assert charts["counterfactual"].title == (
        f"The AI boom added {numbers.money_short(net)} to the U.S. goods deficit in 2025"
    )
    # Tariffs in December 2025: other goods 10.0%, AI-related 1.0%; a year earlier 3.0%
    # and 1.0%: the gap widened from 2.0 to 9.0 points.
    assert charts["tariffs"].title == (
        "The tariff gap between other goods and AI-related imports widened year on year "
        "to 9.0 points in December 2025: 10.0% against 1.0%"
    )


def test_title_changes_with_the_data(
    charts: dict[str, Chart], falling: dict, tmp_path: Path
) -> None:
    down = {c.key: c for c in make_charts(falling, tmp_path, STYLES)}
    # 30 × 0.97**24 = $14.44B: index 48 on the 2023 average, a fall of 52%: "plunged".
    assert down["growth_index"].title == (
        "AI-related imports plunged from their 2023 monthly average by December 2025; "
        "other goods held steady"
    )
    assert "record" in charts["ai_share"].title
    assert "down from" in down["ai_share"].title and "a year earlier" in down["ai_share"].title
    assert down["counterfactual"].title.startswith("The AI boom took")


def test_numbers_in_titles_and_alt_come_from_the_metrics(
    charts: dict[str, Chart], falling: dict, rising: dict, tmp_path: Path
) -> None:
    def values(node: object) -> list[float]:
        if isinstance(node, dict):
            return [v for x in node.values() for v in values(x)]
        if isinstance(node, list):
            return [v for x in node for v in values(x)]
        if isinstance(node, int | float) and not isinstance(node, bool):
            return [float(node)]
        return []

    down = make_charts(falling, tmp_path, STYLES)
    for doc, made in ((rising, list(charts.values())), (falling, down)):
        allowed = set()
        for v in values(doc):
            for f in (numbers.money_short, numbers.pct, numbers.pct_signed, numbers.points):
                allowed.update({f(v), f(abs(v))})
            allowed.update({numbers.rate(v), numbers.rate_points(v), numbers.fmt_number(v, 0)})
            if v.is_integer():
                allowed.add(str(int(v)))
        for c in made:
            for text in (c.title, c.alt):
                for token in re.findall(r"[−+]?\$?\d[\d,.]*[BMKT%]?(?: points?)?", text):
                    assert token.rstrip(".,") in allowed, (c.key, token, text)


def test_sample_charts_never_credit_the_census(charts: dict[str, Chart], tmp_path: Path) -> None:
    for c in charts.values():
        assert c.source == (
            "Illustrative sample data, not official statistics; AI Trade Brief calculations"
        )
        assert "Census" not in c.source
    live = make_charts(make_doc("up", sample=False), tmp_path, STYLES)
    for c in live:
        assert c.source == "Source: U.S. Census Bureau; AI Trade Brief calculations"
        assert "illustrative" not in c.alt


def test_country_names_read_well(charts: dict[str, Chart]) -> None:
    alt = charts["top_sources"].alt
    assert "South Korea" in alt and "Korea, South" not in alt
    assert "Bosnia and Herzegovina" in alt  # in full in text; shortened on the bars only
    short = _short_name(load_style(STYLES))
    assert short("Bosnia and Herzegovina") == "Bosnia & Herz."
    assert short("Korea, South") == "South Korea"
    assert short("Saint Vincent and the Grenadines") == "Saint Vincent a…"
    assert len(short("Saint Vincent and the Grenadines")) == 16


def test_svg_bytes_are_deterministic(rising: dict, tmp_path: Path) -> None:
    a = make_charts(rising, tmp_path / "a", STYLES)
    b = make_charts(rising, tmp_path / "b", STYLES)
    for x, y in zip(a, b, strict=True):
        assert x.svg.read_bytes() == y.svg.read_bytes()
        assert x.png.read_bytes() == y.png.read_bytes()
        assert x.csv.read_bytes() == y.csv.read_bytes()


# ---- errors in charts.yaml -------------------------------------------------------------------


def broken_styles(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """A copy of the styles folder with one text replaced; returns it and the line changed."""
    d = tmp_path / "styles"
    shutil.copytree(STYLES, d)
    text = (d / "charts.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    line = text[: text.index(old)].count("\n") + 1
    (d / "charts.yaml").write_text(text.replace(old, new), encoding="utf-8")
    return d, line


def test_unknown_variable_names_file_and_line(rising: dict, tmp_path: Path) -> None:
    old = 'axis: "AI-related share of U.S. goods imports"'
    styles, line = broken_styles(tmp_path, old, 'axis: "{{ no_such_name|pct }}"')
    with pytest.raises(UserError) as err:
        make_charts(rising, tmp_path / "out", styles)
    assert err.value.where.startswith(f"{styles / 'charts.yaml'}:{line}")
    assert "no_such_name" in str(err.value)

    # A variant the data do not pick (the tariff gap widened here) is checked as well.
    old = "paid similar tariffs in"
    styles, line = broken_styles(tmp_path / "x", old, "paid {{ other_goods }} tariffs in")
    with pytest.raises(UserError, match="other_goods") as err:
        make_charts(rising, tmp_path / "out", styles)
    key_line = (styles / "charts.yaml").read_text().split("\n").index("      similar: >-") + 1
    assert key_line in (line - 1, line - 2)  # the entry's key names the line
    assert f"charts.yaml:{key_line} (tariffs.title.similar)" in str(err.value)


def test_bad_jinja_names_file_and_line(rising: dict, tmp_path: Path) -> None:
    old = 'single: "{{ top.name|country }} supplied'
    styles, line = broken_styles(tmp_path, old, 'single: "{{ top.name|country supplied')
    # The data pick another variant: the broken text is checked all the same.
    with pytest.raises(UserError, match="syntax error") as err:
        make_charts(rising, tmp_path / "out", styles)
    assert f"charts.yaml:{line}" in str(err.value)
    assert "top_sources.title.single" in str(err.value)


def test_unknown_filter_and_invalid_yaml(rising: dict, tmp_path: Path) -> None:
    old = 'unchanged: "AI-related'
    styles, line = broken_styles(tmp_path, old, 'unchanged: "{{ net_effect|billions }} AI-related')
    with pytest.raises(UserError) as err:
        make_charts(rising, tmp_path / "out", styles)
    assert f"charts.yaml:{line}" in str(err.value)

    styles2, line = broken_styles(tmp_path / "x", "palette:\n", "palette: [\n")
    with pytest.raises(UserError, match="invalid YAML") as err:
        make_charts(rising, tmp_path / "out", styles2)
    assert "charts.yaml:" in str(err.value)


def test_missing_palette_entry_names_the_key(rising: dict, tmp_path: Path) -> None:
    styles, _ = broken_styles(tmp_path, '  bars: "#D55E00"', '  bar: "#D55E00"')
    with pytest.raises(UserError, match="palette.bars: missing") as err:
        make_charts(rising, tmp_path / "out", styles)
    assert "charts.yaml:" in str(err.value)


def test_bad_style_sheet_names_file_and_line(rising: dict, tmp_path: Path) -> None:
    d = tmp_path / "styles"
    shutil.copytree(STYLES, d)
    sheet = d / "brief.mplstyle"
    lines = sheet.read_text(encoding="utf-8").splitlines()
    line = lines.index("font.size: 9") + 1
    cases = (("font.sise: 9", "unknown matplotlib setting"), ("font.size: big", "font.size"))
    for bad, message in cases:
        lines[line - 1] = bad
        sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with pytest.raises(UserError, match=message) as err:
            make_charts(rising, tmp_path / "out", d)
        assert err.value.where == f"{sheet}:{line}"


def _svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_the_pdf_takes_the_chart_with_its_words_as_text(charts: dict[str, Chart]) -> None:
    """The print SVG is the web SVG's drawing with text as text (no glyph outlines to
    paint in Python); it says the same lines the web SVG draws as paths."""
    for key, chart in charts.items():
        web = chart.svg.read_text(encoding="utf-8")
        assert "<text" not in web and 'id="DejaVuSans-' in web, key  # paths, any reader
        printed = chart.print_svg
        assert printed and b'id="DejaVuSans-' not in printed, key
        said = [x for t in _svg_texts(printed) for x in t.splitlines()]
        drawn = drawn_lines(web)
        assert sorted(s.strip() for s in said if s.strip()) == sorted(drawn), key
        assert b"DejaVu Sans" in printed, key


def _styles_in(tmp_path: Path, family: str) -> Path:
    """The house styles with the charts' font family replaced."""
    styles = tmp_path / "styles"
    shutil.copytree(STYLES, styles)
    sheet = styles / "brief.mplstyle"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(
        text.replace("font.sans-serif: DejaVu Sans", f"font.sans-serif: {family}"),
        encoding="utf-8",
    )
    return styles


def test_a_chart_font_the_pdf_does_not_embed_keeps_outlines(rising: dict, tmp_path: Path) -> None:
    """An editor's font for the charts that the PDF does not embed: the PDF could set
    the text in another font, wider than matplotlib measured it, so the PDF takes the
    web SVG (glyph outlines) instead."""
    made = make_charts(rising, tmp_path / "out", _styles_in(tmp_path, "DejaVu Sans Mono"))
    assert made and all(c.print_svg == b"" for c in made)


def test_the_pdf_sets_chart_text_in_the_font_matplotlib_measured(
    rising: dict, tmp_path: Path
) -> None:
    """A family this machine lacks: matplotlib falls back to DejaVu Sans and measures
    the text in it, so the PDF's SVG names DejaVu Sans too (left to Pango, the missing
    family would be replaced by another, wider or narrower)."""
    made = make_charts(rising, tmp_path / "out", _styles_in(tmp_path, "Aibrief Missing Sans"))
    assert made and all(c.print_svg for c in made)
    for chart in made:
        families = set(re.findall(rb"font-family: ([^;\"]*)", chart.print_svg))
        assert families == {b"'DejaVu Sans'"}, chart.key


def test_the_print_svg_keeps_spaces_and_refuses_missing_glyphs() -> None:
    from matplotlib.figure import Figure

    from generator.brief.charts.output import _print_svg

    fig = Figure(figsize=(3, 1))
    fig.text(0.9, 0.5, "A    B  ", ha="right")
    printed = _print_svg(fig)
    assert b'xml:space="preserve"' in printed  # runs of spaces stay as matplotlib drew them
    assert "A    B  " in _svg_texts(printed)
    fig.text(0.1, 0.1, "漢")  # no DejaVu glyph: the PDF could borrow another font
    assert _print_svg(fig) == b""


def test_a_short_span_labels_quarters_that_do_not_overlap_on_a_phone() -> None:
    """Thirteen months (January 2024's edition): a tick each quarter, the year under the
    first tick and under January, so the five labels fit the narrow variant too (the
    narrow style's larger text once ran "Jan 2023Apr 2023Jul 2023…" together)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from generator.brief.charts import lines

    doc = make_doc("up", month="2024-01", months=MONTHS[:13])
    style = load_style(STYLES)
    for rc in ({}, style.narrow_rc):  # the wide chart, then the narrow variant
        with matplotlib.rc_context(style.rc), matplotlib.rc_context(rc):
            for build in (lines.growth_index, lines.tariffs):
                plan = build(doc, style)
                assert plan is not None
                fig = plan.fig
                fig.set_dpi(style.texts.png_width_px / fig.get_figwidth())
                canvas = FigureCanvasAgg(fig)
                canvas.draw()
                renderer = canvas.get_renderer()
                ax = fig.axes[0]
                labels = [t for t in ax.get_xticklabels() if t.get_text()]
                texts = [t.get_text() for t in labels]
                assert texts == ["Jan\n2023", "Apr", "Jul", "Oct", "Jan\n2024"]
                boxes = sorted(
                    (b.x0, b.x1) for b in (t.get_window_extent(renderer) for t in labels)
                )
                for (_, right), (left, _) in zip(boxes, boxes[1:], strict=False):
                    assert right < left, (build.__name__, rc != {}, boxes)
