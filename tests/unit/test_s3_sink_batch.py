"""S3 sink batching: cuts by flush.size and rotate.interval.ms, JSON lines, object names."""

from __future__ import annotations

import pytest

from contracts.names import sink_key
from devstack.s3_sink.batch import BadRecord, Batcher, json_line


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def spans(batches: list) -> list[tuple[int, int, int]]:
    return [(b.partition, b.start_offset, b.end_offset) for b in batches]


def test_key_layout() -> None:
    assert (
        sink_key("0a1b2c3d4e5f.pin", 2, 1500)
        == "topics/0a1b2c3d4e5f.pin/partition=2/0a1b2c3d4e5f.pin+2+0000001500.json"
    )
    assert sink_key("t", 0, 7, "landing").startswith("landing/t/partition=0/t+0+")


def test_flush_size_cuts_each_partition_separately() -> None:
    batcher = Batcher(flush_size=3, rotate_interval_ms=-1, clock=Clock())
    closed = []
    for offset in range(7):
        closed += batcher.add("t", 0, offset, b"%d\n" % offset)
        closed += batcher.add("t", 1, 100 + offset, b"x\n")
    assert spans(closed) == [(0, 0, 2), (1, 100, 102), (0, 3, 5), (1, 103, 105)]
    assert closed[0].body() == b"0\n1\n2\n" and closed[0].next_offset == 3
    assert spans(batcher.take()) == [(0, 6, 6), (1, 106, 106)]
    assert batcher.open == {}


def test_rotation_closes_the_open_batch_before_the_next_record() -> None:
    clock = Clock()
    batcher = Batcher(flush_size=100, rotate_interval_ms=1000, clock=clock)
    assert batcher.add("t", 0, 0, b"a\n") == []
    clock.now += 0.999
    assert batcher.add("t", 0, 1, b"b\n") == []
    clock.now += 0.001  # 1 s after the batch's first record, not its last
    closed = batcher.add("t", 0, 2, b"c\n")
    assert spans(closed) == [(0, 0, 1)]
    assert spans(list(batcher.open.values())) == [(0, 2, 2)]


def test_rotation_on_idle_polls() -> None:
    clock = Clock()
    batcher = Batcher(flush_size=100, rotate_interval_ms=500, clock=clock)
    batcher.add("t", 0, 0, b"a\n")
    clock.now += 0.2
    batcher.add("t", 1, 0, b"b\n")
    clock.now += 0.3
    assert spans(batcher.expired()) == [(0, 0, 0)]  # partition 1 is only 0.3 s old
    clock.now += 0.2
    assert spans(batcher.expired()) == [(1, 0, 0)]
    assert batcher.expired() == []


def test_no_rotation_when_disabled() -> None:
    clock = Clock()
    batcher = Batcher(flush_size=100, rotate_interval_ms=-1, clock=clock)
    batcher.add("t", 0, 0, b"a\n")
    clock.now += 1e6
    assert batcher.expired() == []


def test_take_and_drop_by_partition() -> None:
    batcher = Batcher(flush_size=100, rotate_interval_ms=-1, clock=Clock())
    for p in range(3):
        batcher.add("t", p, 0, b"a\n")
        batcher.add("t", p, 1, b"b\n")
    assert spans(batcher.take([("t", 1), ("t", 9)])) == [(1, 0, 1)]
    assert batcher.drop([("t", 2)]) == 2
    assert list(batcher.open) == [("t", 0)]


def test_json_line_keeps_the_value_bytes() -> None:
    value = '{"b": 2, "a":"é"}'.encode()
    assert json_line(value) == value + b"\n"


def test_json_line_compacts_a_multiline_value() -> None:
    assert json_line(b'{\n  "a": [1,\n 2]\n}') == b'{"a":[1,2]}\n'


@pytest.mark.parametrize("value", [None, b"not json", b"\xff", b""])
def test_json_line_rejects_what_jsonconverter_would(value: bytes | None) -> None:
    with pytest.raises(BadRecord):
        json_line(value)
