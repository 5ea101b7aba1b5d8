"""Batch path under faults: kill -9 the REST proxy, the S3 sink or the Kafka broker while events are
posted, restart it, and the reconciliation must still be exact: every event acknowledged, landed
in S3 at least once, and exactly once in the cleaned tables (the batch job's cleaning, on Spark).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from contracts.names import TABLES
from devstack.run.s3_landed import SinkReader, end_offsets, wait_landed
from jobs.batch import storage
from jobs.common import quality
from tests.integration.faults import (
    BackgroundPost,
    describe,
    kill9,
    reconcile_run,
    restart_stack,
    seeded_db,
)

pytestmark = pytest.mark.integration

ROWS = 240
"""Events per test (720 records): enough for the kill to land mid-run, small for CI."""


@pytest.mark.parametrize("service", ["rest_proxy", "s3_sink", "kafka"])
def test_batch_emulation_survives_kill9(
    stack: Any, spark: Any, tmp_path: Path, service: str
) -> None:
    db_url = seeded_db(tmp_path, ROWS, seed_value=1000 + len(service))
    topics = stack.names.topics
    base = end_offsets(stack.kafka_bootstrap, topics)

    # ~40 records/s per table in requests of 10: the run lasts ~6 s; kill after a third.
    post = BackgroundPost("batch", stack, db_url, rate=40.0, batch_size=10).start()
    post.wait_settled(ROWS, timeout=120)
    killed = kill9(service)
    settled_at_kill = post.settled
    restart_stack()
    summaries = post.join(timeout=300)
    assert all(s.ok for s in summaries.values()), {t: s.errors for t, s in summaries.items()}
    assert settled_at_kill < ROWS * len(TABLES), "posting had ended: the kill did not land mid-run"
    retries = sum(s.retries for s in summaries.values())
    if service == "rest_proxy":  # its clients lose their connections; a broker outage may
        # only delay acknowledgements (the proxy's producer retries until Kafka is back)
        assert retries > 0, "no request failed although the REST proxy was down"

    target = end_offsets(stack.kafka_bootstrap, topics)
    reader = SinkReader(stack.aws("s3"), stack.bucket)
    wait_landed(reader, topics, base, target, timeout=240, progress=lambda done, want: None)
    lines = reader.run_records(topics, base, target)
    landed = {stack.names.table_of_topic(t): v for t, v in lines.items()}

    # The batch job's own reading, checks and cleaning, on exactly this run's records.
    for table in TABLES:
        folder = tmp_path / "landed" / "topics" / stack.names.topic(table) / "partition=0"
        folder.mkdir(parents=True)
        (folder / "records.json").write_bytes(b"".join(landed[table]))
        lines = storage.read_landed(spark, (tmp_path / "landed").as_uri(), stack.names, table)
        checked = quality.check(lines, table)
        assert quality.measure(checked, table).malformed == 0
        quality.curated(checked, table).write.format("delta").save(str(tmp_path / "clean" / table))

    rows = reconcile_run(
        "batch", db_url, ROWS, summaries, landed, lambda t: str(tmp_path / "clean" / t)
    )
    print(f"kill -9 {service} (pid {killed}), {retries} retries: {describe(rows)}")
