"""`dag.test()` runs the real DAG against a Databricks Jobs API 2.2 double on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.utils.state import DagRunState, TaskInstanceState

from tests.dags.conftest import DAGS_FOLDER
from tests.dags.fake_jobs_api import TOKEN, FakeJobsAPI

CONN_ID = "pinterest_test_databricks"
SUBMIT = "/api/2.2/jobs/runs/submit"
GET = "/api/2.2/jobs/runs/get"


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch):
    """Point the DAG at a fake workspace through an AIRFLOW_CONN_* and AIRFLOW_VAR_* variables."""

    def apply(api: FakeJobsAPI) -> None:
        # schema http: a host of http://127.0.0.1:PORT would make the hook call https://...:443
        connection = {
            "conn_type": "databricks",
            "host": "127.0.0.1",
            "port": api.port,
            "schema": "http",
            "password": TOKEN,
        }
        monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(connection))
        monkeypatch.setenv("AIRFLOW_VAR_PINTEREST_DATABRICKS_CONN_ID", CONN_ID)
        monkeypatch.setenv("AIRFLOW_VAR_PINTEREST_PIPELINE_ID", "feedc0de42")
        monkeypatch.setenv("AIRFLOW_VAR_PINTEREST_CLUSTER_ID", "0101-123456-abcdefgh")

    return apply


def load_dag(poll_seconds: float = 0.05, retries: int | None = None):
    """A fresh copy of the DAG, tuned for a fast test (polling and retry delay in milliseconds)."""
    dag = DagBag(dag_folder=str(DAGS_FOLDER)).get_dag("pinterest_batch")
    (task,) = dag.tasks
    task.polling_period_seconds = poll_seconds
    if retries is not None:
        task.retries = retries
        task.retry_delay = timedelta(seconds=0.1)
    return dag, task


def task_instance(run):
    (ti,) = run.get_task_instances()
    return ti


@pytest.mark.timeout(300)
def test_daily_run_submits_the_wheel_task_and_waits_for_success(configure) -> None:
    with FakeJobsAPI(outcomes=["SUCCESS"], running_polls=2) as api:
        configure(api)
        dag, _ = load_dag()
        run = dag.test()

    assert run.state == DagRunState.SUCCESS
    ti = task_instance(run)
    assert (ti.state, ti.try_number) == (TaskInstanceState.SUCCESS, 1)

    (submit,) = api.calls("POST", SUBMIT)
    body = submit.body
    assert body["run_name"] == f"pinterest-batch-feedc0de42-{run.logical_date:%Y-%m-%d}"
    assert body["timeout_seconds"] == "10800"
    (task,) = body["tasks"]
    assert task["existing_cluster_id"] == "0101-123456-abcdefgh"
    assert "new_cluster" not in task
    assert task["python_wheel_task"]["package_name"] == "pinterest_pipeline"
    assert task["python_wheel_task"]["entry_point"] == "pinterest-batch"
    params = task["python_wheel_task"]["parameters"]
    assert params[params.index("--input") + 1] == "s3://user-feedc0de42-bucket"
    assert params[params.index("--pipeline-id") + 1] == "feedc0de42"
    assert task["libraries"][0]["whl"].endswith("pinterest_pipeline-0.1.0-py3-none-any.whl")
    # Followed to the end: RUNNING answers first, then TERMINATED/SUCCESS.
    assert len(api.calls("GET", GET)) > 2


@pytest.mark.timeout(300)
def test_failed_run_fails_the_task_and_the_retry_submits_again(configure) -> None:
    with FakeJobsAPI(outcomes=["FAILED"], running_polls=1) as api:
        configure(api)
        dag, _ = load_dag(retries=1)
        run = dag.test()

    assert run.state == DagRunState.FAILED
    ti = task_instance(run)
    # try 1 failed -> up_for_retry -> try 2 failed -> failed: the retry policy ran.
    assert (ti.state, ti.try_number, ti.max_tries) == (TaskInstanceState.FAILED, 2, 1)
    assert len(api.calls("POST", SUBMIT)) == 2
    # The operator fetched the failed task's output to report the error.
    assert api.calls("GET", "/api/2.2/jobs/runs/get-output")
