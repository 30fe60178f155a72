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
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from generator import numbers, yamlio
from generator.brief import built, render
from generator.config import Settings
from generator.errors import UserError, located
from generator.fsutil import now_utc, write_atomic
from generator.outlets.site import feed, safe, share, tree
from generator.outlets.site import spec as site_spec
from generator.outlets.site.editions import KeyNumber, SiteEdition, collect

__all__ = ["KeyNumber", "Plan", "SiteEdition", "SiteResult", "Templates", "build", "plan"]

STATE_FILE = "site.json"
SHARE_CACHE = "share"
DEFAULT_SAMPLE_NOTE = "Illustrative sample data — synthetic figures, not official statistics"


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
        """site.yaml validated as a whole (every error at once, site/spec.py); the
        parsed document stays for the lines later messages name."""
        return site_spec.load(self.site_yaml).doc

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


# ---- state: when each edition was first published and last changed ------------------------


def _load_state(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"editions": {}}
    if isinstance(doc, dict) and isinstance(doc.get("editions"), dict):
        return doc
    return {"editions": {}}


def _dates(state: dict[str, Any], editions: list[SiteEdition], now: str) -> dict[str, Any]:
    old = state.get("editions", {})
    out = {}
    for e in editions:
        prev = old.get(e.month)
        prev = prev if isinstance(prev, dict) else {}
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
        kicker=f"{e.brand} · {month}".upper(),
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


@dataclass
class _Site:
    """What every page of one site build shares. The site's own name is the brand the
    latest edition was built with (each edition page names its own)."""

    settings: Settings
    tpl: Templates
    editions: list[SiteEdition]  # oldest first
    state: dict[str, Any]
    base: str
    files: dict[str, tree.Entry] = field(default_factory=dict)

    @property
    def newest(self) -> list[SiteEdition]:
        return list(reversed(self.editions))

    @property
    def brand(self) -> str:
        return self.editions[-1].brand

    @property
    def info(self) -> dict[str, Any]:
        return {
            "title": self.brand,
            "description": self.tpl.description,
            "any_sample": any(e.sample for e in self.editions),
            "base_url": self.base,
        }

    def put(self, rel: str, data: bytes | None = None, source: Path | None = None) -> None:
        """A file of the site; a source is taken without a symlink below its root."""
        cache = self.settings.state_dir / SHARE_CACHE
        within = None
        if source is not None:
            within = cache if source.parent == cache else self.settings.editions_dir
        self.files[rel] = tree.Entry(data=data, source=source, within=within)


def plan(settings: Settings, now: str | None = None) -> Plan:
    """The site's files (relative path → Entry), the editions and the state to keep."""
    tpl = Templates(settings)
    editions, skipped = collect(settings, tpl.key_numbers)
    if not editions:
        why = f" ({skipped[0][0]}: {skipped[0][1]})" if skipped else ""
        raise UserError(
            f"no complete edition in {settings.editions_dir} to publish{why}: "
            "build one with `aibrief publish --month YYYY-MM` or `aibrief run`"
        )
    now = now or now_utc()
    state = _dates(_load_state(settings.state_dir / STATE_FILE), editions, now)
    site = _Site(settings, tpl, editions, state, _base_url(settings))
    css = tpl.text("styles", "brief.css") + "\n" + tpl.text("site", "site.css")
    site.put("style.css", css.encode("utf-8"))
    used_images = {_edition_files(site, i) for i in range(len(editions))}
    index_page = _index(site)
    _archive(site, index_page)
    _feeds(site)
    return Plan(site.files, [e.month for e in editions], skipped, state, used_images)


