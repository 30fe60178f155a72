"""Leaving the list and finding the edition online, as a reader's mail software sees it:
messages sent to a real SMTP server on loopback (aiosmtpd) and parsed back. One-click
unsubscribe (RFC 8058) gives each reader their own signed URL, which the snippet in the
README verifies; the suppression file keeps its addresses from getting anything; the
"Read online" link shows only for a real site address."""

from __future__ import annotations

import base64
import email
import logging
import re
import shutil
import socket
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from generator import config
from generator.errors import ConfigError, UserError
from generator.outlets import deliver, mail
from generator.outlets import unsubscribe as unsub
from tests.conftest import REPO, run_cli, write_config

SECRET = "correct-horse-battery-staple-42"
URL = "https://news.acme-trade.com/unsubscribe?list=ai-brief&t={token}"
SITE = "https://brief.acme-trade.com/ai/"
READERS = ["Ada Reader <ada@example.org>", "bob@example.net", "Cy <CY@Example.org>"]


def readme_verifier():
    """`unsubscribe_address` exactly as README's e-mail section documents it."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?def unsubscribe_address.*?)```", text, re.DOTALL)
    space: dict = {}
    exec(compile(code, "README.md", "exec"), space)  # noqa: S102 - our own documentation
    return space["unsubscribe_address"]


class Sink:
    """Keeps every message the server accepts, by envelope recipient."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def rcpts(self) -> list[str]:
        return sorted(r for rcpts, _ in self.received for r in rcpts)

    def raw(self, address: str) -> bytes:
        (data,) = [d for rcpts, d in self.received if address in rcpts]
        return data


@pytest.fixture
def smtp():
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def env(monkeypatch):
    monkeypatch.delenv("AIBRIEF_SMTP_USERNAME", raising=False)
    monkeypatch.delenv("AIBRIEF_SMTP_PASSWORD", raising=False)
    monkeypatch.setenv("AIBRIEF_UNSUBSCRIBE_SECRET", SECRET)
    monkeypatch.setattr(deliver, "BACKOFF", 0.0)


def setup(tmp_path: Path, sample_edition, port: int = 9, email_extra: str = "", extra: str = ""):
    """A config with its own copy of the sample edition, three readers and the SMTP
    server on loopback (port 9, discard, when nothing may be sent)."""
    _, folder = sample_edition
    shutil.copytree(folder, tmp_path / "output" / "editions" / folder.name)
    to = "".join(f'    - "{r}"\n' for r in READERS)
    return write_config(
        tmp_path,
        'email:\n  from: "AI Trade Brief <brief@example.org>"\n  to:\n'
        + to
        + "  smtp:\n    host: 127.0.0.1\n"
        + f"    port: {port}\n    security: none\n    timeout: 60\n    retries: 0\n"
        + email_extra
        + extra,
    )


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}  # text → href
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_data(self, data):
        if self._href is not None and data.strip():
            self.links[" ".join(data.split())] = self._href

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None


def html_links(msg) -> dict[str, str]:
    parser = Links()
    parser.feed(msg.get_body(("html",)).get_content())
    return parser.links


def text_of(msg) -> str:
    return msg.get_body(("plain",)).get_content()


def header_urls(value: str) -> list[str]:
    """The URIs of a List-Unsubscribe header, in order (RFC 2369: <…>, <…>)."""
    return re.findall(r"<([^<>]*)>", value)


# ---- one-click unsubscribe ------------------------------------------------------------------


