"""Create the pipeline's resources in the docker-compose stack (the compose `provision` service).

Bucket, Kinesis streams and the API Gateway role in LocalStack; the REST API imported from
contracts/openapi.yaml, deployed to `dev`, with an API key; the S3 sink connector in Kafka Connect
with the configuration Terraform gives MSK Connect. Idempotent: run it again to repair.
Needs boto3 and the repo's `contracts` package on PYTHONPATH.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.request
from typing import Any

import boto3

from contracts import openapi
from contracts.names import API_STAGE, Names

REGION = "us-east-1"
ACCOUNT = "000000000000"
ROLE = "apigateway-kinesis"


def log(message: str) -> None:
    print(f"[provision] {message}", flush=True)


def client(service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=os.environ.get("AWS_ENDPOINT_URL", "http://localstack:4566"),
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def ensure_bucket(names: Names) -> None:
    s3 = client("s3")
    if names.bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        s3.create_bucket(Bucket=names.bucket)
    log(f"bucket {names.bucket}")


def ensure_streams(names: Names, shards: int) -> None:
    kinesis = client("kinesis")
    existing = set(kinesis.list_streams().get("StreamNames", []))
    for stream in names.streams:
        if stream not in existing:
            kinesis.create_stream(StreamName=stream, ShardCount=shards)
        kinesis.get_waiter("stream_exists").wait(StreamName=stream)
    log(f"streams {', '.join(names.streams)}")


def ensure_role(names: Names) -> str:
    iam = client("iam")
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
    try:
        arn = iam.get_role(RoleName=ROLE)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        arn = iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(trust))["Role"][
            "Arn"
        ]
    streams = [f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{s}" for s in names.streams]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "kinesis:ListStreams", "Resource": "*"},
            {"Effect": "Allow", "Action": "kinesis:*", "Resource": streams},
        ],
    }
    iam.put_role_policy(RoleName=ROLE, PolicyName="kinesis", PolicyDocument=json.dumps(policy))
    return str(arn)


def ensure_api(names: Names, rest_proxy_uri: str, role_arn: str, api_key: str) -> tuple[str, str]:
    """Import (or overwrite) the REST API from the contract, deploy `dev`, wire the API key."""
    apigw = client("apigateway")
    body = openapi.render(
        {
            "aws_region": REGION,
            "rest_proxy_uri": rest_proxy_uri,
            "connection_type": "INTERNET",
            "vpc_link_id": "",
            "kinesis_role_arn": role_arn,
        }
    ).encode()
    name = f"pinterest-{names.pipeline_id}"
    found = [a for a in apigw.get_rest_apis(limit=500).get("items", []) if a["name"] == name]
    if found:
        api_id = found[0]["id"]
        apigw.put_rest_api(restApiId=api_id, mode="overwrite", body=body)
    else:
        api_id = apigw.import_rest_api(body=body, failOnWarnings=True)["id"]
        apigw.update_rest_api(
            restApiId=api_id, patchOperations=[{"op": "replace", "path": "/name", "value": name}]
        )
    # LocalStack's import skips x-amazon-apigateway-gateway-responses; AWS applies them.
    for kind, response in openapi.gateway_responses(body.decode()).items():
        apigw.put_gateway_response(restApiId=api_id, responseType=kind, **response)
    apigw.create_deployment(restApiId=api_id, stageName=API_STAGE)
    keys = apigw.get_api_keys(nameQuery=name, includeValues=True).get("items", [])
    key = keys[0] if keys else apigw.create_api_key(name=name, enabled=True, value=api_key)
    plans = [p for p in apigw.get_usage_plans().get("items", []) if p["name"] == name]
    stage = {"apiId": api_id, "stage": API_STAGE}
    plan = plans[0] if plans else apigw.create_usage_plan(name=name, apiStages=[stage])
    if stage not in plan.get("apiStages", []):
        apigw.update_usage_plan(
            usagePlanId=plan["id"],
            patchOperations=[{"op": "add", "path": "/apiStages", "value": f"{api_id}:{API_STAGE}"}],
        )
    plan_keys = apigw.get_usage_plan_keys(usagePlanId=plan["id"]).get("items", [])
    if key["id"] not in {k["id"] for k in plan_keys}:
        apigw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    return api_id, str(key["value"])


def connector_config(names: Names, flush_size: int, rotate_ms: int) -> dict[str, str]:
    """What Terraform gives MSK Connect (modules/msk_connect), pointed at LocalStack's S3."""
    return {
        "connector.class": "io.confluent.connect.s3.S3SinkConnector",
        "tasks.max": "3",
        "topics.regex": names.topics_regex,
        "s3.region": REGION,
        "s3.bucket.name": names.bucket,
        "topics.dir": "topics",
        "flush.size": str(flush_size),
        "rotate.schedule.interval.ms": str(rotate_ms),
        "timezone": "UTC",
        "storage.class": "io.confluent.connect.s3.storage.S3Storage",
        "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
        "partitioner.class": "io.confluent.connect.storage.partitioner.DefaultPartitioner",
        "schema.compatibility": "NONE",
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
        # LocalStack instead of AWS S3.
        "store.url": os.environ.get("SINK_S3_ENDPOINT", "http://localstack:4566"),
        "s3.path.style.access.enabled": "true",
    }


def ensure_connector(names: Names, connect_url: str, config: dict[str, str]) -> None:
    name = f"{names.pipeline_id}-connector"
    request = urllib.request.Request(
        f"{connect_url}/connectors/{name}/config",
        data=json.dumps(config).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
    log(f"connector {name}")


def wait_for(url: str, seconds: int) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                raise SystemExit(f"provision: {url} did not answer within {seconds}s") from None
            time.sleep(2)


def main() -> int:
    try:
        names = Names.from_env()
    except ValueError as exc:
        print(f"provision: {exc}", file=sys.stderr)
        return 2
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "http://localstack:4566")
    connect_url = os.environ.get("CONNECT_URL", "http://connect:8083")
    wait_for(f"{endpoint}/_localstack/health", 300)
    ensure_bucket(names)
    ensure_streams(names, int(os.environ.get("KINESIS_SHARDS", "1")))
    role = ensure_role(names)
    rest_proxy = os.environ.get("REST_PROXY_URI", "http://rest-proxy:8082")
    api_key = os.environ.get("API_KEY") or secrets.token_hex(16)
    api_id, key = ensure_api(names, rest_proxy, role, api_key)
    wait_for(connect_url, 600)
    flush = int(os.environ.get("SINK_FLUSH_SIZE", "500"))
    ensure_connector(names, connect_url, connector_config(names, flush, 60000))
    log(f"API_URL=http://127.0.0.1:4566/_aws/execute-api/{api_id}/{API_STAGE}")
    log(f"API_KEY={key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
