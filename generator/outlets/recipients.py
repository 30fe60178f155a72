"""Who gets the edition: readers from config (`email.to`) and/or a CSV
(`email.recipients_csv`), and the alert addresses, each address validated with where it
came from (`file:line: key`), display names decoded and refused when they could add a
header to the message."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.headerregistry import Address
from pathlib import Path
from typing import Any

from generator import headers, yamlio
from generator.config import Settings
from generator.errors import UserError, located

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"^{_ATOM}(\.{_ATOM})*$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def _ascii_domain(domain: str) -> str | None:
    """The domain as SMTP carries it (IDNA for non-ASCII names), or None if malformed."""
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = ascii_domain.split(".")
    if len(ascii_domain) > 253 or not all(_LABEL.match(x) for x in labels):
        return None
    if len(labels) == 1 and ascii_domain.lower() != "localhost":
        return None  # "bob@gmail": a typo, not a mailbox
    return ascii_domain


def _unquote(display: str) -> str:
    """A display name without its quotes, and without the backslashes of `"O\\"Brien"`."""
    if len(display) >= 2 and display[0] == display[-1] == '"':
        return re.sub(r"\\(.)", r"\1", display[1:-1], flags=re.DOTALL)
    return display.strip('"')


def parse_address(text: str, where: str, name: str = "") -> Address:
    """`addr` or `Name <addr>` → Address; one clear line naming `where` when it is bad.
    The display name is used decoded and refused if it could add a header (a CR/LF or
    other control character, plain or RFC 2047-encoded)."""
    raw = str(text).strip()
    match = re.fullmatch(r"(.*?)\s*<([^<>]*)>", raw, flags=re.DOTALL)
    display, spec = (
        (_unquote(match.group(1).strip()), match.group(2).strip()) if match else ("", raw)
    )
    display = headers.header_text(name or display, where, "display name")
    local, at, domain = spec.rpartition("@")
    ascii_domain = _ascii_domain(domain) if at else None
    bad = (
        ascii_domain is None
        or any(c in raw for c in "\r\n")
        or len(local) > 64
        or not _LOCAL.match(local)
        or headers.ENCODED_WORD.search(local)  # the `email` package would decode it
        or len(local) + 1 + len(ascii_domain) > 254
    )
    if bad:
        raise UserError(f"{raw!r} is not a valid e-mail address", where=where)
    return Address(display_name=display, username=local, domain=ascii_domain)


@dataclass(frozen=True)
class Recipient:
    address: Address
    where: str  # config key or CSV file:line, for messages

    @property
    def key(self) -> str:
        """The ledger key: the address in lower case (a local part may be case-sensitive
        in theory, but nobody subscribes twice by case alone)."""
        return self.address.addr_spec.lower()


def _config_lines(settings: Settings) -> Any:
    """The config document with line numbers, to point at a bad `email.to` entry."""
    if settings.source_path is None or not settings.source_path.is_file():
        return None
    try:
        return yamlio.load(settings.source_path)
    except Exception:  # noqa: BLE001 - the settings were read already; lines are a bonus
        return None


def sender(settings: Settings) -> Address:
    doc = _config_lines(settings)
    line = yamlio.line_at(doc, ("email", "from")) if doc is not None else None
    return parse_address(settings.email.from_, _where(settings, line, "email.from"))


def _where(settings: Settings, line: int | None, key: str) -> str:
    name = settings.source_path.name if settings.source_path else "config"
    return f"{located(name, line)}: {key}"


def _csv_rows(text: str, path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line the row starts on, cells). Lines end only where CSV ends them — not at
    U+2028 and the like, as str.splitlines() would — so a line break inside a quoted
    cell stays in it, for the header check to see."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    while True:
        try:
            row = next(reader, None)
        except csv.Error as exc:
            raise UserError(f"unreadable CSV row ({exc})", where=f"{path}:{start}") from None
        if row is None:
            return
        yield start, row
        start = reader.line_num + 1


def _csv_recipients(path: Path) -> list[Recipient]:
    """Rows `address[,name]`; a header row, blank lines and #-comments are skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(
            "recipients file not found (email.recipients_csv)", where=str(path)
        ) from None
    except UnicodeDecodeError:
        raise UserError("recipients file is not UTF-8 text", where=str(path)) from None
    out = []
    for lineno, row in _csv_rows(text, path):
        cells = [c.strip() for c in row]
        if not cells or not cells[0] or cells[0].startswith("#"):
            continue
        if lineno == 1 and cells[0].lower() in ("address", "email", "e-mail", "mail"):
            continue
        name = cells[1] if len(cells) > 1 else ""
        where = f"{path}:{lineno}"
        out.append(Recipient(parse_address(cells[0], where, name), where))
    return out


def alert_recipients(settings: Settings) -> list[Address]:
    """schedule.alert_to as addresses, each checked like a reader's (names decoded, no
    header injection), every one before anything is sent."""
    doc = _config_lines(settings)
    out = []
    for i, entry in enumerate(settings.schedule.alert_to):
        line = yamlio.line_at(doc, ("schedule", "alert_to", i)) if doc is not None else None
        out.append(parse_address(entry, _where(settings, line, f"schedule.alert_to[{i}]")))
    return out


def suppressed(settings: Settings) -> set[str]:
    """Addresses (lower case) that get nothing: email.suppression_file, one a line, `#`
    comments, as the operator's unsubscribe endpoint appends them. A missing file
    suppresses nobody; a line that is no address stops the send, naming file:line."""
    path = settings.path(settings.email.suppression_file)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return set()
    except OSError as exc:
        raise UserError(
            f"suppression file cannot be read ({exc.strerror or exc}; email.suppression_file)",
            where=str(path),
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UserError("suppression file is not UTF-8 text", where=f"{path}:{line}") from None
    out = set()
    for lineno, line in enumerate(text.split("\n"), 1):
        entry = re.split(r"(?:^|\s)#", line, maxsplit=1)[0].strip()  # a#b@x.org is an address
        if entry:
            out.add(parse_address(entry, f"{path}:{lineno}").addr_spec.lower())
    return out


def recipients(settings: Settings) -> list[Recipient]:
    """Everyone the edition goes to, each address once (first mention wins)."""
    doc = _config_lines(settings)
    found = []
    for i, entry in enumerate(settings.email.to):
        line = yamlio.line_at(doc, ("email", "to", i)) if doc is not None else None
        where = _where(settings, line, f"email.to[{i}]")
        found.append(Recipient(parse_address(entry, where), where))
    if settings.email.recipients_csv:
        found += _csv_recipients(settings.path(settings.email.recipients_csv))
    unique: dict[str, Recipient] = {}
    for r in found:
        unique.setdefault(r.key, r)
    if not unique:
        raise UserError("no recipients: set email.to or email.recipients_csv in the config")
    return list(unique.values())
