"""1,000 events through the API Gateway with the emulator client, end to end on the stack.

Each test runs on its own pipeline id (topics, streams, bucket, sink; see conftest `pipeline`),
so counts are exact even while others use the shared stack.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from typing import Any

import pytest

from contracts.names import TABLES, sink_key
from contracts.records import SPECS, dumps, to_wire
from emulator import source
from emulator.post import post_events

pytestmark = pytest.mark.integration

EVENTS = 1000


@pytest.fixture(scope="module")
def source_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('source') / 'source.db'}"
    source.seed(url, rows=EVENTS, seed=7)
    return url


def sent_lines(db_url: str, table: str) -> Counter[bytes]:
    """The JSON of each value the emulator sends for `table`, as bytes (the wire format)."""
    engine = source.engine_for(db_url)
    try:
        rows = source.read_rows(engine, table, EVENTS)
        return Counter(dumps(to_wire(SPECS[table], row)).encode() for row in rows)
    finally:
        engine.dispose()


def s3_objects(s3: Any, bucket: str, topic: str) -> dict[str, bytes]:
    objects = {}
    for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=f"topics/{topic}/"
    ):
        for obj in page.get("Contents", []):
            objects[obj["Key"]] = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
    return objects


def wait_for_records(
    s3: Any, bucket: str, topic: str, expected: int, timeout: float = 120
) -> dict[str, bytes]:
    deadline = time.monotonic() + timeout
    while True:
        objects = s3_objects(s3, bucket, topic)
        landed = sum(len(body.splitlines()) for body in objects.values())
        if landed >= expected or time.monotonic() > deadline:
            break
        time.sleep(1)
    time.sleep(3)  # a late duplicate would show up within a rotate interval
    return s3_objects(s3, bucket, topic)


def test_1000_events_via_gateway_land_in_s3_exactly_once_byte_equal(
    stack: Any, pipeline: Any, source_db: str
) -> None:
    pipeline.start_sink()
    pipeline.wait_sink()
    summaries = post_events(
        "batch",
        stack.api_url,
        db_url=source_db,
        count=EVENTS,
        batch_size=50,
        api_key=stack.api_key,
        pipeline_id=pipeline.names.pipeline_id,
        workers=2,
    )
    for table, summary in summaries.items():
        assert (summary.acknowledged, summary.failed) == (EVENTS, 0), (table, summary.errors)

    s3 = stack.aws("s3")
    for table in TABLES:
        topic = pipeline.names.topic(table)
        objects = wait_for_records(s3, pipeline.names.bucket, topic, EVENTS)
        lines = [line for body in objects.values() for line in body.splitlines()]
        assert Counter(lines) == sent_lines(source_db, table), f"{topic}: values differ"
        _assert_keys_chain(objects, topic)


def _assert_keys_chain(objects: dict[str, bytes], topic: str) -> None:
    """Keys follow the layout, and per partition the objects tile the offsets from 0 without gap
    or overlap: object k+1 starts where object k ended."""
    pattern = re.compile(rf"^topics/{re.escape(topic)}/partition=(\d+)/.+\+(\d{{10}})\.json$")
    by_partition: dict[int, list[tuple[int, int]]] = {}
    for key, body in objects.items():
        m = pattern.match(key)
        assert m, f"unexpected key {key}"
        partition, start = int(m.group(1)), int(m.group(2))
        assert key == sink_key(topic, partition, start)
        by_partition.setdefault(partition, []).append((start, len(body.splitlines())))
    for partition, spans in by_partition.items():
        expected = 0
        for start, count in sorted(spans):
            assert start == expected, (
                f"{topic} p{partition}: object at {start}, expected {expected}"
            )
            expected = start + count


def test_1000_events_via_stream_routes_are_readable_from_kinesis(
    stack: Any, pipeline: Any, source_db: str
) -> None:
    summaries = post_events(
        "stream",
        stack.api_url,
        db_url=source_db,
        count=EVENTS,
        batch_size=100,
        api_key=stack.api_key,
        pipeline_id=pipeline.names.pipeline_id,
        workers=2,
    )
    for table, summary in summaries.items():
        assert (summary.acknowledged, summary.failed) == (EVENTS, 0), (table, summary.errors)

    kinesis = stack.aws("kinesis")
    for table in TABLES:
        stream = pipeline.names.stream(table)
        found: Counter[str] = Counter()
        for shard in kinesis.list_shards(StreamName=stream)["Shards"]:
            iterator = kinesis.get_shard_iterator(
                StreamName=stream, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while iterator:
                page = kinesis.get_records(ShardIterator=iterator, Limit=10000)
                found.update(_canonical(r["Data"]) for r in page["Records"])
                if not page["Records"]:
                    break
                iterator = page.get("NextShardIterator")
        wanted = Counter(_canonical(line) for line in sent_lines(source_db, table).elements())
        assert found == wanted, f"{stream}: {sum(found.values())} records, expected {EVENTS}"


def _canonical(data: bytes) -> str:
    """Kinesis keeps the JSON text of each Data; compare the values it encodes."""
    return json.dumps(json.loads(data), sort_keys=True)
