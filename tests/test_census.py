"""The Census client against a local stand-in (tests/census_stub.py): plans, retries,
resume after an interrupt, validation before commit, and files ≡ census."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from generator import config
from generator.analysis.document import compute_metrics
from generator.data import schema
from generator.data.refresh import refresh
from generator.data.sources import census, sample
from generator.data.warehouse import Warehouse
from generator.errors import UserError
from tests.census_stub import Reply, census_records, running
from tests.conftest import REPO, write_config

TRACKED = ["2010", "5830", "5700", "1220", "5520"]
MONTHS = census.month_span("2023-01", "2025-12")


@pytest.fixture(scope="module")
def records():
    return census_records(sample.generate(seed=7, scale=1.0, start="2023-01", end="2025-12"))


@pytest.fixture
def stub(records):
    with running(records, MONTHS) as s:
        yield s


def settings_for(folder: Path, url: str, extra: str = "", timeout: float = 60) -> config.Settings:
    """The stub answers in milliseconds; the 60 s timeout only catches a hang."""
    cfg = write_config(
        folder,
        "data:\n  source: census\n  census:\n"
        f"    base_url: {url}\n"
        f"    countries: [{', '.join(repr(c) for c in TRACKED)}]\n"
        f"    retries: 3\n    backoff: 0\n    timeout: {timeout}\n    concurrency: 4\n" + extra,
    )
    return config.load(cfg)


def end_today(monkeypatch, month: str = "2025-12") -> None:
    monkeypatch.setattr(census, "last_complete_month", lambda today=None: month)


def served(records, flow: str, months: list[str]) -> pd.DataFrame:
    return records[flow][records[flow]["time"].isin(months)]


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# ---- the plan -----------------------------------------------------------------------------------


def test_contiguous_runs_and_plan_counts():
    assert census.contiguous_runs(["2024-03", "2024-01", "2024-02", "2024-06"], 2) == [
        ("2024-01", "2024-02"),
        ("2024-03",),
        ("2024-06",),
    ]
    cs = config.CensusSettings(countries=TRACKED, revision_months=3, months_per_request=12)
    held = census.month_span("2023-01", "2025-11")
    plan = census.make_plan(MONTHS, held, cs, "2023-01")
    assert plan.months == ["2025-09", "2025-10", "2025-11", "2025-12"]
    assert plan.revision == ["2025-09", "2025-10", "2025-11"]
    # One run of months: a total plus one call per country, for each flow.
    assert len(plan.requests) == (1 + len(TRACKED)) * 2
    assert {r.params()["time"] for r in plan.requests} == {"from 2025-09 to 2025-12"}
    assert {r.country for r in plan.requests} == {None, *TRACKED}


def test_request_params_follow_the_wire_format():
    r = census.Request("imports", "5830", ("2025-01", "2025-02"))
    p = r.params()
    assert p["time"] == "from 2025-01 to 2025-02" and p["COMM_LVL"] == "HS10"
    assert p["CTY_CODE"] == "5830" and "CTY_CODE" not in p["get"].split(",")
    assert p["get"].split(",")[:2] == ["I_COMMODITY", "I_COMMODITY_LDESC"]
    total = census.Request("exports", None, ("2025-01",)).params()
    assert "CTY_CODE" not in total and total["time"] == "2025-01"


# ---- full and incremental refresh ------------------------------------------------------------


def test_full_then_incremental_refresh_equals_the_served_data(stub, records, tmp_path, monkeypatch):
    end_today(monkeypatch)
    stub.released = set(MONTHS[:-1])  # December 2025 not out yet
    s = settings_for(tmp_path, stub.url)
    first = refresh(s)
    assert first.result is not None and first.plan.full
    wh = Warehouse(s.warehouse_dir)
    assert wh.common_months() == MONTHS[:-1]

    # A revision inside the window, and a new month released.
    rec = stub.records["imports"]
    hit = rec.index[(rec["time"] == "2025-10") & (rec["CTY_CODE"] == "2010")][0]
    rec.loc[hit, "CON_VAL_MO"] += 1_000_000.0
    stub.released.add("2025-12")
    stub.calls.clear()
    second = refresh(s)
    assert len(stub.calls) <= (1 + len(TRACKED)) * 2 + 1  # + the release probe
    assert second.plan.months == ["2025-09", "2025-10", "2025-11", "2025-12"]
    assert wh.common_months() == MONTHS

    # Tracked countries exactly as served; the rest of the world is the sum of the others.
    got = wh.read("imports")
    want = served(stub.records, "imports", MONTHS)
    tracked = want[want["CTY_CODE"].isin(TRACKED)]
    mine = got[got["country_code"] != schema.REST_OF_WORLD]
    assert len(mine) == len(tracked)
    merged = mine.merge(
        tracked,
        left_on=["period", "hs10", "country_code"],
        right_on=["time", "I_COMMODITY", "CTY_CODE"],
    )
    assert len(merged) == len(tracked)
    assert (merged["value_con"] == merged["CON_VAL_MO"]).all()
    assert (merged["duty"] == merged["CAL_DUT_MO"]).all()
    rest = got[got["country_code"] == schema.REST_OF_WORLD]["value_con"].sum()
    assert rest == pytest.approx(want[~want["CTY_CODE"].isin(TRACKED)]["CON_VAL_MO"].sum())
    assert got["value_con"].sum() == pytest.approx(want["CON_VAL_MO"].sum())
    assert not got.duplicated(["period", "hs10", "country_code"]).any()

    # The derived rest of the world counts in totals but never ranks as a source.
    doc = compute_metrics(s, "2025-12").doc
    assert doc["data"]["source"] == "census" and doc["data"]["sample"] is False
    codes = [x["country_code"] for x in doc["sources"] + doc["category_leaders"]]
    assert codes and schema.REST_OF_WORLD not in codes
    assert set(codes) <= set(TRACKED)

    man = wh.manifest()["flows"]["imports"]
    assert man["2025-10"]["revision"]["value_change"] == pytest.approx(1_000_000.0)
    assert "revision" not in man["2025-12"]
    assert man["2025-12"]["fetched_at"]


def test_nothing_released_yet_is_not_an_error(stub, tmp_path, monkeypatch):
    end_today(monkeypatch, "2026-03")
    s = settings_for(tmp_path, stub.url)
    refresh(s)
    stub.calls.clear()
    stub.released = set(MONTHS)
    out = refresh(s, first="2026-01", last="2026-03")
    assert out.result is None and "no new or revised month" in out.message
    assert len(stub.calls) == 1


def test_dry_run_prints_the_plan_and_calls_nothing(stub, tmp_path, monkeypatch, capsys):
    from generator.cli import main

    end_today(monkeypatch)
    s = settings_for(tmp_path, stub.url)
    main(["--config", str(s.source_path), "refresh", "--source", "census", "--dry-run"])
    out = capsys.readouterr().out
    assert "months to fetch: 2023-01 … 2025-12 (36)" in out
    assert f"calls: {3 * 2 * (1 + len(TRACKED))}" in out
    assert "2010" in out and "GET imports/hs?get=" in out
    assert len(stub.calls) == 0  # not even the release probe (tests/test_census_dryrun.py)
    assert not s.warehouse_dir.exists()


# ---- errors and retries ------------------------------------------------------------------------


def once(reply: Reply, match=lambda flow, p: "CTY_CODE" in p):
    """A fault that fires on the first matching call only."""
    fired = []

    def fault(flow, params, n):
        if not fired and match(flow, params):
            fired.append(n)
            return reply
        return None

    fault.fired = fired
    return fault


@pytest.mark.parametrize(
    "reply",
    [
        Reply(500, b"internal error"),
        Reply(503, b"busy"),
        Reply(429, b"slow down", {"Retry-After": "0"}),
        Reply(200, b'[["I_COMMODITY","I_COMMODITY_LDESC","CON_VA'),  # truncated JSON
        Reply(200, b"[]", delay=3.0),  # longer than the 2 s timeout
    ],
    ids=["500", "503", "429", "truncated", "timeout"],
)
def test_transient_failures_are_retried(stub, tmp_path, monkeypatch, reply):
    end_today(monkeypatch)
    fault = once(reply)
    stub.faults.append(fault)
    # The delayed reply comes 3 s late; a 2 s client timeout always fires first.
    timeout = 2 if reply.delay else 60
    s = settings_for(tmp_path, stub.url, "    months_per_request: 36\n", timeout=timeout)
    out = refresh(s)
    assert fault.fired
    assert out.result is not None
    assert Warehouse(s.warehouse_dir).common_months() == MONTHS


def test_retry_after_is_honoured(stub, tmp_path, monkeypatch):
    end_today(monkeypatch)
    stub.faults.append(once(Reply(429, b"", {"Retry-After": "1"})))
    s = settings_for(tmp_path, stub.url, "    months_per_request: 36\n")
    slept = []
    client = census.CensusClient(s.data.census, s.cache_dir, sleep=slept.append, progress=False)
    refresh(s, client=client)
    assert slept and max(slept) >= 1.0


def test_a_400_is_one_line_with_the_api_text_and_nothing_changes(stub, tmp_path, monkeypatch):
    end_today(monkeypatch)
    s = settings_for(tmp_path, stub.url)
    refresh(s)
    before = snapshot(s.warehouse_dir)
    stub.faults.append(lambda f, p, n: Reply(400, b"error: unknown predicate variable: 'CTY'"))
    with pytest.raises(UserError) as err:
        refresh(s, first="2025-10", last="2025-12")
    assert "HTTP 400: error: unknown predicate variable: 'CTY'" in str(err.value)
    assert "\n" not in str(err.value)
    assert snapshot(s.warehouse_dir) == before


def test_persistent_server_errors_give_up_with_one_line(stub, tmp_path, monkeypatch):
    end_today(monkeypatch)
    s = settings_for(tmp_path, stub.url, "    months_per_request: 1\n")
    stub.faults.append(lambda f, p, n: Reply(500, b"down") if "CTY_CODE" in p else None)
    with pytest.raises(UserError, match=r"HTTP 500 \(gave up after 4 attempts\)"):
        refresh(s)
    assert not Warehouse(s.warehouse_dir).exists()


def test_a_large_request_that_keeps_failing_is_split(stub, tmp_path, monkeypatch):
    end_today(monkeypatch)
    s = settings_for(tmp_path, stub.url, "    months_per_request: 36\n")

    # Any request spanning more than 12 months fails every time.
    def too_long(flow, params, n):
        spec = params.get("time", "")
        ranged = params.get("COMM_LVL") == "HS10" and spec.startswith("from ")
        if ranged and len(census.month_span(*spec[5:].split(" to "))) > 12:
            return Reply(504, b"gateway timeout")
        return None

    stub.faults.append(too_long)
    client = census.CensusClient(s.data.census, s.cache_dir, progress=False)
    refresh(s, client=client)
    assert client.log.splits > 0
    assert Warehouse(s.warehouse_dir).common_months() == MONTHS


def test_a_missing_column_fails_and_the_warehouse_stays(stub, tmp_path, monkeypatch):
    end_today(monkeypatch)
    s = settings_for(tmp_path, stub.url)
    refresh(s)
    before = snapshot(s.warehouse_dir)
    real = stub.data

    def without_duty(flow, params):
        reply = real(flow, params)
        if flow == "imports" and reply.status == 200 and "CAL_DUT_MO" in params.get("get", ""):
            rows = json.loads(reply.body)
            i = rows[0].index("CAL_DUT_MO")
            reply.body = json.dumps([r[:i] + r[i + 1 :] for r in rows]).encode()
        return reply

    stub.data = without_duty
    with pytest.raises(UserError, match="missing column CAL_DUT_MO"):
        refresh(s, first="2025-12", last="2025-12")
    assert snapshot(s.warehouse_dir) == before


def test_country_rows_above_the_total_are_refused(stub, tmp_path, monkeypatch):
    end_today(monkeypatch)
    real = stub.data

    def inflate(flow, params):
        """Taiwan's answer claims far more than the all-country total for one record."""
        reply = real(flow, params)
        if flow == "imports" and params.get("CTY_CODE") == "5830" and reply.status == 200:
            rows = json.loads(reply.body)
            i = rows[0].index("CON_VAL_MO")
            rows[1][i] = str(int(rows[1][i]) * 50 + 10**9)
            reply.body = json.dumps(rows).encode()
        return reply

    stub.data = inflate
    s = settings_for(tmp_path, stub.url)
    with pytest.raises(UserError, match="more than the all-country total"):
        refresh(s)
    assert not Warehouse(s.warehouse_dir).exists()


