"""The U.S. Census international trade API (imports/hs, exports/hs): a client that
plans calls, retries, resumes, and hands back records in the warehouse schema.

Wire format and pitfalls: docs/CENSUS-DATA.md. The API key comes from the
environment variable named by data.census.api_key_env and never appears in a message,
a log line or a file.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import shutil
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from generator import report
from generator.config import CensusSettings
from generator.data.sources import TradeData
from generator.data.sources.census_format import (
    DESCRIPTION,
    FLOW_VARS,
    CensusDataError,
    check_figures,
    normalize,
    records_frame,
)
from generator.errors import UserError
from generator.fsutil import write_atomic

ENDPOINT = {"imports": "imports/hs", "exports": "exports/hs"}
COMMODITY = {"imports": "I_COMMODITY", "exports": "E_COMMODITY"}
PROBE_VALUE = {"imports": "CON_VAL_MO", "exports": "ALL_VAL_MO"}


class CensusError(UserError):
    """The API said no, or could not be reached after every retry."""


class CensusGaveUp(CensusError):
    """Every retry failed (timeouts, 5xx, 429): a smaller request may still go through."""


class CensusUnreachable(CensusError):
    """The host does not resolve or refuses connections: retrying will not help, and
    neither would splitting the request."""


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class _Unreachable(_Retryable):
    """DNS failure or connection refused: worth one more try (a blip), not a backoff series."""


def _is_unreachable(reason: object) -> bool:
    if isinstance(reason, socket.gaierror | ConnectionRefusedError):
        return True
    return isinstance(reason, OSError) and reason.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH)


# ---- months -------------------------------------------------------------------------------


def _mi(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _mn(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_span(first: str, last: str) -> list[str]:
    return [_mn(i) for i in range(_mi(first), _mi(last) + 1)]


def last_complete_month(today: date | None = None) -> str:
    today = today or date.today()
    return _mn(today.year * 12 + today.month - 2)


def contiguous_runs(months: Iterable[str], size: int) -> list[tuple[str, ...]]:
    """Sorted months cut into runs without gaps, each at most `size` long."""
    runs: list[list[str]] = []
    for m in sorted(set(months)):
        if runs and _mi(m) == _mi(runs[-1][-1]) + 1 and len(runs[-1]) < size:
            runs[-1].append(m)
        else:
            runs.append([m])
    return [tuple(r) for r in runs]


# ---- requests and the plan ------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    flow: str
    country: str | None  # None: HS10 totals over all countries
    months: tuple[str, ...]

    def params(self) -> dict[str, str]:
        names = FLOW_VARS[self.flow]
        get = [v for v in names if v not in ("time", "CTY_CODE")]
        get.insert(1, DESCRIPTION[self.flow])
        if self.country is not None:
            get.append("CTY_NAME")
        p = {"get": ",".join(get), "COMM_LVL": "HS10", "time": self.time()}
        if self.country is not None:
            p["CTY_CODE"] = self.country
        return p

    def time(self) -> str:
        if len(self.months) == 1:
            return self.months[0]
        return f"from {self.months[0]} to {self.months[-1]}"

    @property
    def label(self) -> str:
        who = "all countries" if self.country is None else f"country {self.country}"
        return f"{self.flow} {self.time()} {who}"

    def key(self) -> str:
        text = json.dumps([self.flow, self.country, self.months])
        return hashlib.sha256(text.encode()).hexdigest()[:24]

    def split(self) -> list[Request]:
        half = len(self.months) // 2
        return [
            Request(self.flow, self.country, self.months[:half]),
            Request(self.flow, self.country, self.months[half:]),
        ]


@dataclass
class Plan:
    released: list[str]  # months the API has, from data.start on
    months: list[str]  # months to fetch now
    revision: list[str]  # of those, months already held (the revision window)
    countries: list[str]
    requests: list[Request]
    full: bool  # a full refresh (nothing reusable in the warehouse)

    def describe(self, base_url: str, assumed_through: str | None = None) -> str:
        """The plan in words. With `assumed_through` (a dry run, which asks nothing) the
        released months are not known: the plan assumes every month up to that one."""
        if assumed_through is None:
            released = f"  released months: {_span(self.released)}"
            probe = "1 already made"
        else:
            released = (
                "  latest released month: not known without asking the API (a dry run sends "
                f"no request); planning up to {assumed_through}"
            )
            probe = "1"
        lines = [
            f"Census refresh plan ({'full' if self.full else 'incremental'}), base URL {base_url}",
            released,
            f"  months to fetch: {_span(self.months)}"
            + (f" (revision window: {_span(self.revision)})" if self.revision else ""),
            f"  countries asked one by one: {len(self.countries)} "
            f"({', '.join(self.countries)}); rest of world = total − these",
            f"  calls: {len(self.requests)} (+ {probe} to find the released months)",
        ]
        for r in self.requests[:6]:
            query = urllib.parse.urlencode(r.params())
            lines.append(f"    GET {ENDPOINT[r.flow]}?{query}")
        if len(self.requests) > 6:
            lines.append(f"    … and {len(self.requests) - 6} more")
        return "\n".join(lines)


def _span(months: list[str]) -> str:
    if not months:
        return "none"
    return months[0] if len(months) == 1 else f"{months[0]} … {months[-1]} ({len(months)})"


def make_plan(
    released: list[str],
    held: list[str],
    settings: CensusSettings,
    start: str,
    only: tuple[str | None, str | None] = (None, None),
) -> Plan:
    """Months missing from the warehouse plus the last `revision_months` it holds."""
    released = [m for m in released if m >= start]
    lo, hi = only
    if lo or hi:
        months = [m for m in released if (not lo or m >= lo) and (not hi or m <= hi)]
        revision = [m for m in months if m in held]
    else:
        missing = [m for m in released if m not in held]
        window = [m for m in sorted(held) if m in released][-settings.revision_months :]
        window = window if settings.revision_months else []
        months = sorted(set(missing) | set(window))
        revision = sorted(window)
    requests = []
    for run in contiguous_runs(months, settings.months_per_request):
        for flow in ("imports", "exports"):
            requests.append(Request(flow, None, run))
            requests.extend(Request(flow, c, run) for c in settings.countries)
    return Plan(released, months, revision, list(settings.countries), requests, not held)


# ---- the client ------------------------------------------------------------------------------


@dataclass
class CallLog:
    """What the client did, for the refresh summary and for tests."""

    calls: int = 0
    retries: int = 0
    cached: int = 0
    splits: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **kw: int) -> None:
        with self.lock:
            for k, v in kw.items():
                setattr(self, k, getattr(self, k) + v)


class CensusClient:
    def __init__(
        self,
        settings: CensusSettings,
        cache_dir: Path,
        *,
        sleep: Callable[[float], None] = time.sleep,
        progress: bool | None = None,
    ) -> None:
        self.settings = settings
        self.base = settings.base_url.rstrip("/")
        self.key = os.environ.get(settings.api_key_env) or None
        self.cache_root = cache_dir / "census"
        self.sleep = sleep
        # Progress goes through generator.report unless turned off: a bar on a terminal,
        # lines in a log.
        self.progress = True if progress is None else progress
        self.log = CallLog()

    # -- one call ---------------------------------------------------------------------------
    def _url(self, flow: str, params: dict[str, str]) -> str:
        query = dict(params)
        if self.key:
            query["key"] = self.key
        return f"{self.base}/{ENDPOINT[flow]}?{urllib.parse.urlencode(query)}"

    def _redact(self, text: str) -> str:
        return text.replace(self.key, "***") if self.key else text

    def get(self, flow: str, params: dict[str, str]) -> list[list[str]] | None:
        """Rows (header first) or None for 204 "no data"; retries what is worth retrying."""
        what = f"{ENDPOINT[flow]} time={params.get('time')}" + (
            f" CTY_CODE={params['CTY_CODE']}" if "CTY_CODE" in params else ""
        )
        attempt = 0
        while True:
            try:
                return self._once(flow, params, what)
            except _Retryable as exc:
                # A name that does not resolve or a refused connection gets one more try.
                unreachable = isinstance(exc, _Unreachable)
                limit = min(self.settings.retries, 1) if unreachable else self.settings.retries
                if attempt >= limit:
                    raise self._give_up(what, exc, attempt + 1) from None
                delay = self.settings.backoff * (2**attempt) * (0.5 + random.random())
                if exc.retry_after is not None:
                    delay = max(delay, exc.retry_after)
                self.log.add(retries=1)
                attempt += 1
                self._note(f"{what}: {exc}; retry {attempt} of {limit} in {delay:.0f} s")
                self.sleep(delay)

    def _give_up(self, what: str, exc: _Retryable, attempts: int) -> CensusError:
        if isinstance(exc, _Unreachable):
            host = urllib.parse.urlsplit(self.base).netloc
            return CensusUnreachable(
                f"{what}: cannot reach {host}: {exc} (gave up after {attempts} attempts; "
                "check the network and data.census.base_url)"
            )
        return CensusGaveUp(f"{what}: {exc} (gave up after {attempts} attempts)")

    def _note(self, text: str) -> None:
        """One line on stderr, so a slow or failing refresh is never silent."""
        if self.progress:
            report.say(f"census: {text}")  # above the bar, if one is drawn

    def _once(self, flow: str, params: dict[str, str], what: str) -> list[list[str]] | None:
        self.log.add(calls=1)
        req = urllib.request.Request(self._url(flow, params), headers={"User-Agent": "aibrief"})
        try:
            with urllib.request.urlopen(req, timeout=self.settings.timeout) as resp:
                status = resp.status
                body = resp.read()
        except urllib.error.HTTPError as exc:
            text = self._redact(exc.read().decode("utf-8", "replace").strip())
            if exc.code == 429 or exc.code >= 500:
                retry_after = _retry_after(exc.headers.get("Retry-After"))
                raise _Retryable(f"HTTP {exc.code}", retry_after) from None
            first = text.splitlines()[0] if text else exc.reason
            raise CensusError(f"{what}: HTTP {exc.code}: {first}") from None
        except (TimeoutError, ConnectionError, urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if _is_unreachable(reason):
                text = getattr(reason, "strerror", None) or str(reason)
                raise _Unreachable(self._redact(text)) from None
            raise _Retryable(self._redact(f"{type(exc).__name__}: {reason}")) from None
        if status == 204 or not body.strip():
            return None
        try:
            rows = json.loads(body)
        except json.JSONDecodeError:
            raise _Retryable("truncated or invalid JSON") from None
        if not isinstance(rows, list) or not rows or not isinstance(rows[0], list):
            raise _Retryable("answer is not a JSON array of rows")
        return rows

    # -- what is out --------------------------------------------------------------------------
    def released_months(self, start: str, end: str) -> list[str]:
        """One small call: chapter 85 imports by month over the span; 204 → none yet."""
        params = {
            "get": PROBE_VALUE["imports"],
            "COMM_LVL": "HS2",
            COMMODITY["imports"]: "85",
            "time": start if start == end else f"from {start} to {end}",
        }
        rows = self.get("imports", params)
        if rows is None:
            return []
        header = rows[0]
        if "time" not in header:
            raise CensusError("release probe: the answer has no 'time' column")
        i = header.index("time")
        return sorted({r[i] for r in rows[1:]})

    # -- many calls -------------------------------------------------------------------------------
    def fetch(self, plan: Plan) -> dict[str, list[pd.DataFrame]]:
        """Every request of the plan, cached on disk as it completes, so that an interrupted
        refresh resumes where it stopped. Returns frames of Census records by flow."""
        plan_id = hashlib.sha256(
            json.dumps([self.base, [r.key() for r in plan.requests]]).encode()
        ).hexdigest()[:16]
        cache = self.cache_root / plan_id
        cache.mkdir(parents=True, exist_ok=True)
        frames: dict[str, list[pd.DataFrame]] = {"imports": [], "exports": []}
        lock = threading.Lock()
        bar = report.progress("census", len(plan.requests), "calls", enabled=self.progress)

        def one(r: Request) -> None:
            try:
                got = [_answer(rows, asked) for asked, rows in self._fetch_cached(r, cache)]
            except CensusDataError:
                _drop_cached(r, cache)  # never resume from an answer that was refused
                raise
            with lock:
                frames[r.flow].extend(f for f in got if f is not None)
                span = r.months[0] if len(r.months) == 1 else f"{r.months[0]} … {r.months[-1]}"
                bar.advance(detail=f"{span} {r.flow}")

        pool = ThreadPoolExecutor(max_workers=self.settings.concurrency)
        with bar:  # on leaving, the bar's line ends before the next message
            try:
                futures = [pool.submit(one, r) for r in plan.requests]
                wait(futures, return_when=FIRST_EXCEPTION)
                for f in futures:
                    if f.done() and f.exception() is not None:
                        raise f.exception()  # type: ignore[misc]
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
        self._completed = cache
        return frames

    def forget(self) -> None:
        """Drop the resume cache once its data are safely in the warehouse."""
        cache = getattr(self, "_completed", None)
        if cache is not None:
            shutil.rmtree(cache, ignore_errors=True)

    def _fetch_cached(
        self, r: Request, cache: Path
    ) -> list[tuple[Request, list[list[str]] | None]]:
        """The answers to `r`, each with the call that gave it (a half after a split, so
        an error names the call that was made); cached answers are `r`'s as a whole."""
        path = cache / f"{r.key()}.json"
        if path.exists():
            self.log.add(cached=1)
            return [(r, rows) for rows in json.loads(path.read_text())]
        try:
            answers = [(r, self.get(r.flow, r.params()))]
        except CensusGaveUp:
            if len(r.months) < 2:
                raise
            # A large request failed for good: ask for each half instead.
            self.log.add(splits=1)
            answers = []
            for half in r.split():
                answers.extend(self._fetch_cached(half, cache))
        write_atomic(path, json.dumps([rows for _, rows in answers]).encode())
        return answers


