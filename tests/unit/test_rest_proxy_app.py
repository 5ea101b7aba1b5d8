"""REST proxy HTTP layer: every status and error body, with a fake producer (no broker).

The fake stands in for Kafka only; everything else (routing, limits, logging) is the real app.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from fastapi.testclient import TestClient

from devstack.rest_proxy.app import ProxySettings, create_app, strip_prefix
from devstack.rest_proxy.backend import Delivery, PartitionInfo, TopicInfo
from devstack.rest_proxy.payload import RESPONSE_TYPE, OutRecord

JSON_TYPE = "application/vnd.kafka.json.v2+json"
TOPIC = "0a1b2c3d4e5f.pin"


class FakeBackend:
    """Topics with 3 partitions; produce assigns offsets per partition or returns set errors."""

    def __init__(self) -> None:
        self.topics = {TOPIC: 3}
        self.produced: list[tuple[str, OutRecord]] = []
        self.errors: dict[int, Delivery] = {}  # record index -> failure
        self.raise_on_produce: Exception | None = None
        self.down = False
        self.closed = False

    async def topic(self, name: str) -> TopicInfo | None:
        if name not in self.topics:
            return None
        parts = tuple(PartitionInfo(p, 1, (1,), (1,)) for p in range(self.topics[name]))
        return TopicInfo(name, parts)

    async def topic_names(self) -> list[str]:
        return sorted(self.topics)

    async def topic_configs(self, name: str) -> dict[str, str]:
        return {"cleanup.policy": "delete"}

    async def produce(self, topic: str, records: Sequence[OutRecord]) -> list[Delivery]:
        if self.raise_on_produce:
            raise self.raise_on_produce
        out = []
        for i, record in enumerate(records):
            if i in self.errors:
                out.append(self.errors[i])
                continue
            self.produced.append((topic, record))
            out.append(Delivery(record.partition or 0, len(self.produced) - 1))
        return out

    async def ping(self) -> None:
        if self.down:
            raise ConnectionError("broker 127.0.0.1:9092 unreachable")

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def client(backend: FakeBackend) -> Iterator[TestClient]:
    app = create_app(backend, ProxySettings(max_body_bytes=1000))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def post(client: TestClient, path: str, payload: object, ctype: str = JSON_TYPE) -> Any:
    return client.post(path, content=json.dumps(payload), headers={"Content-Type": ctype})


def assert_error(resp: Any, status: int, code: int) -> None:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == RESPONSE_TYPE
    body = resp.json()
    assert set(body) >= {"error_code", "message"}
    assert body["error_code"] == code and body["message"]


def test_produce_answers_offsets_after_every_record(
    client: TestClient, backend: FakeBackend
) -> None:
    resp = post(client, f"/topics/{TOPIC}", {"records": [{"value": {"a": 1}}, {"value": 2}]})
    assert resp.status_code == 200
    assert resp.headers["content-type"] == RESPONSE_TYPE
    assert resp.json() == {
        "key_schema_id": None,
        "value_schema_id": None,
        "offsets": [
            {"partition": 0, "offset": 0, "error_code": None, "error": None},
            {"partition": 0, "offset": 1, "error_code": None, "error": None},
        ],
    }
    assert [r.value for _, r in backend.produced] == [b'{"a":1}', b"2"]


def test_produce_to_partition(client: TestClient, backend: FakeBackend) -> None:
    resp = post(client, f"/topics/{TOPIC}/partitions/2", {"records": [{"value": 1}]})
    assert resp.status_code == 200
    assert backend.produced[0][1].partition == 2


def test_partial_failure_is_200_with_per_record_errors(
    client: TestClient, backend: FakeBackend
) -> None:
    backend.errors[1] = Delivery(error_code=50003, error="REQUEST_TIMED_OUT: timed out")
    resp = post(client, f"/topics/{TOPIC}", {"records": [{"value": 1}, {"value": 2}]})
    assert resp.status_code == 200
    offsets = resp.json()["offsets"]
    assert offsets[0]["error_code"] is None
    assert offsets[1] == {
        "partition": None,
        "offset": None,
        "error_code": 50003,
        "error": "REQUEST_TIMED_OUT: timed out",
    }


def test_total_failure_is_500_kafka_error(client: TestClient, backend: FakeBackend) -> None:
    backend.errors[0] = Delivery(error_code=50002, error="MSG_SIZE_TOO_LARGE: too large")
    resp = post(client, f"/topics/{TOPIC}", {"records": [{"value": 1}]})
    assert_error(resp, 500, 50002)
    assert resp.json()["offsets"][0]["error_code"] == 50002


def test_unknown_topic_404_40401(client: TestClient) -> None:
    assert_error(post(client, "/topics/nope", {"records": [{"value": 1}]}), 404, 40401)
    assert_error(client.get("/topics/nope"), 404, 40401)


@pytest.mark.parametrize(
    ("path", "records"),
    [
        (f"/topics/{TOPIC}/partitions/3", [{"value": 1}]),
        (f"/topics/{TOPIC}", [{"value": 1}, {"value": 2, "partition": 7}]),
    ],
)
def test_unknown_partition_404_40402(
    client: TestClient, backend: FakeBackend, path: str, records: list[object]
) -> None:
    assert_error(post(client, path, {"records": records}), 404, 40402)
    assert backend.produced == []  # the request is refused whole, nothing half-produced


def test_non_numeric_partition_is_404(client: TestClient) -> None:
    assert_error(post(client, f"/topics/{TOPIC}/partitions/x", {"records": []}), 404, 404)


@pytest.mark.parametrize("ctype", ["application/json", "application/vnd.kafka.v2+json", ""])
def test_unsupported_content_type_415(client: TestClient, ctype: str) -> None:
    assert_error(post(client, f"/topics/{TOPIC}", {"records": [{"value": 1}]}, ctype), 415, 415)


@pytest.mark.parametrize(
    "raw", [b"{not json", b'{"records": []}', b'{"records": [{"value": 1, "x": 2}]}', b"\xc3("]
)
def test_malformed_body_422(client: TestClient, raw: bytes) -> None:
    resp = client.post(f"/topics/{TOPIC}", content=raw, headers={"Content-Type": JSON_TYPE})
    assert_error(resp, 422, 422)


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"records": [{"key": "k", "value": 1}], "value_schema_id": 3}, 42201),
        ({"records": [{"value": 1}]}, 42202),
    ],
)
def test_schema_errors_422(client: TestClient, payload: object, code: int) -> None:
    resp = post(client, f"/topics/{TOPIC}", payload, "application/vnd.kafka.avro.v2+json")
    assert_error(resp, 422, code)


def test_body_over_limit_by_content_length_413(client: TestClient) -> None:
    resp = post(client, f"/topics/{TOPIC}", {"records": [{"value": "x" * 2000}]})
    assert_error(resp, 413, 413)


def test_body_over_limit_when_streamed_413(client: TestClient, backend: FakeBackend) -> None:
    chunks = iter([b'{"records": [{"value": "', b"x" * 600, b"x" * 600, b'"}]}'])
    resp = client.post(f"/topics/{TOPIC}", content=chunks, headers={"Content-Type": JSON_TYPE})
    assert "content-length" not in resp.request.headers  # sent chunked: the stream is counted
    assert_error(resp, 413, 413)
    assert backend.produced == []


@pytest.mark.parametrize(
    ("method", "path"),
    [("DELETE", f"/topics/{TOPIC}"), ("PUT", f"/topics/{TOPIC}"), ("POST", "/topics")],
)
def test_wrong_method_405(client: TestClient, method: str, path: str) -> None:
    assert_error(client.request(method, path), 405, 405)


def test_unknown_path_404(client: TestClient) -> None:
    assert_error(client.get("/consumers/x"), 404, 404)


def test_unexpected_exception_is_json_500_and_one_log_line(
    client: TestClient, backend: FakeBackend, caplog: pytest.LogCaptureFixture
) -> None:
    backend.raise_on_produce = RuntimeError("boom")
    with caplog.at_level(logging.INFO, logger="devstack.rest_proxy"):
        resp = post(client, f"/topics/{TOPIC}", {"records": [{"value": 1}]})
    assert_error(resp, 500, 50001)
    assert "Traceback" not in resp.text
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "boom" in errors[0].exc_text  # type: ignore[operator]


def test_kafka_exception_is_500_50002(client: TestClient, backend: FakeBackend) -> None:
    from confluent_kafka import KafkaException

    backend.raise_on_produce = KafkaException("broker down")
    assert_error(post(client, f"/topics/{TOPIC}", {"records": [{"value": 1}]}), 500, 50002)


def test_access_log_fields(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="devstack.rest_proxy"):
        post(client, f"/topics/{TOPIC}", {"records": [{"value": 1}, {"value": 2}]})
    line = next(r for r in caplog.records if r.getMessage() == "request")
    fields = line.fields  # type: ignore[attr-defined]
    assert fields["method"] == "POST" and fields["path"] == f"/topics/{TOPIC}"
    assert fields["status"] == 200 and fields["records"] == 2
    assert fields["duration_ms"] >= 0


def test_list_and_describe_topics(client: TestClient) -> None:
    assert client.get("/topics").json() == [TOPIC]
    described = client.get(f"/topics/{TOPIC}").json()
    assert described["name"] == TOPIC and described["configs"] == {"cleanup.policy": "delete"}
    assert [p["partition"] for p in described["partitions"]] == [0, 1, 2]
    assert described["partitions"][0]["replicas"] == [
        {"broker": 1, "leader": True, "in_sync": True}
    ]


def test_health(client: TestClient, backend: FakeBackend) -> None:
    assert client.get("/health").status_code == 200
    backend.down = True
    assert_error(client.get("/health"), 503, 50002)


def test_gateway_prefix_is_stripped(client: TestClient, backend: FakeBackend) -> None:
    resp = post(client, f"/dev/topics/{TOPIC}", {"records": [{"value": 1}]})
    assert resp.status_code == 200 and len(backend.produced) == 1


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/topics", "/topics"),
        ("/topics/t", "/topics/t"),
        ("/topics/topics", "/topics/topics"),
        ("/topics/t/partitions/1", "/topics/t/partitions/1"),
        ("/dev/topics/t", "/topics/t"),
        ("/restapis/abc/dev/_user_request_/topics/t/partitions/0", "/topics/t/partitions/0"),
        ("/health", "/health"),
        ("/dev/other", "/dev/other"),
    ],
)
def test_strip_prefix(path: str, expected: str) -> None:
    assert strip_prefix(path) == expected


def test_shutdown_closes_the_producer(backend: FakeBackend) -> None:
    with TestClient(create_app(backend)):
        assert not backend.closed
    assert backend.closed
