"""`refresh --source census --dry-run` asks nothing; an unreachable API fails fast (at most two
attempts per call, with no splitting); a long refresh says how far it got."""

from __future__ import annotations

import re
import socket
from collections import Counter
from pathlib import Path

import pytest

from generator import config
from generator.cli import main
from generator.data.refresh import refresh
from generator.data.sources import census, sample
from generator.data.warehouse import Warehouse
from generator.errors import UserError
from tests.census_stub import census_records, running
from tests.conftest import write_config

SPAN = census.month_span("2025-01", "2025-12")
TRACKED = ["2010", "5830", "1220"]


@pytest.fixture(scope="module")
def records():
    return census_records(sample.generate(seed=7, scale=1.0, start="2025-01", end="2025-12"))


@pytest.fixture
def stub(records):
    with running(records, SPAN) as s:
        yield s


def settings_for(folder: Path, url: str, extra: str = "") -> config.Settings:
    cfg = write_config(
        folder,
        "data:\n  source: sample\n  start: 2025-01\n  census:\n"
        f"    base_url: {url}\n    countries: [{', '.join(repr(c) for c in TRACKED)}]\n"
        "    retries: 3\n    backoff: 0\n    timeout: 60\n    concurrency: 2\n" + extra,
    )
    return config.load(cfg)


@pytest.fixture
def refused_port():
    """A loopback port with a socket bound but not listening: connecting is refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


# ---- dry run -------------------------------------------------------------------------------------


def test_dry_run_makes_no_request_and_says_what_it_assumes(stub, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(census, "last_complete_month", lambda today=None: "2025-12")
    s = settings_for(tmp_path, stub.url)
    main(["--config", str(s.source_path), "refresh", "--source", "census", "--dry-run"])
    out = capsys.readouterr().out
    assert stub.calls == []
    assert "latest released month: not known" in out
    assert "up to 2025-12" in out
    assert "months to fetch: 2025-01 … 2025-12 (12)" in out
    assert f"calls: {2 * (1 + len(TRACKED))} (+ 1 to find the released months)" in out
    assert "GET imports/hs?get=" in out
    assert not s.warehouse_dir.exists()


def test_dry_run_plans_up_to_the_to_month(stub, tmp_path, capsys):
    s = settings_for(tmp_path, stub.url)
    main(
        ["--config", str(s.source_path), "refresh", "--source", "census", "--dry-run"]
        + ["--from", "2025-03", "--to", "2025-06"]
    )
    out = capsys.readouterr().out
    assert stub.calls == []
    assert "not known" in out and "up to 2025-06" in out
    assert "months to fetch: 2025-03 … 2025-06 (4)" in out


def test_dry_run_without_to_plans_up_to_the_last_complete_month(stub, tmp_path, capsys):
    s = settings_for(tmp_path, stub.url)
    main(["--config", str(s.source_path), "refresh", "--source", "census", "--dry-run"])
    out = capsys.readouterr().out
    assert stub.calls == []
    assert f"up to {census.last_complete_month()}" in out


# ---- unreachable ------------------------------------------------------------------------------


def counting(client: census.CensusClient) -> Counter:
    """Attempts per call (the same call retried counts on one key)."""
    attempts: Counter = Counter()
    real = client._once

    def once(flow, params, what):
        attempts[what] += 1
        return real(flow, params, what)

    client._once = once  # type: ignore[method-assign]
    return attempts


def test_connection_refused_fails_after_at_most_two_attempts(tmp_path, refused_port, capsys):
    url = f"http://127.0.0.1:{refused_port}/data/timeseries/intltrade"
    s = settings_for(tmp_path, url)
    slept: list[float] = []
    client = census.CensusClient(s.data.census, s.cache_dir, sleep=slept.append, progress=False)
    attempts = counting(client)
    with pytest.raises(UserError) as err:
        refresh(s, "census", client=client)
    msg = str(err.value)
    assert "\n" not in msg and f"127.0.0.1:{refused_port}" in msg
    assert "refused" in msg.lower()
    assert attempts and max(attempts.values()) <= 2
    assert len(slept) <= 1
    assert not Warehouse(s.warehouse_dir).exists()


def test_unreachable_api_is_not_split_or_retried_per_request(tmp_path, refused_port):
    """The plan's calls (12 months each, splittable) each stop after two attempts."""
    url = f"http://127.0.0.1:{refused_port}/data/timeseries/intltrade"
    s = settings_for(tmp_path, url, "    months_per_request: 12\n")
    client = census.CensusClient(s.data.census, s.cache_dir, sleep=lambda _: None, progress=False)
    attempts = counting(client)
    plan = census.make_plan(SPAN, [], s.data.census, "2025-01")
    with pytest.raises(census.CensusError):
        client.fetch(plan)
    assert attempts and max(attempts.values()) <= 2
    assert client.log.splits == 0
    assert len(attempts) <= len(plan.requests)


def test_a_name_that_does_not_resolve_is_not_retried_as_transient(tmp_path, monkeypatch):
    def no_dns(*_args, **_kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)  # no resolver is ever asked
    s = settings_for(tmp_path, "http://census.invalid/data/timeseries/intltrade")
    client = census.CensusClient(s.data.census, s.cache_dir, sleep=lambda _: None, progress=False)
    attempts = counting(client)
    with pytest.raises(UserError) as err:
        refresh(s, "census", client=client)
    assert "census.invalid" in str(err.value) and "\n" not in str(err.value)
    assert max(attempts.values()) <= 2


# ---- progress --------------------------------------------------------------------------------


def test_a_long_refresh_shows_progress_lines_on_stderr(stub, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(census, "last_complete_month", lambda today=None: "2025-12")
    s = settings_for(tmp_path, stub.url, "    months_per_request: 1\n")
    client = census.CensusClient(s.data.census, s.cache_dir, progress=True)
    out = refresh(s, "census", client=client)
    assert out.result is not None
    err = capsys.readouterr().err
    total = 12 * 2 * (1 + len(TRACKED))
    lines = re.findall(rf"^census: (\d+)/{total} calls, (\d{{4}}-\d\d)", err, re.M)
    assert len(lines) >= 2, err
    done = [int(n) for n, _ in lines]
    assert done == sorted(done) and done[-1] == total
