"""The data plane of the in-process Kinesis engine: shards, records, sequence numbers, iterators.

Plain Python (no LocalStack, no moto), so its costs are the ones written here: a put appends to
its shard (O(1)); GetShardIterator and GetRecords find their position by bisection (O(log n)) and
copy only the records they return; a record finds its shard by bisecting the open shards' hash
ranges. One lock per stream orders puts, reads and resharding, so sequence numbers and arrival
times grow in the order the records are stored, also under concurrent PutRecords calls.

Resharding keeps Kinesis' rules: a split or merge closes its parents, which keep their records;
new records go to the children; a read that reaches the end of a closed shard gets no next
iterator and the child shards instead.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import threading
import time
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

HASH_SPACE = 2**128
ITERATOR_TTL_MS = 300_000  # a shard iterator expires 5 minutes after it was issued, as on AWS
MAX_READ_RECORDS = 10_000
MAX_READ_BYTES = 10 * 1024 * 1024  # GetRecords returns at most 10 MiB


class EngineError(Exception):
    """A client error; `code` is the Kinesis error code the provider answers with."""

    code = "InvalidArgumentException"


class InvalidArgument(EngineError):
    pass


class ExpiredIterator(EngineError):
    code = "ExpiredIteratorException"


class NotFound(EngineError):
    code = "ResourceNotFoundException"


# Sequence numbers have AWS's shape: 56 digits, "49", a per-stream counter (40 digits) that grows
# with every record and every reshard, then the shard's index (14 digits). Fixed width, so they
# order the same as strings and as integers, and a child shard's numbers exceed its parents'.
def sequence_number(counter: int, shard_index: int) -> str:
    return f"49{counter:040d}{shard_index:014d}"


def parse_sequence_number(text: str) -> tuple[int, int]:
    """(counter, shard index) of a sequence number this engine issued."""
    if len(text) != 56 or not text.isdigit() or not text.startswith("49"):
        raise InvalidArgument(f"StartingSequenceNumber {text} is not a valid sequence number")
    return int(text[2:42]), int(text[42:])


def hash_key(partition_key: str, explicit_hash_key: str | None) -> int:
    """The 128-bit key that picks the shard: ExplicitHashKey, else MD5 of the partition key."""
    if explicit_hash_key:
        if not explicit_hash_key.isdigit() or int(explicit_hash_key) >= HASH_SPACE:
            raise InvalidArgument(
                f"ExplicitHashKey {explicit_hash_key} is not a decimal integer in [0, 2^128 - 1]"
            )
        return int(explicit_hash_key)
    return int.from_bytes(hashlib.md5(partition_key.encode()).digest(), "big")


class Shard:
    """One shard's records, in arrival order, as parallel columns (bisectable, compact)."""

    __slots__ = (
        "arrivals",
        "closed_at",
        "counters",
        "data",
        "end_counter",
        "end_hash",
        "first_counter",
        "index",
        "keys",
        "opened_at",
        "parents",
        "shard_id",
        "start_hash",
    )

    def __init__(
        self, index: int, start_hash: int, end_hash: int, first_counter: int, parents: Sequence[str]
    ) -> None:
        self.index, self.start_hash, self.end_hash = index, start_hash, end_hash
        self.shard_id = f"shardId-{index:012d}"
        self.first_counter = first_counter
        self.end_counter: int | None = None  # set when the shard is closed
        self.opened_at, self.closed_at = time.time(), float("inf")
        self.parents = tuple(parents)
        self.counters = array("q")
        self.arrivals = array("d")  # epoch seconds, never decreasing
        self.data: list[bytes] = []
        self.keys: list[str] = []

    @property
    def is_open(self) -> bool:
        return self.end_counter is None

    def to_json(self) -> dict[str, Any]:
        """The shard as DescribeStream and ListShards describe it."""
        out: dict[str, Any] = {
            "ShardId": self.shard_id,
            "HashKeyRange": {
                "StartingHashKey": str(self.start_hash),
                "EndingHashKey": str(self.end_hash),
            },
            "SequenceNumberRange": {
                "StartingSequenceNumber": sequence_number(self.first_counter, self.index)
            },
        }
        if self.end_counter is not None:
            ending = sequence_number(self.end_counter, self.index)
            out["SequenceNumberRange"]["EndingSequenceNumber"] = ending
        if self.parents:
            out["ParentShardId"] = self.parents[0]
        if len(self.parents) > 1:
            out["AdjacentParentShardId"] = self.parents[1]
        return out


