"""`aibrief`: thin commands over the library (generator.pipeline). Errors: one line."""

from __future__ import annotations

import csv
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator import config as config_mod
from generator import numbers, pipeline
from generator.classify.exemptions import load_lists
from generator.errors import UserError

if TYPE_CHECKING:
    from generator.ops.schedule import Run

MONTH = re.compile(config_mod.MONTH_PATTERN)


class Context:
    def __init__(self, config_path: str | None, debug: bool) -> None:
        self.config_path = config_path
        self.debug = debug
        self._settings: config_mod.Settings | None = None

    @property
    def settings(self) -> config_mod.Settings:
        if self._settings is None:
            path, named = config_mod.config_path(self.config_path)
            if not named and not path.exists():
                # Defaults would write ./output/ wherever the user happens to stand.
                raise UserError(
                    f"no config.yaml in {Path.cwd()}: run aibrief in the project folder, "
                    f"or name the file with --config PATH (or {config_mod.ENV_VAR})"
                )
            self._settings = config_mod.load(self.config_path)
        return self._settings


def _month(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not MONTH.match(value):
        raise click.BadParameter(f"expected a month as YYYY-MM, got {value!r}")
    return value


def _say(msg: str) -> None:
    click.echo(msg, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    t0 = time.perf_counter()
    outcome = pipeline.refresh(obj.settings, source, dry_run=dry_run, first=first, last=last)
    if dry_run:
        click.echo(outcome.message)
        return
    _say_refresh(outcome, time.perf_counter() - t0, obj.settings)


def _say_refresh(outcome: pipeline.RefreshOutcome, seconds: float, s) -> None:
    if outcome.result is None:
        _say(outcome.message)
        return
    result = outcome.result
    written = sum(len(v) for v in result.written.values())
    how = "rebuilt" if result.rebuilt else "updated"
    calls = f", {outcome.calls} API calls" if outcome.plan is not None else ""
    fixed = f", {len(result.repaired)} repaired" if result.repaired else ""
    _say(
        f"warehouse {how}: {written} month files written, {result.unchanged} unchanged"
        f"{fixed}{calls} ({seconds:.1f}s) → {s.warehouse_dir}"
    )


@cli.command()
@click.option("--month", callback=_month, help="Edition month YYYY-MM (default: latest).")
@click.option("--out", type=click.Path(dir_okay=False), help="Write here instead.")
@click.pass_obj
def metrics(obj: Context, month: str | None, out: str | None) -> None:
    """Compute the metrics of an edition and write metrics.json."""
    s = obj.settings
    result = pipeline.compute_metrics(s, month)
    folder = pipeline.edition_dir(s, result.month)
    path = Path(out) if out else folder / "metrics.json"
    rendered = not out and (folder / "brief.html").exists() and path.exists()
    if rendered and path.read_text(encoding="utf-8") != pipeline.metrics_json(result):
        raise UserError(
            f"{folder} holds a brief built from its metrics.json; new metrics there would "
            "no longer match it: rebuild the edition with `aibrief render`, "
            "or write elsewhere with --out PATH"
        )
    pipeline.write_metrics(result, path)
    _say(f"metrics for {result.month} → {path}")


@cli.command()
@click.argument("codes", nargs=-1)
@click.option("--from-file", type=click.Path(exists=True, dir_okay=False), help="One code a line.")
@click.option("--export", "export", type=click.Path(dir_okay=False), help="Write a CSV here.")
@click.option(
    "--report",
    is_flag=True,
    help="List the largest codes in chapters 84, 85 and 90 classed low, for review.",
)
@click.option("--top", default=25, show_default=True, help="Rows in --report.")
@click.pass_obj
def classify(
    obj: Context,
    codes: tuple[str, ...],
    from_file: str | None,
    export: str | None,
    report: bool,
    top: int,
) -> None:
    """Why a code is (not) AI-related: tier, category, deciding rule, exemption lists."""
    s = obj.settings
    tax = pipeline.taxonomy(s)
    if report:
        _review_report(s, tax, top)
        return
    lists = load_lists(s.path(s.taxonomy.exemptions))
    todo = list(codes)
    if from_file:
        lines = Path(from_file).read_text(encoding="utf-8").splitlines()
        todo += [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]
    if not todo and export:
        from generator.data.warehouse import Warehouse

        wh = Warehouse(s.warehouse_dir)
        found: set[str] = set()
        for flow in ("imports", "exports"):
            found |= set(wh.read(flow, columns=["hs10"])["hs10"].astype(str).unique())
        todo = sorted(found)
    if not todo:
        raise UserError("give HS10 codes, --from-file FILE, or --export PATH")
    results = [tax.classify(c) for c in todo]
    if export:
        with open(export, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["hs10", "relevance", "category", "rule", "reason", "excluded", "source"])
            for c in results:
                w.writerow(
                    [
                        c.hs10,
                        c.tier,
                        c.category or "",
                        c.rule.prefix if c.rule else "",
                        c.rule.reason if c.rule else "",
                        "yes" if c.excluded else "no",
                        c.source,
                    ]
                )
        _say(f"{len(results)} codes classified → {export}")
        return
    for c in results:
        label = tax.label(c.category)
        head = f"{c.hs10}  relevance: {c.tier}"
        if label:
            head += f"  category: {label}"
        click.echo(head)
        if c.excluded:
            click.echo(
                f"  excluded: chapter {c.hs10[:2]} is left out of every total "
                "(taxonomy.exclude_chapters)"
            )
        if c.source == "published":
            click.echo(
                f"  decided by: published classification ({tax.published_path}:"
                f"{c.published_line}), which takes precedence over the rules"
            )
            rule = tax.rule_for(c.hs10)
            if rule:
                click.echo(
                    f"  our rule would say: {rule.tier}"
                    f"{' / ' + tax.label(rule.category) if rule.category else ''}"
                    f" ({rule.where}) — {rule.reason}"
                )
        elif c.rule:
            click.echo(f"  decided by: rule {c.rule.prefix} ({c.rule.where}) — {c.rule.reason}")
        else:
            click.echo(
                "  decided by: default — no rule matches; codes without a rule are low "
                "relevance (non-AI)"
            )
        for lst in lists:
            prefix = lst.prefix_for(c.hs10)
            if prefix is None:
                continue
            until = f" until {lst.end.isoformat()}" if lst.end else ""
            click.echo(
                f"  exemption: {lst.name} — listed as {prefix} ({lst.file}:"
                f"{lst.code_line(prefix)}); in force from {lst.effective.isoformat()}{until}"
            )
            click.echo(f"    source: {lst.source}")
            if lst.note:
                click.echo(f"    note: {lst.note}")


def _review_report(s: config_mod.Settings, tax, top: int) -> None:
    """Codes an editor should look at: big in the machinery and electronics chapters, yet
    classed low (not AI-related), by imports over the last 12 months in the warehouse."""
    from generator.data.warehouse import Warehouse

    wh = Warehouse(s.warehouse_dir)
    months = wh.common_months()[-12:]
    if not months:
        raise UserError("the warehouse is empty: run `aibrief refresh` first")
    imports = wh.read("imports", months, ["hs10", "value_con"])
    by_code = imports.groupby("hs10", observed=True)["value_con"].sum()
    by_code = by_code[by_code.index.str[:2].isin(["84", "85", "90"])]
    names = dict(
        zip(
            wh.reference("commodities")["hs10"],
            wh.reference("commodities")["description"],
            strict=False,
        )
    )
    rows = []
    for code, value in by_code.sort_values(ascending=False).items():
        c = tax.classify(str(code))
        if c.tier == "low" and not c.excluded:
            rows.append((str(code), value, c))
        if len(rows) == top:
            break
    click.echo(
        f"Largest codes in chapters 84, 85 and 90 classed low, imports {months[0]} … {months[-1]}:"
    )
    for code, value, c in rows:
        why = f"rule {c.rule.prefix}" if c.rule else c.source
        desc = str(names.get(code, ""))[:60]
        click.echo(f"  {code}  {numbers.money_short(value):>8}  {why:<12} {desc}")


def _report(result) -> None:
    parts = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    _say(f"edition {result.month}: {result.headline!r}")
    _say(f"  → {result.folder}/{', '.join(result.files)} ({parts})")


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
    site, and e-mail it when recipients are set up. Takes the run lock and is recorded
    in runs.jsonl like a scheduled run."""
    from generator.ops import schedule as sched

    s = obj.settings
    try:
        with sched.recorded_run(s, "manual", month, warn=_warn) as run_:
            _manual_run(s, run_, source, no_publish, no_send)
    except sched.RunInProgress as exc:  # the lock: no stage raises this
        raise UserError(f"another run is in progress ({exc.detail}); nothing was built") from None
    _say(f"aibrief run: {run_.note}")


def _warn(message: str) -> None:
    _say(f"aibrief: warning: {message}")


def _manual_run(
    s: config_mod.Settings, run_: Run, source: str | None, no_publish: bool, no_send: bool
) -> None:
    """The stages of `aibrief run`, each timed in the run log; sets the run's note."""
    from generator.brief import backfill, edition
    from generator.ops import schedule as sched

    if source or pipeline.needs_refresh(s):
        with run_.step("refresh"):
            t0 = time.perf_counter()
            _say_refresh(pipeline.refresh(s, source), time.perf_counter() - t0, s)
    with run_.step("check"):
        _require_checks(s)
    with run_.step("build"):
        result = edition.build(s, run_.month)
        run_.month = result.month
    _report(result)
    done = f"edition {result.month} built"
    if no_publish:
        done += "; not published: --no-publish"
        run_.complete = False
    else:
        from generator.outlets import site

        with run_.step("publish"):
            backfill.stamp(s, result.month)
            site.publish(s, month=result.month, say=_say)
        done += " and published"
    if no_send:
        run_.complete = False
        done += "; not sent: --no-send"
    elif not sched.email_configured(s):
        done += "; not sent: no recipients configured"
    else:
        with run_.step("send"):
            done += f"; {_send_for_run(s, result.month)}"
    run_.note = done


def _send_for_run(s: config_mod.Settings, month: str) -> str:
    """Send; each problem on its own line, then one error (the run is recorded failed)."""
    from generator.outlets import deliver

    report = deliver.send(s, month)
    for line in report.problems():
        _say(line)
    if not report.ok:
        raise UserError(f"send: {report.summary()}")
    return f"e-mail: {report.summary()}"


def _deliver(s: config_mod.Settings, month: str | None, **options: bool) -> None:
    """Send (or write the outbox), report one line per problem, exit 1 if any failed."""
    from generator.outlets import deliver

    report = deliver.send(s, month, **options)
    _say(report.summary())
    for line in report.problems():
        _say(line)
    if not report.ok:
        sys.exit(1)


@cli.command()
@click.option("--month", callback=_month, help="Edition month YYYY-MM (default: latest).")
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
    _report(edition.build(obj.settings, month, wanted))


@cli.command()
@click.option("--month", callback=_month, help="Edition month YYYY-MM (default: latest edition).")
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


def _last_run(runs: list[dict]) -> str:
    """The last run (or check) in one line: when, result, manual or scheduled, and what
    happened; for a failure the stage, the error and whether the alert went out."""
    ends = [r for r in runs if r.get("event") in ("end", "check")]
    if not ends:
        return "none"
    last = ends[-1]
    what = last.get("result")
    line = f"{last.get('at', '?')} {what}"
    if last.get("trigger"):
        line += f" ({last['trigger']})"
    if what == "failed":
        line += f" at {last.get('stage')}: {last.get('error')}"
        alerts = [r for r in runs if r.get("event") == "alert" and r.get("run") == last.get("run")]
        if alerts and alerts[-1].get("result") == "failed":
            line += f"; {alerts[-1].get('error')}"
    elif last.get("note"):
        line += f": {last['note']}"
    return line


@cli.command()
@click.pass_obj
def status(obj: Context) -> None:
    """Last run, next run, latest edition and data vintage."""
    from generator.data.warehouse import Warehouse
    from generator.ops import schedule as sched

    s = obj.settings
    click.echo(f"last run:        {_last_run(sched.read_runs(s.state_dir / 'runs.jsonl', _warn))}")
    try:
        nxt = sched.next_run(s)
    except sched.JobStoreError as exc:
        click.echo(
            f"next run:        unknown: {exc}; `aibrief schedule` sets it aside and recreates it"
        )
    else:
        click.echo(
            f"next run:        {nxt:%Y-%m-%d %H:%M %Z}"
            if nxt
            else "next run:        not scheduled (aibrief schedule not started)"
        )
    click.echo(f"latest edition:  {sched.latest_edition(s) or 'none'}")
    wh = Warehouse(s.warehouse_dir)
    if wh.exists():
        man = wh.manifest()
        months = wh.common_months()
        click.echo(
            f"data:            {man.get('source')}"
            f"{' (illustrative sample)' if man.get('sample') else ''}, "
            f"{months[0] if months else '-'} … {months[-1] if months else '-'}, "
            f"vintage {man.get('vintage')}"
        )
    else:
        click.echo("data:            no warehouse yet")


@cli.command()
@click.option("--month", callback=_month, help="Edition to bring up to date (default: latest).")
@click.option("--all", "all_months", is_flag=True, help="Backfill every edition, then publish.")
@click.option("--no-deploy", is_flag=True, help="Build the site; skip site.deploy_command.")
@click.pass_obj
def publish(obj: Context, month: str | None, all_months: bool, no_deploy: bool) -> None:
    """Build the static site (editions, archive, feed, data) and swap it in atomically."""
    from generator.brief import backfill
    from generator.outlets import site

    if month and all_months:
        raise UserError("--month and --all exclude each other")
    s = obj.settings
    months = backfill.default_months(s) if all_months else None
    site.publish(s, month=month, months=months, deploy_site=not no_deploy, say=_say)


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
    from generator.brief import backfill as backfill_mod
    from generator.outlets import site

    s = obj.settings
    months = backfill_mod.default_months(s, first, last)
    site.publish(s, months=months, workers=workers, deploy_site=not no_deploy, say=_say)


@cli.command()
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


@cli.command()
@click.pass_obj
def check(obj: Context) -> None:
    """Lint config, taxonomy, exemption lists, notes and every template (test-rendered
    against the latest metrics); one `file:line: message` per problem."""
    from generator.brief import checks

    report = checks.run_checks(obj.config_path)
    for line in report.problems:
        click.echo(line, err=True)
    for line in report.notes:
        _say(f"note: {line}")
    if not report.ok:
        raise UserError(f"{len(report.problems)} problem(s) found")
    _say(f"check: all good ({len(report.checked)} checks)")


def _require_checks(s: config_mod.Settings) -> None:
    """Nothing is built while a template, note or data file is broken."""
    from generator.brief import checks

    report = checks.run_checks(settings=s)
    if not report.ok:
        for line in report.problems[1:]:
            _say(line)
        raise UserError(f"checks failed: {report.problems[0]}")


@cli.command()
@click.option("--month", callback=_month, help="Edition month YYYY-MM (default: latest).")
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
    for command in cli.commands.values():
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
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
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
        _say(f"aibrief: error: {exc}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _say("aibrief: interrupted")
        sys.exit(130)
    except OSError as exc:
        if debug:
            raise
        _say(f"aibrief: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
        sys.exit(1)
