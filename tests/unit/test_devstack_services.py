"""devstack's settings, service launchers and CLI, without starting any service."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from devstack import __main__ as cli
from devstack import envvars
from devstack.config import (
    KAFKA_CONTROLLER_PORT,
    KAFKA_PORT,
    LOCALSTACK_PORT,
    REST_PROXY_PORT,
    Settings,
    StackError,
)
from devstack.services import localstack as ls_module
from devstack.services.kafka import Kafka
from devstack.services.localstack import LOOPBACK_JS, SITE_DIR, LocalStack
from devstack.services.rest_proxy import RestProxy
from devstack.services.s3_sink import S3Sink

AWS = f"http://127.0.0.1:{LOCALSTACK_PORT}"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("DEVSTACK_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("PIPELINE_ID", "abc123def456")
    for name in ("DEVSTACK_PARTITIONS", "DEVSTACK_SHARDS", "DEVSTACK_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    return Settings.from_env()


def test_settings_defaults_and_derived_names(settings: Settings, tmp_path: Path) -> None:
    assert settings.home == tmp_path / "state"
    assert (settings.partitions, settings.shards) == (3, 4)
    assert settings.names.bucket == "user-abc123def456-bucket"
    assert settings.kafka_bootstrap == f"127.0.0.1:{KAFKA_PORT}"
    assert settings.aws_env()["AWS_ENDPOINT_URL"] == AWS


def test_ports_come_from_the_environment_with_a_clear_error() -> None:
    code = "from devstack import config as c; print(c.LOCALSTACK_PORT, c.KAFKA_PORT)"
    env = {**os.environ, "DEVSTACK_LOCALSTACK_PORT": "14566", "DEVSTACK_KAFKA_PORT": "19092"}
    ok = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert ok.stdout.split() == ["14566", "19092"], ok.stderr
    env["DEVSTACK_KAFKA_PORT"] = "90x"
    bad = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert bad.returncode == 1
    assert bad.stderr.strip() == "DEVSTACK_KAFKA_PORT must be a TCP port (1-65535), got '90x'"


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("DEVSTACK_PARTITIONS", "three", "DEVSTACK_PARTITIONS must be an integer, got 'three'"),
        ("DEVSTACK_SHARDS", "0", "DEVSTACK_SHARDS must be > 0, got 0"),
        ("PIPELINE_ID", "Bad_Id", "invalid PIPELINE_ID 'Bad_Id'"),
    ],
)
def test_bad_settings_are_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, error: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(StackError, match=re.escape(error)):
        Settings.from_env()


def _properties(kafka: Kafka) -> dict[str, str]:
    return dict(line.split("=", 1) for line in kafka._properties().splitlines())


def test_kafka_is_one_kraft_node_on_loopback(settings: Settings) -> None:
    props = _properties(Kafka(settings))
    assert props["process.roles"] == "broker,controller"
    broker, controller = f"127.0.0.1:{KAFKA_PORT}", f"127.0.0.1:{KAFKA_CONTROLLER_PORT}"
    assert props["listeners"] == f"PLAINTEXT://{broker},CONTROLLER://{controller}"
    assert props["advertised.listeners"] == f"PLAINTEXT://{broker}"
    assert props["controller.quorum.voters"] == f"1@{controller}"
    assert props["auto.create.topics.enable"] == "false"  # unknown topic stays a 40401
    assert props["num.partitions"] == "3"
    assert props["log.dirs"].startswith(str(settings.home))


def test_kafka_runs_from_the_cache_with_a_small_heap(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    cmd = Kafka(settings).command()
    assert cmd[0] == "/usr/bin/java" and cmd[-2:] == [
        "kafka.Kafka",
        str(Kafka(settings).server_properties),
    ]
    heap = next(a for a in cmd if a.startswith("-Xmx"))
    assert int(heap[4:-1]) <= 512 and heap.endswith("m")
    assert cmd[cmd.index("-cp") + 1].startswith(str(settings.cache / "kafka"))


def test_missing_java_or_maven_is_a_clear_error(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(StackError, match="Kafka needs Java 17"):
        Kafka(settings).command()
    with pytest.raises(StackError, match="resolved with Maven"):
        Kafka(settings).install(lambda _: None)


def test_localstack_env_binds_loopback_and_keeps_state_in_the_home(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://elsewhere:1")
    env = LocalStack(settings).env()
    assert env["GATEWAY_LISTEN"] == f"[::ffff:127.0.0.1]:{LOCALSTACK_PORT}"
    assert env["DNS_ADDRESS"] == "0"
    assert env["OVERRIDE_IN_DOCKER"] == "0"
    assert env["FILESYSTEM_ROOT"] == str(settings.home / "localstack")
    assert set(env["SERVICES"].split(",")) >= {"s3", "kinesis", "apigateway", "iam"}
    assert env["PYTHONPATH"].split(":")[0] == str(SITE_DIR)
    assert (SITE_DIR / "sitecustomize.py").exists()
    assert "AWS_ENDPOINT_URL" not in env
    assert LocalStack(settings).kinesis_local.is_relative_to(settings.home / "localstack")


def test_kinesis_engine_is_the_in_process_provider_unless_kinesis_mock_is_asked_for(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DEVSTACK_KINESIS_ENGINE", raising=False)
    env = LocalStack(settings).env()
    assert env["PROVIDER_OVERRIDE_KINESIS"] == "inprocess"
    assert "NODE_OPTIONS" not in env and "KINESIS_MOCK_VERSION" not in env
    # LocalStack finds the provider through an entry point on its PYTHONPATH (SITE_DIR).
    entry_points = (SITE_DIR / "devstack_kinesis-1.0.dist-info" / "entry_points.txt").read_text()
    group = entry_points.split("[localstack.aws.provider]", 1)[1]
    assert "kinesis:inprocess = devstack_kinesis.plugin:kinesis_inprocess" in group
    assert (SITE_DIR / "devstack_kinesis" / "plugin.py").exists()

    monkeypatch.setenv("DEVSTACK_KINESIS_ENGINE", "kinesis-mock")
    env = LocalStack(settings).env()
    assert "PROVIDER_OVERRIDE_KINESIS" not in env
    assert env["NODE_OPTIONS"] == f"--require {LOOPBACK_JS}" and LOOPBACK_JS.exists()
    assert env["KINESIS_MOCK_VERSION"] == ls_module.KINESIS_ENGINE_VERSION

    monkeypatch.setenv("DEVSTACK_KINESIS_ENGINE", "kinesalite")
    with pytest.raises(StackError, match="DEVSTACK_KINESIS_ENGINE must be one of"):
        LocalStack(settings).env()


def test_python313_is_found_or_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "versions" / "3.13.9" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.touch()
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    assert ls_module.find_python313() == str(fake)
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "none"))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(StackError, match=r"needs Python 3\.13"):
        ls_module.find_python313()


def test_loopback_preload_rebinds_wildcard_listeners(tmp_path: Path) -> None:
    script = tmp_path / "listen.js"
    script.write_text(
        """
