"""Where the batch job's load of one table goes: read, parse, check and clean, de-duplicate, write.

The job does all of it in one Spark pass per table (that is the point), so the steps cannot be
timed inside it. Instead the pass is run cut after each step, into Spark's `noop` sink, and each
step is charged with what it adds to the cut before it: an approximation (Spark plans each cut on
its own), good for telling where the time goes. `write` is the whole pass with its Delta write.
CPU seconds are the Spark JVM's (Linux /proc), which barely move when other work shares the
machine.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from pyspark.sql import DataFrame, Observation, SparkSession

from contracts.names import Names
from jobs.batch import storage
from jobs.common import quality
from jobs.common.tables import Tables

_TICKS = os.sysconf("SC_CLK_TCK")


class CpuClock:
    """CPU seconds (user + system) the Spark driver's JVM has used so far."""

    def __init__(self, spark: SparkSession) -> None:
        self.stat = Path(f"/proc/{spark._jvm.java.lang.ProcessHandle.current().pid()}/stat")  # type: ignore[union-attr]

    def cpu(self) -> float:
        fields = self.stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS


def _timed(clock: CpuClock, work: Callable[[], object]) -> tuple[float, float]:
    cpu, start = clock.cpu(), time.perf_counter()
    work()
    return time.perf_counter() - start, clock.cpu() - cpu


def _noop(df: DataFrame) -> Callable[[], None]:
    return lambda: df.write.format("noop").mode("overwrite").save()


def profile_load(
    spark: SparkSession, clock: CpuClock, input_uri: str, names: Names, table: str, work: Path
) -> dict[str, tuple[float, float]]:
    """Step -> (wall s, cpu s) for loading `table` as the job does (jobs.batch.job.load_tables)."""
    lines = storage.read_landed(spark, input_uri, names, table)

    def checked() -> DataFrame:  # an Observation serves one action
        return quality.check(lines, table).observe(Observation(), *quality.metrics(table))

    target = Tables(output=work.as_uri()).target(names, table)
    shutil.rmtree(work, ignore_errors=True)
    cuts = {
        "read": _noop(lines),
        "parse": _noop(quality.parse(lines, table)),
        "check+clean": _noop(checked()),
        "dedupe": _noop(quality.curated(checked(), table)),
        "write": lambda: target.replace(quality.curated(checked(), table)),
    }
    found: dict[str, tuple[float, float]] = {}
    before = (0.0, 0.0)
    for step, cut in cuts.items():
        total = _timed(clock, cut)
        found[step] = (total[0] - before[0], total[1] - before[1])
        before = total
    found["total"] = before
    return found
