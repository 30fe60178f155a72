"""The brief as readers get it: numbers traced to metrics.json, direction words that
follow the data, a PDF and a page that are complete and well formed."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import html5lib
import pandas as pd
import pytest
from pypdf import PdfReader

from generator import config, numbers
from generator.analysis.metrics import DataInfo, MetricsInput, MetricsOptions, compute
from generator.brief import edition, narrative
from generator.brief.render import plain_text
from generator.classify.taxonomy import load_taxonomy
from generator.data import schema
from generator.errors import UserError
from tests.conftest import BRIEF_SECTIONS as SECTIONS
from tests.conftest import REPO, drawn_lines, write_config

# ---- tracing every number to metrics.json ------------------------------------------------


def _walk(node, out: list[float], strings: list[str]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if re.fullmatch(r"\d{4}(-\d\d)?", str(k)):
                strings.append(str(k))
            _walk(v, out, strings)
    elif isinstance(node, list):
        for v in node:
            _walk(v, out, strings)
    elif isinstance(node, bool) or node is None:
        return
    elif isinstance(node, int | float):
        out.append(float(node))
    elif isinstance(node, str):
        strings.append(node)


def allowed_tokens(doc: dict) -> set[str]:
    """Every way the house style may print a value of the metrics document."""
    values: list[float] = []
    strings: list[str] = []
    _walk(doc, values, strings)
    ok: set[str] = set()
    for x in values:
        for v in (x, -x):
            ok |= {
                numbers.money(v),
                numbers.money_short(v),
                numbers.pct(v),
                numbers.pct_signed(v),
                numbers.points(v),
                numbers.pp(v),
                numbers.rate(v),  # tariff rates: always one decimal (4.0%)
                numbers.rate_points(v),
            }
            if float(v).is_integer():
                ok.add(str(int(v)))
    for s in strings:
        # From text values only years (keys, months, the vintage) and the vintage date.
        ok |= set(re.findall(r"\b(?:19|20)\d\d\b", s))
        ok |= set(re.findall(r"\d{4}-\d\d-\d\d", s))
    return {t.replace(numbers.MINUS, "-") for t in ok}


NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
TOKEN = re.compile(
    rf"[+\-−]?\$(?:{NUM})(?: (?:trillion|billion|million|thousand)|[TBMK])?"
    rf"|[+\-−]?(?:{NUM})%"
    rf"|[+\-−]?(?:{NUM}) (?:points?|pp)\b"
    r"|\d{4}-\d\d-\d\d"
    rf"|(?<![A-Za-z\d])[+\-−]?(?:{NUM})(?![A-Za-z\d])"  # not part of a name like HS10
)


def day_phrases(doc: dict) -> set[str]:
    """Dates of the metrics written out ("April 5, 2025"): traced as whole phrases."""
    strings: list[str] = []
    _walk(doc, [], strings)
    days = {d for s in strings for d in re.findall(r"\d{4}-\d\d-\d\d", s)}
    return {numbers.day_name(d) for d in days}


CREDITS = REPO / "templates" / "brief" / "credits.html.j2"


def cited_phrases() -> set[str]:
    """The footer's citations (<cite> in templates/brief/credits.html.j2): a report's
    number and year are the bibliography's, not figures of the metrics."""
    return set(re.findall(r"<cite>([^<{]+)</cite>", CREDITS.read_text(encoding="utf-8")))


def cited_links() -> set[str]:
    """The footer's links to the source and the study: the only ones off the site."""
    return set(re.findall(r'href="(https://[^"{]+)"', CREDITS.read_text(encoding="utf-8")))


def quoted_phrases(doc: dict) -> set[str]:
    """Texts of metrics.json a section may quote whole (an exemption list's name and what
    it exempts beyond its codes, a policy event's sentence): a number inside ("Section
    122") is the text's, traced with it."""
    lists = doc.get("exemptions", {}).get("lists", [])
    names = {x["name"] for x in lists}
    names |= {x["beyond_codes"].strip().rstrip(".") for x in lists if x.get("beyond_codes")}
    events = {e["what"].rstrip(".") for e in doc.get("policy", {}).get("events", [])}
    return {p for p in names | events if re.search(r"\d", p)}


