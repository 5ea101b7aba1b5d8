"""A run counts only the Kinesis records that arrived from its start instant on, on every shard."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from devstack.run import kinesis_landed

STREAM = "streaming-test-geo"


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        c = boto3.client("kinesis", region_name="us-east-1")
        c.create_stream(StreamName=STREAM, ShardCount=2)
        c.create_stream(StreamName="empty", ShardCount=1)
        yield c


def put(client: Any, first: int, n: int) -> None:
    records = [{"Data": b'{"ind":%d}' % i, "PartitionKey": str(i)} for i in range(first, first + n)]
    client.put_records(StreamName=STREAM, Records=records)


def test_records_since_the_start_only(client: Any) -> None:
    put(client, 0, 40)  # an earlier run
    time.sleep(0.01)
    start = kinesis_landed.start_instant()
    assert start.microsecond % 1000 == 0
    time.sleep(0.01)
    put(client, 40, 25)
    got = kinesis_landed.records_since(client, [STREAM, "empty"], start)
    assert sorted(got[STREAM]) == sorted(b'{"ind":%d}' % i for i in range(40, 65))
    assert got["empty"] == []
    assert len(kinesis_landed.shard_ids(client, STREAM)) == 2
