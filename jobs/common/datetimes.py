"""Datetimes as clients send them, parsed to UTC instants (DESIGN section 7).

Clients serialize a datetime with `str()` (`2020-08-28 03:52:47`) or `isoformat()`
(`2020-08-28T03:52:47`), sometimes with fractional seconds (`.5`, `.123456`) or an offset (`Z`,
`+01:00`, `-05:30`). All of them parse; a value without an offset is UTC. Anything else is null.

Spark built-ins only (no Python UDF), ANSI-safe (`try_to_timestamp`): the text is checked with a
regular expression, brought to one form (space separator, explicit offset), then parsed with one
pattern. Because every parsed text carries its offset, the instant does not depend on the
session's time zone.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

DATETIME_TEXT = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?$"
)
"""The accepted forms: date, space or T, time, optional fraction, optional Z or +hh:mm/-hh:mm."""

_OFFSET = r"(Z|[+-][0-9]{2}:[0-9]{2})$"
# Up to nine fraction digits are read (nanoseconds from other languages); Spark keeps microseconds.
_PATTERN = "yyyy-MM-dd HH:mm:ss[.SSSSSSSSS]XXX"


def parse_datetime(c: Column) -> Column:
    """`c` (text) as a timestamp in UTC; null when it is not one of the accepted forms.

    Impossible dates (2019-02-30) are null too: the pattern parses strictly.
    """
    text = c.cast("string")
    spaced = F.regexp_replace(text, "T", " ")  # the guard below allows one T: the separator
    zoned = F.when(spaced.rlike(_OFFSET), spaced).otherwise(F.concat(spaced, F.lit("Z")))
    return F.when(text.rlike(DATETIME_TEXT), F.try_to_timestamp(zoned, F.lit(_PATTERN)))
