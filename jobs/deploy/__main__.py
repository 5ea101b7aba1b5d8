"""CLI: python -m jobs.deploy submit-batch | submit-stream | deploy-jobs.

Databricks credentials come from the environment (DATABRICKS_HOST with DATABRICKS_TOKEN, or
DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET). The DAGs reach MWAA with `make apply`: the
mwaa Terraform module owns the objects of its bucket (terraform/modules/mwaa/README.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import DatabricksError

from contracts.names import Names, pipeline_id_from_env
from jobs.deploy import specs, workspace
from jobs.deploy.wheel import BuildError, build_wheel

EXAMPLES = """examples:
  python -m jobs.deploy submit-batch --cluster-id 0101-123456-abcdefgh
  python -m jobs.deploy submit-stream -- --role-arn arn:aws:iam::123456789012:role/kinesis-read
  python -m jobs.deploy deploy-jobs
"""


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _databricks_flags() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("Databricks")
    g.add_argument("--pipeline-id", default=pipeline_id_from_env(), help="default: $PIPELINE_ID")
    g.add_argument("--catalog", default=_env("DATABRICKS_CATALOG", "main"))
    g.add_argument("--schema", default=_env("DATABRICKS_SCHEMA", "pinterest"))
    g.add_argument(
        "--cluster-id",
        default=os.environ.get("DATABRICKS_CLUSTER_ID"),
        help="an all-purpose cluster (default: $DATABRICKS_CLUSTER_ID; else a new job cluster)",
    )
    g.add_argument(
        "--new-cluster",
        metavar="JSON",
        default=os.environ.get("DATABRICKS_NEW_CLUSTER"),
        help="job cluster spec (default: $DATABRICKS_NEW_CLUSTER or DBR 17.3 LTS, 1 worker)",
    )
    g.add_argument("--wheel", type=Path, help="upload this wheel instead of building the repo")
    g.add_argument(
        "--wheel-dest",
        default=_env("DATABRICKS_WHEEL_DEST", specs.DEFAULT_WHEEL_DEST),
        help="/Volumes/... or /Workspace/... folder (default: $DATABRICKS_WHEEL_DEST, %(default)s)",
    )
    g.add_argument("--timeout", type=int, default=10800, help="run timeout, seconds")
    return p


def _batch_flags() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("batch job")
    g.add_argument("--input", help="where the sink landed topics/ (default: s3://<bucket>)")
    g.add_argument("--output", help="Delta tables location (default: s3://<bucket>/delta/batch)")
    g.add_argument("--results", default=specs.DEFAULT_RESULTS, help="q*.csv folder")
    return p


def _stream_flags() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("streaming job")
    g.add_argument("--checkpoints", help="default: s3://<bucket>/checkpoints/stream")
    g.add_argument("--trigger", default="available-now", help="available-now or seconds")
    g.add_argument("--region", default=_env("AWS_REGION", _env("AWS_DEFAULT_REGION", "us-east-1")))
    g.add_argument("--stream-schema", help="schema of the stream tables (default: <schema>_stream)")
    g.add_argument(
        "--service-credential",
        default=os.environ.get("DATABRICKS_SERVICE_CREDENTIAL"),
        help="Unity Catalog service credential the job reads Kinesis with (default: "
        "$DATABRICKS_SERVICE_CREDENTIAL; none = the cluster's instance profile)",
    )
    g.add_argument("job_args", nargs=argparse.REMAINDER, help="after --: more job arguments")
    return p


def _run_flags() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--poll", type=float, default=15.0, help="seconds between status checks")
    p.add_argument("--no-wait", action="store_true", help="submit and return")
    return p


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m jobs.deploy",
        description="Run the pipeline's jobs on Databricks, or create the named jobs.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True)
    dbx, batch, stream, run = _databricks_flags(), _batch_flags(), _stream_flags(), _run_flags()
    sub.add_parser("submit-batch", parents=[dbx, batch, run], help="run the batch job once")
    sub.add_parser("submit-stream", parents=[dbx, stream, run], help="run the streaming job once")
    sub.add_parser(
        "deploy-jobs", parents=[dbx, batch, stream], help="create or update the two named jobs"
    )
    return p.parse_args(argv)


def batch_task(args: argparse.Namespace, wheel: str, cluster: specs.Cluster) -> dict:
    names = Names(args.pipeline_id)
    params = specs.BatchArgs(
        names, args.catalog, args.schema, args.input, args.output, args.results
    ).parameters()
    return specs.wheel_task("pinterest_batch", specs.BATCH_ENTRY_POINT, params, wheel, cluster)


def stream_task(args: argparse.Namespace, wheel: str, cluster: specs.Cluster) -> dict:
    extra = tuple(a for a in args.job_args if a != "--")
    schema = args.stream_schema or f"{args.schema}_stream"
    stream = specs.StreamArgs(
        Names(args.pipeline_id), args.catalog, schema, args.region, args.checkpoints,
        args.trigger, extra, args.service_credential,
    )  # fmt: skip
    return specs.wheel_task(
        "pinterest_stream", specs.STREAM_ENTRY_POINT, stream.parameters(), wheel, cluster
    )


def prepare_wheel(w: WorkspaceClient, args: argparse.Namespace) -> str:
    """Build (unless --wheel) and upload the wheel; returns its workspace path."""
    with tempfile.TemporaryDirectory(prefix="pinterest-wheel-") as tmp:
        wheel = args.wheel
        if wheel is None:
            print("building the wheel ...", flush=True)
            wheel = build_wheel(Path(tmp))
        elif not wheel.is_file():
            raise workspace.DeployError(f"--wheel {wheel}: no such file")
        print(f"uploading {wheel.name} to {args.wheel_dest} ...", flush=True)
        path = workspace.upload_wheel(w, wheel, args.wheel_dest)
    print(f"  {path}")
    return path


def run_once(w: WorkspaceClient, run_name: str, task: dict, args: argparse.Namespace) -> int:
    run_id = workspace.submit(w, run_name, task, args.timeout)
    url = w.jobs.get_run(run_id).run_page_url
    print(f"submitted run {run_id}: {url}", flush=True)
    if args.no_wait:
        return 0
    run = workspace.follow(w, run_id, args.poll)
    state = run.state
    life = state.life_cycle_state.value if state and state.life_cycle_state else "?"
    result = state.result_state.value if state and state.result_state else "-"
    message = f": {state.state_message}" if state and state.state_message else ""
    print(f"run {run_id} {life} {result}{message}\n  {url}")
    return 0 if workspace.succeeded(run) else 1


def submit_batch(args: argparse.Namespace) -> int:
    w = workspace.client_from_env()
    cluster = specs.Cluster.parse(args.cluster_id, args.new_cluster)
    task = batch_task(args, prepare_wheel(w, args), cluster)
    return run_once(w, f"pinterest-batch-{args.pipeline_id}", task, args)


def submit_stream(args: argparse.Namespace) -> int:
    w = workspace.client_from_env()
    cluster = specs.Cluster.parse(args.cluster_id, args.new_cluster)
    task = stream_task(args, prepare_wheel(w, args), cluster)
    return run_once(w, f"pinterest-stream-{args.pipeline_id}", task, args)


def deploy_jobs(args: argparse.Namespace) -> int:
    w = workspace.client_from_env()
    cluster = specs.Cluster.parse(args.cluster_id, args.new_cluster)
    wheel = prepare_wheel(w, args)
    for kind, task in (("batch", batch_task), ("stream", stream_task)):
        name = f"pinterest-{kind}-{args.pipeline_id}"
        settings = specs.job_settings(name, task(args, wheel, cluster), args.timeout)
        job_id, created = workspace.upsert_job(w, settings)
        verb = "created" if created else "updated"
        print(f"{verb} job {name} (job_id {job_id}): {w.config.host}/jobs/{job_id}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "submit-batch": submit_batch,
    "submit-stream": submit_stream,
    "deploy-jobs": deploy_jobs,
}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if getattr(args, "pipeline_id", None) is not None:
            Names(args.pipeline_id)  # a bad id fails here, before the build and upload
        return COMMANDS[args.command](args)
    except (workspace.DeployError, BuildError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except DatabricksError as e:
        print(f"error: Databricks: {e}", file=sys.stderr)
        return 1
    except OSError as e:  # network or file errors (requests' errors are OSErrors too)
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
