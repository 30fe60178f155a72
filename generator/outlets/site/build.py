"""The static site, from the editions folder, written as a whole (generator.outlets.site.tree).

  index.html              the latest edition in full, then the ones before it
  archive.html            every edition: headline and key numbers from its own metrics
  feed.xml, sitemap.xml   Atom feed (one entry per edition) and sitemap, absolute URLs
  style.css               styles/brief.css + site/site.css
  YYYY-MM/index.html      the brief (the same content template as the PDF)
  YYYY-MM/brief.pdf, share.png (1200 × 630), charts/<key>.svg|png
  YYYY-MM/data/metrics.json, data/<key>.csv   the data behind every number and chart

Every link between pages is relative, so the folder works on any static host and from
file://; site.base_url makes the absolute URLs the feed, the sitemap and the Open Graph
tags need. Pages hold no build time: the same editions and templates give the same
bytes, and the tree commit then writes nothing. Feed dates come from
output/state/site.json (first seen, last changed, per edition).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from generator import numbers, pipeline, yamlio
from generator.brief import narrative as narrative_mod
from generator.brief import render
from generator.brief.narrative import Narrative
from generator.config import Settings
from generator.data.warehouse import write_atomic
from generator.errors import UserError, located
from generator.outlets.site import feed, safe, share, tree

STATE_FILE = "site.json"
SHARE_CACHE = "share"
EDITION_FILES = ("metrics.json", "brief.html", "brief.pdf")
# A file named by charts.json: one plain name in charts/, never a path out of it.
CHART_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
DEFAULT_SAMPLE_NOTE = "Illustrative sample data — synthetic figures, not official statistics"


@dataclass(frozen=True)
class KeyNumber:
    value: Markup
    label: Markup

    def plain(self) -> tuple[str, str]:
        return html.unescape(str(self.value)), html.unescape(str(self.label))


@dataclass(frozen=True)
class ChartFiles:
    key: str
    title: str
    alt: str
    source: str
    svg: str
    png: str
    csv: str


@dataclass
class SiteEdition:
    month: str
    folder: Path
    doc: dict[str, Any]
    n: Narrative
    charts: list[ChartFiles]
    key_numbers: list[KeyNumber] = field(default_factory=list)
    digest: str = ""

    @property
    def sample(self) -> bool:
        return bool(self.doc.get("data", {}).get("sample"))

    @property
    def dir(self) -> str:
        return f"{self.month}/"

    @property
    def href(self) -> str:
        return f"{self.month}/index.html"


@dataclass
class SiteResult:
    folder: Path
    editions: list[str]
    skipped: list[tuple[str, str]]  # (month, why) editions left out
    commit: tree.CommitResult
    seconds: float = 0.0

    def summary(self) -> str:
        c = self.commit
        what = (
            f"{c.written} files written, {c.kept} unchanged, {c.removed} removed"
            if c.changed
            else f"unchanged ({c.kept} files)"
        )
        n = len(self.editions)
        return f"site: {n} edition{'s' if n != 1 else ''}, {what} ({self.seconds:.1f}s)"


# ---- templates ----------------------------------------------------------------------------


class Templates:
    """Lookup chain as everywhere: the editors' override folder first, then the default;
    site pages may include the brief's templates (content.html.j2)."""

    def __init__(self, settings: Settings) -> None:
        self.dirs = settings.template_dirs
        site_dirs = [d / "site" for d in self.dirs]
        brief_dirs = [d / "brief" for d in self.dirs]
        self.env = render.environment(brief_dirs[-1], [*site_dirs, *brief_dirs[:-1]])
        brand_file = self._find("brief", "brand.yaml")
        self.brand = render.brand(brand_file.parent if brand_file else brief_dirs[-1])
        found = self._find("site", "site.yaml")
        if found is None:
            raise UserError(f"site/site.yaml not found in {', '.join(map(str, self.dirs))}")
        self.site_yaml: Path = found
        self.config = self._site_config()
        self._numbers = self._compile_numbers()

    def _find(self, sub: str, name: str) -> Path | None:
        return next((d / sub / name for d in self.dirs if (d / sub / name).is_file()), None)

    def _find_dir(self, sub: str, name: str) -> Path:
        found = self._find(sub, name)
        if found is None:
            raise UserError(f"{sub}/{name} not found in {', '.join(map(str, self.dirs))}")
        return found.parent

    def text(self, sub: str, name: str) -> str:
        return (self._find_dir(sub, name) / name).read_text(encoding="utf-8")

    @property
    def styles_dir(self) -> Path:
        return self._find_dir("styles", "brief.css")

    def _site_config(self) -> yamlio.LineDict:
        doc = yamlio.load(self.site_yaml)
        if not isinstance(doc, dict):
            raise UserError(
                "expected description, key_numbers and share", where=str(self.site_yaml)
            )
        return doc

    def _compile_numbers(self) -> list[tuple[jinja2.Template, jinja2.Template]]:
        path = self.site_yaml
        items = self.config.get("key_numbers")
        where = located(path, self.config.line_of("key_numbers"))
        if not isinstance(items, list) or not 1 <= len(items) <= 3:
            raise UserError("key_numbers: expected one to three entries", where=where)
        out = []
        for i, item in enumerate(items):
            at = located(path, items.line_of(i))
            if not isinstance(item, dict) or not all(
                isinstance(item.get(k), str) for k in ("value", "label")
            ):
                raise UserError(f"key_numbers[{i}]: expected `value:` and `label:`", where=at)
            try:
                compiled = [self.env.from_string(item[k]) for k in ("value", "label")]
            except jinja2.TemplateSyntaxError as exc:
                raise UserError(f"key_numbers[{i}]: {exc.message}", where=at) from None
            out.append((compiled[0], compiled[1]))
        return out

    def key_numbers(self, doc: dict[str, Any]) -> list[KeyNumber]:
        out = []
        for i, (value, label) in enumerate(self._numbers):
            try:
                v, lab = value.render(m=doc), label.render(m=doc)
            except Exception as exc:  # noqa: BLE001 - the editor's template to fix
                where = located(self.site_yaml, self.config["key_numbers"].line_of(i))
                raise UserError(
                    f"key_numbers[{i}] ({doc.get('month')}): {exc}", where=where
                ) from None
            out.append(KeyNumber(Markup(" ".join(v.split())), Markup(" ".join(lab.split()))))
        return out

    @property
    def description(self) -> str:
        return " ".join(str(self.config.get("description") or "").split())

    @property
    def share_colours(self) -> dict[str, str]:
        node = self.config.get("share") or {}
        return {k: str(v) for k, v in node.items() if k in share.COLOURS}

    @property
    def sample_note(self) -> str:
        node = self.config.get("share") or {}
        return str(node.get("sample_note") or DEFAULT_SAMPLE_NOTE)

    def page(self, name: str, ctx: dict[str, Any]) -> bytes:
        return render.render_page(self.env, name, ctx).encode("utf-8")


