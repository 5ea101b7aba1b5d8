"""LocalStack's Kinesis API on the in-process engine.

The data plane (PutRecord(s), GetShardIterator, GetRecords, ListShards) and what changes shards
(CreateStream, SplitShard, MergeShards, UpdateShardCount) are served here from the engine, on
LocalStack's already parsed request: no second parse, no HTTP hop to another process. Every
other operation falls through to moto's Kinesis (MotoFallbackDispatcher), whose streams hold the
engine's shards (backend.py).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from localstack import config
from localstack.aws.api import CommonServiceException, RequestContext
from localstack.aws.api.kinesis import (
    GetRecordsOutput,
    GetShardIteratorOutput,
    InvalidArgumentException,
    KinesisApi,
    LimitExceededException,
    ListShardsOutput,
    PutRecordOutput,
    PutRecordsOutput,
    ResourceInUseException,
    ResourceNotFoundException,
    UpdateShardCountOutput,
    ValidationException,
)
from localstack.state import StateVisitor

from devstack_kinesis.backend import KinesisBackend, Stream, install
from devstack_kinesis.engine import MAX_READ_RECORDS, EngineError, Shard, ShardIterator

MAX_RECORD_BYTES = 1024 * 1024  # data + partition key of one record
MAX_PUT_BYTES = 5 * 1024 * 1024  # of one PutRecords call
MAX_PUT_RECORDS = 500
DEFAULT_LIST_SHARDS = 1000
ON_DEMAND_SHARDS = 4


@contextmanager
def _answered() -> Iterator[None]:
    """The engine's client errors as Kinesis error responses (400, Kinesis' error code)."""
    try:
        yield
    except EngineError as exc:
        raise CommonServiceException(exc.code, str(exc)) from None


class InProcessKinesisProvider(KinesisApi):
    def __init__(self) -> None:
        self.backends = install()

    def accept_state_visitor(self, visitor: StateVisitor) -> None:
        visitor.visit(self.backends)  # LocalStack's state reset clears the streams

    # ---- streams -----------------------------------------------------------------------------

    def create_stream(
        self,
        context: RequestContext,
        stream_name: str,
        shard_count: int | None = None,
        stream_mode_details: dict[str, str] | None = None,
        tags: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        mode = (stream_mode_details or {}).get("StreamMode", "PROVISIONED")
        if mode == "PROVISIONED" and not shard_count:
            raise ValidationException("ShardCount is required for a PROVISIONED stream")
        if mode == "ON_DEMAND":
            shard_count = ON_DEMAND_SHARDS
        assert shard_count is not None
        backend = self._backend(context)
        if stream_name in backend.streams:
            raise ResourceInUseException(
                f"Stream {stream_name} under account {context.account_id} already exists."
            )
        self._check_shard_limit(context, backend, shard_count)
        stream = backend.create_stream(stream_name, shard_count, stream_mode={"StreamMode": mode})
        if tags:
            stream.tags.update(tags)

    # ---- writes ------------------------------------------------------------------------------

    def put_record(
        self,
        context: RequestContext,
        data: bytes,
        partition_key: str,
        stream_name: str | None = None,
        explicit_hash_key: str | None = None,
        sequence_number_for_ordering: str | None = None,
        stream_arn: str | None = None,
        **kwargs: Any,
    ) -> PutRecordOutput:
        _check_record(data, partition_key)
        stream = self._stream(context, stream_name, stream_arn)
        with _answered():
            [(sequence, shard_id)] = stream.data.put([(partition_key, data, explicit_hash_key)])
        return PutRecordOutput(
            ShardId=shard_id, SequenceNumber=sequence, EncryptionType=stream.encryption_type
        )

    def put_records(
        self,
        context: RequestContext,
        records: list[dict[str, Any]],
        stream_name: str | None = None,
        stream_arn: str | None = None,
        **kwargs: Any,
    ) -> PutRecordsOutput:
        if not 1 <= len(records or []) <= MAX_PUT_RECORDS:
            raise ValidationException(
                f"1 validation error detected: Value at 'records' failed to satisfy constraint: "
                f"Member must have length between 1 and {MAX_PUT_RECORDS}"
            )
        total = 0
        for r in records:
            total += _check_record(r["Data"], r["PartitionKey"])
        if total > MAX_PUT_BYTES:
            raise InvalidArgumentException(f"Records size exceeds {MAX_PUT_BYTES} bytes limit")
        stream = self._stream(context, stream_name, stream_arn)
        entries = [(r["PartitionKey"], r["Data"], r.get("ExplicitHashKey")) for r in records]
        with _answered():
            placed = stream.data.put(entries)
        return PutRecordsOutput(
            FailedRecordCount=0,
            Records=[{"SequenceNumber": seq, "ShardId": shard} for seq, shard in placed],
            EncryptionType=stream.encryption_type,
        )

    # ---- reads -------------------------------------------------------------------------------

    def get_shard_iterator(
        self,
        context: RequestContext,
        shard_id: str,
        shard_iterator_type: str,
        stream_name: str | None = None,
        starting_sequence_number: str | None = None,
        timestamp: dt.datetime | float | None = None,
        stream_arn: str | None = None,
        **kwargs: Any,
    ) -> GetShardIteratorOutput:
        stream = self._stream(context, stream_name, stream_arn)
        with _answered():
            iterator = stream.data.iterator(
                shard_id, shard_iterator_type, starting_sequence_number, _epoch(timestamp)
            )
        return GetShardIteratorOutput(ShardIterator=iterator)

    def get_records(
        self,
        context: RequestContext,
        shard_iterator: str,
        limit: int | None = None,
        stream_arn: str | None = None,
        **kwargs: Any,
    ) -> GetRecordsOutput:
        if limit is not None and not 1 <= limit <= MAX_READ_RECORDS:
            raise ValidationException(
                f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
                f"constraint: Member must have value between 1 and {MAX_READ_RECORDS}"
            )
        with _answered():
            it = ShardIterator.decode(shard_iterator, int(time.time() * 1000))
            stream = self._stream(context, it.stream, None)
            read = stream.data.read(it, limit or MAX_READ_RECORDS)
        out = GetRecordsOutput(Records=read.records, MillisBehindLatest=read.millis_behind)
        if read.next_iterator is not None:
            out["NextShardIterator"] = read.next_iterator
        if read.child_shards is not None:
            out["ChildShards"] = read.child_shards
        return out

    def list_shards(
        self,
        context: RequestContext,
        stream_name: str | None = None,
        next_token: str | None = None,
        exclusive_start_shard_id: str | None = None,
        max_results: int | None = None,
        stream_creation_timestamp: dt.datetime | None = None,
        shard_filter: dict[str, Any] | None = None,
        stream_arn: str | None = None,
        **kwargs: Any,
    ) -> ListShardsOutput:
        if next_token:
            if stream_name or stream_arn or exclusive_start_shard_id or shard_filter:
                raise InvalidArgumentException(
                    "NextToken cannot be combined with StreamName, StreamARN, "
                    "ExclusiveStartShardId or ShardFilter"
                )
            stream_name, exclusive_start_shard_id, shard_filter = _read_token(next_token)
        stream = self._stream(context, stream_name, stream_arn)
        limit = max_results or DEFAULT_LIST_SHARDS
        shards = [s for s in stream.data.list() if _selected(s, shard_filter, stream)]
        if exclusive_start_shard_id:
            shards = [s for s in shards if s.shard_id > exclusive_start_shard_id]
        page = shards[:limit]
        out = ListShardsOutput(Shards=[s.to_json() for s in page])
        if len(shards) > limit:
            out["NextToken"] = _token(stream.stream_name, page[-1].shard_id, shard_filter)
        return out

    # ---- resharding --------------------------------------------------------------------------

    def split_shard(
        self,
        context: RequestContext,
        shard_to_split: str,
        new_starting_hash_key: str,
        stream_name: str | None = None,
        stream_arn: str | None = None,
        **kwargs: Any,
    ) -> None:
        backend = self._backend(context)
        stream = self._stream(context, stream_name, stream_arn)
        self._check_shard_limit(context, backend, 1)
        with _answered():
            stream.data.split(shard_to_split, new_starting_hash_key)
        stream.resharded()

    def merge_shards(
        self,
        context: RequestContext,
        shard_to_merge: str,
        adjacent_shard_to_merge: str,
        stream_name: str | None = None,
        stream_arn: str | None = None,
        **kwargs: Any,
    ) -> None:
        stream = self._stream(context, stream_name, stream_arn)
        with _answered():
            stream.data.merge(shard_to_merge, adjacent_shard_to_merge)
        stream.resharded()

    def update_shard_count(
        self,
        context: RequestContext,
        target_shard_count: int,
        scaling_type: str,
        stream_name: str | None = None,
        stream_arn: str | None = None,
        **kwargs: Any,
    ) -> UpdateShardCountOutput:
        backend = self._backend(context)
        stream = self._stream(context, stream_name, stream_arn)
        if stream.stream_mode.get("StreamMode") == "ON_DEMAND":
            raise ValidationException(
                f"UpdateShardCount is not supported for stream {stream.stream_name}: it is in "
                "ON_DEMAND mode"
            )
        self._check_shard_limit(context, backend, target_shard_count - stream.data.open_count())
        with _answered():
            current = stream.data.update_shard_count(target_shard_count)
        stream.resharded()
        return UpdateShardCountOutput(
            StreamName=stream.stream_name,
            CurrentShardCount=current,
            TargetShardCount=target_shard_count,
            StreamARN=stream.arn,
        )

    # ---- helpers -----------------------------------------------------------------------------

    def _backend(self, context: RequestContext) -> KinesisBackend:
        return self.backends[context.account_id][context.region]

    def _stream(self, context: RequestContext, name: str | None, arn: str | None) -> Stream:
        streams = self._backend(context).streams
        stream = streams.get(name) if name else None
        if stream is None and arn:
            stream = next((s for s in streams.values() if s.arn == arn), None)
        if stream is None:
            raise ResourceNotFoundException(
                f"Stream {name or arn} under account {context.account_id} not found."
            )
        return stream

    @staticmethod
    def _check_shard_limit(context: RequestContext, backend: KinesisBackend, added: int) -> None:
        limit = int(config.KINESIS_SHARD_LIMIT)
        open_now = sum(s.data.open_count() for s in backend.streams.values())
        if added > 0 and open_now + added > limit:
            raise LimitExceededException(
                f"This request would exceed the shard limit for the account {context.account_id} "
                f"in {context.region}. Current limit of shards is {limit}; {open_now} are open."
            )


def _check_record(data: bytes, partition_key: str) -> int:
    if not 1 <= len(partition_key or "") <= 256:
        raise ValidationException(
            "1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: "
            "Member must have length between 1 and 256"
        )
    size = len(data) + len(partition_key.encode())
    if size > MAX_RECORD_BYTES:
        raise ValidationException(
            f"1 validation error detected: a record of {size} bytes (data and partition key) is "
            f"over the limit of {MAX_RECORD_BYTES}"
        )
    return size


def _epoch(timestamp: dt.datetime | float | None) -> float | None:
    if timestamp is None or isinstance(timestamp, int | float):
        return timestamp
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=dt.UTC)
    return timestamp.timestamp()


def _selected(shard: Shard, shard_filter: dict[str, Any] | None, stream: Stream) -> bool:
    """ListShards' ShardFilter. Nothing is trimmed, so the trim horizon is the stream's start."""
    kind = (shard_filter or {}).get("Type")
    if kind in (None, "FROM_TRIM_HORIZON"):
        return True
    if kind == "AFTER_SHARD_ID":
        return shard.shard_id > shard_filter["ShardId"]  # type: ignore[index]
    if kind == "AT_LATEST":
        return shard.is_open
    if kind == "AT_TRIM_HORIZON":
        return not shard.parents
    when = _epoch(shard_filter.get("Timestamp"))  # type: ignore[union-attr]
    if when is None:
        raise InvalidArgumentException(f"ShardFilter {kind} needs a Timestamp")
    if kind == "AT_TIMESTAMP":
        return shard.opened_at <= when <= shard.closed_at
    if kind == "FROM_TIMESTAMP":
        return when <= shard.closed_at
    raise InvalidArgumentException(f"Invalid ShardFilter type: {kind}")


def _token(stream: str, after: str, shard_filter: dict[str, Any] | None) -> str:
    when = _epoch((shard_filter or {}).get("Timestamp"))
    raw = {
        "s": stream,
        "a": after,
        "f": {**shard_filter, "Timestamp": when} if shard_filter else None,
    }
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode()


def _read_token(token: str) -> tuple[str, str, dict[str, Any] | None]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(token.encode()))
        return raw["s"], raw["a"], raw["f"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise InvalidArgumentException(f"Invalid NextToken: {token[:64]}") from None
