"""The nine answers of DESIGN section 8, one function each, over the three cleaned tables.

`facts(tables)` joins the pins to geo and to user once; every answer reads that (question 9 its
distinct people). The job caches the joined posts, so the nine answers share one join instead of
each joining again. Each function returns a small DataFrame with exactly the columns of
contracts.answers, sorted by its first column(s). Decisions fixed by the design: age groups 18-24,
25-35, 36-50, 50+ (under 18 or null: no group); "most popular" keeps one row per group, ties to the
smaller name; medians are exact (`median`, interpolating); 9 counts distinct people, 8/10/11 count
posting events (pin joined to the user of the same ind); null keys or measures are left out; years
are UTC years.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from contracts.answers import JOIN_YEARS, POST_YEARS


@dataclass(frozen=True)
class CleanTables:
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


@dataclass(frozen=True)
class Facts:
    """What the answers read, built once from the three tables by `facts`."""

    posts: DataFrame
    """One row per pin, with its place (geo) and its poster (user) of the same ind:
    category, follower_count, poster_name; country, post_year, PLACED (a geo row was found);
    age_group, join_year, POSTER (a user row was found)."""
    people: DataFrame
    """user_name, age, date_joined: one row per person (question 9)."""

    def cache(self) -> int:
        """Keep `posts` in memory for the answers that follow; returns its row count."""
        return self.posts.cache().count()

    def unpersist(self) -> None:
        self.posts.unpersist()


PLACED = "_placed"
POSTER = "_poster"


def facts(t: CleanTables) -> Facts:
    """The pins joined once to geo and to user (left joins: a pin without a place still has its
    poster, and the other way round). geo and user hold one row per ind (the cleaning's event
    key), so each pin stays one row."""
    geo = t.geo.select(
        "ind", "country", F.year("timestamp").alias("post_year"), F.lit(True).alias(PLACED)
    )
    user = t.user.select(
        "ind",
        age_group(F.col("age")).alias("age_group"),
        F.year("date_joined").alias("join_year"),
        F.lit(True).alias(POSTER),
    )
    posts = (
        t.pin.select("ind", "category", "follower_count", "poster_name")
        .join(geo, "ind", "left")
        .join(user, "ind", "left")
        .drop("ind")
    )
    return Facts(posts=posts, people=t.user.select("user_name", "age", "date_joined").distinct())


def _most_popular_category(df: DataFrame, groups: list[str]) -> DataFrame:
    counts = (
        df.where(F.col("category").isNotNull())
        .groupBy(*groups, "category")
        .agg(F.count(F.lit(1)).alias("category_count"))
    )
    return top_per_group(counts, groups, "category", "category_count")


def _in_years(year: Column, years: tuple[int, int]) -> Column:
    return year.between(*years)


def _placed(f: Facts) -> DataFrame:
    """Posts with a place: the pin joined to the geo row of the same ind."""
    return f.posts.where(F.col(PLACED))


def _events(f: Facts) -> DataFrame:
    """Posting events with their poster: the pin joined to the user of the same ind."""
    return f.posts.where(F.col(POSTER))


def q4_category_by_country(f: Facts) -> DataFrame:
    df = _placed(f).where(F.col("country").isNotNull())
    return _most_popular_category(df, ["country"])


def q5_category_by_year(f: Facts) -> DataFrame:
    df = _placed(f).where(_in_years(F.col("post_year"), POST_YEARS))
    return _most_popular_category(df, ["post_year"])


def q6a_top_user_by_country(f: Facts) -> DataFrame:
    df = _placed(f).where(
        F.col("country").isNotNull()
        & F.col("poster_name").isNotNull()
        & F.col("follower_count").isNotNull()
    )
    # Rank only the posts that have their country's largest count: a few rows, not all posts.
    best = df.groupBy("country").agg(F.max("follower_count").alias("follower_count"))
    return top_per_group(
        df.join(best, ["country", "follower_count"]), ["country"], "poster_name", "follower_count"
    )


def q6b_top_country(f: Facts) -> DataFrame:
    top = q6a_top_user_by_country(f)
    return (
        top.orderBy(F.col("follower_count").desc(), F.col("country").asc())
        .limit(1)
        .select("country", "follower_count")
    )


def q7_category_by_age_group(f: Facts) -> DataFrame:
    df = _events(f).where(F.col("age_group").isNotNull())
    return _most_popular_category(df, ["age_group"])


def _median_followers(df: DataFrame, groups: list[str]) -> DataFrame:
    return (
        df.where(F.col("follower_count").isNotNull())
        .groupBy(*groups)
        .agg(F.median("follower_count").alias("median_follower_count"))
        .orderBy(*groups)
    )


def q8_median_followers_by_age_group(f: Facts) -> DataFrame:
    return _median_followers(_events(f).where(F.col("age_group").isNotNull()), ["age_group"])


def q9_users_joined_by_year(f: Facts) -> DataFrame:
    # A person is (user_name, age, date_joined): the same person posts under several ind values.
    return (
        f.people.withColumn("post_year", F.year("date_joined"))
        .where(_in_years(F.col("post_year"), JOIN_YEARS))
        .groupBy("post_year")
        .agg(F.count(F.lit(1)).alias("number_users_joined"))
        .orderBy("post_year")
    )


def _joined_in_years(f: Facts) -> DataFrame:
    """Posting events whose poster joined in JOIN_YEARS; the joining year as `post_year`."""
    df = _events(f).where(_in_years(F.col("join_year"), JOIN_YEARS))
    return df.select("follower_count", "age_group", F.col("join_year").alias("post_year"))


def q10_median_followers_by_join_year(f: Facts) -> DataFrame:
    return _median_followers(_joined_in_years(f), ["post_year"])


def q11_median_followers_by_age_group_and_join_year(f: Facts) -> DataFrame:
    df = _joined_in_years(f).where(F.col("age_group").isNotNull())
    return _median_followers(df, ["age_group", "post_year"])


QUESTIONS: dict[str, Callable[[Facts], DataFrame]] = {
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
"""Every answer of contracts.answers.ANSWERS by its key, computed from `facts(tables)`."""
