"""Process supervision: start detached services, remember their pids, wait for health, stop them.

A pidfile records the pid and its kernel start time, so a recycled pid is never mistaken for
ours. Each service runs in its own session (process group = its pid); `stop` signals that group
and any descendants recorded before signalling, and nothing else.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from devstack.config import StackError


@dataclass(frozen=True)
class PidRecord:
    pid: int
    start_ticks: int
    cmd: list[str]


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (index 0 = state)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def start_ticks(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[19]) if fields else None


def is_running(pid: int, ticks: int) -> bool:
    """True while that very process (not a later one with its pid) runs; zombies are dead."""
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X") and int(fields[19]) == ticks


def read_pidfile(path: Path) -> PidRecord | None:
    try:
        data = json.loads(path.read_text())
        return PidRecord(int(data["pid"]), int(data["start_ticks"]), list(data["cmd"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def alive(path: Path) -> PidRecord | None:
    """The record of a running process we started, or None (a stale pidfile is removed)."""
    rec = read_pidfile(path)
    if rec is None:
        return None
    if is_running(rec.pid, rec.start_ticks):
        return rec
    path.unlink(missing_ok=True)
    return None


def launch(
    cmd: Sequence[str],
    *,
    pidfile: Path,
    log: Path,
    env: Mapping[str, str],
    cwd: Path,
) -> PidRecord:
    """Start `cmd` detached (own session), output appended to `log`; write its pidfile."""
    log.parent.mkdir(parents=True, exist_ok=True)
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        out.write(f"\n==== {time.strftime('%F %T')} starting: {' '.join(cmd)}\n".encode())
        out.flush()
        proc = subprocess.Popen(
            list(cmd),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
        )
    ticks = start_ticks(proc.pid)
    if ticks is None:
        raise StackError(f"{cmd[0]} exited at once; see {log}")
    rec = PidRecord(proc.pid, ticks, list(cmd))
    pidfile.write_text(json.dumps(asdict(rec)))
    return rec


def descendants(pid: int) -> list[int]:
    """Every live descendant of `pid` (children first found, then theirs)."""
    parent_of: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields:
                parent_of[int(entry.name)] = int(fields[1])
    found: list[int] = []
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        children = [p for p, pp in parent_of.items() if pp == current]
        found.extend(children)
        frontier.extend(children)
    return found


def stop(pidfile: Path, grace: float = 20.0) -> bool:
    """SIGTERM the service and its descendants, SIGKILL what is left after `grace` seconds.

    Returns False when there was nothing of ours running.
    """
    rec = alive(pidfile)
    if rec is None:
        return False
    targets = {rec.pid: rec.start_ticks}
    for child in descendants(rec.pid):
        ticks = start_ticks(child)
        if ticks is not None:
            targets[child] = ticks
    _signal_all(targets, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and _any_running(targets):
        time.sleep(0.2)
    if _any_running(targets):
        _signal_all(targets, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _any_running(targets):
            time.sleep(0.1)
    pidfile.unlink(missing_ok=True)
    return True


def _signal_all(targets: dict[int, int], sig: signal.Signals) -> None:
    for pid, ticks in targets.items():
        if is_running(pid, ticks):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)


def _any_running(targets: dict[int, int]) -> bool:
    return any(is_running(pid, ticks) for pid, ticks in targets.items())


def log_tail(log: Path, lines: int = 15) -> str:
    try:
        with log.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 64 * 1024))
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def wait_healthy(
    service: str,
    check: Callable[[], bool],
    *,
    timeout: float,
    pidfile: Path,
    log: Path,
    interval: float = 0.5,
) -> float:
    """Poll `check` until it passes; fail fast if the process died. Returns seconds waited."""
    started = time.monotonic()
    while True:
        if _safe(check):
            return time.monotonic() - started
        if alive(pidfile) is None:
            raise StackError(
                f"{service} exited before it was healthy; last lines of {log}:\n{log_tail(log)}"
            )
        if time.monotonic() - started > timeout:
            raise StackError(
                f"{service} not healthy after {timeout:.0f}s (DEVSTACK_TIMEOUT); "
                f"last lines of {log}:\n{log_tail(log)}"
            )
        time.sleep(interval)


def _safe(check: Callable[[], bool]) -> bool:
    try:
        return bool(check())
    except Exception:
        return False
