"""The stack's Kinesis engine (DEVSTACK_KINESIS_ENGINE, default inprocess) through LocalStack's
endpoint and API Gateway's /streams routes: what the streaming job relies on.

Records are posted through the gateway (PutRecords mapping template), read with boto3 or with
the `kinesis` Spark source. Each test has its own stream.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from jobs.streaming.kinesis_source import KinesisDataSource
from tests.unit.test_kinesis_source_spark import Run, per_shard

pytestmark = pytest.mark.integration

HALF = str(2**127)


@pytest.fixture
def stream(stack: Any) -> Iterator[str]:
    name = f"it-engine-{secrets.token_hex(4)}"
    yield name
    kinesis = stack.aws("kinesis")
    if name in kinesis.list_streams(Limit=1000)["StreamNames"]:
        kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


def post(stack: Any, stream: str, first: int, n: int) -> list[tuple[str, str]]:
    """Records {"i": first..first+n-1} through the gateway's PutRecords route: (shard, seq)."""
    body = {
        "Records": [{"Data": {"i": i}, "PartitionKey": str(i)} for i in range(first, first + n)]
    }
    resp = requests.put(
        f"{stack.api_url}/streams/{stream}/records", json=body, headers=stack.headers, timeout=60
    )
    assert resp.status_code == 200, resp.text
    answer = resp.json()
    assert answer["FailedRecordCount"] == 0, answer
    return [(r["ShardId"], r["SequenceNumber"]) for r in answer["Records"]]


def active(kinesis: Any, stream: str) -> None:
    """Wait until the stream is ACTIVE (after a create or a reshard it may be CREATING/UPDATING)."""
    kinesis.get_waiter("stream_exists").wait(
        StreamName=stream, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300}
    )


def next_second() -> int:
    """Wait until the next whole second has begun; return it."""
    second = int(time.time()) + 1
    time.sleep(second - time.time() + 0.01)
    return second


