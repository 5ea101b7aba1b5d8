"""The local stack for integration tests: started once per pytest session, or reused.

`stack` runs `python -m devstack up` (idempotent: a running stack is reused as is). At the end
of the session it stops only the services this session started, checks that none of their
processes survived and that their ports are free, and fails the run otherwise.
Set DEVSTACK_KEEP=1 to leave a stack this session started running (faster local iterations).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

from contracts.names import TABLES, Names
from devstack import proc, resources
from devstack.config import REPO_ROOT, Settings
from devstack.kafka_admin import admin as kafka_admin
from devstack.services.s3_sink import S3Sink
from devstack.stack import services
from jobs.common.locations import to_uri
from jobs.common.tables import Tables
from jobs.streaming.job import StreamConfig

UP_TIMEOUT = 1800  # a cold `up` installs LocalStack and resolves Kafka's jars


@dataclass
class Stack:
    """What a test needs to talk to the running stack."""

    env: dict[str, str]
    names: Names
    started_here: list[str] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return self.env["API_URL"]

    @property
    def api_key(self) -> str:
        return self.env["API_KEY"]

    @property
    def headers(self) -> dict[str, str]:
        return {"x-api-key": self.api_key}

    @property
    def rest_proxy_url(self) -> str:
        return Settings.from_env().rest_proxy_uri

    @property
    def bucket(self) -> str:
        return self.env["DATA_BUCKET"]

    @property
    def aws_endpoint(self) -> str:
        return self.env["AWS_ENDPOINT_URL"]

    @property
    def kafka_bootstrap(self) -> str:
        return self.env["KAFKA_BOOTSTRAP"]

    def aws(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.aws_endpoint,
            region_name=self.env["AWS_REGION"],
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
        )

    def stream_config(self, names: Names, folder: Path) -> StreamConfig:
        """The streaming job on this stack's streams, its tables and checkpoints under folder."""
        return StreamConfig(
            names=names,
            streams=TABLES,
            checkpoints=to_uri(str(folder / "checkpoints")),
            tables=Tables(output=to_uri(str(folder / "tables"))),
            initial_position="earliest",
            region=self.env["AWS_REGION"],
            endpoint=self.aws_endpoint,
            # The source runs in Spark's Python workers, which do not see the test's environment.
            credentials={
                "awsAccessKey": self.env["AWS_ACCESS_KEY_ID"],
                "awsSecretKey": self.env["AWS_SECRET_ACCESS_KEY"],
            },
        )


