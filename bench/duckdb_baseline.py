"""The batch benchmark's baseline: DuckDB computing the nine answers (DESIGN section 8).

Two ways, both from the data the Spark job is measured on:
- `from_source`: the source database the landed lines were generated from (SQLite, read into
  Arrow with the ADBC SQLite driver; DuckDB's own SQLite extension is downloaded at run time,
  which cannot happen offline). This is the issue's baseline: the answers straight from the rows.
- `from_landed`: the landed JSON lines themselves, read by DuckDB's JSON reader, with the same
  cleaning and de-duplication as the job (DESIGN section 7). The same input and the same work as
  the job, less the Delta write and the counting of malformed and unparseable values.

Both clean with the same SQL (the source holds the same dirt as the wire), then answer with the
same nine queries, written from the design, not from the Spark code. Each returns the answers as
rows comparable with the job's (`jobs.batch.job.BatchSummary.answers`) and seconds per stage.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from contracts.answers import JOIN_YEARS, POST_YEARS
from contracts.names import TABLES, Names, sink_glob
from contracts.records import SPECS
from contracts.sentinels import PIN_SENTINELS

Rows = list[tuple[Any, ...]]

_FOLLOWERS = """
    CASE
        WHEN regexp_full_match({c}, '[0-9]+') THEN TRY_CAST({c} AS BIGINT)
        WHEN regexp_full_match({c}, '[0-9]+(\\.[0-9]+)?[kM]') THEN TRY_CAST(trunc(
            TRY_CAST(regexp_replace({c}, '[kM]$', '') AS DECIMAL(26, 6))
            * CASE WHEN suffix({c}, 'M') THEN 1000000 ELSE 1000 END) AS BIGINT)
    END"""
_DATETIME_FORMS = (  # date, space or T, time, optional fraction, optional Z or +hh:mm / -hh:mm
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?"
)


def _datetime(c: str) -> str:
    """The text as a UTC instant when it is one of the accepted forms, else NULL."""
    return f"""CASE WHEN regexp_full_match(CAST({c} AS VARCHAR), '{_DATETIME_FORMS}')
        THEN TRY_CAST(CAST({c} AS VARCHAR) AS TIMESTAMPTZ) END"""


def _nullify(column: str) -> str:
    """A pin column with its sentinels and the empty string as NULL."""
    missing = ", ".join(f"'{s}'" for s in ("", *PIN_SENTINELS.get(column, ())))
    return f"CASE WHEN {column} IN ({missing}) THEN NULL ELSE {column} END"


def _one_per(key: str, *columns: str) -> str:
    """One row of `rows` per non-null key: the smallest by its columns in order."""
    fields = ", ".join(f"'{c}': \"{c}\"" for c in columns)
    return f"""SELECT r.* FROM (SELECT min({{{fields}}}) AS r FROM rows
        WHERE {key} IS NOT NULL GROUP BY {key})"""


# Cleaning (DESIGN section 7) over raw_<table>, the rows as they were sent; only the columns the
# answers need, plus the event key. One row per event key, the smallest by its columns.
CLEAN: dict[str, str] = {
    "pin": f"""
        WITH rows AS (
            SELECT TRY_CAST("index" AS INTEGER) AS ind,
                   {_nullify("unique_id")} AS unique_id,
                   {_FOLLOWERS.format(c=_nullify("follower_count"))}
                       AS follower_count,
                   {_nullify("poster_name")} AS poster_name,
                   {_nullify("category")} AS category
            FROM raw_pin)
        {_one_per("unique_id", "ind", "unique_id", "follower_count", "poster_name", "category")}""",
    "geo": f"""
        WITH rows AS (
            SELECT TRY_CAST(ind AS INTEGER) AS ind, CAST(country AS VARCHAR) AS country,
                   {_datetime('"timestamp"')} AS "timestamp"
            FROM raw_geo)
        {_one_per("ind", "ind", "country", "timestamp")}""",
    "user": f"""
        WITH rows AS (
            SELECT TRY_CAST(ind AS INTEGER) AS ind, first_name || ' ' || last_name AS user_name,
                   TRY_CAST(age AS INTEGER) AS age,
                   {_datetime("date_joined")} AS date_joined
            FROM raw_user)
        {_one_per("ind", "ind", "user_name", "age", "date_joined")}""",
}

_AGE_GROUP = """CASE WHEN age BETWEEN 18 AND 24 THEN '18-24' WHEN age BETWEEN 25 AND 35 THEN '25-35'
    WHEN age BETWEEN 36 AND 50 THEN '36-50' WHEN age > 50 THEN '50+' END"""
# The shared inputs of the answers: posts with their place, posting events with their poster.
VIEWS = {
    "pin_geo": """SELECT p.category, p.poster_name, p.follower_count, g.country,
        year(g."timestamp") AS post_year FROM pin p JOIN geo g USING (ind)""",
    "events": f"""SELECT p.category, p.follower_count, {_AGE_GROUP} AS age_group,
        year(u.date_joined) AS post_year FROM pin p JOIN "user" u USING (ind)""",
}


def _top(source: str, group: str, name: str, measure: str) -> str:
    """One row per group: the largest measure, a tie to the smaller name."""
    return f"""SELECT {group}, {name}, {measure} FROM {source}
        QUALIFY row_number() OVER (PARTITION BY {group} ORDER BY {measure} DESC, {name}) = 1
        ORDER BY {group}"""


def _popular(where: str, group: str, source: str = "pin_geo") -> str:
    counted = f"""(SELECT {group}, category, count(*) AS category_count FROM {source}
        WHERE category IS NOT NULL AND {where} GROUP BY ALL)"""
    return _top(counted, group, "category", "category_count")


def _median(where: str, group: str) -> str:
    return f"""SELECT {group}, median(follower_count) AS median_follower_count FROM events
        WHERE follower_count IS NOT NULL AND {where} GROUP BY ALL ORDER BY ALL"""


_TOP_USERS = _top(
    """(SELECT * FROM pin_geo WHERE country IS NOT NULL AND poster_name IS NOT NULL
        AND follower_count IS NOT NULL)""",
    "country",
    "poster_name",
    "follower_count",
)


def _between(column: str, years: tuple[int, int]) -> str:
    return f"{column} BETWEEN {years[0]} AND {years[1]}"


_JOINED = _between("post_year", JOIN_YEARS)
QUERIES: dict[str, str] = {
    "q4": _popular("country IS NOT NULL", "country"),
    "q5": _popular(_between("post_year", POST_YEARS), "post_year"),
    "q6a": _TOP_USERS,
    "q6b": f"""SELECT country, follower_count FROM ({_TOP_USERS})
        ORDER BY follower_count DESC, country LIMIT 1""",
    "q7": _popular("age_group IS NOT NULL", "age_group", "events"),
    "q8": _median("age_group IS NOT NULL", "age_group"),
    "q9": f"""SELECT year(date_joined) AS post_year, count(*) AS number_users_joined FROM
        (SELECT DISTINCT user_name, age, date_joined FROM "user") WHERE {
        _between("year(date_joined)", JOIN_YEARS)
    } GROUP BY ALL ORDER BY ALL""",
    "q10": _median(_JOINED, "post_year"),
    "q11": _median(f"age_group IS NOT NULL AND {_JOINED}", "age_group, post_year"),
}


@dataclass
class Baseline:
    """DuckDB's answers and its seconds per stage (read, clean, answers, total)."""

    source: str
    answers: dict[str, Rows] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _timed(result: Baseline, stage: str, work: Callable[[], None]) -> None:
    start = time.perf_counter()
    work()
    result.seconds[stage] = time.perf_counter() - start


