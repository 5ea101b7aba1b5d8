"""`make run` reads what the jobs counted (devstack.run.job_counts) from their own files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts.names import Names
from devstack.run.job_counts import job_quality
from devstack.run.job_process import JobError

NAMES = Names("0a1b2c3d4e5f")


def quality(malformed: int, **columns: int) -> dict:
    return {
        "landed": 10,
        "malformed": {"count": malformed, "examples": []},
        "unparseable": {c: {"count": n, "examples": []} for c, n in columns.items()},
    }


def test_batch_summary_and_stream_metrics(tmp_path: Path) -> None:
    (tmp_path / "results").mkdir()
    summary = {"quality": {"user": quality(2, ind=0, date_joined=5)}}
    (tmp_path / "results" / "batch-summary.json").write_text(json.dumps(summary))
    (tmp_path / "checkpoints").mkdir()
    metrics = {"table": "geo", "quality": quality(0, timestamp=1)}
    (tmp_path / "checkpoints" / f"{NAMES.table('geo')}.metrics.json").write_text(
        json.dumps(metrics)
    )
    assert job_quality(tmp_path, NAMES, "batch", "user") == (2, {"ind": 0, "date_joined": 5})
    assert job_quality(tmp_path, NAMES, "stream", "geo") == (0, {"timestamp": 1})


def test_missing_counts_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(JobError, match="the stream job's counts for pin are missing"):
        job_quality(tmp_path, NAMES, "stream", "pin")
