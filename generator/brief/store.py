"""Where editions live: `output/editions/YYYY-MM/`, which months have one, and the
repair of what a killed build or swap left beside them.

Every command that lists or builds editions calls `recover_all` first (through
`edition_months`, or the build), so no command ever sees a month missing because a
swap was interrupted, and folders of dead builds do not pile up."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from generator import fsutil
from generator.config import MONTH_PATTERN, Settings

# A build takes minutes at most: a staging folder untouched for this long is abandoned,
# even if a process with its owner's pid is still alive (pids are reused).
STALE_AFTER = 6 * 3600
# Hidden folders beside the editions that belong to one (staging, set aside).
_LEFTOVER = re.compile(r"^\.(\d{4}-\d{2})\.")


def edition_dir(settings: Settings, month: str) -> Path:
    return settings.editions_dir / month


def edition_months(settings: Settings, having: str | None = None) -> list[str]:
    """Months with an edition folder (oldest first), optionally holding the file `having`.
    Staging folders (.YYYY-MM.*) and anything not named YYYY-MM are not editions."""
    root = settings.editions_dir
    if not root.is_dir():
        return []
    recover_all(root)  # an edition a killed swap set aside is listed again
    month = re.compile(MONTH_PATTERN)
    return sorted(
        p.name
        for p in root.iterdir()
        if p.is_dir() and month.match(p.name) and (having is None or (p / having).is_file())
    )


def recover_all(root: Path) -> None:
    """Before editions are listed or built: put back every edition a killed swap set
    aside, and remove what killed builds left (their owner is gone, or it is older than
    STALE_AFTER), so no command ever sees a month missing or collects stale folders."""
    if not root.is_dir():
        return
    months = {m.group(1) for p in root.iterdir() if (m := _LEFTOVER.match(p.name))}
    for month in sorted(months):
        fsutil.recover(root / month)
    oldest = time.time() - STALE_AFTER
    for p in root.iterdir():
        found = _LEFTOVER.match(p.name)
        if not found or p.is_symlink() or not p.is_dir():
            continue
        rest = p.name[found.end() :]
        if rest == fsutil.OLD or rest.startswith(f"{fsutil.OLD}-"):
            continue  # set aside by a swap: fsutil.recover decides, under its lock
        try:
            stale = p.stat().st_mtime < oldest
        except FileNotFoundError:  # another process removed it meanwhile
            continue
        if stale:
            shutil.rmtree(p, ignore_errors=True)
