"""The batch job: landed JSON -> clean -> Delta tables -> the nine answers -> CSV files.

Plain PySpark on a session it is given, so the same code runs locally and on Databricks.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import SparkSession

from contracts.names import TABLES, Names
from jobs.batch import analytics, storage
from jobs.common.cleaning import CLEANERS

SUMMARY_FILE = "batch-summary.json"


@dataclass(frozen=True)
class JobConfig:
    input_uri: str
    results: str
    target: storage.TableTarget
    names: Names


@dataclass
class Summary:
    """What one run did: rows per table, answers, and seconds per stage."""

    landed: dict[str, int] = field(default_factory=dict)
    cleaned: dict[str, int] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)
    answers: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "landed": self.landed,
            "cleaned": self.cleaned,
            "tables": self.tables,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "answer_rows": {k: len(v) for k, v in self.answers.items()},
        }
        return json.dumps(data, indent=2)


Progress = Callable[[str], None]


@contextlib.contextmanager
def _stage(summary: Summary, name: str, progress: Progress) -> Iterator[None]:
    start = time.perf_counter()
    yield
    summary.seconds[name] = time.perf_counter() - start
    progress(f"  {name:<16} {summary.seconds[name]:7.2f} s")


def load_tables(
    spark: SparkSession, config: JobConfig, summary: Summary, progress: Progress
) -> analytics.Tables:
    """Read, clean and write each table; count what landed and what is left after cleaning.

    Returns the tables as written, for the answers. Nothing is cached: measured at 1M events,
    building Spark's in-memory cache costs more than a second JSON scan (a bare count() skips
    parsing) plus column-pruned Parquet reads of the Delta tables.
    """
    written = {}
    for table in TABLES:
        with _stage(summary, f"load {table}", progress):
            raw = storage.read_landed(spark, config.input_uri, config.names, table)
            summary.landed[table] = raw.count()
            where = storage.write_table(CLEANERS[table](raw), config.target, config.names, table)
            summary.tables[table] = where
            written[table] = storage.read_table(spark, config.target, config.names, table)
            # Delta answers a plain count from its log's statistics: no data scan.
            summary.cleaned[table] = written[table].count()
    return analytics.Tables(**written)


def answer_all(t: analytics.Tables, summary: Summary, progress: Progress) -> None:
    """Compute every answer (small results: collected to the driver)."""
    for name, question in analytics.QUESTIONS.items():
        with _stage(summary, name, progress):
            df = question(t)
            columns = analytics.COLUMNS[name]
            if df.columns != columns:  # a guard for future edits, cheap and explicit
                raise RuntimeError(f"{name} returned columns {df.columns}, expected {columns}")
            summary.answers[name] = [tuple(row) for row in df.collect()]


def write_answers(config: JobConfig, summary: Summary, progress: Progress) -> None:
    with _stage(summary, "write answers", progress):
        for name, rows in summary.answers.items():
            text = storage.csv_text(analytics.COLUMNS[name], rows)
            storage.write_text(config.results, f"{name}.csv", text)


def run(spark: SparkSession, config: JobConfig, progress: Progress = print) -> Summary:
    summary = Summary()
    start = time.perf_counter()
    tables = load_tables(spark, config, summary, progress)
    answer_all(tables, summary, progress)
    write_answers(config, summary, progress)
    summary.seconds["total"] = time.perf_counter() - start
    storage.write_text(config.results, SUMMARY_FILE, summary.to_json())
    return summary