RATE = re.compile(rf"(?:{NUM})%")


def _shown_gap(text: str, tok: re.Match) -> bool:
    """A gap in points printed right after two rates with one decimal, or right before
    them in its sentence ("widened to 6.3 points in July 2026: 9.0% against 2.7%"), is
    traced when it is exactly their difference as printed (8.2% and 4.0% → 4.2 points)."""
    if not re.fullmatch(r"\d+\.\d points?", tok.group(0)):
        return False
    before = [r.group(0) for r in RATE.finditer(text, 0, tok.start()) if "." in r.group(0)]
    rest = re.split(r"[.;](?:\s|$)", text[tok.end() :], maxsplit=1)[0]  # to its sentence end
    after = [r.group(0) for r in RATE.finditer(rest) if "." in r.group(0)]
    gap = round(float(tok.group(0).split()[0]) * 10)
    for pair in (before[-2:], after[:2]):
        if len(pair) == 2:
            a, b = (round(float(r.rstrip("%").replace(",", "")) * 10) for r in pair)
            if abs(a - b) == gap:
                return True
    return False


def untraced(text: str, doc: dict) -> list[str]:
    ok = allowed_tokens(doc)
    # A PDF line may break inside a phrase.
    for phrase in day_phrases(doc) | cited_phrases() | quoted_phrases(doc):
        text = re.sub(r"\s+".join(map(re.escape, phrase.split())), " ", text)
    bad = []
    for m in TOKEN.finditer(text):
        tok = m.group(0)
        t = tok.replace(numbers.MINUS, "-")
        if t in ok or t.lstrip("+-") in ok or _shown_gap(text, m):
            continue
        bad.append(tok)
    return bad


def pdf_text(path: Path) -> tuple[str, int]:
    reader = PdfReader(str(path))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return text, len(reader.pages)


@pytest.fixture(scope="module")
def built(sample_edition):
    settings, folder = sample_edition
    doc = json.loads((folder / "metrics.json").read_text())
    page = (folder / "brief.html").read_text()
    return settings, folder, doc, page


def test_the_edition_has_its_files(built):
    _, folder, doc, _ = built
    assert doc["month"] == "2025-12" and doc["data"]["sample"] is True
    for name in ("brief.html", "brief.pdf", "metrics.json"):
        assert (folder / name).stat().st_size > 1000
    charts = sorted(p.name for p in (folder / "charts").iterdir())
    for key in ("growth_index", "ai_share", "top_sources", "tariffs", "counterfactual"):
        assert {f"{key}.svg", f"{key}.png", f"{key}.csv"} <= set(charts)


def test_every_number_in_the_page_is_in_metrics(built):
    _, _, doc, page = built
    # Attribute values as a reader gets them (`&#39;` is an apostrophe, not the number 39).
    alts = " ".join(html.unescape(a) for a in re.findall(r'alt="([^"]*)"', page))
    text = plain_text(page) + " " + alts
    assert len(TOKEN.findall(text)) > 40, "the page should carry plenty of numbers"
    assert untraced(text, doc) == []


def chart_lines(folder: Path) -> set[str]:
    """Every line of text the edition's charts draw, read from the web SVGs (matplotlib
    writes each text it draws as paths into a comment before it)."""
    svgs = (folder / "charts").glob("*.svg")
    return {line for svg in svgs for line in drawn_lines(svg.read_text(encoding="utf-8"))}


def pdf_prose(folder: Path) -> str:
    """The PDF's text without its page numbers and its charts' words (axis ticks among
    them: those are checked against the page's charts, and drawn from metrics.json in
    test_charts.py), on one line."""
    text, pages = pdf_text(folder / "brief.pdf")
    charts = chart_lines(folder)
    prose = [line for line in text.splitlines() if line.strip() not in charts]
    return " ".join(re.sub(rf"Page \d+ of {pages}", " ", "\n".join(prose)).split())


def test_every_number_in_the_pdf_is_in_metrics(built):
    _, folder, doc, _ = built
    text = pdf_prose(folder)
    assert len(TOKEN.findall(text)) > 40
    assert untraced(text, doc) == []