def read_shard(kinesis: Any, stream: str, shard_id: str) -> list[dict[str, Any]]:
    """Every record of a shard from TRIM_HORIZON, up to its end (closed) or the tip (open)."""
    it = kinesis.get_shard_iterator(
        StreamName=stream, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    out: list[dict[str, Any]] = []
    while it:
        got = kinesis.get_records(ShardIterator=it, Limit=1000)
        out += got["Records"]
        if not got["Records"] and got.get("NextShardIterator"):
            return out  # the tip of an open shard
        it = got.get("NextShardIterator")
    return out


def test_resharding_is_read_once_parents_first_by_the_spark_source(
    spark: Any, stack: Any, stream: str, tmp_path: Path
) -> None:
    kinesis = stack.aws("kinesis")
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    active(kinesis, stream)
    posted = post(stack, stream, 0, 30)
    kinesis.split_shard(
        StreamName=stream, ShardToSplit="shardId-000000000000", NewStartingHashKey=HALF
    )
    active(kinesis, stream)
    posted += post(stack, stream, 30, 30)
    kinesis.merge_shards(
        StreamName=stream,
        ShardToMerge="shardId-000000000001",
        AdjacentShardToMerge="shardId-000000000002",
    )
    active(kinesis, stream)
    posted += post(stack, stream, 60, 30)
    assert {s for s, _ in posted[:30]} == {"shardId-000000000000"}
    assert {s for s, _ in posted[30:60]} == {"shardId-000000000001", "shardId-000000000002"}
    assert {s for s, _ in posted[60:]} == {"shardId-000000000003"}

    spark.dataSource.register(KinesisDataSource)
    run = Run(spark, stack.aws_endpoint, stream, tmp_path / "ck", initialPosition="trim_horizon")
    run.until(lambda r: len(r.rows) >= len(posted))
    assert sorted(run.rows) == sorted(posted) and len(run.rows) == len(set(run.rows))
    assert per_shard(run.rows) == per_shard(posted)  # in sequence order within each shard
    batches = {shard: [b for b, rows in run.batches for s, _ in rows if s == shard] for shard in
               per_shard(posted)}  # fmt: skip
    parent, children, grandchild = "shardId-000000000000", ("1", "2"), "shardId-000000000003"
    for child in (f"shardId-00000000000{c}" for c in children):
        assert max(batches[parent]) < min(batches[child])  # a child waits for its parent's end
        assert max(batches[child]) < min(batches[grandchild])


def test_at_timestamp_starts_at_the_first_record_at_that_time_also_before_it_exists(
    spark: Any, stack: Any, stream: str, tmp_path: Path
) -> None:
    kinesis = stack.aws("kinesis")
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    active(kinesis, stream)
    post(stack, stream, 0, 5)
    cut = next_second()  # boto3 sends AT_TIMESTAMP in whole seconds
    later = post(stack, stream, 5, 5)
    shard = "shardId-000000000000"
    it = kinesis.get_shard_iterator(
        StreamName=stream, ShardId=shard, ShardIteratorType="AT_TIMESTAMP", Timestamp=cut
    )["ShardIterator"]
    got = kinesis.get_records(ShardIterator=it)
    assert [r["SequenceNumber"] for r in got["Records"]] == [seq for _, seq in later]

    # A timestamp no record has reached yet: an empty answer and an iterator that waits (AWS
    # refuses a timestamp in the future).
    now = next_second()  # after every record so far, and not in the future
    it = kinesis.get_shard_iterator(
        StreamName=stream, ShardId=shard, ShardIteratorType="AT_TIMESTAMP", Timestamp=now
    )["ShardIterator"]
    empty = kinesis.get_records(ShardIterator=it)
    assert empty["Records"] == [] and empty["NextShardIterator"]
    assert empty["MillisBehindLatest"] == 0
    newest = post(stack, stream, 10, 2)
    got = kinesis.get_records(ShardIterator=empty["NextShardIterator"])
    assert [r["SequenceNumber"] for r in got["Records"]] == [seq for _, seq in newest]
    with pytest.raises(kinesis.exceptions.InvalidArgumentException):
        kinesis.get_shard_iterator(
            StreamName=stream, ShardId=shard, ShardIteratorType="AT_TIMESTAMP",
            Timestamp=time.time() + 60,
        )  # fmt: skip

    # The source's at_timestamp start reads the same records.
    spark.dataSource.register(KinesisDataSource)
    run = Run(
        spark, stack.aws_endpoint, stream, tmp_path / "ck",
        initialPosition="at_timestamp", initialTimestamp=str(cut),
    )  # fmt: skip
    run.until(lambda r: len(r.rows) >= 7)
    assert sorted(run.rows) == sorted(later + newest)


def test_millis_behind_latest_and_the_end_of_a_closed_shard(stack: Any, stream: str) -> None:
    kinesis = stack.aws("kinesis")
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    active(kinesis, stream)
    posted = post(stack, stream, 0, 20)
    shard = "shardId-000000000000"
    it = kinesis.get_shard_iterator(
        StreamName=stream, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    time.sleep(0.05)
    first = kinesis.get_records(ShardIterator=it, Limit=5)
    assert len(first["Records"]) == 5 and first["MillisBehindLatest"] >= 50
    rest = kinesis.get_records(ShardIterator=first["NextShardIterator"], Limit=100)
    assert len(rest["Records"]) == 15 and rest["MillisBehindLatest"] == 0
    assert rest["NextShardIterator"]  # open: more may come

    kinesis.split_shard(StreamName=stream, ShardToSplit=shard, NewStartingHashKey=HALF)
    active(kinesis, stream)
    end = kinesis.get_records(ShardIterator=rest["NextShardIterator"])
    assert end["Records"] == [] and end.get("NextShardIterator") is None
    children = kinesis.list_shards(StreamName=stream)["Shards"][1:]
    assert [c["ShardId"] for c in end["ChildShards"]] == [c["ShardId"] for c in children]
    assert all(c["ParentShards"] == [shard] for c in end["ChildShards"])
    parent = kinesis.list_shards(StreamName=stream)["Shards"][0]
    ending = int(parent["SequenceNumberRange"]["EndingSequenceNumber"])
    assert max(int(seq) for _, seq in posted) <= ending
    assert all(int(c["SequenceNumberRange"]["StartingSequenceNumber"]) > ending for c in children)
    assert (
        kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"][
            "OpenShardCount"
        ]
        == 2
    )


def test_concurrent_puts_through_the_gateway_are_stored_once_in_order(
    stack: Any, stream: str
) -> None:
    kinesis = stack.aws("kinesis")
    kinesis.create_stream(StreamName=stream, ShardCount=2)
    active(kinesis, stream)
    posted: list[tuple[str, str]] = []
    lock = threading.Lock()

    def client(c: int) -> None:
        for r in range(8):
            got = post(stack, stream, (c * 8 + r) * 50, 50)
            with lock:
                posted.extend(got)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(posted) == len(set(posted)) == 6 * 8 * 50
    stored: list[tuple[str, str]] = []
    for shard in ("shardId-000000000000", "shardId-000000000001"):
        records = read_shard(kinesis, stream, shard)
        seqs = [r["SequenceNumber"] for r in records]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
        arrivals = [r["ApproximateArrivalTimestamp"] for r in records]
        assert arrivals == sorted(arrivals)
        stored += [(shard, s) for s in seqs]
    assert sorted(stored) == sorted(posted)


def test_what_terraform_calls_for_a_stream_is_served(stack: Any, stream: str) -> None:
    """aws_kinesis_stream: create (on demand, tags), encryption, retention, mode, monitoring."""
    kinesis = stack.aws("kinesis")
    kinesis.create_stream(
        StreamName=stream, StreamModeDetails={"StreamMode": "ON_DEMAND"}, Tags={"team": "data"}
    )
    active(kinesis, stream)
    key = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555"
    kinesis.start_stream_encryption(StreamName=stream, EncryptionType="KMS", KeyId=key)
    active(kinesis, stream)
    kinesis.increase_stream_retention_period(StreamName=stream, RetentionPeriodHours=48)
    active(kinesis, stream)
    kinesis.enable_enhanced_monitoring(StreamName=stream, ShardLevelMetrics=["IncomingBytes"])
    arn = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"][
        "StreamARN"
    ]
    kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "PROVISIONED"})
    active(kinesis, stream)
    summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
    assert summary["StreamStatus"] == "ACTIVE" and summary["OpenShardCount"] == 4
    assert (summary["EncryptionType"], summary["KeyId"]) == ("KMS", key)
    assert summary["RetentionPeriodHours"] == 48
    assert summary["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert summary["EnhancedMonitoring"][0]["ShardLevelMetrics"] == ["IncomingBytes"]
    assert kinesis.list_tags_for_stream(StreamName=stream)["Tags"] == [
        {"Key": "team", "Value": "data"}
    ]
    put = kinesis.put_record(StreamName=stream, Data=b"x", PartitionKey="k")
    assert put["EncryptionType"] == "KMS"
    kinesis.update_shard_count(StreamName=stream, TargetShardCount=2, ScalingType="UNIFORM_SCALING")
    active(kinesis, stream)
    assert len([s for s in kinesis.list_shards(StreamName=stream)["Shards"] if
                "EndingSequenceNumber" not in s["SequenceNumberRange"]]) == 2  # fmt: skip
    kinesis.delete_stream(StreamName=stream)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=stream, WaiterConfig={"Delay": 0.2})
