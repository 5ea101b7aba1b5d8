"""The Spark schemas follow contracts.records, and a wire record reads back with them as sent."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pyspark.sql.types import DoubleType, IntegerType, StringType

from contracts.records import SPECS, dumps, to_wire
from jobs.common.schemas import CLEAN_SCHEMAS, WIRE_SCHEMAS


def test_wire_schemas_follow_the_record_specs() -> None:
    expected_type = {
        "int": IntegerType(),
        "string": StringType(),
        "double": DoubleType(),
        "datetime": StringType(),  # parsed by the cleaning, where junk becomes null
    }
    for table, spec in SPECS.items():
        schema = WIRE_SCHEMAS[table]
        assert schema.fieldNames() == spec.field_names
        assert [f.dataType for f in schema.fields] == [expected_type[f.type] for f in spec.fields]


def test_clean_schemas_have_the_design_column_order() -> None:
    assert CLEAN_SCHEMAS["pin"].fieldNames() == [
        "ind",
        "unique_id",
        "title",
        "description",
        "follower_count",
        "poster_name",
        "tag_list",
        "is_image_or_video",
        "image_src",
        "save_location",
        "category",
    ]
    assert CLEAN_SCHEMAS["geo"].fieldNames() == ["ind", "country", "coordinates", "timestamp"]
    assert CLEAN_SCHEMAS["user"].fieldNames() == ["ind", "user_name", "age", "date_joined"]


def test_wire_json_reads_back_with_the_wire_schema(spark: Any, tmp_path: Path) -> None:
    row = {
        "ind": 3,
        "timestamp": dt.datetime(2020, 5, 6, 7, 8, 9),
        "latitude": -1.5,
        "longitude": 2.25,
        "country": "Peru",
    }
    wire = to_wire(SPECS["geo"], row)
    (tmp_path / "geo.json").write_text(dumps(wire) + "\n")
    [read] = spark.read.schema(WIRE_SCHEMAS["geo"]).json(str(tmp_path / "geo.json")).collect()
    assert read.asDict() == json.loads(dumps(wire))
    assert read["timestamp"] == "2020-05-06 07:08:09"