def test_each_reader_gets_their_own_signed_one_click_url(tmp_path, sample_edition, smtp, capsys):
    sink, port = smtp
    cfg = setup(tmp_path, sample_edition, port, f"  unsubscribe_url: {URL}\n")
    code, _, err = run_cli(["--config", str(cfg), "send"], capsys)
    assert code == 0, err
    assert sink.rcpts() == ["CY@Example.org", "ada@example.org", "bob@example.net"]
    verify = readme_verifier()
    seen = {}
    for address in ("ada@example.org", "bob@example.net", "CY@Example.org"):
        raw = sink.raw(address)
        msg = email.message_from_bytes(raw, policy=policy.default)
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        web, mailto = header_urls(msg["List-Unsubscribe"])
        assert mailto == "mailto:brief@example.org?subject=unsubscribe"
        prefix = "https://news.acme-trade.com/unsubscribe?list=ai-brief&t="
        assert web.startswith(prefix)
        token = web[len(prefix) :]
        # The documented token: base64url(address in lower case) "." base64url(HMAC-SHA256).
        assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}", token)
        assert base64.urlsafe_b64decode(token.split(".")[0] + "==") == address.lower().encode()
        assert verify(token, SECRET.encode()) == address.lower()
        assert verify(token, b"another-secret-of-enough-length") is None
        forged = base64.urlsafe_b64encode(b"eve@example.org").decode().rstrip("=")
        assert verify(f"{forged}.{token.split('.')[1]}", SECRET.encode()) is None
        # Written as is: one line, not RFC 2047-encoded (no provider would decode a URL).
        line = re.search(rb"(?m)^List-Unsubscribe: (.*)$", raw)[1].decode()
        assert line.startswith(f"<{web}>")
        # The footer's link is the same URL, in both parts.
        assert html_links(msg)["Unsubscribe"] == web
        assert f"Unsubscribe: {web}" in text_of(msg)
        assert "AIBRIEF-UNSUBSCRIBE-TOKEN" not in text_of(msg) + html_links(msg)["Unsubscribe"]
        seen[address] = web
    assert len(set(seen.values())) == 3


def test_list_unsubscribe_mailto_goes_beside_the_one_click_url(tmp_path, sample_edition):
    cfg = setup(
        tmp_path,
        sample_edition,
        email_extra=f"  unsubscribe_url: {URL}\n  list_unsubscribe: <mailto:leave@example.org>\n",
    )
    settings = config.load(cfg)
    plan = unsub.plan(settings, deliver.sender(settings))
    header = plan.header("Ada@Example.org")
    assert header_urls(header)[1:] == ["mailto:leave@example.org"]
    assert header.startswith("<https://news.acme-trade.com/unsubscribe?list=ai-brief&t=YWRhQGV4")


def test_a_web_list_unsubscribe_beside_unsubscribe_url_is_refused(tmp_path, sample_edition):
    """RFC 8058: one https URI in the header; the two keys would give two."""
    cfg = setup(
        tmp_path,
        sample_edition,
        email_extra=f"  unsubscribe_url: {URL}\n  list_unsubscribe: https://example.org/u\n",
    )
    settings = config.load(cfg)
    line = cfg.read_text().splitlines().index("  list_unsubscribe: https://example.org/u") + 1
    with pytest.raises(UserError, match=re.escape(f"{cfg}:{line}: email.list_unsubscribe: ")):
        deliver.send(settings, dry_run=True)
    assert not (tmp_path / "output" / "outbox").exists()


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://news.acme-trade.com/u?t={token}", "expected an https:// URL"),
        ("https:///u?t={token}", "expected an https:// URL"),
        ("https://news.acme-trade.com/u", "must hold the placeholder {token}"),
        ('"https://news.acme-trade.com/u?t={token}\\r\\nBcc: evil@example.com"', "URL characters"),
        ("https://news.acme-trade.com/u?t={token}&x=<b>", "URL characters"),
        ('"https://news.acme-trade.com/u?t={token} x"', "URL characters"),
        ("https://news.acme-trade.com/u?t={token},https://e.com", "URL characters"),
        ("https://news.acme-trade.com/{tok}/{token}", "URL characters"),
        ("https://news.acme-trade.com/u=?utf-8?q?=0D=0ABcc:_e?=/{token}", "encoded word"),
    ],
)
def test_a_bad_unsubscribe_url_is_one_line_naming_the_key(tmp_path, url, why):
    cfg = write_config(tmp_path, f"email:\n  unsubscribe_url: {url}\n")
    with pytest.raises(ConfigError) as info:
        config.load(cfg)
    message = str(info.value)
    lines = cfg.read_text().splitlines()
    line = next(i for i, ln in enumerate(lines, 1) if ln.strip().startswith("unsubscribe_url:"))
    assert message.startswith(f"{cfg}:{line}: email.unsubscribe_url: ")
    assert why in message and "\n" not in message


