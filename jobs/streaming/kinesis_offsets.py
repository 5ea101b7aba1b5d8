"""Offsets of the `kinesis` source: one position token per stream and shard.

An offset is `{"<stream>": {"<shardId>": "<token>"}}` with sorted keys (Spark compares offsets as
JSON text, so the same position must always serialize the same way). A token is one of:

- `TRIM_HORIZON`            nothing read yet, start at the oldest record;
- `AT_TIMESTAMP:<epoch ms>` nothing read yet, start at the first record that arrived at that time;
- `AFTER:<sequence number>` the last record read (inclusive end of a batch, exclusive start);
- `CLOSED`                  a closed shard read to its end.

A batch `(start, end]` on a shard is deterministic: the records after the start token up to and
including the end token's sequence number. Kinesis never changes a shard's past, so re-reading gives
the same records.
"""

from __future__ import annotations

from typing import Any

TRIM_HORIZON = "TRIM_HORIZON"
CLOSED = "CLOSED"
_AFTER = "AFTER:"
_AT = "AT_TIMESTAMP:"

Offset = dict[str, dict[str, str]]


def after(sequence_number: str) -> str:
    return _AFTER + sequence_number


def at_timestamp(epoch_ms: int) -> str:
    return f"{_AT}{epoch_ms}"


def sequence_of(token: str) -> int | None:
    """The sequence number of an AFTER token, as an integer (they compare numerically)."""
    return int(token[len(_AFTER) :]) if token.startswith(_AFTER) else None


def timestamp_of(token: str) -> int | None:
    """The epoch milliseconds of an AT_TIMESTAMP token."""
    return int(token[len(_AT) :]) if token.startswith(_AT) else None


def iterator_args(token: str) -> dict[str, Any]:
    """GetShardIterator arguments that start reading right after `token`."""
    if token == TRIM_HORIZON:
        return {"ShardIteratorType": "TRIM_HORIZON"}
    if token.startswith(_AFTER):
        return {
            "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
            "StartingSequenceNumber": token[len(_AFTER) :],
        }
    if token.startswith(_AT):
        return {"ShardIteratorType": "AT_TIMESTAMP", "Timestamp": int(token[len(_AT) :]) / 1000}
    raise ValueError(f"no iterator for position token {token!r}")


def canonical(offset: Offset) -> Offset:
    """Sorted copy, so that equal positions give equal JSON."""
    return {s: dict(sorted(shards.items())) for s, shards in sorted(offset.items())}


def validate(offset: Any) -> Offset:
    """An offset read back from a checkpoint, checked for shape."""
    if not isinstance(offset, dict) or not all(
        isinstance(shards, dict) and all(isinstance(t, str) for t in shards.values())
        for shards in offset.values()
    ):
        raise ValueError(f"not a kinesis source offset: {offset!r}")
    return canonical(offset)