# ---- editions -----------------------------------------------------------------------------


def _charts(listing: bytes | None, doc: dict[str, Any], styles_dir: Path) -> list[ChartFiles]:
    if listing is not None:
        items = json.loads(listing.decode("utf-8"))
    else:  # an edition built before charts.json: the words again, from the metrics
        from generator.brief import charts as charts_mod

        with tempfile.TemporaryDirectory() as tmp:
            made = charts_mod.make_charts(doc, Path(tmp), styles_dir)
        items = [
            {"key": c.key, "title": c.title, "alt": c.alt, "source": c.source,
             "svg": c.svg.name, "png": c.png.name, "csv": c.csv.name}
            for c in made
        ]  # fmt: skip
    return [ChartFiles(**{k: str(i[k]) for k in ChartFiles.__dataclass_fields__}) for i in items]


def _edition(settings: Settings, tpl: Templates, month: str) -> SiteEdition | str:
    """The edition of `month`, or why it is left out. Every file the site takes is a
    regular file reached from the editions folder without a symlink (site.safe): a
    planted link, or a folder linked in, never brings outside content into the site."""
    root = settings.editions_dir

    def read(name: str) -> bytes:
        return safe.read_below(root, f"{month}/{name}")

    try:
        for name in EDITION_FILES:
            os.close(safe.open_below(root, f"{month}/{name}"))
        metrics_bytes, brief_html = read("metrics.json"), read("brief.html")
        try:
            listing: bytes | None = read("charts/charts.json")
        except safe.Unsafe as exc:
            if not exc.missing:
                raise
            listing = None  # an edition built before charts.json
        doc = json.loads(metrics_bytes)
        charts = _charts(listing, doc, tpl.styles_dir)
        names = [name for c in charts for name in (c.svg, c.png, c.csv)]
        bad = next((name for name in names if not CHART_NAME.fullmatch(name)), None)
        if bad is not None:
            return f"charts/charts.json names {bad!r}, not a file name in charts/"
        for name in names:
            os.close(safe.open_below(root, f"{month}/charts/{name}"))
    except safe.Unsafe as exc:
        return exc.reason.replace(f"{month}/", "", 1)
    n = narrative_mod.for_edition(settings, doc)
    folder = pipeline.edition_dir(settings, month)
    e = SiteEdition(month, folder, doc, n, charts, tpl.key_numbers(doc))
    h = hashlib.sha256(metrics_bytes)
    h.update(brief_html)
    h.update(json.dumps([k.plain() for k in e.key_numbers]).encode())
    e.digest = h.hexdigest()
    return e


