"""Datetimes as clients send them, parsed to UTC instants (DESIGN section 7).

Clients serialize a datetime with `str()` (`2020-08-28 03:52:47`) or `isoformat()`
(`2020-08-28T03:52:47`), sometimes with fractional seconds (`.5`, `.123456`) or an offset (`Z`,
`+01:00`, `-05:30`). All of them parse; a value without an offset is UTC. Anything else is null.

Spark built-ins only (no Python UDF), ANSI-safe: the text is checked with one regular expression,
given an explicit offset (`Z`) when it has none, then cast (`try_cast`, Spark's own parser of these
forms: several times faster than a pattern). Because every parsed text carries its offset, the
instant does not depend on the session's time zone.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

DATETIME_TEXT = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?$"
)
"""The accepted forms: date, space or T, time, optional fraction, optional Z or +hh:mm/-hh:mm."""


def parse_datetime(c: Column) -> Column:
    """`c` (text) as a timestamp in UTC; null when it is not one of the accepted forms.

    Impossible dates and times (2019-02-30, 24:00:00) are null too: the cast checks them.
    """
    text = c.cast("string")
    # Once the form is checked, an offset is there iff the text ends with Z or with [+-]hh:mm.
    has_offset = text.endswith("Z") | F.substring(text, -6, 1).isin("+", "-")
    zoned = F.when(has_offset, text).otherwise(F.concat(text, F.lit("Z")))
    return F.when(text.rlike(DATETIME_TEXT), zoned.try_cast("timestamp"))
