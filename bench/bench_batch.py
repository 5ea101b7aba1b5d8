"""The batch job against a DuckDB baseline, at several sizes, on local sink-layout input (file://).

    .venv/bin/python -m bench.bench_batch [--events 11153,100000,1000000] [--runs 2] [--profile]

For each size, in one process: DuckDB computes the nine answers from the source database and from
the landed JSON lines (bench.duckdb_baseline), the Spark job runs `--runs` times in one session
(the last run is the warm figure), the answers of all three are compared (any difference is an
error: the ratio would mean nothing), and the job's time is divided by each DuckDB time. Seconds
per stage are wall time and CPU time (of the Spark JVM; of the Python process for DuckDB): CPU
time barely moves when other work shares the machine, wall time does. `--profile` also splits
each table's load into its steps (bench.batch_profile). The load average is printed with each
figure. Input (landed lines and the SQLite source database, from the same generator seed) is made
once per size under .devstack/cache/bench/. Prints tables, then one JSON line per size.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession

from bench import duckdb_baseline
from bench.batch_profile import CpuClock, profile_load
from contracts.names import TABLES, Names
from emulator.api import seed, write_landed
from jobs.batch.job import BatchSummary, JobConfig, run
from jobs.common.locations import to_uri
from jobs.common.spark import devstack_home, get_spark
from jobs.common.tables import Tables

NAMES = Names("0a1b2c3d4e5f")
SEED = 7
"""The generator seed of both inputs: the landed lines and the source database hold one dataset."""


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _cached(folder: Path, marker: str, what: str, make: Callable[[], Any]) -> None:
    done = folder / marker
    if done.exists():
        return
    start = time.perf_counter()
    say(f"generating {what} in {folder} ...")
    make()
    say(f"  done in {time.perf_counter() - start:.1f} s")
    done.touch()


def inputs(events: int) -> Path:
    """Sink-layout input and the source database for `events` events, made once and reused."""
    folder = devstack_home() / "cache" / "bench" / f"batch-{events}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
    _cached(
        folder,
        ".complete",
        f"{events:,} landed events",
        lambda: write_landed(folder, NAMES, events, seed=SEED, partitions=4, per_file=50_000),
    )
    _cached(
        folder,
        ".source-complete",
        f"the {events:,}-event source database",
        lambda: seed(f"sqlite:///{folder / 'source.db'}", events, SEED),
    )
    return folder


@dataclass
class Figures:
    """One size: the job's warm run, DuckDB's two ways, and the load average around each."""

    events: int
    job: BatchSummary | None = None
    job_cpu: dict[str, float] = field(default_factory=dict)
    duckdb: dict[str, duckdb_baseline.Baseline] = field(default_factory=dict)
    load: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Measure -> 1-minute load average before and after its (last) run."""
    profile: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    """Table -> step -> (wall s, cpu s) (with --profile)."""


def _load() -> float:
    return os.getloadavg()[0]


def run_job(
    spark: SparkSession, clock: CpuClock, folder: Path, work: Path
) -> tuple[BatchSummary, dict]:
    """One run of the job; the JVM's CPU seconds per stage (sampled as each stage reports)."""
    shutil.rmtree(work, ignore_errors=True)
    config = JobConfig(
        input_uri=to_uri(str(folder)),
        results=to_uri(str(work / "results")),
        tables=Tables(output=to_uri(str(work / "tables"))),
        names=NAMES,
    )
    samples = [clock.cpu()]

    def sample_and_say(line: str) -> None:
        samples.append(clock.cpu())
        say(line)

    summary = run(spark, config, say=sample_and_say)
    stages = [s for s in summary.seconds if s != "total"]
    cpu = {s: samples[i + 1] - samples[i] for i, s in enumerate(stages)}
    cpu["total"] = samples[-1] - samples[0]
    return summary, cpu


def measure(spark: SparkSession, clock: CpuClock, events: int, runs: int, profile: bool) -> Figures:
    folder = inputs(events)
    figures = Figures(events)
    baselines: dict[str, Callable[[], duckdb_baseline.Baseline]] = {
        "source": lambda: duckdb_baseline.from_source(folder / "source.db"),
        "landed": lambda: duckdb_baseline.from_landed(folder, NAMES),
    }
    for name, baseline in baselines.items():
        for i in range(runs):
            before = _load()
            figures.duckdb[name] = baseline()
            figures.load[f"duckdb {name}"] = (before, _load())
            say(
                f"{events:,} events, DuckDB from the {name} data, run {i + 1}/{runs}: "
                f"{figures.duckdb[name].seconds['total']:.2f} s"
            )
    work = devstack_home() / "bench" / "batch"
    for i in range(runs):
        say(f"{events:,} events, Spark job, run {i + 1}/{runs}")
        before = _load()
        figures.job, figures.job_cpu = run_job(spark, clock, folder, work)
        figures.load["spark"] = (before, _load())
    if profile:
        for table in TABLES:
            say(f"{events:,} events, profile of loading {table}")
            figures.profile[table] = profile_load(
                spark, clock, to_uri(str(folder)), NAMES, table, work / "profile"
            )
    check_answers(figures)
    return figures