@dataclass(frozen=True)
class Position:
    """Where an iterator reads next: after a counter, or at the first record of a time."""

    after: int | None = None
    at_time: float | None = None

    def encode(self) -> str:
        return f"A{self.after}" if self.after is not None else f"T{self.at_time!r}"

    @classmethod
    def decode(cls, text: str) -> Position:
        if text[:1] == "A":
            return cls(after=int(text[1:]))
        if text[:1] == "T":
            return cls(at_time=float(text[1:]))
        raise ValueError(text)


@dataclass(frozen=True)
class ShardIterator:
    stream: str
    incarnation: str
    shard_id: str
    position: Position
    issued_ms: int

    def encode(self) -> str:
        raw = ":".join(
            [
                self.stream,
                self.incarnation,
                self.shard_id,
                self.position.encode(),
                str(self.issued_ms),
            ]
        )
        return base64.urlsafe_b64encode(raw.encode()).decode()

    @classmethod
    def decode(cls, text: str, now_ms: int) -> ShardIterator:
        try:
            stream, incarnation, shard_id, pos, issued = (
                base64.urlsafe_b64decode(text.encode()).decode().split(":")
            )
            it = cls(stream, incarnation, shard_id, Position.decode(pos), int(issued))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise InvalidArgument(f"Invalid ShardIterator: {text[:64]}") from None
        if now_ms - it.issued_ms > ITERATOR_TTL_MS:
            raise ExpiredIterator(
                f"Iterator expired. The iterator was created at time {it.issued_ms} while right "
                f"now it is {now_ms} which is further in the future than the tolerated delay of "
                f"{ITERATOR_TTL_MS} milliseconds."
            )
        return it


@dataclass
class Read:
    """What one GetRecords returns."""

    records: list[dict[str, Any]]
    next_iterator: str | None  # None: the shard is closed and read to its end
    millis_behind: int
    child_shards: list[dict[str, Any]] | None


def _uniform(start: int, end: int, parts: int) -> list[tuple[int, int]]:
    step = (end - start + 1) // parts
    bounds = [start + i * step for i in range(parts)] + [end + 1]
    return [(bounds[i], bounds[i + 1] - 1) for i in range(parts)]


