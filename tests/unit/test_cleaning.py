"""Every cleaning rule of DESIGN section 7 on small hand-made DataFrames."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jobs.common import cleaning
from jobs.common.schemas import CLEAN_SCHEMAS, WIRE_SCHEMAS

GOOD_PIN: dict[str, Any] = {
    "index": 7,
    "unique_id": "u-7",
    "title": "Cozy Cabin",
    "description": "A cabin in the woods",
    "poster_name": "Ann Lee",
    "follower_count": "437",
    "tag_list": "Cabin,Woods",
    "is_image_or_video": "image",
    "image_src": "https://i.pinimg.com/a.jpg",
    "downloaded": 1,
    "save_location": "Local save in /data/home-decor",
    "category": "home-decor",
}
GOOD_GEO: dict[str, Any] = {
    "ind": 7,
    "timestamp": "2019-03-04 05:06:07",
    "latitude": 12.5,
    "longitude": -45.25,
    "country": "Peru",
}
GOOD_USER: dict[str, Any] = {
    "ind": 7,
    "first_name": "Ann",
    "last_name": "Lee",
    "age": 31,
    "date_joined": "2016-01-02 03:04:05",
}


def raw(spark: Any, table: str, rows: list[dict[str, Any]]) -> Any:
    """A DataFrame as the job reads it: wire schema, columns in spec order."""
    names = WIRE_SCHEMAS[table].fieldNames()
    return spark.createDataFrame([tuple(r[n] for n in names) for r in rows], WIRE_SCHEMAS[table])


def pin(**changes: Any) -> dict[str, Any]:
    return {**GOOD_PIN, **changes}


SENTINELS = [
    ("title", "No Title Data Available"),
    ("description", "No description available Story format"),
    ("description", "No description available"),
    ("description", "Untitled"),
    ("poster_name", "User Info Error"),
    ("follower_count", "User Info Error"),
    ("tag_list", "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e"),
    ("image_src", "Image src error."),
]


def clean_pins(spark: Any, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One pin per change set (index = position), cleaned row by row, in input order.

    One Spark job per test keeps the suite fast.
    """
    rows = [pin(index=i, **c) for i, c in enumerate(changes)]
    out = sorted(cleaning.normalize_pin(raw(spark, "pin", rows)).collect(), key=by_ind)
    assert [r.ind for r in out] == list(range(len(changes)))
    return [r.asDict() for r in out]


def by_ind(row: Any) -> Any:
    return row.ind


def test_each_sentinel_becomes_null_in_its_column(spark: Any) -> None:
    rows = clean_pins(spark, [{column: value} for column, value in SENTINELS])
    for (column, value), row in zip(SENTINELS, rows, strict=True):
        assert row[column] is None, (column, value)
        # The other columns are untouched.
        assert row["unique_id"] == "u-7" and row["category"] == "home-decor"


def test_sentinels_are_per_column(spark: Any) -> None:
    # "Untitled" is a missing description, but a legitimate title.
    [row] = clean_pins(spark, [{"title": "Untitled", "poster_name": "Image src error."}])
    assert row["title"] == "Untitled"
    assert row["poster_name"] == "Image src error."


def test_empty_strings_become_null(spark: Any) -> None:
    columns = cleaning.PIN_STRING_COLUMNS
    rows = clean_pins(spark, [{column: ""} for column in columns])
    for column, row in zip(columns, rows, strict=True):
        assert row[column] is None, column
        assert sum(v is None for v in row.values()) == 1, column


FOLLOWER_COUNTS = [
    ("437", 437),
    ("0", 0),
    ("26k", 26_000),
    ("6M", 6_000_000),
    ("1.5k", 1_500),
    ("1.1k", 1_100),
    ("2.3M", 2_300_000),
    ("12K", None),
    ("1.5", None),
    ("-5", None),
    ("1,000", None),
    ("k", None),
    ("5 k", None),
    ("lots", None),
    ("99999999999999999999999", None),
    ("User Info Error", None),
    ("", None),
    (None, None),
]


def test_follower_count(spark: Any) -> None:
    rows = clean_pins(spark, [{"follower_count": text} for text, _ in FOLLOWER_COUNTS])
    texts = [text for text, _ in FOLLOWER_COUNTS]
    got = [(t, row["follower_count"]) for t, row in zip(texts, rows, strict=True)]
    assert got == FOLLOWER_COUNTS


def test_save_location_keeps_the_path(spark: Any) -> None:
    cases = [
        ("Local save in /data/mens-fashion", "/data/mens-fashion"),
        ("/data/art", "/data/art"),
        ("no path here", None),
    ]
    rows = clean_pins(spark, [{"save_location": text} for text, _ in cases])
    assert [row["save_location"] for row in rows] == [expected for _, expected in cases]


def test_pin_index_renamed_and_downloaded_dropped(spark: Any) -> None:
    row = cleaning.normalize_pin(raw(spark, "pin", [pin()])).collect()[0].asDict()
    assert row["ind"] == 7
    assert "index" not in row and "downloaded" not in row