def check_answers(figures: Figures) -> None:
    """The comparison is honest only if all three computed the same answers."""
    assert figures.job is not None
    for name, baseline in figures.duckdb.items():
        wrong = [q for q, rows in figures.job.answers.items() if baseline.answers.get(q) != rows]
        if wrong:
            raise SystemExit(
                f"{figures.events:,} events: DuckDB from the {name} data answers "
                f"{', '.join(wrong)} differently from the Spark job"
            )


def print_tables(results: list[Figures]) -> None:
    sizes = [f.events for f in results]
    print("Spark job, warm run: seconds per stage, wall / cpu")
    print(f"{'stage':<14}" + "".join(f"{n:>18,}" for n in sizes))
    for stage in results[0].job.seconds if results[0].job else []:
        cells = []
        for f in results:
            assert f.job is not None
            cells.append(f"{f.job.seconds[stage]:8.2f} / {f.job_cpu.get(stage, 0):6.2f}")
        print(f"{stage:<14}" + "".join(f"{c:>18}" for c in cells))
    print()
    print("DuckDB: seconds per stage, wall (source database | landed JSON lines)")
    for stage in ("read", "clean", "answers", "total"):
        cells = [
            f"{f.duckdb['source'].seconds[stage]:6.2f} | {f.duckdb['landed'].seconds[stage]:6.2f}"
            for f in results
        ]
        print(f"{stage:<14}" + "".join(f"{c:>18}" for c in cells))
    print()
    print(
        f"{'events':>10} {'spark s':>8} {'duckdb src':>10} {'ratio':>6} {'duckdb json':>11} "
        f"{'ratio':>6}  answers  load avg (spark; duckdb src; duckdb json)"
    )
    for f in results:
        assert f.job is not None
        total = f.job.seconds["total"]
        src, landed = f.duckdb["source"].seconds["total"], f.duckdb["landed"].seconds["total"]
        loads = "; ".join(
            f"{a:.1f}-{b:.1f}"
            for a, b in (f.load[k] for k in ("spark", "duckdb source", "duckdb landed"))
        )
        print(
            f"{f.events:>10,} {total:>8.2f} {src:>10.2f} {total / src:>6.1f} {landed:>11.2f} "
            f"{total / landed:>6.1f}  equal    {loads}"
        )
    for f in results:
        if f.profile:
            print()
            print(f"profile of the load at {f.events:,} events: seconds per step, wall / cpu")
            steps = list(next(iter(f.profile.values())))
            print(f"{'table':<8}" + "".join(f"{s:>16}" for s in steps))
            for table, found in f.profile.items():
                print(
                    f"{table:<8}"
                    + "".join(f"{found[s][0]:>7.2f} / {found[s][1]:>5.2f}" for s in steps)
                )


def as_json(f: Figures, runs: int) -> str:
    assert f.job is not None
    total = f.job.seconds["total"]
    return json.dumps(
        {
            "bench": "batch",
            "events": f.events,
            "runs": runs,
            "seconds": {k: round(v, 2) for k, v in f.job.seconds.items()},
            "cpu_seconds": {k: round(v, 2) for k, v in f.job_cpu.items()},
            "duckdb": {
                name: {k: round(v, 2) for k, v in b.seconds.items()} for name, b in f.duckdb.items()
            },
            "ratio": {name: round(total / b.seconds["total"], 2) for name, b in f.duckdb.items()},
            "answers_equal": True,
            "load_average": {k: [round(a, 2), round(b, 2)] for k, (a, b) in f.load.items()},
            "profile": {
                t: {s: [round(w, 2), round(c, 2)] for s, (w, c) in steps.items()}
                for t, steps in f.profile.items()
            },
        }
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", default="11153,100000,1000000", help="comma-separated sizes")
    p.add_argument("--runs", type=int, default=2, help="runs per size; the last one is reported")
    p.add_argument("--profile", action="store_true", help="also split each table's load in steps")
    args = p.parse_args(argv)
    try:
        sizes = [int(s) for s in args.events.split(",")]
    except ValueError:
        p.error(f"--events: comma-separated integers, got {args.events!r}")
    if args.runs < 1 or any(n < 1 for n in sizes):
        p.error("--runs and --events must be positive")
    for n in sizes:
        inputs(n)
    start = time.perf_counter()
    spark = get_spark("bench-batch")
    say(f"spark session: {time.perf_counter() - start:.1f} s")
    clock = CpuClock(spark)
    results = [measure(spark, clock, n, args.runs, args.profile) for n in sizes]
    print_tables(results)
    print()
    for f in results:
        print(as_json(f, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
