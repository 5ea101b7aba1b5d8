"""Sink benchmark: time from the last acknowledged post to the last object landed in S3, and the
S3 sink's throughput (records/s from Kafka to S3 objects).

Run against a running stack (`make up`): `python -m bench.bench_sink` (or `make bench`).
It writes to the pipeline's own topics (that is what the stack's sink reads), so the bucket grows;
`make run` counts only its own offsets and is not affected.
"""

from __future__ import annotations

import argparse
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import requests
from confluent_kafka import Producer

from bench.common import emit, names, stack_env
from contracts.names import TABLES
from contracts.records import dumps
from devstack.run.s3_landed import SinkReader, end_offsets
from emulator.api import wire_events

CONTENT_TYPE = "application/vnd.kafka.json.v2+json"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.bench_sink", description=__doc__)
    p.add_argument(
        "--events", type=int, default=11_153, help="events posted via the API (3 records each)"
    )
    p.add_argument("--batch", type=int, default=500, help="records per request (default 500)")
    p.add_argument("--threads", type=int, default=4, help="concurrent HTTP clients (default 4)")
    p.add_argument(
        "--records", type=int, default=150_000, help="records produced for the throughput run"
    )
    p.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the sink")
    return p.parse_args(argv)


def rows_by_table(events: int) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    for chunk in wire_events(events, 1234):
        for t in TABLES:
            out[t] += chunk[t]
    return out


def post_all(
    api: str,
    key: str | None,
    topics: dict[str, str],
    rows: dict[str, list[Any]],
    batch: int,
    threads: int,
) -> tuple[float, float]:
    """Post every row through the gateway; returns (first post, last acknowledgement) times."""
    headers = {"Content-Type": CONTENT_TYPE, **({"x-api-key": key} if key else {})}
    bodies = [
        (topics[t], dumps({"records": [{"value": v} for v in rs[i : i + batch]]}).encode())
        for t, rs in rows.items()
        for i in range(0, len(rs), batch)
    ]
    local = threading.local()
    last = [0.0]

    def send(item: tuple[str, bytes]) -> None:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        for _ in range(10):
            resp = session.post(
                f"{api}/topics/{item[0]}", data=item[1], headers=headers, timeout=60
            )
            if resp.status_code == 200:
                last[0] = max(last[0], time.monotonic())
                return
            time.sleep(0.5)
        raise SystemExit(f"post failed: HTTP {resp.status_code} {resp.text[:200]}")

    first = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(send, bodies))
    return first, last[0]


def landed_at(
    reader: SinkReader, topics: list[str], base: Any, target: Any, timeout: float
) -> float:
    """When the sink had landed every offset in [base, target) (polled every 0.1 s)."""
    deadline = time.monotonic() + timeout
    while reader.missing(topics, base, target) > 0:
        if time.monotonic() > deadline:
            raise SystemExit(f"the sink did not land everything within {timeout:.0f} s")
        time.sleep(0.1)
    return time.monotonic()


def produce_direct(
    bootstrap: str, topics: dict[str, str], rows: dict[str, list[Any]], n: int
) -> float:
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5})
    encoded = {t: [dumps(v).encode() for v in rs] for t, rs in rows.items()}
    start = time.monotonic()
    for i in range(n):
        table = TABLES[i % 3]
        values = encoded[table]
        while True:
            try:
                producer.produce(topics[table], values[(i // 3) % len(values)])
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    producer.flush(120)
    return time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = stack_env()
    n = names()
    topics = {t: n.topic(t) for t in TABLES}
    bootstrap = env.get("KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    reader = SinkReader(boto3.client("s3"), n.bucket)
    rows = rows_by_table(args.events)
    print(
        f"sink benchmark: {args.events:,} events via the gateway, "
        f"then {args.records:,} records straight to Kafka"
    )

    base = end_offsets(bootstrap, n.topics)
    first, last_ack = post_all(
        env["API_URL"], env.get("API_KEY"), topics, rows, args.batch, args.threads
    )
    target = end_offsets(bootstrap, n.topics)
    landed = landed_at(reader, n.topics, base, target, args.timeout)
    posted = sum(target[k] - base[k] for k in target)
    results = [
        {
            "bench": "sink",
            "measure": "last post -> last object landed",
            "records": posted,
            "seconds": round(landed - last_ack, 2),
        },
        {
            "bench": "sink",
            "measure": "first post -> last object landed",
            "records": posted,
            "seconds": round(landed - first, 2),
            "records_per_s": posted / (landed - first),
        },
    ]

    base = end_offsets(bootstrap, n.topics)
    start = time.monotonic()
    produce_s = produce_direct(bootstrap, topics, rows, args.records)
    target = end_offsets(bootstrap, n.topics)
    landed = landed_at(reader, n.topics, base, target, args.timeout)
    results += [
        {
            "bench": "sink",
            "measure": "kafka producer (direct), for reference",
            "records": args.records,
            "seconds": round(produce_s, 2),
            "records_per_s": args.records / produce_s,
        },
        {
            "bench": "sink",
            "measure": "sink throughput (produce start -> all landed)",
            "records": args.records,
            "seconds": round(landed - start, 2),
            "records_per_s": args.records / (landed - start),
        },
    ]
    emit(results, ["measure", "records", "seconds", "records_per_s"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
