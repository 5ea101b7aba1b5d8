"""`make run` runs each Spark job as a child process (devstack.run.job_process.run_job)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rich.console import Console

from devstack.run.job_process import JobError, run_job


def job(code: int) -> list[str]:
    return [sys.executable, "-c", f"print('working'); raise SystemExit({code})"]


def test_an_accepted_exit_code_is_returned(tmp_path: Path) -> None:
    # The batch job's exit 3 (too dirty to answer from): the run goes on to report it.
    log = tmp_path / "batch_job.log"
    assert run_job(job(3), log, 60, Console(quiet=True), "batch job", accept=(0, 3)) == 3
    assert log.read_text() == "working\n"


def test_any_other_exit_code_fails_the_stage(tmp_path: Path) -> None:
    with pytest.raises(JobError, match="batch job failed with exit code 1"):
        run_job(job(1), tmp_path / "b.log", 60, Console(quiet=True), "batch job", accept=(0, 3))
    with pytest.raises(JobError, match="exit code 3"):
        run_job(job(3), tmp_path / "s.log", 60, Console(quiet=True), "streaming job")