def collect(settings: Settings, tpl: Templates) -> tuple[list[SiteEdition], list[tuple[str, str]]]:
    """Every complete edition in the editions folder, oldest first, and those left out."""
    editions: list[SiteEdition] = []
    skipped: list[tuple[str, str]] = []
    for month in pipeline.edition_months(settings):
        e = _edition(settings, tpl, month)
        if isinstance(e, str):
            skipped.append((month, e))
        else:
            editions.append(e)
    return editions, skipped


# ---- state: when each edition was first published and last changed ------------------------


def _load_state(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"editions": {}}
    return doc if isinstance(doc.get("editions"), dict) else {"editions": {}}


def _dates(state: dict[str, Any], editions: list[SiteEdition], now: str) -> dict[str, Any]:
    old = state.get("editions", {})
    out = {}
    for e in editions:
        prev = old.get(e.month) or {}
        if prev.get("digest") == e.digest:
            out[e.month] = prev
        else:
            out[e.month] = {
                "digest": e.digest,
                "published": prev.get("published", now),
                "updated": now,
            }
    return {"editions": out}


# ---- pages --------------------------------------------------------------------------------


def _base_url(settings: Settings) -> str:
    url = settings.site.base_url.strip()
    return url if url.endswith("/") else url + "/"


def _views(e: SiteEdition, prefix: str) -> dict[str, render.ChartView]:
    return {
        c.key: render.ChartView.of(c, f"{prefix}charts/{c.svg}", f"{prefix}data/{c.csv}")
        for c in e.charts
    }


def _image_alt(e: SiteEdition) -> str:
    nums = "; ".join(f"{v} {label}" for v, label in (k.plain() for k in e.key_numbers))
    sample = " Illustrative sample data." if e.sample else ""
    return f"{e.n.headline}. {nums}.{sample}"


def _edition_ctx(e: SiteEdition, prefix: str) -> dict[str, Any]:
    return {
        "m": e.doc,
        "n": e.n,
        "charts": _views(e, prefix),
        "metrics_href": f"{prefix}data/metrics.json",
        "e": e,
    }


def _share_card(e: SiteEdition, tpl: Templates, base: str) -> share.ShareCard:
    where = urlsplit(base)
    host = (where.netloc + where.path).rstrip("/") or base
    month = numbers.month_name(e.month)
    return share.ShareCard(
        kicker=f"{tpl.brand} · {month}".upper(),
        headline=e.n.headline,
        numbers=tuple(k.plain() for k in e.key_numbers),
        footer=f"{host} · {month} edition",
        sample_note=tpl.sample_note if e.sample else None,
    )


def _share_image(card: share.ShareCard, colours: dict[str, str], cache: Path) -> Path:
    """Drawn once per distinct card and kept in output/state/share/ by content hash."""
    code = Path(share.__file__).read_bytes()
    key = hashlib.sha256(
        json.dumps([card.__dict__, colours], sort_keys=True).encode() + code
    ).hexdigest()[:32]
    path = cache / f"{key}.png"
    if safe.check(cache, path.name) is not None:  # missing, or a planted symlink: redraw
        write_atomic(path, share.draw(card, colours))
    return path


@dataclass
class Plan:
    files: dict[str, tree.Entry]  # relative path → bytes or source file
    editions: list[str]
    skipped: list[tuple[str, str]]
    state: dict[str, Any]  # to keep in output/state/site.json once the site is in place
    share_used: set[Path]


