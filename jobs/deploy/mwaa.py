"""Upload the DAG files and the requirements to the MWAA source bucket, skipping unchanged ones.

Layout (terraform/modules/mwaa): `dags/<file>.py` and `requirements.txt` at the bucket root.
The bucket is KMS-encrypted, so an object's ETag is not the MD5 of its bytes: each upload
stores its sha256 in the object metadata, and that is what later runs compare.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from jobs.deploy.wheel import REPO

SHA_KEY = "sha256"
TERRAFORM_OUTPUT = "mwaa_dag_bucket"


@dataclass(frozen=True)
class Change:
    key: str
    status: str  # "new", "changed", "unchanged" or "remote only" (left in place)


def files_to_upload(dags_dir: Path) -> dict[str, Path]:
    """S3 key -> local file: dags/*.py under dags/, requirements.txt at the root."""
    plan = {f"dags/{path.name}": path for path in sorted(dags_dir.glob("*.py"))}
    requirements = dags_dir / "requirements.txt"
    if requirements.exists():
        plan["requirements.txt"] = requirements
    return plan


def sync(s3: Any, bucket: str, dags_dir: Path, dry_run: bool = False) -> list[Change]:
    """Upload what differs from the bucket; returns what happened to each file."""
    changes = []
    plan = files_to_upload(dags_dir)
    for key, path in plan.items():
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        remote = _remote_sha(s3, bucket, key)
        if remote == digest:
            changes.append(Change(key, "unchanged"))
            continue
        if not dry_run:
            s3.put_object(Bucket=bucket, Key=key, Body=data, Metadata={SHA_KEY: digest})
        changes.append(Change(key, "new" if remote is None else "changed"))
    listing = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="dags/")
    remote_keys = {obj["Key"] for page in listing for obj in page.get("Contents", [])}
    changes += [
        Change(k, "remote only") for k in sorted(remote_keys - plan.keys()) if k.endswith(".py")
    ]
    return changes


def _remote_sha(s3: Any, bucket: str, key: str) -> str | None:
    """The sha256 recorded on the object; '' when it has none; None when there is no object."""
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    return str(head.get("Metadata", {}).get(SHA_KEY, ""))


def bucket_from_terraform(tf_dir: Path = REPO / "terraform") -> str | None:
    """The `mwaa_dag_bucket` output of the applied Terraform configuration, if there is one."""
    try:
        done = subprocess.run(
            ["terraform", f"-chdir={tf_dir}", "output", "-json"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    try:
        value = json.loads(done.stdout).get(TERRAFORM_OUTPUT, {}).get("value")
    except (json.JSONDecodeError, AttributeError):
        return None
    return str(value) if value else None
