"""How a reader leaves the list: the List-Unsubscribe header (RFC 2369), one-click
unsubscribe (RFC 8058) with a signed token per reader, and the footer's link.

With `email.unsubscribe_url` set (https, with a `{token}` placeholder) each message
carries its reader's URL, the token being the reader's address signed with HMAC-SHA256
under a secret from the environment, so the operator's endpoint can tell who asked
without keeping a list of tokens (README, "E-mail", shows how it checks one). Without it,
`email.list_unsubscribe` (or a mailto: to the sender) is the header, as before.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from email import policy as email_policy
from email.headerregistry import Address, HeaderRegistry, UnstructuredHeader
from typing import Any

from generator import headers
from generator.config import Settings
from generator.errors import UserError

# Stands in for the reader's token in the rendered body until the message is built:
# letters and hyphens only, so neither HTML escaping nor CSS inlining can change it.
TOKEN_MARK = "AIBRIEF-UNSUBSCRIBE-TOKEN"
ONE_CLICK = "List-Unsubscribe=One-Click"  # RFC 8058's List-Unsubscribe-Post value
MIN_SECRET = 16  # characters of the secret, at least


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def token(address: str, secret: bytes) -> str:
    """`<address>.<mac>`: the address in lower case and its HMAC-SHA256 under the secret,
    each base64url (RFC 4648 §5) without padding. The endpoint reads the address back
    and checks the MAC; only who holds the secret can make a token."""
    addr = address.strip().lower().encode("utf-8")
    return f"{_b64(addr)}.{_b64(hmac.new(secret, addr, hashlib.sha256).digest())}"


class _ListUnsubscribe(UnstructuredHeader):
    """Written as given, folded only between its <…> entries: the `email` package would
    turn a URL longer than a line into RFC 2047 encoded words, which no mail provider
    reads as a URL. The entries were checked to be one line of URL characters."""

    max_count = 1

    def fold(self, *, policy: Any) -> str:  # noqa: D102 - see the class
        value = str(self)
        if not value.isascii() or headers.control_char(value):
            return super().fold(policy=policy)
        return f"{self.name}: " + re.sub(r">,\s*<", f">,{policy.linesep} <", value) + policy.linesep


_REGISTRY = HeaderRegistry()
_REGISTRY.map_to_type("list-unsubscribe", _ListUnsubscribe)
POLICY = email_policy.default.clone(header_factory=_REGISTRY)  # the messages we build


@dataclass(frozen=True)
class Unsubscribe:
    """The List-Unsubscribe entries (the one-click URL holding `{token}`) and the secret
    that signs each reader's token (None without one-click)."""

    items: tuple[str, ...]
    secret: bytes | None = None

    @property
    def one_click(self) -> bool:
        return self.secret is not None

    def token(self, address: str) -> str:
        return token(address, self.secret) if self.secret is not None else ""

    def header(self, address: str) -> str:
        """The reader's List-Unsubscribe: each URI in angle brackets."""
        tok = self.token(address)
        return ", ".join(f"<{i.replace('{token}', tok)}>" for i in self.items)


def _where(settings: Settings, key: str) -> str:
    """`file:line: email.key` (the key alone for settings made in code)."""
    if settings.source_path is None:
        return f"email.{key}"
    return f"{settings.where('email', key)}: email.{key}"


def items(settings: Settings, sender: Address) -> tuple[str, ...]:
    """The header's URIs: the one-click URL first when set, then `email.list_unsubscribe`
    (mailto: only beside it: RFC 8058 wants one https URI) or a mailto: to the sender."""
    url, value = settings.email.unsubscribe_url, settings.email.list_unsubscribe
    where = _where(settings, "list_unsubscribe")
    listed = [i.strip().strip("<>").strip() for i in (value or "").split(",") if i.strip()]
    for item in listed:
        if not re.match(r"^(mailto:\S+@\S+|https?://\S+)$", item):
            raise UserError(
                f"expected <https://…> or <mailto:…> addresses, got {item!r}", where=where
            )
        # \S lets an encoded word (=?…?=) through, which the header would decode.
        headers.header_text(item, where, "address")
        if url and not item.startswith("mailto:"):
            raise UserError(
                f"{item!r} is a web address, and email.unsubscribe_url is the one-click web "
                "address: keep only mailto: addresses here (or drop unsubscribe_url)",
                where=where,
            )
    if not listed:
        listed = [f"mailto:{sender.addr_spec}?subject=unsubscribe"]
    return (url, *listed) if url else tuple(listed)


def secret(settings: Settings, environ: dict[str, str] | None = None) -> bytes | None:
    """The secret that signs tokens, from the environment variable the config names;
    None without one-click. Missing or short is an error before anything is sent."""
    if not settings.email.unsubscribe_url:
        return None
    name = settings.email.unsubscribe_secret_env
    value = (os.environ if environ is None else environ).get(name, "")
    if len(value) < MIN_SECRET:
        what = "is not set" if not value else f"holds fewer than {MIN_SECRET} characters"
        raise UserError(
            f"the environment variable {name} (email.unsubscribe_secret_env) {what}: it "
            "holds the secret that signs each reader's unsubscribe link; nothing was sent",
            where=_where(settings, "unsubscribe_url"),
        )
    return value.encode("utf-8")


def plan(settings: Settings, sender: Address) -> Unsubscribe:
    """Everything a message needs to say how its reader leaves, checked before sending."""
    return Unsubscribe(items(settings, sender), secret(settings))


def link(settings: Settings, sender: Address) -> str:
    """The footer's link: the one-click URL (TOKEN_MARK for the reader's token, filled in
    per message), else the web page of list_unsubscribe when there is one, else the mailto:."""
    found = items(settings, sender)
    first = next((i for i in found if i.startswith("http")), found[0])
    return first.replace("{token}", TOKEN_MARK)
