"""LocalStack's API Gateway renders the contract's PutRecords template the same with the devstack's
sitecustomize as without it, parsing the body once instead of twice per record.

Runs LocalStack's own template renderer in its venv (.venv-localstack, `make devstack-install`);
no stack is needed.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from devstack.services.localstack import SITE_DIR, VENV

pytestmark = pytest.mark.integration

CONTRACT = Path(__file__).resolve().parents[2] / "contracts" / "openapi.yaml"
RENDER = """
import json, sys
data = json.load(sys.stdin)
body, parses, plain_loads = data["body"], [0], json.loads

def counting_loads(s, *args, **kwargs):
    parses[0] += isinstance(s, str) and s == body
    return plain_loads(s, *args, **kwargs)

json.loads = counting_loads
from localstack.services.apigateway.next_gen.execute_api.template_mapping import (
    ApiGatewayVtlTemplate,
)
params = {"path": {"stream-name": "s"}, "querystring": {}, "header": {}}
rendered, _ = ApiGatewayVtlTemplate().render_request(
    template=data["template"],
    variables={"context": {}, "stageVariables": {}, "input": {"body": body, "params": params}},
    context_overrides={"requestOverride": {}, "responseOverride": {}},
)
print(json.dumps({"rendered": rendered, "parses": parses[0]}))
"""


def put_records_template() -> str:
    spec = yaml.safe_load(CONTRACT.read_text())
    integration = spec["paths"]["/streams/{stream-name}/records"]["put"]
    return str(
        integration["x-amazon-apigateway-integration"]["requestTemplates"]["application/json"]
    )


def render(body: str, with_site: bool) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if with_site:
        env["PYTHONPATH"] = str(SITE_DIR)
    proc = subprocess.run(
        [str(VENV / "bin" / "python"), "-c", RENDER],
        input=json.dumps({"template": put_records_template(), "body": body}),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def test_put_records_template_renders_the_same_with_one_parse_of_the_body() -> None:
    records = [
        {"Data": {"i": i, "text": f'quote " and {{braces}} {i}', "n": None}, "PartitionKey": str(i)}
        for i in range(60)
    ]
    body = json.dumps({"Records": records})
    plain, fast = render(body, with_site=False), render(body, with_site=True)
    assert fast["rendered"] == plain["rendered"]
    request = json.loads(fast["rendered"])
    assert request["StreamName"] == "s"
    assert [json.loads(base64.b64decode(r["Data"])) for r in request["Records"]] == [
        r["Data"] for r in records
    ]
    assert [r["PartitionKey"] for r in request["Records"]] == [str(i) for i in range(60)]
    assert plain["parses"] >= 2 * len(records)  # LocalStack alone: twice per record
    assert fast["parses"] <= 2  # $input.path once, all the $input.json calls once
