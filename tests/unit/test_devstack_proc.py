"""devstack.proc: detached launch, pidfiles that survive pid reuse, health waits, clean stops."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from devstack import proc
from devstack.config import StackError

# A parent that starts a child, a grandchild in a session of its own (as LocalStack starts its
# Kinesis engine), and one that ignores SIGTERM; then waits.
TREE = """
import os, signal, subprocess, sys, time
kids = [
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"]),
    subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True
    ),
    subprocess.Popen([sys.executable, "-c",
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"]),
]
print("started", len(kids), "children", flush=True)
time.sleep(600)
"""


def _launch(tmp_path: Path, code: str) -> tuple[proc.PidRecord, Path, Path]:
    pidfile, log = tmp_path / "svc.pid", tmp_path / "logs" / "svc.log"
    rec = proc.launch(
        [sys.executable, "-c", code], pidfile=pidfile, log=log, env=os.environ, cwd=tmp_path
    )
    return rec, pidfile, log


def _wait_for(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_stop_ends_the_whole_tree_and_only_it(tmp_path: Path) -> None:
    rec, pidfile, log = _launch(tmp_path, TREE)
    _wait_for(lambda: "started 3 children" in log.read_text())
    tree = {pid: proc.start_ticks(pid) or 0 for pid in [rec.pid, *proc.descendants(rec.pid)]}
    assert len(tree) == 4
    assert json.loads(pidfile.read_text())["pid"] == rec.pid
    assert proc.alive(pidfile) == rec
    assert proc.stop(pidfile, grace=1.0) is True
    assert not any(proc.is_running(pid, ticks) for pid, ticks in tree.items())
    assert not pidfile.exists()
    assert proc.stop(pidfile) is False  # nothing of ours left to stop
    assert proc.start_ticks(os.getpid()) is not None  # the test itself was not touched


def test_a_recycled_pid_is_not_ours(tmp_path: Path) -> None:
    pidfile = tmp_path / "svc.pid"
    ticks = proc.start_ticks(os.getpid())
    assert ticks is not None
    # Our own pid with another start time: a process that merely reuses the number.
    pidfile.write_text(json.dumps({"pid": os.getpid(), "start_ticks": ticks + 1, "cmd": ["x"]}))
    assert proc.alive(pidfile) is None
    assert not pidfile.exists()  # the stale pidfile is cleaned up
    assert proc.stop(pidfile) is False


def test_garbage_pidfile_is_ignored(tmp_path: Path) -> None:
    pidfile = tmp_path / "svc.pid"
    pidfile.write_text("not json")
    assert proc.read_pidfile(pidfile) is None
    assert proc.alive(pidfile) is None


def test_launch_appends_output_to_the_log(tmp_path: Path) -> None:
    rec, pidfile, log = _launch(tmp_path, "print('hello from svc')")
    _wait_for(lambda: proc.alive(pidfile) is None)
    text = log.read_text()
    assert "starting:" in text and "hello from svc" in text
    assert rec.cmd[0] == sys.executable


def test_wait_healthy_times_out_naming_the_service_and_its_log_tail(tmp_path: Path) -> None:
    _, pidfile, log = _launch(
        tmp_path,
        "print('line one'); print('still booting', flush=True)\nimport time; time.sleep(60)",
    )
    _wait_for(lambda: "still booting" in log.read_text())
    with pytest.raises(StackError) as err:
        proc.wait_healthy(
            "kafka", lambda: False, timeout=0.5, pidfile=pidfile, log=log, interval=0.1
        )
    message = str(err.value)
    assert message.startswith("kafka not healthy after 0s (DEVSTACK_TIMEOUT)")
    assert str(log) in message and "still booting" in message
    proc.stop(pidfile, grace=2)


def test_wait_healthy_fails_fast_when_the_service_dies(tmp_path: Path) -> None:
    _, pidfile, log = _launch(tmp_path, "import sys; print('bad config: boom'); sys.exit(3)")
    started = time.monotonic()
    with pytest.raises(StackError, match=r"localstack exited before it was healthy(.|\n)*boom"):
        proc.wait_healthy("localstack", lambda: False, timeout=60, pidfile=pidfile, log=log)
    assert time.monotonic() - started < 10


def test_wait_healthy_returns_once_the_check_passes(tmp_path: Path) -> None:
    _, pidfile, log = _launch(tmp_path, "import time; time.sleep(60)")
    calls = iter([False, RuntimeError("connection refused"), True])

    def check() -> bool:
        value = next(calls)
        if isinstance(value, Exception):
            raise value
        return bool(value)

    waited = proc.wait_healthy("x", check, timeout=10, pidfile=pidfile, log=log, interval=0.05)
    assert waited < 5
    proc.stop(pidfile, grace=2)


def test_log_tail_of_a_missing_log(tmp_path: Path) -> None:
    assert proc.log_tail(tmp_path / "nope.log") == "(no log)"
