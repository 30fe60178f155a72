"""Deliver an edition by e-mail, exactly once per (edition, recipient).

Recipients come from config (`email.to`) and/or a CSV (`email.recipients_csv`), each
address validated with where it came from. A ledger per edition in output/state/ says
who has the edition; it is rewritten atomically after every delivery, so a rerun sends
only to those still missing it (`--resend` is the explicit override). One SMTP
connection serves every recipient; 4xx replies, disconnects and timeouts are retried
with backoff, a 5xx fails that recipient alone. `--dry-run` writes .eml files instead.
The password comes from the environment and is redacted from every message we keep.
Addresses in the suppression file (email.suppression_file) get nothing; only their
number is reported. Each message carries its reader's own unsubscribe URL.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import ipaddress
import json
import logging
import os
import random
import re
import shutil
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from generator import fsutil
from generator.config import Settings, SmtpSettings
from generator.errors import UserError
from generator.fsutil import now_utc, sha256, write_atomic
from generator.outlets import mail
from generator.outlets import unsubscribe as unsub
from generator.outlets.recipients import (
    Recipient,
    _csv_recipients,  # noqa: F401 - tests reach it here
    alert_recipients,
    parse_address,
    recipients,
    sender,
    suppressed,
)
from generator.outlets.sent import Report

log = logging.getLogger(__name__)

BACKOFF = 2.0  # seconds before the first retry; doubles each time, with jitter

# ---- addresses: generator.outlets.recipients ---------------------------------------------

__all__ = [
    "Recipient",
    "alert_recipients",
    "parse_address",
    "recipients",
    "send",
    "sender",
    "suppressed",
]


# ---- the ledger -----------------------------------------------------------------------------


class Ledger:
    """Who has which edition: output/state/deliveries/YYYY-MM.json, one entry per
    recipient (status delivered | failed | queued, Message-ID, times, attempts)."""

    def __init__(self, state_dir: Path, month: str) -> None:
        self.month = month
        self.path = state_dir / "deliveries" / f"{month}.json"
        self.entries: dict[str, dict[str, Any]] = {}
        if self.path.exists():
            try:
                doc = json.loads(self.path.read_text(encoding="utf-8"))
                self.entries = dict(doc["recipients"])
            except (ValueError, KeyError, TypeError) as exc:
                raise UserError(
                    f"delivery ledger is unreadable ({exc}); fix or move it aside — without "
                    "it every recipient would get the edition again",
                    where=str(self.path),
                ) from None

    def delivered(self, key: str) -> bool:
        return self.entries.get(key, {}).get("status") == "delivered"

    def generation(self, key: str) -> int:
        return int(self.entries.get(key, {}).get("generation", 0))

    def queue_again(self, keys: list[str]) -> None:
        """--resend: mark delivered recipients as due again, with a new Message-ID, in one
        write, so a resend interrupted halfway is finished by a plain rerun."""
        for key in keys:
            entry = self.entries.get(key)
            if entry and entry.get("status") == "delivered":
                entry.update(status="queued", generation=self.generation(key) + 1)
        self.save()

    def record(self, key: str, address: str, status: str, **fields: Any) -> None:
        entry = self.entries.setdefault(key, {"address": address, "generation": 0, "attempts": 0})
        entry.update(status=status, **fields)
        entry["attempts"] = int(entry.get("attempts", 0)) + 1
        self.save()

    def save(self) -> None:
        doc = {"edition": self.month, "recipients": self.entries}
        data = json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        write_atomic(self.path, data.encode("utf-8"))


def run_lock(state_dir: Path, month: str) -> contextlib.AbstractContextManager[None]:
    """One sender per edition at a time: two at once could both send to the same reader."""
    path = state_dir / "deliveries" / f"{month}.lock"
    return fsutil.lock(path, busy=f"{path}: another `aibrief send` of {month} is running")


# ---- secrets --------------------------------------------------------------------------------


class Secrets:
    """Forms of the password an error text could carry (as is, or base64 as in AUTH)."""

    def __init__(self, username: str | None, password: str | None) -> None:
        forms: set[str] = set()
        if password:
            forms.add(password)
            for raw in (password, f"\0{username or ''}\0{password}"):
                forms.add(base64.b64encode(raw.encode("utf-8")).decode("ascii"))
        self.forms = sorted(forms, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for form in self.forms:
            text = text.replace(form, "[redacted]")
        return text


def credentials(smtp: SmtpSettings) -> tuple[str | None, str | None]:
    """Username and password from the environment variables the config names."""
    user = os.environ.get(smtp.username_env) or None
    password = os.environ.get(smtp.password_env) or None
    if password and not user:
        raise UserError(
            f"{smtp.password_env} is set but {smtp.username_env} is not "
            "(email.smtp.username_env names the variable holding the SMTP user)"
        )
    if user and not password:
        raise UserError(
            f"{smtp.username_env} is set but {smtp.password_env} is not "
            "(email.smtp.password_env names the variable holding the SMTP password)"
        )
    return user, password


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# ---- SMTP -----------------------------------------------------------------------------------


class Transient(Exception):
    """Worth another try: a 4xx reply, a dropped connection, a timeout."""


class Permanent(Exception):
    """This recipient or message will not go through as it is (a 5xx reply)."""


class Fatal(Exception):
    """Nothing more can go out this run (login refused, TLS broken, server unreachable)."""


def classify(exc: BaseException, secrets: Secrets) -> Exception:
    """Map an smtplib/socket error to Transient, Permanent or Fatal, text redacted."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()), (550, b"refused"))
        text = secrets.redact(f"{code} {_text(reply)}")
        return Transient(text) if 400 <= code < 500 else Permanent(text)
    if isinstance(exc, smtplib.SMTPResponseException):
        text = secrets.redact(f"{exc.smtp_code} {_text(exc.smtp_error)}")
        if isinstance(exc, smtplib.SMTPAuthenticationError) and exc.smtp_code >= 500:
            return Fatal(f"SMTP login refused: {text}")
        if isinstance(exc, smtplib.SMTPSenderRefused) and exc.smtp_code >= 500:
            return Fatal(f"the server refused the sender address: {text}")
        return Transient(text) if 400 <= exc.smtp_code < 500 else Permanent(text)
    if isinstance(exc, smtplib.SMTPNotSupportedError | ssl.SSLCertVerificationError):
        return Fatal(secrets.redact(str(exc)))
    if isinstance(exc, TimeoutError | socket.timeout) or "timed out" in str(exc):
        return Transient("timed out")  # smtplib reports a read timeout as a disconnect
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return Transient(f"disconnected: {secrets.redact(str(exc))}")
    if isinstance(exc, OSError | smtplib.SMTPException):
        return Transient(secrets.redact(str(exc) or type(exc).__name__))
    raise exc


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


