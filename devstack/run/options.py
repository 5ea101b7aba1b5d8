"""Options of `python -m devstack run` (flags, with the Make variables ROWS/RATE/BATCH/KEEP_UP)."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from contracts.records import DATETIME_STYLES
from emulator.api import (
    DEFAULT_ROWS,
    DEFAULT_SEED,
    MAX_STREAM_BATCH,
    non_negative_float,
    positive_int,
)


@dataclass(frozen=True)
class RunOptions:
    rows: int = DEFAULT_ROWS
    rate: float = 0.0
    batch: int = 500
    seed: int = DEFAULT_SEED
    keep_up: bool = False
    sink_timeout: float = 300.0
    job_timeout: float = 1800.0
    workers: int = 2
    datetimes: str = "mix"


def _env_bool(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


def _datetime_style(text: str) -> str:
    if text not in DATETIME_STYLES:
        raise argparse.ArgumentTypeError(f"one of {', '.join(DATETIME_STYLES)}, got {text!r}")
    return text


def build_parser() -> argparse.ArgumentParser:
    # String defaults go through `type`, so a bad ROWS=... gets the same one-line error as a flag.
    p = argparse.ArgumentParser(
        prog="python -m devstack run",
        description="Run the whole pipeline offline: start the local stack, seed the source "
        "database, post every event in batch mode (REST proxy -> Kafka -> S3 sink) and in stream "
        "mode (Kinesis), run the Spark batch and streaming jobs, then print the reconciliation "
        "and the nine answers and write the report under .devstack/runs/<timestamp>/.",
    )
    p.add_argument(
        "--rows",
        type=positive_int,
        default=os.environ.get("ROWS") or str(DEFAULT_ROWS),
        help=f"events (rows per table) to seed and post (ROWS, default {DEFAULT_ROWS})",
    )
    p.add_argument(
        "--rate",
        type=non_negative_float,
        default=os.environ.get("RATE") or "0",
        help="records per second per table while posting, 0 = unlimited (RATE)",
    )
    p.add_argument(
        "--batch",
        type=positive_int,
        default=os.environ.get("BATCH") or "500",
        help="records per request, at most 500 (BATCH, default 500)",
    )
    p.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"generator seed (default {DEFAULT_SEED})"
    )
    p.add_argument(
        "--datetimes",
        type=_datetime_style,
        default=os.environ.get("DATETIMES") or "mix",
        help="how the emulator sends datetimes: str, isoformat, or mix (alternating by event) "
        "(DATETIMES, default mix)",
    )
    p.add_argument(
        "--keep-up",
        action="store_true",
        default=_env_bool("KEEP_UP"),
        help="leave the stack running afterwards (KEEP_UP=1); a stack that was "
        "already running is never stopped",
    )
    p.add_argument(
        "--sink-timeout",
        type=float,
        default=300.0,
        help="seconds to wait for the S3 sink to land everything (default 300)",
    )
    p.add_argument(
        "--job-timeout",
        type=float,
        default=1800.0,
        help="seconds each Spark job may take (default 1800)",
    )
    return p


def parse(argv: list[str] | None = None) -> RunOptions:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.batch > MAX_STREAM_BATCH:
        parser.error(
            f"--batch must be at most {MAX_STREAM_BATCH} "
            f"(Kinesis PutRecords takes {MAX_STREAM_BATCH} records)"
        )
    return RunOptions(
        rows=args.rows,
        rate=args.rate,
        batch=args.batch,
        seed=args.seed,
        keep_up=args.keep_up,
        sink_timeout=args.sink_timeout,
        job_timeout=args.job_timeout,
        datetimes=args.datetimes,
    )
