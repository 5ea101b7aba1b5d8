"""`python -m jobs.streaming` / `pinterest-stream`: the streaming job's entry point.

The only place that knows where it runs. Locally: the project's `kinesis` source, endpoint and
credentials from the environment (LocalStack). On Databricks (DATABRICKS_RUNTIME_VERSION set): the
built-in source, credentials from a Unity Catalog service credential, the instance profile,
`--role-arn` or a secret scope.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import Any

from contracts.names import TABLES, Names, pipeline_id_from_env
from jobs.common.errors import one_line
from jobs.common.locations import on_databricks, to_uri
from jobs.common.tables import TableArgs
from jobs.streaming.job import AVAILABLE_NOW, DEFAULT_SCHEMA, StreamConfig
from jobs.streaming.kinesis_options import OptionError, parse_timestamp_ms

POSITIONS = ("latest", "earliest", "trim_horizon", "at_timestamp")
TABLE_ARGS = TableArgs(default_schema=DEFAULT_SCHEMA)


class UsageError(ValueError):
    """A bad argument: one line for the user, exit code 2."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="pinterest-stream",
        description="Read the pin/geo/user Kinesis streams, clean each record like the batch job "
        "and MERGE it into one Delta table per stream (each event once), with checkpoints.",
    )
    p.add_argument("--streams", default=",".join(TABLES), help="tables to stream (default: all)")
    TABLE_ARGS.add_to(p)
    p.add_argument(
        "--checkpoints",
        required=True,
        help="folder or URI for the checkpoints; <id>_<t>_table.metrics.json beside them counts "
        "records, malformed lines and unparseable values",
    )
    p.add_argument(
        "--trigger",
        default=AVAILABLE_NOW,
        help="'available-now' (process what is there, then stop; default) or seconds between "
        "micro-batches (runs until stopped)",
    )
    p.add_argument("--duration", type=float, help="with a seconds trigger: stop after this long")
    p.add_argument(
        "--initial-position",
        default="earliest",
        choices=POSITIONS,
        help="where a new checkpoint starts (default: earliest)",
    )
    p.add_argument(
        "--initial-timestamp", help="with at_timestamp: ISO 8601 time (UTC unless an offset)"
    )
    p.add_argument("--max-records-per-batch", type=int, help="cap per micro-batch and stream")
    p.add_argument(
        "--region",
        default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
    )
    p.add_argument(
        "--endpoint",
        default=os.environ.get("AWS_ENDPOINT_URL"),
        help="Kinesis endpoint, e.g. LocalStack (default: $AWS_ENDPOINT_URL; not on Databricks)",
    )
    p.add_argument("--pipeline-id", default=pipeline_id_from_env())
    p.add_argument("--role-arn", help="IAM role to assume for Kinesis")
    p.add_argument("--role-external-id", help="external id for --role-arn")
    p.add_argument(
        "--secret-scope",
        help="Databricks secret scope holding aws-access-key-id and aws-secret-access-key",
    )
    p.add_argument(
        "--service-credential",
        help="Databricks Unity Catalog service credential for Kinesis (the kinesis source's "
        "serviceCredential option; DBR 16.1+, e.g. the role of terraform's databricks_access)",
    )
    return p.parse_args(argv)


def config_from(args: argparse.Namespace, on_databricks: bool) -> StreamConfig:
    try:
        names = Names(args.pipeline_id)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    streams = tuple(t.strip() for t in args.streams.split(",") if t.strip())
    unknown = [t for t in streams if t not in TABLES]
    if not streams or unknown:
        raise UsageError(f"--streams: give some of {', '.join(TABLES)} (got {args.streams!r})")
    if args.trigger != AVAILABLE_NOW:
        try:
            if float(args.trigger) <= 0:
                raise ValueError
        except ValueError:
            raise UsageError(
                f"--trigger: 'available-now' or seconds > 0, got {args.trigger!r}"
            ) from None
    if args.max_records_per_batch is not None and args.max_records_per_batch < 1:
        raise UsageError("--max-records-per-batch must be at least 1")
    if (args.initial_position == "at_timestamp") != bool(args.initial_timestamp):
        raise UsageError("--initial-timestamp goes with --initial-position at_timestamp")
    if args.initial_timestamp:
        try:
            parse_timestamp_ms(args.initial_timestamp)
        except OptionError as exc:
            raise UsageError(f"--initial-timestamp: {exc}") from None
    try:
        tables = TABLE_ARGS.tables(args, on_databricks)
        checkpoints = to_uri(args.checkpoints, on_databricks)
    except ValueError as exc:  # LocationError too
        raise UsageError(str(exc)) from None
    return StreamConfig(
        names=names,
        streams=streams,
        checkpoints=checkpoints,
        tables=tables,
        trigger=args.trigger,
        initial_position=args.initial_position,
        initial_timestamp=args.initial_timestamp,
        region=args.region,
        endpoint=None if on_databricks else args.endpoint,
        max_records_per_batch=args.max_records_per_batch,
        credentials=credentials(args, on_databricks),
    )


