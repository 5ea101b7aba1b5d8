"""Input for the batch job without the stack (its tests and benchmark).

The objects the S3 sink would land after the emulator posted `events` events, written straight
from the generator into a folder: contracts.names.SinkKey layout, JSON lines in wire form.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from contracts.names import TABLES, Names, sink_key
from contracts.records import DatetimeStyle, dumps
from emulator.generate import wire_events


def write_landed(
    root: Path,
    names: Names,
    events: int,
    *,
    seed: int = 7,
    partitions: int = 2,
    per_file: int = 10_000,
    duplicates: int = 0,
    datetimes: DatetimeStyle = "str",
    extra_lines: Sequence[str] = (),
) -> dict[str, int]:
    """Write the files; returns the number of landed lines per table (all of them).

    Event i goes to partition i % partitions. `duplicates` re-delivers the first events of each
    table once more at the end of partition 0, as an at-least-once pipeline may after a restart.
    `datetimes` is how the client sent datetimes; `extra_lines` (e.g. malformed ones) land at
    the end of partition 0 of every table.
    """
    writers = {t: _SinkObjects(root, names.topic(t), partitions, per_file) for t in TABLES}
    first: dict[str, list[str]] = {t: [] for t in TABLES}
    done = 0
    for chunk in wire_events(events, seed, datetimes):
        for table, rows in chunk.items():
            lines = [dumps(row) for row in rows]
            for i, line in enumerate(lines, start=done):
                writers[table].add(i % partitions, line)
            first[table].extend(lines[: max(0, duplicates - len(first[table]))])
        done += len(chunk["pin"])
    for table in TABLES:
        for line in [*first[table], *extra_lines]:
            writers[table].add(0, line)
        writers[table].close()
    return {t: events + len(first[t]) + len(extra_lines) for t in TABLES}


class _SinkObjects:
    """Buffers lines per partition and writes one object per `per_file` lines, like the sink."""

    def __init__(self, root: Path, topic: str, partitions: int, per_file: int) -> None:
        self.root, self.topic, self.per_file = root, topic, per_file
        self.buffers: list[list[str]] = [[] for _ in range(partitions)]
        self.offsets = [0] * partitions

    def add(self, partition: int, line: str) -> None:
        self.buffers[partition].append(line)
        if len(self.buffers[partition]) >= self.per_file:
            self._flush(partition)

    def close(self) -> None:
        for partition in range(len(self.buffers)):
            self._flush(partition)

    def _flush(self, partition: int) -> None:
        lines = self.buffers[partition]
        if not lines:
            return
        path = self.root / sink_key(self.topic, partition, self.offsets[partition])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.offsets[partition] += len(lines)
        self.buffers[partition] = []
