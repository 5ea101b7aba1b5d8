"""Streaming latency, post -> row readable in Delta, and the highest rate the local stack holds.

    .venv/bin/python -m bench.bench_streaming [--rate 100] [--seconds 60] [--trigger 1]
        [--rates 1000] [--step-seconds 60] [--burst 5000] [--engines kinesis-mock,inprocess]

Pin records (the largest) go through API Gateway's PutRecords route to a two-shard stream of a
throwaway pipeline id, from a client that sends `rate / 10` records ten times a second. The
streaming job runs in this process on that stream with a processing-time trigger. A record's
latency runs from the start of the request that posted it to the Delta commit that made it
readable (the commit timestamp in the table's log, so no polling error). Steps:

1. latency at `--rate` records/s for `--seconds`, after a warm-up at that rate that is not
   counted (it ends once the job has caught up with it);
2. higher rates, `--step-seconds` each, until one is not held: a rate is held when the client
   reached 90% of it, the p95 stayed under `--max-p95` seconds and the job caught up within 10 s
   of the last post (the latency step stops the run too when it is not held);
3. the job alone: the job stops, `--burst` records are written straight to Kinesis, the job
   restarts from its checkpoint: records/s from the restart until all are readable.

With `--engines`, the steps run once per Kinesis engine, the stack restarted on each (see
bench/engines.py); without it, on the running stack as it is.
Each step also gives the medians of its micro-batches (Spark's progress): `batch_s` in all,
`fetch_s` reading Kinesis (latestOffset), `write_s` cleaning and merging into Delta (addBatch).
Prints a table and one JSON line per step. Needs the stack (`make up`).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import boto3
import pyarrow.parquet as pq
import requests

from bench.common import emit, pin_values, stack_env
from bench.engines import VARIABLE, engines_arg, on_engine
from contracts.names import Names
from contracts.records import dumps
from devstack.config import Settings
from emulator.api import build_request
from jobs.common.spark import get_spark
from jobs.common.tables import Tables
from jobs.streaming.delta_merge import Counts
from jobs.streaming.job import StreamConfig, register_source, start, stop_between_batches

SHARDS = 2
TICKS_PER_S = 10


class Poster:
    """Posts pin rows at a fixed rate; remembers when each record's request started."""

    def __init__(self, env: dict[str, str], names: Names, values: list[dict[str, Any]]) -> None:
        self.env, self.names, self.values = env, names, values
        self.sent_at: dict[str, float] = {}
        self.acked_at: dict[str, float] = {}
        self.failed = 0
        self.next = 0
        self.http = requests.Session()
        self.pool = ThreadPoolExecutor(max_workers=16)

    def _send(self, rows: list[dict[str, Any]]) -> None:
        req = build_request(
            "stream", self.env["API_URL"], self.names, "pin", rows, multi=True,
            api_key=self.env.get("API_KEY") or None,
        )  # fmt: skip
        started = time.time()
        try:
            resp = self.http.request(req.method, req.url, data=req.body, headers=req.headers,
                                     timeout=30)  # fmt: skip
            ok = resp.status_code == 200 and json.loads(resp.text).get("FailedRecordCount") == 0
        except (requests.RequestException, ValueError):
            ok = False
        if not ok:
            self.failed += len(rows)
            return
        for row in rows:
            self.sent_at[row["unique_id"]] = started
            self.acked_at[row["unique_id"]] = time.time()

    def run(self, rate: float, seconds: float) -> tuple[int, float]:
        """Post for `seconds`; returns (records posted, achieved records/s)."""
        per_tick = max(1, round(rate / TICKS_PER_S))
        ticks = int(seconds * TICKS_PER_S)
        first, t0 = self.next, time.monotonic()
        futures = []
        for i in range(ticks):
            time.sleep(max(0.0, t0 + i / TICKS_PER_S - time.monotonic()))
            rows = self.values[self.next : self.next + per_tick]
            self.next += len(rows)
            futures.append(self.pool.submit(self._send, rows))
        for f in futures:
            f.result()
        elapsed = time.monotonic() - t0
        return self.next - first, (self.next - first) / elapsed


