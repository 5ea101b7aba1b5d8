"""Launcher of the project's S3 sink (devstack/s3_sink), configured like the MSK connector."""

from __future__ import annotations

import sys
from typing import Any

from devstack.kafka_admin import admin as kafka_admin
from devstack.s3_sink.config import DEFAULT_NAME, SinkConfig
from devstack.say import Say
from devstack.services.base import Service

GROUP_ID = SinkConfig.group_id_of(DEFAULT_NAME)


class S3Sink(Service):
    name = "s3_sink"
    connector = DEFAULT_NAME
    # Members the group had before a launch: after a Kafka restart the coordinator reloads the
    # last members and shows them until their session times out, so they prove nothing.
    stale_members: frozenset[str] = frozenset()

    @property
    def group_id(self) -> str:
        return SinkConfig.group_id_of(self.connector)

    @property
    def properties(self) -> dict[str, str]:
        s = self.settings
        return {
            "name": self.connector,
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

    def prepare(self, say: Say) -> None:
        try:
            self.stale_members = frozenset(m.member_id for m in self._group().members)
        except Exception:  # no such group yet
            self.stale_members = frozenset()

    def healthy(self) -> bool:
        """Healthy once its consumer group is stable with a member that owns partitions."""
        group = self._group()
        return group.state.name == "STABLE" and any(
            m.member_id not in self.stale_members and m.assignment.topic_partitions
            for m in group.members
        )

    def _group(self) -> Any:
        admin = kafka_admin(self.settings.kafka_bootstrap)
        future = admin.describe_consumer_groups([self.group_id], request_timeout=2)[self.group_id]
        return future.result(timeout=3)

    @property
    def address(self) -> str:
        return f"group {self.group_id}"