def credentials(args: argparse.Namespace, on_databricks: bool) -> dict[str, str]:
    """Source options for credentials; none means the default chain / instance profile."""
    given = [args.service_credential, args.role_arn, args.secret_scope]
    if sum(bool(g) for g in given) > 1:
        raise UsageError("give one of --service-credential, --role-arn, --secret-scope")
    opts: dict[str, str] = {}
    if args.service_credential:
        if not on_databricks:
            raise UsageError("--service-credential works on Databricks only")
        opts["serviceCredential"] = args.service_credential
    if args.role_arn:
        opts["roleArn"] = args.role_arn
        if args.role_external_id:
            opts["roleExternalId"] = args.role_external_id
    if args.secret_scope:
        if not on_databricks:
            raise UsageError("--secret-scope works on Databricks only")
        dbutils = _dbutils()
        opts["awsAccessKey"] = dbutils.secrets.get(args.secret_scope, "aws-access-key-id")
        opts["awsSecretKey"] = dbutils.secrets.get(args.secret_scope, "aws-secret-access-key")
    return opts


def _dbutils() -> Any:
    from pyspark.dbutils import DBUtils  # Databricks only

    from jobs.common.spark import get_spark

    return DBUtils(get_spark("pinterest-stream"))


def check_streams(config: StreamConfig) -> None:
    """Fail in one line when a stream is missing (e.g. the local stack is not up)."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client("kinesis", region_name=config.region, endpoint_url=config.endpoint)
    for table in config.streams:
        stream = config.names.stream(table)
        try:
            client.describe_stream_summary(StreamName=stream)
        except ClientError as exc:
            raise RuntimeError(
                f"Kinesis stream {stream}: {exc.response['Error']['Code']}"
            ) from None
        except BotoCoreError as exc:
            raise RuntimeError(
                f"cannot reach Kinesis ({config.endpoint or 'AWS'}): {exc}"
            ) from None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    databricks = on_databricks()
    try:
        config = config_from(args, databricks)
        if not databricks:
            check_streams(config)
    except UsageError as exc:
        print(f"pinterest-stream: error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f"pinterest-stream: error: {exc}", file=sys.stderr)
        return 1
    return _run(config, databricks, args.duration)


def _run(config: StreamConfig, on_databricks: bool, duration: float | None) -> int:
    from jobs.common.spark import get_spark
    from jobs.streaming.job import run

    # SIGTERM (kill, CI, Databricks cancel) stops the queries cleanly like Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    spark = get_spark("pinterest-stream")
    print(f"streaming {', '.join(config.streams)} (trigger {config.trigger})", flush=True)
    try:
        totals = run(spark, config, on_databricks, _say, duration)
    except KeyboardInterrupt:
        print("stopped", flush=True)
        return 130
    except Exception as exc:  # a failed query: one line, not a JVM stack trace
        print(f"pinterest-stream: error: {one_line(exc)}", file=sys.stderr)
        return 1
    for table in config.streams:
        target = config.target(table)
        stored = target.read(spark).count()
        found = totals.quality[table]
        metrics = config.metrics(table)
        print(
            f"{table}: {totals.received[table]} records read ({found.brief()}), "
            f"table {target.location} holds {stored} rows; metrics {metrics.folder}/{metrics.name}"
        )
    return 0


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _say(line: str) -> None:
    print(line, flush=True)


def entry_point() -> None:
    """The wheel's `pinterest-stream`: Databricks' python_wheel_task calls it and ignores what it
    returns, so a failure leaves as SystemExit(code) to fail the run."""
    code = main()
    if code:
        raise SystemExit(code)


if __name__ == "__main__":
    sys.exit(main())
