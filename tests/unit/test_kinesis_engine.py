"""The in-process Kinesis engine's data plane (engine.py) on its own, without LocalStack.

The same behaviour through LocalStack's endpoint and API Gateway is in
tests/integration/test_kinesis_engine_stack.py.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time

import pytest

from devstack.services.localstack_site.devstack_kinesis import engine
from devstack.services.localstack_site.devstack_kinesis.engine import (
    HASH_SPACE,
    ITERATOR_TTL_MS,
    ExpiredIterator,
    InvalidArgument,
    NotFound,
    ShardIterator,
    StreamData,
)

HALF = str(HASH_SPACE // 2)  # ExplicitHashKey of the second of two uniform shards


def put(stream: StreamData, n: int, hash_key: str | None = None, tag: str = "r") -> list[str]:
    placed = stream.put([(f"{tag}{i}", f"{tag}{i}".encode(), hash_key) for i in range(n)])
    return [seq for seq, _ in placed]


def read(stream: StreamData, iterator: str, limit: int = 10_000) -> engine.Read:
    return stream.read(ShardIterator.decode(iterator, int(time.time() * 1000)), limit)


def read_all(stream: StreamData, shard_id: str) -> list[bytes]:
    out: list[bytes] = []
    iterator: str | None = stream.iterator(shard_id, "TRIM_HORIZON")
    while iterator:
        got = read(stream, iterator)
        out += [r["Data"] for r in got.records]
        if not got.records and got.next_iterator is not None:
            break  # an open shard read to its end
        iterator = got.next_iterator
    return out


def test_sequence_numbers_have_aws_shape_and_grow_per_shard() -> None:
    stream = StreamData("s", 2)
    seqs = put(stream, 5, "0") + put(stream, 5, HALF) + put(stream, 5, "0")
    assert all(len(s) == 56 and s.isdigit() and s.startswith("49") for s in seqs)
    first = seqs[:5] + seqs[10:]
    assert first == sorted(first) == sorted(first, key=int) and len(set(seqs)) == 15
    assert {engine.parse_sequence_number(s)[1] for s in first} == {0}
    assert {engine.parse_sequence_number(s)[1] for s in seqs[5:10]} == {1}
    with pytest.raises(InvalidArgument):
        engine.parse_sequence_number("12345")


def test_records_go_to_the_shard_owning_their_hash_key() -> None:
    stream = StreamData("s", 4)
    bounds = [(s.start_hash, s.end_hash) for s in stream.list()]
    assert bounds[0][0] == 0 and bounds[-1][1] == HASH_SPACE - 1
    assert all(a[1] + 1 == b[0] for a, b in itertools.pairwise(bounds))
    placed = stream.put([("k", b"x", str(lo)) for lo, _ in bounds] + [("k", b"y", None)])
    assert [shard for _, shard in placed[:4]] == [s.shard_id for s in stream.list()]
    md5 = engine.hash_key("k", None)
    owner = next(s for s in stream.list() if s.start_hash <= md5 <= s.end_hash)
    assert placed[4][1] == owner.shard_id
    with pytest.raises(InvalidArgument):
        stream.put([("k", b"x", str(HASH_SPACE))])


def test_every_iterator_type_starts_where_kinesis_does() -> None:
    stream = StreamData("s", 1)
    shard = "shardId-000000000000"
    seqs = put(stream, 4)
    data = [b"r0", b"r1", b"r2", b"r3"]

    def records(kind: str, **kw: object) -> list[bytes]:
        it = stream.iterator(shard, kind, **kw)  # type: ignore[arg-type]
        return [r["Data"] for r in read(stream, it).records]

    assert records("TRIM_HORIZON") == data
    assert records("AT_SEQUENCE_NUMBER", starting_sequence_number=seqs[1]) == data[1:]
    assert records("AFTER_SEQUENCE_NUMBER", starting_sequence_number=seqs[1]) == data[2:]
    latest = stream.iterator(shard, "LATEST")
    put(stream, 2, tag="new")
    assert [r["Data"] for r in read(stream, latest).records] == [b"new0", b"new1"]
    with pytest.raises(InvalidArgument, match="Invalid ShardIteratorType"):
        stream.iterator(shard, "SOMEWHERE")
    with pytest.raises(NotFound):
        stream.iterator("shardId-000000000009", "LATEST")
    other = StreamData("t", 2)
    foreign = put(other, 1, HALF)[0]  # a number of shard 1, used on shard 0
    with pytest.raises(InvalidArgument, match="StartingSequenceNumber"):
        other.iterator(shard, "AT_SEQUENCE_NUMBER", starting_sequence_number=foreign)


def test_at_timestamp_starts_at_the_first_record_that_arrived_then_even_if_none_has_yet() -> None:
    stream = StreamData("s", 1)
    shard = "shardId-000000000000"
    put(stream, 3, tag="old")
    time.sleep(0.01)
    cut = time.time()
    time.sleep(0.01)
    put(stream, 2, tag="new")
    it = stream.iterator(shard, "AT_TIMESTAMP", timestamp=cut)
    got = read(stream, it)
    assert [r["Data"] for r in got.records] == [b"new0", b"new1"]
    assert all(r["ApproximateArrivalTimestamp"] >= cut for r in got.records)
    # No record at or after the timestamp yet: the iterator waits for one, it does not hang.
    time.sleep(0.01)
    waiting = read(stream, stream.iterator(shard, "AT_TIMESTAMP", timestamp=time.time()))
    assert waiting.records == [] and waiting.next_iterator and waiting.millis_behind == 0
    put(stream, 1, tag="late")
    assert [r["Data"] for r in read(stream, waiting.next_iterator).records] == [b"late0"]
    with pytest.raises(InvalidArgument, match="cannot be greater than the currentTimestamp"):
        stream.iterator(shard, "AT_TIMESTAMP", timestamp=time.time() + 60)


def test_reads_are_capped_and_millis_behind_latest_says_more_is_waiting() -> None:
    stream = StreamData("s", 1)
    shard = "shardId-000000000000"
    put(stream, 5)
    time.sleep(0.02)
    first = read(stream, stream.iterator(shard, "TRIM_HORIZON"), limit=2)
    assert len(first.records) == 2 and first.millis_behind >= 20
    rest = read(stream, first.next_iterator or "", limit=10)
    assert [r["Data"] for r in rest.records] == [b"r2", b"r3", b"r4"]
    assert rest.millis_behind == 0 and rest.next_iterator
    empty = read(stream, rest.next_iterator or "")
    assert empty.records == [] and empty.millis_behind == 0 and empty.next_iterator


def test_a_read_returns_at_most_10_mib_but_at_least_one_record() -> None:
    stream = StreamData("s", 1)
    big = b"x" * (4 * 1024 * 1024)
    stream.put([("k", big, None)] * 4)
    got = read(stream, stream.iterator("shardId-000000000000", "TRIM_HORIZON"))
    assert len(got.records) == 2 and got.millis_behind > 0
    huge = StreamData("t", 1)
    huge.put([("k", b"y" * (engine.MAX_READ_BYTES + 1), None)])
    assert len(read(huge, huge.iterator("shardId-000000000000", "TRIM_HORIZON")).records) == 1


def test_iterators_expire_after_five_minutes_and_die_with_their_stream() -> None:
    stream = StreamData("s", 1)
    it = stream.iterator("shardId-000000000000", "TRIM_HORIZON")
    issued = ShardIterator.decode(it, int(time.time() * 1000)).issued_ms
    with pytest.raises(ExpiredIterator, match="Iterator expired"):
        ShardIterator.decode(it, issued + ITERATOR_TTL_MS + 1)
    with pytest.raises(InvalidArgument, match="Invalid ShardIterator"):
        ShardIterator.decode("not-an-iterator", issued)
    recreated = StreamData("s", 1)  # same name, new stream
    with pytest.raises(NotFound):
        recreated.read(ShardIterator.decode(it, issued), 10)


def test_split_closes_the_parent_which_keeps_its_records_and_points_to_its_children() -> None:
    stream = StreamData("s", 1)
    parent = "shardId-000000000000"
    before = put(stream, 3)
    stream.split(parent, HALF)
    after = stream.put([("a", b"low", "0"), ("b", b"high", HALF)])
    shards = {s.shard_id: s for s in stream.list()}
    assert not shards[parent].is_open and shards[parent].to_json()["SequenceNumberRange"].get(
        "EndingSequenceNumber"
    )
    children = [s for s in shards.values() if s.parents == (parent,)]
    assert [(c.start_hash, c.end_hash) for c in children] == [
        (0, HASH_SPACE // 2 - 1),
        (HASH_SPACE // 2, HASH_SPACE - 1),
    ]
    assert {shard for _, shard in after} == {c.shard_id for c in children}
    assert min(int(s) for s, _ in after) > max(int(s) for s in before)
    # The parent is read to its end, then the reader is told where to go on.
    got = read(stream, stream.iterator(parent, "TRIM_HORIZON"))
    assert [r["Data"] for r in got.records] == [b"r0", b"r1", b"r2"]
    assert got.next_iterator is None and got.millis_behind == 0
    assert [c["ShardId"] for c in got.child_shards or []] == [c.shard_id for c in children]
    assert all(c["ParentShards"] == [parent] for c in got.child_shards or [])
    with pytest.raises(InvalidArgument, match="already been merged or split"):
        stream.split(parent, HALF)
    with pytest.raises(InvalidArgument, match="NewStartingHashKey"):
        stream.split(children[0].shard_id, "0")


def test_merge_needs_adjacent_open_shards_and_the_child_has_both_parents() -> None:
    stream = StreamData("s", 3)
    a, b, c = (s.shard_id for s in stream.list())
    with pytest.raises(InvalidArgument, match="not adjacent"):
        stream.merge(a, c)
    put(stream, 2, "0")
    stream.merge(b, a)
    child = stream.list()[-1]
    assert child.parents == (b, a) and child.start_hash == 0
    assert child.to_json()["ParentShardId"] == b and child.to_json()["AdjacentParentShardId"] == a
    assert read_all(stream, a) == [b"r0", b"r1"]
    assert stream.open_count() == 2


def test_update_shard_count_doubles_and_halves_uniformly_within_kinesis_bounds() -> None:
    stream = StreamData("s", 2)
    assert stream.update_shard_count(4) == 2
    ranges = sorted((s.start_hash, s.end_hash) for s in stream.list() if s.is_open)
    assert ranges == engine._uniform(0, HASH_SPACE - 1, 4)
    assert stream.update_shard_count(2) == 4
    assert sorted((s.start_hash, s.end_hash) for s in stream.list() if s.is_open) == (
        engine._uniform(0, HASH_SPACE - 1, 2)
    )
    assert all(s.parents for s in stream.list()[2:])
    with pytest.raises(InvalidArgument, match="between half"):
        stream.update_shard_count(5)


def test_concurrent_puts_keep_each_shard_in_sequence_order() -> None:
    stream = StreamData("s", 2)
    sequences: list[str] = []
    lock = threading.Lock()

    def writer(w: int) -> None:
        for b in range(20):
            got = stream.put([(f"{w}-{b}-{i}", b"x", None) for i in range(25)])
            with lock:
                sequences.extend(seq for seq, _ in got)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, so races show up
    try:
        threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert len(sequences) == len(set(sequences)) == 8 * 20 * 25
    stored = 0
    for shard in stream.list():
        assert list(shard.counters) == sorted(shard.counters)
        assert list(shard.arrivals) == sorted(shard.arrivals)
        stored += len(shard.counters)
    assert stored == len(sequences)
