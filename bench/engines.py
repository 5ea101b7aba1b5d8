"""The Kinesis engines the benchmarks compare, and the stack restarted on each of them.

`DEVSTACK_KINESIS_ENGINE` picks LocalStack's Kinesis engine when the stack starts: `inprocess`
(the default, the project's provider) or `kinesis-mock` (LocalStack's default, npm kinesis-local).
A benchmark over both runs the stack once per engine, restarting it in between (what
`python -m devstack down` then `up` do), the default engine last, so it is left running.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.common import stack_env
from devstack import proc, stack
from devstack.config import Settings, StackError
from devstack.say import to_stderr

ENGINES = ("kinesis-mock", "inprocess")  # the order they run in: the default last
VARIABLE = "DEVSTACK_KINESIS_ENGINE"


def engines_arg(text: str) -> list[str]:
    """--engines: a comma-separated list of ENGINES, run in ENGINES' order."""
    asked = [e.strip() for e in text.split(",") if e.strip()]
    unknown = [e for e in asked if e not in ENGINES]
    if unknown or not asked:
        raise argparse.ArgumentTypeError(
            f"engines must be among {', '.join(ENGINES)}, got {text!r}"
        )
    return [e for e in ENGINES if e in asked]


@contextmanager
def on_engine(engine: str) -> Iterator[dict[str, str]]:
    """The stack restarted with this Kinesis engine; yields its settings (`devstack env`)."""
    os.environ[VARIABLE] = engine
    print(f"[bench] restarting the stack on Kinesis engine {engine}", file=sys.stderr, flush=True)
    settings = Settings.from_env()
    try:
        with stack.locked(settings):
            stack.down(settings, to_stderr)
            stack.up(settings, to_stderr)
    except StackError as exc:
        raise SystemExit(f"restarting the stack failed: {exc}") from None
    yield stack_env()


def localstack_cpu_seconds() -> float:
    """CPU seconds used so far by LocalStack and its children (kinesis-mock's node process)."""
    record = proc.alive(Settings.from_env().pids / "localstack.pid")
    if record is None:
        return 0.0
    ticks = 0
    for pid in [record.pid, *proc.descendants(record.pid)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")
