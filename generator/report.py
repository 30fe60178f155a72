"""The one path by which the tool talks to its user on stderr: messages, warnings and the
progress of long work (a census refresh, a backfill of many editions).

Logging is configured once, by `configure` (the CLI calls it first thing, with the level
from --debug); library code only calls `say`, `logging.getLogger(__name__)` or
`progress`. Progress draws a bar when stderr is a terminal and writes plain lines
otherwise (cron, CI, a log file, tests), so a log never fills with carriage returns. A
message said while a bar is drawn goes above the bar, which is drawn again below it.

The handler looks stderr up at each message rather than holding the stream it was
created with: pytest's capture, click's CliRunner and a daemon's redirection swap
`sys.stderr`, and the message must go where stderr is *now*.
"""

from __future__ import annotations

import logging
import math
import shutil
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

ROOT = "generator"  # every module's logger (`logging.getLogger(__name__)`) is below it
USER = "generator.report"  # what the user is told: always shown, at INFO
BAR_WIDTH = 30

Say = Callable[[str], None]

_lock = threading.RLock()  # one writer at a time: census fetches from a thread pool
_bars: list[Progress] = []  # the bar on screen is the last one


class _StderrHandler(logging.Handler):
    """Writes each record to the current sys.stderr, lifting a drawn bar out of the way."""

    def __init__(self) -> None:
        super().__init__()
        self.threshold = logging.WARNING  # for records that are not messages to the user

    def createLock(self) -> None:  # noqa: N802 - logging's name
        # The bars' lock: a message and a bar update never wait on each other in turn.
        self.lock = _lock

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == USER:
            return True
        return record.levelno >= self.threshold and super().filter(record)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
            with _lock:
                bar = _bars[-1] if _bars else None
                if bar is not None:
                    bar.clear()
                sys.stderr.write(text + "\n")
                sys.stderr.flush()
                if bar is not None:
                    bar.draw()
        except Exception:  # noqa: BLE001 - logging's own contract: never raise from emit
            self.handleError(record)


def _handler() -> _StderrHandler | None:
    return next(
        (h for h in logging.getLogger(ROOT).handlers if isinstance(h, _StderrHandler)), None
    )


def configure(debug: bool = False) -> None:
    """Set up logging for the process: messages to the user always, other records from
    WARNING up, or from DEBUG up with --debug. Calling it again only resets the level."""
    root = logging.getLogger(ROOT)
    handler = _handler()
    if handler is None:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        root.addHandler(handler)
    handler.threshold = logging.DEBUG if debug else logging.WARNING
    # Without --debug the modules' own level is left alone, so a test's caplog still
    # sees their records; with it, their debug lines reach the handler.
    root.setLevel(logging.DEBUG if debug else logging.NOTSET)
    user = logging.getLogger(USER)
    user.setLevel(logging.DEBUG if debug else logging.INFO)
    user.addHandler(handler)
    user.propagate = False  # said once, even if a library gives the root logger a handler


def _ensure() -> None:
    """Library use (tests, a notebook) without the CLI: the defaults of `configure`."""
    if _handler() is None:
        configure()


def say(message: str) -> None:
    """One line to the user on stderr (above a progress bar, if one is drawn)."""
    _ensure()
    logging.getLogger(USER).info(message)


_to_user = say  # `Progress` takes a `say` argument of its own


def warn(message: str) -> None:
    """`aibrief: warning: …` on stderr."""
    say(f"aibrief: warning: {message}")


def is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


class Progress:
    """Progress of `total` steps of one piece of long work.

    On a terminal: one bar, redrawn in place (`census: [#####     ] 24/96 calls, …`).
    Elsewhere: a plain line every tenth of the work (at least every `every` steps, 5 by
    default) and at the end, or the caller's own line per step (`advance(line=…)`).
    Thread-safe; use it as a context manager so the bar ends with a newline.
    """

    def __init__(
        self,
        label: str,
        total: int,
        unit: str = "",
        *,
        say: Say | None = None,
        stream: TextIO | None = None,
        enabled: bool = True,
        every: int = 5,
    ) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.done = 0
        self.detail = ""
        self.enabled = enabled
        self._say = say if say is not None else _to_user
        self._stream = stream
        self.bar = enabled and total > 0 and is_terminal(self.stream)
        self.step = max(every, math.ceil(total / 10)) if total else every
        self._drawn = False

    @property
    def stream(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stderr

    # -- the bar --------------------------------------------------------------------------
    def text(self) -> str:
        """The bar's line (no carriage return), cut to the terminal's width."""
        filled = "#" * (BAR_WIDTH * self.done // self.total if self.total else BAR_WIDTH)
        line = f"{self.label}: [{filled:<{BAR_WIDTH}}] {self.done}/{self.total}"
        line += f" {self.unit}" if self.unit else ""
        line += f", {self.detail}" if self.detail else ""
        width = shutil.get_terminal_size((80, 24)).columns
        return line[: max(width - 1, BAR_WIDTH)]

    def draw(self) -> None:
        with _lock:
            self.stream.write("\r\x1b[K" + self.text())
            self.stream.flush()
            self._drawn = True

    def clear(self) -> None:
        with _lock:
            if self._drawn:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
                self._drawn = False

    # -- the work -------------------------------------------------------------------------
    def __enter__(self) -> Progress:
        if self.bar:
            with _lock:
                _bars.append(self)
                self.draw()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """End the bar's line, so what follows starts on a line of its own."""
        with _lock:
            if self in _bars:
                _bars.remove(self)
            if self._drawn:
                self.stream.write("\n")
                self.stream.flush()
                self._drawn = False

    def advance(self, n: int = 1, detail: str = "", line: str | None = None) -> None:
        """`n` more steps done; `detail` says what the last one was; `line`, if given, is
        said as it is (above the bar, or as the plain line of this step)."""
        if not self.enabled:
            return
        with _lock:
            self.done += n
            self.detail = detail
            if self.bar:
                if line is not None:
                    self.note(line)  # the note draws the bar again below it
                else:
                    self.draw()
            elif line is not None:
                self._say(line)
            elif self.done >= self.total or self.done % self.step == 0:
                text = f"{self.label}: {self.done}/{self.total}"
                text += f" {self.unit}" if self.unit else ""
                self._say(text + (f", {detail}" if detail else ""))

    def note(self, text: str) -> None:
        """A line for the user while the work goes on (a retry, a failed step)."""
        if not self.enabled:
            return
        with _lock:
            drawn = self._drawn
            self.clear()
            self._say(text)  # through the handler, this already draws the bar again
            if drawn and not self._drawn:
                self.draw()


def progress(
    label: str,
    total: int,
    unit: str = "",
    *,
    say: Say | None = None,
    enabled: bool = True,
) -> Progress:
    """The reporter for a piece of long work (see `Progress`)."""
    return Progress(label, total, unit, say=say, enabled=enabled)
