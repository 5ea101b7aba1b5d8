"""Where the sink cuts objects: per partition, `flush.size` records or `rotate.interval.ms`.

Pure logic (no Kafka, no S3): records go in, closed batches come out, in offset order.

Why a rewrite after a crash is safe even though a time-based cut is not reproducible: the sink
writes one batch, commits its end offset synchronously, and only then handles the partition's
next batch (sink.py). So at any moment a partition has at most one object written but not yet
committed, and it starts at the committed offset. After a crash the partition resumes from that
offset, so its first new batch starts there too and has the same key: it overwrites the stale
object whatever its length, and every later key starts past it. No record lands under two keys
and none is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

TopicPartition = tuple[str, int]


@dataclass
class Batch:
    """Consecutive records of one partition that become one S3 object."""

    topic: str
    partition: int
    start_offset: int
    opened_at: float  # clock time of the first record, for rotate.interval.ms
    end_offset: int = -1  # offset of the last record
    lines: list[bytes] = field(default_factory=list)

    def add(self, offset: int, line: bytes) -> None:
        self.lines.append(line)
        self.end_offset = offset

    @property
    def size(self) -> int:
        return len(self.lines)

    @property
    def next_offset(self) -> int:
        """The offset to commit once this batch is stored."""
        return self.end_offset + 1

    def body(self) -> bytes:
        return b"".join(self.lines)


class Batcher:
    """Open batches per partition, cut by count (`flush_size`) or age (`rotate_interval_ms`)."""

    def __init__(
        self, flush_size: int, rotate_interval_ms: int, clock: Callable[[], float]
    ) -> None:
        self.flush_size = flush_size
        self.rotate_s = rotate_interval_ms / 1000 if rotate_interval_ms > 0 else None
        self.clock = clock
        self.open: dict[TopicPartition, Batch] = {}

    def add(self, topic: str, partition: int, offset: int, line: bytes) -> list[Batch]:
        """Add one record; return the batches it closed (an expired one, then a full one)."""
        closed = []
        now = self.clock()
        tp = (topic, partition)
        batch = self.open.get(tp)
        if batch is not None and self._expired(batch, now):
            closed.append(self.open.pop(tp))
            batch = None
        if batch is None:
            batch = self.open[tp] = Batch(topic, partition, offset, now)
        batch.add(offset, line)
        if batch.size >= self.flush_size:
            closed.append(self.open.pop(tp))
        return closed

    def expired(self) -> list[Batch]:
        """Batches whose rotate interval has passed: checked on every poll, idle ones included."""
        now = self.clock()
        due = [tp for tp, batch in self.open.items() if self._expired(batch, now)]
        return [self.open.pop(tp) for tp in due]

    def take(self, partitions: Iterable[TopicPartition] | None = None) -> list[Batch]:
        """Close the open batches of `partitions` (all when None): revoke and shutdown."""
        wanted = (
            list(self.open) if partitions is None else [p for p in partitions if p in self.open]
        )
        return [self.open.pop(tp) for tp in wanted]

    def drop(self, partitions: Iterable[TopicPartition]) -> int:
        """Forget open batches of partitions lost without a revoke; they will be re-read."""
        return sum(self.open.pop(tp).size for tp in list(partitions) if tp in self.open)

    def _expired(self, batch: Batch, now: float) -> bool:
        return self.rotate_s is not None and now - batch.opened_at >= self.rotate_s


class BadRecord(ValueError):
    """A record JsonFormat cannot write (not JSON, or a null value when nulls fail)."""


def json_line(value: bytes | None) -> bytes:
    """One JSON line: the value's own bytes (already one line of JSON) plus a newline.

    A JSON value spread over several lines is written compactly so that one line stays one
    record. Raises BadRecord for what the connector's JsonConverter would reject.
    """
    if value is None:
        raise BadRecord("null value (tombstone)")
    try:
        parsed = json.loads(value)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRecord(f"value is not JSON: {exc}") from None
    if b"\n" in value or b"\r" in value:
        value = json.dumps(parsed, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return value + b"\n"
