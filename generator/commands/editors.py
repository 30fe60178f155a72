"""The editors' commands: `check` (lint what an editor can break), `preview` (live page
while editing), `review` (the copy desk over built editions) and `serve` (browse the
site). cli.py adds them to the `aibrief` group; like every command, each imports the
stages it needs when it runs, so `aibrief --help` stays light."""

from __future__ import annotations

import click

from generator import report
from generator.commands import Context
from generator.commands import month as _month
from generator.errors import UserError

_say = report.say


@click.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.pass_obj
def serve(obj: Context, port: int, host: str) -> None:
    """Browse the built site locally (static files; Ctrl-C stops)."""
    from generator.outlets import site

    server = site.make_server(obj.settings.site_dir, host, port)
    bound_host, bound_port = server.server_address[:2]
    _say(f"serving {obj.settings.site_dir} at http://{bound_host}:{bound_port}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        _say("aibrief serve: stopped")
    finally:
        server.server_close()


@click.command()
@click.pass_obj
def check(obj: Context) -> None:
    """Lint config, taxonomy, exemption lists, notes and every template (test-rendered
    against the latest metrics); one `file:line: message` per problem."""
    from generator.outlets import checks

    lint = checks.run_checks(obj.config_path)
    for line in lint.problems:
        _say(line)
    for line in lint.notes:
        _say(f"note: {line}")
    if not lint.ok:
        raise UserError(f"{len(lint.problems)} problem(s) found")
    _say(f"check: all good ({len(lint.checked)} checks)")


@click.command()
@click.option("--month", callback=_month, help="Edition month (default: latest).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.pass_obj
def preview(obj: Context, month: str | None, port: int) -> None:
    """Preview an edition while editing: a page on 127.0.0.1 that renders again and
    reloads when a template, the month's note or the config changes (Ctrl-C stops)."""
    from generator.outlets import preview as preview_mod

    server = preview_mod.PreviewServer(obj.settings, month, port=port, say=_say)
    _say(f"rendering {server.month} into {server.folder} …")
    server.start()
    _say(f"previewing {server.month} at {server.url} (Ctrl-C stops)")
    try:
        server.wait()
    except KeyboardInterrupt:
        _say("aibrief preview: stopped")
    finally:
        server.stop()


@click.command()
@click.option("--month", callback=_month, help="Edition to review (default: the latest).")
@click.option(
    "--all", "all_months", is_flag=True, help="Every edition, and the measures across them."
)
@click.pass_obj
def review(obj: Context, month: str | None, all_months: bool) -> None:
    """The copy desk over built editions: headline repeats, sentences carried over from the
    previous edition, sentences too long or with too many numbers, chart titles against
    their data. One line per finding on stdout; exit status 1 when there is any. It reads
    editions only and never stops `aibrief run`."""
    from generator.brief import copydesk

    if month and all_months:
        raise UserError("--month and --all exclude each other")
    desk = copydesk.review_settings(obj.settings, month=month, all_months=all_months)
    for line in desk.lines():
        click.echo(line)
    if desk.findings:
        raise UserError(f"review: {desk.summary()}")
    _say(f"review: clean ({desk.summary()})")


COMMANDS = (check, preview, review, serve)
