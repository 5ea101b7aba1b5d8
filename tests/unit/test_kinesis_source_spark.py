"""The `kinesis` source in real Spark queries, against moto's Kinesis server.

Each query writes through foreachBatch into a Python list, so the tests see every micro-batch,
including a batch Spark replays after a crash.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from jobs.streaming.job import stop_between_batches
from jobs.streaming.kinesis_source import SCHEMA, KinesisDataSource

HALF = str(2**127)  # an ExplicitHashKey at the start of the second of two shards


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def kinesis(moto_url: str) -> Any:
    return boto3.client(
        "kinesis",
        region_name="us-east-1",
        endpoint_url=moto_url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@pytest.fixture(scope="module")
def registered(spark: Any) -> Any:
    spark.dataSource.register(KinesisDataSource)
    return spark


def put(kinesis: Any, stream: str, first: int, n: int) -> list[tuple[str, str]]:
    """Records first..first+n-1, alternating between the two shards; (shardId, seq) each."""
    out = []
    for i in range(first, first + n):
        resp = kinesis.put_record(
            StreamName=stream,
            Data=json.dumps({"i": i}).encode(),
            PartitionKey=str(i),
            ExplicitHashKey="0" if i % 2 else HALF,
        )
        out.append((resp["ShardId"], resp["SequenceNumber"]))
    return out


class Run:
    """One streaming query over `stream`, collecting (batchId, [(shardId, seq), ...])."""

    def __init__(self, spark: Any, url: str, stream: str, checkpoint: Path, **options: str):
        self.batches: list[tuple[int, list[tuple[str, str]]]] = []
        reader = (
            spark.readStream.format("kinesis")
            .option("streamName", stream)
            .option("region", "us-east-1")
            .option("endpointUrl", url)
            .option("awsAccessKey", "test")
            .option("awsSecretKey", "test")
            .option("minFetchPeriod", "0ms")
        )
        for key, value in options.items():
            reader = reader.option(key, value)
        self.df = reader.load()
        self.writer = self.df.writeStream.foreachBatch(self._collect).option(
            "checkpointLocation", str(checkpoint)
        )

    def _collect(self, df: Any, batch_id: int) -> None:
        rows = df.select("shardId", "sequenceNumber").collect()
        self.batches.append((batch_id, [(r.shardId, r.sequenceNumber) for r in rows]))

    def available_now(self) -> Run:
        query = self.writer.trigger(availableNow=True).start()
        finished = query.awaitTermination(120)
        query.stop()
        assert finished, "an availableNow run took more than 120 s"
        return self

    def until(self, done: Callable[[Run], bool], before: Callable[[], Any] | None = None) -> Run:
        query = self.writer.trigger(processingTime="500 milliseconds").start()
        try:
            deadline = time.monotonic() + 120
            if before:  # e.g. post only once the query has planned its first offsets
                while not query.recentProgress and time.monotonic() < deadline:
                    time.sleep(0.2)
                before()
            while not done(self) and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            stop_between_batches([query])
        return self

    @property
    def rows(self) -> list[tuple[str, str]]:
        return [row for _, rows in self.batches for row in rows]


def per_shard(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for shard, seq in rows:
        out.setdefault(shard, []).append(seq)
    return out


def test_schema_is_the_databricks_one(registered: Any, moto_url: str, kinesis: Any) -> None:
    kinesis.create_stream(StreamName="schema", ShardCount=1)
    df = (
        registered.readStream.format("kinesis")
        .option("streamName", "schema")
        .option("region", "us-east-1")
        .option("endpointUrl", moto_url)
        .load()
    )
    assert df.isStreaming
    assert [(f.name, f.dataType.simpleString()) for f in df.schema.fields] == [
        ("partitionKey", "string"),
        ("data", "binary"),
        ("stream", "string"),
        ("shardId", "string"),
        ("sequenceNumber", "string"),
        ("approximateArrivalTimestamp", "timestamp"),
    ]
    assert df.schema == SCHEMA


def test_two_shards_all_arrive_in_order_per_shard(
    registered: Any, moto_url: str, kinesis: Any, tmp_path: Path
) -> None:
    kinesis.create_stream(StreamName="two", ShardCount=2)
    posted = put(kinesis, "two", 0, 12)
    run = Run(registered, moto_url, "two", tmp_path / "ck", initialPosition="trim_horizon")
    run.available_now()
    assert len(per_shard(posted)) == 2
    assert per_shard(run.rows) == per_shard(posted)


def test_restart_and_replay_never_reemit_or_skip_and_honor_the_cap(
    registered: Any, moto_url: str, kinesis: Any, tmp_path: Path
) -> None:
    kinesis.create_stream(StreamName="restart", ShardCount=2)
    ck = tmp_path / "ck"
    posted = put(kinesis, "restart", 0, 10)
    batches: list[tuple[int, list[tuple[str, str]]]] = []
    # Three runs that each stop after availableNow, i.e. three restarts from the checkpoint.
    for i in range(3):
        run = Run(
            registered, moto_url, "restart", ck, initialPosition="earliest", maxRecordsPerBatch="4"
        ).available_now()
        batches += run.batches
        posted += put(kinesis, "restart", 10 + 3 * i, 3)
    # A crash between "offsets logged" and "batch committed": drop the last commit.
    last_id, last_rows = batches[-1]
    for name in (str(last_id), f".{last_id}.crc"):
        (ck / "commits" / name).unlink()
    posted += put(kinesis, "restart", 100, 5)  # newer records must not slip into the replay
    run = Run(
        registered, moto_url, "restart", ck, initialPosition="earliest", maxRecordsPerBatch="4"
    )
    run.until(
        lambda r: (
            len({b for b, _ in batches + r.batches}) >= 2
            and sum(len(rows) for b, rows in r.batches if b != last_id)
            + sum(len(rows) for _, rows in batches)
            >= len(posted)
        )
    )
    replay = [rows for b, rows in run.batches if b == last_id]
    assert replay == [last_rows]  # the replayed batch holds exactly the same records
    once = dict(batches + run.batches)  # one entry per batch id: what the sink keeps
    assert all(len(rows) <= 4 for rows in once.values())
    delivered = [row for _, rows in sorted(once.items()) for row in rows]
    assert sorted(delivered) == sorted(posted) and len(delivered) == len(set(delivered))
    assert per_shard(delivered) == per_shard(posted)


def test_latest_skips_records_posted_before_the_start(
    registered: Any, moto_url: str, kinesis: Any, tmp_path: Path
) -> None:
    kinesis.create_stream(StreamName="latest", ShardCount=2)
    put(kinesis, "latest", 0, 6)
    time.sleep(0.05)  # arrival times are in milliseconds
    new: list[tuple[str, str]] = []
    run = Run(registered, moto_url, "latest", tmp_path / "ck", initialPosition="latest")
    run.until(lambda r: len(r.rows) >= 4, before=lambda: new.extend(put(kinesis, "latest", 50, 4)))
    assert sorted(run.rows) == sorted(new)
