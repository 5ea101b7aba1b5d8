"""`deploy-dags` against moto S3: the MWAA layout, and only changed files are uploaded again."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from jobs.deploy import mwaa
from jobs.deploy.__main__ import main

BUCKET = "mwaa-source-test"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    # moto intercepts AWS endpoints only: a LocalStack endpoint from the environment must go.
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "MWAA_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(Bucket=BUCKET)
        # MWAA needs a versioned bucket; versions also show how often a key was written.
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield client


@pytest.fixture
def dags_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "dags"
    folder.mkdir()
    (folder / "pinterest_batch_dag.py").write_text("# the DAG\n")
    (folder / "helpers.py").write_text("# a second DAG file\n")
    (folder / "requirements.txt").write_text("apache-airflow-providers-databricks\n")
    (folder / "airflow-lock.txt").write_text("not for MWAA\n")
    return folder


def versions(s3, key: str) -> int:
    listed = s3.list_object_versions(Bucket=BUCKET, Prefix=key)
    return len([v for v in listed.get("Versions", []) if v["Key"] == key])


def deploy(dags_dir: Path, *extra: str) -> int:
    return main(["deploy-dags", "--bucket", BUCKET, "--dags-dir", str(dags_dir), *extra])


def test_first_deploy_uploads_dags_and_requirements(s3, dags_dir: Path, capsys) -> None:
    assert deploy(dags_dir) == 0
    keys = sorted(obj["Key"] for obj in s3.list_objects_v2(Bucket=BUCKET)["Contents"])
    assert keys == ["dags/helpers.py", "dags/pinterest_batch_dag.py", "requirements.txt"]
    body = s3.get_object(Bucket=BUCKET, Key="dags/pinterest_batch_dag.py")["Body"].read()
    assert body == b"# the DAG\n"
    out = capsys.readouterr().out
    assert f"new         s3://{BUCKET}/dags/pinterest_batch_dag.py" in out
    assert "uploaded 3 file(s)" in out
    assert "requirements.txt changed" in out


def test_second_deploy_uploads_only_what_changed(s3, dags_dir: Path, capsys) -> None:
    assert deploy(dags_dir) == 0
    (dags_dir / "helpers.py").write_text("# a second DAG file, edited\n")
    capsys.readouterr()

    assert deploy(dags_dir) == 0

    assert versions(s3, "dags/helpers.py") == 2
    assert versions(s3, "dags/pinterest_batch_dag.py") == 1
    assert versions(s3, "requirements.txt") == 1
    out = capsys.readouterr().out
    assert f"changed     s3://{BUCKET}/dags/helpers.py" in out
    assert f"unchanged   s3://{BUCKET}/requirements.txt" in out
    assert "uploaded 1 file(s)" in out
    assert "requirements.txt changed" not in out


def test_object_without_checksum_is_replaced_and_strays_are_reported(s3, dags_dir: Path) -> None:
    # Uploaded by other means (no sha256 metadata): treated as changed, once.
    s3.put_object(Bucket=BUCKET, Key="dags/pinterest_batch_dag.py", Body=b"# the DAG\n")
    s3.put_object(Bucket=BUCKET, Key="dags/old_dag.py", Body=b"# removed locally\n")
    changes = {c.key: c.status for c in mwaa.sync(s3, BUCKET, dags_dir)}
    assert changes["dags/pinterest_batch_dag.py"] == "changed"
    assert changes["dags/old_dag.py"] == "remote only"  # reported, not deleted
    again = {c.key: c.status for c in mwaa.sync(s3, BUCKET, dags_dir)}
    assert again["dags/pinterest_batch_dag.py"] == "unchanged"


def test_dry_run_uploads_nothing(s3, dags_dir: Path, capsys) -> None:
    assert deploy(dags_dir, "--dry-run") == 0
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)
    assert "would upload 3 file(s)" in capsys.readouterr().out


def test_bucket_comes_from_terraform_output(
    s3, dags_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "bin" / "terraform"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho \'{{"mwaa_dag_bucket": {{"value": "{BUCKET}"}}}}\'\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    assert main(["deploy-dags", "--dags-dir", str(dags_dir)]) == 0
    assert versions(s3, "dags/pinterest_batch_dag.py") == 1


def test_no_bucket_is_a_one_line_error(
    s3, dags_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no terraform
    assert main(["deploy-dags", "--dags-dir", str(dags_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no MWAA bucket") and err.count("\n") == 1


def test_missing_bucket_is_a_one_line_error(s3, dags_dir: Path, capsys) -> None:
    code = main(["deploy-dags", "--bucket", "no-such-bucket", "--dags-dir", str(dags_dir)])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: S3:") and "Traceback" not in err