def commit_times(table: Path) -> dict[str, float]:
    """unique_id -> time of the Delta commit that added it (from the table's log)."""
    out: dict[str, float] = {}
    for log in sorted((table / "_delta_log").glob("*.json")):
        actions = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        when = next(a["commitInfo"]["timestamp"] for a in actions if "commitInfo" in a) / 1000
        for action in actions:
            if "add" in action:
                ids = pq.read_table(table / action["add"]["path"], columns=["unique_id"])
                out.update(dict.fromkeys(ids.column("unique_id").to_pylist(), when))
    return out


def wait_readable(table: Path, ids: list[str], timeout: float) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while True:
        seen = commit_times(table)
        if all(i in seen for i in ids) or time.monotonic() > deadline:
            return seen
        time.sleep(0.5)


def step(poster: Poster, table: Path, name: str, rate: float, seconds: float,
         max_p95: float) -> dict[str, Any]:  # fmt: skip
    """Post at `rate` for `seconds`, wait until readable; latency from each request's start."""
    print(f"{name}: {seconds:.0f} s at {rate:.0f} records/s", file=sys.stderr)
    poster.sent_at.clear()
    _, achieved = poster.run(rate, seconds)
    sent = dict(poster.sent_at)
    seen = wait_readable(table, list(sent), timeout=120)
    lat = sorted(seen[i] - t for i, t in sent.items() if i in seen)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [float("nan")] * 99
    # From the gateway's answer instead: the part of the latency that is Kinesis + the job.
    from_ack = [seen[i] - poster.acked_at[i] for i in sent if i in seen]
    caught_up = max((seen[i] for i in sent if i in seen), default=0) - max(sent.values(), default=0)
    row = {
        "step": name, "target_rps": rate, "posted_rps": round(achieved, 1),
        "records": len(sent), "readable": len(lat),
        "p50_s": round(q[49], 2), "p95_s": round(q[94], 2),
        "p50_ack_s": round(statistics.median(from_ack), 2) if from_ack else None,
        "max_s": round(lat[-1], 2) if lat else None, "catch_up_s": round(caught_up, 1),
    }  # fmt: skip
    row["held"] = (achieved >= 0.9 * rate and len(lat) == len(sent) and q[94] <= max_p95
                   and caught_up <= 10)  # fmt: skip
    return row


def last_batch(query: Any) -> int:
    progress = query.lastProgress
    return int(progress["batchId"]) if progress else -1


def batch_times(query: Any, after: int) -> dict[str, Any]:
    """Medians over the micro-batches with data since batch `after`: the whole batch, its Kinesis
    fetch (latestOffset) and its write (addBatch: clean and MERGE into Delta), in seconds."""
    done = [p for p in query.recentProgress if p["batchId"] > after and p["numInputRows"] > 0]
    if not done:
        return {}

    def median(key: str) -> float:
        return round(statistics.median(p["durationMs"].get(key, 0) for p in done) / 1000, 2)

    return {"batch_s": median("triggerExecution"), "fetch_s": median("latestOffset"),
            "write_s": median("addBatch")}  # fmt: skip


