"""Shared helpers of the benchmarks: the stack's settings, sample records, and the output format.

Every benchmark prints a table for people and one JSON line per figure for tools.
"""

from __future__ import annotations

import json
import os
from typing import Any

from contracts.names import Names
from contracts.records import dumps
from devstack import envvars
from devstack.config import Settings, StackError
from emulator.api import wire_events


def stack_env() -> dict[str, str]:
    """The stack's settings (what `python -m devstack env` prints); exported variables win."""
    try:
        env = envvars.variables(Settings.from_env())
    except StackError as exc:
        raise SystemExit(f"cannot read the stack settings (is it up? `make up`): {exc}") from None
    env.update({k: v for k, v in os.environ.items() if k in env})
    os.environ.update(env)  # boto3 and the Kafka clients read the same settings
    return env


def names() -> Names:
    return Names.from_env()


def pin_values(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """n realistic pin rows in the wire format (the largest of the three records)."""
    return [row for chunk in wire_events(n, seed) for row in chunk["pin"]]


def emit(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """Print the rows as an aligned table, then as JSON lines."""
    widths = [max(len(c), *(len(_fmt(r.get(c))) for r in rows)) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for r in rows:
        print("  ".join(_fmt(r.get(c)).ljust(w) for c, w in zip(columns, widths, strict=True)))
    print()
    for r in rows:
        print(dumps(r))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1 else f"{value:,.1f}"
    return "" if value is None else str(value)


def json_size(value: Any) -> int:
    return len(json.dumps(value).encode())
