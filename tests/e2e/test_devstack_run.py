"""End to end: `python -m devstack run` at a small size on the session's stack.

Datetimes travel as str() and isoformat() text, mixed (as different clients send them). It must
exit 0 and leave a run folder whose reconciliation adds up exactly (re-checked here from the JSON
alone, malformed lines and unparseable values included), the nine answers as CSV with the DESIGN
section 8 headers and equal to those computed in plain Python from the source database, and the
report.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from contracts.answers import ANSWERS
from contracts.names import TABLES
from devstack.config import REPO_ROOT
from devstack.run.reconcile import verify
from emulator.source import engine_for, read_rows
from tests.oracle import answers

pytestmark = pytest.mark.e2e

ROWS = 300
STAGES = ["stack", "seed", "post batch", "sink", "batch job", "post stream", "stream job"]


@pytest.fixture(scope="module")
def run_dir(stack: Any) -> Path:
    env = {**os.environ, **stack.env, "PYSPARK_PYTHON": sys.executable}
    cmd = [
        sys.executable, "-m", "devstack", "run",
        "--rows", str(ROWS), "--datetimes", "mix", "--keep-up",
    ]  # fmt: skip
    # Its own process group, so that a timeout also ends the Spark jobs it started.
    run = subprocess.Popen(
        cmd,
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = run.communicate(timeout=1800)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.communicate()
    assert run.returncode == 0, stdout[-6000:] + stderr[-3000:]
    match = re.search(r"^run folder: (.+)$", stdout, re.M)
    assert match, stdout[:2000]
    assert "exact: all" in stdout
    return Path(match.group(1).strip())


def test_reconciliation_adds_up(run_dir: Path) -> None:
    rec = json.loads((run_dir / "reconciliation.json").read_text())
    assert rec["ok"] is True
    assert verify(rec) == []
    assert rec["rows"] == ROWS
    for path, unit in (("batch", "S3 records"), ("stream", "Kinesis records")):
        for table in TABLES:
            r = rec["paths"][path][table]
            assert r["posted"] == r["acknowledged"] == r["cleaned"] == ROWS, (path, table, r)
            assert r["landed"] - r["duplicates"] == r["cleaned"], (path, table, r)
            assert r["landed_unit"] == unit
            assert r["lost"] == r["foreign"] == 0
            assert r["malformed"] == r["unparseable"] == 0, (path, table, r)
    # The dirt reached the tables as nulls instead of being dropped.
    assert rec["paths"]["batch"]["pin"]["rows_with_nulls"] > 0
    assert (
        rec["paths"]["stream"]["pin"]["rows_with_nulls"]
        == rec["paths"]["batch"]["pin"]["rows_with_nulls"]
    )
    assert len(rec["checks"]) == 2 * len(TABLES) * 11
    assert rec["options"]["datetimes"] == "mix"
    assert all(rec["timings"][s] > 0 for s in STAGES), rec["timings"]


def test_answers_have_the_design_headers(run_dir: Path) -> None:
    for name, answer in ANSWERS.items():
        lines = (run_dir / "results" / answer.file_name).read_text().splitlines()
        assert lines[0] == ",".join(answer.columns), (name, lines[0])
        assert len(lines) > 1, f"{name} has no rows"


def test_answers_equal_those_computed_from_the_source(run_dir: Path) -> None:
    engine = engine_for(f"sqlite:///{run_dir / 'source.db'}")
    try:
        source = {t: list(read_rows(engine, t, ROWS)) for t in TABLES}
    finally:
        engine.dispose()
    expected = answers(source["pin"], source["geo"], source["user"])
    for name, answer in ANSWERS.items():
        with (run_dir / "results" / answer.file_name).open(newline="") as f:
            got = list(csv.reader(f))[1:]
        assert got == expected[name], name


def test_artefacts_and_report(run_dir: Path) -> None:
    assert (run_dir / "source.db").stat().st_size > 0
    html = (run_dir / "report.html").read_text()
    assert html.count("data:image/png;base64,") == len(ANSWERS) + 1
    assert "exact" in html and "Kinesis records" in html
    latest = run_dir.parent / "latest"
    assert latest.is_symlink()
