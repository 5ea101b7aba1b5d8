"""No silent nulls (jobs.common.quality): malformed lines and unparseable values, counted."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from jobs.common import quality
from jobs.common.quality import Quality

GOOD_USER = {"ind": 1, "first_name": "Ann", "last_name": "Lee", "age": 31}

MALFORMED_USER_LINES = [
    '{"ind": 2, "first_name": "Bo", "last_na',  # truncated
    "not json",
    "[1, 2, 3]",
    '[{"ind": 3, "first_name": "Cy", "last_name": "Do", "age": 40}]',  # an array, even of records
    "[]",
    "42",
    "null",
    "",
    "{}",
    '{"first_name": "Ed", "last_name": "Fu", "age": 20}',  # no event key
    '{"ind": "seven", "first_name": "Gi", "last_name": "Ho"}',  # a key that is no integer
    '{"ind": 4, "first_name": "Ia"} and more',  # trailing text
]


def user(**changes: Any) -> str:
    return json.dumps({**GOOD_USER, "date_joined": "2016-01-02 03:04:05", **changes})


def lines(spark: Any, texts: list[str]) -> Any:
    rows = [(text, f"topics/x/partition=0/x+0+0000000000.json#{i}") for i, text in enumerate(texts)]
    return spark.createDataFrame(rows, f"{quality.LINE} string, {quality.WHERE} string")


def test_malformed_lines_are_counted_with_examples_and_never_kept(spark: Any) -> None:
    texts = [user(), *MALFORMED_USER_LINES]
    checked = quality.check(lines(spark, texts), "user")
    found = quality.measure(checked, "user")
    assert (found.landed, found.malformed) == (len(texts), len(MALFORMED_USER_LINES))
    assert len(found.malformed_examples) == 3
    for example in found.malformed_examples:
        assert example["line"] in MALFORMED_USER_LINES and example["where"].startswith("topics/")
    kept = quality.curated(checked, "user").collect()
    assert [(r.ind, r.user_name) for r in kept] == [(1, "Ann Lee")]
    assert found.unparseable_total == 0


def test_unparseable_values_become_null_and_are_counted_per_column(spark: Any) -> None:
    texts = [
        user(ind=1),
        user(ind=2, age="n/a", date_joined="14/05/2019 09:31"),
        user(ind=3, age="", date_joined="2019-05-14T09:31:02"),  # isoformat: valid
        user(ind=4, date_joined="yesterday"),
        user(ind=5, date_joined="2019-02-30 10:00:00"),
        user(ind=6, date_joined="soon"),
        user(ind=7, age=None, date_joined=None),  # missing values are not unparseable
    ]
    checked = quality.check(lines(spark, texts), "user")
    found = quality.measure(checked, "user")
    assert found.malformed == 0
    assert found.unparseable == {"ind": 0, "age": 2, "date_joined": 4}
    assert sorted(found.unparseable_examples["age"]) == ["", "n/a"]
    examples = found.unparseable_examples["date_joined"]
    assert len(examples) == 3 and set(examples) <= {
        "14/05/2019 09:31",
        "yesterday",
        "2019-02-30 10:00:00",
        "soon",
    }
    rows = {r.ind: r for r in quality.curated(checked, "user").collect()}
    assert len(rows) == 7
    assert rows[2].age is None and rows[2].date_joined is None
    assert rows[3].date_joined == dt.datetime(2019, 5, 14, 9, 31, 2)


def test_pin_and_geo_columns_that_must_parse(spark: Any) -> None:
    pin = {
        "index": "x1",
        "unique_id": "u-1",
        "follower_count": "lots",
        "save_location": "nowhere",
        "title": "No Title Data Available",  # a sentinel: null, not counted
    }
    geo = {"ind": 5, "timestamp": "2020-01-01T00:00:00Z", "latitude": "north", "longitude": 1.5}
    found_pin = quality.measure(quality.check(lines(spark, [json.dumps(pin)]), "pin"), "pin")
    found_geo = quality.measure(quality.check(lines(spark, [json.dumps(geo)]), "geo"), "geo")
    assert found_pin.unparseable == {"index": 1, "follower_count": 1, "save_location": 1}
    assert found_geo.unparseable == {"ind": 0, "timestamp": 0, "latitude": 1, "longitude": 0}
    assert found_geo.unparseable_examples["latitude"] == ["north"]


def test_duplicate_deliveries_are_one_row(spark: Any) -> None:
    checked = quality.check(lines(spark, [user(), user(), user(ind=2)]), "user")
    assert sorted(r.ind for r in quality.curated(checked, "user").collect()) == [1, 2]


def quality_of(landed: int, malformed: int, **unparseable: int) -> Quality:
    return Quality(
        "user",
        landed=landed,
        malformed=malformed,
        malformed_examples=[{"where": "k.json", "line": "oops"}] if malformed else [],
        unparseable={"ind": 0, "age": 0, "date_joined": 0, **unparseable},
        unparseable_examples={"ind": [], "age": [], "date_joined": ["x"]},
    )


def test_shares_above_the_limit_name_the_table_and_column() -> None:
    assert quality_of(1000, 10, date_joined=9).over(0.01) == []
    assert quality_of(1000, 11, date_joined=500).over(0.01) == [
        "user: 11 of 1000 landed lines malformed (1.1%), e.g. 'oops' in k.json",
        "user.date_joined: 500 of 989 values unparseable (50.6%), e.g. 'x'",
    ]
    assert quality_of(1000, 0, date_joined=500).over(0.6) == []
    assert quality_of(0, 0).over(0.0) == []  # nothing landed: nothing to divide


def test_micro_batches_add_up_and_keep_three_examples() -> None:
    total = Quality("user")
    for i in range(4):
        q = quality_of(10, 1, age=2)
        q.malformed_examples = [{"where": f"s:{i}", "line": "bad"}]
        q.unparseable_examples = {"ind": [], "age": [f"a{i}"], "date_joined": []}
        total.add(q)
    assert (total.landed, total.malformed, total.unparseable["age"]) == (40, 4, 8)
    assert total.unparseable_examples["age"] == ["a0", "a1", "a2"]
    assert len(total.malformed_examples) == 3
    assert total.to_dict()["unparseable"]["age"] == {"count": 8, "examples": ["a0", "a1", "a2"]}
    assert total.brief() == "4 malformed, unparseable age 8"
    assert Quality("user", unparseable={"age": 0}).brief() == "no malformed lines, none unparseable"
