"""What a send did (`aibrief send`, the run's send stage): the one-line summary and the
problems, each recipient by outcome; suppressed recipients only as a number."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Report:
    """What a send did, for the one-line summary and the exit status."""

    month: str
    dry_run: bool = False
    total: int = 0
    delivered: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (address, reason)
    not_attempted: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    outbox: Path | None = None
    aborted: str | None = None
    server: str = ""
    suppressed: int = 0  # recipients on the suppression list, left out (never named)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.aborted

    @property
    def _suppressed(self) -> str:
        n = self.suppressed
        return f"{n} on the suppression list skipped" if n else ""

    def summary(self) -> str:
        if self.dry_run:
            skipped = f"; {len(self.already)} already delivered, left out" if self.already else ""
            skipped += f"; {self._suppressed}" if self.suppressed else ""
            return (
                f"dry run: {len(self.written)} message(s) for {self.month} written to "
                f"{self.outbox}{skipped}; nothing sent"
            )
        if not self.delivered and not self.failed and not self.aborted:
            if not self.already:
                return f"{self.month}: nothing sent; {self._suppressed}"
            return (
                f"{self.month}: all {len(self.already)} recipient(s) already have this edition; "
                "nothing sent (--resend sends it again)"
                + (f"; {self._suppressed}" if self.suppressed else "")
            )
        parts = [f"{self.month}: sent to {len(self.delivered)} of {self.total} recipient(s)"]
        if self.suppressed:
            parts.append(self._suppressed)
        if self.already:
            parts.append(f"{len(self.already)} already had it")
        if self.failed:
            parts.append(f"{len(self.failed)} failed (retried on the next run)")
        if self.not_attempted:
            parts.append(f"{len(self.not_attempted)} not attempted")
        return ", ".join(parts) + (f" via {self.server}" if self.server else "")

    def problems(self) -> list[str]:
        lines = [f"  failed: {addr}: {why}" for addr, why in self.failed]
        if self.aborted:
            lines.append(f"  stopped: {self.aborted}")
        return lines