def test_groupings_and_total_rows_in_a_country_answer_are_not_double_counted(
    stub, records, tmp_path, monkeypatch
):
    end_today(monkeypatch)
    stub.extra_country_rows = True
    s = settings_for(tmp_path, stub.url)
    refresh(s)
    got = Warehouse(s.warehouse_dir).read("imports")
    want = served(records, "imports", MONTHS)
    assert got["value_con"].sum() == pytest.approx(want["CON_VAL_MO"].sum())
    assert not set(got["country_code"]) & {"0003", "-"}


def test_the_key_is_sent_but_never_shown_or_stored(stub, tmp_path, monkeypatch, capsys):
    end_today(monkeypatch)
    secret = "k" * 39 + "Z"
    monkeypatch.setenv("CENSUS_API_KEY", secret)
    s = settings_for(tmp_path, stub.url)
    refresh(s)
    assert all(p.get("key") == secret for _, p in stub.calls)
    stub.faults.append(lambda f, p, n: Reply(400, f"error: bad key={p.get('key')}".encode()))
    from generator.cli import main

    with pytest.raises(SystemExit):
        main(["--config", str(s.source_path), "refresh", "--from", "2025-12"])
    err = capsys.readouterr().err
    assert "bad key=***" in err and secret not in err
    for p in tmp_path.rglob("*"):
        if p.is_file():
            assert secret.encode() not in p.read_bytes(), p


