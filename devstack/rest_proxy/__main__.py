"""`python -m devstack.rest_proxy`: serve the Kafka REST proxy (Confluent v2 produce API)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from devstack import jsonlog
from devstack.rest_proxy.app import DEFAULT_MAX_BODY_BYTES, ProxySettings, create_app

log = logging.getLogger("devstack.rest_proxy")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devstack.rest_proxy",
        description="Kafka REST proxy: POST /topics/{topic} and /topics/{topic}/partitions/{p} "
        "(Confluent REST Proxy v2, json and binary formats), GET /topics, GET /topics/{topic}, "
        "GET /health. A 200 means Kafka acknowledged every record (acks=all).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8082, help="port to bind (default 8082)")
    parser.add_argument(
        "--bootstrap",
        default=os.environ.get("KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        help="Kafka bootstrap servers (default $KAFKA_BOOTSTRAP or 127.0.0.1:9092)",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=_positive,
        default=DEFAULT_MAX_BODY_BYTES,
        help=f"largest request body accepted, larger gets a 413 (default {DEFAULT_MAX_BODY_BYTES})",
    )
    parser.add_argument(
        "--delivery-timeout-ms",
        type=_positive,
        default=20000,
        help="how long a record may wait for Kafka's acknowledgement (default 20000)",
    )
    parser.add_argument(
        "--metadata-ttl",
        type=float,
        default=5.0,
        help="seconds topic metadata is cached (default 5)",
    )
    parser.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    return parser.parse_args(argv)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0: {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    jsonlog.setup(args.log_level)
    import uvicorn  # imported late so --help stays fast

    from devstack.rest_proxy.backend import KafkaBackend

    try:
        backend = KafkaBackend(args.bootstrap, args.delivery_timeout_ms, args.metadata_ttl)
    except Exception as exc:  # e.g. a malformed bootstrap list
        print(f"rest_proxy: cannot create the Kafka producer: {exc}", file=sys.stderr)
        return 2
    app = create_app(backend, ProxySettings(max_body_bytes=args.max_body_bytes))
    log.info(
        "starting",
        extra={"fields": {"host": args.host, "port": args.port, "bootstrap": args.bootstrap}},
    )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,  # the app logs one structured line per request itself
        timeout_graceful_shutdown=10,
        lifespan="on",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
