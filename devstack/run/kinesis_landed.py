"""What landed in Kinesis for one run: the records that arrived from the run's start instant on.

Streams keep earlier runs' records (24 h retention), so a run notes the instant before it posts and
reads each shard from there (AT_TIMESTAMP): the same instant the streaming job starts from, and no
need to read the streams' history.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any


def start_instant() -> dt.datetime:
    """Now, in UTC, cut to the millisecond (Kinesis' arrival timestamps are milliseconds)."""
    now = dt.datetime.now(dt.UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def shard_ids(kinesis: Any, stream: str) -> list[str]:
    shards = kinesis.list_shards(StreamName=stream)["Shards"]
    return [s["ShardId"] for s in shards]


def records_since(kinesis: Any, streams: list[str], since: dt.datetime) -> dict[str, list[bytes]]:
    """Per stream, the Data of every record that arrived at or after `since`."""
    out: dict[str, list[bytes]] = {s: [] for s in streams}
    for stream in streams:
        for shard in shard_ids(kinesis, stream):
            out[stream] += [r["Data"] for r in _read_shard(kinesis, stream, shard, since)]
    return out


def _read_shard(kinesis: Any, stream: str, shard: str, since: dt.datetime) -> list[dict[str, Any]]:
    iterator = kinesis.get_shard_iterator(
        StreamName=stream, ShardId=shard, ShardIteratorType="AT_TIMESTAMP", Timestamp=since
    )["ShardIterator"]
    out: list[dict[str, Any]] = []
    while iterator:
        resp = _get_records(kinesis, iterator)
        out += resp["Records"]
        # Caught up: nothing returned and nothing behind (an open shard always has an iterator).
        if not resp["Records"] and resp.get("MillisBehindLatest", 0) == 0:
            break
        iterator = resp.get("NextShardIterator")
    return out


def _get_records(kinesis: Any, iterator: str) -> dict[str, Any]:
    for attempt in range(8):
        try:
            return dict(kinesis.get_records(ShardIterator=iterator, Limit=10000))
        except kinesis.exceptions.ProvisionedThroughputExceededException:
            time.sleep(0.2 * 2**attempt)  # back off, as Kinesis asks
    return dict(kinesis.get_records(ShardIterator=iterator, Limit=10000))
