"""The batch job: landed JSON -> clean -> Delta tables -> the nine answers -> CSV files.

Plain PySpark on a session it is given, so the same code runs locally and on Databricks.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import Observation, SparkSession
from pyspark.sql import functions as F

from contracts.answers import ANSWERS
from contracts.names import BATCH_SUMMARY_FILE, TABLES, Names
from jobs.batch import analytics, storage
from jobs.common import quality
from jobs.common.locations import write_text
from jobs.common.quality import Quality
from jobs.common.say import Say
from jobs.common.tables import Tables

DEFAULT_MAX_BAD_FRACTION = 0.01


class QualityError(RuntimeError):
    """Too many malformed lines or unparseable values: one line naming the table and column."""

    def __init__(self, message: str, summary: BatchSummary) -> None:
        super().__init__(message)
        self.summary = summary


@dataclass(frozen=True)
class JobConfig:
    input_uri: str
    results: str
    tables: Tables
    names: Names
    max_bad_fraction: float = DEFAULT_MAX_BAD_FRACTION
    """Largest share of malformed lines (per table) or unparseable values (per column) accepted."""


@dataclass
class BatchSummary:
    """What one run did: rows per table, data quality, answers, and seconds per stage."""

    landed: dict[str, int] = field(default_factory=dict)
    cleaned: dict[str, int] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)
    quality: dict[str, Quality] = field(default_factory=dict)
    answers: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    failed: str | None = None

    def to_json(self) -> str:
        data = {
            "landed": self.landed,
            "cleaned": self.cleaned,
            "malformed": {t: q.malformed for t, q in self.quality.items()},
            "unparseable": {t: q.unparseable_total for t, q in self.quality.items()},
            "quality": {t: q.to_dict() for t, q in self.quality.items()},
            "tables": self.tables,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "answer_rows": {k: len(v) for k, v in self.answers.items()},
            "failed": self.failed,
        }
        return json.dumps(data, indent=2)


@contextlib.contextmanager
def _stage(summary: BatchSummary, name: str, say: Say) -> Iterator[None]:
    start = time.perf_counter()
    yield
    summary.seconds[name] = time.perf_counter() - start
    say(f"  {name:<16} {summary.seconds[name]:7.2f} s")


def load_tables(
    spark: SparkSession, config: JobConfig, summary: BatchSummary, say: Say
) -> analytics.CleanTables:
    """Read, check, clean and write each table, counting as it goes.

    One pass over the landed lines per table: the counts (landed, malformed, unparseable per
    column, examples; then the rows written) are observed while the Delta write runs. Nothing is
    cached: measured at 1M events, building Spark's in-memory cache costs more than it saves.
    The answers read the written tables back (only the columns they need).
    """
    written = {}
    for table in TABLES:
        with _stage(summary, f"load {table}", say):
            lines = storage.read_landed(spark, config.input_uri, config.names, table)
            observation, rows = Observation(), Observation()
            checked = quality.check(lines, table).observe(observation, *quality.metrics(table))
            curated = quality.curated(checked, table).observe(rows, F.count(F.lit(1)).alias("n"))
            target = config.tables.target(config.names, table)
            target.replace(curated)
            found = Quality.from_row(table, observation.get)
            summary.quality[table] = found
            summary.landed[table] = found.landed
            summary.cleaned[table] = int(rows.get["n"])
            summary.tables[table] = target.location
            written[table] = target.read(spark)
    return analytics.CleanTables(**written)


def check_quality(config: JobConfig, summary: BatchSummary) -> None:
    """Raise QualityError when a share of bad lines or values is above the limit."""
    over = [p for q in summary.quality.values() for p in q.over(config.max_bad_fraction)]
    if over:
        limit = f"{100 * config.max_bad_fraction:g}%"
        summary.failed = f"above --max-bad-fraction {limit}: " + "; ".join(over)
        raise QualityError(summary.failed, summary)


def answer_all(t: analytics.CleanTables, summary: BatchSummary, say: Say) -> None:
    """Compute every answer (small results: collected to the driver) from one cached join."""
    facts = analytics.facts(t)
    with _stage(summary, "join", say):
        facts.cache()
    try:
        for name, question in analytics.QUESTIONS.items():
            with _stage(summary, name, say):
                df = question(facts)
                columns = list(ANSWERS[name].columns)
                if df.columns != columns:  # a guard for future edits, cheap and explicit
                    raise RuntimeError(f"{name} returned columns {df.columns}, expected {columns}")
                summary.answers[name] = [tuple(row) for row in df.collect()]
    finally:
        facts.unpersist()


def write_answers(config: JobConfig, summary: BatchSummary, say: Say) -> None:
    with _stage(summary, "write answers", say):
        for name, rows in summary.answers.items():
            answer = ANSWERS[name]
            write_text(config.results, answer.file_name, storage.csv_text(answer.columns, rows))


def run(spark: SparkSession, config: JobConfig, say: Say = print) -> BatchSummary:
    """Load, check and answer; the summary file is written even when the check fails.

    Raises QualityError (after writing the tables and the summary, before the answers) when
    the data is too dirty to answer from.
    """
    summary = BatchSummary()
    start = time.perf_counter()
    tables = load_tables(spark, config, summary, say)
    try:
        check_quality(config, summary)
        answer_all(tables, summary, say)
        write_answers(config, summary, say)
    except QualityError:
        write_text(config.results, BATCH_SUMMARY_FILE, summary.to_json())
        raise
    summary.seconds["total"] = time.perf_counter() - start
    write_text(config.results, BATCH_SUMMARY_FILE, summary.to_json())
    return summary
