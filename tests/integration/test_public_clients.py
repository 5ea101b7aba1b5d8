"""Conformance with the public posting scripts: rows posted one per request in their exact
shapes (batch: POST /topics/<topic>, `{"records": [{"value": row}]}`; stream: PUT
/streams/<stream>/record, `{"StreamName", "Data", "PartitionKey"}`; `json.dumps(...,
default=str)`), with datetimes as str() and isoformat() text mixed, come out of both jobs with
every field equal to the source values, and the nine answers equal those computed from the source.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from contracts.answers import ANSWERS
from contracts.names import TABLES
from devstack.run.s3_landed import SinkReader, end_offsets, wait_landed
from emulator.post import post_events
from emulator.source import engine_for, read_rows
from jobs.batch.job import JobConfig
from jobs.batch.job import run as run_batch
from jobs.common.locations import to_uri
from jobs.common.spark import apply_s3a
from jobs.common.tables import Tables
from jobs.streaming.job import run as run_stream
from tests.integration.faults import seeded_db
from tests.oracle import answers, cleaned

pytestmark = pytest.mark.integration

EVENTS = 20  # one request per record through the gateway: kept small


def post_public(stack: Any, pipeline: Any, db_url: str, mode: str) -> None:
    summaries = post_events(
        mode,  # type: ignore[arg-type]
        stack.api_url,
        db_url=db_url,
        api_key=stack.api_key,
        pipeline_id=pipeline.names.pipeline_id,
        shape="public",
        datetimes="mix",
        retries=12,
        max_backoff=2.0,
    )
    assert all(s.acknowledged == EVENTS for s in summaries.values()), summaries


def source_rows(db_url: str) -> dict[str, list[dict[str, Any]]]:
    engine = engine_for(db_url)
    try:
        return {t: list(read_rows(engine, t)) for t in TABLES}
    finally:
        engine.dispose()


def rows_of(df: Any, key: str) -> list[dict[str, Any]]:
    return sorted((r.asDict() for r in df.collect()), key=lambda r: str(r[key]))


def test_public_shapes_reach_both_jobs_with_the_source_values(
    spark: Any, stack: Any, pipeline: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = pipeline.names
    db_url = seeded_db(tmp_path, EVENTS, seed_value=23)
    pipeline.start_sink()
    pipeline.wait_sink()
    base = end_offsets(stack.kafka_bootstrap, names.topics)
    post_public(stack, pipeline, db_url, "batch")
    post_public(stack, pipeline, db_url, "stream")
    target = end_offsets(stack.kafka_bootstrap, names.topics)
    reader = SinkReader(stack.aws("s3"), names.bucket)
    wait_landed(reader, names.topics, base, target, timeout=120, progress=lambda done, want: None)

    for name, value in stack.env.items():
        monkeypatch.setenv(name, value)  # boto3 and the Kinesis source read the stack from here
    apply_s3a(spark, stack.env)  # the shared session may predate the stack
    batch = run_batch(
        spark,
        JobConfig(
            input_uri=f"s3a://{names.bucket}",
            results=to_uri(str(tmp_path / "results")),
            tables=Tables(output=to_uri(str(tmp_path / "batch"))),
            names=names,
        ),
        say=lambda line: None,
    )
    stream_config = stack.stream_config(names, tmp_path)
    stream = run_stream(spark, stream_config, on_databricks=False, say=lambda line: None)

    source = source_rows(db_url)
    for table in TABLES:
        key = "unique_id" if table == "pin" else "ind"
        expected = sorted((cleaned(table, r) for r in source[table]), key=lambda r: str(r[key]))
        batch_rows = rows_of(
            Tables(output=to_uri(str(tmp_path / "batch"))).target(names, table).read(spark), key
        )
        stream_rows = rows_of(stream_config.target(table).read(spark), key)
        assert batch_rows == expected, f"batch {table}"
        assert stream_rows == expected, f"stream {table}"
        for q in (batch.quality[table], stream.quality[table]):
            assert (q.malformed, q.unparseable_total) == (0, 0), q
    oracle = answers(source["pin"], source["geo"], source["user"])
    for name in ANSWERS:
        with (tmp_path / "results" / f"{name}.csv").open(newline="") as f:
            assert list(csv.reader(f))[1:] == oracle[name], name
