"""terraform/envs/local: the AWS root's modules at LocalStack, with few and listed switches."""

from __future__ import annotations

import re

import pytest

from devstack.services.localstack import SERVICES
from tests.terraform.hcl import LOCAL_ROOT, MODULES_DIR, REPO, TF_ROOT, blocks

# What LocalStack's community runtime serves; the rest stays local processes (README).
LOCAL_MODULES = {"names", "storage", "kinesis", "api_gateway"}

# Each LocalStack switch: the module, the variable, the value the local root gives it, and what
# the AWS root gives it (DEFAULT: nothing, the default is the AWS behaviour).
DEFAULT = object()
SWITCHES = [
    ("api_gateway", "vpc_link", False, DEFAULT),
    ("api_gateway", "rest_api_tags", {"_custom_id_": "${var.pipeline_id}"}, DEFAULT),
    ("api_gateway", "api_key_value", "${try(coalesce(var.api_key), null)}", DEFAULT),
    ("api_gateway", "gateway_responses_as_resources", True, DEFAULT),
    ("storage", "lifecycle_rules", False, DEFAULT),
    ("kinesis", "kms_encryption", False, DEFAULT),
]


def calls(directory) -> dict[str, dict]:
    return {name: body for _, b in blocks(directory, "module") for name, body in b.items()}


def variables(module: str) -> dict[str, dict]:
    return {n: b for _, blk in blocks(MODULES_DIR / module, "variable") for n, b in blk.items()}


def test_local_root_composes_the_aws_roots_modules_that_localstack_serves() -> None:
    local, aws = calls(LOCAL_ROOT), calls(TF_ROOT)
    assert set(local) == LOCAL_MODULES
    for name in LOCAL_MODULES:
        # Same module directory as the AWS root (its source is one level deeper).
        assert local[name]["source"] == aws[name]["source"].replace("./", "../../", 1)


@pytest.mark.parametrize(("module", "variable", "local", "aws"), SWITCHES)
def test_every_switch_has_the_aws_behaviour_in_the_aws_root(module, variable, local, aws) -> None:
    assert calls(LOCAL_ROOT)[module][variable] == local
    assert calls(TF_ROOT)[module].get(variable, DEFAULT) == aws
    assert "default" in variables(module)[variable]


def test_the_local_root_sets_nothing_else_but_names_and_sizes() -> None:
    """Any new argument of a module call locally is a switch: list it in SWITCHES and README."""
    switch_names = {(m, v) for m, v, _, _ in SWITCHES}
    allowed = {
        "source", "pipeline_id", "bucket", "streams", "name", "openapi_template_path",
        "stage_name", "rest_proxy_uri", "stream_arns", "streams_kms_key_arn", "shard_count",
        "force_destroy",
    }  # fmt: skip
    for module, body in calls(LOCAL_ROOT).items():
        extra = {a for a in body if a not in allowed and (module, a) not in switch_names}
        assert not extra, f"{module}: unlisted LocalStack switch(es) {extra}"


def test_every_switch_is_listed_in_the_readme_with_its_reason() -> None:
    readme = (REPO / "README.md").read_text()
    for module, variable, _, _ in SWITCHES:
        row = re.search(rf"^\|\s*`{module}`\s*\|\s*`{variable}[^|]*\|\s*(.+)\|\s*$", readme, re.M)
        assert row and len(row.group(1).strip()) > 30, (
            f"README lacks the switch {module}.{variable}"
        )


def test_provider_points_every_service_at_localstack_and_localstack_runs_them() -> None:
    (provider,) = [b["aws"] for _, b in blocks(LOCAL_ROOT, "provider")]
    endpoints = provider["endpoints"][0]
    assert set(endpoints.values()) == {"${var.localstack_endpoint}"}
    assert set(endpoints) == set(SERVICES.split(","))
    assert provider["s3_use_path_style"] is True
    assert provider["skip_credentials_validation"] is True
    assert "access_key" not in provider and "secret_key" not in provider  # from the environment


def test_local_state_is_kept_outside_the_repo() -> None:
    versions = (LOCAL_ROOT / "versions.tf").read_text()
    assert re.search(r'backend "local" \{\}', versions)