class StreamData:
    """The shards and records of one stream."""

    def __init__(self, name: str, shard_count: int) -> None:
        self.name = name
        self.incarnation = f"{time.time_ns():x}"  # a re-created stream rejects old iterators
        self.lock = threading.Lock()
        self.counter = 0
        self.last_arrival = 0.0
        self.shards: dict[str, Shard] = {}  # every shard, open or closed, in index order
        self._open: list[Shard] = []  # by starting hash key
        self._open_starts: list[int] = []
        for lo, hi in _uniform(0, HASH_SPACE - 1, shard_count):
            self._add(lo, hi, ())
        self._reindex()

    # ---- writes ------------------------------------------------------------------------------

    def put(self, records: Iterable[tuple[str, bytes, str | None]]) -> list[tuple[str, str]]:
        """Store (partition key, data, explicit hash key) records in order: (sequence, shard)."""
        keyed = [(hash_key(pk, ehk), pk, data) for pk, data, ehk in records]
        placed = []
        with self.lock:
            # Arrival times never go back (the clock may), so AT_TIMESTAMP can bisect them.
            now = self.last_arrival = max(time.time(), self.last_arrival)
            for key, pk, data in keyed:
                shard = self._open[bisect_right(self._open_starts, key) - 1]
                self.counter += 1
                shard.counters.append(self.counter)
                shard.arrivals.append(now)
                shard.data.append(data)
                shard.keys.append(pk)
                placed.append((self.counter, shard))
        return [(sequence_number(c, s.index), s.shard_id) for c, s in placed]

    # ---- reads -------------------------------------------------------------------------------

    def iterator(
        self,
        shard_id: str,
        kind: str,
        starting_sequence_number: str | None = None,
        timestamp: float | None = None,
    ) -> str:
        with self.lock:
            shard = self.shard(shard_id)
            position = self._start(shard, kind, starting_sequence_number, timestamp)
        now_ms = int(time.time() * 1000)
        return ShardIterator(self.name, self.incarnation, shard_id, position, now_ms).encode()

    def _start(self, shard: Shard, kind: str, seq: str | None, timestamp: float | None) -> Position:
        if kind == "TRIM_HORIZON":
            return Position(after=0)
        if kind == "LATEST":
            return Position(after=self.counter)
        if kind == "AT_TIMESTAMP":
            if timestamp is None:
                raise InvalidArgument("Must specify timestampInMillis parameter for AT_TIMESTAMP")
            now_ms, at_ms = int(time.time() * 1000), int(timestamp * 1000)
            if at_ms > now_ms:
                raise InvalidArgument(
                    "The timestampInMillis parameter cannot be greater than the "
                    f"currentTimestampInMillis. timestampInMillis: {at_ms}, "
                    f"currentTimestampInMillis: {now_ms}"
                )
            # Kept as a time until a record at or after it exists: none may have arrived yet.
            return Position(at_time=timestamp)
        if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
            if not seq:
                raise InvalidArgument(f"Must specify StartingSequenceNumber for {kind}")
            counter, index = parse_sequence_number(seq)
            if index != shard.index:
                raise InvalidArgument(
                    f"Invalid StartingSequenceNumber. It encodes {index}, while it was used in a "
                    f"call to a shard with {shard.shard_id}"
                )
            return Position(after=counter - 1 if kind == "AT_SEQUENCE_NUMBER" else counter)
        raise InvalidArgument(f"Invalid ShardIteratorType: {kind}")

    def read(self, it: ShardIterator, limit: int) -> Read:
        """The records from an iterator's position on (GetRecords)."""
        if it.incarnation != self.incarnation:
            raise NotFound(f"Stream {self.name} was deleted since the iterator was issued")
        with self.lock:
            shard = self.shard(it.shard_id)
            if it.position.after is not None:
                first = bisect_right(shard.counters, it.position.after)
            else:
                first = bisect_left(shard.arrivals, it.position.at_time or 0.0)
            stored = len(shard.counters)
            last = min(stored, first + limit)
            data = shard.data[first:last]
            keys = shard.keys[first:last]
            counters = shard.counters[first:last]
            arrivals = shard.arrivals[first:last]
            next_arrival = shard.arrivals[last] if last < stored else None
            closed = not shard.is_open
            children = [s for s in self.shards.values() if it.shard_id in s.parents]
        size = 0
        for n, blob in enumerate(data):  # at most 10 MiB, but always at least one record
            size += len(blob) + len(keys[n])
            if size > MAX_READ_BYTES and n > 0:
                next_arrival = arrivals[n]
                data, keys, counters, arrivals = data[:n], keys[:n], counters[:n], arrivals[:n]
                break
        records = [
            {
                "SequenceNumber": sequence_number(counters[n], shard.index),
                "ApproximateArrivalTimestamp": arrivals[n],
                "Data": data[n],
                "PartitionKey": keys[n],
            }
            for n in range(len(data))
        ]
        now = time.time()
        if next_arrival is None and closed:
            # The end of a closed shard: no next iterator, the children instead.
            return Read(records, None, 0, [_child(c) for c in children])
        position = Position(after=counters[-1]) if records else it.position
        nxt = ShardIterator(self.name, self.incarnation, it.shard_id, position, int(now * 1000))
        # How far the reader is behind: the age of the oldest record it has not read yet.
        behind = 0 if next_arrival is None else max(1, int((now - next_arrival) * 1000))
        return Read(records, nxt.encode(), behind, None)

    # ---- shards ------------------------------------------------------------------------------

    def shard(self, shard_id: str) -> Shard:
        try:
            return self.shards[shard_id]
        except KeyError:
            raise NotFound(f"Shard {shard_id} in stream {self.name} does not exist") from None

    def open_count(self) -> int:
        return len(self._open)

    def list(self) -> list[Shard]:
        with self.lock:
            return list(self.shards.values())

    def split(self, shard_id: str, new_starting_hash_key: str) -> None:
        with self.lock:
            shard = self._open_shard(shard_id)
            if not new_starting_hash_key.isdigit():
                raise InvalidArgument(f"NewStartingHashKey {new_starting_hash_key} is not a number")
            new_start = int(new_starting_hash_key)
            if not shard.start_hash < new_start <= shard.end_hash:
                raise InvalidArgument(
                    f"NewStartingHashKey {new_start} used in SplitShard() on shard {shard_id} in "
                    f"stream {self.name} is not both greater than the shard's StartingHashKey "
                    f"{shard.start_hash} and at most its EndingHashKey {shard.end_hash}."
                )
            self._split(shard, new_start)
            self._reindex()

    def merge(self, shard_id: str, adjacent_id: str) -> None:
        with self.lock:
            first, second = self._open_shard(shard_id), self._open_shard(adjacent_id)
            self._merge(first, second)
            self._reindex()

    def update_shard_count(self, target: int) -> int:
        """UNIFORM_SCALING as splits of the widest or merges of the narrowest neighbours."""
        with self.lock:
            current = len(self._open)
            if not (current + 1) // 2 <= target <= 2 * current:
                raise InvalidArgument(
                    f"UpdateShardCount of stream {self.name} to {target}: the target must be "
                    f"between half ({(current + 1) // 2}) and double ({2 * current}) of the "
                    f"current {current} open shards"
                )
            for _ in range(target - current):
                widest = max(self._open, key=lambda s: (s.end_hash - s.start_hash, -s.start_hash))
                self._split(
                    widest, widest.start_hash + (widest.end_hash - widest.start_hash) // 2 + 1
                )
                self._reindex()
            for _ in range(current - target):
                pairs = itertools.pairwise(self._open)
                a, b = min(pairs, key=lambda p: (p[1].end_hash - p[0].start_hash, p[0].start_hash))
                self._merge(a, b)
                self._reindex()
            return current

    def _open_shard(self, shard_id: str) -> Shard:
        shard = self.shard(shard_id)
        if not shard.is_open:
            raise InvalidArgument(
                f"Shard {shard_id} in stream {self.name} has already been merged or split, and "
                "thus is not eligible for merging or splitting."
            )
        return shard

    def _split(self, shard: Shard, new_start: int) -> None:
        self._close(shard)
        self._add(shard.start_hash, new_start - 1, (shard.shard_id,))
        self._add(new_start, shard.end_hash, (shard.shard_id,))

    def _merge(self, first: Shard, second: Shard) -> None:
        if first.end_hash + 1 != second.start_hash and second.end_hash + 1 != first.start_hash:
            raise InvalidArgument(
                f"Shards {first.shard_id} and {second.shard_id} in stream {self.name} are not "
                "adjacent: their hash key ranges do not meet"
            )
        self._close(first)
        self._close(second)
        low, high = min(first.start_hash, second.start_hash), max(first.end_hash, second.end_hash)
        self._add(low, high, (first.shard_id, second.shard_id))

    def _close(self, shard: Shard) -> None:
        # Children start at counter + 1 (_add): above every number of their parents.
        shard.end_counter, shard.closed_at = self.counter, time.time()

    def _add(self, start_hash: int, end_hash: int, parents: tuple[str, ...]) -> None:
        shard = Shard(len(self.shards), start_hash, end_hash, self.counter + 1, parents)
        self.shards[shard.shard_id] = shard

    def _reindex(self) -> None:
        self._open = sorted(
            (s for s in self.shards.values() if s.is_open), key=lambda s: s.start_hash
        )
        self._open_starts = [s.start_hash for s in self._open]


def _child(shard: Shard) -> dict[str, Any]:
    return {
        "ShardId": shard.shard_id,
        "ParentShards": list(shard.parents),
        "HashKeyRange": {
            "StartingHashKey": str(shard.start_hash),
            "EndingHashKey": str(shard.end_hash),
        },
    }
