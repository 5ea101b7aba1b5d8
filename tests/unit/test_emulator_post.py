"""The posting clients against a real HTTP server on 127.0.0.1 (started here, no services)."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from contracts.records import SPECS, dumps, to_wire
from emulator import source
from emulator.post import PostError, post_events

ROWS = 40
FAST = {"backoff": 0.01, "retries": 3, "timeout": 5.0}


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


Reply = tuple[int, str] | None  # None: drop the connection without answering


@dataclass
class FakeApi:
    """Records every request; `reply(seen, n)` decides the answer (n = requests on that path)."""

    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    reply: Callable[[Seen, int], Reply] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]

    def answer(self, seen: Seen) -> Reply:
        with self.lock:
            self.seen.append(seen)
            n = sum(s.path == seen.path for s in self.seen)
        if self.reply is not None:
            return self.reply(seen, n)
        return 200, ok_body(seen)


def ok_body(seen: Seen) -> str:
    """What the REST proxy or Kinesis answers when every record is stored."""
    body = seen.json
    if "records" in body:
        ok = {"partition": 0, "error_code": None, "error": None}
        offsets = [{**ok, "offset": i} for i in range(len(body["records"]))]
        return dumps({"key_schema_id": None, "value_schema_id": None, "offsets": offsets})
    if "Records" in body:
        records = [{"SequenceNumber": str(i), "ShardId": "s"} for i in range(len(body["Records"]))]
        return dumps({"FailedRecordCount": 0, "Records": records})
    return dumps({"SequenceNumber": "1", "ShardId": "shardId-0"})


@pytest.fixture
def api() -> Iterator[FakeApi]:
    fake = FakeApi()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else delayed ACKs add 40 ms to every request

        def _handle(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            seen = Seen(self.command, self.path, dict(self.headers), body)
            reply = fake.answer(seen)
            if reply is None:
                self.close_connection = True
                self.connection.close()
                return
            status, text = reply
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_POST = do_PUT = _handle

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/dev"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('post') / 'source.db'}"
    source.seed(url, ROWS, 1)
    return url


def _expected_rows(db_url: str, table: str, count: int) -> list[dict]:
    engine = source.check_source(db_url)
    try:
        return [to_wire(SPECS[table], r) for r in source.read_rows(engine, table, count)]
    finally:
        engine.dispose()


def test_batch_posts_every_row_of_every_table(api: FakeApi, db_url: str) -> None:
    result = post_events("batch", api.url, db_url=db_url, count=5, pipeline_id="abcd", **FAST)
    assert set(result) == {"pin", "geo", "user"}
    for table, s in result.items():
        assert (s.total, s.sent, s.acknowledged, s.failed, s.requests) == (5, 5, 5, 0, 5)
        assert s.ok and s.seconds > 0
        seen = [x for x in api.seen if x.path == f"/dev/topics/abcd.{table}"]
        assert [x.json["records"][0]["value"] for x in seen] == _expected_rows(db_url, table, 5)
        assert all(x.method == "POST" for x in seen)
        assert all(x.headers["Content-Type"] == "application/vnd.kafka.json.v2+json" for x in seen)
    assert len(api.seen) == 15


def test_stream_batches_use_put_records(api: FakeApi, db_url: str) -> None:
    result = post_events(
        "stream", api.url, db_url=db_url, batch_size=4, tables=("geo",), api_key="sekrit", **FAST
    )
    assert result["geo"].acknowledged == ROWS and result["geo"].requests == 10
    assert set(api.paths()) == {"/dev/streams/streaming-0a1b2c3d4e5f-geo/records"}
    assert all(s.method == "PUT" and s.headers["x-api-key"] == "sekrit" for s in api.seen)
    sent = [r["Data"] for s in api.seen for r in s.json["Records"]]
    assert sorted(sent, key=lambda r: r["ind"]) == _expected_rows(db_url, "geo", ROWS)


def test_stream_single_records_use_put_record(api: FakeApi, db_url: str) -> None:
    result = post_events("stream", api.url, db_url=db_url, count=3, tables=("user",), **FAST)
    assert result["user"].ok
    assert api.paths() == ["/dev/streams/streaming-0a1b2c3d4e5f-user/record"] * 3
    assert [s.json["PartitionKey"] for s in api.seen] == ["0", "1", "2"]


def test_retries_on_503_then_succeeds(api: FakeApi, db_url: str) -> None:
    api.reply = lambda seen, n: (503, '{"message":"busy"}') if n <= 2 else (200, ok_body(seen))
    result = post_events("batch", api.url, db_url=db_url, count=3, tables=("pin",), **FAST)
    s = result["pin"]
    assert (s.acknowledged, s.failed, s.retries, s.requests) == (3, 0, 2, 5)
    assert s.ok
    assert api.seen[0].body == api.seen[1].body == api.seen[2].body  # the same record, resent


def test_retries_on_429_and_dropped_connections(api: FakeApi, db_url: str) -> None:
    replies: dict[int, Reply] = {1: (429, "{}"), 2: None}
    api.reply = lambda seen, n: replies.get(n, (200, ok_body(seen)))
    result = post_events("batch", api.url, db_url=db_url, count=2, tables=("geo",), **FAST)
    assert (result["geo"].acknowledged, result["geo"].retries) == (2, 2)


def test_no_retry_on_400_and_failures_counted(api: FakeApi, db_url: str) -> None:
    api.reply = lambda seen, n: (400, '{"message":"Invalid request body"}')
    logged: list[str] = []
    result = post_events(
        "stream", api.url, db_url=db_url, count=4, tables=("pin",), log=logged.append, **FAST
    )
    s = result["pin"]
    assert (s.sent, s.acknowledged, s.failed, s.requests, s.retries) == (4, 0, 4, 4, 0)
    assert not s.ok
    assert len(api.seen) == 4
    assert logged and "HTTP 400" in logged[0] and "Invalid request body" in logged[0]
    assert sum(s.errors.values()) == 4


def test_rest_proxy_record_failure_retries_only_that_record(api: FakeApi, db_url: str) -> None:
    def reply(seen: Seen, n: int) -> Reply:
        if n > 1:
            return 200, ok_body(seen)
        offsets = [
            {"partition": 0, "offset": 0, "error_code": None, "error": None},
            {"partition": None, "offset": None, "error_code": 2, "error": "retriable"},
            {"partition": 0, "offset": 1, "error_code": None, "error": None},
        ]
        return 200, dumps({"offsets": offsets})

    api.reply = reply
    result = post_events(
        "batch", api.url, db_url=db_url, count=3, batch_size=3, tables=("user",), **FAST
    )
    assert (result["user"].acknowledged, result["user"].failed) == (3, 0)
    rows = _expected_rows(db_url, "user", 3)
    assert api.seen[1].body == dumps({"records": [{"value": rows[1]}]}).encode()
    assert len(api.seen) == 2


def test_non_retriable_record_failure_is_counted_not_retried(api: FakeApi, db_url: str) -> None:
    def reply(seen: Seen, n: int) -> Reply:
        offsets = [{"partition": None, "offset": None, "error_code": 1, "error": "too large"}]
        return 200, dumps({"offsets": [*offsets, {"error_code": None}]})

    api.reply = reply
    result = post_events(
        "batch", api.url, db_url=db_url, count=2, batch_size=2, tables=("pin",), **FAST
    )
    assert (result["pin"].acknowledged, result["pin"].failed, len(api.seen)) == (1, 1, 1)


def test_kinesis_failed_records_retried_alone(api: FakeApi, db_url: str) -> None:
    def reply(seen: Seen, n: int) -> Reply:
        if n > 1:
            return 200, ok_body(seen)
        records = [
            {"SequenceNumber": "1", "ShardId": "s"},
            {"ErrorCode": "ProvisionedThroughputExceededException", "ErrorMessage": "slow"},
            {"SequenceNumber": "2", "ShardId": "s"},
            {"ErrorCode": "InternalFailure", "ErrorMessage": "oops"},
        ]
        return 200, dumps({"FailedRecordCount": 2, "Records": records})

    api.reply = reply
    result = post_events(
        "stream", api.url, db_url=db_url, count=4, batch_size=4, tables=("geo",), **FAST
    )
    assert (result["geo"].acknowledged, result["geo"].failed) == (4, 0)
    assert [r["PartitionKey"] for r in api.seen[1].json["Records"]] == ["1", "3"]


def test_gives_up_after_retries_and_counts_failures(api: FakeApi, db_url: str) -> None:
    api.reply = lambda seen, n: (500, '{"error_code":50002,"message":"Kafka error"}')
    result = post_events("batch", api.url, db_url=db_url, count=2, tables=("pin",), **FAST)
    s = result["pin"]
    assert (s.acknowledged, s.failed, s.requests) == (0, 2, 2 * (FAST["retries"] + 1))
    assert s.aborted is None  # the API answers: a server error is not a reason to stop


def test_api_that_stops_answering_aborts_the_run(api: FakeApi, db_url: str) -> None:
    api.reply = lambda seen, n: None
    result = post_events("batch", api.url, db_url=db_url, **FAST)
    assert all(s.aborted and "stopped answering" in s.aborted for s in result.values())
    assert sum(s.requests for s in result.values()) < 3 * 2 * (FAST["retries"] + 1)
    assert not any(s.ok for s in result.values())


def test_rate_limit_holds(api: FakeApi, db_url: str) -> None:
    start = time.monotonic()
    result = post_events("batch", api.url, db_url=db_url, count=20, rate=40, tables=("pin",))
    elapsed = time.monotonic() - start
    assert result["pin"].acknowledged == 20
    # 20 records at 40/s: the last leaves 19/40 s after the first.
    assert 19 / 40 <= elapsed < 19 / 40 + 1.5
    assert len(api.seen) == 20


def test_rate_limit_counts_records_not_requests(api: FakeApi, db_url: str) -> None:
    start = time.monotonic()
    result = post_events(
        "batch", api.url, db_url=db_url, count=20, rate=40, batch_size=5, tables=("geo",)
    )
    elapsed = time.monotonic() - start
    assert result["geo"].acknowledged == 20 and result["geo"].requests == 4
    assert 15 / 40 <= elapsed < 15 / 40 + 1.5


def test_workers_send_concurrently(api: FakeApi, db_url: str) -> None:
    in_flight, most = 0, 0
    lock = threading.Lock()

    def slow(seen: Seen, n: int) -> Reply:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        time.sleep(0.25)
        with lock:
            in_flight -= 1
        return 200, ok_body(seen)

    api.reply = slow
    result = post_events("batch", api.url, db_url=db_url, count=8, tables=("pin",), workers=4)
    assert result["pin"].acknowledged == 8
    assert most >= 2


def test_stop_event_ends_the_run_cleanly(api: FakeApi, db_url: str) -> None:
    stop = threading.Event()

    def reply(seen: Seen, n: int) -> Reply:
        if n == 3:
            stop.set()
        return 200, ok_body(seen)

    api.reply = reply
    result = post_events("batch", api.url, db_url=db_url, tables=("pin",), stop=stop, **FAST)
    s = result["pin"]
    assert s.interrupted and not s.ok
    assert 3 <= s.acknowledged < ROWS


def test_unreachable_api_is_one_clear_error(db_url: str, closed_port: int) -> None:
    with pytest.raises(PostError, match="cannot reach the API"):
        post_events("batch", f"http://127.0.0.1:{closed_port}", db_url=db_url, count=1)


def test_dry_run_prints_and_sends_nothing(api: FakeApi, db_url: str) -> None:
    out = io.StringIO()
    result = post_events("batch", api.url, db_url=db_url, count=2, dry_run=True, out=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 6 and not api.seen
    method, url, content_type, body = lines[0].split(" ", 3)
    assert (method, url, content_type) == (
        "POST",
        f"{api.url}/topics/0a1b2c3d4e5f.pin",
        "application/vnd.kafka.json.v2+json",
    )
    assert json.loads(body) == {"records": [{"value": _expected_rows(db_url, "pin", 1)[0]}]}
    assert result["pin"].sent == 2 and result["pin"].acknowledged == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"batch_size": 501, "mode": "stream"}, "at most 500"),
        ({"batch_size": 0}, "at least 1"),
        ({"api_url": "ftp://x"}, "invalid API URL"),
        ({"tables": ("pins",)}, "unknown table"),
        ({"pipeline_id": "Bad_Id"}, "invalid PIPELINE_ID"),
        ({"shape": "public", "batch_size": 5}, "one record per request"),
        ({"datetimes": "epoch"}, "--datetimes: one of str, isoformat, mix"),
        ({"shape": "mine"}, "--shape: one of project, public"),
    ],
)
def test_bad_options_are_clear_errors(db_url: str, kwargs: dict, message: str) -> None:
    args = {"mode": "batch", "api_url": "http://127.0.0.1:1", **kwargs}
    with pytest.raises(PostError, match=message):
        post_events(args.pop("mode"), args.pop("api_url"), db_url=db_url, **args)


def test_missing_database_says_to_seed(tmp_path: Path) -> None:
    with pytest.raises(PostError, match="emulator seed"):
        post_events("batch", "http://127.0.0.1:1", db_url=f"sqlite:///{tmp_path / 'none.db'}")


@pytest.fixture
def closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_public_shape_posts_one_record_per_request_as_the_public_scripts(
    api: FakeApi, db_url: str
) -> None:
    for mode in ("batch", "stream"):
        result = post_events(
            mode, api.url, db_url=db_url, count=4, tables=("user",), shape="public",
            datetimes="isoformat", **FAST,
        )  # fmt: skip
        assert result["user"].acknowledged == 4 and result["user"].requests == 4
    batch, stream = api.seen[:4], api.seen[4:]
    rows = _expected_rows(db_url, "user", 4)
    iso = [r["date_joined"].isoformat() for r in _source_rows(db_url, "user", 4)]
    assert [s.json["records"][0]["value"]["date_joined"] for s in batch] == iso
    assert [s.json["Data"]["ind"] for s in stream] == [r["ind"] for r in rows]
    assert {s.json["PartitionKey"] for s in stream} == {"partition-1"}
    assert all(b", " in s.body and b": " in s.body for s in api.seen)  # json.dumps' defaults
    assert {s.headers["Content-Type"] for s in stream} == {"application/json"}
    assert all("Accept" not in s.headers or s.headers["Accept"] == "*/*" for s in api.seen)


def test_mixed_datetimes_alternate_by_event(api: FakeApi, db_url: str) -> None:
    post_events("batch", api.url, db_url=db_url, count=4, tables=("geo",), datetimes="mix", **FAST)
    sent = [s.json["records"][0]["value"]["timestamp"][10] for s in api.seen]
    assert sent == [" ", "T", " ", "T"]


def _source_rows(db_url: str, table: str, count: int) -> list[dict]:
    engine = source.check_source(db_url)
    try:
        return list(source.read_rows(engine, table, count))
    finally:
        engine.dispose()
