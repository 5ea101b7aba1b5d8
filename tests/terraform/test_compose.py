"""docker-compose.yml: valid Compose, loopback only, pinned, and in step with terraform/."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from contracts.names import Names
from devstack.services.localstack import SERVICES, SITE_DIR, LocalStack
from tests.terraform.hcl import LOCAL_ROOT, MODULES_DIR, REPO, blocks, locals_of

COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "docker" / "localstack" / "Dockerfile"


def check_schema(path: Path, schema: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def provision() -> ModuleType:
    spec = importlib.util.spec_from_file_location("provision", REPO / "docker" / "provision.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compose_file_matches_the_compose_specification() -> None:
    result = check_schema(COMPOSE, "vendor.compose-spec")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "compose.yml"
    broken.write_text("services:\n  kafka:\n    image: apache/kafka:4.1.1\n    ports: 9092\n")
    assert check_schema(broken, "vendor.compose-spec").returncode != 0


def test_the_stack_has_the_devstack_services(compose: dict) -> None:
    assert {
        "kafka",
        "rest-proxy",
        "connect",
        "localstack",
        "topics",
        "terraform",
        "provision",
    } <= set(compose["services"])


def test_every_port_binds_loopback(compose: dict) -> None:
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond loopback"


def test_every_image_is_pinned(compose: dict) -> None:
    for name, service in compose["services"].items():
        image = service["image"]
        tag = image.rsplit(":", 1)[1] if ":" in image.split("/")[-1] else ""
        assert tag and tag != "latest", f"{name} image {image} is not pinned"


def test_localstack_is_built_from_localstack_core(compose: dict) -> None:
    service = compose["services"]["localstack"]
    build = service["build"]
    assert REPO / build["context"] / build["dockerfile"] == DOCKERFILE
    dockerfile = DOCKERFILE.read_text()
    assert '"localstack-core[runtime]==2026.3.0"' in dockerfile
    assert service["image"].endswith(":2026.3.0")


def test_versions_match_terraform(compose: dict) -> None:
    rest_vars = {
        n: b for _, blk in blocks(MODULES_DIR / "rest_proxy", "variable") for n, b in blk.items()
    }
    confluent = rest_vars["confluent_version"]["default"]
    assert compose["services"]["rest-proxy"]["image"] == f"confluentinc/cp-kafka-rest:{confluent}"
    assert compose["services"]["connect"]["image"] == f"confluentinc/cp-kafka-connect:{confluent}"
    install = " ".join(compose["services"]["connect"]["command"])
    sink = re.search(r"confluentinc/kafka-connect-s3:(\S+)", install)
    makefile = (REPO / "Makefile").read_text()
    pinned = re.search(r"^S3_SINK_VERSION\s*:?=\s*(\S+)", makefile, re.M)
    assert sink and pinned and sink.group(1) == pinned.group(1)


def test_provisioned_connector_is_the_terraform_connector(provision: ModuleType) -> None:
    names = Names("ab-cd")
    compose_config = provision.connector_config(names, 500, 60000)
    terraform = locals_of(MODULES_DIR / "msk_connect")["connector_configuration"]
    assert set(compose_config) - set(terraform) == {"store.url", "s3.path.style.access.enabled"}
    for key, value in terraform.items():
        if "${" not in value:
            assert compose_config[key] == value, key
    assert compose_config["topics.regex"] == names.topics_regex
    assert compose_config["s3.bucket.name"] == names.bucket


def test_the_aws_resources_come_from_the_local_terraform_root(compose: dict) -> None:
    """As with `make up`: terraform/envs/local applied to LocalStack, no second implementation."""
    service = compose["services"]["terraform"]
    assert service["working_dir"] == "/repo/terraform/envs/local"
    assert "./terraform:/repo/terraform" in service["volumes"]
    script = " ".join(service["command"])
    assert "terraform init" in script and "terraform apply" in script
    env = service["environment"]
    declared = {n for _, blk in blocks(LOCAL_ROOT, "variable") for n in blk}
    passed = {k.removeprefix("TF_VAR_") for k in env if k.startswith("TF_VAR_")}
    assert passed <= declared, f"TF_VAR_ of undeclared variables: {passed - declared}"
    assert env["TF_VAR_localstack_endpoint"] == "http://localstack:4566"
    assert env["TF_VAR_rest_proxy_uri"] == "http://rest-proxy:8082"
    assert service["depends_on"]["localstack"]["condition"] == "service_healthy"
    # The connector needs the bucket: it starts after Terraform finished.
    provision = compose["services"]["provision"]
    assert provision["depends_on"]["terraform"]["condition"] == "service_completed_successfully"


def test_provision_creates_no_aws_resources() -> None:
    source = (REPO / "docker" / "provision.py").read_text()
    assert "boto3" not in source and "create_" not in source


def test_compose_localstack_runs_the_services_devstack_runs() -> None:
    dockerfile = DOCKERFILE.read_text()
    found = re.search(r"SERVICES=(\S+)", dockerfile)
    assert found and found.group(1) == SERVICES


def test_compose_localstack_runs_devstacks_kinesis_engine_and_site(monkeypatch) -> None:
    monkeypatch.delenv("DEVSTACK_KINESIS_ENGINE", raising=False)
    dockerfile = DOCKERFILE.read_text()
    env = dict(re.findall(r"^\s+(\w+)=(\S+?)(?: \\)?$", dockerfile, re.M))
    for name, value in LocalStack.kinesis_env().items():
        assert env.get(name) == value, f"the compose LocalStack's {name} differs from devstack's"
    site = SITE_DIR.relative_to(REPO).as_posix()
    copied = re.search(rf"^COPY {re.escape(site)} (\S+)$", dockerfile, re.M)
    assert copied, f"the compose LocalStack does not get {site}"
    assert env.get("PYTHONPATH") == copied.group(1)


def test_dockerignore_sends_the_localstack_build_its_site_only() -> None:
    lines = (REPO / ".dockerignore").read_text().splitlines()
    rules = [line for line in lines if line and not line.startswith("#")]
    assert rules[0] == "*", "the repository root (.venv, .devstack) must not go to the build"
    assert f"!{SITE_DIR.relative_to(REPO).as_posix()}/" in rules
