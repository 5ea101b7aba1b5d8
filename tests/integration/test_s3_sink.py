"""S3 sink against the local stack: records produced through the REST proxy land in S3.

The tests run their own sink processes (their own consumer group, topics and bucket), so the
stack's sink and the pipeline's data are left alone. The second test kills a sink with SIGKILL
in the middle of a run and restarts it: every record must still be in exactly one object.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from confluent_kafka.admin import AdminClient, NewTopic

pytestmark = pytest.mark.integration

JSON_TYPE = "application/vnd.kafka.json.v2+json"
TABLES = ("pin", "geo")
PARTITIONS = 3


class Run:
    """One test's topics, bucket and sink processes."""

    def __init__(self, stack: Any, tmp: Path) -> None:
        self.stack = stack
        self.prefix = f"it-sink-{uuid.uuid4().hex[:8]}"
        self.topics = [f"{self.prefix}.{t}" for t in TABLES]
        self.bucket = self.prefix
        self.logs = tmp
        self.env = {**os.environ, **stack.env}  # `devstack env`: AWS endpoint and credentials
        self.s3 = stack.aws("s3")
        self.sinks: list[subprocess.Popen[bytes]] = []
        self.sent: dict[tuple[str, int, int], bytes] = {}  # (topic, partition, offset) -> line

    def create(self) -> None:
        self.s3.create_bucket(Bucket=self.bucket)
        admin = AdminClient({"bootstrap.servers": self.stack.kafka_bootstrap})
        futures = admin.create_topics([NewTopic(t, PARTITIONS, 1) for t in self.topics])
        for future in futures.values():
            future.result(timeout=30)
        for topic in self.topics:  # the proxy caches metadata briefly
            deadline = time.monotonic() + 30
            url = f"{self.stack.rest_proxy_url}/topics/{topic}"
            while requests.get(url, timeout=10).status_code != 200:
                assert time.monotonic() < deadline, f"the REST proxy never saw topic {topic}"
                time.sleep(0.2)

    def delete(self) -> None:
        for proc in self.sinks:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        admin = AdminClient({"bootstrap.servers": self.stack.kafka_bootstrap})
        for future in admin.delete_topics(self.topics).values():
            future.result(timeout=30)
        for key in self.objects():
            self.s3.delete_object(Bucket=self.bucket, Key=key)
        self.s3.delete_bucket(Bucket=self.bucket)

    def start_sink(self, flush: int, rotate_ms: int) -> subprocess.Popen[bytes]:
        log = self.logs / f"sink-{len(self.sinks)}.log"
        props = {
            "name": self.prefix,
            "topics.regex": rf"{re.escape(self.prefix)}\.(pin|geo)",
            "s3.bucket.name": self.bucket,
            "flush.size": str(flush),
            "rotate.interval.ms": str(rotate_ms),
        }
        cmd = [sys.executable, "-m", "devstack.s3_sink", "--bootstrap", self.stack.kafka_bootstrap]
        for key, value in props.items():
            cmd += ["--property", f"{key}={value}"]
        with log.open("wb") as out:
            proc = subprocess.Popen(cmd, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.sinks.append(proc)
        wait_for(lambda: '"msg": "assigned"' in log.read_text(), 60, f"sink assignment ({log})")
        return proc

    def produce(self, topic: str, start: int, count: int) -> None:
        """POST `count` rows through the REST proxy; remember where each landed."""
        values = [
            {"ind": i, "topic": topic, "text": "naïve ☃", "x": i / 8}
            for i in range(start, start + count)
        ]
        body = json.dumps({"records": [{"value": v} for v in values]}, ensure_ascii=False)
        resp = requests.post(
            f"{self.stack.rest_proxy_url}/topics/{topic}",
            data=body.encode(),
            headers={"Content-Type": JSON_TYPE},
            timeout=30,
        )
        assert resp.status_code == 200, resp.text
        for value, offset in zip(values, resp.json()["offsets"], strict=True):
            assert offset["error_code"] is None, offset
            line = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
            self.sent[(topic, offset["partition"], offset["offset"])] = line

    def objects(self) -> dict[str, bytes]:
        out = {}
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        for page in pages:
            for item in page.get("Contents", []):
                out[item["Key"]] = self.s3.get_object(Bucket=self.bucket, Key=item["Key"])[
                    "Body"
                ].read()
        return out

    def landed(self) -> dict[tuple[str, int, int], bytes]:
        """Every line in S3 by (topic, partition, offset); fails on a record in two objects."""
        found: dict[tuple[str, int, int], bytes] = {}
        for key, body in self.objects().items():
            match = re.fullmatch(r"topics/([^/]+)/partition=(\d+)/\1\+\2\+(\d{10})\.json", key)
            assert match, f"unexpected key {key}"
            topic, partition, start = match.group(1), int(match.group(2)), int(match.group(3))
            for i, line in enumerate(body.splitlines(keepends=True)):
                where = (topic, partition, start + i)
                assert where not in found, f"record {where} is in two objects"
                found[where] = line
        return found

    def wait_all_landed(self, timeout: float) -> dict[tuple[str, int, int], bytes]:
        deadline = time.monotonic() + timeout
        while True:
            landed = self.landed()
            if len(landed) >= len(self.sent) or time.monotonic() > deadline:
                return landed
            time.sleep(0.5)


def wait_for(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def run(stack: Any, tmp_path: Path) -> Iterator[Run]:
    r = Run(stack, tmp_path)
    r.create()
    yield r
    r.delete()


def test_records_land_byte_equal_under_their_keys(run: Run) -> None:
    sink = run.start_sink(flush=50, rotate_ms=1000)
    for topic in run.topics:
        for start in range(0, 300, 100):
            run.produce(topic, start, 100)
    landed = run.wait_all_landed(timeout=60)
    assert landed == run.sent  # the same records, byte for byte, at their offsets
    keys = run.objects()
    full = [k for k, body in keys.items() if body.count(b"\n") == 50]
    assert len(full) >= len(keys) - len(run.topics) * PARTITIONS  # rotation cuts at most the tail
    sink.send_signal(signal.SIGTERM)
    assert sink.wait(30) == 0


def test_kill_9_mid_run_then_restart_loses_and_duplicates_nothing(run: Run) -> None:
    sink = run.start_sink(flush=7, rotate_ms=300)
    for start in range(0, 200, 20):
        for topic in run.topics:
            run.produce(topic, start, 20)
        time.sleep(0.05)
    wait_for(lambda: len(run.objects()) >= 5, 30, "the first objects")
    sink.kill()  # SIGKILL: no flush, no commit, no goodbye
    sink.wait(10)
    for start in range(200, 300, 20):
        for topic in run.topics:
            run.produce(topic, start, 20)
    run.start_sink(flush=5, rotate_ms=700)  # other cuts after the restart, on purpose
    landed = run.wait_all_landed(timeout=60)
    assert landed == run.sent
