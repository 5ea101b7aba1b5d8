"""The stages of `python -m devstack run`, in order, each timed.

stack -> seed -> post batch -> sink -> batch job -> post stream -> stream job -> reconcile -> report
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import boto3
from rich.console import Console
from rich.progress import Progress

from contracts.names import TABLES, Names
from contracts.records import SPECS
from devstack import envvars, stack
from devstack.config import Settings, StackError
from devstack.run import kinesis_landed, reconcile, report
from devstack.run.cleaned import cleaned_counts
from devstack.run.console_answers import print_answers
from devstack.run.job_counts import job_quality
from devstack.run.job_process import run_job
from devstack.run.options import RunOptions
from devstack.run.rundir import new_run_dir
from devstack.run.s3_landed import Offsets, SinkReader, end_offsets, key_counts, wait_landed
from devstack.run.source_facts import source_facts
from devstack.run.stages import Stages
from devstack.say import to_stderr
from devstack.services.s3_sink import S3Sink
from emulator.api import Mode, PostSummary, post_events, seed


class RunError(RuntimeError):
    """A stage could not complete; the message is one line for the user."""


@dataclass
class Run:
    opts: RunOptions
    console: Console
    run_dir: Path
    names: Names
    env: dict[str, str] = field(default_factory=dict)
    stages: Stages = field(init=False)
    posted: dict[str, dict[str, PostSummary]] = field(default_factory=dict)
    landed: dict[str, dict[str, list[bytes]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.stages = Stages(self.console)

    @property
    def run_id(self) -> str:
        return self.run_dir.name

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.run_dir / 'source.db'}"

    def uri(self, *parts: str) -> str:
        return self.run_dir.joinpath(*parts).resolve().as_uri()


def run(opts: RunOptions, console: Console) -> int:
    """The whole pipeline; 0 when the reconciliation is exact, 1 when it is not."""
    r = Run(opts, console, new_run_dir(), Names.from_env())
    console.print(f"run folder: {r.run_dir}", soft_wrap=True)
    started = False
    try:
        with r.stages.stage("stack", "install what is missing and start the local stack"):
            started = _stack_up(r)
            os.environ.update(r.env)  # boto3, Kafka clients and the jobs read the same settings
        with r.stages.stage("seed", f"source database with {opts.rows:,} rows per table"):
            result = seed(r.db_url, opts.rows, opts.seed)
            console.print(f"seeded {r.run_dir / 'source.db'} in {result.seconds:.1f} s")
        _batch_path(r)
        _stream_path(r)
        with r.stages.stage("reconcile", "posted = landed = cleaned, per table and path"):
            summary = _reconcile(r)
        with r.stages.stage("report", "HTML report with charts"):
            summary["timings"] = r.stages.timings
            report_path = report.write_report(r.run_dir, summary)
        return _finish(r, summary, report_path)
    finally:
        if started and not opts.keep_up:
            console.rule("stopping the stack this run started (KEEP_UP=1 leaves it up)")
            _stack_down(console)


def _stack_up(r: Run) -> bool:
    """What `devstack up` does, then its settings (`devstack env`) in `r.env`.

    Returns whether this run started the stack (a running one is reused and left running).
    """
    settings = Settings.from_env()
    reused = bool(stack.running(settings))
    if reused:
        r.console.print("reusing the running stack (it will be left running)")
    with stack.locked(settings):
        stack.up(settings, to_stderr)
    r.env = envvars.variables(settings)
    return not reused


def _stack_down(console: Console) -> None:
    settings = Settings.from_env()
    try:
        with stack.locked(settings):
            stack.down(settings, to_stderr)
    except StackError as exc:
        console.print(f"[red]stopping the stack failed: {exc}[/red]")


def _batch_path(r: Run) -> None:
    topics = r.names.topics
    bootstrap = r.env["KAFKA_BOOTSTRAP"]
    with r.stages.stage("post batch", "every event through API Gateway -> REST proxy -> Kafka"):
        base = end_offsets(bootstrap, topics)
        r.posted["batch"] = _post(r, "batch")
        target = end_offsets(bootstrap, topics)
    reader = SinkReader(boto3.client("s3"), r.names.bucket)
    with r.stages.stage("sink", "wait until the S3 sink landed every record"):
        _wait_sink(r, reader, topics, base, target)
        lines = reader.run_records(topics, base, target)
        r.landed["batch"] = {r.names.table_of_topic(t): v for t, v in lines.items()}
        copied = reader.snapshot(topics, base, target, f"runs/{r.run_id}")
        r.console.print(
            f"{sum(map(len, lines.values())):,} records landed; this run's {copied} objects "
            f"copied to s3://{r.names.bucket}/runs/{r.run_id}/ for the batch job"
        )
    with r.stages.stage("batch job", "Spark: S3 JSON -> clean -> Delta -> nine answers"):
        cmd = [
            sys.executable, "-m", "jobs.batch",
            "--input", f"s3a://{r.names.bucket}/runs/{r.run_id}",
            "--output", r.uri("tables", "batch"),
            "--results", r.uri("results"),
        ]  # fmt: skip
        log = r.run_dir / "logs" / "batch_job.log"
        # Exit 3: the data was too dirty to answer from; the reconciliation says where.
        code = run_job(cmd, log, r.opts.job_timeout, r.console, "batch job", accept=(0, 3))
        if code == 3:
            r.console.print(f"[red]batch job: too many malformed or unparseable (see {log})[/red]")


def _wait_sink(
    r: Run, reader: SinkReader, topics: list[str], base: Offsets, target: Offsets
) -> None:
    last = [0.0]

    def progress(done: int, want: int) -> None:
        if time.monotonic() - last[0] > 5 or done >= want:
            last[0] = time.monotonic()
            r.console.print(f"  sink landed {done:,} of {want:,} records")

    try:
        wait_landed(reader, topics, base, target, r.opts.sink_timeout, progress)
    except TimeoutError as exc:
        raise RunError(f"{exc}; see {S3Sink(Settings.from_env()).log}") from None


def _stream_path(r: Run) -> None:
    client = boto3.client("kinesis")
    streams = r.names.streams
    with r.stages.stage("post stream", "every event through API Gateway -> Kinesis"):
        # The job reads from this instant on: earlier runs' records stay out of this run's tables.
        start = kinesis_landed.start_instant()
        r.posted["stream"] = _post(r, "stream")
    with r.stages.stage("stream job", "Spark Structured Streaming, availableNow: Kinesis -> Delta"):
        cmd = [
            sys.executable, "-m", "jobs.streaming",
            "--streams", ",".join(TABLES),
            "--output", r.uri("tables", "stream"),
            "--checkpoints", r.uri("checkpoints"),
            "--trigger", "available-now",
            "--initial-position", "at_timestamp",
            "--initial-timestamp", start.isoformat(timespec="milliseconds"),
        ]  # fmt: skip
        run_job(
            cmd,
            r.run_dir / "logs" / "stream_job.log",
            r.opts.job_timeout,
            r.console,
            "streaming job",
        )
    records = kinesis_landed.records_since(client, streams, start)
    r.landed["stream"] = {r.names.table_of_stream(s): v for s, v in records.items()}


def _post(r: Run, mode: Mode) -> dict[str, PostSummary]:
    with Progress(console=r.console, transient=True) as bar:
        tasks = {t: bar.add_task(f"{mode} {t}", total=r.opts.rows) for t in TABLES}

        def on_progress(table: str, n: int) -> None:
            bar.advance(tasks[table], n)

        summaries = post_events(
            mode,
            r.env["API_URL"],
            db_url=r.db_url,
            rate=r.opts.rate,
            batch_size=r.opts.batch,
            api_key=r.env.get("API_KEY") or None,
            pipeline_id=r.names.pipeline_id,
            workers=r.opts.workers,
            datetimes=r.opts.datetimes,
            retries=12,
            max_backoff=5.0,
            on_progress=on_progress,
            log=lambda line: r.console.print(line, markup=False, highlight=False),
        )
    for s in summaries.values():
        r.console.print(
            f"  {mode} {s.table}: {s.acknowledged:,} of {s.total:,} acknowledged, "
            f"{s.failed:,} failed, {s.records_per_s:,.0f} records/s"
        )
    return summaries


def _reconcile(r: Run) -> dict[str, Any]:
    facts = {t: source_facts(r.db_url, t, r.opts.rows) for t in TABLES}
    rows: dict[str, dict[str, reconcile.TableReconciliation]] = {}
    for path in ("batch", "stream"):
        rows[path] = {}
        for t in TABLES:
            keys, nulls = cleaned_counts(str(r.run_dir / "tables" / path / r.names.table(t)), t)
            malformed, unparseable = job_quality(r.run_dir, r.names, path, t)
            counts = reconcile.TableCounts(
                posted=r.posted[path][t].sent,
                acknowledged=r.posted[path][t].acknowledged,
                landed_keys=key_counts(r.landed[path][t], SPECS[t].event_key),
                cleaned_keys=keys,
                rows_with_nulls=nulls,
                malformed=malformed,
                unparseable=unparseable,
            )
            rows[path][t] = reconcile.reconcile_table(path, t, counts, facts[t])
    summary = reconcile.summarize(rows)
    summary.update(
        run=r.run_id,
        rows=r.opts.rows,
        pipeline_id=r.names.pipeline_id,
        options=asdict(r.opts),
    )
    return summary


def _finish(r: Run, summary: dict[str, Any], report_path: Path) -> int:
    summary["timings"] = r.stages.timings
    path = r.run_dir / "reconciliation.json"
    path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    r.console.rule("[bold]results")
    print_answers(r.run_dir / "results", r.console)
    reconcile.print_table(summary, r.console)
    r.stages.print_table()
    problems = reconcile.verify(summary)
    r.console.print(f"reconciliation: {path}", soft_wrap=True)
    r.console.print(f"report: {report_path}", soft_wrap=True)
    if problems:
        r.console.print(f"[red]the reconciliation does not add up ({len(problems)} problems)[/red]")
        return 1
    return 0
