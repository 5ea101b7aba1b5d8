"""The nine answers of DESIGN section 8, one function each, over the three cleaned tables.

Each function returns a small DataFrame with exactly the section 8 columns, sorted by its first
column(s). Decisions fixed by the design: age groups 18-24, 25-35, 36-50, 50+ (under 18 or null: no
group); "most popular" keeps one row per group, ties to the smaller name; medians are exact
(`median`, interpolating); 9 counts distinct people, 8/10/11 count posting events (pin joined to the
user of the same ind); null keys or measures are left out; years are UTC years.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

POST_YEARS = (2018, 2022)
"""Question 5: post years, inclusive."""
JOIN_YEARS = (2015, 2020)
"""Questions 9-11: joining years, inclusive."""


@dataclass(frozen=True)
class Tables:
    """The three cleaned tables."""

    pin: DataFrame
    geo: DataFrame
    user: DataFrame


def age_group(age: Column) -> Column:
    """'18-24', '25-35', '36-50', '50+' (over 50); null under 18 or when the age is null."""
    return (
        F.when(age.between(18, 24), "18-24")
        .when(age.between(25, 35), "25-35")
        .when(age.between(36, 50), "36-50")
        .when(age > 50, "50+")
    )


def top_per_group(df: DataFrame, groups: list[str], name: str, measure: str) -> DataFrame:
    """The row with the largest `measure` per group; a tie goes to the smaller `name`."""
    order = Window.partitionBy(*groups).orderBy(F.col(measure).desc(), F.col(name).asc())
    return (
        df.withColumn("_rank", F.row_number().over(order))
        .where(F.col("_rank") == 1)
        .select(*groups, name, measure)
        .orderBy(*groups)
    )


def _most_popular_category(df: DataFrame, groups: list[str]) -> DataFrame:
    counts = (
        df.where(F.col("category").isNotNull())
        .groupBy(*groups, "category")
        .agg(F.count(F.lit(1)).alias("category_count"))
    )
    return top_per_group(counts, groups, "category", "category_count")


def _in_years(year: Column, years: tuple[int, int]) -> Column:
    return year.between(*years)


def _pin_geo(t: Tables) -> DataFrame:
    return t.pin.join(t.geo, "ind")


def _events(t: Tables) -> DataFrame:
    """Posting events with their poster's details: the pin joined to the user of the same ind."""
    return t.pin.select("ind", "category", "follower_count").join(
        t.user.select(
            "ind",
            age_group(F.col("age")).alias("age_group"),
            F.year("date_joined").alias("post_year"),
        ),
        "ind",
    )


def q4_category_by_country(t: Tables) -> DataFrame:
    df = _pin_geo(t).where(F.col("country").isNotNull())
    return _most_popular_category(df, ["country"])


def q5_category_by_year(t: Tables) -> DataFrame:
    df = _pin_geo(t).withColumn("post_year", F.year("timestamp"))
    df = df.where(_in_years(F.col("post_year"), POST_YEARS))
    return _most_popular_category(df, ["post_year"])


def q6a_top_user_by_country(t: Tables) -> DataFrame:
    df = _pin_geo(t).where(
        F.col("country").isNotNull()
        & F.col("poster_name").isNotNull()
        & F.col("follower_count").isNotNull()
    )
    return top_per_group(df, ["country"], "poster_name", "follower_count")


def q6b_top_country(t: Tables) -> DataFrame:
    top = q6a_top_user_by_country(t)
    return (
        top.orderBy(F.col("follower_count").desc(), F.col("country").asc())
        .limit(1)
        .select("country", "follower_count")
    )


def q7_category_by_age_group(t: Tables) -> DataFrame:
    df = _events(t).where(F.col("age_group").isNotNull())
    return _most_popular_category(df, ["age_group"])


def _median_followers(df: DataFrame, groups: list[str]) -> DataFrame:
    return (
        df.where(F.col("follower_count").isNotNull())
        .groupBy(*groups)
        .agg(F.median("follower_count").alias("median_follower_count"))
        .orderBy(*groups)
    )


def q8_median_followers_by_age_group(t: Tables) -> DataFrame:
    return _median_followers(_events(t).where(F.col("age_group").isNotNull()), ["age_group"])


def q9_users_joined_by_year(t: Tables) -> DataFrame:
    # A person is (user_name, age, date_joined): the same person posts under several ind values.
    people = t.user.select("user_name", "age", "date_joined").distinct()
    return (
        people.withColumn("post_year", F.year("date_joined"))
        .where(_in_years(F.col("post_year"), JOIN_YEARS))
        .groupBy("post_year")
        .agg(F.count(F.lit(1)).alias("number_users_joined"))
        .orderBy("post_year")
    )


def q10_median_followers_by_join_year(t: Tables) -> DataFrame:
    df = _events(t).where(_in_years(F.col("post_year"), JOIN_YEARS))
    return _median_followers(df, ["post_year"])


def q11_median_followers_by_age_group_and_join_year(t: Tables) -> DataFrame:
    df = _events(t).where(
        F.col("age_group").isNotNull() & _in_years(F.col("post_year"), JOIN_YEARS)
    )
    return _median_followers(df, ["age_group", "post_year"])


QUESTIONS: dict[str, Callable[[Tables], DataFrame]] = {
    "q4": q4_category_by_country,
    "q5": q5_category_by_year,
    "q6a": q6a_top_user_by_country,
    "q6b": q6b_top_country,
    "q7": q7_category_by_age_group,
    "q8": q8_median_followers_by_age_group,
    "q9": q9_users_joined_by_year,
    "q10": q10_median_followers_by_join_year,
    "q11": q11_median_followers_by_age_group_and_join_year,
}
"""Every answer by its file name (DIR/<key>.csv)."""

COLUMNS: dict[str, list[str]] = {
    "q4": ["country", "category", "category_count"],
    "q5": ["post_year", "category", "category_count"],
    "q6a": ["country", "poster_name", "follower_count"],
    "q6b": ["country", "follower_count"],
    "q7": ["age_group", "category", "category_count"],
    "q8": ["age_group", "median_follower_count"],
    "q9": ["post_year", "number_users_joined"],
    "q10": ["post_year", "median_follower_count"],
    "q11": ["age_group", "post_year", "median_follower_count"],
}
"""The section 8 columns of each answer, in order."""
