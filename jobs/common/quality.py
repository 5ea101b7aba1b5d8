"""No silent nulls (DESIGN section 7): landed lines -> checked rows, and what was wrong with them.

A landed line (an S3 sink line, a Kinesis record) is *malformed* when it is not a JSON object of
the table's record: not JSON, truncated, an array or a scalar, or an object without the table's
event key. Malformed lines never reach a table. A value that is given but neither valid nor a
sentinel is *unparseable*: it becomes null in the table and is counted per column.

`check(lines, table)` makes one DataFrame with the cleaned columns and the flags; `metrics(table)`
are the aggregate expressions that count them in the same pass as the write (batch: with
`DataFrame.observe`; streaming: on the cached micro-batch); `curated` is what goes to the table.
Examples: up to three per column, the first distinct ones of the smallest, the largest, and the
smallest and largest by hash: counting stays O(1) in memory whatever the share of bad values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from jobs.common.cleaning import EVENT_KEYS, RULES, dedupe
from jobs.common.schemas import CLEAN_SCHEMAS, CORRUPT_RECORD, READ_SCHEMAS

LINE = "_line"
"""Input column: the landed text of one record."""
WHERE = "_where"
"""Input column: where the line was found (batch: object key; streaming: shard and sequence)."""
MALFORMED = "_malformed"
OBJECT = "_object"
MAX_EXAMPLES = 3
EXAMPLE_CHARS = 300
_JSON_OPTIONS = {"mode": "PERMISSIVE", "columnNameOfCorruptRecord": CORRUPT_RECORD}


def bad(column: str) -> str:
    """Name of the flag column: the given text of `column` where it did not parse, else null."""
    return f"_bad_{column}"


def checked_columns(table: str) -> list[str]:
    """Wire columns whose values must parse (counted when they do not)."""
    return list(RULES[table]().checks)


def parse(lines: DataFrame, table: str) -> DataFrame:
    """(LINE, WHERE) rows -> the record's fields (as text), OBJECT, LINE, WHERE.

    OBJECT says the line is one JSON object. Parsed once, in a projection of its own: what
    follows reads the struct's fields and never parses the line again.
    """
    parsed = F.from_json(F.col(LINE), READ_SCHEMAS[table], _JSON_OPTIONS)
    text = F.trim(F.col(LINE))
    # from_json reads `{"a": 1} junk` as an object; arrays and scalars it flags as corrupt.
    is_object = text.startswith("{") & text.endswith("}") & F.col(CORRUPT_RECORD).isNull()
    rows = lines.select(parsed.alias("_r"), LINE, WHERE).select("_r.*", LINE, WHERE)
    return rows.withColumn(OBJECT, F.coalesce(is_object, F.lit(False)))


def check(lines: DataFrame, table: str) -> DataFrame:
    """(LINE, WHERE) rows -> cleaned columns, MALFORMED, `bad(column)` per check, LINE, WHERE."""
    rules = RULES[table]()
    malformed = ~F.col(OBJECT) | rules.key.isNull()
    flags = [
        F.when(~malformed & given.isNotNull() & value.isNull(), given.cast("string")).alias(bad(c))
        for c, (given, value) in rules.checks.items()
    ]
    rows = parse(lines, table)
    return rows.select(*rules.columns, malformed.alias(MALFORMED), *flags, LINE, WHERE)


def curated(checked: DataFrame, table: str) -> DataFrame:
    """What goes to the table: well-formed rows, cleaned, one per event key."""
    columns = CLEAN_SCHEMAS[table].fieldNames()
    rows = checked.filter(~F.col(MALFORMED)).select(*columns)
    return dedupe(rows, EVENT_KEYS[table])


def metrics(table: str) -> list[Column]:
    """Aggregate expressions over `check`'s output; Quality.from_row reads their result."""
    m = F.col(MALFORMED)
    line = F.substring(F.col(LINE), 1, EXAMPLE_CHARS)
    # JSON text, not a struct: Observation returns structs as JVM objects.
    example = F.when(m, F.to_json(F.struct(F.col(WHERE).alias("where"), line.alias("line"))))
    exprs = [
        F.count(F.lit(1)).alias("landed"),
        F.count(F.when(m, 1)).alias("malformed"),
        *_examples("malformed", example, F.when(m, F.xxhash64(F.col(LINE), F.col(WHERE)))),
    ]
    for column in checked_columns(table):
        b = F.substring(F.col(bad(column)), 1, EXAMPLE_CHARS)
        exprs.append(F.count(b).alias(f"{column}__count"))
        exprs += _examples(column, b, F.when(b.isNotNull(), F.xxhash64(b)))
    return exprs


