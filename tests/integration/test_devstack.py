"""The local stack as a user sees it: health, env, loopback binding, the API Gateway contract."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from devstack import proc
from devstack.config import KAFKA_PORT, LOCALSTACK_PORT, Settings
from devstack.services.localstack import kinesis_engine
from devstack.stack import services

pytestmark = pytest.mark.integration

KAFKA_JSON = "application/vnd.kafka.json.v2+json"
Cli = Callable[..., subprocess.CompletedProcess[str]]


def test_status_reports_every_service_healthy_and_what_flows(stack: Any, devstack_cli: Cli) -> None:
    result = devstack_cli("status", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("localstack", "kafka", "rest_proxy", "s3_sink"):
        assert re.search(rf"^{name}\s+healthy\s+\d+", result.stdout, re.M), result.stdout
    for topic in stack.names.topics:
        assert re.search(rf"^\s+{re.escape(topic)}\s+total=\d+\s+p0=\d+", result.stdout, re.M)
    for topic in stack.names.topics:
        assert re.search(rf"topics/{re.escape(topic)}/\s+objects=\d+\s+records=\d+", result.stdout)
    for stream in stack.names.streams:
        assert re.search(rf"{stream}\s+shards=\d+\s+records=\d+", result.stdout)
    assert stack.api_url in result.stdout


def test_env_prints_evaluable_exports_for_the_running_stack(stack: Any, devstack_cli: Cli) -> None:
    result = devstack_cli("env")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert all(re.match(r"^export [A-Z_]+=\S+$", line) for line in lines), lines
    env = stack.env
    aws = f"http://127.0.0.1:{LOCALSTACK_PORT}"
    assert re.fullmatch(rf"{re.escape(aws)}/_aws/execute-api/[a-z0-9]+/dev", env["API_URL"])
    assert env["AWS_ENDPOINT_URL"] == aws
    assert env["KAFKA_BOOTSTRAP"] == f"127.0.0.1:{KAFKA_PORT}"
    assert env["DATA_BUCKET"] == stack.names.bucket
    assert env["KAFKA_TOPICS"].split(",") == stack.names.topics
    assert env["KINESIS_STREAMS"].split(",") == stack.names.streams
    assert len(env["API_KEY"]) >= 20
    # The API key in env is the one the gateway accepts.
    ok = requests.get(f"{env['API_URL']}/streams", headers=stack.headers, timeout=30)
    assert ok.status_code == 200, ok.text


def test_second_up_is_a_no_op(stack: Any, devstack_cli: Cli) -> None:
    settings = Settings.from_env()
    pids = {s.name: proc.read_pidfile(s.pidfile) for s in services(settings)}
    started = time.monotonic()
    result = devstack_cli("up", timeout=300)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("already running") == 4, result.stderr
    assert "unchanged" in result.stderr and "created" not in result.stderr
    assert stack.api_url in result.stdout
    assert {s.name: proc.read_pidfile(s.pidfile) for s in services(settings)} == pids
    assert elapsed < 60


def _listening_sockets(pid: int) -> list[str]:
    """Local addresses of the LISTEN sockets that process `pid` holds."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink().as_posix()
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            cols = line.split()
            if cols[3] == "0A" and cols[9] in inodes:  # 0A = LISTEN
                found.append(cols[1])
    return found


LOOPBACK_HEX = {"0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"}


def test_every_process_of_the_stack_listens_on_loopback_only(stack: Any) -> None:
    settings = Settings.from_env()
    checked = 0
    for service in services(settings):
        rec = proc.alive(service.pidfile)
        assert rec is not None, f"{service.name} is not running"
        for pid in [rec.pid, *proc.descendants(rec.pid)]:
            for address in _listening_sockets(pid):
                host = address.split(":")[0]
                assert host in LOOPBACK_HEX, f"{service.name} pid {pid} listens on {address}"
                checked += 1
    # LocalStack, Kafka (two), the REST proxy at least; kinesis-mock's node process adds two.
    assert checked >= (6 if kinesis_engine() == "kinesis-mock" else 4)


def test_every_method_needs_the_api_key(stack: Any) -> None:
    for method, path in [("GET", "/streams"), ("POST", f"/topics/{stack.names.topic('pin')}")]:
        r = requests.request(method, stack.api_url + path, timeout=30)
        assert r.status_code == 403, (path, r.status_code, r.text)
        wrong = requests.request(
            method, stack.api_url + path, headers={"x-api-key": "0" * 32}, timeout=30
        )
        assert wrong.status_code == 403, (path, wrong.status_code, wrong.text)


