"""A local stand-in for the Census international trade API, speaking its wire format
(header row, every value a string, 204 for nothing, 400 with `error: …` text), with
faults a test can inject. Binds 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pandas as pd

from generator.data.sources import TradeData

NUMERIC = {
    "imports": ["CON_VAL_MO", "GEN_VAL_MO", "DUT_VAL_MO", "CAL_DUT_MO", "CON_QY1_MO"],
    "exports": ["ALL_VAL_MO", "QTY_1_MO"],
}
COMMODITY = {"imports": "I_COMMODITY", "exports": "E_COMMODITY"}


def census_records(data: TradeData) -> dict[str, pd.DataFrame]:
    """The sample in Census variable names, one DET row per country, whole dollars."""
    names = dict(zip(data.countries["country_code"], data.countries["name"], strict=False))
    desc = dict(zip(data.commodities["hs10"], data.commodities["description"], strict=False))
    out = {}
    for flow, frame, cols in (
        (
            "imports",
            data.imports,
            {
                "period": "time",
                "hs10": "I_COMMODITY",
                "country_code": "CTY_CODE",
                "value_con": "CON_VAL_MO",
                "value_gen": "GEN_VAL_MO",
                "value_dutiable": "DUT_VAL_MO",
                "duty": "CAL_DUT_MO",
                "qty1": "CON_QY1_MO",
                "unit1": "UNIT_QY1",
            },
        ),
        (
            "exports",
            data.exports,
            {
                "period": "time",
                "hs10": "E_COMMODITY",
                "country_code": "CTY_CODE",
                "value": "ALL_VAL_MO",
                "qty1": "QTY_1_MO",
                "unit1": "UNIT_QY1",
            },
        ),
    ):
        f = frame.rename(columns=cols)[list(cols.values())].copy()
        for c in NUMERIC[flow]:
            f[c] = f[c].astype(float).round(0)
        f = f[f[NUMERIC[flow][0]] > 0]
        code = COMMODITY[flow]
        f[f"{code}_LDESC"] = f[code].map(desc).astype(str)
        f["CTY_NAME"] = f["CTY_CODE"].map(names).astype(str).str.upper()
        f["SUMMARY_LVL"] = "DET"
        for c in f.columns:
            if c not in NUMERIC[flow]:
                f[c] = f[c].astype(str)
        out[flow] = f.reset_index(drop=True)
    return out


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


# A fault sees (flow, params, call number) and returns a Reply to send instead, or None.
Fault = Callable[[str, dict[str, str], int], Reply | None]


def _months(spec: str) -> list[str]:
    spec = spec.strip()
    if spec.startswith("from "):
        a, b = spec[5:].split(" to ")
        a, b = a.strip(), b.strip()
        out, y, m = [], int(a[:4]), int(a[5:7])
        while f"{y:04d}-{m:02d}" <= b:
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out
    return [spec]


class CensusStub:
    def __init__(self, records: dict[str, pd.DataFrame], released: list[str]) -> None:
        self.records = records
        self.released = set(released)
        self.faults: list[Fault] = []
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.extra_country_rows = False  # add a grouping and a total row to country answers
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> str:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                reply = stub.answer(self.path)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *_args) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/data/timeseries/intltrade"

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    # -- answers ----------------------------------------------------------------------------------
    def answer(self, path: str) -> Reply:
        url = urllib.parse.urlsplit(path)
        params = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        flow = "imports" if url.path.endswith("/imports/hs") else "exports"
        with self.lock:
            self.calls.append((flow, params))
            n = len(self.calls)
        for fault in self.faults:
            reply = fault(flow, params, n)
            if reply is not None:
                return reply
        if not url.path.endswith(("/imports/hs", "/exports/hs")):
            return Reply(404, b"not found")
        return self.data(flow, params)

    def data(self, flow: str, params: dict[str, str]) -> Reply:
        get = params.get("get", "").split(",")
        frame = self.records[flow]
        known = set(frame.columns) | {"COMM_LVL"}
        unknown = [v for v in get if v not in known]
        if unknown or "time" not in params:
            return Reply(400, f"error: unknown variable '{(unknown or ['time'])[0]}'".encode())
        months = [m for m in _months(params["time"]) if m in self.released]
        rows = frame[frame["time"].isin(months)]
        code = COMMODITY[flow]
        level = params.get("COMM_LVL", "HS10")
        echo = ["time", "COMM_LVL"]
        if level == "HS2":  # the release probe: chapter totals by month
            rows = rows[rows[code].str[:2] == params.get(code, rows[code].str[:2])]
            out = rows.groupby("time", as_index=False)[NUMERIC[flow]].sum()
            out[code] = params.get(code, "")
            out["COMM_LVL"] = "HS2"
            echo.append(code)
        elif "CTY_CODE" in params:
            out = rows[rows["CTY_CODE"] == params["CTY_CODE"]].copy()
            out["COMM_LVL"] = "HS10"
            echo.append("CTY_CODE")
            if self.extra_country_rows and len(out):
                first = out.iloc[[0]].copy()
                group = first.assign(CTY_CODE="0003", CTY_NAME="EUROPEAN UNION", SUMMARY_LVL="CGP")
                total = first.assign(
                    CTY_CODE="-", CTY_NAME="TOTAL FOR ALL COUNTRIES", SUMMARY_LVL="DET"
                )
                out = pd.concat([out, group, total])
        else:  # HS10 totals over all countries
            keys = ["time", code, f"{code}_LDESC", "UNIT_QY1"]
            out = rows.groupby(keys, as_index=False, sort=True)[NUMERIC[flow]].sum()
            out["COMM_LVL"] = "HS10"
        if out.empty:
            return Reply(204)
        header = get + [e for e in echo if e not in get]
        columns = [_texts(out[name]) for name in header]
        body = [header, *map(list, zip(*columns, strict=True))]
        return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})


def _texts(column: pd.Series) -> list[str]:
    """Each value as the API writes it (`_text`), a column at a time: a stub answering
    value by value took a third of a Census test. The whole floats an int64 holds are
    converted together; anything else goes value by value."""
    if column.dtype != np.float64:  # text, or values of several kinds: one at a time
        return [_text(v) for v in column.tolist()]
    values = column.to_numpy()
    whole = np.isfinite(values) & (values == np.trunc(values)) & (np.abs(values) < 2.0**63)
    texts = np.empty(len(values), dtype=object)
    texts[whole] = values[whole].astype(np.int64).astype(str)
    texts[~whole] = [_text(v) for v in values[~whole].tolist()]
    return texts.tolist()


def _text(v: object) -> str:
    """One value as the API writes it."""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


@contextlib.contextmanager
def running(records: dict[str, pd.DataFrame], months: list[str]) -> Iterator[CensusStub]:
    """A stub serving a copy of `records` for `months` on 127.0.0.1 (its address in
    `.url`), stopped on exit: the fixture every Census test file starts from."""
    stub = CensusStub({k: v.copy() for k, v in records.items()}, months)
    stub.url = stub.start()
    try:
        yield stub
    finally:
        stub.stop()
