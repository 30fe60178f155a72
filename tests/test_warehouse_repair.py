"""The warehouse heals itself: `aibrief refresh` restores a lost or corrupt reference table
or month file (checked against the manifest's checksums), and a rebuild killed between
its two renames is put back by the next command."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import config
from generator.analysis.document import compute_metrics
from generator.cli import main
from generator.data.refresh import needs_refresh, refresh
from generator.data.warehouse import Warehouse
from generator.errors import UserError
from tests.conftest import REPO, write_config


def cli(capsys, *args: str) -> tuple[int, str]:
    """Run `aibrief args…` in-process; (exit status, stderr)."""
    capsys.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


@pytest.fixture
def built(tmp_path, capsys):
    """A sample warehouse made by `aibrief refresh`, its config, and its metrics."""
    cfg = write_config(tmp_path / "site")
    code, err = cli(capsys, "--config", str(cfg), "refresh")
    assert code == 0, err
    settings = config.load(cfg)
    return cfg, settings, compute_metrics(settings, "2025-12").doc


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def checksums_match(settings: config.Settings) -> bool:
    wh = Warehouse(settings.warehouse_dir)
    man = wh.manifest()
    entries = [e for flow in man["flows"].values() for e in flow.values()]
    entries += list(man["reference"].values())
    return all(
        (wh.root / e["file"]).is_file()
        and hashlib.sha256((wh.root / e["file"]).read_bytes()).hexdigest() == e["sha256"]
        for e in entries
    )


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


# ---- reference tables ------------------------------------------------------------------------


def test_a_deleted_countries_file_is_restored_and_the_brief_names_countries(built, capsys):
    cfg, settings, before = built
    names = [s["name"] for s in before["sources"]]
    assert names and all(not re.fullmatch(r"\d{4}", n) for n in names)
    ref = Warehouse(settings.warehouse_dir).manifest()["reference"]["countries"]["file"]
    path = settings.warehouse_dir / ref
    path.unlink()

    assert needs_refresh(settings)  # so `aibrief run` refreshes first
    code, err = cli(capsys, "--config", str(cfg), "metrics", "--out", str(cfg.parent / "m.json"))
    assert code == 1 and "Traceback" not in err
    assert err.count("\n") == 1 and "countries" in err and str(path) in err
    assert "aibrief refresh" in err

    code, err = cli(capsys, "--config", str(cfg), "refresh")
    assert code == 0, err
    assert path.is_file() and checksums_match(settings)
    assert not needs_refresh(settings)
    assert compute_metrics(settings, "2025-12").doc == before

    code, err = cli(
        capsys, "--config", str(cfg), "render", "--month", "2025-12", "--format", "html"
    )
    assert code == 0, err
    text = page_text(settings.editions_dir / "2025-12" / "brief.html")
    assert f"{names[0]} supplied" in text
    assert not re.search(r"\b\d{4} supplied", text)
    for s in before["sources"]:
        assert not re.search(rf"\b{s['country_code']}\b", text)


def test_a_corrupt_commodities_file_is_one_clear_error_then_repaired(built, capsys):
    cfg, settings, before = built
    man = Warehouse(settings.warehouse_dir).manifest()
    path = settings.warehouse_dir / man["reference"]["commodities"]["file"]
    path.write_bytes(b"not parquet at all")
    assert needs_refresh(settings)
    code, err = cli(capsys, "--config", str(cfg), "classify", "--report")
    assert code == 1 and "Traceback" not in err and err.count("\n") == 1
    assert "commodities" in err and str(path) in err
    code, err = cli(capsys, "--config", str(cfg), "refresh")
    assert code == 0, err
    assert checksums_match(settings)
    assert Warehouse(settings.warehouse_dir).manifest() == man


def test_a_warehouse_without_reference_tables_is_an_error_not_codes(built):
    _cfg, settings, _ = built
    wh = Warehouse(settings.warehouse_dir)
    man = wh.manifest()
    del man["reference"]["countries"]
    wh.manifest_path.write_text(json.dumps(man), encoding="utf-8")
    with pytest.raises(UserError, match=r"countries.*aibrief refresh"):
        compute_metrics(settings, "2025-12")
    assert needs_refresh(settings)
    refresh(settings)
    assert checksums_match(settings)


# ---- corrupt month files ---------------------------------------------------------------------


def test_a_corrupt_month_file_is_repaired_by_refresh(built, capsys):
    cfg, settings, before = built
    wh = Warehouse(settings.warehouse_dir)
    man_bytes = wh.manifest_path.read_bytes()
    entry = wh.manifest()["flows"]["imports"]["2025-06"]
    path = settings.warehouse_dir / entry["file"]
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 3 : len(blob) // 3 + 64] = b"\xff" * 64  # bytes overwritten in place
    path.write_bytes(bytes(blob))
    assert not checksums_match(settings)

    assert needs_refresh(settings)
    code, err = cli(capsys, "--config", str(cfg), "refresh")
    assert code == 0, err
    assert "repaired" in err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    assert checksums_match(settings)
    assert wh.manifest_path.read_bytes() == man_bytes  # same data: no revision, same vintage
    assert compute_metrics(settings, "2025-12").doc == before


def test_a_deleted_month_file_is_restored_by_refresh(built, capsys):
    cfg, settings, before = built
    wh = Warehouse(settings.warehouse_dir)
    path = settings.warehouse_dir / wh.manifest()["flows"]["exports"]["2024-02"]["file"]
    path.unlink()
    with pytest.raises(UserError, match="aibrief refresh"):
        compute_metrics(settings, "2025-12")
    code, err = cli(capsys, "--config", str(cfg), "refresh")
    assert code == 0, err
    assert checksums_match(settings)
    assert compute_metrics(settings, "2025-12").doc == before


def test_census_refresh_refetches_a_corrupt_month_outside_the_revision_window(
    tmp_path, monkeypatch
):
    from generator.data.sources import census, sample
    from tests.census_stub import CensusStub, census_records

    tracked = ["2010", "5830", "5700"]
    months = census.month_span("2023-01", "2025-12")
    data = sample.generate(seed=7, scale=1.0, start="2023-01", end="2025-12")
    stub = CensusStub(census_records(data), months)
    url = stub.start()
    try:
        cfg = write_config(
            tmp_path,
            "data:\n  source: census\n  census:\n"
            f"    base_url: {url}\n    countries: [{', '.join(repr(c) for c in tracked)}]\n"
            "    retries: 1\n    backoff: 0\n    revision_months: 1\n",
        )
        settings = config.load(cfg)
        monkeypatch.setattr(census, "last_complete_month", lambda today=None: "2025-12")
        refresh(settings)
        before = compute_metrics(settings, "2025-12").doc
        wh = Warehouse(settings.warehouse_dir)
        path = wh.root / wh.manifest()["flows"]["imports"]["2024-05"]["file"]
        path.write_bytes(path.read_bytes()[:100])
        outcome = refresh(settings)
    finally:
        stub.stop()
    assert "2024-05" in outcome.plan.months
    assert checksums_match(settings)
    assert compute_metrics(settings, "2025-12").doc == before


# ---- a rebuild killed between its two renames ------------------------------------------------

KILLED_REBUILD = textwrap.dedent(
    """
    import os, sys, time
    real = os.replace
    def replace(src, dst, *args, **kwargs):
        # the second rename of the folder swap: staging → warehouse
        if os.path.basename(str(dst)) == "warehouse" and os.path.basename(str(src)) != "warehouse":
            open(sys.argv[2], "w").close()
            time.sleep(600)
        return real(src, dst, *args, **kwargs)
    os.replace = replace
    try:
        from generator import fsutil
        fsutil.exchange = lambda a, b: False  # a system without renameat2: two renames
    except ImportError:
        pass
    from generator.cli import main
    main(["--config", sys.argv[1], "refresh"])
    """
)


def wait_for(path: Path, proc: subprocess.Popen, bound: float = 300.0) -> None:
    deadline = time.monotonic() + bound
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the rebuild never reached the second rename"
        time.sleep(0.05)


def test_a_rebuild_killed_between_the_renames_is_recovered_by_the_next_command(built, capsys):
    cfg, settings, before = built
    root = settings.warehouse_dir
    old = snapshot(root)
    other = cfg.parent / "other.yaml"
    other.write_text(cfg.read_text() + "data:\n  sample:\n    seed: 99\n", encoding="utf-8")
    flag = cfg.parent / "at-second-rename"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_REBUILD, str(other), str(flag)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(flag, proc)
    finally:
        proc.kill()
        proc.communicate()
    assert not root.exists()  # the state a kill there leaves behind

    out = str(cfg.parent / "m.json")
    code, err = cli(capsys, "--config", str(cfg), "metrics", "--month", "2025-12", "--out", out)
    assert code == 0, err
    assert snapshot(root) == old
    assert json.loads((cfg.parent / "m.json").read_text()) == before
    assert sorted(p.name for p in root.parent.iterdir() if p.name.startswith(".warehouse")) == []


def test_refresh_after_a_killed_rebuild_starts_from_the_old_warehouse(built):
    _cfg, settings, _before = built
    root = settings.warehouse_dir
    old = snapshot(root)
    os.replace(root, root.with_name(".warehouse.old-999999999"))  # a pid no process has
    (root.parent / ".warehouse.staging-999999999-abc").mkdir()
    assert needs_refresh(settings) is False
    assert snapshot(root) == old
    assert not [p for p in root.parent.iterdir() if p.name.startswith(".warehouse")]