def test_unknown_topic_is_404_40401_through_the_gateway(stack: Any) -> None:
    r = requests.post(
        f"{stack.api_url}/topics/{stack.names.pipeline_id}.nosuchtopic",
        headers={**stack.headers, "Content-Type": KAFKA_JSON},
        data=json.dumps({"records": [{"value": {"a": 1}}]}),
        timeout=30,
    )
    assert r.status_code == 404, r.text
    assert r.json()["error_code"] == 40401


def test_post_to_a_topic_through_the_gateway_is_acknowledged(stack: Any) -> None:
    r = requests.post(
        f"{stack.api_url}/topics/{stack.names.topic('geo')}",
        headers={**stack.headers, "Content-Type": KAFKA_JSON},
        data=json.dumps({"records": [{"value": {"ind": -1, "probe": "devstack test"}}]}),
        timeout=30,
    )
    assert r.status_code == 200, r.text
    (offset,) = r.json()["offsets"]
    assert offset["error_code"] is None and offset["offset"] >= 0


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("record", {"PartitionKey": "1"}),
        ("record", {"Data": {"ind": 1}}),
        ("records", {"Records": [{"Data": {"ind": 1}}]}),
        ("records", {"Records": [{"PartitionKey": "1"}]}),
        ("records", {"Records": []}),
    ],
)
def test_stream_body_without_data_or_key_is_400_at_the_gateway(
    stack: Any, route: str, body: dict[str, object]
) -> None:
    stream = stack.names.stream("user")
    r = requests.put(
        f"{stack.api_url}/streams/{stream}/{route}",
        headers={**stack.headers, "Content-Type": "application/json"},
        data=json.dumps(body),
        timeout=30,
    )
    assert r.status_code == 400, r.text
    # The gateway's validator answered; Kinesis never saw the request.
    assert r.json() == {"message": "Invalid request body"}


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("PUT", "/record", {"Data": {"ind": 1}, "PartitionKey": "1"}),
        ("PUT", "/records", {"Records": [{"Data": {"ind": 1}, "PartitionKey": "1"}]}),
        ("GET", "", None),
        ("DELETE", "", None),
    ],
)
def test_kinesis_errors_are_4xx_not_200(
    stack: Any, method: str, suffix: str, body: dict[str, object] | None
) -> None:
    r = requests.request(
        method,
        f"{stack.api_url}/streams/streaming-{stack.names.pipeline_id}-nosuchstream{suffix}",
        headers={**stack.headers, "Content-Type": "application/json"},
        data=json.dumps(body) if body is not None else None,
        timeout=30,
    )
    assert r.status_code == 400, r.text
    assert r.json()["__type"] == "ResourceNotFoundException"


def test_stream_routes_store_data_as_its_json_text(stack: Any) -> None:
    stream = stack.names.stream("pin")
    kinesis = stack.aws("kinesis")
    rows = [{"index": -(i + 1), "title": f'probé "{i}"', "n": i} for i in range(3)]
    key = 'a "quoted" \\ key\'s'  # must not break the mapping template's JSON
    single = requests.put(
        f"{stack.api_url}/streams/{stream}/record",
        headers={**stack.headers, "Content-Type": "application/json"},
        data=json.dumps({"StreamName": stream, "Data": rows[0], "PartitionKey": key}),
        timeout=30,
    )
    assert single.status_code == 200, single.text
    many = requests.put(
        f"{stack.api_url}/streams/{stream}/records",
        headers={**stack.headers, "Content-Type": "application/json"},
        data=json.dumps(
            {"StreamName": stream, "Records": [{"Data": r, "PartitionKey": key} for r in rows[1:]]}
        ),
        timeout=60,
    )
    assert many.status_code == 200 and many.json()["FailedRecordCount"] == 0, many.text
    entries = [single.json(), *many.json()["Records"]]
    for entry, row in zip(entries, rows, strict=True):
        iterator = kinesis.get_shard_iterator(
            StreamName=stream,
            ShardId=entry["ShardId"],
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            StartingSequenceNumber=entry["SequenceNumber"],
        )["ShardIterator"]
        (record, *_) = kinesis.get_records(ShardIterator=iterator, Limit=1)["Records"]
        assert record["SequenceNumber"] == entry["SequenceNumber"]
        assert json.loads(record["Data"]) == row
        assert record["PartitionKey"] == key


def test_cli_errors_are_one_line(stack: Any, devstack_cli: Cli) -> None:
    bad = devstack_cli("logs", "nosuchservice")
    assert bad.returncode == 1
    assert bad.stderr.strip().count("\n") == 0 and "unknown service" in bad.stderr
