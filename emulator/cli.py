"""`python -m emulator seed|post`: the source system's command line.

Exit codes: 0 success, 1 records failed or the run was aborted, 2 bad arguments or setup
(no database, unreachable API), 130 interrupted with Ctrl-C.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from contracts.names import TABLES, pipeline_id_from_env
from contracts.records import DATETIME_STYLES
from emulator import config, post, source
from emulator.arg_types import non_negative_float, non_negative_int, positive_float, positive_int
from emulator.post_summary import PostSummary, render
from emulator.wire import SHAPES

EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (the full usage is in --help)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m emulator",
        description="The pipeline's source system: a synthetic source database and the "
        "clients that post its rows to the API (batch: Kafka REST proxy; stream: Kinesis).",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _seed_parser(sub)
    _post_parser(sub)
    return parser


def _seed_parser(sub: Any) -> None:
    p = sub.add_parser(
        "seed",
        help="create the synthetic source database",
        description="(Re)create tables pinterest_data, geolocation_data and user_data with "
        "realistic, dirty rows; the same seed gives the same database.",
    )
    p.add_argument(
        "--db",
        default=None,
        help="SQLAlchemy URL (env SOURCE_DB_URL; default sqlite file .devstack/source.db)",
    )
    p.add_argument(
        "--rows",
        type=positive_int,
        default=config.DEFAULT_ROWS,
        help=f"rows per table (default {config.DEFAULT_ROWS:,})",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=config.DEFAULT_SEED,
        help=f"random seed (default {config.DEFAULT_SEED})",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _post_parser(sub: Any) -> None:
    p = sub.add_parser(
        "post",
        help="post rows to the API",
        description="Post the rows of each table to the API, row i of pin, geo and user "
        "being event i. batch: POST /topics/<id>.<table> (REST proxy v2); "
        "stream: PUT /streams/streaming-<id>-<table>/record (or /records when --batch-size > 1).",
    )
    p.add_argument("mode", choices=post.MODES, help="batch (Kafka REST proxy) or stream (Kinesis)")
    p.add_argument("--api", default=None, help="API invoke URL (env API_URL)")
    p.add_argument(
        "--count", type=non_negative_int, default=None, help="events to post (default: all rows)"
    )
    p.add_argument(
        "--rate",
        type=non_negative_float,
        default=0.0,
        help="records per second per table, 0 = unlimited (default 0)",
    )
    p.add_argument(
        "--batch-size",
        type=positive_int,
        default=1,
        help="records per request (default 1; stream: at most 500)",
    )
    p.add_argument("--db", default=None, help="source database URL (env SOURCE_DB_URL)")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="print each request (method, URL, content type, body); send nothing",
    )
    p.add_argument("--api-key", default=None, help="sent as x-api-key (env API_KEY)")
    p.add_argument("--pipeline-id", default=None, help="env PIPELINE_ID (default 0a1b2c3d4e5f)")
    p.add_argument(
        "--tables",
        type=_tables,
        default=TABLES,
        help="comma-separated subset of pin,geo,user (default all)",
    )
    p.add_argument(
        "--workers", type=positive_int, default=1, help="concurrent requests per table (default 1)"
    )
    p.add_argument(
        "--datetimes",
        choices=DATETIME_STYLES,
        default="str",
        help="how datetimes travel: str() text '2020-08-28 03:52:47' (default), isoformat() text "
        "'2020-08-28T03:52:47', or a mix (even events str, odd isoformat)",
    )
    p.add_argument(
        "--shape",
        choices=SHAPES,
        default="project",
        help="'public': one record per request exactly as the public user_posting_emulation.py "
        "scripts send it (json.dumps(..., default=str), constant partition key); "
        "default 'project'",
    )
    p.add_argument(
        "--retries",
        type=non_negative_int,
        default=6,
        help="retries per request on connection errors, 429 and 5xx (default 6)",
    )
    p.add_argument(
        "--backoff",
        type=non_negative_float,
        default=0.5,
        help="first retry delay in seconds, doubled per retry (default 0.5)",
    )
    p.add_argument(
        "--timeout",
        type=positive_float,
        default=30.0,
        help="seconds to wait for an answer (default 30)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    err = Console(stderr=True)
    try:
        if args.command == "seed":
            return _seed(args, err)
        return _post(args, err)
    except (post.PostError, source.SourceError) as exc:
        print(f"emulator: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("emulator: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _seed(args: argparse.Namespace, err: Console) -> int:
    db_url = args.db or config.source_db_url()
    bar = _progress(err, args.quiet)
    task = bar.add_task("seed (rows per table)", total=args.rows)

    def progress(done: int) -> None:
        bar.start()  # on the first chunk, so a setup error prints nothing but its line
        bar.update(task, completed=done)

    try:
        result = source.seed(db_url, args.rows, args.seed, progress=progress)
    finally:
        _stop(bar)
    print(
        f"seeded {result.rows:,} rows per table (seed {result.seed}) into "
        f"{source.safe_url(db_url)} in {result.seconds:.2f} s"
    )
    return 0


def _post(args: argparse.Namespace, err: Console) -> int:
    api_url = args.api or config.api_url()
    if not api_url:
        raise post.PostError("no API URL: pass --api or set API_URL")
    options: dict[str, Any] = {
        "count": args.count,
        "rate": args.rate,
        "batch_size": args.batch_size,
        "api_key": args.api_key or config.api_key(),
        "pipeline_id": args.pipeline_id or pipeline_id_from_env(),
        "tables": args.tables,
        "workers": args.workers,
        "retries": args.retries,
        "backoff": args.backoff,
        "timeout": args.timeout,
        "datetimes": args.datetimes,
        "shape": args.shape,
    }
    if args.dry_run:
        summaries = post.post_events(args.mode, api_url, db_url=args.db, dry_run=True, **options)
        total = sum(s.sent for s in summaries.values())
        requests = sum(s.requests for s in summaries.values())
        print(f"dry run: {requests:,} requests, {total:,} records; nothing sent", file=sys.stderr)
        return 0
    bar = _progress(err, args.quiet)
    tasks: dict[str, TaskID] = {}

    def on_start(summaries: dict[str, PostSummary]) -> None:
        # Started only once the run begins, so a setup error prints nothing but its line.
        for name, s in summaries.items():
            tasks[name] = bar.add_task(f"{args.mode} {name}", total=s.total)
        bar.start()

    try:
        summaries = post.post_events(
            args.mode,
            api_url,
            db_url=args.db,
            on_start=on_start,
            on_progress=lambda table, n: bar.advance(tasks[table], n),
            log=lambda message: bar.console.print(message, markup=False, highlight=False),
            **options,
        )
    finally:
        _stop(bar)
    return _finish(summaries)


def _finish(summaries: dict[str, PostSummary]) -> int:
    render(summaries, Console(), title=f"posted to the API ({', '.join(summaries)})")
    aborted = next((s.aborted for s in summaries.values() if s.aborted), None)
    if aborted:
        print(f"emulator: error: {aborted}", file=sys.stderr)
        return EXIT_FAILED
    if any(s.interrupted for s in summaries.values()):
        print("emulator: interrupted; the summary shows what was acknowledged", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0 if all(s.ok for s in summaries.values()) else EXIT_FAILED


def _stop(bar: Progress) -> None:
    # Progress.stop() prints a newline even when the bar never started.
    if bar.live.is_started:
        bar.stop()


def _progress(console: Console, quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=False,
    )


def _tables(text: str) -> tuple[str, ...]:
    tables = tuple(t.strip() for t in text.split(",") if t.strip())
    unknown = [t for t in tables if t not in TABLES]
    if unknown or not tables:
        raise argparse.ArgumentTypeError(f"expected some of {','.join(TABLES)}, got {text!r}")
    return tables
