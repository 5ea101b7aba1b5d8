"""contracts/openapi.yaml and its renderer (Terraform templatefile semantics)."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate

from contracts import openapi
from contracts.openapi import TemplateError, render, used_variables

VARS = {
    "aws_region": "eu-west-2",
    "rest_proxy_uri": "http://10.0.1.5:8082",
    "connection_type": "VPC_LINK",
    "vpc_link_id": "abc123",
    "kinesis_role_arn": "arn:aws:iam::123456789012:role/api-kinesis",
}

KINESIS_ROUTES = {
    ("/streams", "get"): "ListStreams",
    ("/streams/{stream-name}", "get"): "DescribeStream",
    ("/streams/{stream-name}", "post"): "CreateStream",
    ("/streams/{stream-name}", "delete"): "DeleteStream",
    ("/streams/{stream-name}/record", "put"): "PutRecord",
    ("/streams/{stream-name}/records", "put"): "PutRecords",
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return yaml.safe_load(render(VARS))


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    methods = {"get", "put", "post", "delete", "patch", "x-amazon-apigateway-any-method"}
    return [
        (path, method, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in methods
    ]


# ---- the renderer -----------------------------------------------------------------------------


def test_render_substitutes_variables_and_unescapes_like_templatefile() -> None:
    text = "a=${x} b=${ y } lit=$${x} dir=%%{ if } $input.path('$.a') %d {x}"
    assert (
        render({"x": "1", "y": "2"}, text)
        == "a=1 b=2 lit=${x} dir=%{ if } $input.path('$.a') %d {x}"
    )


def test_render_names_every_missing_variable() -> None:
    with pytest.raises(TemplateError, match=r"missing template variable\(s\): a, b$"):
        render({"c": "3"}, "${b} ${a} ${c} ${b}")


def test_render_ignores_extra_variables() -> None:
    assert render({"a": "1", "unused": "2"}, "${a}") == "1"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("x ${var.a} y", "only plain variable names"),
        ("${upper(a)}", "only plain variable names"),
        ("%{ if a }x%{ endif }", "directives"),
        ("oops ${a", "unterminated"),
    ],
)
def test_render_rejects_what_it_would_not_render_like_terraform(text: str, error: str) -> None:
    with pytest.raises(TemplateError, match=error):
        render({"a": "1"}, text)


def test_contract_uses_exactly_the_agreed_variables() -> None:
    assert sorted(used_variables(openapi.template_text())) == sorted(openapi.VARIABLES)


def test_rendered_contract_has_no_template_syntax_left() -> None:
    text = render(VARS)
    assert "${" not in text and "%{" not in text
    for value in VARS.values():
        assert value in text


# ---- the contract -----------------------------------------------------------------------------


def test_rendered_contract_is_valid_openapi_3(doc: dict[str, Any]) -> None:
    validate(doc)
    assert doc["openapi"].startswith("3.")


def test_every_route_of_the_design_has_an_integration(doc: dict[str, Any]) -> None:
    found = {(p, m) for p, m, _ in operations(doc)}
    assert found == {("/{proxy+}", "x-amazon-apigateway-any-method"), *KINESIS_ROUTES}
    for _, _, op in operations(doc):
        assert "x-amazon-apigateway-integration" in op


def test_proxy_route_passes_everything_to_the_rest_proxy(doc: dict[str, Any]) -> None:
    integration = doc["paths"]["/{proxy+}"]["x-amazon-apigateway-any-method"][
        "x-amazon-apigateway-integration"
    ]
    assert integration["type"] == "http_proxy"
    assert integration["httpMethod"] == "ANY"
    assert integration["uri"] == "http://10.0.1.5:8082/{proxy}"
    assert integration["connectionType"] == "VPC_LINK"
    assert integration["connectionId"] == "abc123"
    assert integration["requestParameters"] == {
        "integration.request.path.proxy": "method.request.path.proxy"
    }


@pytest.mark.parametrize(("route", "action"), sorted(KINESIS_ROUTES.items()))
def test_kinesis_integrations_call_the_action_with_the_role(
    doc: dict[str, Any], route: tuple[str, str], action: str
) -> None:
    path, method = route
    integration = doc["paths"][path][method]["x-amazon-apigateway-integration"]
    assert integration["type"] == "aws"
    assert integration["httpMethod"] == "POST"
    assert integration["uri"] == f"arn:aws:apigateway:eu-west-2:kinesis:action/{action}"
    assert integration["credentials"] == VARS["kinesis_role_arn"]
    header = integration["requestParameters"]["integration.request.header.Content-Type"]
    assert header == "'application/x-amz-json-1.1'"
    assert "application/json" in integration["requestTemplates"]


@pytest.mark.parametrize("route", sorted(KINESIS_ROUTES))
def test_kinesis_errors_map_to_4xx_and_5xx_not_200(
    doc: dict[str, Any], route: tuple[str, str]
) -> None:
    path, method = route
    op = doc["paths"][path][method]
    responses = op["x-amazon-apigateway-integration"]["responses"]
    assert responses[r"4\d{2}"]["statusCode"] == "400"
    assert responses[r"5\d{2}"]["statusCode"] == "500"
    assert responses["default"]["statusCode"] == "200"
    assert {"200", "400", "500"} <= set(op["responses"])
    # The patterns select on the integration's status code, as API Gateway does for AWS types.
    assert re.fullmatch(r"4\d{2}", "400") and not re.fullmatch(r"4\d{2}", "200")


def test_every_method_requires_the_api_key_from_the_header(doc: dict[str, Any]) -> None:
    assert doc["x-amazon-apigateway-api-key-source"] == "HEADER"
    scheme = doc["components"]["securitySchemes"]["api_key"]
    assert scheme == {"type": "apiKey", "name": "x-api-key", "in": "header"}
    for path, method, op in operations(doc):
        assert op.get("security") == [{"api_key": []}], (path, method)


def test_a_request_without_the_key_is_told_how_to_send_it(doc: dict[str, Any]) -> None:
    responses = doc["x-amazon-apigateway-gateway-responses"]
    assert list(responses) == ["INVALID_API_KEY"]  # missing or wrong key (AWS and LocalStack)
    invalid_key = responses["INVALID_API_KEY"]
    assert invalid_key["statusCode"] == "403"  # a string, as PutGatewayResponse takes it
    [(content_type, template)] = invalid_key["responseTemplates"].items()
    assert content_type == "application/json" and "$" not in template  # static, no VTL
    message = json.loads(template)["message"]
    assert message.startswith("Forbidden: ") and "'x-api-key': '<your key>'" in message


def test_stream_bodies_are_validated_by_the_gateway(doc: dict[str, Any]) -> None:
    validators = doc["x-amazon-apigateway-request-validators"]
    for path, method in [
        ("/streams/{stream-name}/record", "put"),
        ("/streams/{stream-name}/records", "put"),
        ("/streams/{stream-name}", "post"),
    ]:
        op = doc["paths"][path][method]
        assert validators[op["x-amazon-apigateway-request-validator"]]["validateRequestBody"]
        assert "application/json" in op["requestBody"]["content"]


def _body_schema(doc: dict[str, Any], path: str) -> dict[str, Any]:
    ref = doc["paths"][path]["put"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return dict(doc["components"]["schemas"][ref.rsplit("/", 1)[1]])


@pytest.mark.parametrize(
    ("path", "body", "valid"),
    [
        ("/streams/{stream-name}/record", {"Data": {"a": 1}, "PartitionKey": "k"}, True),
        (
            "/streams/{stream-name}/record",
            {"StreamName": "s", "Data": 1, "PartitionKey": "k"},
            True,
        ),
        ("/streams/{stream-name}/record", {"PartitionKey": "k"}, False),
        ("/streams/{stream-name}/record", {"Data": {"a": 1}}, False),
        ("/streams/{stream-name}/record", {"Data": {"a": 1}, "PartitionKey": ""}, False),
        ("/streams/{stream-name}/records", {"Records": [{"Data": {}, "PartitionKey": "k"}]}, True),
        ("/streams/{stream-name}/records", {"Records": [{"Data": {}}]}, False),
        ("/streams/{stream-name}/records", {"Records": [{"PartitionKey": "k"}]}, False),
        ("/streams/{stream-name}/records", {"Records": []}, False),
        ("/streams/{stream-name}/records", {}, False),
    ],
)
def test_body_models_reject_a_missing_data_or_partition_key(
    doc: dict[str, Any], path: str, body: dict[str, Any], valid: bool
) -> None:
    validator = jsonschema.Draft4Validator(_body_schema(doc, path))
    assert validator.is_valid(body) is valid


def test_records_model_allows_at_most_500_records(doc: dict[str, Any]) -> None:
    validator = jsonschema.Draft4Validator(_body_schema(doc, "/streams/{stream-name}/records"))
    record = {"Data": 1, "PartitionKey": "k"}
    assert validator.is_valid({"Records": [record] * 500})
    assert not validator.is_valid({"Records": [record] * 501})


def test_put_templates_send_data_as_the_json_text_of_the_posted_value(
    doc: dict[str, Any],
) -> None:
    def template(path: str) -> str:
        integration = doc["paths"][path]["put"]["x-amazon-apigateway-integration"]
        return str(integration["requestTemplates"]["application/json"])

    single = template("/streams/{stream-name}/record")
    assert "$util.base64Encode($input.json('$.Data'))" in single
    assert "$input.json('$.PartitionKey')" in single  # a JSON literal: quotes can't break it
    many = template("/streams/{stream-name}/records")
    assert '$util.base64Encode($input.json("$.Records[$foreach.index].Data"))' in many
    assert "#foreach($elem in $input.path('$.Records'))" in many
    assert '$input.json("$.Records[$foreach.index].PartitionKey")' in many
    assert "$input.params('stream-name')" in single and "$input.params('stream-name')" in many