def test_the_pdf_charts_say_what_the_page_charts_say(built):
    """The PDF's charts carry their words as text (searchable, and painted by the PDF
    renderer in a fraction of the time of glyph outlines): each line of the web SVGs is
    a line of the PDF's text."""
    _, folder, _, _ = built
    lines = {x.strip() for x in pdf_text(folder / "brief.pdf")[0].splitlines()}
    charts = chart_lines(folder)
    assert len(charts) > 40
    said = {c for c in charts if c in lines}
    # a line the PDF merged with its neighbour on the same baseline (a legend) is there
    # as part of a longer line
    merged = {c for c in charts - said if any(c in x for x in lines)}
    assert charts - said - merged == set()
    assert len(said) > 0.8 * len(charts)


def test_the_checker_catches_an_invented_number(built):
    _, _, doc, _ = built
    assert untraced("AI imports were $655B, 23.4% of the total", doc) == ["$655B", "23.4%"]


def test_pdf_pages_sections_and_charts(built):
    _, folder, _, page = built
    text, pages = pdf_text(folder / "brief.pdf")
    assert 2 <= pages <= 5  # six charts: about 250–400 words and 3–6 charts
    flat = " ".join(text.split())
    positions = [flat.find(s) for s in SECTIONS]
    assert all(p >= 0 for p in positions), dict(zip(SECTIONS, positions, strict=True))
    assert positions == sorted(positions), "sections out of house-style order"
    titles = re.findall(r'<figcaption class="chart-title">([^<]*)</figcaption>', page)
    assert len(titles) == 6
    for title in titles:
        assert " ".join(plain_text(title).split()) in flat
    assert flat.count("Data behind this chart") == 6
    assert "Illustrative sample data" in flat
    assert f"Page 1 of {pages}" in text


