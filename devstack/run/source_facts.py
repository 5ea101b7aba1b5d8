"""The truth about one run, read back from its source database."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from contracts.records import SPECS
from devstack.run.reconcile import SourceFacts

# DESIGN section 4: values the source uses for "missing"; cleaning (section 7) turns them to null.
# An independent copy on purpose, like the rest of this module: the run checks the jobs' cleaning
# against its own reading of the design, so it must not share contracts.sentinels with them.
PIN_SENTINELS: dict[str, frozenset[str]] = {
    "title": frozenset({"No Title Data Available"}),
    "description": frozenset(
        {"No description available Story format", "No description available", "Untitled"}
    ),
    "poster_name": frozenset({"User Info Error"}),
    "follower_count": frozenset({"User Info Error"}),
    "tag_list": frozenset({"N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e"}),
    "image_src": frozenset({"Image src error."}),
}
_FOLLOWERS = re.compile(r"^\d+(\.\d+)?[kM]?$")
# The source columns that survive cleaning (pin's `downloaded` is dropped).
_PIN_KEPT = (
    "index",
    "unique_id",
    "title",
    "description",
    "follower_count",
    "poster_name",
    "tag_list",
    "is_image_or_video",
    "image_src",
    "save_location",
    "category",
)


def source_facts(db_url: str, table: str, rows: int) -> SourceFacts:
    """Event keys of the first `rows` events and how many must come out of cleaning with a null."""
    spec = SPECS[table]
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            t = sa.Table(spec.source_table, sa.MetaData(), autoload_with=conn)
            query = sa.select(t).order_by(t.c[spec.index_field]).limit(rows)
            records = [dict(r._mapping) for r in conn.execute(query)]
    finally:
        engine.dispose()
    keys = {str(r[spec.event_key]) for r in records}
    nulls = sum(1 for r in records if _cleans_to_null(table, r))
    return SourceFacts(keys=keys, sentinel_rows=nulls)


def _cleans_to_null(table: str, row: dict[str, Any]) -> bool:
    """An independent reading of DESIGN section 7: will this row carry a null once cleaned?"""
    if table != "pin":
        # geo and user have no sentinels: only a NULL in the source gives a null.
        return any(v is None for v in row.values())
    for col in _PIN_KEPT:
        value = row[col]
        if value is None or value == "" or value in PIN_SENTINELS.get(col, ()):
            return True
    if not _FOLLOWERS.match(str(row["follower_count"])):
        return True
    return "/data/" not in str(row["save_location"])
