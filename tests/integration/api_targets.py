"""Throwaway targets for the bad-input and fuzz tests: a topic and a stream of their own.

The sink only reads the pipeline's three topics and the jobs only its three streams, so nothing
sent here reaches the pipeline's data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic


@dataclass(frozen=True)
class FuzzTargets:
    api_url: str
    api_key: str
    rest_proxy_url: str
    bootstrap: str
    topic: str
    stream: str

    @property
    def api_headers(self) -> dict[str, str]:
        return {"x-api-key": self.api_key} if self.api_key else {}


def make_targets(stack: Any) -> FuzzTargets:
    pipeline_id = stack.names.pipeline_id
    targets = FuzzTargets(
        api_url=stack.api_url,
        api_key=stack.api_key or "",
        rest_proxy_url=stack.rest_proxy_url,
        bootstrap=stack.kafka_bootstrap,
        topic=f"fuzz-{pipeline_id}",
        stream=f"fuzz-{pipeline_id}",
    )
    _ensure_topic(targets)
    _ensure_stream(stack.aws("kinesis"), targets.stream)
    return targets


def _ensure_topic(t: FuzzTargets) -> None:
    admin = AdminClient({"bootstrap.servers": t.bootstrap})
    if t.topic not in admin.list_topics(timeout=10).topics:
        try:
            admin.create_topics([NewTopic(t.topic, 1, 1)])[t.topic].result(timeout=30)
        except KafkaException as exc:
            if "TOPIC_ALREADY_EXISTS" not in str(exc):
                raise
    # The proxy caches topic metadata for a few seconds: wait until it knows the topic.
    deadline = time.monotonic() + 30
    while requests.get(f"{t.rest_proxy_url}/topics/{t.topic}", timeout=10).status_code != 200:
        assert time.monotonic() < deadline, f"REST proxy does not see topic {t.topic}"
        time.sleep(0.5)


def _ensure_stream(kinesis: Any, name: str) -> None:
    if name not in kinesis.list_streams()["StreamNames"]:
        kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(
        StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )


def assert_services_up(t: FuzzTargets) -> None:
    """After the abuse: each service still answers, and a good record still goes through."""
    assert requests.get(f"{t.rest_proxy_url}/health", timeout=10).status_code == 200
    good = {"records": [{"value": {"ok": True}}]}
    resp = requests.post(
        f"{t.api_url}/topics/{t.topic}",
        json=good,
        headers={**t.api_headers, "Content-Type": "application/vnd.kafka.json.v2+json"},
        timeout=30,
    )
    assert resp.status_code == 200, resp.text
    resp = requests.put(
        f"{t.api_url}/streams/{t.stream}/record",
        json={"Data": {"ok": True}, "PartitionKey": "k"},
        headers=t.api_headers,
        timeout=30,
    )
    assert resp.status_code == 200, resp.text
