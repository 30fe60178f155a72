"""E-mail header injection: a display name, an address or a subject carrying a CR/LF —
plain or as an RFC 2047 encoded word (`=?utf-8?q?=0D=0ABcc:_…?=`), which the `email`
package would decode into a real line break — is refused with one line naming where it
came from; unusual but honest names go out intact, with no header added."""

from __future__ import annotations

import email
import json
import re
import shutil
import socket
from email import policy
from pathlib import Path

import pytest

from generator import config
from generator.cli import main
from generator.errors import ConfigError, UserError
from generator.ops import schedule
from generator.outlets import deliver, mail
from generator.outlets import unsubscribe as unsub
from tests.conftest import write_config

EVIL = "evil@example.com"
# The same injection in the forms a reader's mail software (or Python's) decodes.
ENCODED = [
    pytest.param(f"=?utf-8?q?Ada=0D=0ABcc:_{EVIL}?=", id="q-bcc"),
    pytest.param(f"=?UTF-8?Q?Ada=0D=0AReply-To:_{EVIL}?=", id="q-reply-to"),
    pytest.param("Ada =?utf-8?b?DQpCY2M6IGV2aWxAZXhhbXBsZS5jb20=?=", id="b-bcc"),
    pytest.param(f"=?x-unknown?q?Ada=0ABcc:_{EVIL}?=", id="unknown-charset-lf"),
    pytest.param(f"=?utf-8?q?Ada=C2=85Bcc:_{EVIL}?=", id="next-line"),
    pytest.param(f"=?utf-8?q?=3D=3Futf-8=3Fq=3FAda=3D0D=3D0ABcc:_{EVIL}=3F=3D?=", id="nested"),
]
PLAIN = [
    pytest.param(f"Ada\r\nBcc: {EVIL}", id="plain-crlf"),
    pytest.param(f"Ada\nReply-To: {EVIL}", id="plain-lf"),
]