class Session:
    """One SMTP connection, opened on first use and reopened after a drop."""

    def __init__(self, smtp: SmtpSettings, user: str | None, password: str | None) -> None:
        self.smtp = smtp
        self._user = user
        self._password = password
        self.secrets = Secrets(user, password)
        self.conn: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        return f"{self.smtp.host}:{self.smtp.port}"

    def open(self) -> smtplib.SMTP:
        if self.conn is not None:
            return self.conn
        s = self.smtp
        context = ssl.create_default_context()
        if s.security == "ssl":
            conn: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout, context=context
            )
        else:
            conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            conn.ehlo()
            if s.security == "starttls":
                conn.starttls(context=context)
                conn.ehlo()
            if self._user and self._password:
                conn.login(self._user, self._password)
        except BaseException:
            with contextlib.suppress(Exception):
                conn.close()
            raise
        self.conn = conn
        return conn

    def send(self, msg: EmailMessage, from_addr: str, to_addr: str) -> None:
        self.open().send_message(msg, from_addr=from_addr, to_addrs=[to_addr])

    def drop_if_broken(self, exc: Exception) -> None:
        """After a reply (say a 451 to RCPT) the connection is still good; after a drop,
        a timeout or a 421 (smtplib hangs up then) the next try needs a new one."""
        replied = isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)
        if not replied or self.conn is None or self.conn.sock is None:
            self.drop()

    def drop(self) -> None:
        """Forget a connection that failed; the next send opens a fresh one."""
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = None

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.quit()
            self.drop()


def send_with_retries(
    session: Session,
    msg: EmailMessage,
    from_addr: str,
    to_addr: str,
    *,
    backoff: float,
    sleep: Callable[[float], None],
) -> None:
    """Send one message; retry transient failures with exponential backoff and jitter.
    Raises Permanent (this recipient) or Fatal (the run), or Transient when tries ran out."""
    tries = session.smtp.retries + 1
    for attempt in range(tries):
        connected = False
        try:
            session.open()
            connected = True
            session.send(msg, from_addr, to_addr)
            return
        except Exception as exc:  # noqa: BLE001 - classified just below
            err = classify(exc, session.secrets)
            session.drop_if_broken(exc)
        if isinstance(err, Fatal):
            raise err
        if isinstance(err, Transient) and attempt + 1 < tries:
            delay = backoff * 2**attempt * (1 + random.random() / 4)
            log.info("%s: %s; retrying in %.1fs", to_addr, err, delay)
            sleep(delay)
            continue
        if not connected:
            raise Fatal(f"cannot connect to the SMTP server {session.where}: {err}")
        raise err
    raise AssertionError("unreachable")


# ---- the run --------------------------------------------------------------------------------


