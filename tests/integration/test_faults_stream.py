"""Stream path under faults: kill -9 the streaming job mid-stream, restart it from its checkpoint,
and the reconciliation must be exact: every event acknowledged, in Kinesis at least once, and
exactly once in the streaming Delta tables.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from deltalake import DeltaTable

from contracts.names import TABLES
from devstack.config import REPO_ROOT
from devstack.run import kinesis_landed
from tests.integration.faults import BackgroundPost, describe, reconcile_run, seeded_db

pytestmark = pytest.mark.integration

ROWS = 150
"""Events (450 records): the stream path does ~100-200 records/s locally."""


def start_job(
    stack: Any, tmp_path: Path, start: dt.datetime, trigger: str
) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable, "-m", "jobs.streaming",
        "--output", str(tmp_path / "tables"),
        "--checkpoints", str(tmp_path / "checkpoints"),
        "--trigger", trigger,
        "--initial-position", "at_timestamp",
        "--initial-timestamp", start.isoformat(timespec="milliseconds"),
        # Small micro-batches, so the kill lands between two of them or inside one.
        "--max-records-per-batch", "40",
    ]  # fmt: skip
    log = (tmp_path / f"job-{trigger}.log").open("ab")
    return subprocess.Popen(
        cmd,
        cwd=REPO_ROOT,
        env={**os.environ, **stack.env, "PYSPARK_PYTHON": sys.executable},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own group: kill -9 reaches the JVM too
    )


def rows_in(table_dir: Path) -> int:
    try:
        return DeltaTable(str(table_dir)).to_pyarrow_table(columns=["ind"]).num_rows
    except Exception:  # not created yet, or a commit in progress
        return 0


def test_streaming_job_survives_kill9(stack: Any, tmp_path: Path) -> None:
    db_url = seeded_db(tmp_path, ROWS, seed_value=2024)
    client = stack.aws("kinesis")
    streams = stack.names.streams
    start = kinesis_landed.start_instant()
    tables = {t: tmp_path / "tables" / stack.names.table(t) for t in TABLES}

    job = start_job(stack, tmp_path, start, "1")
    try:
        post = BackgroundPost("stream", stack, db_url, rate=15.0, batch_size=10).start()
        deadline = time.monotonic() + 300
        while sum(rows_in(p) for p in tables.values()) < 30:  # mid-stream: some rows in
            assert job.poll() is None, (tmp_path / "job-1.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the streaming job wrote nothing in 300 s"
            time.sleep(0.5)
        done_before_kill = sum(rows_in(p) for p in tables.values())
    finally:
        os.killpg(job.pid, signal.SIGKILL)
        job.wait()
    summaries = post.join(timeout=300)
    assert all(s.ok for s in summaries.values()), {t: s.errors for t, s in summaries.items()}
    assert done_before_kill < 3 * ROWS, "the kill came after everything was processed"

    again = start_job(stack, tmp_path, start, "available-now")
    try:
        code = again.wait(timeout=600)
    finally:
        if again.poll() is None:  # timed out: leave nothing running behind the test
            os.killpg(again.pid, signal.SIGKILL)
            again.wait()
    assert code == 0, (tmp_path / "job-available-now.log").read_text()[-3000:]

    landed = kinesis_landed.records_since(client, streams, start)
    by_table = {stack.names.table_of_stream(s): v for s, v in landed.items()}
    rows = reconcile_run("stream", db_url, ROWS, summaries, by_table, lambda t: str(tables[t]))
    print(f"kill -9 streaming job after {done_before_kill} rows: {describe(rows)}")