const net = require("net");
const out = [];
const a = net.createServer(); const b = net.createServer(); const c = net.createServer();
a.listen(0, () => { out.push(a.address().address);
  b.listen({port: 0, host: "0.0.0.0"}, () => { out.push(b.address().address);
    c.listen(0, "::", () => { out.push(c.address().address);
      console.log(JSON.stringify(out)); process.exit(0); }); }); });
"""
    )
    node = shutil.which("node")
    assert node, "node is a prerequisite of the local stack (LocalStack's Kinesis engine)"
    plain = subprocess.run([node, str(script)], capture_output=True, text=True, check=True)
    assert "127.0.0.1" not in json.loads(plain.stdout)  # what kinesis-local does by itself
    preloaded = subprocess.run(
        [node, "--require", str(LOOPBACK_JS), str(script)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(preloaded.stdout) == ["127.0.0.1"] * 3


def test_sitecustomize_memoizes_jsonpath_parsing(tmp_path: Path) -> None:
    fake = tmp_path / "jsonpath_rw"
    fake.mkdir()
    (fake / "parser.py").write_text(
        "calls = []\ndef parse(s):\n    calls.append(s)\n    return ('parsed', s)\n"
    )
    (fake / "__init__.py").write_text("from .parser import parse\n")
    code = (
        "import jsonpath_rw, jsonpath_rw.parser as p\n"
        "assert jsonpath_rw.parse('$.a') == jsonpath_rw.parse('$.a') == ('parsed', '$.a')\n"
        "assert p.parse('$.b') == ('parsed', '$.b')\n"
        "print(p.calls)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": f"{SITE_DIR}:{tmp_path}"},
    )
    assert result.stdout.strip() == "['$.a', '$.b']"


def test_rest_proxy_and_sink_are_launched_like_the_cloud_services(settings: Settings) -> None:
    proxy = RestProxy(settings).command()
    assert proxy[1:] == [
        "-m", "devstack.rest_proxy", "--host", "127.0.0.1", "--port", str(REST_PROXY_PORT),
        "--bootstrap", f"127.0.0.1:{KAFKA_PORT}",
    ]  # fmt: skip
    sink = S3Sink(settings)
    cmd = sink.command()
    props = dict(cmd[i + 1].split("=", 1) for i, a in enumerate(cmd) if a == "--property")
    assert props["s3.bucket.name"] == "user-abc123def456-bucket"
    assert re.fullmatch(props["topics.regex"], "abc123def456.pin")
    assert not re.fullmatch(props["topics.regex"], "abc123def456.pins")
    assert int(props["flush.size"]) > 0 and int(props["rotate.interval.ms"]) > 0
    assert sink.extra_env()["AWS_ENDPOINT_URL"] == AWS
    assert sink.group_id == "connect-devstack-s3-sink"


class _Member:
    def __init__(self, member_id: str, partitions: int) -> None:
        self.member_id = member_id
        self.assignment = type("A", (), {"topic_partitions": [object()] * partitions})()


class _Group:
    def __init__(self, state: str, members: list[_Member]) -> None:
        self.state = type("S", (), {"name": state})()
        self.members = members


def test_sink_health_ignores_members_left_over_from_before_a_restart(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = S3Sink(settings)
    old = _Group("STABLE", [_Member("old", 9)])
    monkeypatch.setattr(S3Sink, "_group", lambda self: old)
    sink.prepare(lambda _: None)
    assert not sink.healthy()  # the coordinator still lists the previous run's member
    monkeypatch.setattr(S3Sink, "_group", lambda self: _Group("STABLE", [_Member("new", 9)]))
    assert sink.healthy()
    monkeypatch.setattr(S3Sink, "_group", lambda self: _Group("PREPARING_REBALANCE", []))
    assert not sink.healthy()


def test_env_lines_are_quoted_for_eval() -> None:
    lines = envvars.export_lines({"A": "plain", "B": "two words", "C": "it's"})
    out = subprocess.run(
        ["bash", "-c", "\n".join(lines) + '\nprintf "%s|%s|%s" "$A" "$B" "$C"'],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == "plain|two words|it's"


def test_env_without_a_running_stack_is_one_line_and_exit_1(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refused(_: Any) -> None:
        raise ConnectionError("connection refused")

    monkeypatch.setattr(LocalStack, "healthy", refused)
    assert cli.main(["env"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "run `make up` first" in err


def test_env_of_a_localstack_terraform_did_not_apply_to_is_one_line(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A LocalStack restarted outside `up` holds none of the resources the state names."""
    monkeypatch.setattr(LocalStack, "healthy", lambda self: True)
    assert cli.main(["env"]) == 1
    err = capsys.readouterr().err
    assert (
        err == "devstack: the running LocalStack has no Terraform-made resources: run `make up`\n"
    )