def _filename(address: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9@._+-]", "_", address)
    name, n = f"{base}.eml", 1
    while name in taken:
        n += 1
        name = f"{base}-{n}.eml"
    taken.add(name)
    return name


def write_outbox(
    settings: Settings, content: mail.Content, messages: list[tuple[Recipient, EmailMessage]]
) -> tuple[Path, list[Path]]:
    """output/outbox/YYYY-MM/: one .eml per recipient and preview.html, swapped in whole."""
    final = settings.output_dir / "outbox" / content.edition.month
    staging = fsutil.make_staging(final)  # the one swap (fsutil), with its recovery
    try:
        taken: set[str] = set()
        for r, msg in messages:
            (staging / _filename(r.address.addr_spec, taken)).write_bytes(bytes(msg))
        preview = mail.preview_html(content, final)
        (staging / "preview.html").write_text(preview, encoding="utf-8")
        fsutil.swap_in(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already after a swap
    return final, sorted(final / name for name in taken)


def send(
    settings: Settings,
    month: str | None = None,
    *,
    dry_run: bool = False,
    resend: bool = False,
    backoff: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Report:
    """Mail the edition to every recipient who does not have it yet (all with resend)."""
    edition = mail.load_edition(settings, month)
    frm = sender(settings)
    people = recipients(settings)
    left_out = suppressed(settings)
    content = mail.render_content(settings, edition, frm)
    unsubscribe = unsub.plan(settings, frm)  # the secret, if needed, before anything is sent
    kept = [r for r in people if r.key not in left_out]
    report = Report(edition.month, dry_run=dry_run, total=len(kept))
    report.suppressed = len(people) - len(kept)
    if report.suppressed:
        log.info("%d recipient(s) on the suppression list skipped", report.suppressed)
    people = kept
    backoff = BACKOFF if backoff is None else backoff

    def message(r: Recipient, ledger: Ledger) -> EmailMessage:
        mid = mail.message_id(edition.month, r.key, ledger.generation(r.key), frm.domain)
        return mail.build_message(content, frm, r.address, unsubscribe=unsubscribe, msg_id=mid)

    if dry_run:
        ledger = Ledger(settings.state_dir, edition.month)
        due = [r for r in people if resend or not ledger.delivered(r.key)]
        report.already = [r.key for r in people if r not in due]
        report.outbox, report.written = write_outbox(
            settings, content, [(r, message(r, ledger)) for r in due]
        )
        return report

    user, password = credentials(settings.email.smtp)
    if (
        password
        and settings.email.smtp.security == "none"
        and not _loopback(settings.email.smtp.host)
    ):
        raise UserError(
            f"refusing to send the SMTP password unencrypted to {settings.email.smtp.host}: "
            "set email.smtp.security to starttls or ssl"
        )
    with run_lock(settings.state_dir, edition.month):
        ledger = Ledger(settings.state_dir, edition.month)
        if resend:
            ledger.queue_again([r.key for r in people])
        due = [r for r in people if not ledger.delivered(r.key)]
        report.already = [r.key for r in people if r not in due]
        session = Session(settings.email.smtp, user, password)
        report.server = session.where
        try:
            one = functools.partial(message, ledger=ledger)
            _deliver_all(session, due, ledger, report, one, frm, content, backoff, sleep)
        finally:
            session.close()
    return report


def _deliver_all(
    session: Session,
    due: list[Recipient],
    ledger: Ledger,
    report: Report,
    message: Callable[[Recipient], EmailMessage],
    frm: Address,
    content: mail.Content,
    backoff: float,
    sleep: Callable[[float], None],
) -> None:
    """One message per due recipient over the session, each outcome in the ledger as it
    happens (a crash loses and duplicates nothing); a fatal error stops the rest."""
    pdf_sum = sha256(content.pdf)
    for i, r in enumerate(due):
        msg = message(r)
        try:
            send_with_retries(
                session, msg, frm.addr_spec, r.address.addr_spec, backoff=backoff, sleep=sleep
            )
        except (Transient, Permanent) as exc:
            reason = str(exc)
            ledger.record(r.key, r.address.addr_spec, "failed", error=reason, last_try=now_utc())
            report.failed.append((r.address.addr_spec, reason))
            log.warning("%s: not delivered: %s", r.address.addr_spec, reason)
            continue
        except Fatal as exc:
            report.aborted = str(exc)
            report.not_attempted = [x.address.addr_spec for x in due[i:]]
            break
        ledger.record(
            r.key,
            r.address.addr_spec,
            "delivered",
            message_id=msg["Message-ID"],
            sent_at=now_utc(),
            pdf_sha256=pdf_sum,
            error=None,
        )
        report.delivered.append(r.address.addr_spec)
        log.info("%s: delivered (%s)", r.address.addr_spec, msg["Message-ID"])
