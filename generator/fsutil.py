"""The file-system primitives every stage shares: one way to write a file, one way to
replace a folder, one lock, one clock.

write_atomic(path, data)   write beside the target, fsync, rename: old or new, never half
swap_in(staging, target)   put a fully built folder in target's place (see below)
recover(target)            undo what a swap killed half-way left behind
lock(path)                 one process at a time, with the holder named (see below)
now_utc(), sha256(data)    the timestamp and checksum formats of manifests and ledgers

**Swap.** On Linux both folders are exchanged in one atomic `renameat2(RENAME_EXCHANGE)`;
elsewhere (or on a file system without it) target is first renamed aside to
`.<name>.old-<pid>`, then staging into its place. A kill between those two renames
leaves no target: `recover(target)`, run before the folder is next used, renames the
folder set aside back. Leftovers (folders set aside, and staging folders made by
`make_staging` whose process is gone) are removed by the next `recover`; a live
process's staging is kept. The rename window and `recover` hold the lock
`.<name>.lock` beside target, so `recover` never mistakes a swap in progress in another
process for a crash. The site, the editions and the warehouse all swap this way.

**Lock.** A lock file appears with its owner (pid, host, boot, start time) in one step,
a hard link of a finished file, so it is never seen half-written and a refusal can say
who holds it. A lock whose process is gone (same host), whose host has booted since
(after an unclean shutdown its pid may now be another process's), or older than
`stale_after`, is taken over; one whose content cannot be read counts as held until it
is that old.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import math
import os
import re
import shutil
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator.errors import UserError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()
DIR_MODE = 0o777 & ~_umask()

STAGING = "staging"
OLD = "old"
LOCK = "lock"
STALE_AFTER = 6 * 3600.0  # a lock older than this is stale even if its pid lives
SWAP_WAIT = 120.0  # seconds a swap waits for another process's swap of the same folder
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


# ---- clocks and checksums -----------------------------------------------------------------


def now_utc() -> str:
    """The time now as `YYYY-MM-DDTHH:MM:SSZ`, the one format of every record we write."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---- files --------------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target, fsync, then rename: readers see old or new, never half."""
    with atomic_target(path) as temp:
        temp.write_bytes(data)


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """An empty file beside `path` for a writer to fill (`write_atomic`, or DuckDB's
    COPY); on a clean exit it is given FILE_MODE, fsynced and renamed onto `path`, so
    readers see the old file or the new one, never half; on any error it is removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, FILE_MODE)  # mkstemp's 0600 (or the writer's own file's mode)
        fd = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


# ---- the one lock -------------------------------------------------------------------------


class LockHeld(UserError):
    """Another process (or thread) holds a lock; `detail` says who, or why it counts as
    held. The message is the caller's `busy` text, else one naming the lock."""

    def __init__(self, path: Path, detail: str, busy: str | None = None) -> None:
        self.path = path
        self.detail = detail
        super().__init__(busy or f"{path} is in use ({detail})")


@contextlib.contextmanager
def lock(
    path: Path,
    *,
    busy: str | None = None,
    wait: float = 0.0,
    stale_after: float = STALE_AFTER,
) -> Iterator[None]:
    """Hold the lock file `path` for the body; LockHeld(busy) when another holder has it
    after `wait` seconds. Released on every exit, unless it was taken over meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    me = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "boot": boot_id(),
        "since": time.time(),
        "token": uuid.uuid4().hex,  # two holders in one process differ too
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{me['token'][:8]}")
    with open(tmp, "w", encoding="utf-8") as f:  # on disk before it becomes the lock,
        f.write(json.dumps(me))  # so a power cut cannot leave an empty, "held" lock
        f.flush()
        os.fsync(f.fileno())
    try:
        _take(path, tmp, me, busy, time.monotonic() + wait, stale_after)
    finally:
        tmp.unlink(missing_ok=True)
    try:
        yield
    finally:
        _release(path, me)


def _take(
    path: Path, tmp: Path, me: dict[str, Any], busy: str | None, deadline: float, stale: float
) -> None:
    delay, retries = 0.005, 0
    while True:
        try:
            os.link(tmp, path)
            return
        except FileExistsError:
            pass
        try:
            raw = _read(path)
            since = path.stat().st_mtime
        except FileNotFoundError:
            retries += 1
            if retries > 20:
                raise LockHeld(path, f"could not take the lock {path}", busy) from None
            continue  # released meanwhile: try again
        other = _owner(raw)
        since = other["since"] if other else since
        dead = (
            bool(other)
            and other["host"] == me["host"]
            and _gone(other["pid"], other.get("boot", ""), me["boot"])
        )
        if dead or time.time() - since > stale:
            _break(path, raw)
            retries += 1
            continue
        if time.monotonic() >= deadline or retries > 20:
            raise LockHeld(path, _who(path, other, since, stale), busy)
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _who(path: Path, other: dict[str, Any] | None, since: float, stale: float) -> str:
    when = f"{datetime.fromtimestamp(since, UTC):%Y-%m-%d %H:%M} UTC"
    if other is None:
        return (
            f"lock {path} is unreadable, last written {when}; it counts as held until "
            f"it is {stale / 3600:g} hours old: delete it if no aibrief process is using it"
        )
    return f"pid {other['pid']} on {other['host']}, since {when}"


def _break(path: Path, raw: bytes) -> None:
    """Remove a stale lock, but not one that replaced it since it was read: it is first
    renamed to a name of our own, then checked, and put back when it is another."""
    grave = path.with_name(f".{path.name}.stale-{uuid.uuid4().hex[:8]}")
    try:
        os.rename(path, grave)
    except FileNotFoundError:
        return
    try:
        if _read(grave) != raw:
            with contextlib.suppress(FileExistsError):
                os.link(grave, path)
    finally:
        grave.unlink(missing_ok=True)


def _read(path: Path) -> bytes:
    """A lock file's bytes; none when it cannot be read (it then counts as unreadable)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError:
        return b""