def _clean_and_answer(con: duckdb.DuckDBPyConnection, result: Baseline) -> None:
    def clean() -> None:
        for table in TABLES:
            con.execute(f'CREATE OR REPLACE TEMP TABLE "{table}" AS {CLEAN[table]}')

    def answer() -> None:
        for name, sql in VIEWS.items():
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")
        for name, sql in QUERIES.items():
            result.answers[name] = con.execute(sql).fetchall()

    _timed(result, "clean", clean)
    _timed(result, "answers", answer)
    result.seconds["total"] = sum(result.seconds.values())


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # years are UTC years; a text without offset is UTC
    return con


def from_source(db_path: Path) -> Baseline:
    """The answers from the SQLite source database (read whole into Arrow, then DuckDB)."""
    from adbc_driver_sqlite import dbapi  # a bench-only dependency (pyproject's dev extra)

    result = Baseline(source=f"source database {db_path.name}")
    con = _connect()

    def read() -> None:
        with dbapi.connect(str(db_path)) as sqlite, sqlite.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f'SELECT * FROM "{SPECS[table].source_table}"')
                con.register(f"raw_{table}", cursor.fetch_arrow_table())

    _timed(result, "read", read)
    _clean_and_answer(con, result)
    return result


def from_landed(root: Path, names: Names) -> Baseline:
    """The answers from the landed JSON lines (every field read as text, as the job does)."""
    result = Baseline(source="landed JSON lines")
    con = _connect()

    def read() -> None:
        for table in TABLES:
            columns = ", ".join(f"'{f}': 'VARCHAR'" for f in SPECS[table].field_names)
            glob = sink_glob(str(root), names.topic(table))
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE raw_{table} AS SELECT * FROM read_json(
                    '{glob}', format = 'newline_delimited', columns = {{{columns}}})"""
            )

    _timed(result, "read", read)
    _clean_and_answer(con, result)
    return result
