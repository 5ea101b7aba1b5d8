"""S3 sink loop: write-then-commit order, rebalances, shutdown and crashes (moto S3).

Kafka is replaced by a small in-memory log with committed offsets (FakeConsumer); the real
broker is exercised by tests/integration/test_s3_sink.py. The crash tests are the point here:
whatever the cuts before and after a crash, every record lands under exactly one key.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from confluent_kafka import KafkaError, KafkaException, TopicPartition
from moto import mock_aws

from devstack.s3_sink.config import build
from devstack.s3_sink.loop import SinkError, SinkLoop

BUCKET = "user-test-bucket"
TOPIC = "abc.pin"


class Crash(Exception):
    """The process dies here (kill -9): nothing after this point runs."""


class Message:
    def __init__(self, topic: str, partition: int, offset: int, value: bytes | None) -> None:
        self._t, self._p, self._o, self._v = topic, partition, offset, value

    def topic(self) -> str:
        return self._t

    def partition(self) -> int:
        return self._p

    def offset(self) -> int:
        return self._o

    def value(self) -> bytes | None:
        return self._v

    def error(self) -> None:
        return None


class Kafka:
    """What survives a crash: the log and the committed offsets."""

    def __init__(self) -> None:
        self.log: dict[tuple[str, int], list[bytes | None]] = {}
        self.committed: dict[tuple[str, int], int] = {}

    def append(self, topic: str, partition: int, n: int) -> None:
        records = self.log.setdefault((topic, partition), [])
        for _ in range(n):
            offset = len(records)
            records.append(json.dumps({"p": partition, "o": offset}).encode())


class FakeConsumer:
    def __init__(
        self, kafka: Kafka, crash_on_commit: int | None = None, crash_after: bool = False
    ) -> None:
        self.kafka = kafka
        self.position: dict[tuple[str, int], int] = {}
        self.commits = 0
        self.crash_on_commit = crash_on_commit  # crash at the n-th commit (1-based) ...
        self.crash_after = crash_after  # ... just before it is stored, or just after
        self.commit_error: KafkaError | None = None
        self.closed = False

    def subscribe(self, patterns: list[str], on_assign: Any, on_revoke: Any, on_lost: Any) -> None:
        (pattern,) = patterns
        self.on_revoke, self.on_lost = on_revoke, on_lost
        for tp in self.kafka.log:
            if re.search(pattern, tp[0]):
                self.position[tp] = self.kafka.committed.get(tp, 0)
        on_assign(self, [TopicPartition(t, p) for t, p in self.position])

    def consume(self, num: int, timeout: float) -> list[Message]:
        out = []
        for tp, pos in self.position.items():
            records = self.kafka.log[tp]
            take = records[pos : pos + num - len(out)]
            out += [Message(tp[0], tp[1], pos + i, v) for i, v in enumerate(take)]
            self.position[tp] = pos + len(take)
        return out

    def commit(self, offsets: list[TopicPartition], asynchronous: bool) -> None:
        assert asynchronous is False
        self.commits += 1
        crash = self.commits == self.crash_on_commit
        if crash and not self.crash_after:
            raise Crash
        if self.commit_error is not None:
            raise KafkaException(self.commit_error)
        for tp in offsets:
            self.kafka.committed[(tp.topic, tp.partition)] = tp.offset
        if crash:
            raise Crash

    def revoke(self, tps: list[tuple[str, int]], lost: bool = False) -> None:
        callback = self.on_lost if lost else self.on_revoke
        callback(self, [TopicPartition(t, p) for t, p in tps])
        for tp in tps:
            del self.position[tp]

    def close(self) -> None:
        self.revoke(list(self.position))
        self.closed = True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def s3_client() -> Iterator[Any]:
    """One in-process S3 for the module (starting moto per test costs about a second)."""
    with pytest.MonkeyPatch.context() as env, mock_aws():
        env.delenv("AWS_ENDPOINT_URL", raising=False)
        env.setenv("AWS_ACCESS_KEY_ID", "test")
        env.setenv("AWS_SECRET_ACCESS_KEY", "test")
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


@pytest.fixture
def s3(s3_client: Any) -> Any:
    for item in s3_client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3_client.delete_object(Bucket=BUCKET, Key=item["Key"])
    return s3_client


def make_sink(
    s3: Any, consumer: FakeConsumer, clock: Clock, flush: int, rotate_ms: int = -1, **props: str
) -> SinkLoop:
    config = build(
        {
            "topics.regex": r"abc\.(pin|geo)",
            "s3.bucket.name": BUCKET,
            "flush.size": str(flush),
            "rotate.interval.ms": str(rotate_ms),
            **props,
        }
    )
    sink = SinkLoop(config, consumer, s3, clock=clock)
    sink.subscribe()
    return sink


def poll(sink: SinkLoop, clock: Clock, times: int, step: float = 0.1) -> None:
    for _ in range(times):
        sink.poll_once()
        clock.now += step


def objects(s3: Any) -> dict[str, list[dict[str, int]]]:
    listing = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    out = {}
    for item in listing:
        body = s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
        assert body.endswith(b"\n")
        out[item["Key"]] = [json.loads(line) for line in body.splitlines()]
    return out


def assert_exactly_once(s3: Any, kafka: Kafka, topic: str = TOPIC) -> None:
    """Each record is in exactly one object, the one named after its batch's first offset."""
    seen: dict[tuple[int, int], str] = {}
    for key, records in objects(s3).items():
        name = re.fullmatch(
            rf"topics/{re.escape(topic)}/partition=(\d+)/.+\+(\d+)\+(\d{{10}})\.json", key
        )
        assert name, key
        partition, start = int(name.group(1)), int(name.group(3))
        assert int(name.group(2)) == partition
        assert [r["o"] for r in records] == list(range(start, start + len(records))), key
        for r in records:
            assert r["p"] == partition
            assert (partition, r["o"]) not in seen, f"{r} in {key} and {seen[(partition, r['o'])]}"
            seen[(partition, r["o"])] = key
    expected = {(p, o) for (t, p), log in kafka.log.items() if t == topic for o in range(len(log))}
    assert set(seen) == expected


