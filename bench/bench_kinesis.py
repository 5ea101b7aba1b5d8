"""Gateway -> Kinesis throughput on each Kinesis engine, and whether its cost grows with the stream.

    .venv/bin/python -m bench.bench_kinesis [--engines kinesis-mock,inprocess] [--batches 100,500]
        [--sizes 30000,150000,300000] [--window 5000] [--shards 4] [--clients 2]
        [--budget 900] [--put-record-seconds 10]

For each engine (the stack is restarted on it, see bench/engines.py) and each batch size, pin
records (about 500 bytes of JSON) are posted through API Gateway's PutRecords route
(`PUT /streams/<stream>/records`) by `--clients` concurrent clients into one fresh stream until it
holds the largest size (or the `--budget` seconds run out). At each size it reports:

- records/s: records posted so far / time since the first post;
- ms/record: the marginal cost, the time the last `--window` records before that size took, per
  record; `cost x`: that cost divided by the one at the first size (flat = 1);
- LocalStack CPU ms/record over the same window (LocalStack and kinesis-mock's node process):
  when it is about 1000 / records/s per busy core, the stack's CPU is the bound, not the client.

Then single-record `PUT /streams/<stream>/record` requests/s for `--put-record-seconds`.
Prints a table and one JSON line per figure. Restarts the local stack (`make up` state is kept).
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import requests

from bench.common import emit, pin_values
from bench.engines import ENGINES, engines_arg, localstack_cpu_seconds, on_engine


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.bench_kinesis",
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(__doc__ or "").split("\n\n", 2)[2],
    )
    p.add_argument("--engines", type=engines_arg, default=list(ENGINES), help="default: both")
    p.add_argument("--batches", default="100,500", help="records per request (default 100,500)")
    p.add_argument("--sizes", default="30000,150000,300000", help="stream sizes to report at")
    p.add_argument("--window", type=int, default=5000, help="records the marginal cost is over")
    p.add_argument("--shards", type=int, default=4, help="shards of the stream (as `make up`)")
    p.add_argument("--clients", type=int, default=2, help="concurrent HTTP clients (default 2)")
    p.add_argument("--budget", type=float, default=900, help="seconds per engine and batch size")
    p.add_argument("--put-record-seconds", type=float, default=10, help="0 skips PutRecord")
    args = p.parse_args(argv)
    args.batches = [int(b) for b in args.batches.split(",")]
    args.sizes = sorted(int(s) for s in args.sizes.split(","))
    if any(not 1 <= b <= 500 for b in args.batches) or args.window >= args.sizes[0]:
        p.error("batches must be 1-500 and --window smaller than the smallest size")
    return args


class Stream:
    """A throwaway stream of the running stack, deleted on exit."""

    def __init__(self, env: dict[str, str], shards: int) -> None:
        self.kinesis = boto3.client(
            "kinesis", endpoint_url=env["AWS_ENDPOINT_URL"], region_name=env["AWS_REGION"]
        )
        self.name = f"bench-kinesis-{secrets.token_hex(4)}"
        self.kinesis.create_stream(StreamName=self.name, ShardCount=shards)
        self.kinesis.get_waiter("stream_exists").wait(
            StreamName=self.name, WaiterConfig={"Delay": 0.5, "MaxAttempts": 240}
        )

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kinesis.delete_stream(StreamName=self.name, EnforceConsumerDeletion=True)


def bodies(batch: int, count: int = 16) -> list[bytes]:
    """Request bodies of `batch` pin records; partition keys differ between bodies."""
    values = pin_values(batch)
    return [
        json.dumps(
            {"Records": [{"Data": v, "PartitionKey": f"{b}-{i}"} for i, v in enumerate(values)]}
        ).encode()
        for b in range(count)
    ]


def fill(env: dict[str, str], stream: str, batch: int, target: int, clients: int,
         budget: float) -> list[tuple[int, float, float]]:  # fmt: skip
    """Post until `target` records are stored: (records, seconds, LocalStack CPU s) per request."""
    url = f"{env['API_URL']}/streams/{stream}/records"
    headers = {"Content-Type": "application/json", "x-api-key": env.get("API_KEY", "")}
    payloads = bodies(batch)
    lock = threading.Lock()
    marks: list[tuple[int, float, float]] = [(0, 0.0, localstack_cpu_seconds())]
    start = time.monotonic()
    posted = [0]

    def client(n: int) -> None:
        http = requests.Session()
        sent = 0
        while True:
            with lock:
                if posted[0] >= target or time.monotonic() - start > budget:
                    return
                posted[0] += batch
            resp = http.put(url, data=payloads[(n + sent) % len(payloads)], headers=headers,
                            timeout=300)  # fmt: skip
            sent += 1
            if resp.status_code != 200 or json.loads(resp.text).get("FailedRecordCount") != 0:
                raise SystemExit(f"PutRecords through the gateway failed: {resp.text[:300]}")
            with lock:
                done = marks[-1][0] + batch
                marks.append((done, time.monotonic() - start, localstack_cpu_seconds()))
                if done % (10 * batch * clients) == 0:
                    rate = done / marks[-1][1]
                    print(f"  {done:,} records, {rate:,.0f}/s", file=sys.stderr, flush=True)

    with ThreadPoolExecutor(clients) as pool:
        for f in [pool.submit(client, n) for n in range(clients)]:
            f.result()
    return marks


def at_sizes(marks: list[tuple[int, float, float]], sizes: list[int], window: int,
             base: dict[str, Any]) -> list[dict[str, Any]]:  # fmt: skip
    """One row per size reached; when the budget ended first, one row where it ended."""
    rows: list[dict[str, Any]] = []
    first_cost = None
    for size in sizes:
        end = next((m for m in marks if m[0] >= size), None)
        note = None
        if end is None:
            end, note = marks[-1], f"--budget ended before {size:,}"
            if end[0] < window or (rows and rows[-1]["records"] >= end[0]):
                rows.append({**base, "records": size, "note": note})
                continue
        begin = max((m for m in marks if m[0] <= end[0] - window), key=lambda m: m[0])
        n = end[0] - begin[0]
        cost = (end[1] - begin[1]) * 1000 / n
        first_cost = first_cost or cost
        rows.append({
            **base, "records": end[0], "seconds": round(end[1], 1),
            "records_per_s": round(end[0] / end[1], 1), "ms_per_record": round(cost, 3),
            "cost_x": round(cost / first_cost, 2),
            "cpu_ms_per_record": round((end[2] - begin[2]) * 1000 / n, 3), "note": note,
        })  # fmt: skip
    return rows


def put_record_rate(env: dict[str, str], stream: str, seconds: float,
                    clients: int) -> dict[str, Any]:  # fmt: skip
    url = f"{env['API_URL']}/streams/{stream}/record"
    headers = {"Content-Type": "application/json", "x-api-key": env.get("API_KEY", "")}
    value = pin_values(1)[0]
    counts = [0, 0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        http = requests.Session()
        while time.monotonic() < stop:
            resp = http.put(url, json={"Data": value, "PartitionKey": secrets.token_hex(4)},
                            headers=headers, timeout=60)  # fmt: skip
            with lock:
                counts[resp.status_code != 200] += 1

    cpu, start = localstack_cpu_seconds(), time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        for f in [pool.submit(client) for _ in range(clients)]:
            f.result()
    elapsed = time.monotonic() - start
    return {
        "route": "/record (PutRecord)", "batch": 1, "records": counts[0], "errors": counts[1],
        "seconds": round(elapsed, 1), "records_per_s": round(counts[0] / elapsed, 1),
        "ms_per_record": round(elapsed * 1000 / max(counts[0], 1), 3),
        "cpu_ms_per_record": round((localstack_cpu_seconds() - cpu) * 1000 / max(counts[0], 1), 3),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rows: list[dict[str, Any]] = []
    for engine in args.engines:
        with on_engine(engine) as env:
            for batch in args.batches:
                print(f"[bench] {engine}: batch {batch}, up to {args.sizes[-1]:,} records",
                      file=sys.stderr, flush=True)  # fmt: skip
                with Stream(env, args.shards) as stream:
                    marks = fill(env, stream.name, batch, args.sizes[-1], args.clients, args.budget)
                base = {"bench": "kinesis", "engine": engine, "route": "/records", "batch": batch}
                rows += at_sizes(marks, args.sizes, args.window, base)
            if args.put_record_seconds > 0:
                with Stream(env, args.shards) as stream:
                    got = put_record_rate(env, stream.name, args.put_record_seconds, args.clients)
                rows.append({"bench": "kinesis", "engine": engine, **got})
    print()
    emit(rows, ["engine", "route", "batch", "records", "seconds", "records_per_s",
                "ms_per_record", "cost_x", "cpu_ms_per_record", "note"])  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
