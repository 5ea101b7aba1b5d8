"""Ingest benchmark: records/s through API Gateway -> REST proxy -> Kafka at batch sizes 1, 100
and 500, beside the REST proxy alone and the direct Kafka producer (confluent-kafka, acks=all).

Run against a running stack (`make up`): `python -m bench.bench_ingest` (or `make bench`).
It posts to its own topic `bench-<PIPELINE_ID>` so the pipeline's data is left alone.
"""

from __future__ import annotations

import argparse
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from confluent_kafka import KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from bench.common import emit, names, pin_values, stack_env
from contracts.records import dumps

CONTENT_TYPE = "application/vnd.kafka.json.v2+json"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.bench_ingest", description=__doc__)
    p.add_argument("--sizes", default="1,100,500", help="records per request (default 1,100,500)")
    p.add_argument("--seconds", type=float, default=10.0, help="duration per measurement (10)")
    p.add_argument("--threads", type=int, default=4, help="concurrent HTTP clients (default 4)")
    p.add_argument("--producer-records", type=int, default=200_000, help="direct producer records")
    p.add_argument("--no-proxy", action="store_true", help="skip the REST-proxy-alone rows")
    return p.parse_args(argv)


def ensure_topic(bootstrap: str, topic: str, partitions: int = 3) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    if topic in admin.list_topics(timeout=10).topics:
        return
    futures = admin.create_topics([NewTopic(topic, partitions, 1)])
    try:
        futures[topic].result(timeout=30)
    except KafkaException as exc:
        if "TOPIC_ALREADY_EXISTS" not in str(exc):
            raise
    time.sleep(1.0)  # let the REST proxy's metadata cache see it


def http_rate(
    url: str, body: bytes, per_request: int, seconds: float, threads: int, api_key: str | None
) -> dict[str, Any]:
    """Post the same body from `threads` clients for `seconds`; count acknowledged records."""
    headers = {"Content-Type": CONTENT_TYPE}
    if api_key:
        headers["x-api-key"] = api_key
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    totals = {"requests": 0, "records": 0, "errors": 0}

    def worker() -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            resp = session.post(url, data=body, headers=headers, timeout=60)
            ok = resp.status_code == 200 and len(resp.json().get("offsets", [])) == per_request
            with lock:
                totals["requests"] += 1
                totals["records" if ok else "errors"] += per_request if ok else 1

    start = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        for f in [pool.submit(worker) for _ in range(threads)]:
            f.result()
    elapsed = time.monotonic() - start
    return {
        "requests": totals["requests"],
        "records": totals["records"],
        "errors": totals["errors"],
        "seconds": round(elapsed, 2),
        "records_per_s": totals["records"] / elapsed,
        "requests_per_s": totals["requests"] / elapsed,
    }


def producer_rate(bootstrap: str, topic: str, values: list[bytes], n: int) -> dict[str, Any]:
    """Direct confluent-kafka producer, acks=all, every delivery report checked."""
    producer = Producer(
        {"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5, "enable.idempotence": True}
    )
    failed = 0

    def report(err: Any, _msg: Any) -> None:
        nonlocal failed
        failed += err is not None

    start = time.monotonic()
    for i in range(n):
        while True:
            try:
                producer.produce(topic, values[i % len(values)], on_delivery=report)
                break
            except BufferError:
                producer.poll(0.05)  # local queue full: let deliveries drain
        producer.poll(0)
    producer.flush(60)
    elapsed = time.monotonic() - start
    return {
        "records": n - failed,
        "errors": failed,
        "seconds": round(elapsed, 2),
        "records_per_s": (n - failed) / elapsed,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = stack_env()
    bootstrap = env.get("KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    topic = f"bench-{names().pipeline_id}"
    ensure_topic(bootstrap, topic)
    values = pin_values(500)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"ingest benchmark: topic {topic}, {args.threads} clients, {args.seconds:.0f} s each")

    direct = producer_rate(
        bootstrap, topic, [dumps(v).encode() for v in values], args.producer_records
    )
    rows = [
        {
            "bench": "ingest",
            "path": "kafka producer (direct)",
            "batch": "-",
            **direct,
            "ratio_to_direct": 1.0,
        }
    ]
    targets = [("api gateway -> rest proxy -> kafka", env["API_URL"], env.get("API_KEY"))]
    if not args.no_proxy:
        targets.append(
            ("rest proxy -> kafka", env.get("REST_PROXY_URL", "http://127.0.0.1:8082"), None)
        )
    for label, base, key in targets:
        for size in sizes:
            body = dumps({"records": [{"value": v} for v in values[:size]]}).encode()
            print(f"  {label}, {size} per request ...", flush=True)
            result = http_rate(
                f"{base}/topics/{topic}", body, size, args.seconds, args.threads, key
            )
            ratio = result["records_per_s"] / direct["records_per_s"]
            rows.append(
                {
                    "bench": "ingest",
                    "path": label,
                    "batch": size,
                    **result,
                    "ratio_to_direct": round(ratio, 4),
                }
            )
    emit(
        rows, ["path", "batch", "records", "errors", "seconds", "records_per_s", "ratio_to_direct"]
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
