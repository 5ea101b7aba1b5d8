"""The sink loop: consume, cut batches, write each as one S3 object, then commit its offsets.

Order per partition is strict: put_object, then a synchronous commit of that batch's end offset,
then the next batch. batch.py explains why this makes restarts lose and duplicate nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition

from contracts.names import sink_key
from devstack.s3_sink.batch import BadRecord, Batch, Batcher, json_line
from devstack.s3_sink.config import SinkConfig

log = logging.getLogger("devstack.s3_sink")

POLL_TIMEOUT_S = 0.5
POLL_MAX_RECORDS = 500
PROGRESS_EVERY_S = 30.0
COMMIT_ATTEMPTS = 5


class SinkError(RuntimeError):
    """The sink cannot go on safely; its message is the one-line reason shown to the user."""


def consumer_config(config: SinkConfig, bootstrap: str) -> dict[str, Any]:
    conf: dict[str, Any] = {
        "bootstrap.servers": bootstrap,
        "group.id": config.group_id,
        "client.id": config.name,
        # Static membership: a restarted sink takes its partitions back at once instead of
        # waiting for the killed one's session to time out.
        "group.instance.id": f"{config.name}-0",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",  # Kafka Connect's default for sink connectors
        "topic.metadata.refresh.interval.ms": 10000,  # new matching topics within 10 s
        "logger": logging.getLogger("librdkafka"),
    }
    conf.update(config.consumer_overrides)
    return conf


class SinkLoop:
    def __init__(
        self,
        config: SinkConfig,
        consumer: Any,
        s3: Any,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.consumer = consumer
        self.s3 = s3
        self.batcher = Batcher(config.flush_size, config.rotate_interval_ms, clock)
        self.clock = clock
        self.stats = {"records": 0, "objects": 0, "skipped": 0}
        self._reported_at = clock()
        self._reported: dict[str, int] = {}

    def subscribe(self) -> None:
        # librdkafka treats a subscription starting with '^' as a regex; anchor both ends so it
        # means what Java's Pattern.matches means for the connector's topics.regex.
        pattern = f"^({self.config.topics_regex})$"
        self.consumer.subscribe(
            [pattern], on_assign=self._on_assign, on_revoke=self._on_revoke, on_lost=self._on_lost
        )
        log.info(
            "subscribed", extra={"fields": {"pattern": pattern, "group": self.config.group_id}}
        )

    def run(self, stopping: Callable[[], bool]) -> None:
        """Poll until `stopping()`; then write the open batches, commit, and leave the group."""
        self.subscribe()
        while not stopping():
            self.poll_once()
        self.shutdown()

    def poll_once(self) -> None:
        for msg in self.consumer.consume(POLL_MAX_RECORDS, POLL_TIMEOUT_S):
            self.handle(msg)
        for batch in self.batcher.expired():
            self.write(batch)
        self._progress()

    def handle(self, msg: Any) -> None:
        err = msg.error()
        if err is not None:
            if err.code() != KafkaError._PARTITION_EOF:
                log.warning("consumer error", extra={"fields": {"error": str(err)}})
            return
        try:
            line = json_line(msg.value())
        except BadRecord as exc:
            self._bad_record(msg, exc)
            return
        self.stats["records"] += 1
        for batch in self.batcher.add(msg.topic(), msg.partition(), msg.offset(), line):
            self.write(batch)

    def write(self, batch: Batch) -> None:
        """Store the batch as one object, then commit its end offset: never the other way round."""
        key = sink_key(batch.topic, batch.partition, batch.start_offset, self.config.topics_dir)
        body = batch.body()
        try:
            self.s3.put_object(Bucket=self.config.bucket, Key=key, Body=body)
        except Exception as exc:  # boto3 has already retried
            raise SinkError(f"cannot write s3://{self.config.bucket}/{key}: {exc}") from exc
        self._commit(batch)
        self.stats["objects"] += 1
        fields = {
            "key": key,
            "topic": batch.topic,
            "partition": batch.partition,
            "start_offset": batch.start_offset,
            "end_offset": batch.end_offset,
            "records": batch.size,
            "bytes": len(body),
        }
        log.info("object written", extra={"fields": fields})

    def _commit(self, batch: Batch) -> None:
        offsets = [TopicPartition(batch.topic, batch.partition, batch.next_offset)]
        for attempt in range(1, COMMIT_ATTEMPTS + 1):
            try:
                self.consumer.commit(offsets=offsets, asynchronous=False)
                return
            except KafkaException as exc:
                error = exc.args[0] if exc.args else exc
                retriable = isinstance(error, KafkaError) and error.retriable()
                if not retriable or attempt == COMMIT_ATTEMPTS:
                    # Going on would leave a second uncommitted object behind: stop instead.
                    raise SinkError(
                        f"cannot commit {batch.topic}[{batch.partition}]@{batch.next_offset} "
                        f"after writing its object: {error}"
                    ) from exc
                time.sleep(0.2 * attempt)

    def shutdown(self) -> None:
        for batch in self.batcher.take():
            self.write(batch)
        self.consumer.close()
        log.info("stopped", extra={"fields": dict(self.stats)})

    def _bad_record(self, msg: Any, exc: BadRecord) -> None:
        where = f"{msg.topic()}[{msg.partition()}]@{msg.offset()}"
        skip_null = msg.value() is None and self.config.null_values == "ignore"
        if not skip_null and self.config.errors_tolerance != "all":
            raise SinkError(
                f"record {where} cannot be written as JSON ({exc}); set errors.tolerance=all "
                "to skip such records"
            )
        self.stats["skipped"] += 1
        log.warning("record skipped", extra={"fields": {"record": where, "reason": str(exc)}})

    def _on_assign(self, consumer: Any, partitions: list[TopicPartition]) -> None:
        log.info("assigned", extra={"fields": {"partitions": _names(partitions)}})

    def _on_revoke(self, consumer: Any, partitions: list[TopicPartition]) -> None:
        # Write and commit before the partitions go, so their next owner starts after them.
        for batch in self.batcher.take((p.topic, p.partition) for p in partitions):
            self.write(batch)
        log.info("revoked", extra={"fields": {"partitions": _names(partitions)}})

    def _on_lost(self, consumer: Any, partitions: list[TopicPartition]) -> None:
        # Another member may own them already: drop what is buffered; it will be read again.
        dropped = self.batcher.drop((p.topic, p.partition) for p in partitions)
        log.warning(
            "lost", extra={"fields": {"partitions": _names(partitions), "dropped": dropped}}
        )

    def _progress(self) -> None:
        now = self.clock()
        if now - self._reported_at < PROGRESS_EVERY_S or self.stats == self._reported:
            return
        self._reported_at, self._reported = now, dict(self.stats)
        open_records = sum(b.size for b in self.batcher.open.values())
        log.info("progress", extra={"fields": {**self.stats, "buffered": open_records}})


def make_consumer(config: SinkConfig, bootstrap: str) -> Consumer:
    return Consumer(consumer_config(config, bootstrap))


def _names(partitions: list[TopicPartition]) -> list[str]:
    return [f"{p.topic}[{p.partition}]" for p in partitions]
