"""Micro-batches shaped like the `kinesis` source's rows, for the streaming job's write path."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jobs.streaming.kinesis_source import SCHEMA


def kinesis_records(spark: Any, stream: str, lines: list[str]) -> Any:
    """One record per line (its `data`), on one shard, in order."""
    now = dt.datetime(2024, 1, 1)
    rows = [
        (str(i), line.encode(), stream, "shardId-000000000000", f"{i:056d}", now)
        for i, line in enumerate(lines)
    ]
    return spark.createDataFrame(rows, SCHEMA)
