"""`python -m emulator` as users run it: help, one-line errors, exit codes, Ctrl-C summary."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from emulator import source
from emulator.cli import main

REPO = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("API_URL", "API_KEY", "PIPELINE_ID")}
    env["SOURCE_DB_URL"] = f"sqlite:///{tmp_path / 'source.db'}"
    env["COLUMNS"] = "120"
    return env


def run(tmp_path: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emulator", *args],
        cwd=REPO,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Api:
    """A REST-proxy look-alike answering 200 (or `status`) after `delay` seconds."""

    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.status, self.delay, self.count = status, delay, 0
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                api.count += 1
                time.sleep(api.delay)
                data = b'{"offsets":[{"partition":0,"offset":0,"error_code":null,"error":null}]}'
                self.send_response(api.status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli")
    source.seed(f"sqlite:///{path / 'source.db'}", 300, 5)
    return path


@pytest.fixture
def api() -> Iterator[Api]:
    server = Api()
    yield server
    server.close()


def in_process(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, home: Path, *args: str
) -> tuple[int, str, str]:
    """main() as `python -m emulator` runs it (SystemExit included), without a new process."""
    for key, value in _env(home).items():
        monkeypatch.setenv(key, value)
    for key in ("API_URL", "API_KEY", "PIPELINE_ID"):
        monkeypatch.delenv(key, raising=False)
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _one_line(code: int, err: str, expected_code: int, text: str) -> None:
    assert code == expected_code, err
    lines = err.removesuffix("\n").split("\n")
    assert len(lines) == 1, err
    assert text in lines[0]


def _one_line_error(result: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    _one_line(result.returncode, result.stderr, code, text)
    assert "Traceback" not in result.stderr


def test_help(tmp_path: Path) -> None:
    result = run(tmp_path, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: python -m emulator")
    assert "seed" in result.stdout and "post" in result.stdout


@pytest.mark.parametrize("command", ["seed", "post"])
def test_subcommand_help(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: str,
) -> None:
    code, out, _ = in_process(capsys, monkeypatch, tmp_path, command, "--help")
    assert code == 0
    assert out.startswith(f"usage: python -m emulator {command}")
    flags = ["--db", "--rows", "--seed"] if command == "seed" else ["--api", "--count", "--rate"]
    flags += ["--batch-size", "--dry-run", "--api-key"] if command == "post" else []
    assert all(flag in out for flag in flags)


def test_bad_arguments_in_a_real_process(tmp_path: Path) -> None:
    _one_line_error(run(tmp_path, "post", "batch", "--count", "-1"), 2, "non-negative integer")


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ([], "required: command"),
        (["post"], "required: mode"),
        (["post", "kafka"], "invalid choice: 'kafka'"),
        (["post", "batch", "--rate", "fast"], "expected a number"),
        (["post", "batch", "--tables", "pin,pins"], "expected some of pin,geo,user"),
        (["post", "batch", "--datetimes", "epoch"], "invalid choice: 'epoch'"),
        (["post", "batch", "--shape", "mine"], "invalid choice: 'mine'"),
        (["seed", "--rows", "0"], "expected a positive integer"),
        (["seed", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    args: list[str],
    text: str,
) -> None:
    code, _, err = in_process(capsys, monkeypatch, tmp_path, *args)
    _one_line(code, err, 2, text)


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["post", "batch"], "no API URL: pass --api or set API_URL"),
        (["post", "stream", "--api", "http://x", "--batch-size", "600"], "at most 500"),
        (
            ["post", "batch", "--api", "http://x", "--shape", "public", "--batch-size", "5"],
            "--shape public sends one record per request",
        ),
        (["post", "batch", "--api", "http://x", "--db", "sqlite:////nowhere/x.db"], "seed` first"),
        (["post", "batch", "--api", "localhost:8082"], "invalid API URL"),
        (["seed", "--db", "nonsense", "--rows", "5"], "invalid database URL"),
        (
            ["seed", "--db", "nodriver+x://u:s3cret@h/db"],
            "invalid database URL 'nodriver+x://u:***@h/db'",
        ),
        (["seed", "--db", "mysql+nodriver://u:s3cret@h/db"], "'mysql+nodriver://u:***@h/db'"),
    ],
)
def test_setup_errors_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    seeded: Path,
    args: list[str],
    text: str,
) -> None:
    code, _, err = in_process(capsys, monkeypatch, seeded, *args)
    _one_line(code, err, 2, text)
    assert "s3cret" not in err


def test_unreachable_api_one_line(seeded: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run(seeded, "post", "batch", "--api", f"http://127.0.0.1:{port}/dev")
    _one_line_error(result, 2, f"cannot reach the API at http://127.0.0.1:{port}/dev")


def test_seed_prints_rows_and_time(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, out, _ = in_process(capsys, monkeypatch, tmp_path, "seed", "--rows", "50", "--quiet")
    assert code == 0
    assert out.startswith("seeded 50 rows per table (seed 42) into sqlite:///")
    assert out.rstrip().endswith(" s")
    assert (tmp_path / "source.db").exists()


def test_dry_run(seeded: Path) -> None:
    api = "http://127.0.0.1:9/dev"
    result = run(seeded, "post", "batch", "--api", api, "--count", "100", "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 300
    assert lines[0].startswith("POST http://127.0.0.1:9/dev/topics/0a1b2c3d4e5f.pin ")
    assert "dry run: 300 requests, 300 records; nothing sent" in result.stderr


def test_dry_run_in_the_public_shape_with_isoformat_datetimes(seeded: Path) -> None:
    api = "http://127.0.0.1:9/dev"
    args = ["--api", api, "--count", "2", "--dry-run", "--shape", "public", "--tables", "user"]
    result = run(seeded, "post", "stream", *args, "--datetimes", "isoformat")
    assert result.returncode == 0, result.stderr
    method, url, content_type, body = result.stdout.splitlines()[0].split(" ", 3)
    assert (method, url, content_type) == (
        "PUT",
        f"{api}/streams/streaming-0a1b2c3d4e5f-user/record",
        "application/json",
    )
    assert body.startswith('{"StreamName": "streaming-0a1b2c3d4e5f-user", "Data": {"ind": 0, ')
    assert re.search(r'"date_joined": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"', body), body
    assert body.endswith('"PartitionKey": "partition-1"}')


def test_post_summary_and_exit_code(seeded: Path, api: Api) -> None:
    result = run(seeded, "post", "batch", "--api", api.url, "--count", "20", "--quiet")
    assert result.returncode == 0, result.stderr
    assert api.count == 60
    rows = [line.replace("│", " ").split() for line in result.stdout.splitlines()]
    for table in ("pin", "geo", "user"):
        assert [table, "20", "20", "0"] in [r[:4] for r in rows], result.stdout


def test_failures_give_a_non_zero_exit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, seeded: Path
) -> None:
    server = Api(status=400)
    try:
        args = ("post", "batch", "--api", server.url, "--count", "2", "--quiet", "--tables", "geo")
        code, _, err = in_process(capsys, monkeypatch, seeded, *args)
    finally:
        server.close()
    assert code == 1
    assert "HTTP 400" in err
    assert server.count == 2


def test_ctrl_c_prints_the_summary(seeded: Path) -> None:
    server = Api(delay=0.02)
    try:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "emulator",
                "post",
                "batch",
                "--api",
                server.url,
                "--rate",
                "20",
            ],
            cwd=REPO,
            env=_env(seeded),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 20
        while server.count < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.count >= 6, "the client never started posting"
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=20)
    finally:
        server.close()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "interrupted" in stderr
    assert "acknowledged" in stdout and "records/s" in stdout
    assert server.count < 900
