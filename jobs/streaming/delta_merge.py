"""Where a stream's micro-batches go: one Delta table per stream, each event key at most once.

Delivery is at least once (a client that retries may post an event twice, and Spark replays a
micro-batch after a crash), so each micro-batch is checked and cleaned (jobs.common.quality: the
batch job's own rules), de-duplicated within itself, then MERGEd into the table inserting only
keys the table does not hold yet. A replayed or repeated batch therefore inserts nothing twice.
Malformed records (no JSON object, no event key) never reach the table; they and unparseable
values are counted in the progress line and in a metrics file beside the checkpoints.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from jobs.common import quality
from jobs.common.cleaning import EVENT_KEYS
from jobs.common.errors import one_line
from jobs.common.locations import write_text
from jobs.common.quality import Quality
from jobs.common.say import Say
from jobs.common.tables import TableTarget


def as_lines(records: DataFrame) -> DataFrame:
    """Kinesis records -> (LINE, WHERE): `data` is the JSON text of one source row."""
    where = F.concat_ws(":", F.col("stream"), F.col("shardId"), F.col("sequenceNumber"))
    line = F.col("data").cast("string")
    return records.select(line.alias(quality.LINE), where.alias(quality.WHERE))


def clean_batch(records: DataFrame, table: str) -> DataFrame:
    """The batch job's checks and cleaning, then one row per event key within the micro-batch."""
    return quality.curated(quality.check(as_lines(records), table), table)


@dataclass
class Counts:
    """Per table, over every micro-batch of this run: records, inserts and data quality."""

    received: dict[str, int] = field(default_factory=dict)
    inserted: dict[str, int] = field(default_factory=dict)
    batches: dict[str, int] = field(default_factory=dict)
    quality: dict[str, Quality] = field(default_factory=dict)

    def start(self, table: str) -> None:
        self.received[table] = self.inserted[table] = self.batches[table] = 0
        self.quality[table] = Quality(table)

    def add(self, table: str, found: Quality, inserted: int) -> None:
        if table not in self.quality:
            self.start(table)
        self.received[table] += found.landed
        self.inserted[table] += inserted
        self.batches[table] += 1
        self.quality[table].add(found)

    def to_json(self, table: str) -> str:
        q = self.quality[table]
        data = {
            "table": table,
            "batches": self.batches[table],
            "received": self.received[table],
            "inserted": self.inserted[table],
            "duplicates": q.records - self.inserted[table],
            "malformed": q.malformed,
            "unparseable": q.unparseable_total,
            "quality": q.to_dict(),
            "updated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        return json.dumps(data, indent=2)


@dataclass(frozen=True)
class Metrics:
    """Where a stream's metrics file goes: `<folder>/<name>`, rewritten after each micro-batch."""

    folder: str
    name: str

    def write(self, counts: Counts, table: str) -> str | None:
        """Write the file; a failure is returned as one line, never raised (the stream goes on)."""
        try:
            write_text(self.folder, self.name, counts.to_json(table))
        except Exception as exc:  # the metrics must not stop the stream that they describe
            return f"metrics file {self.folder}/{self.name} not written: {one_line(exc)}"
        return None


def batch_writer(
    spark: SparkSession,
    target: TableTarget,
    say: Say,
    counts: Counts,
    metrics: Metrics | None = None,
) -> Callable[[DataFrame, int], None]:
    """The foreachBatch function of one stream."""
    table = target.table
    key = EVENT_KEYS[table]

    def write(records: DataFrame, batch_id: int) -> None:
        start = time.perf_counter()
        # Cached: measured and merged without reading Kinesis (or the prefetched rows) twice.
        records.persist()
        try:
            checked = quality.check(as_lines(records), table)
            found = quality.measure(checked, table)
            inserted = _merge(spark, target, quality.curated(checked, table), key)
        finally:
            records.unpersist()
        counts.add(table, found, inserted)
        problem = metrics.write(counts, table) if metrics else None
        if problem:
            say(f"[{table}] {problem}")
        say(
            f"[{table}] batch {batch_id}: {found.landed} records, {inserted} new, "
            f"{found.records - inserted} duplicate or already stored, {found.brief()} "
            f"({time.perf_counter() - start:.1f} s)"
        )

    return write


def _merge(spark: SparkSession, target: TableTarget, batch: DataFrame, key: str) -> int:
    metrics = (
        target.delta(spark)
        .alias("t")
        .merge(batch.alias("s"), f"t.`{key}` = s.`{key}`")
        .whenNotMatchedInsertAll()
        .execute()
        .collect()
    )
    return int(metrics[0]["num_inserted_rows"]) if metrics else 0
