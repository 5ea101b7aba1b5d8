"""Wall time of the batch job per stage, at several sizes, on local sink-layout input (file://).

    .venv/bin/python -m bench.bench_batch [--events 11153,100000,1000000] [--runs 2]

Input files are generated once per size with the emulator's generator (cached under
.devstack/cache/bench/). One Spark session serves every run; the last run of each size is the warm
figure. Prints a table and one JSON line per size.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from pyspark.sql import SparkSession

from contracts.names import Names
from jobs.batch.job import JobConfig, Summary, run
from jobs.common.locations import to_uri
from jobs.common.spark import devstack_home, get_spark
from jobs.common.tables import Tables
from tests.batch_landing import write_landed

NAMES = Names("0a1b2c3d4e5f")


def landing(events: int) -> Path:
    """Sink-layout input for `events` events, made once and reused."""
    folder = devstack_home() / "cache" / "bench" / f"batch-{events}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        start = time.perf_counter()
        print(f"generating {events:,} events into {folder} ...", file=sys.stderr, flush=True)
        write_landed(folder, NAMES, events, partitions=4, per_file=50_000)
        print(f"  done in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        done.touch()
    return folder


def run_once(spark: SparkSession, events: int, work: Path) -> Summary:
    shutil.rmtree(work, ignore_errors=True)
    config = JobConfig(
        input_uri=to_uri(str(landing(events))),
        results=to_uri(str(work / "results")),
        tables=Tables(output=to_uri(str(work / "tables"))),
        names=NAMES,
    )
    return run(spark, config, progress=lambda line: print(line, file=sys.stderr))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", default="11153,100000,1000000", help="comma-separated sizes")
    p.add_argument("--runs", type=int, default=2, help="runs per size; the last one is reported")
    args = p.parse_args(argv)
    try:
        sizes = [int(s) for s in args.events.split(",")]
    except ValueError:
        p.error(f"--events: comma-separated integers, got {args.events!r}")
    if args.runs < 1 or any(n < 1 for n in sizes):
        p.error("--runs and --events must be positive")
    for n in sizes:
        landing(n)
    start = time.perf_counter()
    spark = get_spark("bench-batch")
    print(f"spark session: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    work = devstack_home() / "bench" / "batch"
    results: dict[int, Summary] = {}
    for n in sizes:
        for i in range(args.runs):
            print(f"{n:,} events, run {i + 1}/{args.runs}", file=sys.stderr)
            results[n] = run_once(spark, n, work)
    print_table(results)
    for n, summary in results.items():
        seconds = {k: round(v, 2) for k, v in summary.seconds.items()}
        print(json.dumps({"bench": "batch", "events": n, "runs": args.runs, "seconds": seconds}))
    return 0


def print_table(results: dict[int, Summary]) -> None:
    sizes = list(results)
    stages = list(results[sizes[0]].seconds)
    print(f"{'stage (s, warm)':<16}" + "".join(f"{n:>12,}" for n in sizes))
    for stage in stages:
        print(f"{stage:<16}" + "".join(f"{results[n].seconds[stage]:>12.2f}" for n in sizes))


if __name__ == "__main__":
    raise SystemExit(main())
