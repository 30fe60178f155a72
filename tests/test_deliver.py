"""E-mail delivery against a real SMTP server on loopback (aiosmtpd, with AUTH): every
part arrives, each recipient gets the edition once, failures are retried on the next
run only for those who failed, and the password shows up nowhere we write."""

from __future__ import annotations

import base64
import email
import json
import logging
import re
import shutil
import socket
import threading
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from generator import config
from generator.cli import main
from generator.errors import UserError
from generator.outlets import deliver
from tests.conftest import write_config

USER = "brief-sender"
PASSWORD = "s3cret-Pa55word-do-not-leak"

# AUTH without TLS is what the test server needs (loopback only); it warns about it.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """An SMTP handler that keeps what it receives and answers as a test scripts it."""

    def __init__(self) -> None:
        self.received: list[
            tuple[str, list[str], bytes, tuple]
        ] = []  # from, to, data, client (host, port)
        self.rcpt_replies: dict[str, list[str]] = {}  # address → replies to give, in turn
        self.data_replies: list[str] = []  # replies to the next DATA commands, in turn
        self.logins: list[str] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        queue = self.rcpt_replies.get(address)
        if queue:
            reply = queue[0] if len(queue) == 1 else queue.pop(0)
            if not reply.startswith("250"):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_replies:
            return self.data_replies.pop(0)
        with self.lock:
            self.received.append(
                (envelope.mail_from, list(envelope.rcpt_tos), envelope.content, session.peer)
            )
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode()
        password = auth_data.password.decode()
        self.logins.append(login)
        if login == USER and password == PASSWORD:
            return AuthResult(success=True)
        # A badly behaved server that echoes what it got: we must not repeat it.
        return AuthResult(success=False, handled=False, message=f"535 5.7.8 bad {password}")

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(data, policy=policy.default)
            for _, rcpts, data, _ in self.received
            if address in rcpts
        ]


@pytest.fixture
def smtp_server():
    sink = Sink()
    port = free_port()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port,
        authenticator=sink.authenticate,
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def setup(tmp_path: Path, sample_edition, port: int, extra: str = "", csv_rows: str = ""):
    """A config with its own output folder holding a copy of the sample edition."""
    _, folder = sample_edition
    shutil.copytree(folder, tmp_path / "output" / "editions" / folder.name)
    csv_line = ""
    if csv_rows:
        (tmp_path / "subscribers.csv").write_text(csv_rows, encoding="utf-8")
        csv_line = f"  recipients_csv: {tmp_path / 'subscribers.csv'}\n"
    cfg = write_config(
        tmp_path,
        "email:\n"
        '  from: "AI Trade Brief <brief@example.org>"\n'
        "  to:\n"
        '    - "Ada Reader <ada@example.org>"\n'
        "    - bob@example.net\n"
        f"{csv_line}"
        "  smtp:\n"
        "    host: 127.0.0.1\n"
        f"    port: {port}\n"
        "    security: none\n"
        "    timeout: 60\n"
        "    retries: 2\n" + extra,
    )
    return cfg