def test_pdf_embeds_its_fonts(built):
    _, folder, _, _ = built
    reader = PdfReader(str(folder / "brief.pdf"))
    fonts = []
    for p in reader.pages:
        res = p["/Resources"].get("/Font", {})
        for f in res.values():
            f = f.get_object()
            desc = f.get("/DescendantFonts")
            d = desc[0].get_object() if desc else f
            fd = d.get("/FontDescriptor").get_object()
            fonts.append(any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")))
    assert fonts and all(fonts)


def test_html_is_valid_html5_with_lang_and_alt(built):
    _, _, _, page = built
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    tree = parser.parse(page)
    assert tree.get("lang") == "en"
    imgs = tree.findall(".//img")
    assert len(imgs) == 6
    for img in imgs:
        assert len(img.get("alt", "")) > 40
        assert re.search(r"\d", img.get("alt")), "alt text states the latest value"


def test_sample_banner_and_footer(built):
    _, _, doc, page = built
    text = plain_text(page)
    assert "Illustrative sample data" in text
    assert "metrics.json" in page
    assert text.count("Data behind this chart (CSV)") == 6
    assert f"retrieved {doc['data']['vintage'][:10]}" in text
    counted = [x for x in doc["exemptions"]["lists"] if x["key"] in doc["exemptions"]["in_force"]]
    assert counted  # December 2025: the EO 14257 lists
    for lst in counted:  # the method names every list counted
        assert f"{lst['name']} (from {numbers.day_name(lst['effective'])})" in text
    assert "(from April 5, 2025)" in text


def test_the_story_a_reader_expects(built):
    """The facts of the original story, in the brief's own words (2025-12 edition)."""
    _, _, doc, page = built
    text = " ".join(plain_text(page).split())
    share = numbers.pct(doc["imports"]["ai_share"]["annual"]["2025"])
    base_share = numbers.pct(doc["imports"]["ai_share"]["annual"]["2023"])
    assert re.search(rf"{share}: AI-related share of (U\.S\. )?imports in 2025\b", text)
    assert f"{base_share} in 2023" in text
    assert numbers.pct_signed(doc["imports"]["ai"]["since_base"]["ytd"]) in text
    assert numbers.pct_signed(doc["imports"]["non_ai"]["since_base"]["ytd"]) in text
    assert numbers.money(doc["counterfactual"]["annual"]["2025"]["net_effect"]) in text
    compute_hw = next(c for c in doc["categories"] if c["key"] == "compute_hardware")
    compute_share = numbers.pct(compute_hw["imports"]["share_of_ai"]["ytd"])
    assert f"Compute hardware (servers, chips, storage) made up {compute_share}" in text
    shares = {s["name"]: numbers.pct(s["share"]) for s in doc["sources"]}
    assert f"Mexico supplied {shares['Mexico']}" in text or f"Mexico {shares['Mexico']}" in text
    assert f"Taiwan {shares['Taiwan']}" in text or f"Taiwan supplied {shares['Taiwan']}" in text
    ai_rate = numbers.rate(doc["tariffs"]["ai"]["ytd"])
    non_rate = numbers.rate(doc["tariffs"]["non_ai"]["ytd"])
    assert f"effective tariff of {ai_rate}" in text and f"against {non_rate} on other goods" in text


# ---- the text follows the data ------------------------------------------------------------

TAX = load_taxonomy(REPO / "taxonomy" / "ai_products.yaml", [27, 71, 98, 99])
CODES = {
    "compute_hardware": "8471500150",
    "electrical_power": "8504230000",
    "networking_telecom": "8517620090",
    "cooling_hvac": "8418690180",
}
LOW = "0102291000"


def scenario(ai_2025_factor: float, month: str = "2025-12"):
    """Three years; AI imports flat in 2023–24, then × factor in 2025 (rising through the
    year when the factor is above 1, so each month sets a record); other goods flat."""
    rows, erows = [], []
    for year in (2023, 2024, 2025):
        for m in range(1, 13):
            period = f"{year}-{m:02d}"
            f = 1.0
            if year == 2025:
                f = ai_2025_factor * (1 + 0.02 * (m - 1) if ai_2025_factor > 1 else 1)
            for i, (_, code) in enumerate(CODES.items()):
                for country, share in (("2010", 0.5), ("5830", 0.3), ("1220", 0.2)):
                    v = 1e9 * (4 - i) * share * f
                    rows.append((period, code, country, v, v, v, v * 0.02, 1.0, "NO"))
            for country in ("2010", "5830", "1220"):
                v = 10e9
                rows.append((period, LOW, country, v, v, v, v * 0.03, 1.0, "NO"))
                erows.append((period, LOW, country, 6e9, 1.0, "NO"))
                erows.append((period, CODES["compute_hardware"], country, 1e9, 1.0, "NO"))
    imports = pd.DataFrame(
        rows,
        columns=list(schema.IMPORT_COLUMNS),
    )
    exports = pd.DataFrame(erows, columns=list(schema.EXPORT_COLUMNS))
    codes = set(imports["hs10"]) | set(exports["hs10"])
    inp = MetricsInput(
        imports=imports,
        exports=exports,
        classification=TAX.classify_frame(codes),
        categories=TAX.categories,
        countries=pd.DataFrame(
            {"country_code": ["2010", "5830", "1220"], "name": ["Mexico", "Taiwan", "Canada"]}
        ),
        info=DataInfo("sample", True, "2026-01-01T00:00:00Z"),
    )
    return compute(inp, month, MetricsOptions()).doc


def test_headline_and_direction_words_follow_the_data():
    # November: December's edition leads with the year in review (test_news).
    up = narrative.write(scenario(1.5, "2025-11"), REPO / "templates" / "narrative")
    down = narrative.write(scenario(0.6, "2025-11"), REPO / "templates" / "narrative")
    assert up.headline != down.headline
    up_text = " ".join([up.headline, up.lede, *up.by_the_numbers])
    down_text = " ".join([down.headline, down.lede, *down.by_the_numbers])
    assert re.search(r"\b(surged|rose|edged up|up \d+%)", up_text)
    assert re.search(r"\b(plunged|fell|slipped|down \d+%)", down_text)
    assert not re.search(r"\b(plunged|fell|slipped|down \d+%)", up_text)
    assert not re.search(r"\b(surged|rose|edged up)\b", down.headline)
    assert "record" in up.headline and "record" not in down_text
    assert down.headline == "AI imports plunged 40% year over year"  # January–November
    assert "added" in up.why_it_matters and "took" in down.why_it_matters


def test_record_only_when_computed():
    doc = scenario(0.6)
    facts = narrative.find_facts(doc)
    assert not any(f.kind in ("share_record", "value_record") for f in facts)
    # AI imports rise 2% a month through 2025: October's $18B beats September's $17B,
    # November's share (38%) October's (37%); December's share and sum are higher still
    # but print 38% and $18B again: no record to a reader
    kinds = [f.kind for f in narrative.find_facts(scenario(1.5, "2025-10"))]
    assert "value_record" in kinds
    kinds = [f.kind for f in narrative.find_facts(scenario(1.5, "2025-11"))]
    assert "share_record" in kinds and "value_record" not in kinds
    kinds = [f.kind for f in narrative.find_facts(scenario(1.5, "2025-12"))]
    assert "share_record" not in kinds and "value_record" not in kinds


def test_every_fact_names_metric_paths_that_hold_its_values():
    from generator.analysis.metrics import Metrics

    doc = scenario(1.5)
    m = Metrics("2025-12", doc)
    for fact in narrative.find_facts(doc):
        for name, path in fact.paths.items():
            assert m.get(path) == fact.values[name], (fact.kind, name, path)


# ---- a broken template loses nothing ------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "content", "where"),
    [
        ("brief/content.html.j2", "{{ m.no_such_key }}", "content.html.j2:1"),
        ("brief/content.html.j2", "<p>\n{% if %}</p>", "content.html.j2:2"),
        ("narrative/zoom_in.j2", "Line one\n{{ undefined_thing }}", "zoom_in.j2:2"),
    ],
)
def test_a_broken_template_names_file_and_line_and_keeps_the_edition(
    sample_edition, tmp_path, file, content, where
):
    settings, folder = sample_edition
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    (templates / file).write_text(content, encoding="utf-8")
    broken = settings.model_copy(deep=True)
    broken.templates.dir = templates
    broken._source_path = settings.source_path
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    with pytest.raises(UserError) as err:
        edition.build(broken, "2025-12")
    assert where in str(err.value)
    assert "\n" not in str(err.value)
    after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