def test_geo(spark: Any) -> None:
    bad = {**GOOD_GEO, "ind": 8, "timestamp": "not-a-date", "latitude": None}
    rows = sorted(cleaning.normalize_geo(raw(spark, "geo", [GOOD_GEO, bad])).collect(), key=by_ind)
    assert rows[0].asDict() == {
        "ind": 7,
        "country": "Peru",
        "coordinates": [12.5, -45.25],
        "timestamp": dt.datetime(2019, 3, 4, 5, 6, 7),
    }
    # Junk never fails the job (ANSI mode): it becomes null.
    assert rows[1]["timestamp"] is None
    assert rows[1]["coordinates"] == [None, -45.25]


def test_user(spark: Any) -> None:
    bad = {**GOOD_USER, "ind": 8, "date_joined": "2016-13-45 99:00:00"}
    rows = sorted(
        cleaning.normalize_user(raw(spark, "user", [GOOD_USER, bad])).collect(), key=by_ind
    )
    assert rows[0].asDict() == {
        "ind": 7,
        "user_name": "Ann Lee",
        "age": 31,
        "date_joined": dt.datetime(2016, 1, 2, 3, 4, 5),
    }
    assert rows[1]["date_joined"] is None


@pytest.mark.parametrize("table", ["pin", "geo", "user"])
def test_column_order_and_types(spark: Any, table: str) -> None:
    good = {"pin": GOOD_PIN, "geo": GOOD_GEO, "user": GOOD_USER}[table]
    df = raw(spark, table, [good])
    expected = types(CLEAN_SCHEMAS[table])
    assert types(cleaning.NORMALIZERS[table](df).schema) == expected
    assert types(cleaning.CLEANERS[table](df).schema) == expected


def types(schema: Any) -> list[tuple[str, str]]:
    """Names and types in order (nullability is Spark's business: array() is never null)."""
    return [(f.name, f.dataType.simpleString()) for f in schema.fields]


def test_pin_delivered_twice_is_kept_once(spark: Any) -> None:
    twice = raw(spark, "pin", [pin(), pin(), pin(unique_id="u-8", index=8)])
    assert cleaning.normalize_pin(twice).count() == 3  # row-level step keeps duplicates
    rows = sorted(cleaning.clean_pin(twice).collect(), key=by_ind)
    assert [(r.ind, r.unique_id) for r in rows] == [(7, "u-7"), (8, "u-8")]


def test_pins_with_the_same_index_but_other_ids_are_two_events(spark: Any) -> None:
    df = raw(spark, "pin", [pin(), pin(unique_id="u-other")])
    assert cleaning.clean_pin(df).count() == 2


@pytest.mark.parametrize(("table", "good"), [("geo", GOOD_GEO), ("user", GOOD_USER)])
def test_geo_and_user_delivered_twice_are_kept_once(
    spark: Any, table: str, good: dict[str, Any]
) -> None:
    df = raw(spark, table, [good, good, {**good, "ind": 9}])
    assert sorted(r.ind for r in cleaning.CLEANERS[table](df).collect()) == [7, 9]


def test_dedupe_is_deterministic_when_copies_differ(spark: Any) -> None:
    # Two rows with one key that differ: the same one survives whatever the input order.
    a, b = pin(title="A title"), pin(title="B title")
    for rows in ([a, b], [b, a]):
        kept = cleaning.clean_pin(raw(spark, "pin", rows).repartition(2)).collect()
        assert [r.title for r in kept] == ["A title"]


def test_datetimes_in_isoformat_and_with_offsets_parse(spark: Any) -> None:
    # What public clients send: isoformat() text, and sometimes an offset (to UTC).
    user = {**GOOD_USER, "date_joined": "2016-01-02T03:04:05"}
    geo = {**GOOD_GEO, "timestamp": "2019-03-04T06:06:07.5+01:00"}
    [u] = cleaning.normalize_user(raw(spark, "user", [user])).collect()
    [g] = cleaning.normalize_geo(raw(spark, "geo", [geo])).collect()
    assert u["date_joined"] == dt.datetime(2016, 1, 2, 3, 4, 5)
    assert g["timestamp"] == dt.datetime(2019, 3, 4, 5, 6, 7, 500000)


@pytest.mark.parametrize(
    ("table", "row"),
    [
        ("pin", pin(unique_id=None)),
        ("pin", pin(unique_id="")),
        ("geo", {**GOOD_GEO, "ind": None}),
        ("user", {**GOOD_USER, "ind": None}),
    ],
)
def test_a_row_without_its_event_key_is_not_kept(
    spark: Any, table: str, row: dict[str, Any]
) -> None:
    good = {"pin": GOOD_PIN, "geo": GOOD_GEO, "user": GOOD_USER}[table]
    kept = cleaning.CLEANERS[table](raw(spark, table, [good, row])).collect()
    assert len(kept) == 1 and kept[0][cleaning.EVENT_KEYS[table]] is not None


def test_rules_name_the_wire_columns_that_must_parse() -> None:
    assert list(cleaning.pin_rules().checks) == ["index", "follower_count", "save_location"]
    assert list(cleaning.geo_rules().checks) == ["ind", "timestamp", "latitude", "longitude"]
    assert list(cleaning.user_rules().checks) == ["ind", "age", "date_joined"]
