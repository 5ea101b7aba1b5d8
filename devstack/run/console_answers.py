"""Print the batch job's nine answers (results/q*.csv) as console tables."""

from __future__ import annotations

import csv
from pathlib import Path

from rich.console import Console
from rich.table import Table

from contracts.answers import ANSWERS

MAX_ROWS = 12
"""Long answers (one row per country) are cut in the console; the CSV and report keep all."""


def print_answers(results: Path, console: Console) -> None:
    for q in ANSWERS.values():
        path = results / q.file_name
        if not path.exists():
            console.print(f"[red]{q.key}: {path} is missing[/red]")
            continue
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        table = Table(title=f"{q.key}: {q.title}", title_justify="left")
        for col in header:
            table.add_column(col)
        for row in body[:MAX_ROWS]:
            table.add_row(*row)
        console.print(table)
        if len(body) > MAX_ROWS:
            console.print(f"[dim]... {len(body) - MAX_ROWS} more rows in {path}[/dim]")
