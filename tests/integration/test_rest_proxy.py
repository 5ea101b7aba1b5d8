"""REST proxy against the local stack's Kafka: acknowledged produce, bytes as sent, errors.

Each test module works on its own fresh topics, so it never disturbs the pipeline's topics.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

pytestmark = pytest.mark.integration

JSON_TYPE = "application/vnd.kafka.json.v2+json"
BINARY_TYPE = "application/vnd.kafka.binary.v2+json"


@pytest.fixture(scope="module")
def topic(stack: Any) -> Iterator[str]:
    name = f"it-proxy-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": stack.kafka_bootstrap})
    admin.create_topics([NewTopic(name, 3, 1)])[name].result(timeout=30)
    wait_until_proxy_knows(stack.rest_proxy_url, name)
    yield name
    admin.delete_topics([name])[name].result(timeout=30)


def wait_until_proxy_knows(proxy_url: str, topic: str) -> None:
    """The proxy caches metadata briefly; a topic created a moment ago may be a 404 for ~1 s."""
    deadline = time.monotonic() + 30
    while requests.get(f"{proxy_url}/topics/{topic}", timeout=10).status_code != 200:
        assert time.monotonic() < deadline, f"the REST proxy never saw topic {topic}"
        time.sleep(0.2)


def post(url: str, payload: object, ctype: str = JSON_TYPE) -> requests.Response:
    body = json.dumps(payload).encode()
    return requests.post(url, data=body, headers={"Content-Type": ctype}, timeout=30)


def read_back(bootstrap: str, topic: str, partition: int, offsets: list[int]) -> dict[int, Any]:
    """The records stored at `offsets` of one partition: (key, value) by offset."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"it-{uuid.uuid4().hex}",
            "enable.auto.commit": False,
        }
    )
    consumer.assign([TopicPartition(topic, partition, min(offsets))])
    found: dict[int, Any] = {}
    try:
        for _ in range(100):
            for msg in consumer.consume(100, timeout=0.5):
                assert msg.error() is None, msg.error()
                found[msg.offset()] = (msg.key(), msg.value())
            if all(o in found for o in offsets):
                return {o: found[o] for o in offsets}
    finally:
        consumer.close()
    raise AssertionError(f"offsets {offsets} of {topic}[{partition}] not readable")


def test_json_records_are_stored_byte_for_byte(stack: Any, topic: str) -> None:
    values = [{"ind": i, "title": "Café ☕", "ratio": 0.25, "tags": "a,b"} for i in range(20)]
    resp = post(
        f"{stack.rest_proxy_url}/topics/{topic}", {"records": [{"value": v} for v in values]}
    )
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"] == "application/vnd.kafka.v2+json"
    body = resp.json()
    assert body["key_schema_id"] is None and body["value_schema_id"] is None
    offsets = body["offsets"]
    assert len(offsets) == 20 and all(o["error_code"] is None for o in offsets)
    expected = {
        (o["partition"], o["offset"]): json.dumps(v, ensure_ascii=False, separators=(",", ":"))
        for o, v in zip(offsets, values, strict=True)
    }
    for partition in {p for p, _ in expected}:
        wanted = sorted(off for p, off in expected if p == partition)
        stored = read_back(stack.kafka_bootstrap, topic, partition, wanted)
        for off, (key, value) in stored.items():
            assert key is None
            assert value == expected[(partition, off)].encode("utf-8")


def test_keys_and_binary_format(stack: Any, topic: str) -> None:
    raw = b"\x00\x01binary\xff"
    records = [{"key": base64.b64encode(b"k").decode(), "value": base64.b64encode(raw).decode()}]
    resp = post(f"{stack.rest_proxy_url}/topics/{topic}", {"records": records * 3}, BINARY_TYPE)
    assert resp.status_code == 200, resp.text
    offsets = resp.json()["offsets"]
    assert len({o["partition"] for o in offsets}) == 1  # the same key, the same partition
    partition = offsets[0]["partition"]
    stored = read_back(stack.kafka_bootstrap, topic, partition, [o["offset"] for o in offsets])
    assert set(stored.values()) == {(b"k", raw)}


def test_produce_to_partition(stack: Any, topic: str) -> None:
    url = f"{stack.rest_proxy_url}/topics/{topic}/partitions/1"
    resp = post(url, {"records": [{"value": {"n": 1}}, {"value": {"n": 2}}]})
    assert resp.status_code == 200, resp.text
    assert [o["partition"] for o in resp.json()["offsets"]] == [1, 1]


@pytest.mark.parametrize(
    ("path", "payload", "ctype", "status", "code"),
    [
        ("/topics/it-proxy-missing", {"records": [{"value": 1}]}, JSON_TYPE, 404, 40401),
        ("/topics/{topic}/partitions/9", {"records": [{"value": 1}]}, JSON_TYPE, 404, 40402),
        ("/topics/{topic}", {"records": [{"value": 1}]}, "application/json", 415, 415),
        ("/topics/{topic}", {"records": []}, JSON_TYPE, 422, 422),
    ],
)
def test_errors(
    stack: Any, topic: str, path: str, payload: object, ctype: str, status: int, code: int
) -> None:
    resp = post(stack.rest_proxy_url + path.format(topic=topic), payload, ctype)
    assert resp.status_code == status, resp.text
    assert resp.json()["error_code"] == code


def test_list_and_describe(stack: Any, topic: str) -> None:
    names = requests.get(f"{stack.rest_proxy_url}/topics", timeout=10).json()
    assert topic in names and not any(n.startswith("__") for n in names)
    described = requests.get(f"{stack.rest_proxy_url}/topics/{topic}", timeout=10).json()
    assert [p["partition"] for p in described["partitions"]] == [0, 1, 2]
    assert described["configs"]["cleanup.policy"] == "delete"


def test_through_the_api_gateway(stack: Any, topic: str) -> None:
    """The gateway's {proxy+} HTTP_PROXY integration reaches the proxy with path and body intact."""
    headers = {"Content-Type": JSON_TYPE}
    if getattr(stack, "api_key", None):
        headers["x-api-key"] = stack.api_key
    url = f"{stack.api_url}/topics/{topic}"
    resp = requests.post(
        url, data=b'{"records":[{"value":{"via":"gateway"}}]}', headers=headers, timeout=30
    )
    assert resp.status_code == 200, resp.text
    (offset,) = resp.json()["offsets"]
    stored = read_back(stack.kafka_bootstrap, topic, offset["partition"], [offset["offset"]])
    assert stored[offset["offset"]] == (None, b'{"via":"gateway"}')
    missing = requests.post(
        f"{stack.api_url}/topics/it-proxy-missing",
        data=b'{"records":[{"value":1}]}',
        headers=headers,
        timeout=30,
    )
    assert missing.status_code == 404 and missing.json()["error_code"] == 40401
