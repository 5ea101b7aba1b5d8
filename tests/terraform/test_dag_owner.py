"""One owner of the DAG objects in MWAA's bucket: the mwaa module (its README says why).

A second uploader (the former `make deploy-dags`) would race Terraform's state: an apply re-uploads
what it uploaded, and requirements.txt's new version reaches MWAA only through an apply anyway.
"""

from __future__ import annotations

from pathlib import Path

from tests.terraform.hcl import MODULES_DIR, REPO, labelled

# How anything outside Terraform would find or name the bucket, or the upload command itself.
UPLOADER_MARKS = ("mwaa_dag_bucket", "MWAA_BUCKET", "deploy-dags", "deploy_dags")


def test_the_mwaa_module_uploads_the_dags_and_the_requirements() -> None:
    objects = labelled(MODULES_DIR / "mwaa", "resource", "aws_s3_object")
    assert set(objects) == {"dags", "requirements"}
    assert objects["dags"]["key"] == "dags/${each.value}"
    assert objects["requirements"]["key"] == "requirements.txt"
    env = labelled(MODULES_DIR / "mwaa", "resource", "aws_mwaa_environment")["this"]
    assert env["requirements_s3_object_version"] == "${aws_s3_object.requirements.version_id}"


def outside_terraform() -> list[Path]:
    """The code and configuration that could upload: Python outside the tests, the Makefile,
    the workflows, the compose file and the environment example."""
    found = [REPO / "Makefile", REPO / "docker-compose.yml", REPO / ".env.example"]
    found += sorted((REPO / ".github" / "workflows").glob("*.yml"))
    for top in ("contracts", "emulator", "jobs", "devstack", "bench", "dags", "docker"):
        found += sorted((REPO / top).rglob("*.py"))
        found += sorted((REPO / top).rglob("*.sh"))
    return [p for p in found if p.is_file()]


def test_nothing_else_uploads_the_dags() -> None:
    offenders = [
        f"{path.relative_to(REPO)}: {mark}"
        for path in outside_terraform()
        for mark in UPLOADER_MARKS
        if mark in path.read_text(encoding="utf-8")
    ]
    assert not offenders, f"a second owner of the DAG objects: {offenders}"
