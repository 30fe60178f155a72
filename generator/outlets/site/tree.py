"""Write a folder as a whole: build the new tree beside it, then swap it in.

A tree is a mapping of relative path → Entry (bytes to write, or a file to take). It is
first compared with the folder on disk; when every file is already there with the same
bytes and nothing else is, nothing at all is written (no file, no folder, no mtime).
Otherwise the new tree is built in a hidden staging folder beside the target: a file
whose bytes are unchanged is a hard link to the current one (same inode, same mtime,
no copy), a new file is hard-linked from its source or written. Then staging is swapped
in by `fsutil.swap_in`, the swap the editions and the warehouse use too: one atomic
`renameat2(RENAME_EXCHANGE)` (Linux), or two renames elsewhere that `fsutil.recover`
completes after a kill; the old tree is removed.

A failure or a kill at any point before the exchange leaves the target byte for byte
as it was, plus a staging folder that the next commit removes. Files of the current
tree are never opened for writing: linked files are shared, not modified.

No symbolic link is ever followed or carried over (generator.outlets.site.safe): a source is
taken only as a regular file reached without a symlink below its `within` folder, a
current file is reused only when it is one too, and a symlink or special file found in
the current tree makes it "changed", so the new tree leaves it out (`dropped`).
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from generator import fsutil
from generator.errors import UserError
from generator.fsutil import DIR_MODE, FILE_MODE
from generator.outlets.site import safe


@dataclass(frozen=True)
class Entry:
    """One file of a tree: its bytes, or a file whose bytes it takes (linked or copied).
    A source is taken only if no symlink lies on its path below `within` (default: its
    own folder, so at least the file itself is never a symlink)."""

    data: bytes | None = None
    source: Path | None = None
    within: Path | None = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.source is None):
            raise ValueError("an Entry has either data or a source")
        if self.within is not None and self.source is not None:
            self.source.relative_to(self.within)  # ValueError when outside

    def place(self) -> tuple[Path, str]:
        """(folder, relative path) of the source, for safe.open_below."""
        assert self.source is not None
        if self.within is None:
            return self.source.parent, self.source.name
        return self.within, self.source.relative_to(self.within).as_posix()


@dataclass
class CommitResult:
    changed: bool
    written: int = 0  # new or changed files
    kept: int = 0  # unchanged files (hard links to the previous tree)
    removed: int = 0  # files of the previous tree that are gone
    dropped: list[str] = field(default_factory=list)  # symlinks etc. not carried over


def scan(folder: Path) -> tuple[set[str], list[str]]:
    """Relative paths (POSIX) under folder of the regular files, and of anything else
    that is not a folder (symlinks, FIFOs …); symlinked folders are not entered."""
    files: set[str] = set()
    others: list[str] = []
    if not folder.is_dir():
        return files, others
    for dirpath, dirs, names in os.walk(folder):
        base = Path(dirpath)
        for name in sorted(dirs + names):
            p = base / name
            mode = p.lstat().st_mode
            if stat.S_ISREG(mode):
                files.add(p.relative_to(folder).as_posix())
            elif not stat.S_ISDIR(mode):
                others.append(p.relative_to(folder).as_posix())
    return files, others


def files_of(folder: Path) -> set[str]:
    """Relative paths (POSIX) of the regular files under folder."""
    return scan(folder)[0]


def _open_source(entry: Entry) -> int:
    root, rel = entry.place()
    try:
        return safe.open_below(root, rel)
    except safe.Unsafe as exc:
        raise UserError(
            f"not publishing {root / rel}: {exc.reason} (symbolic links are never followed)"
        ) from None


def _equal_fds(a: int, b: int) -> bool:
    with os.fdopen(os.dup(a), "rb") as fa, os.fdopen(os.dup(b), "rb") as fb:
        fa.seek(0)
        fb.seek(0)
        while True:
            ca, cb = fa.read(1 << 16), fb.read(1 << 16)
            if ca != cb:
                return False
            if not ca:
                return True


def same(target: Path, rel: str, entry: Entry) -> bool:
    """Does target/rel, a regular file reached without a symlink, hold exactly the
    entry's bytes?"""
    try:
        fd = safe.open_below(target, rel)
    except safe.Unsafe:
        return False
    try:
        st = os.fstat(fd)
        if entry.data is not None:
            if st.st_size != len(entry.data):
                return False
            with os.fdopen(os.dup(fd), "rb") as fh:
                return fh.read() == entry.data
        sfd = _open_source(entry)
        try:
            sst = os.fstat(sfd)
            if os.path.samestat(st, sst):
                return True
            return st.st_size == sst.st_size and _equal_fds(fd, sfd)
        finally:
            os.close(sfd)
    finally:
        os.close(fd)


def unchanged(tree: dict[str, Entry], target: Path) -> bool:
    files, others = scan(target)
    return (
        not others
        and files == set(tree)
        and all(same(target, rel, entry) for rel, entry in tree.items())
    )


def _copy_fd(fd: int, dest: Path) -> None:
    """Copy an open file to a new dest, keeping its mtime as a copy2 would."""
    st = os.fstat(fd)
    out = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(os.dup(fd), "rb") as src, os.fdopen(out, "wb") as dst:
        src.seek(0)
        shutil.copyfileobj(src, dst)
    os.chmod(dest, FILE_MODE)
    os.utime(dest, ns=(st.st_atime_ns, st.st_mtime_ns))


def _take(fd: int, path: Path, dest: Path) -> None:
    """Hard-link the already opened file `fd` (found at path) to dest, or copy it.
    The link is made without following a symlink and kept only if it is the inode
    that was opened; anything else (a swap since, another file system) is a copy."""
    st = os.fstat(fd)
    try:
        os.link(path, dest, follow_symlinks=False)
    except (OSError, NotImplementedError):
        pass
    else:
        if os.path.samestat(os.lstat(dest), st):
            return
        os.unlink(dest)
    _copy_fd(fd, dest)


def _link_or_copy(src: Path, dest: Path, within: Path | None = None) -> None:
    """Take src (a regular file, no symlink below `within`) into dest."""
    fd = _open_source(Entry(source=src, within=within))
    try:
        _take(fd, src, dest)
    finally:
        os.close(fd)


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
    staging = fsutil.make_staging(target)
    result = CommitResult(changed=True)
    try:
        dirs = {str(Path(rel).parent) for rel in tree} - {"."}
        parents = {str(p) for d in dirs for p in Path(d).parents if str(p) != "."}
        _mkdirs(staging, dirs | parents)
        for rel in sorted(tree):
            entry = tree[rel]
            dest = staging / rel
            if same(target, rel, entry):
                _link_or_copy(target / rel, dest, target)
                result.kept += 1
            elif entry.source is not None:
                _link_or_copy(entry.source, dest, entry.place()[0])
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


def commit(tree: dict[str, Entry], target: Path) -> CommitResult:
    """Make target hold exactly `tree`; write nothing when it already does."""
    for rel in tree:  # a name like a/../../x would write outside the staging folder
        try:
            safe.parts_of(rel)
        except safe.Unsafe as exc:
            raise UserError(f"site file {exc.reason}; nothing published") from None
    target = target.resolve() if target.is_symlink() else target
    target.parent.mkdir(parents=True, exist_ok=True)
    fsutil.recover(target)
    if target.is_dir() and unchanged(tree, target):
        return CommitResult(changed=False, kept=len(tree))
    staging, result = stage(tree, target)
    result.dropped = scan(target)[1]
    try:
        fsutil.swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result
