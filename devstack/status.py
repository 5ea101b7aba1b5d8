"""`devstack status`: each service's health, and what flows through Kafka, S3 and Kinesis."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from confluent_kafka import ConsumerGroupTopicPartitions, TopicPartition
from confluent_kafka.admin import AdminClient, OffsetSpec

from devstack import proc, resources
from devstack.config import Settings
from devstack.kafka_admin import admin as kafka_admin
from devstack.services.base import Service
from devstack.services.s3_sink import GROUP_ID
from devstack.stack import services
from devstack.terraform import Terraform

Out = Callable[[str], None]


@dataclass(frozen=True)
class ServiceState:
    name: str
    state: str
    pid: int | None
    address: str

    @property
    def ok(self) -> bool:
        return self.state == "healthy"


def service_state(service: Service) -> ServiceState:
    rec = proc.alive(service.pidfile)
    try:
        healthy = bool(service.healthy())
    except Exception:
        healthy = False
    if rec and healthy:
        state = "healthy"
    elif rec:
        state = "unhealthy"
    else:
        state = "not ours, but answering" if healthy else "stopped"
    return ServiceState(service.name, state, rec.pid if rec else None, service.address)


def report(settings: Settings, out: Out) -> bool:
    """Print the status; True when every service is ours and healthy."""
    states = [service_state(s) for s in services(settings)]
    out(f"{'service':<12} {'state':<24} {'pid':>8}  address")
    for st in states:
        out(f"{st.name:<12} {st.state:<24} {st.pid or '-':>8}  {st.address}")
    by_name = {st.name: st for st in states}
    if by_name["localstack"].state != "stopped":
        _section(out, "API Gateway", lambda: _api(settings, out))
    if by_name["kafka"].state != "stopped":
        _section(out, "Kafka topics: end offsets (sink committed)", lambda: _kafka(settings, out))
    if by_name["localstack"].state != "stopped":
        _section(out, f"S3 s3://{settings.names.bucket}", lambda: _s3(settings, out))
        _section(out, "Kinesis streams", lambda: _kinesis(settings, out))
    return all(st.ok for st in states)


def _section(out: Out, title: str, body: Callable[[], None]) -> None:
    out("")
    out(title)
    try:
        body()
    except Exception as exc:  # status must report, never crash
        out(f"  unavailable: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")


def _api(settings: Settings, out: Out) -> None:
    outputs = Terraform(settings).outputs()
    out(f"  {outputs.api_url}")


def _kafka(settings: Settings, out: Out) -> None:
    admin = kafka_admin(settings.kafka_bootstrap)
    metadata = admin.list_topics(timeout=5)
    committed = _committed(admin)
    for topic in settings.names.topics:
        if topic not in metadata.topics:
            out(f"  {topic:<28} missing")
            continue
        parts = sorted(metadata.topics[topic].partitions)
        specs = {TopicPartition(topic, p): OffsetSpec.latest() for p in parts}
        ends = {tp.partition: f.result().offset for tp, f in admin.list_offsets(specs).items()}
        cells = "  ".join(
            f"p{p}={ends[p]}" + (f"({committed[(topic, p)]})" if (topic, p) in committed else "")
            for p in parts
        )
        out(f"  {topic:<28} total={sum(ends.values()):<8} {cells}")


def _committed(admin: AdminClient) -> dict[tuple[str, int], int]:
    request = [ConsumerGroupTopicPartitions(GROUP_ID)]
    try:
        result = admin.list_consumer_group_offsets(request)[GROUP_ID].result(timeout=5)
    except Exception:
        return {}
    return {(tp.topic, tp.partition): tp.offset for tp in result.topic_partitions if tp.offset >= 0}


def _s3(settings: Settings, out: Out) -> None:
    s3 = resources.aws(settings, "s3")
    for topic in settings.names.topics:
        prefix = f"topics/{topic}/"
        objects, records = 0, 0
        for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=settings.names.bucket, Prefix=prefix
        ):
            for obj in page.get("Contents", []):
                objects += 1
                body = s3.get_object(Bucket=settings.names.bucket, Key=obj["Key"])["Body"].read()
                records += sum(1 for line in body.splitlines() if line.strip())
        out(f"  {prefix:<36} objects={objects:<6} records={records}")


def _kinesis(settings: Settings, out: Out) -> None:
    kinesis = resources.aws(settings, "kinesis")
    existing = set(kinesis.list_streams(Limit=1000).get("StreamNames", []))
    for stream in settings.names.streams:
        if stream not in existing:
            out(f"  {stream:<36} missing")
            continue
        shards = kinesis.list_shards(StreamName=stream)["Shards"]
        total = sum(_count_shard(kinesis, stream, s["ShardId"]) for s in shards)
        out(f"  {stream:<36} shards={len(shards):<3} records={total}")


def _count_shard(kinesis: Any, stream: str, shard_id: str) -> int:
    iterator = kinesis.get_shard_iterator(
        StreamName=stream, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    count = 0
    while iterator:
        page = kinesis.get_records(ShardIterator=iterator, Limit=10000)
        count += len(page["Records"])
        if not page["Records"] and page.get("MillisBehindLatest", 0) == 0:
            break
        iterator = page.get("NextShardIterator")
    return count