def plan(settings: Settings, now: str | None = None) -> Plan:
    """The site's files (relative path → Entry), the editions and the state to keep."""
    tpl = Templates(settings)
    editions, skipped = collect(settings, tpl)
    if not editions:
        why = f" ({skipped[0][0]}: {skipped[0][1]})" if skipped else ""
        raise UserError(
            f"no complete edition in {settings.editions_dir} to publish{why}: "
            "build one with `aibrief publish --month YYYY-MM` or `aibrief run`"
        )
    now = now or datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    state = _dates(_load_state(settings.state_dir / STATE_FILE), editions, now)
    base = _base_url(settings)
    newest = list(reversed(editions))
    site = {
        "title": tpl.brand,
        "description": tpl.description,
        "any_sample": any(e.sample for e in editions),
        "base_url": base,
    }
    files: dict[str, tree.Entry] = {}
    cache, ed_root = settings.state_dir / SHARE_CACHE, settings.editions_dir

    def put(rel: str, data: bytes | None = None, source: Path | None = None) -> None:
        """A file of the site; a source is taken without a symlink below its root."""
        within = None if source is None else cache if source.parent == cache else ed_root
        files[rel] = tree.Entry(data=data, source=source, within=within)

    css = tpl.text("styles", "brief.css") + "\n" + tpl.text("site", "site.css")
    put("style.css", css.encode("utf-8"))

    used_images: set[Path] = set()
    for i, e in enumerate(editions):
        card = _share_card(e, tpl, base)
        image = _share_image(card, tpl.share_colours, cache)
        used_images.add(image)
        d = e.dir
        put(d + "share.png", source=image)
        put(d + "brief.pdf", source=e.folder / "brief.pdf")
        put(d + "data/metrics.json", source=e.folder / "metrics.json")
        for c in e.charts:
            put(f"{d}charts/{c.svg}", source=e.folder / "charts" / c.svg)
            put(f"{d}charts/{c.png}", source=e.folder / "charts" / c.png)
            put(f"{d}data/{c.csv}", source=e.folder / "charts" / c.csv)
        page = {
            "title": f"{e.n.headline} — {tpl.brand}, {numbers.month_name(e.month)}",
            "og_title": e.n.headline,
            "description": e.n.lede,
            "url": base + d,
            "image": base + d + "share.png",
            "image_alt": _image_alt(e),
            "type": "article",
            "root": "../",
        }
        ctx = {
            **_edition_ctx(e, ""),
            "brand": tpl.brand,
            "site": site,
            "page": page,
            "prev": editions[i - 1] if i > 0 else None,
            "next": editions[i + 1] if i + 1 < len(editions) else None,
        }
        put(d + "index.html", tpl.page("edition.html.j2", ctx))

    latest = newest[0]
    index_page = {
        "title": f"{tpl.brand}: {latest.n.headline}",
        "og_title": f"{tpl.brand}: {latest.n.headline}",
        "description": latest.n.lede,
        "url": base,
        "image": base + latest.dir + "share.png",
        "image_alt": _image_alt(latest),
        "type": "website",
        "root": "",
    }
    put(
        "index.html",
        tpl.page(
            "index.html.j2",
            {
                **_edition_ctx(latest, latest.dir),
                "brand": tpl.brand,
                "site": site,
                "page": index_page,
                "editions": newest,
            },
        ),
    )
    years: dict[str, list[SiteEdition]] = {}
    for e in newest:
        years.setdefault(e.month[:4], []).append(e)
    archive_page = {
        **index_page,
        "title": f"All editions — {tpl.brand}",
        "og_title": f"{tpl.brand}: all editions",
        "description": tpl.description,
        "url": base + "archive.html",
    }
    put(
        "archive.html",
        tpl.page(
            "archive.html.j2",
            {
                "brand": tpl.brand,
                "site": site,
                "page": archive_page,
                "editions": newest,
                "years": list(years.items()),
            },
        ),
    )

    entries = []
    for e in newest:
        url, pdf = base + e.dir, base + e.dir + "brief.pdf"
        dates = state["editions"][e.month]
        entries.append(
            feed.FeedEntry(
                title=f"{numbers.month_name(e.month)}: {e.n.headline}",
                url=url,
                pdf_url=pdf,
                pdf_length=(e.folder / "brief.pdf").stat().st_size,
                published=dates["published"],
                updated=dates["updated"],
                summary=e.n.lede + (" (Illustrative sample data.)" if e.sample else ""),
                content_html=feed.entry_html(
                    e.n.lede, [k.plain() for k in e.key_numbers], url, pdf, e.sample
                ),
            )
        )
    put(
        "feed.xml",
        feed.atom(
            title=tpl.brand,
            subtitle=tpl.description,
            base_url=base,
            author=tpl.brand,
            entries=entries,
        ),
    )
    newest_update = max(d["updated"] for d in state["editions"].values())[:10]
    put(
        "sitemap.xml",
        feed.sitemap(
            [(base, newest_update), (base + "archive.html", newest_update)]
            + [(base + e.dir, state["editions"][e.month]["updated"][:10]) for e in newest]
        ),
    )
    return Plan(files, [e.month for e in editions], skipped, state, used_images)


def build(settings: Settings, now: str | None = None) -> SiteResult:
    """Compute the site and commit it as a whole (the caller holds the publish lock)."""
    t0 = time.perf_counter()
    p = plan(settings, now)
    result = tree.commit(p.files, settings.site_dir)
    state_bytes = (json.dumps(p.state, indent=2, sort_keys=True) + "\n").encode()
    path = settings.state_dir / STATE_FILE
    if not path.is_file() or path.read_bytes() != state_bytes:
        write_atomic(path, state_bytes)
    for img in (settings.state_dir / SHARE_CACHE).glob("*.png"):  # no edition uses them
        if img not in p.share_used:
            img.unlink(missing_ok=True)
    return SiteResult(settings.site_dir, p.editions, p.skipped, result, time.perf_counter() - t0)
