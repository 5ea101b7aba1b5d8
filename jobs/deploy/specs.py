"""Databricks task and job payloads (Jobs API 2.2) for the two wheel entry points.

Plain dicts, built from settings alone, so they are easy to test and to read in a request log.
The defaults match the DAG's Variables (dags/pinterest_batch_dag.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from contracts.names import TABLES, Names

PACKAGE = "pinterest_pipeline"
BATCH_ENTRY_POINT = "pinterest-batch"
STREAM_ENTRY_POINT = "pinterest-stream"
DEFAULT_WHEEL_DEST = "/Volumes/main/pinterest/artifacts/wheels"
DEFAULT_RESULTS = "/Volumes/main/pinterest/artifacts/results/batch"
DEFAULT_NEW_CLUSTER: dict[str, Any] = {
    # DBR 17.3 LTS runs Spark 4.0, the Spark the project pins.
    "spark_version": "17.3.x-scala2.13",
    "node_type_id": "m5d.large",
    "num_workers": 1,
    # Unity Catalog access (tables under catalog.schema) needs an access mode.
    "data_security_mode": "SINGLE_USER",
}


@dataclass(frozen=True)
class Cluster:
    """Where a task runs: an existing all-purpose cluster, or a new job cluster per run."""

    cluster_id: str | None = None
    new_cluster: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_NEW_CLUSTER))

    @classmethod
    def parse(cls, cluster_id: str | None, new_cluster_json: str | None) -> Cluster:
        if cluster_id:
            return cls(cluster_id=cluster_id.strip())
        if not new_cluster_json:
            return cls()
        try:
            spec = json.loads(new_cluster_json)
        except json.JSONDecodeError as e:
            raise ValueError(f"the new cluster spec is not valid JSON: {e}") from None
        if not isinstance(spec, dict):
            raise ValueError("the new cluster spec must be a JSON object")
        return cls(new_cluster=spec)

    def fields(self) -> dict[str, Any]:
        if self.cluster_id:
            return {"existing_cluster_id": self.cluster_id}
        return {"new_cluster": dict(self.new_cluster)}


@dataclass(frozen=True)
class BatchArgs:
    names: Names
    catalog: str
    schema: str
    input: str | None = None
    output: str | None = None
    results: str = DEFAULT_RESULTS

    def parameters(self) -> list[str]:
        bucket = f"s3://{self.names.bucket}"
        return [
            "--input", self.input or bucket,
            "--output", self.output or f"{bucket}/delta/batch",
            "--results", self.results,
            "--catalog", self.catalog,
            "--schema", self.schema,
            "--pipeline-id", self.names.pipeline_id,
        ]  # fmt: skip


@dataclass(frozen=True)
class StreamArgs:
    names: Names
    catalog: str
    schema: str
    region: str
    checkpoints: str | None = None
    trigger: str = "available-now"
    extra: tuple[str, ...] = ()
    service_credential: str | None = None
    """Unity Catalog service credential for Kinesis (the job's --service-credential)."""

    def parameters(self) -> list[str]:
        bucket = f"s3://{self.names.bucket}"
        credential = (
            ["--service-credential", self.service_credential] if self.service_credential else []
        )
        return [
            "--streams", ",".join(TABLES),
            "--checkpoints", self.checkpoints or f"{bucket}/checkpoints/stream",
            "--trigger", self.trigger,
            "--initial-position", "earliest",
            "--region", self.region,
            "--catalog", self.catalog,
            "--schema", self.schema,
            "--pipeline-id", self.names.pipeline_id,
            *credential,
            *self.extra,
        ]  # fmt: skip


def wheel_task(
    task_key: str, entry_point: str, parameters: list[str], wheel: str, cluster: Cluster
) -> dict[str, Any]:
    """One python_wheel_task running an entry point of the project wheel."""
    return {
        "task_key": task_key,
        "python_wheel_task": {
            "package_name": PACKAGE,
            "entry_point": entry_point,
            "parameters": parameters,
        },
        "libraries": [{"whl": wheel}],
        **cluster.fields(),
    }


def job_settings(name: str, task: dict[str, Any], timeout_seconds: int) -> dict[str, Any]:
    """A named job with one task, for `deploy-jobs` (and DatabricksRunNowOperator)."""
    return {
        "name": name,
        "tasks": [task],
        "max_concurrent_runs": 1,
        "timeout_seconds": timeout_seconds,
        "tags": {"project": "pinterest-pipeline"},
    }
