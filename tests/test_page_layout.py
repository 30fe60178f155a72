"""The PDF as a reader holds it: pages that fill, the sample label on every page of a
sample edition and on none of a real one, and a footer that credits the study and the
data and says what a unit value is."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

from generator.brief import built, render
from generator.brief.render import plain_text
from tests.conftest import REPO

# The text area of a page (templates/styles/print.css: US Letter, margins 0.8in top and
# 0.75in bottom), in PDF points from the bottom edge. The running header and the page
# number sit outside it and are not content.
PAGE_TOP = 11 * 72 - 0.8 * 72
PAGE_BOTTOM = 0.75 * 72
LABEL = "Illustrative sample data"

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(a: Matrix, b: Matrix) -> Matrix:
    """a then b (PDF row-vector convention: a × b)."""
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


def _y(m: Matrix, x: float, y: float) -> float:
    return m[1] * x + m[3] * y + m[5]


class _Painter:
    """The heights at which a content stream paints: text baselines, the corners of
    filled or stroked paths and of placed images, forms followed into (enough of a PDF
    interpreter to find where the ink is, whatever draws the charts)."""

    PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}

    def __init__(self) -> None:
        self.ys: list[float] = []

    def run(self, content, resources, ctm: Matrix, reader) -> None:  # noqa: C901
        stack: list[Matrix] = []
        tm = tlm = IDENTITY
        leading = 0.0
        path: list[float] = []
        xobjects = (resources or {}).get("/XObject") or {}
        for operands, op in ContentStream(content, reader).operations:
            op = op.decode("latin-1") if isinstance(op, bytes) else op
            nums = [float(v) for v in operands if isinstance(v, int | float)]
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop() if stack else ctm
            elif op == "cm":
                ctm = _mul(tuple(nums), ctm)  # type: ignore[arg-type]
            elif op == "BT":
                tm = tlm = IDENTITY
            elif op == "Tm":
                tm = tlm = tuple(nums)  # type: ignore[assignment]
            elif op in ("Td", "TD"):
                if op == "TD":
                    leading = -nums[1]
                tm = tlm = _mul((1, 0, 0, 1, nums[0], nums[1]), tlm)
            elif op == "TL":
                leading = nums[0]
            elif op in ("T*", "'", '"'):
                tm = tlm = _mul((1, 0, 0, 1, 0, -leading), tlm)
            if op in ("Tj", "TJ", "'", '"'):
                self.ys.append(_y(_mul(tm, ctm), 0, 0))
            elif op == "re":
                x, y, w, h = nums
                path += [_y(ctm, x + dx, y + dy) for dx in (0, w) for dy in (0, h)]
            elif op in ("m", "l", "c", "v", "y"):
                path += [_y(ctm, nums[i], nums[i + 1]) for i in range(0, len(nums), 2)]
            elif op in self.PAINT:
                self.ys += path
                path = []
            elif op == "n":
                path = []  # a clipping path paints nothing
            elif op == "Do":
                self._xobject(xobjects[operands[0]].get_object(), ctm, reader)

    def _xobject(self, xobj, ctm: Matrix, reader) -> None:
        if xobj.get("/Subtype") == "/Image":
            self.ys += [_y(ctm, x, y) for x in (0, 1) for y in (0, 1)]
        elif xobj.get("/Subtype") == "/Form":
            m = tuple(float(v) for v in xobj.get("/Matrix", IDENTITY))
            self.run(xobj, xobj.get("/Resources"), _mul(m, ctm), reader)  # type: ignore[arg-type]


def filled(pdf: Path) -> list[float]:
    """For each page, the share of the text area's height painted down to: 1.0 when
    content reaches the bottom margin, 0.3 when the lowest ink is 30% of the way down."""
    reader = PdfReader(str(pdf))
    out = []
    for page in reader.pages:
        painter = _Painter()
        painter.run(page.get_contents(), page.get("/Resources"), IDENTITY, reader)
        inside = [y for y in painter.ys if PAGE_BOTTOM - 1 <= y <= PAGE_TOP + 1]
        lowest = min(inside, default=PAGE_TOP)
        out.append((PAGE_TOP - lowest) / (PAGE_TOP - PAGE_BOTTOM))
    return out


def page_texts(pdf: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(pdf)).pages]


def link_targets(pdf: Path) -> list[str]:
    return [
        a.get_object()["/A"]["/URI"]
        for p in PdfReader(str(pdf)).pages
        for a in (p.get("/Annots") or [])
        if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]
    ]


@pytest.fixture(scope="module")
def edition(sample_edition) -> built.BuiltEdition:
    _, folder = sample_edition
    return built.BuiltEdition.read(folder, month="2025-12", need_pdf=True)


def rerender(ed: built.BuiltEdition, doc: dict, out: Path) -> tuple[str, Path]:
    """The edition's page and PDF again, from `doc` instead of its metrics (a copy of
    the folder, so the charts resolve): what the build does after its own files."""
    folder = out / "edition"
    shutil.copytree(ed.folder, folder)
    views = [render.ChartView.of(c, f"charts/{c.svg}", f"charts/{c.csv}") for c in ed.charts]
    page, print_page = render.render_html(doc, ed.narrative, views, REPO / "templates")
    render.render_pdf(print_page, folder, folder / "brief.pdf", [REPO / "templates"])
    return page, folder / "brief.pdf"


# ---- pages fill ---------------------------------------------------------------------


def test_no_page_but_the_last_is_more_than_half_empty(edition):
    shares = filled(edition.pdf)
    assert len(shares) >= 2
    assert all(s >= 0.5 for s in shares[:-1]), [round(s, 2) for s in shares]
    assert shares[-1] > 0  # the last page holds something


def test_the_measure_sees_a_half_empty_page(tmp_path):
    """The measure itself: a page broken after a short paragraph reads as mostly
    empty; a page of long text as full; a picture low on the page counts as ink."""
    css = (REPO / "templates" / "styles" / "print.css").read_text()
    para = "<p>" + "A line of text that wraps. " * 40 + "</p>"
    png = tmp_path / "ink.png"
    Image.new("RGB", (20, 10), "#0072b2").save(png)
    html = (
        f"<html><head><style>{css}</style></head><body>"
        "<p>One short paragraph.</p><p style='break-before: page'></p>"
        + para * 12
        + "<div style='break-before: page; height: 7.5in'></div>"
        + f"<img src='{png.as_uri()}' style='width: 2in; height: 1in'>"
        + "</body></html>"
    )
    out = tmp_path / "probe.pdf"
    render._weasyprint().HTML(string=html, base_url=str(tmp_path)).write_pdf(str(out))
    shares = filled(out)
    assert shares[0] < 0.1
    assert all(s > 0.9 for s in shares[1:-1])
    assert 0.85 < shares[-1] < 1.0  # 7.5in + 1in of the 9.45in area


# ---- the sample label ---------------------------------------------------------------


def test_the_sample_label_is_on_every_page(edition):
    texts = page_texts(edition.pdf)
    assert len(texts) >= 2
    assert all(LABEL in t for t in texts), [LABEL in t for t in texts]


def test_real_data_says_sample_nowhere(edition, tmp_path):
    doc = copy.deepcopy(edition.metrics)
    doc["data"].update(sample=False, source="census")
    page, pdf = rerender(edition, doc, tmp_path)
    texts = page_texts(pdf)
    assert len(texts) >= 2
    for t in texts:
        assert "sample" not in t.lower()
    assert "sample" not in plain_text(page).lower()
    assert all(s >= 0.5 for s in filled(pdf)[:-1])


# ---- credits and method ----------------------------------------------------------------

STUDY = (
    "Michael E. Waugh, “Trade in AI-Related Products,” "
    "Federal Reserve Bank of Minneapolis Staff Report 684, 2026"
)
LINKS = (
    "https://www.minneapolisfed.org/research/staff-reports",
    "https://www.census.gov/foreign-trade/",
    "https://www.census.gov/data/developers/data-sets/international-trade.html",
)


def _footer(page: str) -> str:
    return page[page.index('<footer class="brief-footer">') :]


def test_the_footer_cites_the_study_and_links_the_source(edition):
    page = edition.html.read_text()
    footer = _footer(page)
    assert f"<cite>{STUDY}</cite>" in footer
    for url in LINKS:
        assert f'href="{url}"' in footer
    flat = " ".join(" ".join(page_texts(edition.pdf)).split())
    assert STUDY in flat
    assert set(LINKS) <= set(link_targets(edition.pdf))
    assert "replaced in this edition by illustrative synthetic sample data" in flat


def _with_prices(doc: dict, ytd: float | None, non_ai: float | None) -> dict:
    doc = json.loads(json.dumps(doc))
    doc["prices"]["ai"]["coverage"]["ytd"] = ytd
    doc["prices"]["non_ai"]["coverage"]["ytd"] = non_ai
    doc["prices"]["method"]["min_coverage"] = 0.5
    return doc


def _unit_values(ed: built.BuiltEdition, doc: dict) -> str:
    page, _ = render.render_html(doc, ed.narrative, [], REPO / "templates")
    text = " ".join(plain_text(page).split())
    if "Unit values:" not in text:
        return ""
    return text[text.index("Unit values:") : text.index("Data:")]


def test_the_method_says_what_a_unit_value_is_and_its_coverage(edition):
    text = _unit_values(edition, _with_prices(edition.metrics, 0.8776, 0.6149))
    assert "divided by its quantity" in text
    assert "It is not a price" in text and "mix of products within a code" in text
    assert "BLS import price indexes" in text
    assert "compared with the same month of the previous year" in text
    assert "In 2025 the lines with usable quantities covered 88% of AI-related import value" in text
    assert "(other goods: 61%)" in text
    assert "Below 50% coverage the brief does not quote the split." in text


def test_a_base_year_edition_has_no_coverage_to_quote(edition):
    text = _unit_values(edition, _with_prices(edition.metrics, None, None))
    assert "nothing to split" in text and "covered" not in text


def test_no_unit_value_note_without_prices(edition):
    doc = json.loads(json.dumps(edition.metrics))
    del doc["prices"]
    assert _unit_values(edition, doc) == ""


def test_every_citation_number_is_inside_cite():
    """The tracer lets a citation's numbers pass only inside <cite>: keep them there."""
    credits = (REPO / "templates" / "brief" / "credits.html.j2").read_text()
    body = re.sub(r"(?s)\{#.*?#\}|\{[{%].*?[%}]\}|<cite>.*?</cite>|href=\"[^\"]*\"", "", credits)
    assert not re.findall(r"(?<![A-Za-z\d])\d+(?![A-Za-z\d])", body)
