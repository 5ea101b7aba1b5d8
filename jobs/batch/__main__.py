"""`python -m jobs.batch` / `pinterest-batch`: the batch job's entry point (local or Databricks).

The only place that knows where it runs: jobs.common.spark.get_spark picks Databricks' session or
builds a local one; everything else is plain PySpark.

Exit codes: 0 done; 1 Spark failed; 2 bad arguments or nothing landed; 3 the data is too dirty
(a share of malformed lines or unparseable values above --max-bad-fraction).
"""

from __future__ import annotations

import argparse
import sys
import time

from rich.console import Console
from rich.table import Table

from contracts.answers import ANSWERS
from contracts.names import TABLES, Names, pipeline_id_from_env
from jobs.batch import storage
from jobs.batch.job import DEFAULT_MAX_BAD_FRACTION, BatchSummary, JobConfig, QualityError, run
from jobs.common.errors import one_line
from jobs.common.locations import LocationError, to_uri
from jobs.common.tables import TableArgs

console = Console()
EXIT_FAILED, EXIT_USAGE, EXIT_DIRTY = 1, 2, 3
TABLE_ARGS = TableArgs()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="pinterest-batch",
        description="Clean the landed pin/geo/user records into Delta tables and answer the nine "
        "analytics questions (CSV files q4.csv ... q11.csv). Exit codes: 0 done, 1 Spark failed, "
        "2 bad arguments or nothing landed, 3 too many malformed lines or unparseable values.",
    )
    p.add_argument(
        "--input",
        required=True,
        help="where the S3 sink landed the data: s3a://BUCKET, s3://BUCKET, file:///DIR, a folder "
        "or a /Volumes path; read from <input>/topics/<id>.<table>/partition=*/*.json",
    )
    TABLE_ARGS.add_to(p)
    p.add_argument(
        "--results",
        help="folder or URI for q*.csv and batch-summary.json (default: --output)",
    )
    p.add_argument(
        "--max-bad-fraction",
        type=_fraction,
        default=DEFAULT_MAX_BAD_FRACTION,
        help="fail (exit 3) when a table's share of malformed lines, or a column's share of "
        f"unparseable values, is above this (default {DEFAULT_MAX_BAD_FRACTION})",
    )
    p.add_argument(
        "--pipeline-id",
        default=pipeline_id_from_env(),
        help="pipeline id every name derives from (default: $PIPELINE_ID or the documented one)",
    )
    args = p.parse_args(argv)
    if args.catalog and not (args.results or args.output):
        p.error("give --results when the tables go to a catalog")
    return args


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"a fraction from 0 to 1, got {text!r}")
    return value


def config_from(args: argparse.Namespace) -> JobConfig:
    """Validated job settings; raises ValueError (LocationError) with a one-line reason."""
    names = Names(args.pipeline_id)
    tables = TABLE_ARGS.tables(args)
    return JobConfig(
        input_uri=to_uri(args.input),
        results=to_uri(args.results or args.output),
        tables=tables,
        names=names,
        max_bad_fraction=args.max_bad_fraction,
    )


def print_summary(summary: BatchSummary) -> None:
    counts = Table(title="rows per table")
    for column in ("table", "landed", "malformed", "unparseable", "cleaned", "location"):
        counts.add_column(column)
    for t in TABLES:
        if t not in summary.quality:
            continue
        q = summary.quality[t]
        counts.add_row(
            t,
            str(q.landed),
            str(q.malformed),
            str(q.unparseable_total),
            str(summary.cleaned[t]),
            summary.tables[t],
        )
    console.print(counts)
    print_problems(summary)
    for name, rows in summary.answers.items():
        answer = Table(title=name)
        for column in ANSWERS[name].columns:
            answer.add_column(column)
        for row in rows:
            answer.add_row(*("" if v is None else str(v) for v in row))
        console.print(answer)
    timing = Table(title="seconds per stage")
    timing.add_column("stage")
    timing.add_column("seconds", justify="right")
    for stage, seconds in summary.seconds.items():
        timing.add_row(stage, f"{seconds:.2f}")
    console.print(timing)


def print_problems(summary: BatchSummary) -> None:
    """Malformed lines and unparseable values, with their examples (nothing when clean)."""
    problems = Table(title="malformed lines and unparseable values (examples)")
    for column in ("table", "column", "count", "examples"):
        problems.add_column(column)
    for t, q in summary.quality.items():
        if q.malformed:
            shown = [f"{e['line']!r} in {e['where']}" for e in q.malformed_examples]
            problems.add_row(t, "(malformed line)", str(q.malformed), "\n".join(shown))
        for column, count in q.unparseable.items():
            if count:
                shown = [repr(v) for v in q.unparseable_examples[column]]
                problems.add_row(t, column, str(count), ", ".join(shown))
    if problems.row_count:
        console.print(problems)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        config = config_from(args)
    except (LocationError, ValueError) as e:
        print(f"pinterest-batch: {e}", file=sys.stderr)
        return EXIT_USAGE
    start = time.perf_counter()
    try:
        from jobs.common.spark import get_spark  # imported late: --help needs no JVM

        spark = get_spark("pinterest-batch")
        print(f"spark session ready in {time.perf_counter() - start:.1f} s")
        summary = run(spark, config)
    except storage.InputError as e:
        print(f"pinterest-batch: {e}", file=sys.stderr)
        return EXIT_USAGE
    except QualityError as e:
        print_summary(e.summary)
        print(f"pinterest-batch: {e}", file=sys.stderr)
        return EXIT_DIRTY
    except Exception as e:  # one line, no stack trace; Spark's message says what went wrong
        print(f"pinterest-batch: failed: {one_line(e)}", file=sys.stderr)
        return EXIT_FAILED
    print_summary(summary)
    print(f"answers written to {config.results}")
    return 0


def entry_point() -> None:
    """The wheel's `pinterest-batch`: Databricks' python_wheel_task calls it and ignores what it
    returns, so a failure leaves as SystemExit(code) to fail the run (and the DAG's task)."""
    code = main()
    if code:
        raise SystemExit(code)


if __name__ == "__main__":
    raise SystemExit(main())
