"""`aibrief check`: everything an editor or operator can break, checked before anything
ships — config, taxonomy, exemption lists, notes, and every template parsed and
test-rendered against the latest metrics with undefined variables as errors.

Each problem is one line `file:line: message`; the whole list is reported, not just the
first. `aibrief run` and the scheduler run these checks before building.

These are the brief's checks; the outlets add theirs (the e-mail templates rendered from
the latest BuiltEdition) through `extra`: generator.outlets.checks.run_checks is the
whole `aibrief check`. Imports run downward, so nothing here imports an outlet."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from generator import config as config_mod
from generator import templating
from generator.errors import UserError, located

TEMPLATE_SUFFIXES = (".j2", ".html", ".txt")


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be checked, and why

    @property
    def ok(self) -> bool:
        return not self.problems

    def attempt(self, what: str, fn: Callable[[], Any]) -> Any:
        """Run one check; a UserError (already `file:line: message`) becomes a problem."""
        try:
            result = fn()
        except UserError as exc:
            self.problems.extend(exc.lines)  # a file with several errors: one line each
            return None
        except Exception as exc:  # noqa: BLE001 - a crash in a check is a finding too
            self.problems.append(f"{what}: {type(exc).__name__}: {exc}")
            return None
        self.checked.append(what)
        return result


Check = Callable[[config_mod.Settings, "Report"], None]


def run_checks(
    config_path: str | None = None,
    settings: config_mod.Settings | None = None,
    extra: Sequence[Check] = (),
) -> Report:
    """Every check; `extra` (the outlets' checks) run once the brief's templates have
    rendered against real metrics."""
    report = Report()
    if settings is None:
        settings = report.attempt("config", lambda: config_mod.load(config_path))
        if settings is None:
            return report  # nothing else can be found without a valid config
    else:
        report.checked.append("config")
    report.attempt("schedule", lambda: config_mod.check_schedule(settings))
    _check_data_files(settings, report)
    _check_notes(settings, report)
    _parse_templates(settings, report)
    _check_pdf_references(settings, report, _render_templates(settings, report, extra))
    return report


def _check_data_files(settings: config_mod.Settings, report: Report) -> None:
    from generator.classify.exemptions import load_lists
    from generator.classify.policy import load_policy
    from generator.classify.taxonomy import for_settings

    report.attempt("taxonomy", lambda: for_settings(settings))
    report.attempt(
        "exemption lists", lambda: load_lists(settings.path(settings.taxonomy.exemptions))
    )
    report.attempt("policy calendar", lambda: load_policy(settings.path(settings.taxonomy.policy)))


def _check_notes(settings: config_mod.Settings, report: Report) -> None:
    from generator.brief import notes

    for path in notes.all_notes(settings.path(settings.templates.notes)):
        if not _month_name(path.stem):
            report.problems.append(
                f"{located(path, None)}: note files are named YYYY-MM.md (e.g. 2025-12.md)"
            )
            continue
        report.attempt(f"note {path.name}", lambda p=path: notes.load(p))


def _month_name(stem: str) -> bool:
    import re

    return bool(re.fullmatch(config_mod.MONTH_PATTERN, stem))


def _parse_templates(settings: config_mod.Settings, report: Report) -> None:
    """Every template file along the chain parses (syntax errors with file and line)."""
    env = templating.environment()
    for d in settings.template_dirs:
        if not d.is_dir():
            if d != settings.template_dirs[-1]:
                report.problems.append(f"{d}: templates.overrides folder does not exist")
            continue
        for path in sorted(d.rglob("*")):
            if not path.is_file() or path.suffix not in TEMPLATE_SUFFIXES:
                continue
            try:
                env.parse(path.read_text(encoding="utf-8"), name=path.name, filename=str(path))
            except jinja2.TemplateSyntaxError as exc:
                report.problems.append(
                    f"{located(path, exc.lineno)}: template syntax error: {exc.message}"
                )
            except UnicodeDecodeError:
                report.problems.append(f"{path}: not UTF-8 text")


def latest_metrics(settings: config_mod.Settings) -> dict[str, Any] | None:
    """The newest edition's metrics, or fresh ones from the warehouse."""
    from generator.analysis.document import compute_metrics
    from generator.brief import store
    from generator.data.warehouse import Warehouse

    months = store.edition_months(settings, having="metrics.json")
    if months:
        path = store.edition_dir(settings, months[-1]) / "metrics.json"
        return json.loads(path.read_text(encoding="utf-8"))
    if Warehouse(settings.warehouse_dir).exists():
        return compute_metrics(settings, previous=False).doc
    return None


def _render_templates(
    settings: config_mod.Settings, report: Report, extra: Sequence[Check] = ()
) -> str | None:
    """Render narrative, charts, the page and the print version against real metrics;
    every fact's texts are rendered, used or not (narrative.write does that). The print
    page, when it rendered."""
    from generator.brief import charts, narrative, render

    doc = report.attempt("latest metrics", lambda: latest_metrics(settings))
    if doc is None:
        report.notes.append(
            "no metrics yet (run `aibrief refresh`): templates were parsed, not rendered"
        )
        return None
    n = report.attempt("narrative templates", lambda: narrative.for_edition(settings, doc))
    with tempfile.TemporaryDirectory() as tmp:
        made = report.attempt(
            "chart style",
            lambda: charts.make_charts(
                doc, Path(tmp), templating.subdirs(settings.template_dirs, "styles")
            ),
        )
        if n is None or made is None:
            return None
        views = [
            render.ChartView.of(c, f"charts/{Path(c.svg).name}", f"charts/{Path(c.csv).name}")
            for c in made
        ]
        pages = report.attempt(
            "brief templates",
            lambda: render.render_html(doc, n, views, settings.template_dirs, (views, "m.json")),
        )
    for check in extra:
        check(settings, report)
    return pages[1] if pages else None


def _check_pdf_references(
    settings: config_mod.Settings, report: Report, print_page: str | None
) -> None:
    """What the PDF renderer would refuse to read (pdfguard): each URL written in the
    templates that make the PDF, with its file and line; then those the rendered print
    page adds (computed by a template), located by searching the templates."""
    from generator.brief import pdfguard, render

    dirs = settings.template_dirs
    sources = pdfguard.Sources.of(settings.editions_dir / "YYYY-MM", dirs, render.font_files())
    found = pdfguard.template_problems(dirs, sources)
    seen = {url for _, url in found}
    if print_page is not None:
        found += [p for p in pdfguard.page_problems(print_page, dirs, sources) if p[1] not in seen]
    report.problems += [problem for problem, _ in found]
    report.checked.append("PDF references")
