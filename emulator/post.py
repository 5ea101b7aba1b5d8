"""Post source rows to the pipeline's API: batch (REST proxy route) or stream (Kinesis routes).

Each table runs in its own thread: a reader fills a small queue with batches of B rows and
`workers` senders post them. Retries use exponential backoff with jitter on connection errors,
429 and 5xx; a 2xx that reports failed records retries only those records (so nothing already
stored is sent twice on purpose). Other 4xx answers are counted as failed, never retried.
"""

from __future__ import annotations

import contextlib
import queue
import random
import socket
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any, TextIO
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from contracts.names import TABLES, Names, pipeline_id_from_env
from contracts.records import DATETIME_STYLES, SPECS, DatetimeStyle, to_wire
from emulator import config, source
from emulator.post_summary import PostSummary
from emulator.ratelimit import RateLimiter
from emulator.wire import (
    MAX_STREAM_BATCH,
    MODES,
    SHAPES,
    Mode,
    Outcome,
    Shape,
    build_request,
    read_outcome,
)

USER_AGENT = "pinterest-emulator/0.1"
# Errors after which another try may succeed (the request may not have reached the API).
_TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
_LIVE_REPORTS = 3
"""Each distinct error message is printed live this many times per table, then only counted."""


class PostError(Exception):
    """A problem with the arguments or the API, worth one line to the user."""