def test_percent_encoded_line_breaks_stay_in_the_url(tmp_path, sample_edition):
    """%0D%0A is URL text, not a line break: it goes out as such and adds no header."""
    url = "https://news.acme-trade.com/u%0D%0ABcc:%20evil@example.com?t={token}"
    settings = config.load(
        setup(tmp_path, sample_edition, email_extra=f"  unsubscribe_url: {url}\n")
    )
    deliver.send(settings, dry_run=True)
    raw = (tmp_path / "output" / "outbox" / "2025-12" / "bob@example.net.eml").read_bytes()
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Bcc"] is None and "evil" not in str(msg["To"])
    assert header_urls(msg["List-Unsubscribe"])[0].startswith(
        "https://news.acme-trade.com/u%0D%0ABcc:%20evil@example.com?t="
    )


def test_a_missing_secret_stops_before_anything_is_sent(
    tmp_path, sample_edition, smtp, capsys, monkeypatch
):
    sink, port = smtp
    cfg = setup(tmp_path, sample_edition, port, f"  unsubscribe_url: {URL}\n")
    where = cfg.read_text().splitlines().index(f"  unsubscribe_url: {URL}") + 1
    for value in (None, "short"):
        if value is None:
            monkeypatch.delenv("AIBRIEF_UNSUBSCRIBE_SECRET")
        else:
            monkeypatch.setenv("AIBRIEF_UNSUBSCRIBE_SECRET", value)
        for args in (["send"], ["send", "--dry-run"]):
            code, _, err = run_cli(["--config", str(cfg), *args], capsys)
            assert code != 0
            (line,) = err.strip().splitlines()
            assert f"{cfg}:{where}: email.unsubscribe_url: " in line
            assert "AIBRIEF_UNSUBSCRIBE_SECRET (email.unsubscribe_secret_env)" in line
            assert SECRET not in line
    assert sink.received == []
    assert not (tmp_path / "output" / "outbox").exists()
    assert not (tmp_path / "output" / "state" / "deliveries" / "2025-12.json").exists()


# ---- the suppression file -------------------------------------------------------------------


def test_suppressed_readers_get_nothing_and_are_only_counted(
    tmp_path, sample_edition, smtp, capsys, caplog
):
    sink, port = smtp
    (tmp_path / "suppressed.txt").write_text(
        "# left the list\n\nADA@example.org   # 2025-11-30, one-click\nnobody@example.com\n",
        encoding="utf-8",
    )
    cfg = setup(tmp_path, sample_edition, port)  # suppression_file: the default, beside it
    with caplog.at_level(logging.INFO):
        code, _, err = run_cli(["--config", str(cfg), "send"], capsys)
    assert code == 0, err
    assert sink.rcpts() == ["CY@Example.org", "bob@example.net"]
    assert "sent to 2 of 2 recipient(s), 1 on the suppression list skipped" in err
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "1 recipient(s) on the suppression list skipped" in logged
    assert "ada@" not in (logged + err).lower()
    ledger = (tmp_path / "output" / "state" / "deliveries" / "2025-12.json").read_text()
    assert "ada@" not in ledger.lower()


def test_a_dry_run_writes_no_message_for_a_suppressed_reader(tmp_path, sample_edition, capsys):
    listed = tmp_path / "lists" / "gone.txt"
    listed.parent.mkdir()
    listed.write_text("bob@example.net\ncy@example.org\n", encoding="utf-8")
    cfg = setup(tmp_path, sample_edition, email_extra=f"  suppression_file: {listed}\n")
    code, _, err = run_cli(["--config", str(cfg), "send", "--dry-run"], capsys)
    assert code == 0, err
    outbox = tmp_path / "output" / "outbox" / "2025-12"
    assert sorted(p.name for p in outbox.iterdir()) == ["ada@example.org.eml", "preview.html"]
    assert "2 on the suppression list skipped" in err


