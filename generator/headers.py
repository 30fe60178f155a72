"""Text bound for an e-mail header (display names, subjects), checked for injection.

The `email` package decodes the RFC 2047 encoded words (`=?utf-8?q?…?=`) it finds in the
values it is given and, on Python 3.11.7, writes a decoded CR/LF out as a real line
break: a display name or a subject could add its own `Reply-To:` or `Bcc:` header. So
every such text is decoded here first (more leniently than any reader would), refused
if it holds a control character, and used decoded: the package then re-encodes the
plain text safely. Config uses it too (`HeaderText`), so it imports only errors.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from typing import Annotated

from pydantic.functional_validators import AfterValidator
from pydantic_core import PydanticCustomError

from generator.errors import UserError

# As lenient as email.header's own pattern: anywhere in the text, any payload.
ENCODED_WORD = re.compile(r"=\?([^?]*?)\?([qQbB])\?(.*?)\?=", re.DOTALL)
_BETWEEN_WORDS = re.compile(r"(?<=\?=)[ \t]+(?==\?)")  # ignored between encoded words
_NAMES = {"\r": "CR", "\n": "LF", "\t": "TAB", "\x00": "NUL", "\x7f": "DEL"}
_SHOWN = 60  # characters of the offending value quoted in the message


def control_char(text: str) -> str | None:
    """The first control or line-separator character in `text`, or None."""
    return next((c for c in text if unicodedata.category(c) in ("Cc", "Zl", "Zp")), None)


def _label(char: str) -> str:
    return _NAMES.get(char, f"U+{ord(char):04X}")


def _payload(kind: str, payload: str) -> bytes:
    """The bytes of one encoded word, decoded as leniently as mail readers do."""
    raw = payload.encode("utf-8", "surrogateescape")
    if kind in "qQ":
        raw = raw.replace(b"_", b" ")
        return re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), raw)
    raw = re.sub(rb"[^A-Za-z0-9+/]", b"", raw)
    if len(raw) % 4 == 1:  # one character too many for any byte: dropped, as readers do
        raw = raw[:-1]
    try:
        return base64.b64decode(raw + b"=" * (-len(raw) % 4))
    except binascii.Error:  # pragma: no cover - the input is cleaned above
        return b""


def _text(charset: str, data: bytes) -> str:
    """Bytes in the word's charset; an unknown charset as Latin-1 (every byte kept, so a
    CR/LF stays visible to the check whatever the reader would have made of it)."""
    name = charset.partition("*")[0].strip() or "ascii"
    try:
        return data.decode(name, "replace")
    except (LookupError, UnicodeError):  # unknown, or not a text codec ('hex', 'idna')
        return data.decode("latin-1")


def decode(text: str) -> tuple[str, str | None]:
    """`text` with its encoded words decoded (adjacent words of one charset joined before
    decoding, as a character may be split between them), and the first control
    character any of them carried (checked in the raw bytes too), or None."""
    text = _BETWEEN_WORDS.sub("", text)
    out: list[str] = []
    pos = 0
    bad: str | None = None
    run: tuple[str, bytearray] | None = None
    for m in ENCODED_WORD.finditer(text):
        data = _payload(m[2], m[3])
        if m.start() > pos or run is None or run[0].lower() != m[1].lower():
            if run is not None:
                out.append(_text(*run))
            out.append(text[pos : m.start()])
            run = (m[1], bytearray())
        run[1].extend(data)
        pos = m.end()
        low = next((b for b in data if b < 0x20 or b == 0x7F), None)
        bad = bad or (chr(low) if low is not None else None)
    if run is not None:
        out.append(_text(*run))
    out.append(text[pos:])
    decoded = "".join(out)
    return decoded, bad or control_char(decoded)


def problem(text: str) -> str | None:
    """Why `text` may not go into a header, or None when it is safe."""
    char = control_char(text)
    if char is not None:
        return f"holds a control character ({_label(char)})"
    decoded, char = decode(text)
    if char is not None:
        return (
            f"holds a control character ({_label(char)}) once its encoded words (=?…?=) are decoded"
        )
    if ENCODED_WORD.search(decoded):
        return "holds an encoded word (=?…?=) inside an encoded word"
    return None


def _shown(text: str) -> str:
    return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…")


def header_text(text: str, where: str, what: str) -> str:
    """`text` decoded, for a header; refused with one line naming `where` when it could
    inject a header (a CR/LF or other control character, encoded or not)."""
    why = problem(text)
    if why is not None:
        raise UserError(f"{what} {_shown(text)} {why}; it must be one line of text", where=where)
    return decode(text)[0]


def _config_value(text: str) -> str:
    """For pydantic: the config key names itself (file:line: key) in the error."""
    why = problem(text)
    if why is not None:
        raise PydanticCustomError(
            "header_text",
            "{shown} {why}; it must be one line of text",
            {"shown": _shown(text), "why": why},
        )
    return text


# A config value that ends up in an e-mail header (email.from, email.to, alert_to).
HeaderText = Annotated[str, AfterValidator(_config_value)]
