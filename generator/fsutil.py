"""Replace a folder as a whole, so that a crash at any moment leaves the old or the new one.

`swap_in(staging, target)` puts a fully built folder in target's place. On Linux both
folders are exchanged in one atomic `renameat2(RENAME_EXCHANGE)`; elsewhere (or on a
file system without it) target is first renamed aside to `.<name>.old-<pid>`, then
staging into its place. A kill between those two renames leaves no target:
`recover(target)`, run before the folder is next used, renames the folder set aside
back. Leftovers (folders set aside, and staging folders made by `make_staging` whose
process is gone) are removed by the next `recover`; a live process's staging is kept.

The rename window and `recover` hold an flock on the parent folder, so `recover` never
mistakes a swap in progress in another process for a crash.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()
DIR_MODE = 0o777 & ~_umask()

STAGING = "staging"
OLD = "old"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def make_staging(target: Path) -> Path:
    """A new empty folder beside target, named so that `recover` knows whose it is."""
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.name}.{STAGING}-{os.getpid()}-"
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    os.chmod(staging, DIR_MODE)
    return staging


@contextlib.contextmanager
def _parent_lock(target: Path) -> Iterator[None]:
    """Hold an flock on target's parent folder (released by the kernel if we die)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    try:
        fd = os.open(target.parent, os.O_RDONLY)
    except OSError:  # no parent folder: nothing to swap or recover there
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _leftovers(target: Path) -> list[tuple[Path, str, int | None]]:
    """(folder, kind, pid) of the staging and set-aside folders beside target.

    Also knows `.<name>.old` without a pid, as earlier versions named it."""
    pattern = re.compile(
        rf"^\.{re.escape(target.name)}\.({STAGING}|{OLD})(?:-(\d+))?(?:-.*)?$",
    )
    out: list[tuple[Path, str, int | None]] = []
    if not target.parent.is_dir():
        return out
    for p in target.parent.iterdir():
        match = pattern.match(p.name)
        if match and p.is_dir() and not p.is_symlink():
            pid = int(match.group(2)) if match.group(2) else None
            out.append((p, match.group(1), pid))
    return out


def recover(target: Path) -> None:
    """Put back a folder an interrupted swap set aside; drop leftovers of dead processes.

    Safe to call at any time, from any process: under the parent lock no swap is half
    done, so a missing target with a folder set aside can only be a crash."""
    with _parent_lock(target):
        if not target.exists():
            olds = [p for p, kind, _pid in _leftovers(target) if kind == OLD]
            if olds:
                os.replace(max(olds, key=lambda p: p.stat().st_ctime), target)
        for p, kind, pid in _leftovers(target):
            if kind == OLD or not _alive(pid):  # a live process's staging is in use
                shutil.rmtree(p, ignore_errors=True)


def swap_in(staging: Path, target: Path) -> None:
    """Atomically replace folder target with folder staging (same parent folder).

    Recovers an earlier interrupted swap first. The previous tree is removed last; on an
    exception before the swap, target is left as it was (staging is the caller's)."""
    recover(target)
    with _parent_lock(target):
        if not target.exists():
            os.replace(staging, target)
            return
        if exchange(staging, target):
            aside = staging  # now holds the previous tree
        else:
            aside = target.with_name(f".{target.name}.{OLD}-{os.getpid()}")
            shutil.rmtree(aside, ignore_errors=True)
            os.replace(target, aside)  # killed here: recover() puts it back
            try:
                os.replace(staging, target)
            except BaseException:
                os.replace(aside, target)
                raise
    shutil.rmtree(aside, ignore_errors=True)
