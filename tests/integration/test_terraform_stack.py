"""The shared stack's AWS resources are Terraform's: a second apply changes nothing, and what the
run uses (bucket, streams, REST API, key, roles) is what the state holds."""

from __future__ import annotations

import re
from typing import Any

import pytest

from devstack.config import Settings
from devstack.terraform import Terraform

pytestmark = pytest.mark.integration

API = "module.api_gateway"


@pytest.fixture(scope="module")
def terraform(stack: Any) -> Terraform:
    return Terraform(Settings.from_env())


def test_a_second_apply_plans_no_change(terraform: Terraform) -> None:
    assert terraform.plan_exit_code() == 0, f"terraform plan found changes; see {terraform.log}"


def test_what_the_run_uses_is_in_the_terraform_state(stack: Any, terraform: Terraform) -> None:
    listed = set(terraform.state_list())
    wanted = {
        "module.storage.module.bucket.aws_s3_bucket.this",
        *(f'module.kinesis.aws_kinesis_stream.this["{t}"]' for t in ("pin", "geo", "user")),
        f"{API}.aws_api_gateway_rest_api.this",
        f"{API}.aws_api_gateway_stage.this",
        f"{API}.aws_api_gateway_api_key.this",
        f"{API}.aws_api_gateway_usage_plan_key.this",
        f"{API}.aws_iam_role.kinesis",
        f"{API}.aws_iam_role_policy.kinesis",
    }
    assert wanted <= listed, f"not in the state: {sorted(wanted - listed)}"

    state = terraform.resources()
    # The bucket the sink writes to and the streams the emulator posts to.
    bucket = state["module.storage.module.bucket.aws_s3_bucket.this"]["bucket"]
    assert bucket == stack.bucket == stack.names.bucket
    streams = [
        state[f'module.kinesis.aws_kinesis_stream.this["{t}"]']["name"]
        for t in ("pin", "geo", "user")
    ]
    assert streams == stack.env["KINESIS_STREAMS"].split(",") == stack.names.streams
    # The API the emulator calls, with the key it sends.
    api_id = state[f"{API}.aws_api_gateway_rest_api.this"]["id"]
    assert re.search(rf"/_aws/execute-api/{api_id}/dev$", stack.api_url)
    assert state[f"{API}.aws_api_gateway_api_key.this"]["value"] == stack.api_key
    # The role the Kinesis integrations assume: named in the deployed body, present in IAM.
    # (LocalStack drops `credentials` from imported integrations, so the body is the witness.)
    role = state[f"{API}.aws_iam_role.kinesis"]
    body = state[f"{API}.aws_api_gateway_rest_api.this"]["body"]
    assert body.count(f'credentials: "{role["arn"]}"') == 6  # every /streams route
    assert stack.aws("iam").get_role(RoleName=role["name"])["Role"]["Arn"] == role["arn"]
    # The proxy route the batch path takes: straight to the local REST proxy.
    apigw = stack.aws("apigateway")
    paths = {r["path"]: r["id"] for r in apigw.get_resources(restApiId=api_id, limit=500)["items"]}
    proxy = apigw.get_integration(restApiId=api_id, resourceId=paths["/{proxy+}"], httpMethod="ANY")
    assert proxy["type"] == "HTTP_PROXY" and proxy["connectionType"] == "INTERNET"
    assert proxy["uri"] == f"{stack.rest_proxy_url}/{{proxy}}"
