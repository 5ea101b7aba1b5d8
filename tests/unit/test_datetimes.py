"""Datetimes as clients send them (jobs.common.datetimes), value by value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from pyspark.sql import functions as F

from jobs.common.datetimes import parse_datetime

UTC = dt.UTC

CASES: list[tuple[str | None, dt.datetime | None]] = [
    # str(datetime) and isoformat(), the two forms public clients send
    ("2019-05-14 09:31:02", dt.datetime(2019, 5, 14, 9, 31, 2, tzinfo=UTC)),
    ("2019-05-14T09:31:02", dt.datetime(2019, 5, 14, 9, 31, 2, tzinfo=UTC)),
    # fractional seconds, 1 to 9 digits (Spark keeps microseconds)
    ("2019-05-14 09:31:02.5", dt.datetime(2019, 5, 14, 9, 31, 2, 500000, tzinfo=UTC)),
    ("2019-05-14T09:31:02.123456", dt.datetime(2019, 5, 14, 9, 31, 2, 123456, tzinfo=UTC)),
    ("2019-05-14T09:31:02.123456789", dt.datetime(2019, 5, 14, 9, 31, 2, 123456, tzinfo=UTC)),
    # offsets, converted to UTC
    ("2019-05-14T09:31:02Z", dt.datetime(2019, 5, 14, 9, 31, 2, tzinfo=UTC)),
    ("2019-05-14T09:31:02+00:00", dt.datetime(2019, 5, 14, 9, 31, 2, tzinfo=UTC)),
    ("2019-05-14T09:31:02+01:00", dt.datetime(2019, 5, 14, 8, 31, 2, tzinfo=UTC)),
    ("2019-05-14 09:31:02-05:30", dt.datetime(2019, 5, 14, 15, 1, 2, tzinfo=UTC)),
    ("2019-05-14T09:31:02.25+02:00", dt.datetime(2019, 5, 14, 7, 31, 2, 250000, tzinfo=UTC)),
    # an offset can move the instant into another year (q5 and q9-q11 group by UTC year)
    ("2015-01-01T00:30:00+01:00", dt.datetime(2014, 12, 31, 23, 30, 0, tzinfo=UTC)),
    ("2020-02-29 12:00:00", dt.datetime(2020, 2, 29, 12, 0, 0, tzinfo=UTC)),  # a leap day
    ("2019-05-14 09:31:02+18:00", dt.datetime(2019, 5, 13, 15, 31, 2, tzinfo=UTC)),  # widest offset
    # junk and near misses: null, never an error (ANSI mode)
    ("2019-04-31 00:00:00", None),
    ("2019-05-14 09:31:60", None),
    ("2019-05-14 09:31:02+18:01", None),
    ("2019-05-14 09:31:02+01:60", None),
    ("2019-05-14T09:31:02.1234567890", None),
    ("junk", None),
    ("", None),
    (None, None),
    ("2019-02-30 00:00:00", None),
    ("2019-13-01 00:00:00", None),
    ("2019-05-14 24:00:00", None),
    ("2019-05-14", None),
    ("2019-05-14T09:31", None),
    ("2019-05-14 09:31:02+0100", None),
    ("2019-05-14 09:31:02 +01:00", None),
    ("2019-05-14 09:31:02.", None),
    ("2019-05-14t09:31:02", None),
    ("2019-05-14TT09:31:02", None),
    (" 2019-05-14 09:31:02", None),
    ("14/05/2019 09:31:02", None),
    ("1557826262", None),
]


@pytest.fixture
def session_zone(spark: Any) -> Iterator[Any]:
    """The session in a zone far from UTC: the result must not depend on it."""
    before = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", "America/New_York")
    yield spark
    spark.conf.set("spark.sql.session.timeZone", before)


def parsed(spark: Any, values: list[str | None]) -> list[dt.datetime | None]:
    df = spark.createDataFrame([(i, v) for i, v in enumerate(values)], "i int, v string")
    # Epoch microseconds, so the check needs no time zone on the Python side either.
    micros = F.unix_micros(parse_datetime(F.col("v")))
    rows = sorted(df.select("i", micros.alias("us")).collect())
    epoch = dt.datetime(1970, 1, 1, tzinfo=UTC)
    return [None if r.us is None else epoch + dt.timedelta(microseconds=r.us) for r in rows]


def test_each_value(session_zone: Any) -> None:
    got = parsed(session_zone, [text for text, _ in CASES])
    assert list(zip([t for t, _ in CASES], got, strict=True)) == CASES


def test_the_same_instants_in_utc(spark: Any) -> None:
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    got = parsed(spark, [text for text, _ in CASES])
    assert got == [expected for _, expected in CASES]
