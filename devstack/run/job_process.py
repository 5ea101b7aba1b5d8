"""Run a Spark job as a child process: its output to the console and to a log file, with a deadline.

The job stays in our process group (Ctrl-C, or a caller killing the group, reaches its JVM too);
on a timeout we kill its whole process tree.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import threading
from pathlib import Path

from rich.console import Console

from devstack.proc import descendants

# log4j lines below ERROR ("12:00:00 WARN ...", with or without a date) and JVM notices go to the
# log file only: the console keeps the job's own progress, answers and errors.
_JAVA_LOG = re.compile(
    r"^((\d{2}/\d{2}/\d{2} )?\d{2}:\d{2}:\d{2} (WARN|INFO|DEBUG) |WARNING: |\s+at |Using Spark's)"
)


class JobError(RuntimeError):
    """A job failed or timed out; the message names its log."""


def run_job(
    cmd: list[str],
    log_path: Path,
    timeout: float,
    console: Console,
    label: str,
    accept: tuple[int, ...] = (0,),
) -> int:
    """Run the job; returns its exit code, one of `accept` (JobError for any other)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    console.print(f"[dim]$ {' '.join(cmd)}  (log: {log_path})[/dim]")
    timed_out = threading.Event()
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )

        def expire() -> None:
            timed_out.set()
            _kill_tree(proc)

        timer = threading.Timer(timeout, expire)
        timer.start()
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                log.write(line)
                if not _JAVA_LOG.match(line):
                    console.print(line.rstrip("\n"), markup=False, highlight=False)
            code = proc.wait()
        except BaseException:
            _kill_tree(proc)
            raise
        finally:
            timer.cancel()
    if timed_out.is_set():
        raise JobError(f"{label} did not finish within {timeout:.0f} s; see {log_path}")
    if code not in accept:
        raise JobError(f"{label} failed with exit code {code}; see {log_path}")
    return code


def _kill_tree(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        for pid in [*descendants(proc.pid), proc.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait()
