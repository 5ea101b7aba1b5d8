"""`python -m jobs.batch` / `pinterest-batch`: the batch job's entry point (local or Databricks).

The only place that knows where it runs: jobs.common.spark.get_spark picks Databricks' session or
builds a local one; everything else is plain PySpark.
"""

from __future__ import annotations

import argparse
import sys
import time

from rich.console import Console
from rich.table import Table

from contracts.names import TABLES, Names, pipeline_id_from_env
from jobs.batch import analytics, storage
from jobs.batch.job import JobConfig, Summary, run

console = Console()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="pinterest-batch",
        description="Clean the landed pin/geo/user records into Delta tables and answer the nine "
        "analytics questions (CSV files q4.csv ... q11.csv).",
    )
    p.add_argument(
        "--input",
        required=True,
        help="where the S3 sink landed the data: s3a://BUCKET, s3://BUCKET, file:///DIR, a folder "
        "or a /Volumes path; read from <input>/topics/<id>.<table>/partition=*/*.json",
    )
    p.add_argument("--output", help="folder or URI for the Delta tables (<output>/<id>_<t>_table)")
    p.add_argument(
        "--results", help="folder, s3:// or s3a:// prefix for q*.csv (default: --output)"
    )
    p.add_argument("--catalog", help="write the tables as <catalog>.<schema>.<id>_<t>_table")
    p.add_argument("--schema", help="schema (database) for --catalog")
    p.add_argument(
        "--pipeline-id",
        default=pipeline_id_from_env(),
        help="pipeline id every name derives from (default: $PIPELINE_ID or the documented one)",
    )
    args = p.parse_args(argv)
    if bool(args.catalog) != bool(args.schema):
        p.error("--catalog and --schema go together")
    if not args.output and not args.catalog:
        p.error("give --output, or --catalog and --schema")
    if not (args.results or args.output):
        p.error("give --results when the tables go to a catalog")
    return args


def config_from(args: argparse.Namespace) -> JobConfig:
    """Validated job settings; raises storage.InputError or ValueError with a one-line reason."""
    names = Names(args.pipeline_id)
    output = storage.to_uri(args.output) if args.output else None
    target = storage.TableTarget(output_uri=output, catalog=args.catalog, schema=args.schema)
    return JobConfig(
        input_uri=storage.to_uri(args.input),
        results=args.results or args.output,
        target=target,
        names=names,
    )


def print_summary(summary: Summary) -> None:
    counts = Table(title="rows per table")
    for column in ("table", "landed", "cleaned", "location"):
        counts.add_column(column)
    for t in TABLES:
        counts.add_row(t, str(summary.landed[t]), str(summary.cleaned[t]), summary.tables[t])
    console.print(counts)
    for name, rows in summary.answers.items():
        answer = Table(title=name)
        for column in analytics.COLUMNS[name]:
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


def one_line(e: BaseException) -> str:
    """The line of an error that says what went wrong.

    A Py4J error's first line only names the JVM call ("An error occurred while calling o83.json");
    the Java exception and its message follow on the line that starts with ": ".
    """
    lines = [line.strip() for line in str(e).strip().splitlines() if line.strip()]
    for line in lines:
        if line.startswith(": "):
            return line[2:]
    return lines[0] if lines else type(e).__name__


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        config = config_from(args)
    except ValueError as e:  # includes storage.InputError
        print(f"pinterest-batch: {e}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        from jobs.common.spark import get_spark  # imported late: --help needs no JVM

        spark = get_spark("pinterest-batch")
        print(f"spark session ready in {time.perf_counter() - start:.1f} s")
        summary = run(spark, config)
    except storage.InputError as e:
        print(f"pinterest-batch: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # one line, no stack trace; Spark's message says what went wrong
        print(f"pinterest-batch: failed: {one_line(e)}", file=sys.stderr)
        return 1
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
