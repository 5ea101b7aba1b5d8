"""Both jobs take `--output` (and the batch job `--input`, `--results`; the streaming job
`--checkpoints`) the same way, form by form, through jobs.common.locations and jobs.common.tables.

Local forms are written for real, through each job's own write path; object storage and
Databricks forms are checked as spelled (tests/integration writes s3:// and s3a:// on the stack).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contracts.names import Names
from jobs.batch.__main__ import config_from as batch_config
from jobs.batch.__main__ import parse_args as batch_args
from jobs.common.schemas import CLEAN_SCHEMAS
from jobs.streaming.__main__ import config_from as stream_config
from jobs.streaming.__main__ import parse_args as stream_args
from jobs.streaming.delta_merge import Counts, batch_writer
from tests.stream_records import kinesis_records

NAMES = Names("0a1b2c3d4e5f")
TABLE = NAMES.table("user")
USER = {"ind": 1, "first_name": "Ann", "last_name": "Lee", "age": 31, "date_joined": "2016-01-02"}

LOCAL_FORMS: dict[str, Callable[[Path], str]] = {
    "file:///": lambda p: p.as_uri(),
    "file:/": lambda p: f"file:{p}",
    "absolute path": str,
    "relative path": lambda p: os.path.relpath(p),
}


@pytest.fixture(autouse=True)
def _local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABRICKS_RUNTIME_VERSION", raising=False)


def configs(
    output: str, checkpoints: str, databricks: bool = False, stream_output: str | None = None
) -> tuple[Any, Any]:
    batch = batch_config(batch_args(["--input", output, "--output", output]))
    stream = stream_config(
        stream_args(["--output", stream_output or output, "--checkpoints", checkpoints]),
        databricks,
    )
    return batch, stream


@pytest.mark.parametrize("form", LOCAL_FORMS)
def test_local_forms_on_both_jobs(spark: Any, tmp_path: Path, form: str) -> None:
    spell = LOCAL_FORMS[form]
    # Each job its own folder, as `make run` gives them: the tables have the same names.
    batch, stream = configs(
        spell(tmp_path / "batch"), spell(tmp_path / "ck"), stream_output=spell(tmp_path / "stream")
    )
    base = f"file:{tmp_path}"
    batch_target = batch.tables.target(NAMES, "user")
    stream_target = stream.target("user")
    assert batch_target.location == f"{base}/batch/{TABLE}"
    assert stream_target.location == f"{base}/stream/{TABLE}"
    assert (batch.input_uri, batch.results) == (f"{base}/batch", f"{base}/batch")

    # The batch job's write: replace the table (each run rebuilds it).
    rows = spark.createDataFrame([(1, "Ann Lee", 31, None)], CLEAN_SCHEMAS["user"])
    batch_target.replace(rows)
    assert batch_target.read(spark).count() == 1

    # The streaming job's: create if missing (again on a restart), then MERGE a micro-batch.
    stream_target.ensure(spark)
    stream_target.ensure(spark)  # file:/// once failed here: DELTA_AMBIGUOUS_PATHS_IN_CREATE_TABLE
    lines: list[str] = []
    write = batch_writer(spark, stream_target, lines.append, Counts(), stream.metrics("user"))
    write(kinesis_records(spark, NAMES.stream("user"), [json.dumps(USER)]), 0)
    assert [r.user_name for r in stream_target.read(spark).collect()] == ["Ann Lee"]
    metrics = json.loads((tmp_path / "ck" / f"{TABLE}.metrics.json").read_text())
    assert (metrics["received"], metrics["inserted"], metrics["unparseable"]) == (1, 1, 1)
    assert metrics["quality"]["unparseable"]["date_joined"]["examples"] == ["2016-01-02"]
    assert stream.checkpoint("user") == f"file:{tmp_path}/ck/{TABLE}"


@pytest.mark.parametrize(
    ("output", "databricks", "base"),
    [
        ("s3://bucket/pinterest/", False, "s3://bucket/pinterest"),
        ("s3a://bucket/pinterest", False, "s3a://bucket/pinterest"),
        ("s3://bucket/pinterest", True, "s3://bucket/pinterest"),
        ("/Volumes/main/pinterest/data/", True, "/Volumes/main/pinterest/data"),
        ("/Volumes/main/pinterest/data", False, "/Volumes/main/pinterest/data"),
        ("dbfs:/pinterest", True, "dbfs:/pinterest"),
        ("/dbfs/pinterest", True, "dbfs:/pinterest"),
        ("/mnt/pinterest", True, "dbfs:/mnt/pinterest"),
    ],
)
def test_remote_forms_on_both_jobs(
    monkeypatch: pytest.MonkeyPatch, output: str, databricks: bool, base: str
) -> None:
    if databricks:
        monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "17.3")
    batch, stream = configs(output, f"{output.rstrip('/')}/checkpoints", databricks)
    assert batch.tables.target(NAMES, "user").location == f"{base}/{TABLE}"
    assert stream.target("user").location == f"{base}/{TABLE}"
    assert stream.checkpoint("user") == f"{base}/checkpoints/{TABLE}"
    assert batch.input_uri == batch.results == base


def test_catalog_tables_on_both_jobs() -> None:
    batch = batch_config(
        batch_args(["--input", "s3://b", "--catalog", "main", "--schema", "pinterest",
                    "--results", "/Volumes/main/pinterest/results"])
    )  # fmt: skip
    stream = stream_config(
        stream_args(
            ["--catalog", "main", "--schema", "pinterest_stream", "--checkpoints", "s3://b/c"]
        ),
        True,
    )
    assert batch.tables.target(NAMES, "user").location == f"main.pinterest.{TABLE}"
    assert batch.tables.target(NAMES, "user").sql_name == f"`main`.`pinterest`.`{TABLE}`"
    assert stream.target("user").location == f"main.pinterest_stream.{TABLE}"
    stream = stream_config(stream_args(["--catalog", "main", "--checkpoints", "s3://b/c"]), True)
    assert stream.target("user").location == f"main.stream.{TABLE}"  # the streaming default


@pytest.mark.parametrize(
    ("flags", "error"),
    [
        (["--output", "o", "--schema", "s"], "--catalog and --schema go together"),
        ([], "give --output, or --catalog and --schema"),
    ],
)
def test_table_flags_are_checked_alike_on_both_jobs(
    flags: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from jobs.batch.__main__ import main as batch_main
    from jobs.streaming.__main__ import main as stream_main

    assert batch_main(["--input", "in", "--results", "r", *flags]) == 2
    assert stream_main(["--checkpoints", "ck", *flags]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all(line.endswith(error) for line in err), err


@pytest.mark.parametrize("bad", ["http://host/x", "file://elsewhere/x", "s3://"])
def test_bad_locations_are_one_line_errors_on_both_jobs(
    bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from jobs.batch.__main__ import main as batch_main
    from jobs.streaming.__main__ import main as stream_main

    assert batch_main(["--input", "in", "--output", bad]) == 2
    assert stream_main(["--output", bad, "--checkpoints", "ck"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all(bad in line for line in err), err
