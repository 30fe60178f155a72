"""`aibrief check` as a whole: the brief's checks (generator.brief.checks) and the
outlets' own, the e-mail templates rendered with the latest built edition's words, as
`aibrief send` will render them. The brief sits below the outlets, so the outlets hand
their checks down (`extra`) rather than the brief reaching up for them."""

from __future__ import annotations

from generator import config as config_mod
from generator.brief import built
from generator.brief.checks import Report
from generator.brief.checks import run_checks as brief_checks
from generator.outlets import deliver, mail

__all__ = ["Report", "run_checks"]


def run_checks(
    config_path: str | None = None, settings: config_mod.Settings | None = None
) -> Report:
    """Every check `aibrief check`, `aibrief run` and the scheduler perform first."""
    return brief_checks(config_path, settings, extra=(check_email,))


def check_email(settings: config_mod.Settings, report: Report) -> None:
    """The e-mail templates, rendered with the latest edition as built. An edition built
    by an earlier version (no narrative.json yet) is no problem of the templates: it is
    rebuilt by the next publish, and the e-mail is checked then."""
    months = mail.edition_months(settings)
    if not months:
        report.notes.append("no edition yet: e-mail templates were parsed, not rendered")
        return
    folder = settings.editions_dir / months[-1]
    if not (folder / built.NARRATIVE).is_file() or not (folder / built.BRAND).is_file():
        report.notes.append(
            f"the latest edition ({months[-1]}) was built by an earlier version: e-mail "
            "templates will render with the next build"
        )
        return

    def render_mail() -> None:
        edition = mail.load_edition(settings, None)
        mail.render_content(settings, edition, deliver.sender(settings))

    report.attempt("e-mail templates", render_mail)
