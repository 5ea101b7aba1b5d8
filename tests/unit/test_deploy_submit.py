"""`python -m jobs.deploy` against a Databricks REST API double on 127.0.0.1 (real SDK)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jobs.deploy.__main__ import main
from tests.dags.fake_jobs_api import TOKEN, FakeJobsAPI

SUBMIT = "/api/2.2/jobs/runs/submit"
WHEEL_NAME = "pinterest_pipeline-0.1.0-py3-none-any.whl"
DEST = "/Volumes/main/pinterest/artifacts/wheels"


@pytest.fixture
def wheel(tmp_path: Path) -> Path:
    path = tmp_path / WHEEL_NAME
    path.write_bytes(b"PK\x03\x04 not really a wheel, but bytes to upload")
    return path


@pytest.fixture
def databricks_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in (
        "DATABRICKS_CONFIG_PROFILE", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET",
        "DATABRICKS_CLUSTER_ID", "DATABRICKS_NEW_CLUSTER", "DATABRICKS_WHEEL_DEST",
        "DATABRICKS_CATALOG", "DATABRICKS_SCHEMA", "DATABRICKS_SERVICE_CREDENTIAL", "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABRICKS_TOKEN", TOKEN)
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", "/nonexistent/.databrickscfg")
    yield


def run(api: FakeJobsAPI, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    monkeypatch.setenv("DATABRICKS_HOST", api.url)
    fast = ["--poll", "0.01"] if argv[0].startswith("submit") else []
    return main([argv[0], *fast, *argv[1:]])


def test_submit_batch_uploads_the_wheel_submits_and_follows_to_success(
    wheel: Path, databricks_env: None, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    with FakeJobsAPI(outcomes=["SUCCESS"], running_polls=2) as api:
        code = run(
            api, monkeypatch, "submit-batch", "--wheel", str(wheel), "--pipeline-id", "abc123"
        )

    assert code == 0
    uploads = {path: data for path, data in api.state.files.items()}
    (tagged,) = [p for p in uploads if p != f"{DEST}/{WHEEL_NAME}"]
    assert tagged.startswith(f"{DEST}/") and tagged.endswith(f"/{WHEEL_NAME}")
    assert uploads[tagged] == uploads[f"{DEST}/{WHEEL_NAME}"] == wheel.read_bytes()

    (submit,) = api.calls("POST", SUBMIT)
    assert submit.body["run_name"] == "pinterest-batch-abc123"
    assert submit.body["timeout_seconds"] == 10800
    (task,) = submit.body["tasks"]
    assert task["python_wheel_task"] == {
        "package_name": "pinterest_pipeline",
        "entry_point": "pinterest-batch",
        "parameters": [
            "--input", "s3://user-abc123-bucket",
            "--output", "s3://user-abc123-bucket/delta/batch",
            "--results", "/Volumes/main/pinterest/artifacts/results/batch",
            "--catalog", "main",
            "--schema", "pinterest",
            "--pipeline-id", "abc123",
        ],
    }  # fmt: skip
    assert task["libraries"] == [{"whl": tagged}]
    assert task["new_cluster"]["spark_version"] == "17.3.x-scala2.13"
    assert "existing_cluster_id" not in task
    assert len(api.calls("GET", "/api/2.2/jobs/runs/get")) >= 3  # RUNNING, RUNNING, TERMINATED

    out = capsys.readouterr().out
    assert "submitted run 1000: http://127.0.0.1/#job/1/run/1000" in out
    assert "run 1000: RUNNING" in out
    assert "run 1000 TERMINATED SUCCESS" in out


def test_failed_run_exits_non_zero(
    wheel: Path, databricks_env: None, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    with FakeJobsAPI(outcomes=["FAILED"], running_polls=1) as api:
        code = run(api, monkeypatch, "submit-batch", "--wheel", str(wheel))
    assert code == 1
    assert "TERMINATED FAILED: Task failed" in capsys.readouterr().out


def test_existing_cluster_and_workspace_files(
    wheel: Path, databricks_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = "/Workspace/Users/someone@example.com/wheels"
    with FakeJobsAPI() as api:
        code = run(
            api, monkeypatch, "submit-batch", "--wheel", str(wheel),
            "--wheel-dest", dest, "--cluster-id", "0101-123456-abcdefgh",
        )  # fmt: skip
    assert code == 0
    assert api.state.files[f"{dest}/{WHEEL_NAME}"] == wheel.read_bytes()
    (task,) = api.calls("POST", SUBMIT)[0].body["tasks"]
    assert task["existing_cluster_id"] == "0101-123456-abcdefgh"
    assert "new_cluster" not in task
    assert task["libraries"][0]["whl"].startswith(f"{dest}/")


def test_submit_stream_runs_the_stream_entry_point_with_extra_arguments(
    wheel: Path, databricks_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster = '{"spark_version": "17.3.x-scala2.13", "node_type_id": "i3.xlarge", "num_workers": 2}'
    with FakeJobsAPI() as api:
        code = run(
            api, monkeypatch, "submit-stream", "--wheel", str(wheel), "--pipeline-id", "abc123",
            "--new-cluster", cluster, "--region", "eu-west-1",
            "--", "--role-arn", "arn:aws:iam::123456789012:role/kinesis",
        )  # fmt: skip
    assert code == 0
    (task,) = api.calls("POST", SUBMIT)[0].body["tasks"]
    wheel_task = task["python_wheel_task"]
    assert wheel_task["entry_point"] == "pinterest-stream"
    assert wheel_task["parameters"] == [
        "--streams", "pin,geo,user",
        "--checkpoints", "s3://user-abc123-bucket/checkpoints/stream",
        "--trigger", "available-now",
        "--initial-position", "earliest",
        "--region", "eu-west-1",
        "--catalog", "main",
        "--schema", "pinterest_stream",
        "--pipeline-id", "abc123",
        "--role-arn", "arn:aws:iam::123456789012:role/kinesis",
    ]  # fmt: skip
    assert task["new_cluster"] == {
        "spark_version": "17.3.x-scala2.13",
        "node_type_id": "i3.xlarge",
        "num_workers": 2,
    }


def test_submit_stream_passes_the_service_credential(
    wheel: Path, databricks_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABRICKS_SERVICE_CREDENTIAL", "from-the-environment")
    with FakeJobsAPI() as api:
        code = run(
            api, monkeypatch, "submit-stream", "--wheel", str(wheel),
            "--service-credential", "pinterest-kinesis",
        )  # fmt: skip
        assert code == 0
        assert run(api, monkeypatch, "submit-stream", "--wheel", str(wheel)) == 0
    given, from_env = (c.body["tasks"][0]["python_wheel_task"] for c in api.calls("POST", SUBMIT))
    assert given["parameters"][-2:] == ["--service-credential", "pinterest-kinesis"]
    assert from_env["parameters"][-2:] == ["--service-credential", "from-the-environment"]


def test_deploy_jobs_creates_then_updates_by_name(
    wheel: Path, databricks_env: None, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    with FakeJobsAPI() as api:
        assert run(api, monkeypatch, "deploy-jobs", "--wheel", str(wheel)) == 0
        first = capsys.readouterr().out
        assert run(api, monkeypatch, "deploy-jobs", "--wheel", str(wheel)) == 0
        second = capsys.readouterr().out

    assert len(api.calls("POST", "/api/2.2/jobs/create")) == 2
    assert len(api.calls("POST", "/api/2.2/jobs/reset")) == 2
    names = sorted(job["name"] for job in api.state.jobs.values())
    assert names == ["pinterest-batch-0a1b2c3d4e5f", "pinterest-stream-0a1b2c3d4e5f"]
    entry_points = {
        job["name"]: job["tasks"][0]["python_wheel_task"]["entry_point"]
        for job in api.state.jobs.values()
    }
    assert entry_points["pinterest-batch-0a1b2c3d4e5f"] == "pinterest-batch"
    assert entry_points["pinterest-stream-0a1b2c3d4e5f"] == "pinterest-stream"
    assert "created job pinterest-batch-0a1b2c3d4e5f (job_id 1)" in first
    assert "updated job pinterest-batch-0a1b2c3d4e5f (job_id 1)" in second


@pytest.mark.parametrize(
    ("unset", "message"),
    [("DATABRICKS_HOST", "DATABRICKS_HOST is not set"), ("DATABRICKS_TOKEN", "no Databricks")],
)
def test_missing_credentials_give_one_line_and_exit_2(
    unset: str, message: str, wheel: Path, databricks_env: None, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", "https://example.cloud.databricks.com")
    monkeypatch.delenv(unset)
    assert main(["submit-batch", "--wheel", str(wheel)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {message}") and err.count("\n") == 1


def test_rejected_token_exits_1_without_traceback(
    wheel: Path, databricks_env: None, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-wrong")
    with FakeJobsAPI() as api:
        assert run(api, monkeypatch, "submit-batch", "--wheel", str(wheel)) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Databricks: invalid access token")
    assert "Traceback" not in err


def test_bad_cluster_spec_exits_2(
    wheel: Path, databricks_env: None, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    with FakeJobsAPI() as api:
        code = run(api, monkeypatch, "submit-batch", "--wheel", str(wheel), "--new-cluster", "[1]")
    assert code == 2
    assert "must be a JSON object" in capsys.readouterr().err
    assert api.calls("POST", SUBMIT) == []


def test_help_lists_the_commands(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("submit-batch", "submit-stream", "deploy-jobs"):
        assert command in out


def test_bad_pipeline_id_exits_2_before_any_request(
    wheel: Path, databricks_env: None, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    with FakeJobsAPI() as api:
        code = run(api, monkeypatch, "submit-batch", "--wheel", str(wheel), "--pipeline-id", "BAD")
    assert code == 2
    assert capsys.readouterr().err.startswith("error: invalid PIPELINE_ID 'BAD'")
    assert [r.path for r in api.requests if r.path.startswith("/api/")] == []
