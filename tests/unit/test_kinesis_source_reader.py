"""The `kinesis` stream reader without Spark, against an in-memory Kinesis.

The fake can do what moto cannot: close a shard after a split, throttle, expire iterators and
return empty polls in the middle of a shard. Spark's calls are made in the order Spark 4.0 makes
them (see test_kinesis_source_spark.py for the same properties through a real query).
"""

from __future__ import annotations

import datetime as dt
import itertools
import pickle
from typing import Any

import pytest
from botocore.exceptions import ClientError

from jobs.streaming import kinesis_client
from jobs.streaming import kinesis_offsets as off
from jobs.streaming.kinesis_options import parse_options
from jobs.streaming.kinesis_source import KinesisStreamReader, ShardRange

STREAM = "s"


def _error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, "GetRecords")


class FakeKinesis:
    """Just enough of the Kinesis API for the reader; sequence numbers grow across shards."""

    def __init__(self) -> None:
        self.shards: dict[str, dict[str, Any]] = {}
        self.seq = itertools.count(1000)
        self.clock = itertools.count(1_700_000_000_000, 1000)
        self.throttle_next = 0
        self.expire_next = 0
        self.empty_polls_before_data = 0
        self.coarse_timestamps = False
        self.calls: list[str] = []

    def add_shard(self, shard_id: str, parents: tuple[str, ...] = ()) -> None:
        self.shards[shard_id] = {"records": [], "parents": parents, "closed": False, "empty": 0}

    def put(self, shard_id: str, n: int) -> list[str]:
        out = []
        for _ in range(n):
            seq = str(next(self.seq))
            ms = next(self.clock)
            arrival = dt.datetime.fromtimestamp(ms / 1000, dt.UTC)
            self.shards[shard_id]["records"].append(
                {
                    "SequenceNumber": seq,
                    "Data": seq.encode(),
                    "PartitionKey": "k",
                    "ApproximateArrivalTimestamp": arrival,
                }
            )
            out.append(seq)
        return out

    def list_shards(self, StreamName: str) -> dict[str, Any]:
        self.calls.append("list_shards")
        shards = []
        for shard_id, s in self.shards.items():
            item: dict[str, Any] = {"ShardId": shard_id}
            if s["parents"]:
                item["ParentShardId"] = s["parents"][0]
            shards.append(item)
        return {"Shards": shards}

    def get_shard_iterator(
        self,
        StreamName: str,
        ShardId: str,
        ShardIteratorType: str,
        StartingSequenceNumber: str = "",
        Timestamp: float = 0,
    ) -> dict:
        self.calls.append("get_shard_iterator")
        records = self.shards[ShardId]["records"]
        if ShardIteratorType == "TRIM_HORIZON":
            pos = 0
        elif ShardIteratorType == "AFTER_SEQUENCE_NUMBER":
            pos = next(
                i + 1
                for i, r in enumerate(records)
                if r["SequenceNumber"] == StartingSequenceNumber
            )
        else:  # AT_TIMESTAMP, to the second like LocalStack's engine
            since = int(Timestamp) if self.coarse_timestamps else Timestamp
            pos = sum(1 for r in records if r["ApproximateArrivalTimestamp"].timestamp() < since)
        return {"ShardIterator": f"{ShardId}|{pos}"}

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:
        self.calls.append("get_records")
        if self.throttle_next:
            self.throttle_next -= 1
            raise _error("ProvisionedThroughputExceededException")
        if self.expire_next:
            self.expire_next -= 1
            raise _error("ExpiredIteratorException")
        shard_id, pos_text = ShardIterator.split("|")
        shard, pos = self.shards[shard_id], int(pos_text)
        if shard["empty"] < self.empty_polls_before_data:
            shard["empty"] += 1
            return {"Records": [], "NextShardIterator": ShardIterator, "MillisBehindLatest": 5000}
        batch = shard["records"][pos : pos + Limit]
        new_pos = pos + len(batch)
        at_end = new_pos >= len(shard["records"])
        nxt = None if shard["closed"] and at_end else f"{shard_id}|{new_pos}"
        behind = 0 if at_end else 1000
        return {"Records": batch, "NextShardIterator": nxt, "MillisBehindLatest": behind}


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kinesis_client.time, "sleep", lambda s: None)


