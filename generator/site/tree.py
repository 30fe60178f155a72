"""Write a folder as a whole: build the new tree beside it, then swap it in.

A tree is a mapping of relative path → Entry (bytes to write, or a file to take). It is
first compared with the folder on disk; when every file is already there with the same
bytes and nothing else is, nothing at all is written (no file, no folder, no mtime).
Otherwise the new tree is built in a hidden staging folder beside the target: a file
whose bytes are unchanged is a hard link to the current one (same inode, same mtime,
no copy), a new file is hard-linked from its source or written. Then staging and target
are exchanged in one atomic `renameat2(RENAME_EXCHANGE)` (Linux), or with two renames
elsewhere, and the old tree is removed.

A failure or a kill at any point before the exchange leaves the target byte for byte
as it was, plus a staging folder that the next commit removes. Files of the current
tree are never opened for writing: linked files are shared, not modified.
"""

from __future__ import annotations

import ctypes
import errno
import filecmp
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.warehouse import DIR_MODE, FILE_MODE

STAGING = "staging"
OLD = "old"


@dataclass(frozen=True)
class Entry:
    """One file of a tree: its bytes, or a file whose bytes it takes (linked or copied)."""

    data: bytes | None = None
    source: Path | None = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.source is None):
            raise ValueError("an Entry has either data or a source")


@dataclass
class CommitResult:
    changed: bool
    written: int = 0  # new or changed files
    kept: int = 0  # unchanged files (hard links to the previous tree)
    removed: int = 0  # files of the previous tree that are gone


def _leftovers(target: Path) -> list[Path]:
    prefix = f".{target.name}."
    return [
        p
        for p in target.parent.glob(f"{prefix}*")
        if p.name.startswith((prefix + STAGING, prefix + OLD)) and p.is_dir()
    ]


def recover(target: Path) -> None:
    """After an interrupted commit: put back a tree moved aside, drop staging folders.
    The caller holds the lock, so no other commit is using them."""
    if not target.exists():
        olds = sorted(p for p in _leftovers(target) if f".{OLD}" in p.name)
        if olds:
            os.replace(olds[-1], target)
    for p in _leftovers(target):
        shutil.rmtree(p, ignore_errors=True)


def files_of(folder: Path) -> set[str]:
    """Relative paths (POSIX) of the regular files under folder."""
    out: set[str] = set()
    if not folder.is_dir():
        return out
    for dirpath, _dirs, names in os.walk(folder):
        base = Path(dirpath)
        for name in names:
            p = base / name
            if p.is_file() and not p.is_symlink():
                out.add(p.relative_to(folder).as_posix())
    return out


def same(path: Path, entry: Entry) -> bool:
    """Does the file at path hold exactly the entry's bytes?"""
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    if entry.data is not None:
        if st.st_size != len(entry.data):
            return False
        return path.read_bytes() == entry.data
    src = entry.source
    assert src is not None
    sst = src.stat()
    if os.path.samestat(st, sst):
        return True
    if st.st_size != sst.st_size:
        return False
    return filecmp.cmp(path, src, shallow=False)


def unchanged(tree: dict[str, Entry], target: Path) -> bool:
    return files_of(target) == set(tree) and all(
        same(target / rel, entry) for rel, entry in tree.items()
    )


def _link_or_copy(src: Path, dest: Path) -> None:
    try:
        os.link(src, dest)
    except OSError:  # another file system, or links not allowed: copy (keeps mtime)
        shutil.copy2(src, dest)
        os.chmod(dest, FILE_MODE)


def _write(dest: Path, data: bytes) -> None:
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(dest, FILE_MODE)


def _mkdirs(root: Path, rel_dirs: set[str]) -> None:
    for rel in sorted(rel_dirs, key=lambda r: r.count("/")):
        d = root / rel
        d.mkdir(exist_ok=True)
        os.chmod(d, DIR_MODE)


def stage(tree: dict[str, Entry], target: Path) -> tuple[Path, CommitResult]:
    """Build the new tree in a staging folder beside target."""
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.{STAGING}-", dir=target.parent))
    os.chmod(staging, DIR_MODE)
    result = CommitResult(changed=True)
    try:
        dirs = {str(Path(rel).parent) for rel in tree} - {"."}
        parents = {str(p) for d in dirs for p in Path(d).parents if str(p) != "."}
        _mkdirs(staging, dirs | parents)
        for rel in sorted(tree):
            entry = tree[rel]
            dest = staging / rel
            current = target / rel
            if same(current, entry):
                _link_or_copy(current, dest)
                result.kept += 1
            elif entry.source is not None:
                _link_or_copy(entry.source, dest)
                result.written += 1
            else:
                assert entry.data is not None
                _write(dest, entry.data)
                result.written += 1
        result.removed = len(files_of(target) - set(tree))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging, result


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
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


def swap(staging: Path, target: Path) -> None:
    """Put staging in target's place; the previous tree is removed last."""
    if not target.exists():
        os.replace(staging, target)
        return
    if _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous tree
        return
    old = target.with_name(f".{target.name}.{OLD}-{os.getpid()}")
    os.replace(target, old)  # if killed here, recover() puts it back
    try:
        os.replace(staging, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def commit(tree: dict[str, Entry], target: Path) -> CommitResult:
    """Make target hold exactly `tree`; write nothing when it already does."""
    target = target.resolve() if target.is_symlink() else target
    target.parent.mkdir(parents=True, exist_ok=True)
    recover(target)
    if target.is_dir() and unchanged(tree, target):
        return CommitResult(changed=False, kept=len(tree))
    staging, result = stage(tree, target)
    try:
        swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result