def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar holding `text` exactly (control characters escaped)."""
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    out = out.replace("\r", "\\r").replace("\n", "\\n").replace("\x85", "\\N")
    return f'"{out}"'


def setup(tmp_path: Path, sample_edition, email_yaml: str = "", csv_text: str = "") -> Path:
    """A config with its own copy of the sample edition; e-mail settings as given."""
    _, folder = sample_edition
    shutil.copytree(folder, tmp_path / "output" / "editions" / folder.name)
    csv_line = ""
    if csv_text:
        (tmp_path / "subscribers.csv").write_bytes(csv_text.encode("utf-8"))
        csv_line = f"  recipients_csv: {tmp_path / 'subscribers.csv'}\n"
    body = email_yaml or '  from: "AI Trade Brief <brief@example.org>"\n'
    return write_config(tmp_path, "email:\n" + body + csv_line)


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of `path` that holds `needle` (the first one)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, start=1) if needle in text)


def run(args: list[str], capsys) -> tuple[int, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    return code, capsys.readouterr().err


def assert_refused(cfg: Path, capsys, where: str) -> str:
    """`aibrief send --dry-run` stops with one error line naming `where`; no .eml written."""
    code, err = run(["--config", str(cfg), "send", "--dry-run"], capsys)
    assert code != 0
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("aibrief: error: ") and where in lines[0], err
    assert not list((cfg.parent / "output").glob("outbox/*/*.eml"))
    return lines[0]


def outbox(cfg: Path) -> dict[str, email.message.EmailMessage]:
    folder = cfg.parent / "output" / "outbox" / "2025-12"
    return {
        p.name: email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(folder.glob("*.eml"))
    }


# ---- (a) a display name in recipients_csv ----------------------------------------------------


@pytest.mark.parametrize("name", ENCODED + PLAIN)
def test_a_csv_display_name_that_decodes_to_a_line_break_is_refused(
    tmp_path, sample_edition, capsys, name
):
    cell = '"' + name.replace('"', '""') + '"'
    rows = f"address,name\nzoe@example.org,Zoë\nada@example.org,{cell}\ncy@example.org,Cy\n"
    cfg = setup(tmp_path, sample_edition, csv_text=rows)
    line = assert_refused(cfg, capsys, f"{tmp_path / 'subscribers.csv'}:3:")
    assert "display name" in line
    assert "control character" in line or "encoded word (=?…?=) inside" in line
    settings = config.load(cfg)
    with pytest.raises(UserError, match=re.escape("subscribers.csv:3: display name")):
        deliver.recipients(settings)


def test_a_line_break_inside_a_quoted_csv_cell_is_refused_not_dropped(tmp_path):
    """A quoted cell may hold a line break (it used to vanish, the two lines glued
    together): refused, at the line its row starts on."""
    path = tmp_path / "subscribers.csv"
    path.write_text('a@example.org,A\nb@example.org,"Two\nlines"\n', encoding="utf-8")
    with pytest.raises(UserError) as info:
        deliver._csv_recipients(path)
    assert str(info.value).startswith(f"{path}:2: display name 'Two\\nlines'")
    path.write_text(f"a@example.org,A\n\nb@example.org,=?utf-8?q?B=0D=0ABcc:_{EVIL}?=\n")
    with pytest.raises(UserError, match=re.escape(f"{path}:3: display name")):
        deliver._csv_recipients(path)


def test_an_address_with_an_encoded_word_is_refused(tmp_path, sample_edition, capsys):
    """`=?…?=` is a valid local part for the address grammar, and the `email` package
    decodes it there too: `=?utf-8?q?x=0D=0ABcc=3A_evil=40example.com?=@example.org`."""
    local = "=?utf-8?q?x=0D=0ABcc=3A_evil=40example.com?="
    cfg = setup(tmp_path, sample_edition, csv_text=f"zoe@example.org\n{local}@example.org\n")
    line = assert_refused(cfg, capsys, f"{tmp_path / 'subscribers.csv'}:2:")
    assert "not a valid e-mail address" in line


def test_a_refused_recipient_leaves_the_last_outbox_as_it_was(tmp_path, sample_edition, capsys):
    cfg = setup(tmp_path, sample_edition, csv_text="zoe@example.org,Zoë\n")
    assert run(["--config", str(cfg), "send", "--dry-run"], capsys)[0] == 0
    folder = tmp_path / "output" / "outbox" / "2025-12"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    (tmp_path / "subscribers.csv").write_text(
        f"zoe@example.org,Zoë\nada@example.org,=?utf-8?q?A=0D=0ABcc:_{EVIL}?=\n"
    )
    code, err = run(["--config", str(cfg), "send", "--dry-run"], capsys)
    assert code == 1 and "subscribers.csv:2:" in err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


# ---- (b) email.to and (d) email.from -------------------------------------------------------


@pytest.mark.parametrize("name", ENCODED + PLAIN)
def test_email_to_with_an_injecting_display_name_is_refused(tmp_path, sample_edition, capsys, name):
    entry = yaml_str(f"{name} <ada@example.org>")
    cfg = setup(
        tmp_path,
        sample_edition,
        '  from: "AI Trade Brief <brief@example.org>"\n'
        "  to:\n"
        "    - bob@example.net\n"
        f"    - {entry}\n",
    )
    assert_refused(cfg, capsys, f"{cfg}:{line_of(cfg, '<ada@example.org>')}: email.to.1: ")
    # Settings changed after loading are checked again where the message is made.
    good = setup(tmp_path / "good", sample_edition)
    settings = config.load(good)
    settings.email.to = ["bob@example.net", f"{name} <ada@example.org>"]
    with pytest.raises(UserError, match=r"email\.to\[1\]: display name"):
        deliver.recipients(settings)


@pytest.mark.parametrize("name", ENCODED + PLAIN)
def test_email_from_with_an_injecting_display_name_is_refused(
    tmp_path, sample_edition, capsys, name
):
    entry = yaml_str(f"{name} <brief@example.org>")
    cfg = setup(tmp_path, sample_edition, f"  from: {entry}\n  to: [bob@example.net]\n")
    assert_refused(cfg, capsys, f"{cfg}:{line_of(cfg, 'from:')}: email.from: ")
    settings = config.load(setup(tmp_path / "good", sample_edition))
    settings.email.from_ = f"{name} <brief@example.org>"
    with pytest.raises(UserError, match=r"email\.from: display name"):
        deliver.sender(settings)


# ---- (c) a note's headline in the subject --------------------------------------------------


def with_note(tmp_path: Path, sample_edition, headline_yaml: str, page_headline: str) -> Path:
    """The sample edition with an editor's note whose headline the page shows."""
    notes = tmp_path / "notes"
    notes.mkdir(parents=True)
    (notes / "2025-12.md").write_text(f"---\nheadline: {headline_yaml}\n---\n")
    cfg = setup(
        tmp_path,
        sample_edition,
        '  from: "AI Trade Brief <brief@example.org>"\n  to: [bob@example.net]\n',
    )
    cfg.write_text(
        cfg.read_text().replace("email:\n", f"  notes: {notes}\nemail:\n", 1), encoding="utf-8"
    )
    folder = tmp_path / "output" / "editions" / "2025-12"
    page = folder / "brief.html"
    page.write_text(re.sub(r"<h1>[^<]*</h1>", f"<h1>{page_headline}</h1>", page.read_text()))
    # As if the edition had been built with the note: its narrative.json says so too.
    words = json.loads((folder / "narrative.json").read_text())
    words.update(headline=page_headline, note_path=str(notes / "2025-12.md"))
    (folder / "narrative.json").write_text(json.dumps(words))
    return cfg


