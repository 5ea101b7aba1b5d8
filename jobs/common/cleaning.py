"""Cleaning of the three tables (DESIGN section 7), shared by the batch and the streaming job.

Each table has two steps, separately callable:
- `normalize_<table>(df)`: row by row (nulls for sentinels, types, renames, column order). It never
  looks at other rows, so it is safe on any slice of the data, e.g. one streaming micro-batch.
- `dedupe(df, key)`: drops duplicate deliveries of one event (delivery is at least once), keeping
  one row per event key, chosen deterministically. A streaming job applies it within a micro-batch
  and must still drop duplicates across micro-batches itself (e.g. with a MERGE on the key).
`clean_<table>(df)` is both: `dedupe(normalize_<table>(df), EVENT_KEYS[table])`.

Only Spark built-in expressions (no Python UDFs), and ANSI-safe ones: `try_cast` and
`try_to_timestamp`, so junk becomes null instead of failing the job.
"""

from __future__ import annotations

from collections.abc import Callable

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from contracts.records import SPECS

DATETIME_PATTERN = "yyyy-MM-dd HH:mm:ss"
"""Spark pattern of contracts.records.DATETIME_FORMAT, the wire form of a datetime."""

PIN_SENTINELS: dict[str, tuple[str, ...]] = {
    "title": ("No Title Data Available",),
    "description": (
        "No description available Story format",
        "No description available",
        "Untitled",
    ),
    "poster_name": ("User Info Error",),
    "follower_count": ("User Info Error",),
    "tag_list": ("N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e",),
    "image_src": ("Image src error.",),
}
"""Values the source uses for 'missing', per pin column; cleaning turns them into null."""

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


def normalize_pin(df: DataFrame) -> DataFrame:
    """Row-level cleaning of pin (no dedup)."""
    s = {name: _nullify(name) for name in PIN_STRING_COLUMNS}
    # Keep only the path of "Local save in /data/<category>"; no path at all -> null.
    path = F.regexp_extract(s["save_location"], r"(/.*)$", 1)
    return df.select(
        F.col("index").try_cast("int").alias("ind"),
        s["unique_id"].alias("unique_id"),
        s["title"].alias("title"),
        s["description"].alias("description"),
        follower_count(s["follower_count"]).alias("follower_count"),
        s["poster_name"].alias("poster_name"),
        s["tag_list"].alias("tag_list"),
        s["is_image_or_video"].alias("is_image_or_video"),
        s["image_src"].alias("image_src"),
        F.when(path != "", path).alias("save_location"),
        s["category"].alias("category"),
    )


def _timestamp(column: str) -> Column:
    return F.try_to_timestamp(F.col(column).cast("string"), F.lit(DATETIME_PATTERN))


def normalize_geo(df: DataFrame) -> DataFrame:
    """Row-level cleaning of geo (no dedup)."""
    return df.select(
        F.col("ind").try_cast("int").alias("ind"),
        F.col("country"),
        F.array(F.col("latitude").try_cast("double"), F.col("longitude").try_cast("double")).alias(
            "coordinates"
        ),
        _timestamp("timestamp").alias("timestamp"),
    )


def normalize_user(df: DataFrame) -> DataFrame:
    """Row-level cleaning of user (no dedup)."""
    return df.select(
        F.col("ind").try_cast("int").alias("ind"),
        F.concat(F.col("first_name"), F.lit(" "), F.col("last_name")).alias("user_name"),
        F.col("age").try_cast("int").alias("age"),
        _timestamp("date_joined").alias("date_joined"),
    )


def dedupe(df: DataFrame, key: str) -> DataFrame:
    """One row per `key`: the smallest row by its columns in order, so reruns pick the same row.

    Duplicate deliveries are identical, so which copy survives only matters if two rows share a
    key and differ; then the choice is still deterministic. Rows with a null key count as one
    event (like dropDuplicates).
    """
    columns = df.columns
    return (
        df.groupBy(key)
        .agg(F.min(F.struct(*[F.col(c) for c in columns])).alias("_row"))
        .select(*[F.col(f"_row.{c}").alias(c) for c in columns])
    )


def clean_pin(df: DataFrame) -> DataFrame:
    return dedupe(normalize_pin(df), EVENT_KEYS["pin"])


def clean_geo(df: DataFrame) -> DataFrame:
    return dedupe(normalize_geo(df), EVENT_KEYS["geo"])


def clean_user(df: DataFrame) -> DataFrame:
    return dedupe(normalize_user(df), EVENT_KEYS["user"])


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
