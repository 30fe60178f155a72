"""`aibrief`: thin commands over the flow and the stages. Errors: one line; messages and
progress through generator.report.

`aibrief --help`, `--version` and `status` must start fast, so this module imports no
heavy library (pandas, matplotlib, weasyprint, …) at its top: each command imports the
stages it needs when it runs (tests/test_cli_conventions.py checks this)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

import generator
from generator import config as config_mod
from generator import report
from generator.commands import Context, editors
from generator.commands import month as _month
from generator.errors import UserError

if TYPE_CHECKING:
    from generator.data.refresh import RefreshOutcome

_say = report.say  # every line to the user goes through the one reporting path
_warn = report.warn  # `aibrief: warning: …`


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """`aibrief --version`: `aibrief 0.1.0`, from the installed package's metadata."""
    if value and not ctx.resilient_parsing:
        click.echo(f"aibrief {generator.__version__}")
        ctx.exit(0)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,  # bare `aibrief`: the help, exit 0
)
@click.option(
    "--version",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_version,
    help="Show the version and exit.",
)
@click.option(
    "--config",
    "config_path",
    envvar=config_mod.ENV_VAR,
    type=click.Path(dir_okay=False),
    help="Config file (default ./config.yaml; env AIBRIEF_CONFIG).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, debug: bool) -> None:
    """AI Trade Brief: AI-related products in U.S. goods trade, every month."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())
        ctx.exit(0)
    ctx.obj = Context(config_path, debug)


@cli.command()
@click.option(
    "--source", type=click.Choice(["sample", "census", "files"]), help="Override data.source."
)
@click.option("--from", "first", callback=_month, help="Census: re-fetch from this month.")
@click.option("--to", "last", callback=_month, help="Census: up to this month.")
@click.option("--dry-run", is_flag=True, help="Print the request plan; call nothing else.")
@click.pass_obj
def refresh(
    obj: Context, source: str | None, first: str | None, last: str | None, dry_run: bool
) -> None:
    """Fetch trade data into the warehouse (incremental, idempotent, atomic)."""
    from generator.data.refresh import refresh as refresh_data

    t0 = time.perf_counter()
    outcome = refresh_data(obj.settings, source, dry_run=dry_run, first=first, last=last)
    if dry_run:
        click.echo(outcome.message)
        return
    _say_refresh(outcome, time.perf_counter() - t0, obj.settings)


def _say_refresh(outcome: RefreshOutcome, seconds: float, s: config_mod.Settings) -> None:
    _say(outcome.summary(seconds, s.warehouse_dir))


@cli.command()
@click.option("--month", callback=_month, help="Edition month (default: latest).")
@click.option("--out", type=click.Path(dir_okay=False), help="Write here instead.")
@click.pass_obj
def metrics(obj: Context, month: str | None, out: str | None) -> None:
    """Compute the metrics of an edition and write metrics.json."""
    from generator.analysis.document import compute_metrics, metrics_json, write_metrics
    from generator.brief.store import edition_dir

    s = obj.settings
    result = compute_metrics(s, month, previous=False)
    folder = edition_dir(s, result.month)
    path = Path(out) if out else folder / "metrics.json"
    rendered = not out and (folder / "brief.html").exists() and path.exists()
    if rendered and path.read_text(encoding="utf-8") != metrics_json(result):
        raise UserError(
            f"{folder} holds a brief built from its metrics.json; new metrics there would "
            "no longer match it: rebuild the edition with `aibrief render`, "
            "or write elsewhere with --out PATH"
        )
    write_metrics(result, path)
    _say(f"metrics for {result.month} → {path}")


@cli.command()
@click.argument("codes", nargs=-1)
@click.option("--from-file", type=click.Path(exists=True, dir_okay=False), help="One code a line.")
@click.option("--export", "export", type=click.Path(dir_okay=False), help="Write a CSV here.")
@click.option(
    "--report",
    "review_report",
    is_flag=True,
    help="List the largest codes in chapters 84, 85 and 90 classed low, and the dual-use "
    "rules, for review.",
)
@click.option("--top", default=25, show_default=True, help="Rows in --report.")
@click.pass_obj
def classify(
    obj: Context,
    codes: tuple[str, ...],
    from_file: str | None,
    export: str | None,
    review_report: bool,
    top: int,
) -> None:
    """Why a code is (not) AI-related: tier, category, deciding rule, exemption lists."""
    from generator.analysis import review
    from generator.classify import explain
    from generator.classify.exemptions import load_lists
    from generator.classify.taxonomy import for_settings

    s = obj.settings
    tax = for_settings(s)
    if review_report:
        for line in review.report(s, tax, top):
            click.echo(line)
        return
    lists = load_lists(s.path(s.taxonomy.exemptions))
    todo = list(codes)
    if from_file:
        lines = Path(from_file).read_text(encoding="utf-8").splitlines()
        todo += [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]
    if not todo and export:
        todo = review.warehouse_codes(s)
    if not todo:
        raise UserError("give HS10 codes, --from-file FILE, or --export PATH")
    results = [tax.classify(c) for c in todo]
    if export:
        n = explain.write_csv(results, Path(export))
        _say(f"{n} codes classified → {export}")
        return
    for c in results:
        for line in explain.explain(tax, c, lists):
            click.echo(line)


@cli.group()
def taxonomy() -> None:
    """Review the rules of taxonomy/ai_products.yaml against published work."""


@taxonomy.command("compare")
@click.argument("published", type=click.Path(exists=True, dir_okay=False))
@click.option("--top", default=20, show_default=True, help="Disagreements listed.")
@click.pass_obj
def taxonomy_compare(obj: Context, published: str, top: int) -> None:
    """Agreement of our rules with a published classification CSV: recall, precision,
    value share (warehouse's latest complete year), category agreement, and the largest
    disagreements with the rule that decided."""
    from generator.classify import compare

    agreement, tax = compare.compare_file(obj.settings, published, top)
    for line in compare.lines(agreement, tax):
        click.echo(line)


def _report(result) -> None:
    from generator import flow

    for line in flow.build_lines(result):
        _say(line)


@cli.command()
@click.option("--month", callback=_month, help="Edition month YYYY-MM (default: latest).")
@click.option(
    "--source", type=click.Choice(["sample", "census", "files"]), help="Override data.source."
)
@click.option("--no-publish", is_flag=True, help="Do not update the static site.")
@click.option("--no-send", is_flag=True, help="Do not e-mail the edition.")
@click.pass_obj
def run(
    obj: Context, month: str | None, source: str | None, no_publish: bool, no_send: bool
) -> None:
    """The monthly job: refresh when needed, build the edition (HTML + PDF), publish the
    site, and e-mail it when recipients are set up. The one flow a scheduled run takes
    too: the run lock, and the same records in runs.jsonl."""
    from generator import flow

    skip = {"publish": "--no-publish"} if no_publish else {}
    if no_send:
        skip["send"] = "--no-send"
    request = flow.RunRequest(month=month, source=source, skip=skip)
    try:
        done = flow.run(obj.settings, request, flow.Stages(say=_say), trigger="manual", warn=_warn)
    except flow.RunInProgress as exc:  # the lock: no stage raises this
        raise UserError(f"another run is in progress ({exc.detail}); nothing was built") from None
    _say(f"aibrief run: {done.note}")


def _deliver(s: config_mod.Settings, month: str | None, **options: bool) -> None:
    """Send (or write the outbox), report one line per problem, exit 1 if any failed."""
    from generator.outlets import deliver

    sent = deliver.send(s, month, **options)
    _say(sent.summary())
    for line in sent.problems():
        _say(line)
    if not sent.ok:
        sys.exit(1)


@cli.command()
@click.option("--month", callback=_month, help="Edition month (default: latest).")
@click.option(
    "--format",
    "formats",
    default="html,pdf",
    show_default=True,
    help="Comma-separated: html, pdf.",
)
@click.pass_obj
def render(obj: Context, month: str | None, formats: str) -> None:
    """Rebuild an edition from the warehouse as it is (no refresh). Formats left out are
    not kept from an earlier build: they would no longer match the metrics."""
    from generator.brief import edition

    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = set(wanted) - {"html", "pdf"}
    if unknown:
        raise UserError(f"--format: unknown format {sorted(unknown)[0]!r} (use html, pdf)")
    _report(edition.build(obj.settings, month, wanted, edition.chart_workers()))


@cli.command()
@click.option("--month", callback=_month, help="Edition month (default: latest edition).")
@click.option("--dry-run", is_flag=True, help="Write one .eml per recipient to output/outbox/.")
@click.option("--resend", is_flag=True, help="Send again to recipients who already have it.")
@click.pass_obj
def send(obj: Context, month: str | None, dry_run: bool, resend: bool) -> None:
    """E-mail the edition's PDF brief to each recipient once (ledger in output/state/)."""
    _deliver(obj.settings, month, dry_run=dry_run, resend=resend)


@cli.command()
@click.option("--once", is_flag=True, help="One check (and at most one run), then exit.")
@click.pass_obj
def schedule(obj: Context, once: bool) -> None:
    """The monthly run: a service on schedule.cron, or one tick with --once."""
    from generator.ops import schedule as sched

    s = obj.settings
    config_mod.check_schedule(s)  # a bad cron line or time zone stops before anything runs
    if not once:
        sched.serve(s, obj.config_path, _say)
        return
    result = sched.tick(s, warn=_warn)
    if result.status == "busy":
        _say(f"aibrief schedule: {result.error}; nothing to do")
    elif result.status == "nothing-new":
        _say(
            f"aibrief schedule: no month newer than the latest edition (newest out: "
            f"{result.month or 'none'})"
        )
    elif result.status in ("built", "revised"):
        _say(f"aibrief schedule: {result.note}")
    else:
        raise UserError(f"scheduled run failed: {result.error}")


@cli.command()
@click.pass_obj
def status(obj: Context) -> None:
    """Last run, next run, latest edition and data vintage."""
    from generator.ops import status as status_mod

    for line in status_mod.lines(obj.settings, _warn):
        click.echo(line)


@cli.command()
@click.option("--month", callback=_month, help="Edition to bring up to date (default: latest).")
@click.option("--all", "all_months", is_flag=True, help="Backfill every edition, then publish.")
@click.option("--no-deploy", is_flag=True, help="Build the site; skip site.deploy_command.")
@click.pass_obj
def publish(obj: Context, month: str | None, all_months: bool, no_deploy: bool) -> None:
    """Build the static site (editions, archive, feed, data) and swap it in atomically."""
    from generator import flow
    from generator.brief import backfill

    if month and all_months:
        raise UserError("--month and --all exclude each other")
    s = obj.settings
    months = backfill.default_months(s) if all_months else None
    flow.publish(s, month=month, months=months, deploy_site=not no_deploy, say=_say)


@cli.command()
@click.option("--from", "first", callback=_month, help="First month (default: January after "
              "metrics.base_year).")  # fmt: skip
@click.option("--to", "last", callback=_month, help="Last month (default: the latest).")
@click.option("--workers", type=click.IntRange(1, 32), default=2, show_default=True,
              help="Editions built in parallel processes.")  # fmt: skip
@click.option("--no-deploy", is_flag=True, help="Build the site; skip site.deploy_command.")
@click.pass_obj
def backfill(
    obj: Context, first: str | None, last: str | None, workers: int, no_deploy: bool
) -> None:
    """Re-render every edition from the current data (unchanged ones are skipped), then
    publish the site."""
    from generator import flow
    from generator.brief import backfill as backfill_mod

    s = obj.settings
    months = backfill_mod.default_months(s, first, last)
    flow.publish(s, months=months, workers=workers, deploy_site=not no_deploy, say=_say)


# The editors' commands (check, preview, review, serve) live in generator/commands/editors.py.
for _command in editors.COMMANDS:
    cli.add_command(_command)


def _late_global_option(ctx: click.Context, param: click.Parameter, value: object) -> None:
    """`aibrief status --config X --debug`: the group's options, given after the command."""
    obj = ctx.find_object(Context)
    if obj is None or value in (None, False):
        return
    if param.name == "config_path":
        obj.config_path = str(value)
        obj._settings = None
    else:
        obj.debug = True


def _accept_global_options_after_commands() -> None:
    """Every command also takes --config and --debug after its name, and every option
    that takes a month (callback `_month`) shows `YYYY-MM` in its help."""
    commands = list(cli.commands.values())
    commands += [s for c in commands if isinstance(c, click.Group) for s in c.commands.values()]
    for command in commands:
        for param in command.params:
            if isinstance(param, click.Option) and param.callback is _month:
                param.metavar = "YYYY-MM"
        command.params.append(
            click.Option(
                ["--config", "config_path"],
                type=click.Path(dir_okay=False),
                expose_value=False,
                callback=_late_global_option,
                help="Config file (as before the command).",
            )
        )
        command.params.append(
            click.Option(
                ["--debug"],
                is_flag=True,
                expose_value=False,
                callback=_late_global_option,
                help="Show tracebacks.",
            )
        )


_accept_global_options_after_commands()


def main(argv: list[str] | None = None) -> None:
    """The `aibrief` entry point: logging set up once, then the command; any error ends
    as one line on stderr (a traceback only with --debug)."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    report.configure(debug)
    # Arrow's own allocator keeps what a scan freed (≈ 35 MB of the metrics' peak at
    # scale 16 when they read Arrow; a refresh and a cold classification still load
    # pyarrow: benchmarks/README.md); the system's gives it back. Before pyarrow loads;
    # a value set in the environment wins.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    try:
        cli.main(args=argv, prog_name="aibrief", standalone_mode=False)
    except click.exceptions.Abort:
        _say("aibrief: interrupted")
        sys.exit(130)
    except click.ClickException as exc:
        _say(f"aibrief: error: {exc.format_message()}")
        sys.exit(exc.exit_code)
    except UserError as exc:
        if debug:
            raise
        for line in exc.lines:  # a file with several errors: each on its own line
            _say(f"aibrief: error: {line}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _say("aibrief: interrupted")
        sys.exit(130)
    except OSError as exc:
        if debug:
            raise
        _say(f"aibrief: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
        sys.exit(1)
