"""Where a stream's micro-batches go: one Delta table per stream, each event key at most once.

Delivery is at least once (a client that retries may post an event twice, and Spark replays a
micro-batch after a crash), so each micro-batch is cleaned, de-duplicated within itself, then
MERGEd into the table inserting only keys the table does not hold yet. A replayed or repeated
batch therefore inserts nothing twice. The key comparison is null-safe (`<=>`): like the batch
job's dedupe, all rows without a key count as one event.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from contracts.names import Names
from jobs.common.cleaning import EVENT_KEYS, NORMALIZERS, dedupe
from jobs.common.schemas import CLEAN_SCHEMAS, WIRE_SCHEMAS

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Target:
    """A streaming table: a Delta path (`<output>/stream/<name>`) or `catalog.schema.name`."""

    table: str
    """pin, geo or user."""
    location: str
    is_catalog: bool

    @classmethod
    def of(
        cls, names: Names, table: str, output_uri: str | None, catalog: str | None, schema: str
    ) -> Target:
        if catalog:
            return cls(table, f"{catalog}.{schema}.{names.table(table)}", True)
        return cls(table, f"{output_uri}/{schema}/{names.table(table)}", False)

    def ensure(self, spark: SparkSession) -> None:
        """Create the empty table with the cleaned schema unless it exists."""
        # Every micro-batch adds small files that each MERGE scans: let Delta compact them.
        builder = (
            DeltaTable.createIfNotExists(spark)
            .addColumns(CLEAN_SCHEMAS[self.table])
            .property("delta.autoOptimize.autoCompact", "true")
        )
        if self.is_catalog:
            schema = self.location.rsplit(".", 1)[0]
            spark.sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            builder.tableName(self.location).execute()
        else:
            builder.location(self.location).execute()

    def delta(self, spark: SparkSession) -> DeltaTable:
        if self.is_catalog:
            return DeltaTable.forName(spark, self.location)
        return DeltaTable.forPath(spark, self.location)

    def read(self, spark: SparkSession) -> DataFrame:
        if self.is_catalog:
            return spark.table(self.location)
        return spark.read.format("delta").load(self.location)


def parse(records: DataFrame, table: str) -> DataFrame:
    """Kinesis records -> wire rows: `data` is the JSON text of one source row."""
    row = F.from_json(F.col("data").cast("string"), WIRE_SCHEMAS[table])
    return records.select(row.alias("r")).select("r.*")


def clean_batch(records: DataFrame, table: str) -> DataFrame:
    """The batch job's row-level cleaning, then one row per event key within the micro-batch."""
    return dedupe(NORMALIZERS[table](parse(records, table)), EVENT_KEYS[table])


@dataclass
class Counts:
    """Records received and rows inserted per table, over every micro-batch of a run."""

    received: dict[str, int] = field(default_factory=dict)
    inserted: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, received: int, inserted: int) -> None:
        self.received[table] = self.received.get(table, 0) + received
        self.inserted[table] = self.inserted.get(table, 0) + inserted


def batch_writer(
    spark: SparkSession, target: Target, progress: Progress, counts: Counts
) -> Callable[[DataFrame, int], None]:
    """The foreachBatch function of one stream."""
    key = EVENT_KEYS[target.table]

    def write(records: DataFrame, batch_id: int) -> None:
        start = time.perf_counter()
        # Cached: counted and merged without reading Kinesis (or the prefetched rows) twice.
        records.persist()
        try:
            received = records.count()
            inserted = _merge(spark, target, clean_batch(records, target.table), key)
        finally:
            records.unpersist()
        counts.add(target.table, received, inserted)
        progress(
            f"[{target.table}] batch {batch_id}: {received} records, {inserted} new, "
            f"{received - inserted} duplicate or already stored "
            f"({time.perf_counter() - start:.1f} s)"
        )

    return write


def _merge(spark: SparkSession, target: Target, batch: DataFrame, key: str) -> int:
    metrics = (
        target.delta(spark)
        .alias("t")
        .merge(batch.alias("s"), f"t.`{key}` <=> s.`{key}`")
        .whenNotMatchedInsertAll()
        .execute()
        .collect()
    )
    return int(metrics[0]["num_inserted_rows"]) if metrics else 0
