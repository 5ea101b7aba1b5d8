"""The streaming job's micro-batch write (jobs.streaming.delta_merge) on records shaped like
Kinesis': the batch job's checks and cleaning, counts in the progress line and the metrics file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from contracts.names import Names
from jobs.common.locations import to_uri
from jobs.common.tables import Tables
from jobs.streaming.delta_merge import Counts, Metrics, batch_writer
from tests.stream_records import kinesis_records

NAMES = Names("0a1b2c3d4e5f")


def geo(ind: int, timestamp: str) -> str:
    row = {
        "ind": ind,
        "timestamp": timestamp,
        "latitude": 1.5,
        "longitude": -2.5,
        "country": "Peru",
    }
    return json.dumps(row)


def test_a_micro_batch_is_checked_counted_and_merged_once(spark: Any, tmp_path: Path) -> None:
    target = Tables(output=to_uri(str(tmp_path / "tables"))).target(NAMES, "geo")
    target.ensure(spark)
    counts, lines = Counts(), []
    metrics = Metrics(to_uri(str(tmp_path / "ck")), "geo.metrics.json")
    write = batch_writer(spark, target, lines.append, counts, metrics)
    batch = [
        geo(1, "2019-05-14 09:31:02"),  # str()
        geo(2, "2019-05-14T09:31:02"),  # isoformat()
        geo(2, "2019-05-14T09:31:02"),  # delivered twice
        geo(3, "2019-05-14T10:31:02+01:00"),  # an offset: the same instant
        geo(4, "last tuesday"),  # unparseable: kept, null, counted
        '{"ind": 5, "timestamp": "2019-',  # malformed: truncated
        "[]",  # malformed: not an object
    ]
    records = kinesis_records(spark, NAMES.stream("geo"), batch)

    write(records, 0)
    write(records, 1)  # a replay (or the same records posted again) inserts nothing

    rows = {r.ind: r.timestamp for r in target.read(spark).collect()}
    instant = dt.datetime(2019, 5, 14, 9, 31, 2)
    assert rows == {1: instant, 2: instant, 3: instant, 4: None}
    assert lines[0].startswith("[geo] batch 0: 7 records, 4 new, 1 duplicate or already stored, ")
    assert "2 malformed, unparseable timestamp 1" in lines[0]
    assert " 0 new, 5 duplicate or already stored" in lines[1]
    saved = json.loads((tmp_path / "ck" / "geo.metrics.json").read_text())
    assert (saved["batches"], saved["received"], saved["inserted"]) == (2, 14, 4)
    assert (saved["malformed"], saved["unparseable"]) == (4, 2)
    assert saved["quality"]["unparseable"]["timestamp"] == {
        "count": 2,
        "examples": ["last tuesday"],
    }
    where = saved["quality"]["malformed"]["examples"][0]["where"]
    assert where.startswith(f"{NAMES.stream('geo')}:shardId-000000000000:")


def test_a_metrics_file_that_cannot_be_written_does_not_stop_the_stream() -> None:
    counts = Counts()
    counts.start("geo")
    problem = Metrics("gs://bucket/checkpoints", "geo.metrics.json").write(counts, "geo")
    assert problem is not None
    assert problem.startswith("metrics file gs://bucket/checkpoints/geo.metrics.json not written: ")
    assert "\n" not in problem
