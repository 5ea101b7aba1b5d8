"""A quiet Kafka AdminClient: connection-refused retries are expected while Kafka boots."""

from __future__ import annotations

from confluent_kafka.admin import AdminClient


def admin(bootstrap: str) -> AdminClient:
    # log_level 0 keeps librdkafka's own retries off stderr; failures still raise.
    return AdminClient({"bootstrap.servers": bootstrap, "log_level": 0})
