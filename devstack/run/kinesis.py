"""What landed in Kinesis for one run: records after each shard's last sequence number at the start.

Streams keep earlier runs' records (24 h retention), so the run notes where each shard ended before
posting (the baseline) and counts only the records after it.
"""

from __future__ import annotations

import time
from typing import Any

Positions = dict[tuple[str, str], str | None]
"""(stream, shard id) -> last sequence number seen (None: the shard was empty)."""


def shard_ids(kinesis: Any, stream: str) -> list[str]:
    shards = kinesis.list_shards(StreamName=stream)["Shards"]
    return [s["ShardId"] for s in shards]


def positions(kinesis: Any, streams: list[str]) -> Positions:
    """The last sequence number of every shard (reads each shard to its end once)."""
    out: Positions = {}
    for stream in streams:
        for shard in shard_ids(kinesis, stream):
            records = _read_shard(kinesis, stream, shard, None)
            out[(stream, shard)] = records[-1]["SequenceNumber"] if records else None
    return out


def records_after(kinesis: Any, streams: list[str], base: Positions) -> dict[str, list[bytes]]:
    """Per stream, the Data of every record written after the baseline."""
    out: dict[str, list[bytes]] = {s: [] for s in streams}
    for stream in streams:
        for shard in shard_ids(kinesis, stream):
            records = _read_shard(kinesis, stream, shard, base.get((stream, shard)))
            out[stream] += [r["Data"] for r in records]
    return out


def _read_shard(kinesis: Any, stream: str, shard: str, after: str | None) -> list[dict[str, Any]]:
    args: dict[str, Any] = {"StreamName": stream, "ShardId": shard}
    if after is None:
        args["ShardIteratorType"] = "TRIM_HORIZON"
    else:
        args.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=after)
    iterator = kinesis.get_shard_iterator(**args)["ShardIterator"]
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
