"""Daily Pinterest batch job on Databricks (Airflow 3 / Amazon MWAA).

MWAA loads this file alone: it imports nothing from the repository. Every value a user changes
is an Airflow Variable with a default (see VARIABLES). They are read when the task runs, through
the `var.value` template accessor, never while the file is parsed: the DAG processor re-parses
files every few seconds and a Variable read there is a metadata-database (or secrets backend)
call each time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Protocol

import pendulum
from airflow.providers.databricks.operators.databricks import DatabricksSubmitRunOperator
from airflow.sdk import DAG

DAG_ID = "pinterest_batch"
DEFAULT_PIPELINE_ID = "0a1b2c3d4e5f"
DEFAULT_NEW_CLUSTER = {
    # DBR 17.3 LTS runs Spark 4.0, the Spark the project pins.
    "spark_version": "17.3.x-scala2.13",
    "node_type_id": "m5d.large",
    "num_workers": 1,
    # Unity Catalog access (tables under catalog.schema) needs an access mode.
    "data_security_mode": "SINGLE_USER",
}

# Airflow Variable -> default. `{pipeline_id}` in a default is replaced by pinterest_pipeline_id.
VARIABLES: dict[str, str] = {
    "pinterest_databricks_conn_id": "databricks_default",
    "pinterest_pipeline_id": DEFAULT_PIPELINE_ID,
    # An all-purpose cluster id; when empty, each run gets a new job cluster from the spec below.
    "pinterest_cluster_id": "",
    "pinterest_new_cluster": json.dumps(DEFAULT_NEW_CLUSTER),
    "pinterest_wheel": (
        "/Volumes/main/pinterest/artifacts/wheels/pinterest_pipeline-0.1.0-py3-none-any.whl"
    ),
    "pinterest_input": "s3://user-{pipeline_id}-bucket",
    "pinterest_output": "s3://user-{pipeline_id}-bucket/delta/batch",
    "pinterest_results": "/Volumes/main/pinterest/artifacts/results/batch",
    "pinterest_catalog": "main",
    "pinterest_schema": "pinterest",
    "pinterest_timeout_seconds": "10800",
}


class VariableSource(Protocol):
    """What `var.value` offers in a template (a plain dict works too, which tests use)."""

    def get(self, key: str, default: Any = ..., /) -> Any: ...


def setting(variables: VariableSource, name: str) -> str:
    """One Variable, or its default, with `{pipeline_id}` filled in."""
    pipeline_id = str(variables.get("pinterest_pipeline_id", DEFAULT_PIPELINE_ID))
    value = str(variables.get(name, VARIABLES[name]))
    return value.replace("{pipeline_id}", pipeline_id)


def cluster_fields(variables: VariableSource) -> dict[str, Any]:
    """`existing_cluster_id` when one is configured, otherwise a `new_cluster` spec."""
    cluster_id = setting(variables, "pinterest_cluster_id").strip()
    if cluster_id:
        return {"existing_cluster_id": cluster_id}
    spec = json.loads(setting(variables, "pinterest_new_cluster"))
    if not isinstance(spec, Mapping):
        raise ValueError("Variable pinterest_new_cluster must be a JSON object")
    return {"new_cluster": dict(spec)}


def batch_tasks(variables: VariableSource) -> list[dict[str, Any]]:
    """The `tasks` of the Jobs API 2.2 runs/submit payload: one python_wheel_task.

    A function rather than one template per field because the cluster choice changes the shape
    of the payload (existing_cluster_id or new_cluster), which string templates cannot do.
    """
    parameters = [
        "--input", setting(variables, "pinterest_input"),
        "--output", setting(variables, "pinterest_output"),
        "--results", setting(variables, "pinterest_results"),
        "--catalog", setting(variables, "pinterest_catalog"),
        "--schema", setting(variables, "pinterest_schema"),
        "--pipeline-id", setting(variables, "pinterest_pipeline_id"),
    ]  # fmt: skip
    task = {
        "task_key": "pinterest_batch",
        "python_wheel_task": {
            "package_name": "pinterest_pipeline",
            "entry_point": "pinterest-batch",
            "parameters": parameters,
        },
        "libraries": [{"whl": setting(variables, "pinterest_wheel")}],
        **cluster_fields(variables),
    }
    return [task]


with DAG(
    dag_id=DAG_ID,
    description="Daily Pinterest batch job on Databricks: S3 -> clean -> Delta -> analytics",
    schedule="@daily",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=6),
    tags=["pinterest", "batch", "databricks"],
    default_args={
        "owner": "data-engineering",
        "retries": 2,
        "retry_delay": timedelta(minutes=10),
        "execution_timeout": timedelta(hours=4),
    },
    user_defined_macros={"setting": setting, "batch_tasks": batch_tasks},
    # `tasks` below renders to the list batch_tasks() returns, not to its string form.
    render_template_as_native_obj=True,
    doc_md=__doc__
    + """
### Variables

| Variable | Default | Meaning |
|---|---|---|
| `pinterest_databricks_conn_id` | `databricks_default` | Airflow connection to the workspace |
| `pinterest_pipeline_id` | `0a1b2c3d4e5f` | PIPELINE_ID: bucket, topics and tables derive from it |
| `pinterest_cluster_id` | (empty) | all-purpose cluster id; empty means a new job cluster |
| `pinterest_new_cluster` | DBR 17.3 LTS, m5d.large, 1 worker | job cluster spec (JSON) |
| `pinterest_wheel` | `/Volumes/main/pinterest/artifacts/wheels/pinterest_pipeline-*.whl` | wheel |
| `pinterest_input` | `s3://user-{pipeline_id}-bucket` | where the S3 sink writes `topics/` |
| `pinterest_output` | `s3://user-{pipeline_id}-bucket/delta/batch` | Delta tables location |
| `pinterest_results` | `/Volumes/main/pinterest/artifacts/results/batch` | the nine answers (CSV) |
| `pinterest_catalog` / `pinterest_schema` | `main` / `pinterest` | Unity Catalog tables |
| `pinterest_timeout_seconds` | `10800` | Databricks run timeout |
""",
) as dag:
    DatabricksSubmitRunOperator(
        task_id="submit_batch_run",
        databricks_conn_id="{{ setting(var.value, 'pinterest_databricks_conn_id') }}",
        # A dict whose leaves are templates, rendered when the task runs: every provider
        # version accepts this shape (a json that is one template string needs a recent one).
        json={
            "run_name": (
                "pinterest-batch-{{ setting(var.value, 'pinterest_pipeline_id') }}-{{ ds }}"
            ),
            "timeout_seconds": "{{ setting(var.value, 'pinterest_timeout_seconds') }}",
            "tasks": "{{ batch_tasks(var.value) }}",
        },
        polling_period_seconds=30,
        doc_md="Submits one run of the project wheel's `pinterest-batch` entry point and waits.",
    )