@pytest.mark.parametrize(
    "headline",
    [
        f"Chips =?utf-8?q?carry=0D=0ABcc:_{EVIL}?=",
        f"Chips =?utf-8?q?carry=0D=0AReply-To:_{EVIL}?=",
        "Chips =?utf-8?b?Y2FycnkNCkJjYzogZXZpbEBleGFtcGxlLmNvbQ==?=",
    ],
)
def test_a_note_headline_that_decodes_to_a_line_break_is_refused(
    tmp_path, sample_edition, capsys, headline
):
    cfg = with_note(tmp_path, sample_edition, yaml_str(headline), headline)
    note = tmp_path / "notes" / "2025-12.md"
    line = assert_refused(cfg, capsys, f"{note}:2: headline")
    assert "subject" in line
    settings = config.load(cfg)
    with pytest.raises(UserError, match=re.escape(f"{note}:2: headline")):
        mail.render_content(settings, mail.load_edition(settings), deliver.sender(settings))


def test_a_note_headline_with_a_plain_line_break_is_refused(tmp_path, sample_edition, capsys):
    """The note collapses it into a space for the page; the subject refuses it still."""
    cfg = with_note(
        tmp_path, sample_edition, yaml_str(f"Chips\r\nBcc: {EVIL}"), f"Chips Bcc: {EVIL}"
    )
    assert_refused(cfg, capsys, f"{tmp_path / 'notes' / '2025-12.md'}:2: headline")


# ---- (e) schedule.alert_to -----------------------------------------------------------------


@pytest.mark.parametrize("name", ENCODED + PLAIN)
def test_alert_to_with_an_injecting_display_name_is_refused(tmp_path, name):
    cfg = write_config(tmp_path, f"schedule:\n  alert_to:\n    - {yaml_str(name + ' <o@x.org>')}\n")
    with pytest.raises(ConfigError) as info:
        config.load(cfg)
    line = line_of(cfg, "<o@x.org>")
    assert str(info.value).startswith(f"{cfg}:{line}: schedule.alert_to.0: ")
    assert "\n" not in str(info.value)
    settings = config.load(write_config(tmp_path / "good"))
    settings.email.smtp.port = 9  # discard: nothing may be sent before the check
    settings.schedule.alert_to = ["ops@example.org", f"{name} <oncall@example.org>"]
    with pytest.raises(UserError, match=r"schedule\.alert_to\[1\]: display name"):
        schedule.send_alert(settings, "run failed", "details")