def test_objects_are_written_then_committed(s3: Any) -> None:
    kafka, clock = Kafka(), Clock()
    kafka.append(TOPIC, 0, 7)
    kafka.append(TOPIC, 1, 2)
    consumer = FakeConsumer(kafka)
    sink = make_sink(s3, consumer, clock, flush=3)
    poll(sink, clock, 3)
    assert sorted(objects(s3)) == [
        "topics/abc.pin/partition=0/abc.pin+0+0000000000.json",
        "topics/abc.pin/partition=0/abc.pin+0+0000000003.json",
    ]
    assert kafka.committed == {(TOPIC, 0): 6}
    sink.shutdown()  # what SIGTERM does: write the open batches, commit, leave
    assert kafka.committed == {(TOPIC, 0): 7, (TOPIC, 1): 2}
    assert consumer.closed
    assert_exactly_once(s3, kafka)


def test_rotation_writes_idle_batches(s3: Any) -> None:
    kafka, clock = Kafka(), Clock()
    kafka.append(TOPIC, 0, 2)
    sink = make_sink(s3, FakeConsumer(kafka), clock, flush=100, rotate_ms=1000)
    poll(sink, clock, 4, step=0.25)  # polls at 0 to 0.75 s: not yet
    assert objects(s3) == {}
    poll(sink, clock, 1)  # at 1 s after the first record, with no new record
    assert list(objects(s3).values()) == [[{"p": 0, "o": 0}, {"p": 0, "o": 1}]]
    assert kafka.committed == {(TOPIC, 0): 2}


def test_revoke_writes_and_commits_lost_drops(s3: Any) -> None:
    kafka, clock = Kafka(), Clock()
    kafka.append(TOPIC, 0, 2)
    kafka.append(TOPIC, 1, 2)
    consumer = FakeConsumer(kafka)
    sink = make_sink(s3, consumer, clock, flush=100)
    poll(sink, clock, 1)
    consumer.revoke([(TOPIC, 0)])
    consumer.revoke([(TOPIC, 1)], lost=True)
    assert list(objects(s3)) == ["topics/abc.pin/partition=0/abc.pin+0+0000000000.json"]
    assert kafka.committed == {(TOPIC, 0): 2}  # partition 1 will be read again by its owner
    assert sink.batcher.open == {}


def test_run_stops_cleanly_when_asked(s3: Any) -> None:
    kafka, clock = Kafka(), Clock()
    kafka.append(TOPIC, 0, 5)
    consumer = FakeConsumer(kafka)
    sink = make_sink(s3, consumer, clock, flush=100)
    calls = iter([False, False, True])
    sink.run(lambda: next(calls))
    assert kafka.committed == {(TOPIC, 0): 5} and consumer.closed
    assert_exactly_once(s3, kafka)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"flush": 10, "rotate_ms": 250}, {"flush": 10}),  # short object, rewritten longer
        ({"flush": 10}, {"flush": 3, "rotate_ms": 250}),  # long object, rewritten shorter
    ],
)
def test_crash_between_write_and_commit_overwrites_the_same_key(
    s3: Any, first: dict[str, int], second: dict[str, int]
) -> None:
    kafka, clock = Kafka(), Clock()
    kafka.append(TOPIC, 0, 4)
    sink = make_sink(s3, FakeConsumer(kafka, crash_on_commit=1), clock, **first)
    with pytest.raises(Crash):
        for _ in range(10):
            sink.poll_once()
            clock.now += 0.2
            kafka.append(TOPIC, 0, 3)
    stale = objects(s3)
    assert len(stale) == 1 and kafka.committed == {}  # written, never committed
    sink = make_sink(s3, FakeConsumer(kafka), clock, **second)  # the restart
    poll(sink, clock, 10)
    sink.shutdown()
    after = objects(s3)
    (stale_key,) = stale
    assert stale_key in after and after[stale_key] != stale[stale_key]  # overwritten in place
    assert_exactly_once(s3, kafka)


