"""The stack's resources: bucket, topics, streams, Kinesis role, REST API from the contract.

Every `ensure_*` is idempotent: it creates what is missing and leaves what exists alone.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

import boto3
from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import NewTopic

from contracts import openapi
from contracts.names import API_STAGE
from devstack.config import AWS_REGION, DUMMY_CREDENTIALS, KINESIS_ROLE_NAME, Settings, StackError
from devstack.kafka_admin import admin as kafka_admin

CONTRACT_MARK = "contract sha256:"


@dataclass(frozen=True)
class Api:
    id: str
    url: str
    key: str


def aws(settings: Settings, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=settings.aws_endpoint,
        region_name=AWS_REGION,
        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def ensure_bucket(settings: Settings) -> bool:
    s3 = aws(settings, "s3")
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if settings.names.bucket in existing:
        return False
    s3.create_bucket(Bucket=settings.names.bucket)
    return True


def ensure_topics(settings: Settings) -> list[str]:
    admin = kafka_admin(settings.kafka_bootstrap)
    existing = set(admin.list_topics(timeout=10).topics)
    missing = [t for t in settings.names.topics if t not in existing]
    if not missing:
        return []
    new = [NewTopic(t, num_partitions=settings.partitions, replication_factor=1) for t in missing]
    for topic, future in admin.create_topics(new, request_timeout=15).items():
        try:
            future.result(timeout=20)
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise StackError(f"cannot create topic {topic}: {exc.args[0].str()}") from None
    return missing


def ensure_streams(settings: Settings) -> list[str]:
    kinesis = aws(settings, "kinesis")
    existing = set(kinesis.list_streams(Limit=1000).get("StreamNames", []))
    missing = [s for s in settings.names.streams if s not in existing]
    for stream in missing:
        kinesis.create_stream(StreamName=stream, ShardCount=settings.shards)
    waiter = kinesis.get_waiter("stream_exists")
    for stream in settings.names.streams:
        waiter.wait(StreamName=stream, WaiterConfig={"Delay": 0.5, "MaxAttempts": 120})
    return missing


def ensure_kinesis_role(settings: Settings) -> bool:
    """The role API Gateway assumes to call Kinesis (not enforced locally, but named as on AWS)."""
    iam = aws(settings, "iam")
    try:
        iam.get_role(RoleName=KINESIS_ROLE_NAME)
        return False
    except iam.exceptions.NoSuchEntityException:
        pass
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "apigateway.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName=KINESIS_ROLE_NAME, AssumeRolePolicyDocument=json.dumps(trust))
    arns = [f"arn:aws:kinesis:{AWS_REGION}:*:stream/{s}" for s in settings.names.streams]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["kinesis:ListStreams"], "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": [
                    "kinesis:CreateStream",
                    "kinesis:DescribeStream",
                    "kinesis:DeleteStream",
                    "kinesis:PutRecord",
                    "kinesis:PutRecords",
                ],
                "Resource": arns,
            },
        ],
    }
    iam.put_role_policy(
        RoleName=KINESIS_ROLE_NAME, PolicyName="kinesis", PolicyDocument=json.dumps(policy)
    )
    return True


def rendered_contract(settings: Settings) -> str:
    return openapi.render(
        {
            "aws_region": AWS_REGION,
            "rest_proxy_uri": settings.rest_proxy_uri,
            "connection_type": "INTERNET",
            "vpc_link_id": "",
            "kinesis_role_arn": settings.kinesis_role_arn,
        }
    )


def find_api(settings: Settings) -> dict[str, Any] | None:
    apigw = aws(settings, "apigateway")
    for item in apigw.get_rest_apis(limit=500).get("items", []):
        if item.get("name") == settings.api_name:
            return dict(item)
    return None


def ensure_api(settings: Settings) -> tuple[Api, str]:
    """Import (or re-import when the contract changed) and deploy the REST API; wire the key.

    Returns the API and what was done ("created", "updated" or "unchanged").
    """
    apigw = aws(settings, "apigateway")
    body = rendered_contract(settings)
    mark = CONTRACT_MARK + hashlib.sha256(body.encode()).hexdigest()[:16]
    found = find_api(settings)
    action = "unchanged"
    if found is None:
        # As Terraform does with a body: create, then import the contract over it. The tag asks
        # LocalStack for a fixed id, so the invoke URL survives restarts (AWS ignores it).
        tags = {"_custom_id_": settings.names.pipeline_id}
        api_id = apigw.create_rest_api(name=settings.api_name, tags=tags)["id"]
        action = "created"
    else:
        api_id = found["id"]
        if found.get("description") != mark:
            action = "updated"
    if action != "unchanged":
        apigw.put_rest_api(
            restApiId=api_id, mode="overwrite", failOnWarnings=True, body=body.encode()
        )
        # LocalStack's import skips x-amazon-apigateway-gateway-responses; AWS applies them.
        for kind, response in openapi.gateway_responses(body).items():
            apigw.put_gateway_response(restApiId=api_id, responseType=kind, **response)
    if action != "unchanged":
        apigw.update_rest_api(
            restApiId=api_id,
            patchOperations=[
                {"op": "replace", "path": "/name", "value": settings.api_name},
                {"op": "replace", "path": "/description", "value": mark},
            ],
        )
    stages = {s["stageName"] for s in apigw.get_stages(restApiId=api_id).get("item", [])}
    if action != "unchanged" or API_STAGE not in stages:
        apigw.create_deployment(restApiId=api_id, stageName=API_STAGE)
    key = _ensure_api_key(settings, apigw, api_id)
    return Api(id=api_id, url=settings.invoke_url(api_id), key=key), action


def local_api_key(settings: Settings) -> str:
    """This machine's API key: random, made once, kept in the state folder (never in the repo),
    so API_KEY stays the same across restarts of the stack."""
    path = settings.home / "api-key"
    if not path.exists():
        settings.home.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(16))
    return path.read_text().strip()


def _ensure_api_key(settings: Settings, apigw: Any, api_id: str) -> str:
    name = settings.api_name
    keys = apigw.get_api_keys(nameQuery=name, includeValues=True).get("items", [])
    key = next((k for k in keys if k.get("name") == name), None)
    if key is None:
        key = apigw.create_api_key(name=name, enabled=True, value=local_api_key(settings))
    plans = apigw.get_usage_plans().get("items", [])
    plan = next((p for p in plans if p.get("name") == name), None)
    stage = {"apiId": api_id, "stage": API_STAGE}
    if plan is None:
        plan = apigw.create_usage_plan(name=name, apiStages=[stage])
    elif stage not in [
        {"apiId": s.get("apiId"), "stage": s.get("stage")} for s in plan.get("apiStages", [])
    ]:
        apigw.update_usage_plan(
            usagePlanId=plan["id"],
            patchOperations=[{"op": "add", "path": "/apiStages", "value": f"{api_id}:{API_STAGE}"}],
        )
    plan_keys = apigw.get_usage_plan_keys(usagePlanId=plan["id"]).get("items", [])
    if not any(k.get("id") == key["id"] for k in plan_keys):
        apigw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    return str(key["value"])


def current_api(settings: Settings) -> Api | None:
    """The deployed API and its key, if the stack has one (read-only)."""
    found = find_api(settings)
    if found is None:
        return None
    apigw = aws(settings, "apigateway")
    keys = apigw.get_api_keys(nameQuery=settings.api_name, includeValues=True).get("items", [])
    key = next((k["value"] for k in keys if k.get("name") == settings.api_name), "")
    return Api(id=found["id"], url=settings.invoke_url(found["id"]), key=key)
