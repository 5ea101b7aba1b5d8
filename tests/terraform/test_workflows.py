"""The GitHub workflows users get: valid, and doing what the README promises."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.terraform.hcl import REPO
from tests.terraform.test_compose import check_schema

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def load(name: str) -> dict:
    # YAML reads the bare key `on` as True.
    return yaml.safe_load((REPO / ".github" / "workflows" / name).read_text())


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_github_schema(path: Path) -> None:
    result = check_schema(path, "vendor.github-workflows")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    steps:\n      - run: true\n")  # no runs-on
    assert check_schema(broken, "vendor.github-workflows").returncode != 0


def steps_text(job: dict) -> str:
    return "\n".join(str(step.get("run", "")) + str(step.get("uses", "")) for step in job["steps"])


def test_terraform_workflow_checks_plans_and_applies_with_oidc() -> None:
    wf = load("terraform.yml")
    assert "pull_request" in wf[True] and wf[True]["push"]["branches"] == ["main"]
    check = steps_text(wf["jobs"]["check"])
    for command in ("terraform fmt -check", "terraform -chdir=terraform validate", "checkov -d"):
        assert command in check
    for name in ("plan", "apply"):
        job = wf["jobs"][name]
        assert job["permissions"]["id-token"] == "write", name
        creds = [s for s in job["steps"] if "configure-aws-credentials" in s.get("uses", "")]
        assert creds and "role-to-assume" in creds[0]["with"], name
        assert "secrets.AWS_ROLE_ARN" in creds[0]["with"]["role-to-assume"]
    assert "make plan" in steps_text(wf["jobs"]["plan"])
    assert "pull_request" in wf["jobs"]["plan"]["if"]
    assert "make apply" in steps_text(wf["jobs"]["apply"])
    assert "refs/heads/main" in wf["jobs"]["apply"]["if"]
    # Top-level permissions stay read-only; only plan and apply get an OIDC token.
    assert wf["permissions"] == {"contents": "read"}


def test_test_workflow_runs_make_test() -> None:
    wf = load("test.yml")
    assert "make test" in steps_text(wf["jobs"]["make-test"])
