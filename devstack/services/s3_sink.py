"""Launcher of the project's S3 sink (devstack/s3_sink), configured like the MSK connector."""

from __future__ import annotations

import sys

from devstack.kafka_admin import admin as kafka_admin
from devstack.services.base import Service

CONNECTOR_NAME = "devstack-s3-sink"
GROUP_ID = f"connect-{CONNECTOR_NAME}"  # Kafka Connect's consumer group for a sink


class S3Sink(Service):
    name = "s3_sink"

    @property
    def properties(self) -> dict[str, str]:
        s = self.settings
        return {
            "name": CONNECTOR_NAME,
            "topics.regex": s.names.topics_regex,
            "s3.bucket.name": s.names.bucket,
            "flush.size": str(s.flush_size),
            "rotate.interval.ms": str(s.rotate_ms),
        }

    def command(self) -> list[str]:
        cmd = [
            sys.executable,
            "-m",
            "devstack.s3_sink",
            "--bootstrap",
            self.settings.kafka_bootstrap,
        ]
        for key, value in self.properties.items():
            cmd += ["--property", f"{key}={value}"]
        return cmd

    def extra_env(self) -> dict[str, str]:
        return self.settings.aws_env()

    def healthy(self) -> bool:
        """Healthy once its consumer group is stable, i.e. it owns the topics' partitions."""
        admin = kafka_admin(self.settings.kafka_bootstrap)
        future = admin.describe_consumer_groups([GROUP_ID], request_timeout=2)[GROUP_ID]
        group = future.result(timeout=3)
        return group.state.name == "STABLE" and bool(group.members)

    @property
    def address(self) -> str:
        return f"group {GROUP_ID}"