@pytest.fixture(autouse=True)
def env(monkeypatch):
    monkeypatch.setenv("AIBRIEF_SMTP_USERNAME", USER)
    monkeypatch.setenv("AIBRIEF_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setattr(deliver, "BACKOFF", 0.0)


def run(args: list[str], capsys) -> tuple[int, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    return code, capsys.readouterr().err


def ledger(tmp_path: Path) -> dict:
    path = tmp_path / "output" / "state" / "deliveries" / "2025-12.json"
    return json.loads(path.read_text())["recipients"]


def parts(msg) -> dict[str, list]:
    found: dict[str, list] = {}
    for part in msg.walk():
        found.setdefault(part.get_content_type(), []).append(part)
    return found


def test_send_delivers_every_part_once_over_one_connection(
    tmp_path, sample_edition, smtp_server, capsys
):
    sink, port = smtp_server
    cfg = setup(tmp_path, sample_edition, port, csv_rows="address,name\ncy@example.com,Cy Smith\n")
    code, err = run(["--config", str(cfg), "send"], capsys)
    assert code == 0, err
    assert "sent to 3 of 3 recipient(s)" in err
    assert sink.logins == [USER]  # AUTH happened, once: one connection for everyone
    assert len({session for *_, session in sink.received}) == 1
    assert sorted(rcpt for _, rcpts, _, _ in sink.received for rcpt in rcpts) == [
        "ada@example.org",
        "bob@example.net",
        "cy@example.com",
    ]
    assert all(frm == "brief@example.org" for frm, *_ in sink.received)

    pdf = (tmp_path / "output" / "editions" / "2025-12" / "brief.pdf").read_bytes()
    (msg,) = sink.to("cy@example.com")
    assert str(msg["To"]) == "Cy Smith <cy@example.com>"
    assert msg["Subject"].startswith("[Sample] ")
    assert msg["Message-ID"] and msg["Date"]
    assert msg["List-Unsubscribe"] == "<mailto:brief@example.org?subject=unsubscribe>"
    found = parts(msg)
    assert {"text/plain", "text/html", "application/pdf", "image/png"} <= set(found)
    (attachment,) = found["application/pdf"]
    assert attachment.get_content() == pdf  # byte-identical to the edition's PDF
    assert attachment.get_filename() == "ai-trade-brief-2025-12.pdf"
    html = found["text/html"][0].get_content()
    cids = {p["Content-ID"].strip("<>") for p in found["image/png"]}
    referenced = set(re.findall(r'src="cid:([^"]+)"', html))
    assert referenced and referenced <= cids
    text = found["text/plain"][0].get_content()
    assert "By the numbers:" in text and "illustrative" in text.lower()

    entries = ledger(tmp_path)
    assert {k: v["status"] for k, v in entries.items()} == {
        "ada@example.org": "delivered",
        "bob@example.net": "delivered",
        "cy@example.com": "delivered",
    }
    assert entries["ada@example.org"]["message_id"] == sink.to("ada@example.org")[0]["Message-ID"]


def test_second_run_sends_nothing(tmp_path, sample_edition, smtp_server, capsys):
    sink, port = smtp_server
    cfg = setup(tmp_path, sample_edition, port)
    assert run(["--config", str(cfg), "send"], capsys)[0] == 0
    assert len(sink.received) == 2
    code, err = run(["--config", str(cfg), "send"], capsys)
    assert code == 0
    assert "already have this edition; nothing sent" in err
    assert len(sink.received) == 2


def test_rejected_recipient_is_reported_and_only_it_is_retried(
    tmp_path, sample_edition, smtp_server, capsys
):
    sink, port = smtp_server
    cfg = setup(tmp_path, sample_edition, port, csv_rows="cy@example.com\n")
    sink.rcpt_replies["bob@example.net"] = ["550 5.1.1 <bob@example.net>: user unknown"]
    code, err = run(["--config", str(cfg), "send"], capsys)
    assert code == 1
    assert "sent to 2 of 3 recipient(s), 1 failed (retried on the next run)" in err
    assert "failed: bob@example.net: 550 5.1.1 <bob@example.net>: user unknown" in err
    assert len(sink.received) == 2
    assert ledger(tmp_path)["bob@example.net"]["status"] == "failed"

    sink.rcpt_replies.clear()  # the mailbox exists again
    code, err = run(["--config", str(cfg), "send"], capsys)
    assert code == 0, err
    assert "sent to 1 of 3 recipient(s), 2 already had it" in err
    assert [rcpts for _, rcpts, _, _ in sink.received[2:]] == [["bob@example.net"]]
    assert all(v["status"] == "delivered" for v in ledger(tmp_path).values())


def test_transient_failures_are_retried_in_the_same_run(tmp_path, sample_edition, smtp_server):
    sink, port = smtp_server
    cfg = setup(tmp_path, sample_edition, port)
    sink.rcpt_replies["ada@example.org"] = ["451 4.3.0 try again later", "250 OK"]
    sink.data_replies = ["421 4.3.2 closing connection"]  # and smtplib hangs up
    sleeps: list[float] = []
    report = deliver.send(config.load(cfg), sleep=sleeps.append, backoff=0.5)
    assert report.ok and len(report.delivered) == 2
    assert len(sleeps) == 2 and sleeps[1] >= 2 * 0.5  # backoff doubles
    assert sorted(r for _, rcpts, _, _ in sink.received for r in rcpts) == [
        "ada@example.org",
        "bob@example.net",
    ]
    assert sink.logins == [USER, USER]  # one reconnection, after the 421


def test_resend_sends_again_with_a_new_message_id(tmp_path, sample_edition, smtp_server, capsys):
    sink, port = smtp_server
    cfg = setup(tmp_path, sample_edition, port)
    assert run(["--config", str(cfg), "send"], capsys)[0] == 0
    assert run(["--config", str(cfg), "send", "--resend"], capsys)[0] == 0
    first, second = sink.to("ada@example.org")
    assert first["Message-ID"] != second["Message-ID"]
    assert ledger(tmp_path)["ada@example.org"]["generation"] == 1
    assert run(["--config", str(cfg), "send"], capsys)[0] == 0
    assert len(sink.received) == 4


def test_a_crash_mid_run_loses_and_duplicates_nothing(
    tmp_path, sample_edition, smtp_server, monkeypatch
):
    sink, port = smtp_server
    cfg = setup(tmp_path, sample_edition, port, csv_rows="cy@example.com\n")
    real_send = deliver.Session.send
    calls = []

    def crash_on_second(self, msg, from_addr, to_addr):
        calls.append(to_addr)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the operator's Ctrl-C, or a kill
        real_send(self, msg, from_addr, to_addr)

    monkeypatch.setattr(deliver.Session, "send", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        deliver.send(config.load(cfg))
    assert [r for _, rcpts, _, _ in sink.received for r in rcpts] == ["ada@example.org"]
    assert list(ledger(tmp_path)) == ["ada@example.org"]

    monkeypatch.setattr(deliver.Session, "send", real_send)
    report = deliver.send(config.load(cfg))
    assert report.delivered == ["bob@example.net", "cy@example.com"]
    assert sorted(r for _, rcpts, _, _ in sink.received for r in rcpts) == [
        "ada@example.org",
        "bob@example.net",
        "cy@example.com",
    ]


def test_password_is_in_no_log_line_eml_or_state_file(
    tmp_path, sample_edition, smtp_server, capsys, caplog, monkeypatch
):
    sink, port = smtp_server
    cfg = setup(tmp_path, sample_edition, port)
    caplog.set_level(logging.DEBUG)
    sink.rcpt_replies["bob@example.net"] = ["550 5.1.1 no such user"]
    code, err = run(["--config", str(cfg), "send"], capsys)
    assert code == 1
    code, err2 = run(["--config", str(cfg), "send", "--dry-run", "--resend"], capsys)
    assert code == 0, err2

    # A wrong password that the server echoes in its refusal: redacted before we say it.
    wrong = "wrong-" + PASSWORD
    cfg2 = setup(tmp_path / "other", sample_edition, port)
    monkeypatch.setenv("AIBRIEF_SMTP_PASSWORD", wrong)
    code, err3 = run(["--config", str(cfg2), "send"], capsys)
    assert code == 1
    assert "SMTP login refused: 535 5.7.8 bad [redacted]" in err3

    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("mail.")]
    written = [
        p.read_bytes()
        for root in (tmp_path / "output", tmp_path / "other" / "output")
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".eml", ".json", ".html", ".lock")
    ]
    assert any(p.name.endswith(".eml") for p in (tmp_path / "output" / "outbox").rglob("*"))
    for secret in (PASSWORD, wrong):
        b64 = base64.b64encode(secret.encode()).decode()
        for text in [err, err2, err3, *ours]:
            assert secret not in text and b64 not in text
        for blob in written:
            assert secret.encode() not in blob and b64.encode() not in blob


def test_dry_run_writes_one_eml_per_recipient_and_sends_nothing(tmp_path, sample_edition, capsys):
    cfg = setup(tmp_path, sample_edition, free_port())  # nobody listens there
    code, err = run(["--config", str(cfg), "send", "--dry-run"], capsys)
    assert code == 0, err
    outbox = tmp_path / "output" / "outbox" / "2025-12"
    assert "dry run: 2 message(s) for 2025-12 written to" in err
    names = sorted(p.name for p in outbox.iterdir())
    assert names == ["ada@example.org.eml", "bob@example.net.eml", "preview.html"]
    msg = email.message_from_bytes(
        (outbox / "ada@example.org.eml").read_bytes(), policy=policy.default
    )
    assert str(msg["To"]) == "Ada Reader <ada@example.org>"
    assert not (tmp_path / "output" / "state" / "deliveries" / "2025-12.json").exists()
    preview = (outbox / "preview.html").read_text()
    assert "cid:" not in preview and "../../editions/2025-12/charts/" in preview


def test_an_unanswering_server_times_out_and_stops_the_run(tmp_path, sample_edition, capsys):
    with socket.socket() as silent:  # accepts connections (backlog) but never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        cfg = setup(tmp_path, sample_edition, port, extra="")
        text = (
            cfg.read_text()
            .replace("timeout: 60", "timeout: 0.3")
            .replace("retries: 2", "retries: 1")
        )
        cfg.write_text(text)
        code, err = run(["--config", str(cfg), "send"], capsys)
    assert code == 1
    assert f"cannot connect to the SMTP server 127.0.0.1:{port}: timed out" in err
    assert "sent to 0 of 2 recipient(s), 2 not attempted" in err
    assert not (tmp_path / "output" / "state" / "deliveries" / "2025-12.json").exists()


def test_bad_addresses_name_where_they_came_from(tmp_path, sample_edition, capsys):
    cfg = setup(
        tmp_path,
        sample_edition,
        free_port(),
        csv_rows="# readers\nok@example.com\nnot-an-address\n",
    )
    code, err = run(["--config", str(cfg), "send", "--dry-run"], capsys)
    assert code == 1
    assert err.strip() == (
        f"aibrief: error: {tmp_path / 'subscribers.csv'}:3: 'not-an-address' is not a valid "
        "e-mail address"
    )
    cfg.write_text(cfg.read_text().replace("bob@example.net", "bob@@example"))
    code, err = run(["--config", str(cfg), "send", "--dry-run"], capsys)
    assert code == 1
    line = next(i for i, t in enumerate(cfg.read_text().splitlines(), 1) if "bob@@" in t)
    assert f"config.yaml:{line}: email.to[1]: 'bob@@example' is not a valid e-mail address" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "address",
    [
        "a b@example.org",
        "a@example",
        "a@-example.org",
        "a@example..org",
        "a\n@example.org",
        "@x.org",
    ],
)
def test_invalid_addresses(address):
    with pytest.raises(UserError, match="is not a valid e-mail address"):
        deliver.parse_address(address, "here")


