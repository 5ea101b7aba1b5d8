"""The DAG folder loads, and the DAG's schedule and Databricks payload follow the configuration."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import sys
from datetime import timedelta

import pendulum
import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.providers.databricks.operators.databricks import DatabricksSubmitRunOperator

from tests.dags.conftest import DAGS_FOLDER

DAG_ID = "pinterest_batch"


@pytest.fixture(scope="module")
def dagbag() -> DagBag:
    return DagBag(dag_folder=str(DAGS_FOLDER))


@pytest.fixture(scope="module")
def dag(dagbag: DagBag):
    return dagbag.get_dag(DAG_ID)


def macro(dag, name: str):
    return dag.user_defined_macros[name]


def test_folder_loads_without_errors_or_cycles(dagbag: DagBag) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {DAG_ID}
    for dag_id in dagbag.dag_ids:
        dagbag.get_dag(dag_id).check_cycle()  # raises on a cycle


def test_dag_files_import_nothing_from_the_repo() -> None:
    # MWAA loads the DAG files alone: only Airflow, providers and the standard library.
    own_packages = {"contracts", "emulator", "jobs", "devstack", "tests", "dags"}
    for path in DAGS_FOLDER.glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = {
            (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
            if not isinstance(node, ast.ImportFrom) or node.module
        }
        assert not imported & own_packages, f"{path.name} imports {imported & own_packages}"


def test_schedule_and_retry_policy(dag) -> None:
    assert dag.schedule == "@daily"
    assert dag.timetable.expression == "0 0 * * *"
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.start_date == pendulum.datetime(2025, 1, 1, tz="UTC")
    assert {"pinterest", "batch", "databricks"} <= set(dag.tags)
    assert "pinterest_cluster_id" in dag.doc_md
    (task,) = dag.tasks
    assert isinstance(task, DatabricksSubmitRunOperator)
    assert task.owner == "data-engineering"
    assert task.retries == 2
    assert task.retry_delay == timedelta(minutes=10)
    assert task.execution_timeout == timedelta(hours=4)


def test_operator_arguments_are_templates_read_at_run_time(dag) -> None:
    (task,) = dag.tasks
    assert dag.render_template_as_native_obj is True
    assert task.databricks_conn_id == "{{ setting(var.value, 'pinterest_databricks_conn_id') }}"
    assert task.json["tasks"] == "{{ batch_tasks(var.value) }}"
    assert "{{ ds }}" in task.json["run_name"]
    assert task.polling_period_seconds == 30


def test_defaults_give_a_new_job_cluster_and_the_documented_paths(dag) -> None:
    (spec,) = macro(dag, "batch_tasks")({})
    assert spec["python_wheel_task"] == {
        "package_name": "pinterest_pipeline",
        "entry_point": "pinterest-batch",
        "parameters": [
            "--input", "s3://user-0a1b2c3d4e5f-bucket",
            "--output", "s3://user-0a1b2c3d4e5f-bucket/delta/batch",
            "--results", "/Volumes/main/pinterest/artifacts/results/batch",
            "--catalog", "main",
            "--schema", "pinterest",
            "--pipeline-id", "0a1b2c3d4e5f",
        ],
    }  # fmt: skip
    wheel = "/Volumes/main/pinterest/artifacts/wheels/pinterest_pipeline-0.1.0-py3-none-any.whl"
    assert spec["libraries"] == [{"whl": wheel}]
    assert "existing_cluster_id" not in spec
    assert spec["new_cluster"]["spark_version"] == "17.3.x-scala2.13"
    assert macro(dag, "setting")({}, "pinterest_databricks_conn_id") == "databricks_default"


def test_variables_override_every_value(dag) -> None:
    variables = {
        "pinterest_pipeline_id": "feedc0de42",
        "pinterest_cluster_id": "0101-123456-abcdefgh",
        "pinterest_wheel": "/Workspace/Shared/w/pinterest_pipeline-0.1.0-py3-none-any.whl",
        "pinterest_results": "/Volumes/c/s/v/results",
        "pinterest_catalog": "prod",
        "pinterest_schema": "pins",
    }
    (spec,) = macro(dag, "batch_tasks")(variables)
    params = spec["python_wheel_task"]["parameters"]
    as_dict = dict(zip(params[::2], params[1::2], strict=True))
    assert as_dict == {
        "--input": "s3://user-feedc0de42-bucket",
        "--output": "s3://user-feedc0de42-bucket/delta/batch",
        "--results": "/Volumes/c/s/v/results",
        "--catalog": "prod",
        "--schema": "pins",
        "--pipeline-id": "feedc0de42",
    }
    assert spec["libraries"] == [{"whl": variables["pinterest_wheel"]}]
    assert spec["existing_cluster_id"] == "0101-123456-abcdefgh"
    assert "new_cluster" not in spec


def test_new_cluster_spec_comes_from_json(dag) -> None:
    cluster = {"spark_version": "16.4.x-scala2.12", "node_type_id": "i3.xlarge", "num_workers": 4}
    (spec,) = macro(dag, "batch_tasks")({"pinterest_new_cluster": json.dumps(cluster)})
    assert spec["new_cluster"] == cluster
    with pytest.raises(ValueError, match="JSON object"):
        macro(dag, "batch_tasks")({"pinterest_new_cluster": "[1, 2]"})


def test_mwaa_requirements_constrain_the_airflow_we_test() -> None:
    # MWAA installs dags/requirements.txt against the constraints of the Airflow it runs;
    # that must be the Airflow (and Python) of the lock file these tests run on.
    text = (DAGS_FOLDER / "requirements.txt").read_text()
    version = importlib.metadata.version("apache-airflow")
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert f"/constraints-{version}/constraints-{python}.txt" in text
    assert "apache-airflow-providers-databricks" in text
