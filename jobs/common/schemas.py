"""Spark schemas of the three tables: as they arrive (from contracts.records) and once cleaned.

Explicit schemas, never inference: inference costs a pass over the data and guesses differently
from one file to the next.
"""

from __future__ import annotations

from pyspark.sql.types import (
    ArrayType,
    DataType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

from contracts.records import SPECS, FieldType, RecordSpec

# Datetimes travel as text (str() or isoformat(), see contracts.records); the cleaning parses them
# (jobs.common.datetimes), so a malformed one becomes null, and is counted, instead of failing.
_WIRE_TYPES: dict[FieldType, DataType] = {
    "int": IntegerType(),
    "string": StringType(),
    "double": DoubleType(),
    "datetime": StringType(),
}


def wire_schema(spec: RecordSpec) -> StructType:
    """The schema of one record on the wire (JSON), in the spec's field order."""
    return StructType([StructField(f.name, _WIRE_TYPES[f.type], True) for f in spec.fields])


WIRE_SCHEMAS: dict[str, StructType] = {table: wire_schema(spec) for table, spec in SPECS.items()}
"""Wire schema per table name (pin, geo, user)."""

CORRUPT_RECORD = "_corrupt_record"
"""Set by from_json when a text is not JSON (or not an object): the line is malformed."""


def read_schema(spec: RecordSpec) -> StructType:
    """How the jobs read a landed line: every field as its JSON text, plus CORRUPT_RECORD.

    Reading text keeps a bad value (`"age": "n/a"`) to be counted by the cleaning; a typed field
    would turn it into null and flag the whole line as corrupt.
    """
    fields = [StructField(f.name, StringType(), True) for f in spec.fields]
    return StructType([*fields, StructField(CORRUPT_RECORD, StringType(), True)])


READ_SCHEMAS: dict[str, StructType] = {table: read_schema(spec) for table, spec in SPECS.items()}

# What the cleaning produces (DESIGN section 7); also the schema of the Delta tables.
CLEAN_SCHEMAS: dict[str, StructType] = {
    "pin": StructType(
        [
            StructField("ind", IntegerType()),
            StructField("unique_id", StringType()),
            StructField("title", StringType()),
            StructField("description", StringType()),
            StructField("follower_count", LongType()),
            StructField("poster_name", StringType()),
            StructField("tag_list", StringType()),
            StructField("is_image_or_video", StringType()),
            StructField("image_src", StringType()),
            StructField("save_location", StringType()),
            StructField("category", StringType()),
        ]
    ),
    "geo": StructType(
        [
            StructField("ind", IntegerType()),
            StructField("country", StringType()),
            StructField("coordinates", ArrayType(DoubleType())),
            StructField("timestamp", TimestampType()),
        ]
    ),
    "user": StructType(
        [
            StructField("ind", IntegerType()),
            StructField("user_name", StringType()),
            StructField("age", IntegerType()),
            StructField("date_joined", TimestampType()),
        ]
    ),
}
