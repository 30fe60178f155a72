"""Open files below a folder without following a symbolic link anywhere on the way.

The site is built from the editions folder and served from the site folder; a symlink
planted in either must not bring an outside file into the site, or out over HTTP.
Each component of a path is opened relative to its parent's descriptor with
O_NOFOLLOW, so the file that was checked is the file that is read (no gap between a
check and its use). The root itself may be a symlink: the operator chose it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a planted FIFO must not block the open


class Unsafe(Exception):
    """root/rel is missing, or cannot be reached as a regular file without a symlink."""

    def __init__(self, reason: str, *, missing: bool = False) -> None:
        self.reason = reason
        self.missing = missing
        super().__init__(reason)


def parts_of(rel: str) -> list[str]:
    """The components of a plain relative POSIX path (no empty, `.` or `..` part)."""
    parts = rel.split("/")
    if not rel or any(p in ("", ".", "..") or "\x00" in p for p in parts):
        raise Unsafe(f"{rel!r} is not a plain relative path")
    return parts


def _why(dir_fd: int, part: str, shown: str, last: bool, exc: OSError) -> Unsafe:
    """Say why opening `part` (relative to dir_fd) failed, from what is there."""
    try:
        st = os.stat(part, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return Unsafe(f"no {shown}", missing=True)
    except OSError:
        return Unsafe(f"{shown}: {exc.strerror or exc}")
    if stat.S_ISLNK(st.st_mode):
        return Unsafe(f"{shown} is a symbolic link")
    if not last and not stat.S_ISDIR(st.st_mode):
        return Unsafe(f"no {shown} folder", missing=True)
    return Unsafe(f"{shown}: {exc.strerror or exc}")


def open_below(root: Path, rel: str, *, directory_ok: bool = False) -> int:
    """A read-only descriptor for root/rel, a regular file (or a folder when
    directory_ok), reached without following a symlink below root. Raises Unsafe."""
    parts = parts_of(rel)
    try:
        fd = os.open(root, os.O_RDONLY | _DIRECTORY)
    except OSError:
        raise Unsafe(f"no folder {root}", missing=True) from None
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            flags = os.O_RDONLY | _NOFOLLOW | (_NONBLOCK if last else _DIRECTORY)
            try:
                nfd = os.open(part, flags, dir_fd=fd)
            except OSError as exc:
                raise _why(fd, part, "/".join(parts[: i + 1]), last, exc) from None
            os.close(fd)
            fd = nfd
        mode = os.fstat(fd).st_mode
        if stat.S_ISREG(mode) or (directory_ok and stat.S_ISDIR(mode)):
            return fd
        raise Unsafe(f"{rel} is not a regular file")
    except BaseException:
        os.close(fd)
        raise


def check(root: Path, rel: str, *, directory_ok: bool = False) -> str | None:
    """None when root/rel can be taken safely, else why not (`no X`, `X is a symbolic
    link` …), for a line the user reads."""
    try:
        os.close(open_below(root, rel, directory_ok=directory_ok))
    except Unsafe as exc:
        return exc.reason
    return None


def read_below(root: Path, rel: str) -> bytes:
    """The bytes of root/rel, read through open_below (raises Unsafe)."""
    with os.fdopen(open_below(root, rel), "rb") as fh:
        return fh.read()
