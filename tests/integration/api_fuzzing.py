"""Schemathesis over the pipeline's API: contracts/openapi.yaml against the gateway and REST proxy.

The contract's `/{proxy+}` route is API Gateway's ANY method, which OpenAPI tools cannot fuzz, so
the REST proxy operations it forwards (`POST /topics/{topic}`, `GET /topics/{topic}`) are added
with the v2 produce body. Path names are pinned to throwaway resources (plus one unknown name) in
positive mode, so the fuzz never writes to the pipeline's own topics and streams; negative mode
still tries anything. CreateStream and DeleteStream are left out: fuzzing them would create and
delete Kinesis streams with random shard counts.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from contracts.openapi import render

SKIPPED = {"CreateStream", "DeleteStream"}
# LocalStack 2026.3.0's API Gateway fails on non-UTF-8 bodies to AWS (Kinesis) integrations with
# a plain-text 500 before any template or validator runs (AWS answers 400 "Invalid request
# body"). Counted and printed apart; any other 5xx fails the test.
LOCALSTACK_UTF8_DEFECT = b"Error in apigateway invocation: 'utf-8' codec can't decode"
PRODUCE_TYPE = "application/vnd.kafka.json.v2+json"

_PRODUCE_BODY = {
    "type": "object",
    "required": ["records"],
    "properties": {
        "records": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"key": {}, "value": {}, "partition": {"type": "integer"}},
            },
        }
    },
}
_JSON_ANSWER = {"description": "JSON", "content": {"application/json": {"schema": {}}}}


def fuzz_schema(topic: str, stream: str) -> dict[str, Any]:
    variables = {
        "aws_region": "us-east-1",
        "rest_proxy_uri": "http://127.0.0.1:8082",
        "connection_type": "INTERNET",
        "vpc_link_id": "",
        "kinesis_role_arn": "arn:aws:iam::000000000000:role/fuzz",
    }
    raw: dict[str, Any] = yaml.safe_load(render(variables))
    paths = raw["paths"]
    del paths["/{proxy+}"]
    for item in paths.values():
        for method in [m for m in item if isinstance(item[m], dict)]:
            if item[method].get("operationId") in SKIPPED:
                del item[method]
    raw["components"]["parameters"]["StreamName"]["schema"] = {"enum": [stream, "no-such-stream"]}
    topic_param = {
        "name": "topic",
        "in": "path",
        "required": True,
        "schema": {"enum": [topic, "no-such-topic"]},
    }
    paths["/topics/{topic}"] = {
        "parameters": [topic_param],
        "post": {
            "operationId": "Produce",
            "requestBody": {"required": True, "content": {PRODUCE_TYPE: {"schema": _PRODUCE_BODY}}},
            "responses": {"200": _JSON_ANSWER},
        },
        "get": {"operationId": "DescribeTopic", "responses": {"200": _JSON_ANSWER}},
    }
    return raw


@dataclass
class FuzzStats:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    localstack_defects: int = 0

    def record(self, label: str, status: int, body: bytes) -> None:
        self.requests += 1
        self.statuses[status] += 1
        if status == 500 and body.startswith(LOCALSTACK_UTF8_DEFECT) and "/streams" in label:
            self.localstack_defects += 1
            return
        ok_status = 200 <= status < 300 or 400 <= status < 500
        try:
            json.loads(body)
            is_json = True
        except ValueError:
            is_json = False
        if not ok_status or not is_json:
            self.problems.append(f"{label}: HTTP {status}, body {body[:200]!r}")


def fuzz(
    schema_dict: dict[str, Any],
    base_url: str,
    headers: dict[str, str],
    examples: int,
    only: set[str] | None = None,
) -> FuzzStats:
    """Up to `examples` positive and `examples` negative cases per operation; deterministic."""
    schema = schemathesis.openapi.from_dict(schema_dict)
    stats = FuzzStats()
    for result in schema.get_all_operations():
        op = result.ok()
        op_id = op.definition.raw.get("operationId")
        if only is not None and op_id not in only:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(op, mode, base_url, headers, examples, stats)
    return stats


def _run(
    op: Any, mode: Any, base_url: str, headers: dict[str, str], n: int, stats: FuzzStats
) -> None:
    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        derandomize=True,  # the same requests on every run: a failure is reproducible
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=op.as_strategy(generation_mode=mode))
    def one(case: Any) -> None:
        if case.headers:
            case.headers.update(headers)  # the real key: reach the integrations, not a 403
        resp = case.call(base_url=base_url, headers=headers, timeout=60)
        stats.record(f"{mode.value} {op.label}", resp.status_code, resp.content)

    one()
