"""The local server behind `aibrief serve`: the built site's files and nothing else.

A request is answered only with a regular file below the site root, opened without
following a symbolic link on the way (generator.outlets.site.safe): a link planted in the site
gives 404 wherever it points, even inside the site (publish never makes links, so a
link there was not made by aibrief). A folder answers with its index.html, or 404:
there are no listings. Hidden names (`.x`, hence `.` and `..`) are 404 as well. The
root itself may be a symlink; the operator chose it with site.dir.
"""

from __future__ import annotations

import email.utils
import http.server
import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from generator.outlets.site import safe


class Handler(http.server.SimpleHTTPRequestHandler):
    """GET and HEAD for the files of the site; anything else is 404 (or 501)."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """Never a listing (send_head below does not call it; this is the backstop)."""
        self.send_error(404, "File not found")

    def _parts(self) -> list[str] | None:
        """The URL path's components, or None when one is hidden, `.`/`..` or NUL."""
        path = unquote(urlsplit(self.path).path, errors="surrogatepass")
        parts = [p for p in path.split("/") if p]
        if any(p.startswith(".") or "\x00" in p for p in parts):
            return None
        return parts

    def send_head(self) -> BinaryIO | None:
        root = Path(self.directory)
        parts = self._parts()
        if parts is None:
            self.send_error(404, "File not found")
            return None
        if not parts or urlsplit(self.path).path.endswith("/"):
            parts = [*parts, "index.html"]
        try:
            fd = safe.open_below(root, "/".join(parts), directory_ok=True)
        except safe.Unsafe:
            self.send_error(404, "File not found")
            return None
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            os.close(fd)
            return self._to_folder(root, parts)
        return self._file(fd, parts[-1])

    def _to_folder(self, root: Path, parts: list[str]) -> None:
        """/2025-12 → 301 to /2025-12/ when that folder has an index.html, else 404."""
        if safe.check(root, "/".join([*parts, "index.html"])) is not None:
            self.send_error(404, "File not found")
            return None
        url = urlsplit(self.path)
        self.send_response(301)
        self.send_header("Location", url.path + "/" + (f"?{url.query}" if url.query else ""))
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None

    def _file(self, fd: int, name: str) -> BinaryIO:
        """Headers for the open regular file, then the file for do_GET to copy."""
        f = os.fdopen(fd, "rb")
        try:
            st = os.fstat(fd)
            self.send_response(200)
            self.send_header("Content-type", self.guess_type(name))
            self.send_header("Content-Length", str(st.st_size))
            self.send_header("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True))
            self.end_headers()
        except BaseException:
            f.close()
            raise
        return f
