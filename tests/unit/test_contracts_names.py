"""contracts.names: every name derives from PIPELINE_ID (DESIGN section 3)."""

from __future__ import annotations

import glob
import re
from pathlib import Path

import pytest

from contracts.names import (
    DEFAULT_PIPELINE_ID,
    TABLES,
    Names,
    SinkKey,
    pipeline_id_from_env,
    sink_glob,
    sink_key,
    sink_prefix,
)
from contracts.records import SPECS

N = Names("0a1b2c3d4e5f")


def test_names_of_design_section_3() -> None:
    assert N.topics == ["0a1b2c3d4e5f.pin", "0a1b2c3d4e5f.geo", "0a1b2c3d4e5f.user"]
    assert N.streams == [
        "streaming-0a1b2c3d4e5f-pin",
        "streaming-0a1b2c3d4e5f-geo",
        "streaming-0a1b2c3d4e5f-user",
    ]
    assert N.bucket == "user-0a1b2c3d4e5f-bucket"
    assert N.table("geo") == "0a1b2c3d4e5f_geo_table"
    assert N.stream_metrics_file("user") == "0a1b2c3d4e5f_user_table.metrics.json"


def test_sink_keys_carry_a_ten_digit_start_offset() -> None:
    key = sink_key("0a1b2c3d4e5f.pin", 0, 1234)
    assert key == "topics/0a1b2c3d4e5f.pin/partition=0/0a1b2c3d4e5f.pin+0+0000001234.json"
    assert key.startswith(sink_prefix("0a1b2c3d4e5f.pin"))


def test_sink_keys_parse_back_under_any_prefix() -> None:
    for key in (sink_key("t.pin", 2, 1500), "runs/r1/" + sink_key("t.pin", 2, 1500, "landing")):
        parsed = SinkKey.parse(key)
        assert parsed is not None and parsed.key == key
        assert (parsed.topic, parsed.partition, parsed.start_offset) == ("t.pin", 2, 1500)
    for other in (
        "topics/t.pin/partition=2/t.pin+2+1500.json",  # fewer than 10 digits
        "topics/t.pin/partition=2/t.geo+2+0000001500.json",  # another topic's name
        "topics/t.pin/partition=2/t.pin+3+0000001500.json",  # another partition's name
        "topics/t.pin/partition=2/t.pin+2+0000001500.json.tmp",
        "t.pin/partition=2/t.pin+2+0000001500.json",  # no topics dir
    ):
        assert SinkKey.parse(other) is None, other


def test_sink_glob_matches_every_object_of_one_topic(tmp_path: Path) -> None:
    keys = [sink_key("t.pin", p, start) for p in (0, 1) for start in (0, 500)]
    for key in [*keys, sink_key("t.geo", 0, 0), "topics/t.pin/partition=0/notes.txt"]:
        (tmp_path / key).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / key).write_text("{}\n")
    found = glob.glob(sink_glob(str(tmp_path) + "/", "t.pin"))
    assert sorted(found) == sorted(str(tmp_path / k) for k in keys)


def test_topics_regex_matches_exactly_this_pipeline() -> None:
    pattern = re.compile(N.topics_regex)
    assert all(pattern.fullmatch(t) for t in N.topics)
    for other in ("0a1b2c3d4e5fXpin", "0a1b2c3d4e5f.pins", "ffff.pin", "0a1b2c3d4e5f.post"):
        assert not pattern.fullmatch(other)


def test_round_trips_from_topic_and_stream() -> None:
    for table in TABLES:
        assert N.table_of_topic(N.topic(table)) == table
        assert N.table_of_stream(N.stream(table)) == table
    with pytest.raises(ValueError, match="does not belong"):
        N.table_of_topic("other.pin")
    with pytest.raises(ValueError, match="does not belong"):
        N.table_of_stream("streaming-other-pin")


@pytest.mark.parametrize("bad", ["", "abc", "Has-Upper", "under_score", "-lead", "x" * 33, "a.b1"])
def test_invalid_pipeline_ids_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid PIPELINE_ID"):
        Names(bad)


def test_unknown_table_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown table 'pins'"):
        N.topic("pins")


def test_pipeline_id_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIPELINE_ID", raising=False)
    assert pipeline_id_from_env() == DEFAULT_PIPELINE_ID == "0a1b2c3d4e5f"
    monkeypatch.setenv("PIPELINE_ID", "team-42")
    assert Names.from_env().topic("pin") == "team-42.pin"


def test_record_specs_follow_the_tables() -> None:
    assert tuple(SPECS) == TABLES
