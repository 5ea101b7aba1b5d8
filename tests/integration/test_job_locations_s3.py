"""Both jobs write to object storage given as s3:// or s3a:// (LocalStack's S3 through S3A),
through their own command lines and write paths (tests/unit/test_job_locations.py: local forms)."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest

from contracts.names import Names
from jobs.batch.__main__ import config_from as batch_config
from jobs.batch.__main__ import parse_args as batch_args
from jobs.common.schemas import CLEAN_SCHEMAS
from jobs.common.spark import apply_s3a
from jobs.streaming.__main__ import config_from as stream_config
from jobs.streaming.__main__ import parse_args as stream_args
from jobs.streaming.delta_merge import Counts, batch_writer
from tests.stream_records import kinesis_records

pytestmark = pytest.mark.integration

NAMES = Names("0a1b2c3d4e5f")
USER = {"ind": 1, "first_name": "Ann", "last_name": "Lee", "age": 31, "date_joined": "2016-01-02"}


@pytest.mark.parametrize("scheme", ["s3", "s3a"])
def test_both_jobs_write_to_object_storage(
    spark: Any, stack: Any, monkeypatch: pytest.MonkeyPatch, scheme: str
) -> None:
    for name, value in stack.env.items():
        monkeypatch.setenv(name, value)  # boto3 (the metrics file) reads the endpoint from here
    monkeypatch.delenv("DATABRICKS_RUNTIME_VERSION", raising=False)
    apply_s3a(spark, stack.env)
    prefix = f"it-locations-{secrets.token_hex(4)}"
    base = f"{scheme}://{stack.bucket}/{prefix}"
    batch = batch_config(batch_args(["--input", base, "--output", f"{base}/out/batch"]))
    stream = stream_config(
        stream_args(["--output", f"{base}/out/stream", "--checkpoints", f"{base}/ck"]), False
    )
    table = NAMES.table("user")

    batch_target = batch.tables.target(NAMES, "user")
    assert batch_target.location == f"{base}/out/batch/{table}"
    batch_target.replace(spark.createDataFrame([(1, "Ann Lee", 31, None)], CLEAN_SCHEMAS["user"]))
    assert batch_target.read(spark).count() == 1

    stream_target = stream.target("user")
    assert stream_target.location == f"{base}/out/stream/{table}"
    stream_target.ensure(spark)
    stream_target.ensure(spark)  # a restart finds it
    write = batch_writer(spark, stream_target, lambda line: None, Counts(), stream.metrics("user"))
    write(kinesis_records(spark, NAMES.stream("user"), [json.dumps(USER)]), 0)
    assert [r.user_name for r in stream_target.read(spark).collect()] == ["Ann Lee"]

    s3 = stack.aws("s3")
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=stack.bucket, Prefix=prefix)["Contents"]}
    assert f"{prefix}/out/batch/{table}/_delta_log/00000000000000000000.json" in keys
    assert f"{prefix}/out/stream/{table}/_delta_log/00000000000000000000.json" in keys
    metrics = s3.get_object(Bucket=stack.bucket, Key=f"{prefix}/ck/{table}.metrics.json")
    assert json.loads(metrics["Body"].read())["received"] == 1