def _edition_files(site: _Site, i: int) -> Path:
    """The page of the i-th edition and the files it links; its share image."""
    e, tpl, base = site.editions[i], site.tpl, site.base
    image = _share_image(
        _share_card(e, tpl, base), tpl.share_colours, site.settings.state_dir / SHARE_CACHE
    )
    d = e.dir
    site.put(d + "share.png", source=image)
    site.put(d + "brief.pdf", source=e.folder / built.PDF)
    site.put(d + "data/metrics.json", source=e.folder / built.METRICS)
    for c in e.charts:
        site.put(f"{d}charts/{c.svg}", source=c.path(e.folder, "svg"))
        site.put(f"{d}charts/{c.png}", source=c.path(e.folder, "png"))
        if c.narrow:  # the narrow variant phones are offered (<picture>)
            site.put(f"{d}charts/{c.narrow}", source=c.path(e.folder, "narrow"))
        site.put(f"{d}data/{c.csv}", source=c.path(e.folder, "csv"))
    page = {
        "title": f"{e.n.headline} — {e.brand}, {numbers.month_name(e.month)}",
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
        "brand": e.brand,
        "site": site.info,
        "page": page,
        "prev": site.editions[i - 1] if i > 0 else None,
        "next": site.editions[i + 1] if i + 1 < len(site.editions) else None,
    }
    site.put(d + "index.html", tpl.page("edition.html.j2", ctx))
    return image


def _index(site: _Site) -> dict[str, Any]:
    """index.html: the latest edition in full, then the ones before it; its page info."""
    latest, brand, base = site.newest[0], site.brand, site.base
    page = {
        "title": f"{brand}: {latest.n.headline}",
        "og_title": f"{brand}: {latest.n.headline}",
        "description": latest.n.lede,
        "url": base,
        "image": base + latest.dir + "share.png",
        "image_alt": _image_alt(latest),
        "type": "website",
        "root": "",
    }
    ctx = {
        **_edition_ctx(latest, latest.dir),
        "brand": latest.brand,
        "site": site.info,
        "page": page,
        "editions": site.newest,
    }
    site.put("index.html", site.tpl.page("index.html.j2", ctx))
    return page


def _archive(site: _Site, index_page: dict[str, Any]) -> None:
    """archive.html: every edition by year, newest first."""
    years: dict[str, list[SiteEdition]] = {}
    for e in site.newest:
        years.setdefault(e.month[:4], []).append(e)
    page = {
        **index_page,
        "title": f"All editions — {site.brand}",
        "og_title": f"{site.brand}: all editions",
        "description": site.tpl.description,
        "url": site.base + "archive.html",
    }
    ctx = {
        "brand": site.brand,
        "site": site.info,
        "page": page,
        "editions": site.newest,
        "years": list(years.items()),
    }
    site.put("archive.html", site.tpl.page("archive.html.j2", ctx))


def _feeds(site: _Site) -> None:
    """feed.xml (one entry per edition) and sitemap.xml, with absolute URLs."""
    base, state = site.base, site.state
    entries = []
    for e in site.newest:
        url, pdf = base + e.dir, base + e.dir + built.PDF
        dates = state["editions"][e.month]
        entries.append(
            feed.FeedEntry(
                title=f"{numbers.month_name(e.month)}: {e.n.headline}",
                url=url,
                pdf_url=pdf,
                pdf_length=(e.folder / built.PDF).stat().st_size,
                published=dates["published"],
                updated=dates["updated"],
                summary=e.n.lede + (" (Illustrative sample data.)" if e.sample else ""),
                content_html=feed.entry_html(
                    e.n.lede, [k.plain() for k in e.key_numbers], url, pdf, e.sample
                ),
            )
        )
    brand = site.brand
    atom = feed.atom(
        title=brand, subtitle=site.tpl.description, base_url=base, author=brand, entries=entries
    )
    site.put("feed.xml", atom)
    newest_update = max(d["updated"] for d in state["editions"].values())[:10]
    site.put(
        "sitemap.xml",
        feed.sitemap(
            [(base, newest_update), (base + "archive.html", newest_update)]
            + [(base + e.dir, state["editions"][e.month]["updated"][:10]) for e in site.newest]
        ),
    )


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
