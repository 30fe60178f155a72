"""Tasks run in forked worker processes while the caller goes on (an edition's charts
beside its narrative): the workers inherit the modules and data already loaded, and
none outlives the process that forked them, however it ends.

Forking copies only the calling thread: a lock another thread holds at that moment
stays held in the child for ever. So work is forked only from a process whose Python
threads are just the main one (`can_fork`); that is a best-effort check, since it sees
only threads started through `threading` (native libraries' own threads, such as
DuckDB's or OpenBLAS's, take care of the fork themselves). A worker that hangs all the
same is given up after TIMEOUT_S, far above the few seconds the work takes."""

from __future__ import annotations

import contextlib
import ctypes
import math
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from generator.errors import UserError

TIMEOUT_S = 600.0
CPU_MAX = Path("/sys/fs/cgroup/cpu.max")  # cgroup v2: "quota period", or "max period"
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

# The task of the pool's workers: set just before they fork (all at the first submit
# with the fork start method), so they inherit it; never pickled.
_task: Callable[[Any], Any] | None = None


def can_fork() -> bool:
    """Whether work may be forked from this process now (see the module's docstring)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def cores() -> int:
    """The cores this process may use: its CPU affinity, within a cgroup's CPU quota
    (a container given 1.5 CPUs of a large host gets 2)."""
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        quota, period = CPU_MAX.read_text(encoding="ascii").split()[:2]
        if quota != "max":
            n = min(n or 1, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, n or 1)


@contextlib.contextmanager
def forked(
    task: Callable[[Any], Any], items: Sequence[Any], workers: int
) -> Iterator[Callable[[], list[Any]]]:
    """`task` of each item in `workers` forked processes, begun at once; the function
    yielded waits for the results, in the items' order, and raises the first error
    (a UserError as raised, anything else as a RuntimeError naming its item). On the
    way out by an error, the workers are ended at once rather than waited for."""
    global _task
    ctx = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(
        min(workers, len(items)), mp_context=ctx, initializer=_start, initargs=(os.getpid(),)
    )
    done = False
    try:
        _task = task
        try:
            futures = [pool.submit(_run, item) for item in items]
        finally:
            _task = None  # the workers have it; this process needs it no more

        def results() -> list[Any]:
            try:
                return [f.result(timeout=TIMEOUT_S) for f in futures]
            except FutureTimeout:
                raise UserError(
                    f"a worker process gave no result in {TIMEOUT_S:g} s; "
                    "it was stopped and nothing was written"
                ) from None

        yield results
        done = True
    finally:
        if not done:
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.kill()
        pool.shutdown(wait=True, cancel_futures=True)


def _start(parent: int) -> None:
    """A worker: Ctrl-C is the parent's to handle (the whole process group gets it), and
    the worker dies with the parent: a SIGTERM or a kill runs no clean-up there, and a
    worker left behind would keep its output open to whoever reads it (cron, CI)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))
    if os.getppid() != parent:  # the parent died before prctl took hold
        os._exit(1)


def _run(item: Any) -> Any:
    assert _task is not None, "forked() sets the task before the workers fork"
    try:
        return _task(item)
    except UserError:
        raise
    except Exception as exc:  # noqa: BLE001 - some exceptions cannot be rebuilt in the parent
        raise RuntimeError(f"{item}: {exc!r}") from None