def reader(fake: FakeKinesis, **options: str) -> KinesisStreamReader:
    opts = {
        "streamName": STREAM,
        "region": "us-east-1",
        "initialPosition": "earliest",
        "minFetchPeriod": "0ms",
        "shardFetchInterval": "0s",
        **options,
    }
    r = KinesisStreamReader(parse_options(opts))
    r._client = fake
    return r


def run_batch(r: KinesisStreamReader, start: dict, end: dict) -> list[tuple]:
    """What Spark does for one batch: plan, read every partition, commit."""
    rows = [row for p in r.partitions(start, end) for row in r.read(p)]
    r.commit(end)
    return rows


def seqs(rows: list[tuple]) -> list[str]:
    return [row[4] for row in rows]


def test_two_shards_all_records_in_order_per_shard() -> None:
    fake = FakeKinesis()
    fake.add_shard("shard-0")
    fake.add_shard("shard-1")
    put0, put1 = fake.put("shard-0", 7), fake.put("shard-1", 5)
    r = reader(fake)
    start = r.initialOffset()
    end = r.latestOffset()
    rows = run_batch(r, start, end)
    assert [x[4] for x in rows if x[3] == "shard-0"] == put0
    assert [x[4] for x in rows if x[3] == "shard-1"] == put1
    assert end == {STREAM: {"shard-0": off.after(put0[-1]), "shard-1": off.after(put1[-1])}}
    assert r.latestOffset() == end  # nothing new: the same offset, so Spark runs no batch
    # Uncapped, each shard is read in one GetRecords call (up to maxRecordsPerFetch), then one
    # more poll each to see nothing is left.
    assert fake.calls.count("get_records") == 4


def test_cap_per_batch_is_honored_and_nothing_is_skipped() -> None:
    fake = FakeKinesis()
    fake.add_shard("shard-0")
    fake.add_shard("shard-1")
    expected = set(fake.put("shard-0", 12) + fake.put("shard-1", 9))
    r = reader(fake, maxRecordsPerBatch="5")
    start, got, sizes = r.initialOffset(), [], []
    while (end := r.latestOffset()) != start:
        batch = run_batch(r, start, end)
        sizes.append(len(batch))
        got += seqs(batch)
        start = end
    assert max(sizes) <= 5 and sum(sizes) == 21
    assert sorted(got) == sorted(expected) and len(got) == len(set(got))


def test_replayed_batch_rereads_exactly_the_planned_range() -> None:
    fake = FakeKinesis()
    fake.add_shard("shard-0")
    fake.add_shard("shard-1")
    fake.put("shard-0", 6)
    fake.put("shard-1", 6)
    first = reader(fake, maxRecordsPerBatch="4")
    start = first.initialOffset()
    end = first.latestOffset()
    original = [row for p in first.partitions(start, end) for row in first.read(p)]
    fake.put("shard-0", 3)  # new records after planning must not leak into the replay
    # The driver dies before the commit. A new reader replays the batch from the offset log:
    # Spark 4.0 first calls partitions(last, last), then the batch itself.
    again = reader(fake, maxRecordsPerBatch="4")
    assert again.partitions(end, end) == []
    parts = [pickle.loads(pickle.dumps(p)) for p in again.partitions(start, end)]
    assert all(isinstance(p, ShardRange) and p.rows is None for p in parts)  # nothing cached
    replayed = [row for p in parts for row in again.read(p)]
    assert replayed == original
    again.commit(end)
    # ...and the next batches continue right after the replayed one.
    got = seqs(original)
    while (nxt := again.latestOffset()) != end:
        got += seqs(run_batch(again, end, nxt))
        end = nxt
    assert sorted(got) == sorted(
        r["SequenceNumber"] for s in fake.shards.values() for r in s["records"]
    )
    assert len(got) == 15


def test_restart_after_commit_continues_from_the_checkpoint() -> None:
    fake = FakeKinesis()
    fake.add_shard("shard-0")
    fake.put("shard-0", 5)
    first = reader(fake)
    start = first.initialOffset()
    end = first.latestOffset()
    got = seqs(run_batch(first, start, end))
    fake.put("shard-0", 4)
    second = reader(fake)
    second.partitions(end, end)  # Spark 4.0: how a restarted reader learns its position
    nxt = second.latestOffset()
    got += seqs(run_batch(second, end, nxt))
    assert got == [r["SequenceNumber"] for r in fake.shards["shard-0"]["records"]]


