"""REST proxy pieces around the producer that need no broker: metadata cache, config, CLI."""

from __future__ import annotations

import asyncio

import pytest

from devstack.rest_proxy.__main__ import parse_args
from devstack.rest_proxy.backend import MetadataCache, TopicInfo, producer_config


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_metadata_is_cached_for_ttl_and_refreshed_on_a_miss() -> None:
    clock = Clock()
    fetched: list[float] = []
    known = {"a": TopicInfo("a", ())}

    def fetch() -> dict[str, TopicInfo]:
        fetched.append(clock.now)
        return dict(known)

    cache = MetadataCache(fetch, ttl=5.0, miss_interval=1.0, clock=clock)

    async def scenario() -> None:
        assert await cache.topic("a") is not None
        clock.now = 0.5
        assert await cache.topic("b") is None  # a miss, but the snapshot is younger than 1 s
        assert fetched == [0.0]
        known["b"] = TopicInfo("b", ())
        clock.now = 1.5
        assert await cache.topic("b") is not None  # a miss refreshes: just-created topic found
        clock.now = 3.0
        await cache.topic("a")
        assert fetched == [0.0, 1.5]  # a hit within the TTL does not refetch
        clock.now = 7.0
        await cache.topic("a")
        assert fetched == [0.0, 1.5, 7.0]

    asyncio.run(scenario())


def test_producer_waits_for_all_replicas_and_is_idempotent() -> None:
    conf = producer_config("127.0.0.1:9092", 20000)
    assert conf["acks"] == "all" and conf["enable.idempotence"] is True
    assert conf["partitioner"] == "murmur2_random"  # the Java client's, as Confluent's proxy


def test_cli_defaults_bind_loopback() -> None:
    args = parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 8082)


@pytest.mark.parametrize("argv", [["--port", "x"], ["--max-body-bytes", "0"], ["--nope"]])
def test_cli_rejects_bad_arguments(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        parse_args(argv)
    assert caught.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_cli_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        parse_args(["--help"])
    assert caught.value.code == 0
    assert "--bootstrap" in capsys.readouterr().out


def test_json_log_lines() -> None:
    import json
    import logging
    import sys

    from devstack.jsonlog import JsonFormatter

    try:
        raise ValueError("bad")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "request", (), exc_info)
    record.fields = {"status": 500, "path": "/topics/t"}
    line = JsonFormatter().format(record)
    assert "\n" not in line  # one line: the traceback is escaped inside a field
    doc = json.loads(line)
    assert doc["level"] == "error" and doc["msg"] == "request" and doc["status"] == 500
    assert doc["ts"].endswith("+00:00") and "ValueError: bad" in doc["exc"]