def test_the_alert_keeps_unusual_names_without_adding_headers(tmp_path):
    from aiosmtpd.controller import Controller

    got = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            got.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = config.load(write_config(tmp_path))
    smtp = settings.email.smtp
    smtp.host, smtp.port, smtp.security = "127.0.0.1", port, "none"
    settings.email.from_ = '"Brief, AI" <brief@example.org>'
    settings.schedule.alert_to = ['"Müller, Zoë" <zoe@example.org>']
    ctl = Controller(Handler(), hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        schedule.send_alert(settings, "run failed", "details")
    finally:
        ctl.stop()
    (envelope,) = got
    msg = email.message_from_bytes(envelope.content, policy=policy.default)
    assert envelope.rcpt_tos == ["zoe@example.org"]
    assert sorted(msg.keys()) == sorted(
        ["Subject", "From", "To", "Content-Type", "Content-Transfer-Encoding", "MIME-Version"]
    )
    (to,) = msg["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Müller, Zoë", "zoe@example.org")
    assert msg["From"].addresses[0].display_name == "Brief, AI"


# ---- honest names go out as they are --------------------------------------------------------

CSV_NAMES = {
    "zoe@example.org": ("Zoë Müller", "Zoë Müller"),
    "mz@example.org": ('"Müller, Zoë"', "Müller, Zoë"),
    "zee@example.org": ('"Zoë ""Zee"" Müller"', 'Zoë "Zee" Müller'),
    "enc@example.org": ("=?utf-8?q?Zo=C3=AB_M=C3=BCller?=", "Zoë Müller"),
    "split@example.org": ("=?utf-8?q?Zo=C3?= =?utf-8?q?=AB?=", "Zoë"),
    "jp@example.org": ("山田 太郎", "山田 太郎"),
    "at@example.org": ('"Ops @ Example, <Team>"', "Ops @ Example, <Team>"),
}
TO_NAMES = {
    "ada@example.org": (r'"Smith, Ada"', "Smith, Ada"),
    "pat@example.org": (r'"O\"Brien, Pat"', 'O"Brien, Pat'),
    "ren@example.org": ("Renée =?iso-8859-1?q?Fran=E7oise?=", "Renée Françoise"),
}
HEADERS = {"Subject", "From", "To", "Date", "Message-ID", "List-Unsubscribe"}
HEADERS |= {"MIME-Version", "Content-Type"}


def test_dry_run_writes_unusual_names_intact_and_adds_no_header(tmp_path, sample_edition, capsys):
    rows = "address,name\n" + "".join(f"{a},{cell}\n" for a, (cell, _) in CSV_NAMES.items())
    to = "".join(f"    - {yaml_str(f'{cell} <{a}>')}\n" for a, (cell, _) in TO_NAMES.items())
    cfg = setup(
        tmp_path,
        sample_edition,
        '  from: "=?utf-8?q?Br=C3=AEef?=, AI <brief@example.org>"\n  to:\n' + to,
        csv_text=rows,
    )
    code, err = run(["--config", str(cfg), "send", "--dry-run"], capsys)
    assert code == 0, err
    messages = outbox(cfg)
    expected = {a: shown for a, (_, shown) in {**CSV_NAMES, **TO_NAMES}.items()}
    assert sorted(messages) == sorted(f"{a}.eml" for a in expected)
    for address, shown in expected.items():
        msg = messages[f"{address}.eml"]
        assert set(msg.keys()) == HEADERS, (address, msg.keys())
        assert not (set(msg.keys()) & {"Bcc", "Cc", "Reply-To", "Sender"})
        (to_addr,) = msg["To"].addresses
        assert (to_addr.display_name, to_addr.addr_spec) == (shown, address)
        (frm,) = msg["From"].addresses
        assert (frm.display_name, frm.addr_spec) == ("Brîef, AI", "brief@example.org")
        assert msg["Subject"].startswith("[Sample] ") and "\n" not in msg["Subject"]
        raw = (cfg.parent / "output" / "outbox" / "2025-12" / f"{address}.eml").read_bytes()
        head = raw.split(b"\n\n", 1)[0]
        assert all(ord(" ") <= b < 0x7F or b in b"\r\n\t" for b in head)  # 7-bit headers


def test_list_unsubscribe_with_an_encoded_line_break_is_refused(tmp_path):
    """The header is unstructured: the `email` package decodes an encoded word in it."""
    url = f"https://example.org/u=?utf-8?q?=0D=0ABcc:_{EVIL}?="
    cfg = write_config(tmp_path, f"email:\n  list_unsubscribe: {url}\n")
    settings = config.load(cfg)
    sender = deliver.sender(settings)
    where = re.escape(f"{cfg}:{line_of(cfg, '  list_unsubscribe:')}: email.list_unsubscribe: ")
    with pytest.raises(UserError, match=rf"^{where}address .* control character"):
        unsub.plan(settings, sender)
