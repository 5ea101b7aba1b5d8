"""The streaming job against the local stack: emulator -> API Gateway /streams -> Kinesis -> Delta.

Each test has its own pipeline id (its own two-shard streams), so counts are exact. Sizes stay
small: LocalStack's Kinesis engine does ~100-200 records/s.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from contracts.names import TABLES
from contracts.records import SPECS, to_wire
from devstack.config import REPO_ROOT
from emulator.post import post_events
from emulator.source import engine_for, read_rows
from jobs.common.cleaning import CLEANERS
from jobs.common.locations import local_path
from jobs.common.schemas import WIRE_SCHEMAS
from jobs.streaming.job import StreamConfig, run
from tests.integration.faults import seeded_db

pytestmark = pytest.mark.integration

EVENTS = 24


def post(stack: Any, pipeline: Any, db_url: str) -> None:
    """Every event of the source database, through API Gateway's PutRecords route."""
    summaries = post_events(
        "stream",
        stack.api_url,
        db_url=db_url,
        api_key=stack.api_key,
        pipeline_id=pipeline.names.pipeline_id,
        batch_size=8,
        retries=12,
        max_backoff=2.0,
    )
    assert all(s.acknowledged == EVENTS for s in summaries.values()), summaries


def expected(spark: Any, db_url: str, table: str) -> list[tuple]:
    """The batch job's cleaning of the same source rows: what the stream table must hold."""
    engine = engine_for(db_url)
    try:
        rows = [to_wire(SPECS[table], r) for r in read_rows(engine, table, None)]
    finally:
        engine.dispose()
    df = spark.createDataFrame(rows, WIRE_SCHEMAS[table])
    return sorted((tuple(r) for r in CLEANERS[table](df).collect()), key=repr)


def stored(spark: Any, cfg: StreamConfig, table: str) -> list[tuple]:
    return sorted((tuple(r) for r in cfg.target(table).read(spark).collect()), key=repr)


def assert_exactly_once(spark: Any, cfg: StreamConfig, db_url: str) -> None:
    for table in TABLES:
        rows = stored(spark, cfg, table)
        assert len(rows) == EVENTS, f"{table}: {len(rows)} rows for {EVENTS} events"
        assert rows == expected(spark, db_url, table), f"{table}: not the batch cleaning"


def test_events_land_cleaned_once_even_when_posted_again(
    spark: Any, stack: Any, pipeline: Any, tmp_path: Path
) -> None:
    db_url = seeded_db(tmp_path, EVENTS, seed_value=11)
    cfg = stack.stream_config(pipeline.names, tmp_path)
    post(stack, pipeline, db_url)
    post(stack, pipeline, db_url)  # a retrying client: every event delivered twice, one run
    lines: list[str] = []
    read = run(spark, cfg, on_databricks=False, say=lines.append)
    assert all(n >= 2 * EVENTS for n in read.received.values()), (read, lines)
    assert all(q.malformed == q.unparseable_total == 0 for q in read.quality.values()), lines
    assert_exactly_once(spark, cfg, db_url)
    assert (tmp_path / "tables" / pipeline.names.table("pin")).is_dir()

    post(stack, pipeline, db_url)  # and once more, for the next run of the job
    read = run(spark, cfg, on_databricks=False, say=lines.append)
    assert all(n >= EVENTS for n in read.received.values()), (read, lines)
    assert_exactly_once(spark, cfg, db_url)
    assert any(" 0 new" in line for line in lines)
    metrics = json.loads(
        (tmp_path / "checkpoints" / f"{cfg.names.table('geo')}.metrics.json").read_text()
    )
    assert metrics["received"] == read.received["geo"] and metrics["malformed"] == 0


def test_killed_job_restarts_without_loss_or_duplicates(
    spark: Any, stack: Any, pipeline: Any, tmp_path: Path
) -> None:
    db_url = seeded_db(tmp_path, EVENTS, seed_value=12)
    cfg = stack.stream_config(pipeline.names, tmp_path)
    post(stack, pipeline, db_url)
    log = tmp_path / "job.log"
    # file:/// URIs, as `make run` passes them (they once failed Delta's CREATE TABLE).
    cmd = [
        sys.executable, "-m", "jobs.streaming",
        "--output", (tmp_path / "tables").as_uri(),
        "--checkpoints", (tmp_path / "checkpoints").as_uri(),
        "--trigger", "1", "--max-records-per-batch", "5",
        "--pipeline-id", pipeline.names.pipeline_id, "--endpoint", stack.aws_endpoint,
    ]  # fmt: skip
    with log.open("wb") as out:
        job = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            env={**os.environ, **stack.env, "PYSPARK_PYTHON": sys.executable},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the JVM too
        )
        try:
            deadline = time.monotonic() + 300
            # Killed as soon as one micro-batch is merged: before Spark records it as committed,
            # or just after; either way later batches are still to come (5 records each).
            while "] batch " not in log.read_text(errors="replace"):
                assert job.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, "no micro-batch in 300 s"
                time.sleep(0.1)
        finally:
            os.killpg(job.pid, signal.SIGKILL)
            job.wait()
    before = {t: len(stored(spark, cfg, t)) for t in TABLES}
    assert min(before.values()) < EVENTS, f"the kill came too late: {before}"
    replayed = [t for t in TABLES if _uncommitted(cfg.checkpoint(t))]
    print(f"killed with {before} rows stored; batches to replay: {replayed or 'none'}")

    run(spark, cfg, on_databricks=False, say=lambda line: None)
    assert_exactly_once(spark, cfg, db_url)


def _uncommitted(checkpoint: str) -> bool:
    """A micro-batch whose offsets are logged but that Spark did not record as committed."""
    folder_path = local_path(checkpoint)
    assert folder_path is not None

    def ids(folder: str) -> set[str]:
        where = folder_path / folder
        return {p.name for p in where.glob("[0-9]*")} if where.exists() else set()

    return bool(ids("offsets") - ids("commits"))
