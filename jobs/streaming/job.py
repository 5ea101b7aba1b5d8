"""The streaming job: three Kinesis streams -> cleaning -> three Delta tables, one query each.

Plain PySpark on a session it is given. Locally the `kinesis` format is this project's Python
data source (registered here); on Databricks it is the built-in one, with the same options.
Each stream has its own query, checkpoint and table: no stream ever writes another's table.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQuery

from contracts.names import Names
from jobs.common.locations import join
from jobs.common.say import Say
from jobs.common.tables import Tables, TableTarget
from jobs.streaming.delta_merge import Counts, Metrics, batch_writer
from jobs.streaming.kinesis_options import parse_timestamp_ms

AVAILABLE_NOW = "available-now"
DEFAULT_SCHEMA = "stream"
"""The schema of the tables with --catalog when --schema is not given."""


@dataclass(frozen=True)
class StreamConfig:
    names: Names
    streams: tuple[str, ...]
    """The tables to stream: pin, geo and/or user."""
    checkpoints: str
    """A location as jobs.common.locations.to_uri returns it."""
    tables: Tables
    """Where the Delta tables go (as in the batch job)."""
    trigger: str = AVAILABLE_NOW
    """`available-now`, or seconds between micro-batches."""
    initial_position: str = "earliest"
    initial_timestamp: str | None = None
    """ISO 8601, with initial_position at_timestamp."""
    region: str = "us-east-1"
    endpoint: str | None = None
    """Kinesis endpoint (LocalStack); never passed on Databricks."""
    max_records_per_batch: int | None = None
    credentials: dict[str, str] = field(default_factory=dict)
    """awsAccessKey/awsSecretKey or roleArn(+roleExternalId) source options, if any."""

    def target(self, table: str) -> TableTarget:
        return self.tables.target(self.names, table)

    def checkpoint(self, table: str) -> str:
        return join(self.checkpoints, self.names.table(table))

    def metrics(self, table: str) -> Metrics:
        """The file beside the table's checkpoint: `<checkpoints>/<id>_<t>_table.metrics.json`."""
        return Metrics(self.checkpoints, self.names.stream_metrics_file(table))

    def source_options(self, table: str, on_databricks: bool) -> dict[str, str]:
        opts = {
            "streamName": self.names.stream(table),
            "region": self.region,
            "initialPosition": self.initial_position,
            **self.credentials,
        }
        if self.initial_timestamp:
            opts.update(at_timestamp_options(self.initial_timestamp, on_databricks))
        if not on_databricks:
            if self.endpoint:
                opts["endpointUrl"] = self.endpoint
            if self.max_records_per_batch:
                opts["maxRecordsPerBatch"] = str(self.max_records_per_batch)
        return opts


def at_timestamp_options(timestamp: str, on_databricks: bool) -> dict[str, str]:
    """Databricks takes the instant as JSON with a Java pattern; our source takes ISO 8601."""
    ms = parse_timestamp_ms(timestamp)
    if not on_databricks:
        return {"initialPosition": "at_timestamp", "initialTimestamp": str(ms / 1000)}
    instant = dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    spec = {"at_timestamp": f"{instant}Z", "format": "yyyy-MM-dd'T'HH:mm:ss.SSSX"}
    return {"initialPosition": json.dumps(spec)}


def register_source(spark: SparkSession, on_databricks: bool) -> None:
    """Our `kinesis` source, except on Databricks where the built-in one must be used."""
    if on_databricks:
        return
    from jobs.streaming.kinesis_source import KinesisDataSource

    spark.dataSource.register(KinesisDataSource)


def start(
    spark: SparkSession,
    config: StreamConfig,
    table: str,
    on_databricks: bool,
    say: Say,
    stats: Counts,
    trigger: dict[str, Any],
) -> StreamingQuery:
    """One stream's query: Kinesis -> foreachBatch(clean + MERGE) -> its Delta table."""
    target = config.target(table)
    records = (
        spark.readStream.format("kinesis")
        .options(**config.source_options(table, on_databricks))
        .load()
    )
    return (
        records.writeStream.queryName(f"stream-{table}")
        .foreachBatch(batch_writer(spark, target, say, stats, config.metrics(table)))
        .option("checkpointLocation", config.checkpoint(table))
        .trigger(**trigger)
        .start()
    )


def run_available_now(
    spark: SparkSession,
    config: StreamConfig,
    on_databricks: bool,
    say: Say,
    stats: Counts,
) -> None:
    """Process what the streams hold, then stop.

    Databricks' source supports availableNow. Spark 4.0 runs a Python source under availableNow
    as a single micro-batch (bounded by maxRecordsPerBatch / maxFetchDuration), so here the
    queries run micro-batches until a trigger finds nothing new, then stop.
    """
    trigger: dict[str, Any] = (
        {"availableNow": True} if on_databricks else {"processingTime": "1 second"}
    )
    queries = [start(spark, config, t, on_databricks, say, stats, trigger) for t in config.streams]
    try:
        for query in queries:
            if on_databricks:
                query.awaitTermination()
            else:
                query.processAllAvailable()
    finally:
        stop_between_batches(queries)


def run_continuous(
    spark: SparkSession,
    config: StreamConfig,
    on_databricks: bool,
    say: Say,
    stats: Counts,
    duration_s: float | None = None,
) -> None:
    """Micro-batches every `config.trigger` seconds until stopped (or `duration_s` elapsed)."""
    trigger = {"processingTime": f"{float(config.trigger)} seconds"}
    queries = [start(spark, config, t, on_databricks, say, stats, trigger) for t in config.streams]
    deadline = time.monotonic() + duration_s if duration_s else None
    try:
        while all(q.isActive for q in queries):
            if deadline and time.monotonic() >= deadline:
                break
            time.sleep(0.5)
        for query in queries:
            error = query.exception()
            if error:
                raise error
    finally:
        stop_between_batches(queries)


def stop_between_batches(queries: list[StreamingQuery], wait_s: float = 60.0) -> None:
    """Stop each query when no micro-batch is running, if that comes within `wait_s`.

    Stopping inside foreachBatch is safe (the batch is replayed and the MERGE inserts nothing
    twice), but Spark 4.0 then fails to classify the long Py4J error and logs a StackOverflowError.
    """
    deadline = time.monotonic() + wait_s
    for query in queries:
        while query.isActive and query.status["isTriggerActive"] and time.monotonic() < deadline:
            time.sleep(0.05)
        query.stop()


def run(
    spark: SparkSession,
    config: StreamConfig,
    on_databricks: bool,
    say: Say = print,
    duration_s: float | None = None,
) -> Counts:
    """Run the job; returns what each table's micro-batches received (replays included),
    inserted and found malformed or unparseable."""
    register_source(spark, on_databricks)
    stats = Counts()
    for table in config.streams:
        config.target(table).ensure(spark)
        stats.start(table)
        problem = config.metrics(table).write(stats, table)  # this run's file, from the start
        if problem:
            say(problem)
    if config.trigger == AVAILABLE_NOW:
        run_available_now(spark, config, on_databricks, say, stats)
    else:
        run_continuous(spark, config, on_databricks, say, stats, duration_s)
    return stats
