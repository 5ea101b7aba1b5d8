"""The S3 sink connector of the docker-compose stack (the compose `provision` service).

Puts the connector into Kafka Connect with the configuration Terraform gives MSK Connect
(terraform/modules/msk_connect), pointed at LocalStack's S3. The AWS resources themselves (bucket,
streams, REST API, key, roles) come from the compose `terraform` service, which applies
terraform/envs/local as `make up` does. Idempotent: run it again to repair.
Needs only the standard library and the repo's `contracts` package on PYTHONPATH.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request

from contracts.names import Names

REGION = "us-east-1"


def log(message: str) -> None:
    print(f"[provision] {message}", flush=True)


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
    connect_url = os.environ.get("CONNECT_URL", "http://connect:8083")
    wait_for(connect_url, 600)
    flush = int(os.environ.get("SINK_FLUSH_SIZE", "500"))
    ensure_connector(names, connect_url, connector_config(names, flush, 60000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
