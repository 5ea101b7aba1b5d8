"""Cleaning of the three tables (DESIGN section 7), shared by the batch and the streaming job.

Each table has two steps, separately callable:
- `normalize_<table>(df)`: row by row (nulls for sentinels, types, renames, column order). It never
  looks at other rows, so it is safe on any slice of the data, e.g. one streaming micro-batch.
- `dedupe(df, key)`: drops duplicate deliveries of one event (delivery is at least once), keeping
  one row per event key, chosen deterministically. A streaming job applies it within a micro-batch
  and must still drop duplicates across micro-batches itself (e.g. with a MERGE on the key).
`clean_<table>(df)` is both, after dropping rows without an event key.

`rules(table)` says, besides the cleaned columns, which wire values must parse (`checks`): a value
that is neither valid nor a sentinel becomes null, and jobs.common.quality counts it.

Only Spark built-in expressions (no Python UDFs), and ANSI-safe ones: `try_cast` and
`try_to_timestamp`, so junk becomes null instead of failing the job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from contracts.records import SPECS
from contracts.sentinels import PIN_SENTINELS
from jobs.common.datetimes import parse_datetime

PIN_STRING_COLUMNS = (
    "unique_id",
    "title",
    "description",
    "poster_name",
    "follower_count",
    "tag_list",
    "is_image_or_video",
    "image_src",
    "save_location",
    "category",
)

EVENT_KEYS: dict[str, str] = {
    # The pin's key is its unique_id; geo and user are keyed by the event index, `ind` once clean.
    "pin": SPECS["pin"].event_key,
    "geo": SPECS["geo"].event_key,
    "user": SPECS["user"].event_key,
}
"""Column identifying one event in the cleaned table: duplicates of it are one delivery too many."""

_PLAIN_COUNT = r"^[0-9]+$"
_SUFFIXED_COUNT = r"^[0-9]+(\.[0-9]+)?[kM]$"


@dataclass(frozen=True)
class Rules:
    """How one table is cleaned."""

    columns: list[Column]
    """The cleaned columns, named and in the DESIGN order."""
    checks: dict[str, tuple[Column, Column]]
    """Wire column -> (the value given, sentinels already null; its parsed value). A value given
    whose parse is null is unparseable."""
    key: Column
    """The cleaned event key: a row without it is not an event."""


def follower_count(c: Column) -> Column:
    """'437' -> 437, '26k' -> 26000, '1.5k' -> 1500, '6M' -> 6000000; anything else -> null."""
    # Decimal, not double: 1.1k must be exactly 1100. Fractions of a follower are dropped.
    number = F.regexp_replace(c, "[kM]$", "").try_cast("decimal(26,6)")
    scaled = number * F.when(c.endswith("M"), F.lit(1_000_000)).otherwise(F.lit(1_000))
    return (
        F.when(c.rlike(_PLAIN_COUNT), c.try_cast("bigint"))
        .when(c.rlike(_SUFFIXED_COUNT), scaled.try_cast("bigint"))
        .otherwise(F.lit(None).cast("bigint"))
    )


def _nullify(column: str) -> Column:
    """The column with its sentinels and empty strings turned into null."""
    c = F.col(column)
    missing = ["", *PIN_SENTINELS.get(column, ())]
    return F.when(c.isin(missing), F.lit(None).cast("string")).otherwise(c)


def _int(column: str) -> Column:
    return F.col(column).try_cast("int")


def pin_rules() -> Rules:
    s = {name: _nullify(name) for name in PIN_STRING_COLUMNS}
    # Keep only the path of "Local save in /data/<category>"; no path at all -> null.
    path = F.regexp_extract(s["save_location"], r"(/.*)$", 1)
    save_location = F.when(path != "", path)
    followers = follower_count(s["follower_count"])
    return Rules(
        columns=[
            _int("index").alias("ind"),
            s["unique_id"].alias("unique_id"),
            s["title"].alias("title"),
            s["description"].alias("description"),
            followers.alias("follower_count"),
            s["poster_name"].alias("poster_name"),
            s["tag_list"].alias("tag_list"),
            s["is_image_or_video"].alias("is_image_or_video"),
            s["image_src"].alias("image_src"),
            save_location.alias("save_location"),
            s["category"].alias("category"),
        ],
        checks={
            "index": (F.col("index"), _int("index")),
            "follower_count": (s["follower_count"], followers),
            "save_location": (s["save_location"], save_location),
        },
        key=s["unique_id"],
    )


def geo_rules() -> Rules:
    latitude = F.col("latitude").try_cast("double")
    longitude = F.col("longitude").try_cast("double")
    timestamp = parse_datetime(F.col("timestamp"))
    return Rules(
        columns=[
            _int("ind").alias("ind"),
            F.col("country").cast("string").alias("country"),
            F.array(latitude, longitude).alias("coordinates"),
            timestamp.alias("timestamp"),
        ],
        checks={
            "ind": (F.col("ind"), _int("ind")),
            "timestamp": (F.col("timestamp"), timestamp),
            "latitude": (F.col("latitude"), latitude),
            "longitude": (F.col("longitude"), longitude),
        },
        key=_int("ind"),
    )


def user_rules() -> Rules:
    age = _int("age")
    date_joined = parse_datetime(F.col("date_joined"))
    return Rules(
        columns=[
            _int("ind").alias("ind"),
            F.concat(F.col("first_name"), F.lit(" "), F.col("last_name")).alias("user_name"),
            age.alias("age"),
            date_joined.alias("date_joined"),
        ],
        checks={
            "ind": (F.col("ind"), _int("ind")),
            "age": (F.col("age"), age),
            "date_joined": (F.col("date_joined"), date_joined),
        },
        key=_int("ind"),
    )


RULES: dict[str, Callable[[], Rules]] = {"pin": pin_rules, "geo": geo_rules, "user": user_rules}


def normalize_pin(df: DataFrame) -> DataFrame:
    """Row-level cleaning of pin (no dedup)."""
    return df.select(*pin_rules().columns)


def normalize_geo(df: DataFrame) -> DataFrame:
    """Row-level cleaning of geo (no dedup)."""
    return df.select(*geo_rules().columns)


def normalize_user(df: DataFrame) -> DataFrame:
    """Row-level cleaning of user (no dedup)."""
    return df.select(*user_rules().columns)


def dedupe(df: DataFrame, key: str) -> DataFrame:
    """One row per `key`: the smallest row by its columns in order, so reruns pick the same row.

    Duplicate deliveries are identical, so which copy survives only matters if two rows share a
    key and differ; then the choice is still deterministic. Rows with a null key would count as
    one event (like dropDuplicates): the jobs drop them before, as malformed.
    (A window, not `min(struct(...))` per key: a struct of strings cannot be a hash aggregate's
    buffer, so Spark sorts the rows on both sides of the shuffle; the window sorts once.)
    """
    order = Window.partitionBy(key).orderBy(*[F.col(c).asc_nulls_first() for c in df.columns])
    return df.withColumn("_n", F.row_number().over(order)).where(F.col("_n") == 1).drop("_n")


def _clean(df: DataFrame, table: str) -> DataFrame:
    rules = RULES[table]()
    keyed = df.filter(rules.key.isNotNull()).select(*rules.columns)
    return dedupe(keyed, EVENT_KEYS[table])


def clean_pin(df: DataFrame) -> DataFrame:
    return _clean(df, "pin")


def clean_geo(df: DataFrame) -> DataFrame:
    return _clean(df, "geo")


def clean_user(df: DataFrame) -> DataFrame:
    return _clean(df, "user")


NORMALIZERS: dict[str, Callable[[DataFrame], DataFrame]] = {
    "pin": normalize_pin,
    "geo": normalize_geo,
    "user": normalize_user,
}
CLEANERS: dict[str, Callable[[DataFrame], DataFrame]] = {
    "pin": clean_pin,
    "geo": clean_geo,
    "user": clean_user,
}