_CANDIDATES = 4


def _examples(name: str, value: Column, order: Column) -> list[Column]:
    return [
        F.min(value).alias(f"{name}__ex1"),
        F.max(value).alias(f"{name}__ex2"),
        F.min_by(value, order).alias(f"{name}__ex3"),
        F.max_by(value, order).alias(f"{name}__ex4"),
    ]


def measure(checked: DataFrame, table: str) -> Quality:
    """Run `metrics` as a job of its own (streaming: on a cached micro-batch)."""
    [row] = checked.agg(*metrics(table)).collect()
    return Quality.from_row(table, row.asDict(recursive=True))


@dataclass
class Quality:
    """What was wrong with one table's landed lines: counts and a few examples."""

    table: str
    landed: int = 0
    malformed: int = 0
    malformed_examples: list[dict[str, str]] = field(default_factory=list)
    unparseable: dict[str, int] = field(default_factory=dict)
    unparseable_examples: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_row(cls, table: str, row: dict[str, Any]) -> Quality:
        def examples(name: str) -> list[Any]:
            found = [row[f"{name}__ex{i}"] for i in range(1, _CANDIDATES + 1)]
            return _distinct(v for v in found if v is not None)

        columns = checked_columns(table)
        return cls(
            table=table,
            landed=int(row["landed"] or 0),
            malformed=int(row["malformed"] or 0),
            malformed_examples=[json.loads(e) for e in examples("malformed")],
            unparseable={c: int(row[f"{c}__count"] or 0) for c in columns},
            unparseable_examples={c: examples(c) for c in columns},
        )

    @property
    def records(self) -> int:
        """Well-formed lines: the denominator of a column's unparseable share."""
        return self.landed - self.malformed

    @property
    def unparseable_total(self) -> int:
        return sum(self.unparseable.values())

    def add(self, other: Quality) -> None:
        """Accumulate another slice of the same table (a later micro-batch)."""
        self.landed += other.landed
        self.malformed += other.malformed
        self.malformed_examples = _distinct([*self.malformed_examples, *other.malformed_examples])
        for column, count in other.unparseable.items():
            self.unparseable[column] = self.unparseable.get(column, 0) + count
            mine = self.unparseable_examples.get(column, [])
            theirs = other.unparseable_examples.get(column, [])
            self.unparseable_examples[column] = _distinct([*mine, *theirs])

    def over(self, max_fraction: float) -> list[str]:
        """One phrase per share above `max_fraction` (malformed lines, then each column)."""
        found = []
        if self.landed and self.malformed / self.landed > max_fraction:
            first = self.malformed_examples[0] if self.malformed_examples else {}
            found.append(
                f"{self.table}: {self.malformed} of {self.landed} landed lines malformed "
                f"({_pct(self.malformed, self.landed)}), e.g. {first.get('line', '')!r} "
                f"in {first.get('where', '?')}"
            )
        for column, count in self.unparseable.items():
            if self.records and count / self.records > max_fraction:
                example = (self.unparseable_examples.get(column) or [""])[0]
                found.append(
                    f"{self.table}.{column}: {count} of {self.records} values unparseable "
                    f"({_pct(count, self.records)}), e.g. {example!r}"
                )
        return found

    def brief(self) -> str:
        """A few words for a progress line: 'no malformed lines, none unparseable' or counts."""
        bad_columns = [f"{c} {n}" for c, n in self.unparseable.items() if n]
        malformed = f"{self.malformed} malformed" if self.malformed else "no malformed lines"
        unparseable = f"unparseable {', '.join(bad_columns)}" if bad_columns else "none unparseable"
        return f"{malformed}, {unparseable}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "landed": self.landed,
            "malformed": {"count": self.malformed, "examples": self.malformed_examples},
            "unparseable": {
                c: {"count": n, "examples": self.unparseable_examples.get(c, [])}
                for c, n in self.unparseable.items()
            },
        }


def _distinct(values: Any) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out[:MAX_EXAMPLES]


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%"
