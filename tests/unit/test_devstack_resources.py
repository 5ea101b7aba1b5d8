"""devstack.resources against moto: idempotent creation, and the REST API kept in step with the
contract (re-used while unchanged, re-imported when it changes)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

from devstack import resources
from devstack.config import Settings


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    mp = pytest.MonkeyPatch()
    mp.setenv("MOTO_ACCOUNT_ID", "000000000000")  # LocalStack's account, as in the role ARN
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    mp.undo()


@pytest.fixture
def settings(moto_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("DEVSTACK_HOME", str(tmp_path))
    monkeypatch.setenv("PIPELINE_ID", f"unit{tmp_path.name[-6:].lower().replace('_', '')}x")
    monkeypatch.setattr(Settings, "aws_endpoint", property(lambda self: moto_url))
    return Settings.from_env()


def test_bucket_role_and_streams_are_created_once(settings: Settings) -> None:
    assert resources.ensure_bucket(settings) is True
    assert resources.ensure_bucket(settings) is False
    assert resources.ensure_kinesis_role(settings) is True
    assert resources.ensure_kinesis_role(settings) is False
    assert resources.ensure_streams(settings) == settings.names.streams
    assert resources.ensure_streams(settings) == []
    kinesis = resources.aws(settings, "kinesis")
    for stream in settings.names.streams:
        shards = kinesis.list_shards(StreamName=stream)["Shards"]
        assert len(shards) == settings.shards


def test_api_is_imported_reused_and_reimported_when_the_contract_changes(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert resources.current_api(settings) is None
    api, action = resources.ensure_api(settings)
    assert action == "created"
    assert api.url == settings.invoke_url(api.id) and len(api.key) >= 20
    again, action = resources.ensure_api(settings)
    assert (again, action) == (api, "unchanged")
    assert resources.current_api(settings) == api

    apigw = resources.aws(settings, "apigateway")
    assert [s["stageName"] for s in apigw.get_stages(restApiId=api.id)["item"]] == ["dev"]
    plan = next(p for p in apigw.get_usage_plans()["items"] if p["name"] == settings.api_name)
    assert {"apiId": api.id, "stage": "dev"} in [
        {"apiId": s["apiId"], "stage": s["stage"]} for s in plan["apiStages"]
    ]
    deployments = len(apigw.get_deployments(restApiId=api.id)["items"])

    original = resources.rendered_contract
    monkeypatch.setattr(
        resources,
        "rendered_contract",
        lambda s: original(s).replace('version: "1.0"', 'version: "1.1"'),
    )
    changed, action = resources.ensure_api(settings)
    assert action == "updated"
    assert changed.id == api.id and changed.key == api.key  # same API, same key: URL unchanged
    assert len(apigw.get_deployments(restApiId=api.id)["items"]) == deployments + 1


def test_the_imported_api_has_every_route(settings: Settings) -> None:
    api, _ = resources.ensure_api(settings)
    apigw = resources.aws(settings, "apigateway")
    paths = {r["path"] for r in apigw.get_resources(restApiId=api.id, limit=500)["items"]}
    assert {
        "/{proxy+}",
        "/streams",
        "/streams/{stream-name}",
        "/streams/{stream-name}/record",
        "/streams/{stream-name}/records",
    } <= paths


def test_local_api_key_is_random_private_and_stable(settings: Settings, tmp_path: Path) -> None:
    first = resources.local_api_key(settings)
    assert len(first) == 32 and resources.local_api_key(settings) == first
    assert (tmp_path / "api-key").stat().st_mode & 0o077 == 0
    other = dataclasses.replace(settings, home=tmp_path / "other")
    assert resources.local_api_key(other) != first
