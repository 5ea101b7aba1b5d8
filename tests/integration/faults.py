"""Helpers of the fault tests: post in the background, kill -9 a service, reconcile a window.

Services are found through devstack's own pidfiles and restarted with `python -m devstack up`,
which starts exactly the services that are not running (what a user would do).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from contracts.names import TABLES
from contracts.records import SPECS
from devstack import proc
from devstack.config import REPO_ROOT, Settings
from devstack.run.cleaned import cleaned_counts
from devstack.run.reconcile import SourceFacts, TableCounts, TableReconciliation, reconcile_table
from devstack.run.s3_landed import key_counts
from devstack.run.source_facts import source_facts
from devstack.stack import services
from emulator.post import post_events
from emulator.post_summary import PostSummary
from emulator.source import seed


def seeded_db(folder: Path, rows: int, seed_value: int) -> str:
    url = f"sqlite:///{folder / 'source.db'}"
    seed(url, rows, seed_value)
    return url


class BackgroundPost:
    """post_events in a thread, with a count of records settled so far (acked or failed)."""

    def __init__(self, mode: str, stack: Any, db_url: str, **options: Any) -> None:
        self.settled = 0
        self.summaries: dict[str, PostSummary] = {}
        self.error: BaseException | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self._run, args=(mode, stack, db_url, options), daemon=True
        )

    def _progress(self, _table: str, n: int) -> None:
        with self._lock:
            self.settled += n

    def _run(self, mode: str, stack: Any, db_url: str, options: dict[str, Any]) -> None:
        try:
            self.summaries = post_events(
                mode,  # type: ignore[arg-type]
                stack.api_url,
                db_url=db_url,
                api_key=stack.api_key,
                pipeline_id=stack.names.pipeline_id,
                # Outlast a broker restart: many quick retries rather than a few long ones.
                retries=60,
                backoff=0.2,
                max_backoff=2.0,
                timeout=30.0,
                on_progress=self._progress,
                **options,
            )
        except BaseException as exc:
            self.error = exc

    def start(self) -> BackgroundPost:
        self._thread.start()
        return self

    def wait_settled(self, n: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.settled < n:
            assert self._thread.is_alive() or self.settled >= n, "posting ended early"
            assert time.monotonic() < deadline, f"only {self.settled} of {n} records settled"
            time.sleep(0.05)

    def join(self, timeout: float) -> dict[str, PostSummary]:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"posting still running after {timeout:.0f} s"
        if self.error is not None:
            raise self.error
        return self.summaries


def kill9(service: str) -> int:
    """SIGKILL a devstack service and its children; returns the pid that was killed."""
    settings = Settings.from_env()
    target = next(s for s in services(settings) if s.name == service)
    rec = proc.alive(target.pidfile)
    assert rec is not None, f"{service} is not running"
    victims = [rec.pid, *proc.descendants(rec.pid)]
    for pid in victims:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while proc.alive(target.pidfile) is not None:
        assert time.monotonic() < deadline, f"{service} survived SIGKILL"
        time.sleep(0.1)
    return rec.pid


def restart_stack() -> None:
    """`devstack up`: restarts whatever is not running, waits until healthy."""
    out = subprocess.run(
        [sys.executable, "-m", "devstack", "up"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]


def reconcile_run(
    path: str,
    db_url: str,
    rows: int,
    summaries: dict[str, PostSummary],
    landed: dict[str, list[bytes]],
    table_uri: Callable[[str], str],
) -> dict[str, TableReconciliation]:
    """The same checks as `make run`, per table; asserts that every one holds."""
    out: dict[str, TableReconciliation] = {}
    for t in TABLES:
        facts: SourceFacts = source_facts(db_url, t, rows)
        keys, nulls = cleaned_counts(table_uri(t), t)
        counts = TableCounts(
            posted=summaries[t].sent,
            acknowledged=summaries[t].acknowledged,
            landed_keys=key_counts(landed[t], SPECS[t].event_key),
            cleaned_keys=keys,
            rows_with_nulls=nulls,
        )
        out[t] = reconcile_table(path, t, counts, facts)
    failed = [f"{c.name}: {c.detail}" for r in out.values() for c in r.checks if not c.ok]
    assert not failed, "\n".join(failed)
    return out


def describe(rows: dict[str, TableReconciliation]) -> str:
    return ", ".join(
        f"{t}: landed {r.landed} (dupes {r.duplicates}) cleaned {r.cleaned}"
        for t, r in rows.items()
    )