def _release(path: Path, me: dict[str, Any]) -> None:
    """Remove our lock, but not one that took ours over as stale meanwhile."""
    with contextlib.suppress(FileNotFoundError):
        if _owner(_read(path)) == me:
            path.unlink()


def _owner(raw: bytes) -> dict[str, Any] | None:
    """The owner a lock file names, or None when its content is not a valid owner (a
    lock damaged by a crash or a full disk)."""
    try:
        doc = json.loads(raw.decode("utf-8"))
        owner = {"pid": int(doc["pid"]), "host": str(doc["host"]), "since": float(doc["since"])}
        for key in ("boot", "token"):  # locks written before `boot` lack it
            if key in doc:
                owner[key] = str(doc[key])
    except (ValueError, TypeError, KeyError, OverflowError):
        return None
    if not 0 < owner["pid"] < 2**31 or not math.isfinite(owner["since"]):
        return None
    return owner


BOOT_ID = Path("/proc/sys/kernel/random/boot_id")  # Linux: new at every boot


def boot_id() -> str:
    """This host's current boot ("" where the system does not say)."""
    try:
        return BOOT_ID.read_text(encoding="ascii").strip()
    except OSError:
        return ""


def _gone(pid: int | None, then: str, now: str) -> bool:
    """A holder on this host (of a lock, of a staging folder) is gone when its process
    is, or when it started in an earlier boot (`then`, against this boot `now`; either
    "" when unknown): after a reboot its pid can belong to any process."""
    return bool(then and now and then != now) or not _alive(pid)


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


# ---- replacing a folder as a whole --------------------------------------------------------


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
    boot = _boot_tag()
    prefix = f".{target.name}.{STAGING}-{os.getpid()}-" + (f"b{boot}-" if boot else "")
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    os.chmod(staging, DIR_MODE)
    return staging


def _swap_lock(target: Path) -> contextlib.AbstractContextManager[None]:
    """The lock of target's swaps: held only for a few renames, so others wait for it."""
    path = target.with_name(f".{target.name}.{LOCK}")
    return lock(path, busy=f"{target}: another process is replacing it", wait=SWAP_WAIT)


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

    Safe to call at any time, from any process: under the swap lock no swap is half
    done, so a missing target with a folder set aside can only be a crash. With no
    leftover at all there is nothing to decide, and no lock is taken."""
    if not any(kind == OLD or _dead(p, pid) for p, kind, pid in _leftovers(target)):
        return
    with _swap_lock(target):
        if not target.exists():
            olds = [p for p, kind, _pid in _leftovers(target) if kind == OLD]
            if olds:
                os.replace(max(olds, key=lambda p: p.stat().st_ctime), target)
        for p, kind, pid in _leftovers(target):
            if kind == OLD or _dead(p, pid):  # a live process's staging is in use
                shutil.rmtree(p, ignore_errors=True)


_BOOT_TAG = re.compile(r"-b([0-9a-f]{8})-")


def _boot_tag() -> str:
    """The first 8 hex digits of this boot's id, named in a staging folder ("" unknown)."""
    tag = boot_id().replace("-", "")[:8].lower()
    return tag if re.fullmatch(r"[0-9a-f]{8}", tag) else ""


def _dead(folder: Path, pid: int | None) -> bool:
    """A staging folder's holder is gone (`_gone`), by the boot its name records, not by
    its age: a clock set forward after boot must not make a live process's folder old."""
    match = _BOOT_TAG.search(folder.name)
    return _gone(pid, match.group(1) if match else "", _boot_tag())


def swap_in(staging: Path, target: Path) -> None:
    """Atomically replace folder target with folder staging (same parent folder).

    Recovers an earlier interrupted swap first. The previous tree is removed last; on an
    exception before the swap, target is left as it was (staging is the caller's)."""
    recover(target)
    with _swap_lock(target):
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
