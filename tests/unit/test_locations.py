"""One spelling of a location for both jobs (jobs.common.locations), form by form."""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from jobs.common.locations import LocationError, local_path, to_uri, write_text

HERE = os.getcwd()
BUCKET = "results-bucket"


@pytest.mark.parametrize(
    ("given", "local", "databricks"),
    [
        ("file:///tmp/out", "file:/tmp/out", "file:/tmp/out"),
        ("file:/tmp/out/", "file:/tmp/out", "file:/tmp/out"),
        ("file://localhost/tmp/out", "file:/tmp/out", "file:/tmp/out"),
        ("file:///tmp/a%20b", "file:/tmp/a b", "file:/tmp/a b"),
        ("/tmp/out/", "file:/tmp/out", "dbfs:/tmp/out"),
        ("/tmp/../tmp/out", "file:/tmp/out", "dbfs:/tmp/../tmp/out"),
        ("out", f"file:{HERE}/out", None),
        ("s3://bucket/batch/", "s3://bucket/batch", "s3://bucket/batch"),
        ("s3a://bucket", "s3a://bucket", "s3a://bucket"),
        ("dbfs:/pinterest/out", "dbfs:/pinterest/out", "dbfs:/pinterest/out"),
        ("/dbfs/pinterest/out", "dbfs:/pinterest/out", "dbfs:/pinterest/out"),
        ("/Volumes/main/pinterest/v/out/", "/Volumes/main/pinterest/v/out", None),
        ("abfss://c@acct.dfs.core.windows.net/x", None, None),
    ],
)
def test_to_uri(given: str, local: str | None, databricks: str | None) -> None:
    assert to_uri(given, databricks=False) == (local or given.rstrip("/"))
    if databricks is None and not given.startswith(("/Volumes", "abfss")):
        with pytest.raises(LocationError, match="absolute path or a URI on Databricks"):
            to_uri(given, databricks=True)
    else:
        assert to_uri(given, databricks=True) == (databricks or given.rstrip("/"))


def test_to_uri_is_idempotent() -> None:
    for given in ("file:///tmp/x", "out", "s3://b/p", "/dbfs/x", "/Volumes/a/b/c/d"):
        once = to_uri(given, databricks=False)
        assert to_uri(once, databricks=False) == once


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("http://example.com/x", "unsupported location"),
        ("hdfs://nn/x", "unsupported location"),
        ("file://otherhost/x", "names no host"),
        ("s3://", "no bucket"),
        ("  ", "empty location"),
    ],
)
def test_unusable_locations_are_one_line_errors(given: str, message: str) -> None:
    with pytest.raises(LocationError, match=message) as e:
        to_uri(given, databricks=False)
    assert "\n" not in str(e.value)


def test_local_paths() -> None:
    assert local_path("file:/tmp/x") == Path("/tmp/x")
    assert local_path("dbfs:/x/y") == Path("/dbfs/x/y")
    assert local_path("/Volumes/a/b/c") == Path("/Volumes/a/b/c")
    assert local_path("s3://b/x") is None


@pytest.mark.parametrize("form", ["uri", "plain"])
def test_write_text_to_a_folder(tmp_path: Path, form: str) -> None:
    folder = tmp_path / "results" / "deeper"
    where = write_text(folder.as_uri() if form == "uri" else str(folder), "q4.csv", "a,b\n")
    assert Path(where) == folder / "q4.csv"
    assert (folder / "q4.csv").read_text() == "a,b\n"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # moto intercepts AWS endpoints only: a LocalStack endpoint from the environment must go.
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


@pytest.mark.parametrize("scheme", ["s3", "s3a"])
def test_write_text_to_s3(s3: Any, scheme: str) -> None:
    where = write_text(f"{scheme}://{BUCKET}/runs/1/", "q4.csv", "x")
    assert where == f"s3://{BUCKET}/runs/1/q4.csv"
    assert s3.get_object(Bucket=BUCKET, Key="runs/1/q4.csv")["Body"].read() == b"x"


def test_write_text_refuses_storage_it_cannot_write() -> None:
    with pytest.raises(LocationError, match=r"cannot write q4\.csv"):
        write_text("gs://bucket/x", "q4.csv", "x")


def test_write_text_on_databricks_uses_dbutils(spark: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cluster's own access (instance profile, Unity Catalog), not boto3's credentials."""
    put: list[tuple[str, str, bool]] = []

    class Fs:
        def put(self, path: str, text: str, overwrite: bool) -> None:
            put.append((path, text, overwrite))

    class DBUtils:  # the part of Databricks' pyspark.dbutils.DBUtils used here
        def __init__(self, session: Any) -> None:
            self.fs = Fs()

    fake = types.ModuleType("pyspark.dbutils")
    fake.DBUtils = DBUtils  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pyspark.dbutils", fake)
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "17.3")
    assert write_text("s3://b/ck/", "m.json", "{}") == "s3://b/ck/m.json"
    assert write_text("/Volumes/main/p/v", "q4.csv", "a") == "/Volumes/main/p/v/q4.csv"
    assert put == [("s3://b/ck/m.json", "{}", True), ("/Volumes/main/p/v/q4.csv", "a", True)]
