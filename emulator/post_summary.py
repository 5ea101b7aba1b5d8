"""Per-table counts of a posting run, and their rendering."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table


@dataclass
class PostSummary:
    """Counts are of distinct records: a record retried three times is sent once."""

    table: str
    total: int = 0
    """Records this run meant to send."""
    sent: int = 0
    acknowledged: int = 0
    failed: int = 0
    requests: int = 0
    retries: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    aborted: str | None = None
    """Why the run stopped early (an unreachable API), if it did."""
    errors: dict[str, int] = field(default_factory=dict)
    """Error message -> how many times it was seen."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(
        self,
        *,
        sent: int = 0,
        acknowledged: int = 0,
        failed: int = 0,
        requests: int = 0,
        retries: int = 0,
    ) -> None:
        with self._lock:
            self.sent += sent
            self.acknowledged += acknowledged
            self.failed += failed
            self.requests += requests
            self.retries += retries

    def note(self, message: str) -> int:
        """Count an error message; returns how often it has been seen."""
        with self._lock:
            self.errors[message] = self.errors.get(message, 0) + 1
            return self.errors[message]

    @property
    def posted(self) -> int:
        """Another name for `sent` (the reconciliation's "posted")."""
        return self.sent

    @property
    def records_per_s(self) -> float:
        return self.acknowledged / self.seconds if self.seconds > 0 else 0.0

    @property
    def ok(self) -> bool:
        """Everything meant to be sent was acknowledged."""
        return self.failed == 0 and self.acknowledged == self.total and not self.interrupted


def render(summaries: dict[str, PostSummary], console: Console, title: str = "posted") -> None:
    table = Table(title=title)
    for name in ("table", "sent", "acknowledged", "failed", "seconds", "records/s"):
        table.add_column(name, justify="left" if name == "table" else "right")
    for s in summaries.values():
        table.add_row(
            s.table,
            f"{s.sent:,}",
            f"{s.acknowledged:,}",
            f"{s.failed:,}",
            f"{s.seconds:.2f}",
            f"{s.records_per_s:,.0f}",
        )
    console.print(table)
    for s in summaries.values():
        for message, times in s.errors.items():
            console.print(f"{s.table}: {message} (x{times})", markup=False, highlight=False)