def test_cli_reports_a_broken_template_in_one_line(tmp_path, capsys):
    from generator.cli import main

    templates = tmp_path / "t"
    shutil.copytree(REPO / "templates", templates)
    (templates / "narrative" / "bottom_line.j2").write_text("{{ oops(", encoding="utf-8")
    cfg = write_config(tmp_path, "")
    text = cfg.read_text().replace(str(REPO / "templates"), str(templates))
    cfg.write_text(text)
    with pytest.raises(SystemExit) as exc:
        main(["--config", str(cfg), "run"])
    assert exc.value.code != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err[-1:]) == 1 and "bottom_line.j2:1" in err[-1]
    assert not (tmp_path / "output" / "editions" / "2025-12").exists()


def test_run_on_a_clean_folder_writes_html_and_pdf(sample_edition):
    _, folder = sample_edition
    assert (folder / "brief.pdf").read_bytes().startswith(b"%PDF")
    assert "<html" in (folder / "brief.html").read_text()
    _ = config


# ---- wording that must follow signs and history -----------------------------------------------


def _between(doc) -> str:
    return " ".join(narrative.write(doc, REPO / "templates" / "narrative").between_the_lines)


def _with_gap(doc, ytd, prior):
    """The gap quoted is the difference of the rates shown: set the rates to make it."""
    doc = json.loads(json.dumps(doc))
    doc["tariffs"]["ai"]["ytd"] = 0.05
    doc["tariffs"]["non_ai"]["ytd"] = 0.05 + ytd
    g = doc["tariffs"]["gap"]
    g["ytd"], g["prior_ytd"] = ytd, prior
    g["change_ytd"] = None if prior is None else ytd - prior
    return doc


@pytest.mark.parametrize(
    ("ytd", "prior", "expected"),
    [
        (0.046, 0.009, "4.6 points less; the difference widened from 0.9 points in 2024"),
        (0.01, 0.03, "1.0 point less; the difference narrowed from 3.0 points in 2024"),
        (-0.04, -0.01, "4.0 points more; the difference widened from 1.0 point in 2024"),
        (0.01, -0.02, "1.0 point less; in 2024 it ran the other way, by 2.0 points"),
        (0.007, 0.0069, "0.7 points less; it was about the same in 2024"),
        (0.0001, None, "about the same rate."),
    ],
)
def test_the_tariff_gap_sentence_follows_its_sign(ytd, prior, expected):
    text = _between(_with_gap(scenario(1.5), ytd, prior))
    assert expected in text


