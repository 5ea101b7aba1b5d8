"""Databricks workspace operations with databricks-sdk: upload the wheel, submit and follow a run,
create or update named jobs."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from databricks.sdk import WorkspaceClient
from databricks.sdk.service import jobs
from databricks.sdk.service.workspace import ImportFormat

from jobs.deploy.wheel import content_tag

FAILED_LIFE_CYCLES = {"INTERNAL_ERROR", "SKIPPED"}


class DeployError(RuntimeError):
    """A one-line reason for the user (bad configuration, or Databricks said no)."""


def client_from_env() -> WorkspaceClient:
    """A client from DATABRICKS_HOST with DATABRICKS_TOKEN (PAT) or DATABRICKS_CLIENT_ID/SECRET
    (service principal, OAuth M2M), or from a ~/.databrickscfg profile
    (DATABRICKS_CONFIG_PROFILE)."""
    env = os.environ
    if not env.get("DATABRICKS_CONFIG_PROFILE"):
        if not env.get("DATABRICKS_HOST"):
            raise DeployError(
                "DATABRICKS_HOST is not set: export DATABRICKS_HOST=https://<workspace> and "
                "DATABRICKS_TOKEN (or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET)"
            )
        has_sp = env.get("DATABRICKS_CLIENT_ID") and env.get("DATABRICKS_CLIENT_SECRET")
        if not env.get("DATABRICKS_TOKEN") and not has_sp:
            raise DeployError(
                "no Databricks credentials: set DATABRICKS_TOKEN (a personal access token) or "
                "DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (a service principal)"
            )
    return WorkspaceClient()


def upload_wheel(w: WorkspaceClient, wheel: Path, dest: str) -> str:
    """Upload to a Unity Catalog volume (/Volumes/...) or workspace files (/Workspace/...).

    It goes to `<dest>/<sha>/<name>`, a new path for new code (a cluster does not reinstall a
    library whose path it already has), and to `<dest>/<name>`, the stable path the DAG uses.
    Returns the content-addressed path.
    """
    dest = dest.rstrip("/")
    if not dest.startswith(("/Volumes/", "/Workspace/")):
        raise DeployError(f"wheel destination {dest!r} must start with /Volumes/ or /Workspace/")
    tagged = f"{dest}/{content_tag(wheel)}/{wheel.name}"
    for path in (tagged, f"{dest}/{wheel.name}"):
        with wheel.open("rb") as f:
            if path.startswith("/Volumes/"):
                w.files.upload(path, f, overwrite=True)
            else:
                w.workspace.mkdirs(path.rsplit("/", 1)[0])
                w.workspace.upload(path, f, format=ImportFormat.AUTO, overwrite=True)
    return tagged


def submit(w: WorkspaceClient, run_name: str, task: dict[str, Any], timeout_seconds: int) -> int:
    """Submit a one-time run (runs/submit) of one task; returns the run id."""
    waiter = w.jobs.submit(
        run_name=run_name,
        tasks=[jobs.SubmitTask.from_dict(task)],
        timeout_seconds=timeout_seconds,
    )
    return int(waiter.run_id)


def follow(
    w: WorkspaceClient,
    run_id: int,
    poll_seconds: float,
    out: TextIO | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> jobs.Run:
    """Poll runs/get until the run ends, printing a progress line when its state changes."""
    started = time.monotonic()
    last = ""
    while True:
        run = w.jobs.get_run(run_id)
        state = run.state or jobs.RunState()
        life = state.life_cycle_state.value if state.life_cycle_state else "PENDING"
        if life != last:
            elapsed = int(time.monotonic() - started)
            line = f"  run {run_id}: {life} ({elapsed // 60}m{elapsed % 60:02d}s)"
            print(line, file=out or sys.stdout, flush=True)
            last = life
        if life in ("TERMINATED", "SKIPPED", "INTERNAL_ERROR"):
            return run
        sleep(poll_seconds)


def succeeded(run: jobs.Run) -> bool:
    state = run.state or jobs.RunState()
    result = state.result_state.value if state.result_state else ""
    return result == "SUCCESS"


def upsert_job(w: WorkspaceClient, settings: dict[str, Any]) -> tuple[int, bool]:
    """Create the job named settings['name'], or reset it if it exists; (job_id, created)."""
    name = settings["name"]
    found = [j for j in w.jobs.list(name=name) if j.settings and j.settings.name == name]
    if len(found) > 1:
        ids = ", ".join(str(j.job_id) for j in found)
        raise DeployError(f"several jobs are named {name!r} ({ids}): delete the extra ones")
    typed = jobs.JobSettings.from_dict(settings)
    if found:
        job_id = int(found[0].job_id or 0)
        w.jobs.reset(job_id, new_settings=typed)
        return job_id, False
    created = w.jobs.create(**{key: getattr(typed, key) for key in settings})
    return int(created.job_id or 0), True