@dataclass(frozen=True)
class PostOptions:
    mode: Mode
    api_url: str
    db_url: str
    count: int | None = None
    rate: float = 0.0
    """Records per second per table (one event is one record of each table); 0 = unlimited."""
    batch_size: int = 1
    api_key: str | None = None
    pipeline_id: str = ""
    tables: tuple[str, ...] = TABLES
    retries: int = 6
    backoff: float = 0.5
    """First retry delay in seconds; doubles per retry (with jitter), up to max_backoff."""
    max_backoff: float = 20.0
    timeout: float = 30.0
    workers: int = 1
    datetimes: DatetimeStyle = "str"
    """How datetimes travel: str() text, isoformat() text, or a mix by event (contracts.records)."""
    shape: Shape = "project"
    """`public`: one record per request, exactly as the public posting scripts send it."""

    def validate(self) -> None:
        if self.mode not in MODES:
            raise PostError(f"unknown mode {self.mode!r}: use batch or stream")
        parts = urlsplit(self.api_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PostError(f"invalid API URL {self.api_url!r}: expected http(s)://host[:port]/...")
        if self.batch_size < 1:
            raise PostError("--batch-size must be at least 1")
        if self.mode == "stream" and self.batch_size > MAX_STREAM_BATCH:
            raise PostError(f"--batch-size for stream is at most {MAX_STREAM_BATCH} (PutRecords)")
        if self.count is not None and self.count < 0:
            raise PostError("--count must not be negative")
        if self.rate < 0:
            raise PostError("--rate must not be negative")
        if self.retries < 0 or self.backoff < 0 or self.timeout <= 0 or self.workers < 1:
            raise PostError("--retries, --backoff must be >= 0, --timeout > 0, --workers >= 1")
        for table in self.tables:
            if table not in TABLES:
                raise PostError(f"unknown table {table!r}: expected some of {', '.join(TABLES)}")
        if self.datetimes not in DATETIME_STYLES:
            raise PostError(f"--datetimes: one of {', '.join(DATETIME_STYLES)}")
        if self.shape not in SHAPES:
            raise PostError(f"--shape: one of {', '.join(SHAPES)}")
        if self.shape == "public" and self.batch_size != 1:
            raise PostError("--shape public sends one record per request: use --batch-size 1")


ProgressFn = Callable[[str, int], None]
LogFn = Callable[[str], None]


def post_events(
    mode: Mode,
    api_url: str,
    *,
    db_url: str | None = None,
    dry_run: bool = False,
    out: TextIO | None = None,
    stop: threading.Event | None = None,
    on_start: Callable[[dict[str, PostSummary]], None] | None = None,
    on_progress: ProgressFn | None = None,
    log: LogFn | None = None,
    **options: Any,
) -> dict[str, PostSummary]:
    """Send the first `count` rows of each table; returns a PostSummary per table.

    `options` are PostOptions fields (count, rate, batch_size, api_key, pipeline_id, tables,
    retries, backoff, max_backoff, timeout, workers, datetimes, shape); pipeline_id, api_key and
    db_url default
    to PIPELINE_ID, API_KEY and SOURCE_DB_URL. Ctrl-C (KeyboardInterrupt) or setting
    `stop` ends the run cleanly: the summaries come back marked `interrupted`.
    Raises PostError for bad options, a missing source database or an unreachable API.
    """
    options.setdefault("pipeline_id", pipeline_id_from_env())
    options.setdefault("api_key", config.api_key())
    opts = PostOptions(
        mode=mode, api_url=api_url, db_url=db_url or config.source_db_url(), **options
    )
    opts.validate()
    try:
        names = Names(opts.pipeline_id)
    except ValueError as exc:
        raise PostError(str(exc)) from None
    try:
        engine = source.check_source(opts.db_url)
    except source.SourceError as exc:
        raise PostError(str(exc)) from None
    try:
        summaries = {t: PostSummary(t, total=_planned(engine, t, opts.count)) for t in opts.tables}
        if dry_run:
            _dry_run(opts, names, engine, summaries, out)
            return summaries
        check_reachable(opts.api_url)
        if on_start:
            on_start(summaries)
        stop = stop or threading.Event()
        runs = [
            _TableRun(opts, names, engine, summaries[t], stop, on_progress, log)
            for t in opts.tables
        ]
        _run_all(runs, stop)
        _mark_unfinished(summaries, stop)
        return summaries
    finally:
        engine.dispose()


def _mark_unfinished(summaries: dict[str, PostSummary], stop: threading.Event) -> None:
    """Say why tables that did not finish stopped: another table's abort, or the caller."""
    if not stop.is_set():
        return
    reason = next((s.aborted for s in summaries.values() if s.aborted), None)
    for s in summaries.values():
        if s.acknowledged + s.failed >= s.total or s.aborted:
            continue
        if reason:
            s.aborted = reason
        else:
            s.interrupted = True


def check_reachable(api_url: str, timeout: float = 3.0) -> None:
    """Fail fast, in one line, when nothing listens at the API's host and port."""
    if _use_env_proxies(api_url) and requests.utils.get_environ_proxies(api_url):
        return  # through a proxy the direct connection may be blocked on purpose
    parts = urlsplit(api_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise PostError(f"cannot reach the API at {api_url}: {reason}") from None


def _use_env_proxies(api_url: str) -> bool:
    """HTTP(S)_PROXY applies, except to the local stack: loopback never needs a proxy."""
    host = urlsplit(api_url).hostname or ""
    return host != "localhost" and not host.startswith("127.") and host != "::1"


def _planned(engine: Any, table: str, count: int | None) -> int:
    rows = source.count_rows(engine, table)
    return rows if count is None else min(rows, count)


def _batches(engine: Any, table: str, opts: PostOptions) -> Generator[list[dict], None, None]:
    spec, size = SPECS[table], opts.batch_size
    batch: list[dict] = []
    rows = source.read_rows(engine, table, opts.count)
    with contextlib.closing(rows):
        for row in rows:
            batch.append(to_wire(spec, row, opts.datetimes))
            if len(batch) == size:
                yield batch
                batch = []
    if batch:
        yield batch


def _dry_run(
    opts: PostOptions,
    names: Names,
    engine: Any,
    summaries: dict[str, PostSummary],
    out: TextIO | None,
) -> None:
    """Print each request as `METHOD URL CONTENT-TYPE BODY`, one per line; send nothing."""
    for table, summary in summaries.items():
        for batch in _batches(engine, table, opts):
            req = build_request(
                opts.mode,
                opts.api_url,
                names,
                table,
                batch,
                multi=opts.batch_size > 1,
                shape=opts.shape,
            )
            line = f"{req.method} {req.url} {req.headers['Content-Type']} {req.body.decode()}"
            print(line, file=out)
            summary.add(sent=len(batch), requests=1)


def _run_all(runs: list[_TableRun], stop: threading.Event) -> None:
    threads = [threading.Thread(target=r.run, name=f"post-{r.table}", daemon=True) for r in runs]
    for t in threads:
        t.start()
    try:
        # Short joins keep the main thread responsive to Ctrl-C.
        while any(t.is_alive() for t in threads):
            for t in threads:
                t.join(timeout=0.1)
    except KeyboardInterrupt:
        stop.set()  # senders finish the request in flight, then stop
        for t in threads:
            t.join()


class _TableRun:
    """Posts one table: a reader feeding `workers` senders through a bounded queue."""

    def __init__(
        self,
        opts: PostOptions,
        names: Names,
        engine: Any,
        summary: PostSummary,
        stop: threading.Event,
        on_progress: ProgressFn | None,
        log: LogFn | None,
    ) -> None:
        self.opts, self.names, self.engine, self.summary = opts, names, engine, summary
        self.table = summary.table
        self.stop = stop
        self.on_progress = on_progress
        self.log = log
        self.limiter = RateLimiter(opts.rate)
        self.queue: queue.Queue[list[dict]] = queue.Queue(maxsize=2 * opts.workers)
        self.read_done = threading.Event()
        self.jitter = random.Random()  # timing only; the data's randomness is the seed's

    def run(self) -> None:
        start = time.monotonic()
        senders = [
            threading.Thread(target=self._sender, daemon=True) for _ in range(self.opts.workers)
        ]
        for t in senders:
            t.start()
        try:
            self._read()
        except Exception as exc:  # a database error must end the run, not hang it
            self._abort(f"reading {self.table}: {exc}".splitlines()[0])
        finally:
            self.read_done.set()
            for t in senders:
                t.join()
            self.summary.seconds = time.monotonic() - start

    def _read(self) -> None:
        batches = _batches(self.engine, self.table, self.opts)
        with contextlib.closing(batches):
            for batch in batches:
                while not self.stop.is_set():
                    try:
                        self.queue.put(batch, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if self.stop.is_set():
                    return

    def _sender(self) -> None:
        with _session(self.opts.workers, _use_env_proxies(self.opts.api_url)) as session:
            while not self.stop.is_set():
                try:
                    batch = self.queue.get(timeout=0.1)
                except queue.Empty:
                    if self.read_done.is_set():
                        return
                    continue
                if not self.limiter.acquire(len(batch), self.stop):
                    return
                self._send(session, batch)

    def _send(self, session: requests.Session, rows: list[dict]) -> None:
        """Send one batch until every record is acknowledged, failed or retries run out."""
        self.summary.add(sent=len(rows))
        pending = list(range(len(rows)))
        attempt = 0
        while pending:
            outcome, transient, retry_after = self._attempt(session, [rows[i] for i in pending])
            retry = [pending[i] for i in outcome.retry]
            self._settle(
                len(pending) - len(outcome.retry) - len(outcome.failed), len(outcome.failed)
            )
            if outcome.error:
                self._report(("retrying: " if retry else "") + outcome.error)
            pending = retry
            if not pending or self.stop.is_set():
                return
            attempt += 1
            if attempt > self.opts.retries:
                self._settle(0, len(pending))
                self._report(f"gave up after {self.opts.retries} retries: {outcome.error}")
                if transient:
                    self._abort(
                        f"the API at {self.opts.api_url} stopped answering: {outcome.error}"
                    )
                return
            self.summary.add(retries=1)
            if self.stop.wait(self._delay(attempt, retry_after)):
                return

    def _attempt(
        self, session: requests.Session, rows: list[dict]
    ) -> tuple[Outcome, bool, float | None]:
        """One request: (outcome by record position, transient error?, Retry-After seconds)."""
        req = build_request(
            self.opts.mode,
            self.opts.api_url,
            self.names,
            self.table,
            rows,
            multi=self.opts.batch_size > 1,
            api_key=self.opts.api_key,
            shape=self.opts.shape,
        )
        everyone = list(range(len(rows)))
        self.summary.add(requests=1)
        try:
            resp = session.request(
                req.method,
                req.url,
                data=req.body,
                headers=req.headers,
                timeout=(min(5.0, self.opts.timeout), self.opts.timeout),
            )
        except _TRANSIENT as exc:
            return Outcome(retry=everyone, error=_describe(exc)), True, None
        except requests.RequestException as exc:
            return Outcome(failed=everyone, error=_describe(exc)), False, None
        status = resp.status_code
        if status == 429 or status >= 500:
            error = f"HTTP {status} from {req.url}: {_excerpt(resp.text)}"
            return Outcome(retry=everyone, error=error), False, _retry_after(resp)
        if not 200 <= status < 300:
            error = f"HTTP {status} from {req.url}: {_excerpt(resp.text)}"
            return Outcome(failed=everyone, error=error), False, None
        return read_outcome(self.opts.mode, len(rows), resp.text), False, None

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        # Exponential backoff with "equal jitter": between half and all of the step.
        step = min(self.opts.max_backoff, self.opts.backoff * 2 ** (attempt - 1))
        delay = step * (0.5 + self.jitter.random() / 2)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.opts.max_backoff))
        return delay

    def _settle(self, acknowledged: int, failed: int) -> None:
        self.summary.add(acknowledged=acknowledged, failed=failed)
        if self.on_progress and acknowledged + failed:
            self.on_progress(self.table, acknowledged + failed)

    def _report(self, message: str) -> None:
        if self.summary.note(message) <= _LIVE_REPORTS and self.log:
            self.log(f"{self.table}: {message}")

    def _abort(self, reason: str) -> None:
        self.summary.aborted = reason
        self.stop.set()


@contextlib.contextmanager
def _session(pool: int, trust_env: bool) -> Iterator[requests.Session]:
    session = requests.Session()
    session.trust_env = trust_env
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(1, pool))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    try:
        yield session
    finally:
        session.close()


def _retry_after(resp: requests.Response) -> float | None:
    try:
        return float(resp.headers.get("Retry-After", ""))
    except ValueError:
        return None


def _excerpt(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def _describe(exc: Exception) -> str:
    # requests wraps urllib3 errors in long reprs; the innermost reason is the readable part.
    reason: BaseException = exc
    while reason.args and isinstance(reason.args[0], BaseException):
        reason = reason.args[0]
    text = str(getattr(reason, "reason", None) or reason)
    return f"{type(exc).__name__}: {_excerpt(text, 160)}"