def _answer(rows: list[list[str]] | None, r: Request) -> pd.DataFrame | None:
    """One answer checked (every value and quantity a finite number ≥ 0, so a bad figure
    is refused naming its call and record) and cut to the rows `r` asked for."""
    if rows is None:
        return None
    where = f"census {r.label}"
    frame = records_frame(rows, where=where)
    check_figures(frame, r.flow, where)
    return _only_asked(frame, r)


def _drop_cached(r: Request, cache: Path) -> None:
    """Remove the cached answers to `r` and to the halves it may have been split into."""
    (cache / f"{r.key()}.json").unlink(missing_ok=True)
    if len(r.months) > 1:
        for half in r.split():
            _drop_cached(half, cache)


def _only_asked(frame: pd.DataFrame, r: Request) -> pd.DataFrame:
    """Keep the rows a request asked for: in a country's answer, that country's rows only
    (a grouping or an all-country total row there would be counted twice)."""
    if r.country is None:
        return frame.drop(columns=["CTY_CODE"], errors="ignore")
    if "CTY_CODE" not in frame.columns:
        raise CensusDataError("answer has no CTY_CODE column", where=f"census {r.label}")
    return frame[frame["CTY_CODE"].astype(str).str.strip() == r.country]


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


# ---- from records to the warehouse schema ------------------------------------------------------


def to_trade_data(
    frames: dict[str, list[pd.DataFrame]], plan: Plan, settings: CensusSettings
) -> TradeData:
    """Normalize, then check that every month of the plan has both flows."""
    normalized = {}
    for flow in ("imports", "exports"):
        parts = frames[flow]
        raw = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        if raw.empty:
            raise CensusDataError(f"no {flow} records for {_span(plan.months)}", where="census")
        normalized[flow] = normalize(raw, flow, where=f"census {flow}")
    for month in plan.months:
        for flow, n in normalized.items():
            if not (n.trade["period"] == month).any():
                raise CensusDataError(f"{flow} for {month} are missing", where="census")
    countries = pd.concat([n.countries for n in normalized.values()]).drop_duplicates(
        "country_code"
    )
    commodities = pd.concat([n.commodities for n in normalized.values()]).drop_duplicates("hs10")
    return TradeData(
        imports=normalized["imports"].trade,
        exports=normalized["exports"].trade,
        countries=countries.sort_values("country_code").reset_index(drop=True),
        commodities=commodities.sort_values("hs10").reset_index(drop=True),
        source="census",
        sample=False,
        params={"countries": sorted(settings.countries)},
    )
