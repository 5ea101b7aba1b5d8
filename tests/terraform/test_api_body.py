"""The API Gateway body is contracts/openapi.yaml, rendered by templatefile like the local stack."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from contracts import openapi
from tests.terraform.hcl import (
    LOCAL_ROOT,
    MODULES_DIR,
    REPO,
    TF_ROOT,
    blocks,
    console,
    hcl_string,
    labelled,
    locals_of,
    templatefile_call,
)

API = MODULES_DIR / "api_gateway"
CONTRACT = REPO / "contracts" / "openapi.yaml"

SAMPLES = [
    {
        "aws_region": "eu-west-2",
        "rest_proxy_uri": "http://internal-nlb-123.elb.eu-west-2.amazonaws.com:8082",
        "connection_type": "VPC_LINK",
        "vpc_link_id": "abc123",
        "kinesis_role_arn": "arn:aws:iam::123456789012:role/pinterest-x-kinesis",
    },
    {
        "aws_region": "us-east-1",
        "rest_proxy_uri": "http://127.0.0.1:8082",
        "connection_type": "INTERNET",
        "vpc_link_id": "",
        "kinesis_role_arn": "arn:aws:iam::000000000000:role/apigw-kinesis",
    },
]


def test_rest_api_body_is_the_rendered_contract() -> None:
    rest_api = labelled(API, "resource", "aws_api_gateway_rest_api")["this"]
    assert rest_api["body"] == "${local.body}"
    # The rendered contract, or (no REST proxy: examples/minimal) the same without /{proxy+}.
    assert locals_of(API)["body"].startswith("${local.rest_proxy ? local.rendered : jsonencode(")
    path, args = templatefile_call(locals_of(API)["rendered"])
    assert path == "var.openapi_template_path"
    assert tuple(args) == openapi.VARIABLES, "templatefile variables differ from the contract's"
    # VPC link to the NLB on AWS; without it (the local stack) an INTERNET integration.
    assert locals_of(API)["vpc_link"] == "${var.vpc_link && local.rest_proxy}"
    assert args["connection_type"] == 'local.vpc_link ? "VPC_LINK" : "INTERNET"'
    assert args["vpc_link_id"] == 'local.vpc_link ? aws_api_gateway_vpc_link.this[0].id : ""'
    assert args["kinesis_role_arn"] == "aws_iam_role.kinesis.arn"


def test_aws_root_uses_the_vpc_link_and_the_local_root_the_local_rest_proxy() -> None:
    aws = next(b["api_gateway"] for _, b in blocks(TF_ROOT, "module") if "api_gateway" in b)
    assert aws["nlb_arn"] == "${module.rest_proxy.nlb_arn}" and "vpc_link" not in aws
    local = next(b["api_gateway"] for _, b in blocks(LOCAL_ROOT, "module") if "api_gateway" in b)
    assert local["vpc_link"] is False and "nlb_arn" not in local
    assert local["rest_proxy_uri"] == "${var.rest_proxy_uri}"
    assert local["openapi_template_path"] == aws["openapi_template_path"]


def test_root_passes_the_contract_file() -> None:
    call = next(b["api_gateway"] for _, b in blocks(TF_ROOT, "module") if "api_gateway" in b)
    path = call["openapi_template_path"].replace(
        "${local.repo_root}", locals_of(TF_ROOT)["repo_root"]
    )
    resolved = (TF_ROOT / path.replace("${path.root}", ".")).resolve()
    assert resolved == CONTRACT.resolve()


def test_deployment_redeploys_on_every_body_change() -> None:
    deployment = labelled(API, "resource", "aws_api_gateway_deployment")["this"]
    assert deployment["triggers"] == {"body": "${sha256(local.body)}"}
    assert deployment["lifecycle"][0]["create_before_destroy"] is True
    stage = labelled(API, "resource", "aws_api_gateway_stage")["this"]
    assert stage["deployment_id"] == "${aws_api_gateway_deployment.this.id}"
    assert "destination_arn" in stage["access_log_settings"][0]


def test_api_key_and_usage_plan_cover_the_stage() -> None:
    plan = labelled(API, "resource", "aws_api_gateway_usage_plan")["this"]
    assert plan["api_stages"][0]["stage"] == "${aws_api_gateway_stage.this.stage_name}"
    key = labelled(API, "resource", "aws_api_gateway_usage_plan_key")["this"]
    assert key["key_id"] == "${aws_api_gateway_api_key.this.id}"
    # The contract makes every method require the key the usage plan admits.
    spec = yaml.safe_load(CONTRACT.read_text())
    assert spec["x-amazon-apigateway-api-key-source"] == "HEADER"
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "x-amazon-apigateway-integration" in op:
                assert op.get("security", spec.get("security")) == [{"api_key": []}], (path, method)


@pytest.mark.parametrize("variables", SAMPLES, ids=["vpc-link", "internet"])
def test_terraform_templatefile_equals_contracts_render(tmp_path: Path, variables: dict) -> None:
    args = ", ".join(f"{k} = {hcl_string(v)}" for k, v in variables.items())
    rendered = console(f"templatefile({hcl_string(str(CONTRACT))}, {{{args}}})", tmp_path)
    assert rendered.decode() == openapi.render(variables)
    spec = yaml.safe_load(rendered)
    proxy = spec["paths"]["/{proxy+}"]["x-amazon-apigateway-any-method"]
    integration = proxy["x-amazon-apigateway-integration"]
    assert integration["uri"] == variables["rest_proxy_uri"] + "/{proxy}"
    assert integration["connectionType"] == variables["connection_type"]
    assert integration["connectionId"] == variables["vpc_link_id"]
    put = spec["paths"]["/streams/{stream-name}/records"]["put"]["x-amazon-apigateway-integration"]
    assert put["credentials"] == variables["kinesis_role_arn"]
    assert variables["aws_region"] in put["uri"]