def test_a_missing_suppression_file_suppresses_nobody(tmp_path, sample_edition):
    settings = config.load(setup(tmp_path, sample_edition))
    assert not (tmp_path / "suppressed.txt").exists()
    assert deliver.suppressed(settings) == set()


def test_an_address_with_a_hash_is_no_comment(tmp_path):
    (tmp_path / "suppressed.txt").write_text(
        "a#b@example.org\n  #x@example.org\nc@e.org #d@e.org\n"
    )
    settings = config.load(write_config(tmp_path))
    assert deliver.suppressed(settings) == {"a#b@example.org", "c@e.org"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"ada@example.org\n# fine\nnot an address\n", r":3: 'not an address' is not a valid"),
        (b"ada@example.org\nbob@exa\xe9mple.net\n", r":2: suppression file is not UTF-8 text"),
        (b"ada@example.org\r\nbob@\x00example.net\r\n", r":2: .* is not a valid e-mail address"),
    ],
)
def test_a_bad_suppression_line_stops_the_send_naming_it(
    tmp_path, sample_edition, smtp, capsys, content, message
):
    sink, port = smtp
    (tmp_path / "suppressed.txt").write_bytes(content)
    cfg = setup(tmp_path, sample_edition, port)
    code, _, err = run_cli(["--config", str(cfg), "send"], capsys)
    assert code != 0
    (line,) = err.strip().splitlines()
    assert re.search(re.escape(str(tmp_path / "suppressed.txt")) + message, line), line
    assert sink.received == []


def test_an_unreadable_suppression_file_stops_the_send(tmp_path, sample_edition):
    (tmp_path / "suppressed.txt").mkdir()  # a folder where the file should be
    settings = config.load(setup(tmp_path, sample_edition))
    with pytest.raises(UserError, match="suppression file cannot be read"):
        deliver.send(settings, dry_run=True)


# ---- read online ----------------------------------------------------------------------------


def message_for(settings: config.Settings) -> email.message.EmailMessage:
    """The sample edition's message to Ada, serialised and parsed as a reader gets it."""
    frm = deliver.sender(settings)
    content = mail.render_content(settings, mail.load_edition(settings), frm)
    ada = deliver.parse_address("Ada <ada@example.org>", "test")
    msg = mail.build_message(
        content, frm, ada, unsubscribe=unsub.plan(settings, frm), msg_id="<m@example.org>"
    )
    return email.message_from_bytes(bytes(msg), policy=policy.default)


def test_read_online_links_to_the_editions_page(tmp_path, sample_edition):
    settings = config.load(setup(tmp_path, sample_edition, extra=f"site:\n  base_url: {SITE}\n"))
    msg = message_for(settings)
    page = "https://brief.acme-trade.com/ai/2025-12/"
    assert html_links(msg)["Read this edition online"] == page
    assert f"Read online: {page}" in text_of(msg).splitlines()


@pytest.mark.parametrize(
    "base_url",
    [
        None,  # the shipped example
        "https://example.org/ai-trade-brief",
        '""',
        "https://www.example.com/brief/",
        "http://localhost:8000/",
        "http://127.0.0.1:8000/",
        "https://brief.test/",
        "/ai-trade-brief/",
    ],
)
def test_no_read_online_link_without_a_real_site_address(tmp_path, sample_edition, base_url):
    extra = f"site:\n  base_url: {base_url}\n" if base_url is not None else ""
    settings = config.load(setup(tmp_path, sample_edition, extra=extra))
    msg = message_for(settings)
    assert not any("online" in text.lower() for text in html_links(msg))
    assert "Read online" not in text_of(msg)
    assert "/2025-12/" not in msg.get_body(("html",)).get_content()