def test_valid_addresses():
    a = deliver.parse_address('"Reader, A." <a.b+brief@sub.example.org>', "here")
    assert (a.display_name, a.addr_spec) == ("Reader, A.", "a.b+brief@sub.example.org")
    assert deliver.parse_address("x@localhost", "here").domain == "localhost"
    assert deliver.parse_address("x@bücher.de", "here").addr_spec == "x@xn--bcher-kva.de"


def test_refuses_the_password_in_clear_to_a_remote_host(tmp_path, sample_edition):
    cfg = setup(tmp_path, sample_edition, 25)
    cfg.write_text(cfg.read_text().replace("host: 127.0.0.1", "host: mail.example.org"))
    with pytest.raises(UserError, match="refusing to send the SMTP password unencrypted"):
        deliver.send(config.load(cfg))


def test_missing_credentials_pair_is_named(tmp_path, sample_edition, monkeypatch):
    cfg = setup(tmp_path, sample_edition, free_port())
    monkeypatch.delenv("AIBRIEF_SMTP_USERNAME")
    with pytest.raises(UserError, match="AIBRIEF_SMTP_PASSWORD is set but AIBRIEF_SMTP_USERNAME"):
        deliver.send(config.load(cfg))


def test_one_sender_at_a_time(tmp_path, sample_edition):
    cfg = setup(tmp_path, sample_edition, free_port())
    settings = config.load(cfg)
    with (
        deliver.run_lock(settings.state_dir, "2025-12"),
        pytest.raises(UserError, match="another `aibrief send` of 2025-12 is running"),
    ):
        deliver.send(settings)
