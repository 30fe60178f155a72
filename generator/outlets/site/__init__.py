"""Publishing: the static site with an archive, a feed and the data, built atomically.

Library API (the CLI commands `publish`, `backfill` and `serve` are thin layers over it):

  publish(settings, month=…, months=…)  bring editions up to date (backfill), build the
                                        site, run site.deploy_command; under one lock
  build(settings)                       the site alone, from the editions folder
  deploy(settings)                      run site.deploy_command in the site folder
  make_server(folder, host, port)       a local HTTP server over the built site: regular
                                        files below it only, no symlink followed, no
                                        listings (generator.outlets.site.serve)
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator import fsutil
from generator.brief import backfill
from generator.config import Settings
from generator.data.refresh import latest_month
from generator.errors import UserError
from generator.outlets.site.build import SiteResult
from generator.outlets.site.build import build as _build
from generator.outlets.site.serve import Handler

__all__ = [
    "DEPLOY_ENV",
    "DeployResult",
    "PublishResult",
    "SiteResult",
    "build",
    "deploy",
    "lock",
    "make_server",
    "publish",
]

LOCK_FILE = "publish.lock"
# The deploy command runs with the site folder as its working directory, and these:
DEPLOY_ENV = ("AIBRIEF_SITE_DIR", "AIBRIEF_SITE_URL")
Say = Callable[[str], None]


@dataclass
class DeployResult:
    command: str
    seconds: float


@dataclass
class PublishResult:
    editions: backfill.BackfillResult
    site: SiteResult
    deployed: DeployResult | None = None


def lock(settings: Settings) -> contextlib.AbstractContextManager[None]:
    """One publish at a time per output folder (an advisory lock in output/state/)."""
    path = settings.state_dir / LOCK_FILE
    return fsutil.lock(path, busy=f"another publish is running (lock {path})")


def build(settings: Settings, now: str | None = None) -> SiteResult:
    """Build the site from the editions as they are; write nothing if it is unchanged."""
    with lock(settings):
        return _build(settings, now)


def deploy(settings: Settings) -> DeployResult | None:
    """Run site.deploy_command (a shell command) in the site folder, with the folder and
    the base URL in AIBRIEF_SITE_DIR and AIBRIEF_SITE_URL. Its failure is one line."""
    command = settings.site.deploy_command
    if not command:
        return None
    folder = settings.site_dir
    if not folder.is_dir():
        raise UserError(f"no site at {folder} to deploy: run `aibrief publish` first")
    # The deploy command gets no e-mail credentials: it has no use for them, and its
    # error output lands in the run log and alerts.
    hidden = {settings.email.smtp.username_env, settings.email.smtp.password_env}
    env = {
        **{k: v for k, v in os.environ.items() if k not in hidden},
        "AIBRIEF_SITE_DIR": str(folder),
        "AIBRIEF_SITE_URL": settings.site.base_url,
    }
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            command, shell=True, cwd=folder, env=env, capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise UserError(f"deploy command could not start: {exc}") from None
    if proc.returncode != 0:
        lines = [ln.strip() for ln in (proc.stderr or proc.stdout or "").splitlines() if ln.strip()]
        why = f": {lines[-1]}" if lines else ""
        raise UserError(
            f"site built, but the deploy command failed (exit status {proc.returncode}){why}"
        )
    return DeployResult(command, time.perf_counter() - t0)


def publish(
    settings: Settings,
    *,
    month: str | None = None,
    months: list[str] | None = None,
    workers: int = 2,
    deploy_site: bool = True,
    say: Say | None = None,
    now: str | None = None,
    just_built: bool = False,
) -> PublishResult:
    """Editions up to date (`months`, or just `month`, default the latest), then the
    site, then the deploy command. Nothing is swapped in unless every edition built.
    `just_built`: the caller built the edition and said so (`aibrief run`), so an
    edition found up to date needs no line of its own."""
    say = say or (lambda _m: None)
    with lock(settings):
        wanted = months if months is not None else [month or latest_month(settings)]
        editions = backfill.run(settings, wanted, workers=workers, say=say)
        if not (just_built and editions.count("skipped") == len(editions.outcomes)):
            say(editions.summary())
        site = _build(settings, now)
        for m, why in site.skipped:
            # backfill counts a linked file as present: it must go before a rebuild
            fix = "delete the link, then rebuild" if "symbolic link" in why else "rebuild"
            say(f"site: edition {m} left out ({why}); {fix} it with --month {m}")
        for rel in site.commit.dropped:
            say(f"site: {rel} in the previous site was a symbolic link or special file; left out")
        say(f"{site.summary()} → {site.folder}")
        deployed = deploy(settings) if deploy_site else None
        if deployed:
            say(f"deployed with `{deployed.command}` ({deployed.seconds:.1f}s)")
    return PublishResult(editions, site, deployed)


def make_server(
    folder: Path, host: str = "127.0.0.1", port: int = 8000
) -> http.server.ThreadingHTTPServer:
    """An HTTP server over the built site (static files only). Port 0 picks a free one."""
    if not (folder / "index.html").is_file():
        raise UserError(f"no site at {folder} yet: run `aibrief publish` first")
    handler = functools.partial(Handler, directory=str(folder))
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise UserError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