def test_cli_help_and_bad_usage() -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "devstack", "--help"], capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0
    for command in ("install", "up", "down", "status", "logs", "env"):
        assert command in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "devstack", "upp"], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_logs_of_an_unknown_service(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["logs", "nope"]) == 1
    assert "unknown service 'nope'" in capsys.readouterr().err


def test_down_clean_deletes_the_terraform_state_and_kafkas_data_only(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    home = settings.home
    for path in ("terraform/terraform.tfstate", "terraform/.terraform/x", "kafka/data/meta"):
        (home / path).parent.mkdir(parents=True, exist_ok=True)
        (home / path).write_text("x")
    for kept in ("api-key", "cache/kafka/libs/a.jar", "localstack/var/lib/engine"):
        (home / kept).parent.mkdir(parents=True, exist_ok=True)
        (home / kept).write_text("x")
    assert cli.main(["down"]) == 0
    assert (home / "terraform/terraform.tfstate").exists()  # plain down keeps the state
    assert cli.main(["down", "--clean"]) == 0
    assert not (home / "terraform").exists() and not (home / "kafka").exists()
    assert all((home / k).exists() for k in ("api-key", "cache/kafka/libs/a.jar", "localstack"))
    assert "deleted the Terraform state" in capsys.readouterr().err


def test_logs_include_terraforms(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    log = settings.logs / "terraform.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("Error: creating Kinesis Stream\n")
    assert cli.main(["logs", "terraform"]) == 0
    assert "Error: creating Kinesis Stream" in capsys.readouterr().out
