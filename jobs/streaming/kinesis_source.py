"""`spark.readStream.format("kinesis")` for open-source Spark, as a Python data source.

Databricks has a built-in `kinesis` source; this one takes the same options and gives the same
columns so that the job's code is the same in both places (DESIGN section 9).

How a micro-batch is bounded (Spark's contract: a batch replayed after a restart must hold the
same records): `latestOffset` polls every readable shard from the current position, up to
`maxRecordsPerBatch` records in all and `maxFetchDuration`, and returns the sequence number of the
last record it got per shard. That offset is written to the checkpoint before the batch runs, and
`read` returns exactly the records after the start token up to and including the end token. The
records `latestOffset` fetched are kept and shipped inside the partitions, so a normal batch reads
Kinesis once; a batch replayed after a restart has no such cache and re-reads the same range.

Shards: one partition per shard with new records. New shards (resharding) start at TRIM_HORIZON; a
child shard is read only once its parents, if still tracked, are read to their end (per-key order).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

from pyspark.sql.datasource import DataSource, DataSourceStreamReader, InputPartition
from pyspark.sql.types import (
    BinaryType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

from jobs.streaming import kinesis_offsets as off
from jobs.streaming.kinesis_client import (
    Shard,
    ShardPoller,
    Throttled,
    list_shards,
    make_client,
    to_row,
)
from jobs.streaming.kinesis_options import SourceOptions, parse_options

SCHEMA = StructType(
    [
        StructField("partitionKey", StringType()),
        StructField("data", BinaryType()),
        StructField("stream", StringType()),
        StructField("shardId", StringType()),
        StructField("sequenceNumber", StringType()),
        StructField("approximateArrivalTimestamp", TimestampType()),
    ]
)

_MAX_CACHED_ROWS = 200_000
"""Above this many records in one batch the driver keeps none; executors re-read the range."""

_REREAD_GIVE_UP_S = 120.0

_UNCAPPED = 2**62
"""The record budget of a batch without maxRecordsPerBatch (time still bounds it)."""


class KinesisDataSource(DataSource):
    """Register with `spark.dataSource.register(KinesisDataSource)`; read as format "kinesis"."""

    def __init__(self, options: dict[str, str]) -> None:
        super().__init__(options)
        self.parsed = parse_options(options)  # fail at load(), with a one-line message

    @classmethod
    def name(cls) -> str:
        return "kinesis"

    def schema(self) -> StructType:
        return SCHEMA

    def streamReader(self, schema: StructType) -> DataSourceStreamReader:
        return KinesisStreamReader(self.parsed)


class ShardRange(InputPartition):
    """Records of one shard after `start` up to and including `end`, maybe already fetched."""

    def __init__(
        self, stream: str, shard_id: str, start: str, end: str, rows: list[tuple] | None
    ) -> None:
        super().__init__((stream, shard_id, start, end))
        self.stream, self.shard_id, self.start, self.end = stream, shard_id, start, end
        self.rows = rows


class KinesisStreamReader(DataSourceStreamReader):
    def __init__(self, opts: SourceOptions) -> None:
        self.opts = opts
        self._client: Any = None
        self._initial: off.Offset | None = None
        self._position: off.Offset | None = None
        self._pollers: dict[tuple[str, str], ShardPoller] = {}
        self._shards: dict[str, list[Shard]] = {}
        self._listed_at = 0.0
        self._cache: dict[tuple[str, str, str, str], list[tuple]] = {}

    # The reader is pickled to the executors with read(): send options only, no client or state.
    def __getstate__(self) -> dict[str, Any]:
        return {"opts": self.opts}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["opts"])  # type: ignore[misc]

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = make_client(self.opts)
        return self._client

    # ---- offsets (driver) -----------------------------------------------------------------

    def initialOffset(self) -> dict:
        # Computed once: for `latest` it is "now", and every later call must agree.
        if self._initial is None:
            token = self._initial_token()
            self._initial = off.canonical(
                {
                    s: {sh.shard_id: token for sh in self._list(s, force=True)}
                    for s in self.opts.streams
                }
            )
        return self._initial

    def latestOffset(self, start: dict | None = None, limit: Any = None) -> dict:
        # Spark 4.0 passes no arguments and sets the position through partitions() on restart;
        # newer versions pass the start offset.
        base = off.validate(start) if start else self._position or self.initialOffset()
        end = self._fetch(self._discover(base))
        self._position = end
        return end

    def partitions(self, start: dict, end: dict) -> Sequence[InputPartition]:
        # On restart Spark calls partitions(last, last) first: that is our position.
        end = off.validate(end)
        if self._position is None:
            self._position = end
        start = off.validate(start)
        ranges: list[InputPartition] = []
        for stream, shards in end.items():
            for shard_id, last in shards.items():
                first = start.get(stream, {}).get(shard_id, off.TRIM_HORIZON)
                if first == last or (last == off.CLOSED and first == off.CLOSED):
                    continue
                rows = self._cache.get((stream, shard_id, first, last))
                ranges.append(ShardRange(stream, shard_id, first, last, rows))
        return ranges

    def commit(self, end: dict) -> None:
        # Batches up to `end` are in the sink: their prefetched records are no longer needed.
        done = off.validate(end)
        for key in [k for k in self._cache if done.get(k[0], {}).get(k[1]) == k[3]]:
            del self._cache[key]

    def _initial_token(self) -> str:
        if self.opts.initial_position == "trim_horizon":
            return off.TRIM_HORIZON
        if self.opts.initial_position == "at_timestamp":
            return off.at_timestamp(self.opts.initial_timestamp_ms or 0)
        # `latest` as a fixed instant, so that a replayed first batch reads the same records.
        return off.at_timestamp(int(time.time() * 1000))

    def _list(self, stream: str, force: bool = False) -> list[Shard]:
        if force or stream not in self._shards:
            self._shards[stream] = list_shards(self.client, stream)
        return self._shards[stream]

    def _discover(self, base: off.Offset) -> off.Offset:
        """Add new shards (at TRIM_HORIZON) and forget closed shards Kinesis no longer holds."""
        now = time.monotonic()
        force = now - self._listed_at >= self.opts.shard_fetch_interval_s
        if force:
            self._listed_at = now
        result: off.Offset = {}
        for stream in self.opts.streams:
            known = dict(base.get(stream, {}))
            listed = {sh.shard_id for sh in self._list(stream, force)}
            for shard_id in listed - known.keys():
                known[shard_id] = off.TRIM_HORIZON
            for shard_id in known.keys() - listed:
                if known[shard_id] == off.CLOSED:
                    del known[shard_id]
            result[stream] = known
        return off.canonical(result)

    def _readable(self, offset: off.Offset) -> list[tuple[str, str]]:
        """Open shards whose parents, if tracked, are read to the end."""
        keys = []
        for stream, shards in offset.items():
            parents = {sh.shard_id: sh.parents for sh in self._list(stream)}
            for shard_id, token in shards.items():
                blocked = any(
                    shards.get(p, off.CLOSED) != off.CLOSED for p in parents.get(shard_id, ())
                )
                if token != off.CLOSED and not blocked:
                    keys.append((stream, shard_id))
        return keys

    def _fetch(self, base: off.Offset) -> off.Offset:
        """Poll shards round-robin until caught up, the record cap or the time limit."""
        tokens = {(s, sh): t for s, shards in base.items() for sh, t in shards.items()}
        fetched: dict[tuple[str, str], list[tuple]] = {}
        fetch_max = self.opts.max_records_per_fetch
        budget = self.opts.max_records_per_batch or _UNCAPPED
        deadline = time.monotonic() + self.opts.max_fetch_duration_s
        active = self._readable(base)
        while active and budget > 0 and time.monotonic() < deadline:
            share = min(fetch_max, max(1, budget // len(active)))  # fair split of the cap
            still = []
            for key in active:
                limit = min(share, budget)
                if limit <= 0:
                    break
                try:
                    poll = self._poller(key).poll(tokens[key], limit)
                except Throttled:
                    continue  # try this shard again next batch
                rows = [to_row(key[0], key[1], r) for r in poll.records]
                fetched.setdefault(key, []).extend(rows)
                budget -= len(rows)
                tokens[key] = poll.next_token
                more = poll.fetched >= limit or (poll.behind_ms > 0 and poll.fetched > 0)
                if not poll.closed and more:
                    still.append(key)
            active = still
        end: off.Offset = {}
        for (stream, shard_id), token in tokens.items():
            end.setdefault(stream, {})[shard_id] = token
        self._remember(base, end, fetched)
        return off.canonical(end)

    def _remember(
        self, base: off.Offset, end: off.Offset, fetched: dict[tuple[str, str], list[tuple]]
    ) -> None:
        if sum(len(rows) for rows in fetched.values()) > _MAX_CACHED_ROWS:
            return
        for (stream, shard_id), rows in fetched.items():
            first, last = base[stream][shard_id], end[stream][shard_id]
            if first != last:
                self._cache[(stream, shard_id, first, last)] = rows

    def _poller(self, key: tuple[str, str]) -> ShardPoller:
        if key not in self._pollers:
            self._pollers[key] = ShardPoller(self.client, *key, self.opts.min_fetch_period_s)
        return self._pollers[key]

    # ---- data (executors) -----------------------------------------------------------------

    def read(self, partition: InputPartition) -> Iterator[tuple]:
        assert isinstance(partition, ShardRange)
        if partition.rows is not None:
            yield from partition.rows
            return
        yield from self._reread(partition)

    def _reread(self, part: ShardRange) -> Iterator[tuple]:
        """The records of a range, from Kinesis: a batch replayed after a restart."""
        poller = ShardPoller(self.client, part.stream, part.shard_id, self.opts.min_fetch_period_s)
        last = off.sequence_of(part.end)
        token = part.start
        idle_since: float | None = None
        while True:
            poll = poller.poll(token, self.opts.max_records_per_fetch)
            for record in poll.records:
                seq = int(record["SequenceNumber"])
                if last is not None and seq > last:
                    return
                yield to_row(part.stream, part.shard_id, record)
                if seq == last:
                    return
            if poll.closed:
                return
            token = poll.next_token
            if poll.fetched:
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > _REREAD_GIVE_UP_S:
                raise RuntimeError(
                    f"{part.stream}/{part.shard_id}: record {part.end} of a planned batch is no "
                    "longer readable (past the stream's retention?)"
                )
