"""`python -m devstack.s3_sink`: Kafka topics to S3 JSON lines, like Confluent's S3 sink."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from devstack import jsonlog
from devstack.s3_sink.config import ConfigError, SinkConfig, build, parse_properties

log = logging.getLogger("devstack.s3_sink")

EPILOG = """\
properties (Confluent S3 sink names): topics.regex (or topics), s3.bucket.name, flush.size
(required); rotate.interval.ms (default -1: off), topics.dir (default topics), s3.region
(default $AWS_REGION or us-east-1), name (consumer group connect-<name>, default
devstack-s3-sink), errors.tolerance (none|all), behavior.on.null.values (fail|ignore),
consumer.override.<librdkafka option>. S3 endpoint and credentials come from the standard AWS
variables (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...). SIGTERM writes the open batches, commits,
and exits 0.
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devstack.s3_sink",
        description="Write Kafka records to S3 as JSON lines under "
        "<topics.dir>/<topic>/partition=<p>/<topic>+<p>+<start offset>.json, committing "
        "offsets only after each object is written.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--bootstrap",
        default=os.environ.get("KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        help="Kafka bootstrap servers (default $KAFKA_BOOTSTRAP or 127.0.0.1:9092)",
    )
    parser.add_argument(
        "--property",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="one connector property; repeatable; wins over --property-file",
    )
    parser.add_argument("--property-file", type=Path, help="Java .properties file")
    parser.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    return parser.parse_args(argv)


def load_config(args: argparse.Namespace) -> SinkConfig:
    props: dict[str, str] = {}
    if args.property_file is not None:
        try:
            props.update(parse_properties(args.property_file.read_text(encoding="utf-8")))
        except OSError as exc:
            raise ConfigError(f"cannot read {args.property_file}: {exc.strerror}") from None
    for item in args.property:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--property needs KEY=VALUE, got {item!r}")
        props[key.strip()] = value.strip()
    return build(props)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        config = load_config(args)
    except ConfigError as exc:
        print(f"s3_sink: {exc}", file=sys.stderr)
        return 2
    jsonlog.setup(args.log_level)
    logging.getLogger("botocore").setLevel(logging.WARNING)
    if config.unknown:
        log.warning("ignored properties", extra={"fields": {"properties": list(config.unknown)}})

    import boto3  # imported late so --help and config errors stay fast
    from confluent_kafka import KafkaException

    from devstack.s3_sink.loop import SinkError, SinkLoop, make_consumer

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    s3 = boto3.client("s3", region_name=config.region)  # endpoint from AWS_ENDPOINT_URL
    try:
        consumer = make_consumer(config, args.bootstrap)
    except KafkaException as exc:  # e.g. a bad consumer.override.* value
        print(f"s3_sink: invalid consumer configuration: {exc}", file=sys.stderr)
        return 2
    sink = SinkLoop(config, consumer, s3)
    log.info(
        "starting",
        extra={
            "fields": {
                "bucket": config.bucket,
                "flush_size": config.flush_size,
                "rotate_interval_ms": config.rotate_interval_ms,
            }
        },
    )
    try:
        sink.run(stop.is_set)
    except SinkError as exc:
        # No close(): leaving the group would run the revoke path and write more objects.
        log.error(str(exc))
        return 1
    except Exception:  # a bug or an unforeseen failure: one JSON line, traceback in a field
        log.error("sink crashed", exc_info=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
