"""Which sink objects belong to a run: offsets in [baseline, target); overlaps are duplicates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from contracts.names import sink_key
from devstack.run.s3_landed import SinkReader, key_counts

BUCKET = "user-test-bucket"
TOPIC = "test.geo"


def line(i: int) -> bytes:
    return b'{"ind":%d,"country":"Chile"}\n' % i


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def put(s3: Any, partition: int, start: int, n: int) -> None:
    body = b"".join(line(start + i) for i in range(n))
    s3.put_object(Bucket=BUCKET, Key=sink_key(TOPIC, partition, start), Body=body)


def test_run_records_and_coverage(s3: Any) -> None:
    put(s3, 0, 0, 5)  # earlier run: offsets 0-4
    put(s3, 0, 5, 5)  # this run: 5-9
    put(s3, 0, 8, 4)  # a rewrite after a sink restart overlapping 8-9, then 10-11
    reader = SinkReader(s3, BUCKET)
    base, target = {(TOPIC, 0): 5, (TOPIC, 1): 0}, {(TOPIC, 0): 12, (TOPIC, 1): 2}
    assert reader.missing([TOPIC], base, target) == 2  # partition 1 not landed yet
    put(s3, 1, 0, 2)
    assert reader.missing([TOPIC], base, target) == 0
    lines = reader.run_records([TOPIC], base, target)[TOPIC]
    keys = key_counts(lines, "ind")
    assert sum(keys.values()) == 7 + 2 + 2  # 5..11 once, 8 and 9 twice, partition 1 twice
    assert keys["8"] == 2 and keys["4"] == 0 and keys["11"] == 1


def test_snapshot_copies_only_the_run(s3: Any) -> None:
    put(s3, 0, 0, 5)
    put(s3, 0, 5, 5)
    reader = SinkReader(s3, BUCKET)
    written = reader.snapshot([TOPIC], {(TOPIC, 0): 3}, {(TOPIC, 0): 10}, "runs/r1")
    assert written == 2
    trimmed = s3.get_object(Bucket=BUCKET, Key="runs/r1/" + sink_key(TOPIC, 0, 3))["Body"].read()
    assert trimmed == line(3) + line(4)
    whole = s3.get_object(Bucket=BUCKET, Key="runs/r1/" + sink_key(TOPIC, 0, 5))["Body"].read()
    assert whole == b"".join(line(i) for i in range(5, 10))


def test_unreadable_lines_are_counted_apart() -> None:
    keys = key_counts([b"not json\n", b'{"other":1}\n', line(1)], "ind")
    assert keys == {"": 2, "1": 1}


def test_objects_before_the_baseline_are_not_read(s3: Any) -> None:
    for start in range(0, 50, 5):  # earlier runs
        put(s3, 0, start, 5)
    fetched: list[str] = []

    class Counting:
        def __getattr__(self, name: str) -> Any:
            return getattr(s3, name)

        def get_object(self, **kwargs: Any) -> Any:
            fetched.append(kwargs["Key"])
            return s3.get_object(**kwargs)

    reader = SinkReader(Counting(), BUCKET)
    assert reader.missing([TOPIC], {(TOPIC, 0): 42}, {(TOPIC, 0): 50}) == 0
    assert fetched == [sink_key(TOPIC, 0, 40), sink_key(TOPIC, 0, 45)]