def test_a_base_year_edition_claims_no_lead_or_exemption_history():
    doc = scenario(1.0)
    doc = json.loads(json.dumps(doc))
    # Make it look like a base-year edition: no since-base growth, edition before 2025-04.
    doc["imports"]["ai"]["since_base"]["ytd"] = None
    doc["imports"]["non_ai"]["since_base"]["ytd"] = None
    doc["month"] = "2023-12"
    n = narrative.write(doc, REPO / "templates" / "narrative")
    assert n.bottom_line.startswith("This is the base year")
    assert not any("April 2025" in w for w in n.what_to_watch)


def test_a_surplus_is_not_called_a_deficit():
    doc = json.loads(json.dumps(scenario(1.5)))
    cf = doc["counterfactual"]["ytd"]
    cf["actual_balance"] = abs(cf["actual_balance"])
    from generator.analysis.facts import Fact

    texts = narrative._fact_texts(REPO / "templates" / "narrative" / "facts.yaml")
    env = narrative.environment(
        [REPO / "templates" / "narrative"],
        narrative.load_words(REPO / "templates" / "narrative" / "words.yaml"),
    )
    ctx = narrative.context(
        doc, narrative.load_words(REPO / "templates" / "narrative" / "words.yaml")
    )
    fact = Fact(
        "counterfactual",
        1,
        {"net_effect": cf["net_effect"], "actual_balance": cf["actual_balance"], "base_year": 2023},
    )
    for part in ("headline", "lede", "bullet"):
        text = narrative.render_string(
            env, texts["counterfactual"][part][0], {**ctx, **fact.values}, "t"
        )
        assert "deficit" not in text and "surplus" in text, text


def test_a_typo_in_an_unused_fact_text_fails_now(tmp_path):
    narr = tmp_path / "narrative"
    shutil.copytree(REPO / "templates" / "narrative", narr)
    facts = (narr / "facts.yaml").read_text()
    (narr / "facts.yaml").write_text(
        facts.replace("{{ share|pct }}: compute", "{{ shar|pct }}: compute")
    )
    with pytest.raises(UserError, match=r"facts.yaml:\d+ \(compute_share.bullet\)"):
        narrative.write(scenario(1.5), narr)


def test_pdf_links_point_at_the_published_data_not_this_machine(built):
    settings, folder, _, _ = built
    reader = PdfReader(str(folder / "brief.pdf"))
    uris = [
        a.get_object()["/A"]["/URI"]
        for p in reader.pages
        for a in (p.get("/Annots") or [])
        if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]
    ]
    assert len(uris) >= 6
    base = settings.site.base_url.rstrip("/")
    cited = cited_links()
    assert all(u.startswith(f"{base}/2025-12/data/") or u in cited for u in uris), uris


def test_the_method_names_only_lists_in_force_in_the_edition_month(built):
    """A list that takes effect later, or has ended, is not named; an end date is."""
    from generator.brief.render import render_html

    _, _, doc, _ = built
    doc = json.loads(json.dumps(doc))
    first, second = doc["exemptions"]["lists"][:2]
    first["effective"], first["end"] = "2025-04-05", "2025-11-30"
    first["end_announced"] = "2025-11-30"  # an end is named once it is known
    second["effective"] = "2026-01-15"
    n = narrative.write(doc, REPO / "templates" / "narrative")

    def method(month: str) -> str:
        doc["month"] = month
        page, _ = render_html(doc, n, [], REPO / "templates")
        text = plain_text(page)
        return text[text.index("Method:") : text.index("Data:")]

    nov = method("2025-11")
    assert f"{first['name']} (from April 5, 2025 until November 30, 2025)" in nov
    assert second["name"] not in nov
    assert first["name"] not in method("2025-12")  # ended in November
    assert "Exemption coverage" not in method("2025-03")  # nothing in force yet
