"""Each answer of DESIGN section 8 on a tiny hand-made dataset, its right answer worked out by hand.

Tables are built cleaned (CLEAN_SCHEMAS); the rows a case needs are given, nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from contracts.answers import ANSWERS
from jobs.batch import analytics
from jobs.batch.analytics import CleanTables
from jobs.common.schemas import CLEAN_SCHEMAS

T = dt.datetime
POSTED = T(2020, 1, 1)
JOINED = T(2016, 1, 1)


def pin(
    ind: int, category: str | None = "art", followers: int | None = 1, poster: str | None = "P"
) -> Any:
    return (ind, f"u{ind}", "t", "d", followers, poster, "x,y", "image", "src", "/data/x", category)


def geo(ind: int, country: str | None = "Peru", when: T | None = POSTED) -> Any:
    return (ind, country, [0.0, 0.0], when)


def user(
    ind: int, name: str | None = "Ann Lee", age: int | None = 30, joined: T | None = JOINED
) -> Any:
    return (ind, name, age, joined)


def tables(
    spark: Any, pins: Sequence[Any], geos: Sequence[Any] = (), users: Sequence[Any] = ()
) -> CleanTables:
    def df(table: str, rows: Sequence[Any]) -> Any:
        return spark.createDataFrame(list(rows), CLEAN_SCHEMAS[table])

    return CleanTables(df("pin", pins), df("geo", geos), df("user", users))


def answer(name: str, t: CleanTables) -> list[tuple[Any, ...]]:
    df = analytics.QUESTIONS[name](analytics.facts(t))
    assert df.columns == list(ANSWERS[name].columns)
    return [tuple(r) for r in df.collect()]


def test_age_groups(spark: Any) -> None:
    ages = [17, 18, 24, 25, 35, 36, 50, 51, 120, None]
    df = spark.createDataFrame([(a,) for a in ages], "age int")
    got = [r[0] for r in df.select(analytics.age_group(df.age)).collect()]
    assert got == [None, "18-24", "18-24", "25-35", "25-35", "36-50", "36-50", "50+", "50+", None]


def test_q4_most_popular_category_by_country(spark: Any) -> None:
    t = tables(
        spark,
        pins=[
            pin(1, "beauty"),
            pin(2, "beauty"),
            pin(3, "art"),
            pin(4, "art"),  # Albania: art 2, beauty 2 -> tie -> art
            pin(5, "diy"),
            pin(6, "travel"),
            pin(7, "travel"),  # Brazil: travel 2
            pin(8, "art"),  # no country
            pin(9, None),  # Chile: its only pin has no category -> no row
            pin(10, "quotes"),  # no geo row at all
        ],
        geos=[
            *(geo(i, "Albania") for i in (1, 2, 3, 4)),
            *(geo(i, "Brazil") for i in (5, 6, 7)),
            geo(8, None),
            geo(9, "Chile"),
        ],
    )
    assert answer("q4", t) == [("Albania", "art", 2), ("Brazil", "travel", 2)]


def test_q5_most_popular_category_by_year(spark: Any) -> None:
    t = tables(
        spark,
        pins=[
            pin(1, "beauty"),
            pin(2, "art"),  # 2018: a tie -> art
            pin(3, "travel"),
            pin(4, "travel"),
            pin(5, "quotes"),  # 2022: travel 2
            pin(6, "diy"),
            pin(7, "diy"),  # 2017 and 2023: out of range
            pin(8, "diy"),  # no timestamp
        ],
        geos=[
            geo(1, when=T(2018, 1, 1, 0, 0, 0)),
            geo(2, when=T(2018, 12, 31, 23, 59, 59)),
            geo(3, when=T(2022, 6, 1)),
            geo(4, when=T(2022, 12, 31, 23, 59, 59)),
            geo(5, when=T(2022, 1, 1)),
            geo(6, when=T(2017, 12, 31, 23, 59, 59)),
            geo(7, when=T(2023, 1, 1)),
            geo(8, when=None),
        ],
    )
    assert answer("q5", t) == [(2018, "art", 1), (2022, "travel", 2)]


def q6_tables(spark: Any) -> CleanTables:
    return tables(
        spark,
        pins=[
            pin(1, poster="Xavier", followers=100),
            pin(2, poster="Zoe", followers=500),
            pin(3, poster="Yann", followers=500),  # A: Yann and Zoe tie at 500 -> Yann
            pin(4, poster="Walt", followers=1000),
            pin(5, poster=None, followers=5000),  # B: no poster name -> left out
            pin(6, poster="Vic", followers=None),  # B: no count -> left out
            pin(7, poster="Quinn", followers=1000),  # D: ties with B's 1000
            pin(8, poster="Uma", followers=None),  # C: nothing countable -> no row
        ],
        geos=[
            *(geo(i, "A") for i in (1, 2, 3)),
            *(geo(i, "B") for i in (4, 5, 6)),
            geo(7, "D"),
            geo(8, "C"),
        ],
    )


def test_q6a_top_user_by_country(spark: Any) -> None:
    assert answer("q6a", q6_tables(spark)) == [
        ("A", "Yann", 500),
        ("B", "Walt", 1000),
        ("D", "Quinn", 1000),
    ]


def test_q6b_country_of_the_top_user(spark: Any) -> None:
    assert answer("q6b", q6_tables(spark)) == [("B", 1000)]  # B and D tie -> B


def test_q7_most_popular_category_by_age_group(spark: Any) -> None:
    ages_categories = [
        (17, "art"),  # too young: no group
        (18, "travel"),
        (24, "travel"),
        (24, "art"),  # 18-24: travel 2
        (25, "beauty"),
        (35, "art"),  # 25-35: tie -> art
        (36, "quotes"),
        (50, "quotes"),
        (50, "diy"),  # 36-50: quotes 2
        (51, "diy"),  # 50+: diy 1
        (None, "art"),  # no age: no group
    ]
    t = tables(
        spark,
        pins=[pin(i, c) for i, (_, c) in enumerate(ages_categories)],
        users=[user(i, age=a) for i, (a, _) in enumerate(ages_categories)],
    )
    assert answer("q7", t) == [
        ("18-24", "travel", 2),
        ("25-35", "art", 1),
        ("36-50", "quotes", 2),
        ("50+", "diy", 1),
    ]


def test_q8_median_followers_by_age_group(spark: Any) -> None:
    events = [
        # (user row, follower count)
        (("Ann Lee", 20, T(2016, 1, 1)), 10),
        (("Ann Lee", 20, T(2016, 1, 1)), 30),  # the same person again: another event
        (("Bob Ray", 22, T(2017, 1, 1)), 20),  # 18-24: 10 20 30 -> 20 (odd count)
        (("Cy Dee", 25, T(2017, 1, 1)), 10),
        (("Cy Dee", 25, T(2017, 1, 1)), 20),
        (("Di Eve", 35, T(2017, 1, 1)), 30),
        (("Ed Fay", 30, T(2017, 1, 1)), 45),  # 25-35: 10 20 30 45 -> 25 (even count)
        (("Flo Gee", 40, T(2017, 1, 1)), 7),
        (("Flo Gee", 40, T(2017, 1, 1)), None),  # 36-50: the null count is left out -> 7
        (("Gus Hay", 60, T(2017, 1, 1)), 100),
        (("Gus Hay", 60, T(2017, 1, 1)), 1),
        (("Ida Jo", 70, T(2017, 1, 1)), 100),  # 50+: 1 100 100 -> 100
        (("Kid Lo", 17, T(2017, 1, 1)), 999),  # under 18: no group
        (("No Age", None, T(2017, 1, 1)), 999),
    ]
    t = tables(
        spark,
        pins=[pin(i, followers=f) for i, (_, f) in enumerate(events)],
        users=[user(i, *u) for i, (u, _) in enumerate(events)],
    )
    assert answer("q8", t) == [("18-24", 20.0), ("25-35", 25.0), ("36-50", 7.0), ("50+", 100.0)]


def test_q9_users_joined_by_year_counts_people_once(spark: Any) -> None:
    t = tables(
        spark,
        pins=[],
        users=[
            user(1, "Ann Lee", 30, T(2015, 3, 1)),
            user(2, "Ann Lee", 30, T(2015, 3, 1)),
            user(3, "Ann Lee", 30, T(2015, 3, 1)),  # one person under three ind values
            user(4, "Ann Lee", 31, T(2015, 7, 1)),  # same name, other age: another person
            user(5, "Bob Ray", 40, T(2015, 12, 31, 23, 59, 59)),  # 2015: 3 people
            user(6, "Cy Dee", 22, T(2016, 1, 1, 0, 0, 0)),  # 2016: 1
            user(7, "Old Timer", 50, T(2014, 6, 1)),  # out of range
            user(8, "New Comer", 50, T(2021, 1, 1)),  # out of range
            user(9, "No Date", 50, None),
        ],
    )
    assert answer("q9", t) == [(2015, 3), (2016, 1)]


def test_q10_median_followers_by_join_year(spark: Any) -> None:
    events = [
        (user(0, "Ann Lee", 30, T(2015, 3, 1)), 10),
        (user(1, "Ann Lee", 30, T(2015, 3, 1)), 20),  # same person, second event
        (user(2, "Bob Ray", 30, T(2015, 5, 1)), 40),
        (user(3, "Cy Dee", 30, T(2015, 9, 1)), 90),  # 2015: 10 20 40 90 -> 30 (mean: 40)
        (user(4, "Cy Dee", 30, T(2015, 9, 1)), None),  # null count: left out
        (user(5, "Di Eve", 30, T(2020, 12, 31, 23, 59, 59)), 5),  # 2020: 5
        (user(6, "Ed Fay", 30, T(2014, 12, 31)), 1000),  # out of range
        (user(7, "Flo Gee", 30, T(2021, 1, 1)), 1000),  # out of range
    ]
    t = tables(
        spark,
        pins=[pin(i, followers=f) for i, (_, f) in enumerate(events)],
        users=[u for u, _ in events],
    )
    assert answer("q10", t) == [(2015, 30.0), (2020, 5.0)]


def test_q11_median_followers_by_age_group_and_join_year(spark: Any) -> None:
    events = [
        ((20, T(2015, 1, 1)), 10),
        ((24, T(2015, 6, 1)), 20),  # (18-24, 2015): 10 20 -> 15
        ((18, T(2016, 1, 1)), 7),  # (18-24, 2016): 7
        ((51, T(2015, 1, 1)), 9),
        ((80, T(2015, 2, 1)), 1),
        ((51, T(2015, 3, 1)), 2),  # (50+, 2015): 1 2 9 -> 2
        ((17, T(2015, 1, 1)), 100),  # no age group
        ((30, T(2021, 1, 1)), 100),  # out of range
        ((None, T(2015, 1, 1)), 100),  # no age
    ]
    t = tables(
        spark,
        pins=[pin(i, followers=f) for i, (_, f) in enumerate(events)],
        users=[user(i, f"U {i}", a, j) for i, ((a, j), _) in enumerate(events)],
    )
    assert answer("q11", t) == [("18-24", 2015, 15.0), ("18-24", 2016, 7.0), ("50+", 2015, 2.0)]


def test_every_answer_of_the_contract_has_one_question() -> None:
    assert list(analytics.QUESTIONS) == list(ANSWERS)
