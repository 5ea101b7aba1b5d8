"""The proxy's view of Kafka: topic metadata (briefly cached) and acknowledged produce.

`Backend` is the small interface the HTTP layer needs; `KafkaBackend` implements it with
confluent-kafka. Its delivery callbacks run on a poll thread and resolve one asyncio future per
request, so the event loop never blocks on the broker.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from confluent_kafka import KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient, ConfigResource

from devstack.rest_proxy import errors
from devstack.rest_proxy.payload import OutRecord


@dataclass(frozen=True)
class PartitionInfo:
    partition: int
    leader: int
    replicas: tuple[int, ...]
    in_sync: tuple[int, ...]


@dataclass(frozen=True)
class TopicInfo:
    name: str
    partitions: tuple[PartitionInfo, ...]


@dataclass(frozen=True)
class Delivery:
    """The fate of one record: where it was stored, or why not (Confluent's PartitionOffset)."""

    partition: int | None = None
    offset: int | None = None
    error_code: int | None = None
    error: str | None = None


class Backend(Protocol):
    async def topic(self, name: str) -> TopicInfo | None: ...

    async def topic_names(self) -> list[str]: ...

    async def topic_configs(self, name: str) -> dict[str, str]: ...

    async def produce(self, topic: str, records: Sequence[OutRecord]) -> list[Delivery]: ...

    async def ping(self) -> None:
        """Raise if the broker cannot be reached."""

    def close(self) -> None: ...


@dataclass
class MetadataCache:
    """Topic metadata fetched by a blocking `fetch`, kept for `ttl` seconds.

    A topic missing from the cache triggers a refresh (at most once per `miss_interval`), so a
    topic created a moment ago is found without waiting for the TTL.
    """

    fetch: Callable[[], dict[str, TopicInfo]]
    ttl: float = 5.0
    miss_interval: float = 1.0
    clock: Callable[[], float] = time.monotonic
    _topics: dict[str, TopicInfo] = field(default_factory=dict)
    _fetched_at: float = float("-inf")
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def topics(self, max_age: float | None = None) -> dict[str, TopicInfo]:
        limit = self.ttl if max_age is None else max_age
        async with self._lock:
            if self.clock() - self._fetched_at >= limit:
                self._topics = await asyncio.to_thread(self.fetch)
                self._fetched_at = self.clock()
            return self._topics

    async def topic(self, name: str) -> TopicInfo | None:
        found = (await self.topics()).get(name)
        if found is None:
            found = (await self.topics(max_age=self.miss_interval)).get(name)
        return found


def producer_config(bootstrap: str, delivery_timeout_ms: int) -> dict[str, Any]:
    return {
        "bootstrap.servers": bootstrap,
        "logger": logging.getLogger("librdkafka"),  # its lines become JSON lines too
        "client.id": "devstack-rest-proxy",
        "acks": "all",
        "enable.idempotence": True,
        "linger.ms": 5,
        # The Java client's partitioner, so keyed records land where Confluent's proxy puts them.
        "partitioner": "murmur2_random",
        # Below API Gateway's 29 s integration timeout: the client gets our answer, not a 504.
        "delivery.timeout.ms": delivery_timeout_ms,
    }


class KafkaBackend:
    def __init__(self, bootstrap: str, delivery_timeout_ms: int = 20000, ttl: float = 5.0):
        self._producer = Producer(producer_config(bootstrap, delivery_timeout_ms))
        admin_conf: dict[str, Any] = {"bootstrap.servers": bootstrap}
        admin_conf["logger"] = logging.getLogger("librdkafka")
        self._admin = AdminClient(admin_conf)
        self._timeout_s = delivery_timeout_ms / 1000
        self._cache = MetadataCache(self._fetch_metadata, ttl=ttl)
        self._stop = threading.Event()
        self._poller = threading.Thread(target=self._poll, name="producer-poll", daemon=True)
        self._poller.start()

    def _poll(self) -> None:
        while not self._stop.is_set():
            self._producer.poll(0.1)

    def _fetch_metadata(self) -> dict[str, TopicInfo]:
        # All topics, never one by name: asking for a name can auto-create it on some brokers.
        cluster = self._producer.list_topics(timeout=5)
        return {
            name: TopicInfo(name, tuple(_partition_info(p) for p in sorted_partitions(meta)))
            for name, meta in cluster.topics.items()
            if meta.error is None and not name.startswith("__")
        }

    async def topic(self, name: str) -> TopicInfo | None:
        return await self._cache.topic(name)

    async def topic_names(self) -> list[str]:
        return sorted(await self._cache.topics())

    async def topic_configs(self, name: str) -> dict[str, str]:
        def describe() -> dict[str, str]:
            futures = self._admin.describe_configs([ConfigResource("topic", name)])
            entries = next(iter(futures.values())).result(timeout=5)
            return {key: entry.value for key, entry in sorted(entries.items())}

        return await asyncio.to_thread(describe)

    async def ping(self) -> None:
        await asyncio.to_thread(self._producer.list_topics, timeout=3)

    async def produce(self, topic: str, records: Sequence[OutRecord]) -> list[Delivery]:
        batch = _Batch(asyncio.get_running_loop(), len(records))
        for index, record in enumerate(records):
            await self._send(topic, record, index, batch)
        return await batch.future

    async def _send(self, topic: str, record: OutRecord, index: int, batch: _Batch) -> None:
        def on_delivery(err: KafkaError | None, msg: Any) -> None:
            batch.settle(index, _failed(err) if err else Delivery(msg.partition(), msg.offset()))

        deadline = time.monotonic() + self._timeout_s
        while True:
            try:
                self._producer.produce(
                    topic,
                    value=record.value,
                    key=record.key,
                    partition=-1 if record.partition is None else record.partition,
                    on_delivery=on_delivery,
                )
                return
            except BufferError:
                # Local queue full: give the poll thread time to drain it, without blocking.
                if time.monotonic() > deadline:
                    batch.settle(index, Delivery(error_code=errors.KAFKA_RETRIABLE, error=_FULL))
                    return
                await asyncio.sleep(0.01)
            except KafkaException as exc:
                batch.settle(index, _failed(exc.args[0]))
                return

    def close(self) -> None:
        """Deliver what is queued, then stop the poll thread."""
        self._producer.flush(self._timeout_s)
        self._stop.set()
        self._poller.join(timeout=2)


_FULL = "Local: Queue full (the producer could not drain its queue in time)"


def sorted_partitions(meta: Any) -> list[Any]:
    return [meta.partitions[k] for k in sorted(meta.partitions)]


def _partition_info(p: Any) -> PartitionInfo:
    return PartitionInfo(p.id, p.leader, tuple(p.replicas), tuple(p.isrs))


def _failed(err: KafkaError) -> Delivery:
    code = errors.KAFKA_RETRIABLE if err.retriable() else errors.KAFKA_ERROR
    return Delivery(error_code=code, error=f"{err.name()}: {err.str()}")


class _Batch:
    """The deliveries of one request; wakes the event loop once, when the last one is known.

    `settle` runs on the producer's poll thread (delivery callbacks) or on the event loop.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, size: int) -> None:
        self.loop = loop
        self.results: list[Delivery] = [Delivery()] * size
        self.left = size
        self.lock = threading.Lock()
        self.future: asyncio.Future[list[Delivery]] = loop.create_future()

    def settle(self, index: int, result: Delivery) -> None:
        with self.lock:
            self.results[index] = result
            self.left -= 1
            last = self.left == 0
        if last:
            self.loop.call_soon_threadsafe(self._finish)

    def _finish(self) -> None:
        if not self.future.done():  # the request may have been cancelled by a disconnect
            self.future.set_result(self.results)
