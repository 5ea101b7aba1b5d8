"""The batch job on the local stack's bucket: s3a:// in, Delta tables and CSV answers out (s3://)."""

from __future__ import annotations

import csv
import io
import json
import secrets
from pathlib import Path
from typing import Any

import pytest

from contracts.answers import ANSWERS
from contracts.names import BATCH_SUMMARY_FILE, TABLES
from emulator.api import write_landed
from jobs.batch.__main__ import main
from jobs.common.spark import apply_s3a

pytestmark = pytest.mark.integration

EVENTS = 400
DUPLICATES = 10


def upload(s3: Any, bucket: str, folder: Path, prefix: str) -> int:
    files = list(folder.rglob("*.json"))
    for path in files:
        s3.upload_file(str(path), bucket, f"{prefix}/{path.relative_to(folder)}")
    return len(files)


def test_batch_job_on_the_stack_bucket(
    spark: Any, stack: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in stack.env.items():
        monkeypatch.setenv(name, value)  # boto3 (CSV upload) reads the endpoint from here
    apply_s3a(spark, stack.env)  # the shared session may predate the stack
    s3 = stack.aws("s3")
    prefix = f"it-batch-{secrets.token_hex(4)}"
    write_landed(tmp_path, stack.names, EVENTS, partitions=3, per_file=90, duplicates=DUPLICATES)
    assert upload(s3, stack.bucket, tmp_path, prefix) > len(TABLES)
    root = f"s3a://{stack.bucket}/{prefix}"

    output = f"s3://{stack.bucket}/{prefix}/batch"  # the Databricks spelling, served by S3A here
    code = main(["--input", root, "--output", output, "--pipeline-id", stack.names.pipeline_id])

    assert code == 0
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=stack.bucket, Prefix=prefix)["Contents"]}
    for table in TABLES:
        log = f"{prefix}/batch/{stack.names.table(table)}/_delta_log/00000000000000000000.json"
        assert log in keys
    for name, answer in ANSWERS.items():
        body = s3.get_object(Bucket=stack.bucket, Key=f"{prefix}/batch/{answer.file_name}")["Body"]
        header, *rows = list(csv.reader(io.StringIO(body.read().decode())))
        assert header == list(answer.columns) and rows, name
    summary = s3.get_object(Bucket=stack.bucket, Key=f"{prefix}/batch/{BATCH_SUMMARY_FILE}")
    counts = json.loads(summary["Body"].read())
    assert counts["landed"] == dict.fromkeys(TABLES, EVENTS + DUPLICATES)
    assert counts["cleaned"] == dict.fromkeys(TABLES, EVENTS)
