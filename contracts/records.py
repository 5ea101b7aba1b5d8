"""The three record specs (DESIGN section 4), declared once.

The generator, the wire format and the Spark schemas are all derived from these declarations.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Literal

FieldType = Literal["int", "string", "double", "datetime"]
DatetimeStyle = Literal["str", "isoformat", "mix"]

DATETIME_STYLES: tuple[DatetimeStyle, ...] = ("str", "isoformat", "mix")
"""How clients turn a datetime into wire text: `str()` ('2020-08-28 03:52:47', the source
database's text form), `isoformat()` ('2020-08-28T03:52:47'), or a deterministic mix (event
index even: str, odd: isoformat). The jobs accept all of them (DESIGN section 7)."""


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType


@dataclass(frozen=True)
class RecordSpec:
    table: str
    """Event table name: pin, geo or user."""
    source_table: str
    """Table name in the source database."""
    index_field: str
    """Column holding the event index (row i of each table describes event i)."""
    event_key: str
    """Column that identifies one event across duplicate deliveries (DESIGN section 7)."""
    fields: tuple[Field, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.table} has no field {name!r}")


PIN = RecordSpec(
    table="pin",
    source_table="pinterest_data",
    index_field="index",
    event_key="unique_id",
    fields=(
        Field("index", "int"),
        Field("unique_id", "string"),
        Field("title", "string"),
        Field("description", "string"),
        Field("poster_name", "string"),
        Field("follower_count", "string"),
        Field("tag_list", "string"),
        Field("is_image_or_video", "string"),
        Field("image_src", "string"),
        Field("downloaded", "int"),
        Field("save_location", "string"),
        Field("category", "string"),
    ),
)

GEO = RecordSpec(
    table="geo",
    source_table="geolocation_data",
    index_field="ind",
    event_key="ind",
    fields=(
        Field("ind", "int"),
        Field("timestamp", "datetime"),
        Field("latitude", "double"),
        Field("longitude", "double"),
        Field("country", "string"),
    ),
)

USER = RecordSpec(
    table="user",
    source_table="user_data",
    index_field="ind",
    event_key="ind",
    fields=(
        Field("ind", "int"),
        Field("first_name", "string"),
        Field("last_name", "string"),
        Field("age", "int"),
        Field("date_joined", "datetime"),
    ),
)

SPECS: dict[str, RecordSpec] = {s.table: s for s in (PIN, GEO, USER)}


def datetime_text(value: dt.datetime, style: DatetimeStyle, index: int = 0) -> str:
    """`value` as a client sends it in `style` (`index`: the event, for the mix)."""
    if style == "mix":
        style = "str" if index % 2 == 0 else "isoformat"
    if style == "isoformat":
        return value.isoformat()
    if style == "str":
        return str(value)
    raise ValueError(f"unknown datetime style {style!r}: use {', '.join(DATETIME_STYLES)}")


def to_wire(
    spec: RecordSpec, row: dict[str, Any], datetimes: DatetimeStyle = "str"
) -> dict[str, Any]:
    """A source row as it travels on the wire: columns in spec order, datetimes as text.

    Nothing else is transformed on the way in; cleaning is the jobs' work.
    """
    index = row.get(spec.index_field)
    out: dict[str, Any] = {}
    for f in spec.fields:
        value = row[f.name]
        if f.type == "datetime" and isinstance(value, dt.datetime):
            value = datetime_text(value, datetimes, index if isinstance(index, int) else 0)
        out[f.name] = value
    return out


def dumps(value: Any) -> str:
    """Compact JSON as the emulator sends it (UTF-8 kept, no spaces)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