def devstack(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the devstack CLI as a user would; output captured."""
    return subprocess.run(
        [sys.executable, "-m", "devstack", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def parse_exports(text: str) -> dict[str, str]:
    """`export NAME=value` lines (as `devstack env` prints them) to a dict, via the shell."""
    script = f"{text}\nenv -0"
    out = subprocess.run(
        ["bash", "-c", script], capture_output=True, check=True, env={"PATH": os.environ["PATH"]}
    ).stdout.decode()
    names = {line.split("=", 1)[0].split()[-1] for line in text.splitlines() if "=" in line}
    pairs = (item.split("=", 1) for item in out.split("\0") if "=" in item)
    return {k: v for k, v in pairs if k in names}


@pytest.fixture(scope="session")
def devstack_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`devstack_cli("status")` runs `python -m devstack status` (output captured)."""
    return devstack


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    settings = Settings.from_env()
    before = {s.name for s in services(settings) if proc.alive(s.pidfile)}
    started = time.monotonic()
    up = devstack("up", timeout=UP_TIMEOUT)
    if up.returncode != 0:
        pytest.fail(f"`devstack up` failed:\n{up.stderr[-4000:]}", pytrace=False)
    print(f"\n[stack] up in {time.monotonic() - started:.1f}s", file=sys.stderr)
    env = devstack("env")
    assert env.returncode == 0, env.stderr
    after = [s for s in services(settings) if proc.alive(s.pidfile)]
    fresh = [s for s in after if s.name not in before]
    yield Stack(parse_exports(env.stdout), settings.names, [s.name for s in fresh])
    if fresh and os.environ.get("DEVSTACK_KEEP") != "1":
        _stop_and_check(fresh, every=len(fresh) == len(after) and not before)


def _stop_and_check(fresh: list[Any], every: bool) -> None:
    """Stop what this session started (with `devstack down` when that is the whole stack);
    fail if any of its processes or ports survive."""
    tree: dict[int, int] = {}
    for service in fresh:
        rec = proc.alive(service.pidfile)
        if rec is None:
            continue
        for pid in [rec.pid, *proc.descendants(rec.pid)]:
            ticks = proc.start_ticks(pid)
            if ticks is not None:
                tree[pid] = ticks
    if every:
        down = devstack("down", timeout=180)
        assert down.returncode == 0, down.stderr
    else:
        for service in reversed(fresh):
            proc.stop(service.pidfile)
    survivors = [pid for pid, ticks in tree.items() if proc.is_running(pid, ticks)]
    busy = [p for s in fresh for p in s.ports if _listening(p)]
    assert not survivors, f"processes left after stopping the stack: {survivors}"
    assert not busy, f"ports still listening after stopping the stack: {busy}"


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Pipeline:
    """A throwaway pipeline id on the shared stack: its own topics, streams, bucket and sink."""

    settings: Settings
    sink: S3Sink

    @property
    def names(self) -> Names:
        return self.settings.names

    def start_sink(self) -> proc.PidRecord:
        return proc.launch(
            self.sink.command(),
            pidfile=self.sink.pidfile,
            log=self.sink.log,
            env=self.sink.env(),
            cwd=REPO_ROOT,
        )

    def wait_sink(self, timeout: float = 60) -> None:
        proc.wait_healthy(
            "test s3_sink",
            self.sink.healthy,
            timeout=timeout,
            pidfile=self.sink.pidfile,
            log=self.sink.log,
        )


@pytest.fixture
def pipeline(stack: Stack, tmp_path: Any) -> Iterator[Pipeline]:
    """Isolated from other tests and users of the stack, so counts can be exact."""
    names = Names(f"it{secrets.token_hex(5)}")
    settings = Settings(
        home=tmp_path / "devstack",
        names=names,
        partitions=3,
        shards=2,
        timeout=120,
        flush_size=100,
        rotate_ms=1500,
    )
    sink = S3Sink(settings)
    sink.name = "s3_sink_test"  # its own pidfile and log under tmp_path
    sink.connector = f"test-{names.pipeline_id}"  # its own consumer group
    _scaffold(settings, stack)
    yield Pipeline(settings, sink)
    proc.stop(sink.pidfile, grace=10)
    _drop(settings, stack)


def _scaffold(settings: Settings, stack: Stack) -> None:
    """The throwaway pipeline's bucket and streams (test scaffolding, made with boto3: the shared
    stack's own resources come from Terraform) and its topics (devstack creates topics)."""
    names = settings.names
    stack.aws("s3").create_bucket(Bucket=names.bucket)
    kinesis = stack.aws("kinesis")
    for stream in names.streams:
        kinesis.create_stream(StreamName=stream, ShardCount=settings.shards)
    waiter = kinesis.get_waiter("stream_exists")
    for stream in names.streams:
        waiter.wait(StreamName=stream, WaiterConfig={"Delay": 0.5, "MaxAttempts": 120})
    resources.ensure_topics(settings)


def _drop(settings: Settings, stack: Stack) -> None:
    """Leave the shared stack as it was: delete the pipeline's topics, streams and bucket."""
    names = settings.names
    admin = kafka_admin(settings.kafka_bootstrap)  # keep it alive until the futures resolve
    for future in admin.delete_topics(names.topics, request_timeout=15).values():
        future.result(timeout=20)
    kinesis = stack.aws("kinesis")
    for stream in names.streams:
        kinesis.delete_stream(StreamName=stream, EnforceConsumerDeletion=True)
    s3 = stack.aws("s3")
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=names.bucket):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=names.bucket, Delete={"Objects": keys})
    s3.delete_bucket(Bucket=names.bucket)
