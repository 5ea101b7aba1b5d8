"""moto's Kinesis model with the engine's shards in its streams.

The control plane (tags, retention, encryption, stream mode, monitoring, consumers, policies,
DescribeStream, ListStreams) stays moto's; each stream's shards and records are a StreamData,
which the provider reads and writes directly.
"""

from __future__ import annotations

import base64
from typing import Any

from moto.core.base_backend import BackendDict
from moto.kinesis import models, urls

from devstack_kinesis.engine import StreamData


class Stream(models.Stream):
    data: StreamData

    def init_shards(self, shard_count: int) -> None:
        # Called by moto's constructor: moto's describe calls list these shards (to_json).
        self.data = StreamData(self.stream_name, shard_count)
        self.shards = self.data.shards
        self.shard_count = shard_count

    def resharded(self) -> None:
        self.shard_count = self.data.open_count()  # DescribeStreamSummary's OpenShardCount

    def put_record(self, partition_key: str, explicit_hash_key: str, data: Any) -> tuple[str, str]:
        # moto's own callers (e.g. log subscriptions) pass Data as base64 text.
        raw = base64.b64decode(data) if isinstance(data, str) else bytes(data)
        [(sequence, shard_id)] = self.data.put([(partition_key, raw, explicit_hash_key or None)])
        return sequence, shard_id


class KinesisBackend(models.KinesisBackend):
    @property
    def _url_module(self) -> Any:
        return urls  # moto finds a backend's routes next to its class; these are moto's Kinesis

    def create_stream(
        self,
        stream_name: str,
        shard_count: int,
        stream_mode: dict[str, str] | None = None,
        retention_period_hours: int | None = None,
    ) -> Stream:
        if stream_name in self.streams:
            raise models.ResourceInUseError(stream_name)
        stream = Stream(
            stream_name,
            shard_count,
            stream_mode=stream_mode,
            retention_period_hours=retention_period_hours,
            account_id=self.account_id,
            region_name=self.region_name,
        )
        self.streams[stream_name] = stream
        return stream


def install() -> BackendDict:
    """Make moto's Kinesis backends (which moto's own Kinesis calls use) instances of ours."""
    backends = models.kinesis_backends
    backends.backend = KinesisBackend
    backends.clear()  # at start-up there is no stream yet: nothing is lost
    return backends