def burst(kinesis: Any, stream: str, values: list[dict[str, Any]], table: Path,
          restart: Any) -> dict[str, Any]:  # fmt: skip
    """The job alone: records written straight to Kinesis while it is stopped, then drained."""
    print(f"job alone: {len(values)} records straight to Kinesis", file=sys.stderr)
    for i in range(0, len(values), 500):
        chunk = values[i : i + 500]
        records = [{"Data": dumps(v).encode(), "PartitionKey": str(v["index"])} for v in chunk]
        kinesis.put_records(StreamName=stream, Records=records)
    started = time.time()
    query = restart()
    ids = [v["unique_id"] for v in values]
    seen = wait_readable(table, ids, timeout=300)
    done = max((seen[i] for i in ids if i in seen), default=started)
    return {
        "step": "job alone", "records": len(ids), "readable": sum(i in seen for i in ids),
        "drain_rps": round(len(ids) / max(done - started, 1e-9), 1), "query": query,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rate", type=float, default=100, help="records/s of the latency step")
    p.add_argument("--seconds", type=float, default=60, help="length of the latency step")
    p.add_argument("--warmup", type=float, default=20, help="seconds posted before measuring")
    p.add_argument("--trigger", default="1", help="seconds between micro-batches")
    p.add_argument("--rates", default="1000", help="higher rates to try, in order")
    p.add_argument("--step-seconds", type=float, default=60)
    p.add_argument("--max-p95", type=float, default=10.0, help="p95 (s) a held rate must keep")
    p.add_argument("--burst", type=int, default=5000, help="records for the job-alone step")
    p.add_argument("--engines", type=engines_arg, default=None,
                   help="restart the stack on each Kinesis engine (kinesis-mock,inprocess) and "
                        "measure both; default: the running stack as it is")  # fmt: skip
    args = p.parse_args(argv)
    # Spark's Python workers read Kinesis with the credentials Spark starts with.
    os.environ.update(Settings.from_env().aws_env())
    spark = get_spark("bench-streaming")
    register_source(spark, on_databricks=False)
    rows: list[dict[str, Any]] = []
    failed = 0
    for engine in args.engines or [None]:
        with on_engine(engine) if engine else nullcontext(stack_env()) as env:
            got, lost = measure(args, env, spark)
        rows += [{"engine": engine or os.environ.get(VARIABLE, "running"), **r} for r in got]
        failed += lost
    held = [r["posted_rps"] for r in rows if r.get("held")]
    print(f"\nhighest rate held: {max(held, default=0):.0f} records/s; "
          f"client failures: {failed}\n")  # fmt: skip
    columns = ["engine", "step", "target_rps", "posted_rps", "records", "readable", "p50_s"]
    emit(rows, [*columns, "p95_s", "p50_ack_s", "max_s", "catch_up_s", "held", "batch_s",
                "fetch_s", "write_s", "drain_rps"])  # fmt: skip
    return 0


def measure(args: argparse.Namespace, env: dict[str, str], spark: Any) -> tuple[list[dict], int]:
    """The steps on the running stack: (one row per step, records the client failed to post)."""
    rates = [float(r) for r in args.rates.split(",") if r]
    names = Names(f"bench-{secrets.token_hex(4)}")
    kinesis = boto3.client("kinesis", endpoint_url=env["AWS_ENDPOINT_URL"],
                           region_name=env["AWS_REGION"])  # fmt: skip
    stream = names.stream("pin")
    kinesis.create_stream(StreamName=stream, ShardCount=SHARDS)
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 0.5})
    total = int(args.rate * (args.warmup + args.seconds) + sum(rates) * args.step_seconds)
    poster = Poster(env, names, pin_values(total + args.burst, seed=secrets.randbelow(10**6)))
    rows: list[dict[str, Any]] = []
    with TemporaryDirectory(prefix="bench-stream-") as tmp:
        cfg = StreamConfig(
            names=names, streams=("pin",), checkpoints=f"{tmp}/checkpoints",
            tables=Tables(output=f"{tmp}/tables"), trigger=args.trigger,
            initial_position="trim_horizon",
            region=env["AWS_REGION"], endpoint=env["AWS_ENDPOINT_URL"],
        )  # fmt: skip
        table = Path(cfg.target("pin").location)
        cfg.target("pin").ensure(spark)
        trigger = {"processingTime": f"{float(args.trigger)} seconds"}

        def run_job() -> Any:
            return start(spark, cfg, "pin", False, lambda line: None, Counts(), trigger)

        query = run_job()
        try:
            print(f"warm-up: {args.warmup:.0f} s at {args.rate:.0f} records/s", file=sys.stderr)
            poster.run(args.rate, args.warmup)
            wait_readable(table, list(poster.sent_at), timeout=300)
            for name, rate, seconds in [("latency", args.rate, args.seconds)] + [
                (f"rate {r:.0f}", r, args.step_seconds) for r in rates
            ]:
                before = last_batch(query)
                rows.append(step(poster, table, name, rate, seconds, args.max_p95))
                rows[-1].update(batch_times(query, before))
                if not rows[-1]["held"]:
                    break
            if args.burst:
                stop_between_batches([query])
                values = poster.values[poster.next : poster.next + args.burst]
                rows.append(burst(kinesis, stream, values, table, run_job))
                query = rows[-1].pop("query")
        finally:
            stop_between_batches([query])
            kinesis.delete_stream(StreamName=stream, EnforceConsumerDeletion=True)
    return rows, poster.failed


if __name__ == "__main__":
    sys.exit(main())
