"""Work forked beside the caller (generator/forked.py): results in order, errors as
raised, and no worker outliving the process that forked it, however that one ends.
Waits poll with bounds far above the work; nothing here asserts a speed."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from generator import forked
from generator.errors import UserError
from tests.conftest import REPO

BOUND_S = 60.0  # far above what any wait here takes on a loaded machine


def wait_for(check, what: str):
    end = time.monotonic() + BOUND_S
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {BOUND_S:.0f} s")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1]
    return state != "Z"  # a zombie has ended


def square(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


class NeedsTwo(Exception):
    def __init__(self, a: str, *, b: str) -> None:  # pickles, but cannot be rebuilt
        super().__init__(f"{a} {b}")


def fails(n: int) -> int:
    if n == 2:
        raise UserError("no such name", where="charts.yaml:12 (tariffs.title)")
    if n == 3:
        raise NeedsTwo("a", b="b")
    return n


def test_results_come_in_order_from_the_workers():
    with forked.forked(square, [3, 1, 2, 5], 2) as results:
        got = results()
    assert [r for r, _ in got] == [9, 1, 4, 25]
    assert os.getpid() not in {pid for _, pid in got}
    assert multiprocessing.active_children() == []


def test_errors_come_back_as_raised_or_named():
    with pytest.raises(UserError) as err, forked.forked(fails, [1, 2], 2) as results:
        results()
    assert err.value.where == "charts.yaml:12 (tariffs.title)"
    assert str(err.value) == "charts.yaml:12 (tariffs.title): no such name"
    named = pytest.raises(RuntimeError, match=r"^3: NeedsTwo\('a b'\)")
    with named, forked.forked(fails, [3], 1) as results:
        results()
    assert multiprocessing.active_children() == []


def test_a_worker_that_never_answers_is_given_up_and_stopped(monkeypatch):
    monkeypatch.setattr(forked, "TIMEOUT_S", 0.5)
    given_up = pytest.raises(UserError, match="gave no result in 0.5 s")
    with given_up, forked.forked(time.sleep, [3600], 1) as results:
        results()
    assert multiprocessing.active_children() == []  # killed, not waited an hour for


SCRIPT = """
import os, sys, time
from generator import forked

def nap(item):
    with open(sys.argv[1], "a") as fh:
        fh.write(f"{os.getpid()}\\n")
    time.sleep(3600)

with forked.forked(nap, [1, 2], 2) as results:
    results()
"""


def _start_parent(tmp_path: Path) -> tuple[subprocess.Popen, list[int]]:
    """A process forking two workers that sleep an hour; it and their pids."""
    record = tmp_path / "pids"
    record.touch()
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent(SCRIPT), encoding="utf-8")
    parent = subprocess.Popen(
        [sys.executable, str(script), str(record)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    pids = wait_for(
        lambda: (
            [int(x) for x in record.read_text().split()]
            if len(record.read_text().split()) == 2
            else None
        ),
        "two workers started",
    )
    return parent, pids


def test_workers_die_with_a_killed_parent(tmp_path):
    parent, pids = _start_parent(tmp_path)
    parent.send_signal(signal.SIGTERM)  # no clean-up runs in the parent
    parent.wait(timeout=BOUND_S)
    wait_for(lambda: not any(alive(p) for p in pids), "the workers gone")
    out, err = parent.communicate(timeout=BOUND_S)  # nothing holds its pipes open
    assert out == b""


def test_ctrl_c_is_the_parents_alone(tmp_path):
    parent, pids = _start_parent(tmp_path)
    for pid in pids:
        os.kill(pid, signal.SIGINT)  # as a terminal's Ctrl-C reaches the whole group
    time.sleep(0.2)  # (nothing to wait for: a worker that took it would be gone)
    assert all(alive(p) for p in pids)
    parent.send_signal(signal.SIGINT)
    parent.wait(timeout=BOUND_S)
    wait_for(lambda: not any(alive(p) for p in pids), "the workers gone")
    _, err = parent.communicate(timeout=BOUND_S)
    assert b"ForkProcess" not in err  # no worker's traceback, only the parent's


@pytest.mark.parametrize(
    ("cpu_max", "affinity", "cores"),
    [("150000 100000\n", 8, 2), ("max 100000\n", 8, 8), ("50000 100000\n", 8, 1), (None, 4, 4)],
)
def test_cores_within_a_cgroup_quota(monkeypatch, tmp_path, cpu_max, affinity, cores):
    path = tmp_path / "cpu.max"
    if cpu_max is not None:
        path.write_text(cpu_max, encoding="ascii")
    monkeypatch.setattr(forked, "CPU_MAX", path)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(affinity)))
    assert forked.cores() == cores