def test_latest_skips_records_older_than_the_start() -> None:
    fake = FakeKinesis()
    fake.add_shard("shard-0")
    fake.put("shard-0", 3)
    fake.clock = itertools.count(4_000_000_000_000, 1000)  # later records arrive "after now"
    r = reader(fake, initialPosition="latest")
    start = r.initialOffset()
    assert r.latestOffset() == start  # the old records are not in any batch
    new = fake.put("shard-0", 2)
    end = r.latestOffset()
    assert seqs(run_batch(r, start, end)) == new
    assert r.initialOffset() == start  # `latest` is fixed once, for every later call


def test_at_timestamp_is_exact_even_when_the_engine_rounds_to_the_second() -> None:
    fake = FakeKinesis()
    fake.coarse_timestamps = True
    fake.clock = itertools.count(1_700_000_000_000, 100)  # ten records per second
    fake.add_shard("shard-0")
    seq = fake.put("shard-0", 30)
    start_ms = 1_700_000_001_500  # between the 15th and 16th record, mid-second
    r = reader(
        fake,
        initialPosition="at_timestamp",
        initialTimestamp=str(start_ms / 1000),
        maxRecordsPerBatch="4",
    )
    start, got = r.initialOffset(), []
    while (end := r.latestOffset()) != start:
        batch = r.partitions(start, end)
        for p in batch:  # the executor path must drop the same records
            p.rows = None
        got += seqs([row for p in batch for row in r.read(p)])
        r.commit(end)
        start = end
    assert got == seq[15:]


def test_split_shard_children_wait_for_the_parent() -> None:
    fake = FakeKinesis()
    fake.add_shard("shard-0")
    parent = fake.put("shard-0", 4)
    r = reader(fake, maxRecordsPerBatch="2")
    start = r.initialOffset()
    fake.shards["shard-0"]["closed"] = True
    fake.add_shard("shard-1", parents=("shard-0",))
    fake.add_shard("shard-2", parents=("shard-0",))
    children = fake.put("shard-1", 2) + fake.put("shard-2", 2)
    got = []
    while (end := r.latestOffset()) != start:
        got += seqs(run_batch(r, start, end))
        start = end
    assert got[:4] == parent  # the parent is read to its end before any child
    assert sorted(got[4:]) == sorted(children)
    assert start[STREAM]["shard-0"] == off.CLOSED


def test_throttling_backs_off_and_expired_iterators_are_reopened() -> None:
    fake = FakeKinesis()
    fake.add_shard("shard-0")
    expected = fake.put("shard-0", 6)
    r = reader(fake, maxRecordsPerFetch="2", maxRecordsPerBatch="6")
    start = r.initialOffset()
    fake.throttle_next = 3
    end = r.latestOffset()
    assert fake.calls.count("get_records") >= 4
    fake.expire_next = 1
    parts = r.partitions(start, end)
    for p in parts:  # force the executor path, which polls with the iterator limit of 2
        p.rows = None
    got = [row for p in parts for row in r.read(p)]
    assert seqs(got) == expected


def test_empty_polls_in_the_middle_of_a_shard_do_not_lose_records() -> None:
    fake = FakeKinesis()
    fake.add_shard("shard-0")
    expected = fake.put("shard-0", 3)
    fake.empty_polls_before_data = 2
    r = reader(fake)
    start, got = r.initialOffset(), []
    for _ in range(5):
        end = r.latestOffset()
        got += seqs(run_batch(r, start, end))
        start = end
    assert got == expected


def test_persistent_throttling_raises_a_clear_error() -> None:
    fake = FakeKinesis()
    fake.add_shard("shard-0")
    fake.put("shard-0", 1)
    fake.throttle_next = 100
    part = ShardRange(STREAM, "shard-0", off.TRIM_HORIZON, off.CLOSED, None)
    with pytest.raises(kinesis_client.Throttled, match="throttled"):
        list(reader(fake).read(part))


def test_reader_pickles_without_client_or_state() -> None:
    r = reader(FakeKinesis())
    r._cache[("a", "b", "c", "d")] = [("x",)]
    copy = pickle.loads(pickle.dumps(r))
    assert copy.opts == r.opts and copy._client is None and copy._cache == {}
