"""What the S3 sink landed for one run: the objects covering the run's Kafka offsets.

A run on a reused stack shares topics and the bucket with earlier runs, so it reads the Kafka end
offsets before posting (the baseline) and after (the target). An object named
`<topic>+<p>+<start>.json` with n lines holds offsets start..start+n-1 (DESIGN section 6); the
run's records are those at offsets in [baseline, target).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from confluent_kafka import Consumer, TopicPartition

from contracts.names import SinkKey, sink_key, sink_prefix

Offsets = dict[tuple[str, int], int]
"""(topic, partition) -> offset."""


def end_offsets(bootstrap: str, topics: list[str], timeout: float = 15.0) -> Offsets:
    """The next offset to be written in each partition of the topics."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "devstack-run-probe"})
    try:
        meta = consumer.list_topics(timeout=timeout)
        out: Offsets = {}
        for topic in topics:
            if topic not in meta.topics or meta.topics[topic].error is not None:
                raise RuntimeError(f"topic {topic} does not exist on {bootstrap}")
            for p in meta.topics[topic].partitions:
                _, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=timeout)
                out[(topic, p)] = high
        return out
    finally:
        consumer.close()


@dataclass(frozen=True)
class SinkObject:
    key: str
    topic: str
    partition: int
    start: int
    lines: tuple[bytes, ...]

    @property
    def end(self) -> int:
        return self.start + len(self.lines)


class SinkReader:
    """Lists and reads sink objects, each object read once (cached by key and ETag)."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self.s3 = s3
        self.bucket = bucket
        self._cache: dict[tuple[str, str], SinkObject] = {}

    def objects(self, topic: str, base: Offsets, target: Offsets) -> list[SinkObject]:
        """The objects that may hold offsets in [base, target), read (once) and parsed.

        Names give each object's start offset, so older objects are never read: per partition,
        only the last object starting at or before the base, and those after it, below the target.
        """
        listed: dict[int, list[tuple[int, str, str]]] = {}
        pages = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=sink_prefix(topic)
        )
        for page in pages:
            for item in page.get("Contents", []):
                parsed = SinkKey.parse(item["Key"])
                if parsed and parsed.topic == topic:
                    entry = (parsed.start_offset, item["Key"], item["ETag"])
                    listed.setdefault(parsed.partition, []).append(entry)
        out = []
        for partition, entries in listed.items():
            lo = base.get((topic, partition), 0)
            hi = target.get((topic, partition), 0)
            floor = max((start for start, _, _ in entries if start <= lo), default=0)
            for start, key, etag in sorted(entries):
                if floor <= start < hi:
                    out.append(self._read(topic, key, etag, partition, start))
        return out

    def _read(self, topic: str, key: str, etag: str, partition: int, start: int) -> SinkObject:
        cached = self._cache.get((key, etag))
        if cached is None:
            body = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
            lines = tuple(line for line in body.splitlines(keepends=True) if line.strip())
            cached = SinkObject(key, topic, partition, start, lines)
            self._cache[(key, etag)] = cached
        return cached

    def run_records(
        self, topics: list[str], base: Offsets, target: Offsets
    ) -> dict[str, list[bytes]]:
        """Per topic, the landed lines whose offsets lie in [base, target), one per object line.

        An offset written twice (two overlapping objects after a sink restart) counts twice:
        that is a duplicate delivery, which the batch job drops by event key.
        """
        out: dict[str, list[bytes]] = {t: [] for t in topics}
        for topic in topics:
            for obj in self.objects(topic, base, target):
                lo, hi = base.get((topic, obj.partition), 0), target.get((topic, obj.partition), 0)
                out[topic] += [line for i, line in enumerate(obj.lines) if lo <= obj.start + i < hi]
        return out

    def missing(self, topics: list[str], base: Offsets, target: Offsets) -> int:
        """How many offsets in [base, target) no object covers yet."""
        missing = 0
        for topic in topics:
            covered: dict[int, set[int]] = {}
            for obj in self.objects(topic, base, target):
                lo = base.get((topic, obj.partition), 0)
                hi = target.get((topic, obj.partition), 0)
                span = range(max(lo, obj.start), min(hi, obj.end))
                covered.setdefault(obj.partition, set()).update(span)
            for (t, p), hi in target.items():
                if t == topic:
                    missing += (hi - base.get((t, p), 0)) - len(covered.get(p, set()))
        return missing

    def snapshot(self, topics: list[str], base: Offsets, target: Offsets, prefix: str) -> int:
        """Copy the run's records under `<prefix>/topics/...` (same layout); return objects written.

        The batch job then reads exactly this run's records even on a stack earlier runs used.
        Objects wholly inside the run are copied byte for byte; edge objects are trimmed.
        """
        written = 0
        for topic in topics:
            for obj in self.objects(topic, base, target):
                lo = base.get((topic, obj.partition), 0)
                hi = target.get((topic, obj.partition), 0)
                keep = [
                    (obj.start + i, x) for i, x in enumerate(obj.lines) if lo <= obj.start + i < hi
                ]
                if not keep:
                    continue
                dest = f"{prefix}/{sink_key(topic, obj.partition, keep[0][0])}"
                if len(keep) == len(obj.lines):
                    source = {"Bucket": self.bucket, "Key": obj.key}
                    self.s3.copy_object(Bucket=self.bucket, Key=dest, CopySource=source)
                else:
                    body = b"".join(x for _, x in keep)
                    self.s3.put_object(Bucket=self.bucket, Key=dest, Body=body)
                written += 1
        return written


def wait_landed(
    reader: SinkReader,
    topics: list[str],
    base: Offsets,
    target: Offsets,
    timeout: float,
    progress: Callable[[int, int], None],
) -> None:
    """Wait until objects cover every offset in [base, target); raise TimeoutError otherwise."""
    want = sum(target[k] - base.get(k, 0) for k in target)
    deadline = time.monotonic() + timeout
    while True:
        missing = reader.missing(topics, base, target)
        progress(want - missing, want)
        if missing <= 0:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"the S3 sink landed {want - missing} of {want} records within {timeout:.0f} s"
            )
        time.sleep(1.0)


def key_counts(lines: list[bytes], event_key: str) -> Counter[str]:
    """Event key -> deliveries; a line that is not a JSON object with the key counts under ''."""
    out: Counter[str] = Counter()
    for line in lines:
        try:
            value = json.loads(line)
            out[str(value[event_key])] += 1
        except (ValueError, KeyError, TypeError):
            out[""] += 1
    return out