# ---- interrupted and resumed --------------------------------------------------------------------


def test_an_interrupted_refresh_resumes_without_duplicates(stub, tmp_path):
    slow = {"n": 0}

    def slow_countries(flow, params, n):
        if "CTY_CODE" in params and params.get("COMM_LVL") == "HS10":
            slow["n"] += 1
            time.sleep(0.3)
        return None

    stub.faults.append(slow_countries)
    s = settings_for(tmp_path, stub.url, "    months_per_request: 6\n")
    script = (
        "import signal, sys\n"
        # A shell starts background jobs with SIGINT ignored, and Python keeps that:
        # restore Ctrl-C so the test behaves the same however pytest was started.
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from generator.data.sources import census\n"
        "census.last_complete_month = lambda today=None: '2025-12'\n"
        "from generator.cli import main\n"
        f"main(['--config', {str(s.source_path)!r}, 'refresh'])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while slow["n"] < 8 and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0, err
    assert b"interrupted" in err
    assert not Warehouse(s.warehouse_dir).exists(), "no partial warehouse after the interrupt"
    cached = list((s.cache_dir / "census").rglob("*.json"))
    assert cached, "completed requests were kept for the next run"

    stub.faults.clear()
    stub.calls.clear()
    total_requests = (1 + len(TRACKED)) * 2 * 6
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert len(stub.calls) < total_requests + 1, "the second run reused the cache"
    wh = Warehouse(s.warehouse_dir)
    assert wh.common_months() == MONTHS
    got = wh.read("imports")
    assert not got.duplicated(["period", "hs10", "country_code"]).any()
    want = stub.records["imports"]
    assert got["value_con"].sum() == pytest.approx(want["CON_VAL_MO"].sum())
    assert not list((s.cache_dir / "census").rglob("*.json")), "cache dropped after success"


# ---- files and census agree ------------------------------------------------------------------


def test_files_and_census_give_the_same_metrics(stub, tmp_path, monkeypatch):
    end_today(monkeypatch)
    s_api = settings_for(tmp_path / "api", stub.url)
    refresh(s_api)
    m_api = compute_metrics(s_api, "2025-12").doc

    # The same records as bulk files: tracked countries plus the all-country total rows.
    folder = tmp_path / "bulk"
    folder.mkdir()
    for flow, code in (("imports", "I_COMMODITY"), ("exports", "E_COMMODITY")):
        rec = stub.records[flow]
        countries = rec[rec["CTY_CODE"].isin(TRACKED)]
        num = [c for c in rec.columns if c.endswith("_MO")]
        totals = rec.groupby(["time", code, f"{code}_LDESC", "UNIT_QY1"], as_index=False)[num].sum()
        totals["CTY_CODE"] = "-"
        totals["CTY_NAME"] = "TOTAL FOR ALL COUNTRIES"
        both = pd.concat([countries, totals], ignore_index=True)
        for year, part in both.groupby(both["time"].str[:4]):
            part.to_csv(folder / f"{flow}-{year}.csv", index=False)
    s_files = config.load(
        write_config(
            tmp_path / "files",
            f"data:\n  source: files\n  files:\n    imports: {folder}/imports-*.csv\n"
            f"    exports: {folder}/exports-*.csv\n",
        )
    )
    refresh(s_files)
    m_files = compute_metrics(s_files, "2025-12").doc
    m_api.pop("data")
    m_files.pop("data")
    assert m_api == m_files
