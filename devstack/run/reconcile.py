"""Reconciliation per table and path: posted = acknowledged, landed - duplicates = cleaned = posted,
and no malformed line nor unparseable value (the jobs' own counts).

Pure arithmetic over counts the run collected; the collecting lives beside it. Every equation
is a named check, so a run can say exactly which number does not add up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

LANDED_UNIT = {"batch": "S3 records", "stream": "Kinesis records"}


@dataclass
class TableCounts:
    """What one path did with one table during one run."""

    posted: int
    acknowledged: int
    landed_keys: Counter[str]
    """Event key -> deliveries landed (S3 lines or Kinesis records); unreadable ones under ''."""
    cleaned_keys: Counter[str]
    """Event key -> rows in the cleaned table."""
    rows_with_nulls: int
    """Cleaned rows with a null in at least one column."""
    malformed: int = 0
    """Landed lines the job found malformed (not a JSON object of the record)."""
    unparseable: dict[str, int] = field(default_factory=dict)
    """Wire column -> values the job could not parse (made null)."""


@dataclass
class SourceFacts:
    """The truth, read from the source database."""

    keys: set[str]
    sentinel_rows: int
    """Rows whose cleaning must produce at least one null (sentinels, empty strings, NULLs)."""


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class TableReconciliation:
    """One table on one path of a run: its counts and the checks they must pass."""

    posted: int
    acknowledged: int
    landed: int
    landed_unit: str
    distinct_landed: int
    duplicates: int
    cleaned: int
    rows_with_nulls: int
    source_sentinel_rows: int
    lost: int
    foreign: int
    malformed: int = 0
    unparseable: int = 0
    unparseable_columns: dict[str, int] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)


def reconcile_table(
    path: str, table: str, counts: TableCounts, source: SourceFacts
) -> TableReconciliation:
    landed = sum(counts.landed_keys.values())
    landed_set = set(counts.landed_keys)
    cleaned = sum(counts.cleaned_keys.values())
    duplicates = landed - len(landed_set)
    row = TableReconciliation(
        posted=counts.posted,
        acknowledged=counts.acknowledged,
        landed=landed,
        landed_unit=LANDED_UNIT[path],
        distinct_landed=len(landed_set),
        duplicates=duplicates,
        cleaned=cleaned,
        rows_with_nulls=counts.rows_with_nulls,
        source_sentinel_rows=source.sentinel_rows,
        lost=len(source.keys - landed_set),
        foreign=len(landed_set - source.keys),
        malformed=counts.malformed,
        unparseable=sum(counts.unparseable.values()),
        unparseable_columns={c: n for c, n in counts.unparseable.items() if n},
    )
    extra_rows = cleaned - len(counts.cleaned_keys)
    missing_clean = len(source.keys - set(counts.cleaned_keys))
    row.checks = [
        _check(path, table, "posted = source rows", counts.posted, len(source.keys)),
        _check(path, table, "acknowledged = posted", counts.acknowledged, counts.posted),
        _check(path, table, "nothing lost (source events not landed)", row.lost, 0),
        _check(path, table, "nothing foreign (landed events not in source)", row.foreign, 0),
        _check(path, table, "landed - duplicates = cleaned", landed - duplicates, cleaned),
        _check(path, table, "cleaned = posted", cleaned, counts.posted),
        _check(path, table, "each event once in the cleaned table", extra_rows, 0),
        _check(path, table, "every source event in the cleaned table", missing_clean, 0),
        _check(
            path,
            table,
            "sentinel rows kept with nulls",
            counts.rows_with_nulls,
            source.sentinel_rows,
        ),
        _check(path, table, "malformed lines = 0", counts.malformed, 0),
        _check(path, table, "unparseable values = 0", row.unparseable, 0),
    ]
    if row.unparseable_columns:  # name the columns, as the jobs do
        columns = ", ".join(f"{c} {n}" for c, n in row.unparseable_columns.items())
        row.checks[-1].detail += f": {columns}"
    return row


def _check(path: str, table: str, name: str, got: int, want: int) -> Check:
    return Check(f"{path}/{table}: {name}", got == want, f"{got} (expected {want})")


def summarize(rows: dict[str, dict[str, TableReconciliation]]) -> dict[str, Any]:
    """The JSON form: per path and table, the counts; all checks; `ok` when every check holds."""
    checks = [c for tables in rows.values() for r in tables.values() for c in r.checks]
    paths = {
        path: {t: {k: v for k, v in asdict(r).items() if k != "checks"} for t, r in tables.items()}
        for path, tables in rows.items()
    }
    return {
        "ok": bool(checks) and all(c.ok for c in checks),
        "paths": paths,
        "checks": [asdict(c) for c in checks],
    }


def verify(summary: dict[str, Any]) -> list[str]:
    """Re-check the equations on the JSON form alone (what the e2e test and CI read)."""
    problems = []
    for path, tables in summary.get("paths", {}).items():
        for table, r in tables.items():
            where = f"{path}/{table}"
            if r["landed"] - r["duplicates"] != r["cleaned"]:
                problems.append(f"{where}: landed - duplicates != cleaned")
            if not r["posted"] == r["acknowledged"] == r["cleaned"]:
                problems.append(f"{where}: posted, acknowledged and cleaned differ")
            if r["lost"] or r["foreign"]:
                problems.append(f"{where}: {r['lost']} lost, {r['foreign']} foreign")
            if r["rows_with_nulls"] != r["source_sentinel_rows"]:
                problems.append(f"{where}: sentinel rows with nulls differ from the source")
            if r.get("malformed", 0) or r.get("unparseable", 0):
                problems.append(
                    f"{where}: {r.get('malformed', 0)} malformed lines, "
                    f"{r.get('unparseable', 0)} unparseable values"
                )
    problems += [
        f"failed check: {c['name']}: {c['detail']}" for c in summary["checks"] if not c["ok"]
    ]
    return problems


def print_table(summary: dict[str, Any], console: Console) -> None:
    table = Table(title="Reconciliation (per table and path)")
    for col in (
        "path",
        "table",
        "posted",
        "acked",
        "landed",
        "dupes dropped",
        "cleaned",
        "kept w/ nulls",
        "malformed",
        "unparseable",
    ):
        table.add_column(col, justify="left" if col in ("path", "table") else "right")
    for path, tables in summary["paths"].items():
        for name, r in tables.items():
            table.add_row(
                path,
                name,
                str(r["posted"]),
                str(r["acknowledged"]),
                f"{r['landed']} {r['landed_unit']}",
                str(r["duplicates"]),
                str(r["cleaned"]),
                str(r["rows_with_nulls"]),
                str(r.get("malformed", 0)),
                str(r.get("unparseable", 0)),
            )
    console.print(table)
    console.print(
        "landed - dupes dropped = cleaned = posted: duplicate deliveries are dropped by event key "
        "(pin unique_id, geo/user ind); sentinel rows are kept, with nulls; malformed lines and "
        "unparseable values are the jobs' own counts and must be 0."
    )
    failed = [c for c in summary["checks"] if not c["ok"]]
    if failed:
        for c in failed:
            console.print(f"[red]MISMATCH[/red] {c['name']}: {c['detail']}")
    else:
        console.print(f"[green]exact[/green]: all {len(summary['checks'])} checks hold")
