"""Clients of the stack's AWS services, and the Kafka topics (not AWS resources).

The AWS resources themselves (bucket, keys, streams, REST API, roles) are Terraform's:
devstack/terraform.py applies terraform/envs/local. On AWS the REST proxy host creates the
topics; locally `up` does it here.
"""

from __future__ import annotations

from typing import Any

import boto3
from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import NewTopic

from devstack.config import AWS_REGION, DUMMY_CREDENTIALS, Settings, StackError
from devstack.kafka_admin import admin as kafka_admin


def aws(settings: Settings, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=settings.aws_endpoint,
        region_name=AWS_REGION,
        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def ensure_topics(settings: Settings) -> list[str]:
    """Create the pipeline's missing topics; returns those created."""
    admin = kafka_admin(settings.kafka_bootstrap)
    existing = set(admin.list_topics(timeout=10).topics)
    missing = [t for t in settings.names.topics if t not in existing]
    if not missing:
        return []
    new = [NewTopic(t, num_partitions=settings.partitions, replication_factor=1) for t in missing]
    for topic, future in admin.create_topics(new, request_timeout=15).items():
        try:
            future.result(timeout=20)
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise StackError(f"cannot create topic {topic}: {exc.args[0].str()}") from None
    return missing