@pytest.mark.parametrize("seed", range(12))
def test_random_crashes_never_lose_or_duplicate(s3: Any, seed: int) -> None:
    """Many restarts, each with other cut settings and a crash at a random commit."""
    rng = random.Random(seed)
    kafka, clock = Kafka(), Clock()
    for _ in range(8):
        for partition in range(2):
            kafka.append(TOPIC, partition, rng.randint(0, 15))
        crash = rng.choice([None, 1, 2, 3, 5])
        consumer = FakeConsumer(kafka, crash_on_commit=crash, crash_after=rng.random() < 0.5)
        settings = {"flush": rng.randint(1, 9), "rotate_ms": rng.choice([-1, 100, 350])}
        sink = make_sink(s3, consumer, clock, **settings)
        try:
            for _ in range(rng.randint(1, 6)):
                sink.poll_once()
                clock.now += rng.choice([0.05, 0.2])
                kafka.append(TOPIC, rng.randint(0, 1), rng.randint(0, 3))
            if rng.random() < 0.5:
                sink.shutdown()
        except Crash:
            pass
    sink = make_sink(s3, FakeConsumer(kafka), clock, flush=4)
    poll(sink, clock, 30)
    sink.shutdown()
    assert_exactly_once(s3, kafka)


def test_commit_failure_stops_before_another_object(s3: Any) -> None:
    kafka, clock = Kafka(), Clock()
    kafka.append(TOPIC, 0, 6)
    consumer = FakeConsumer(kafka)
    consumer.commit_error = KafkaError(KafkaError.ILLEGAL_GENERATION, "fenced", retriable=False)
    sink = make_sink(s3, consumer, clock, flush=3)
    with pytest.raises(SinkError, match=r"cannot commit abc\.pin\[0\]@3"):
        sink.poll_once()
    assert len(objects(s3)) == 1  # the second batch was never written


def test_put_failure_commits_nothing(s3: Any) -> None:
    kafka, clock = Kafka(), Clock()
    kafka.append(TOPIC, 0, 3)
    consumer = FakeConsumer(kafka)
    sink = make_sink(s3, consumer, clock, flush=3)
    sink.config = build({**_props(sink), "s3.bucket.name": "no-such-bucket"})
    with pytest.raises(SinkError, match="cannot write s3://no-such-bucket/"):
        sink.poll_once()
    assert consumer.commits == 0


def _props(sink: SinkLoop) -> dict[str, str]:
    c = sink.config
    return {"topics.regex": c.topics_regex, "s3.bucket.name": c.bucket, "flush.size": "3"}


@pytest.mark.parametrize(
    ("props", "outcome"),
    [
        ({}, "stop"),
        ({"errors.tolerance": "all"}, "skip"),
        ({"behavior.on.null.values": "ignore"}, "stop"),  # ignores nulls, not broken JSON
    ],
)
def test_records_that_are_not_json(s3: Any, props: dict[str, str], outcome: str) -> None:
    kafka, clock = Kafka(), Clock()
    kafka.append(TOPIC, 0, 1)
    kafka.log[(TOPIC, 0)].append(b"{broken")
    kafka.append(TOPIC, 0, 1)
    sink = make_sink(s3, FakeConsumer(kafka), clock, flush=2, **props)
    run: Callable[[], None] = lambda: poll(sink, clock, 2)  # noqa: E731
    if outcome == "stop":
        with pytest.raises(SinkError, match=r"record abc\.pin\[0\]@1 cannot be written"):
            run()
        return
    run()
    assert list(objects(s3).values()) == [[{"p": 0, "o": 0}, {"p": 0, "o": 2}]]
    assert sink.stats["skipped"] == 1


def test_null_values_can_be_ignored(s3: Any) -> None:
    kafka, clock = Kafka(), Clock()
    kafka.log[(TOPIC, 0)] = [None, b'{"p": 0, "o": 1}']
    sink = make_sink(
        s3, FakeConsumer(kafka), clock, flush=1, **{"behavior.on.null.values": "ignore"}
    )
    poll(sink, clock, 1)
    assert list(objects(s3)) == ["topics/abc.pin/partition=0/abc.pin+0+0000000001.json"]


def test_topics_outside_the_regex_are_not_read(s3: Any) -> None:
    kafka, clock = Kafka(), Clock()
    kafka.append("abc.pinx", 0, 3)
    kafka.append("xabc.pin", 0, 3)
    kafka.append("abc.geo", 0, 1)
    sink = make_sink(s3, FakeConsumer(kafka), clock, flush=1)
    poll(sink, clock, 1)
    assert list(objects(s3)) == ["topics/abc.geo/partition=0/abc.geo+0+0000000000.json"]
