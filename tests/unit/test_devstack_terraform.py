"""devstack.terraform without LocalStack: errors are one line naming what failed and the log,
an apply is skipped only while the same LocalStack runs the same inputs, the API key is kept.

A stand-in terraform (a script printing what `terraform -json` prints) drives the apply paths;
the missing-provider path runs the real terraform against an empty provider mirror."""

from __future__ import annotations

import dataclasses
import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from devstack import terraform
from devstack.config import Settings, StackError
from devstack.terraform import Terraform

ERROR_ADDRESS = 'module.kinesis.aws_kinesis_stream.this["pin"]'

FAKE_TERRAFORM = f'''#!{sys.executable}
"""Stands in for terraform: init succeeds, apply prints -json events, output prints outputs."""
import json, os, sys
args = [a for a in sys.argv[1:] if not a.startswith("-chdir=")]
state = os.path.join(os.environ["TF_DATA_DIR"], "..", "terraform.tfstate")
def event(kind, message, **extra):
    print(json.dumps({{"@level": "info", "@message": message, "type": kind, **extra}}), flush=True)
if args[0] == "apply":
    if os.environ.get("FAKE_TF") == "fail":
        summary = os.environ.get("FAKE_TF_SUMMARY", "creating Kinesis Stream (s):\\n  boom")
        diag = {{"severity": "error", "summary": summary,
                 "detail": "the full story", "address": {json.dumps(ERROR_ADDRESS)}}}
        event("diagnostic", "Error: creating Kinesis Stream", diagnostic=diag)
        sys.exit(1)
    hook = {{"resource": {{"addr": "module.kinesis.aws_kinesis_stream.this[\\"geo\\"]"}},
            "elapsed_seconds": 20}}
    event("apply_complete", "created", hook=hook)
    event("change_summary", "Apply complete!", changes={{"add": 26, "change": 0, "remove": 0}})
    open(state, "w").write("{{}}")
elif args[0] == "output":
    values = {{"api_id": "abc", "api_invoke_url": "http://x/_aws/execute-api/abc/dev",
              "api_key": "k" * 32, "data_bucket": "b", "stream_names": {{"pin": "s"}},
              "kinesis_role_arn": "arn:aws:iam::000000000000:role/r"}}
    print(json.dumps({{k: {{"value": v}} for k, v in values.items()}}))
'''


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/_localstack/health" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def localstack_stand_in() -> Iterator[str]:
    """Something that answers LocalStack's health endpoint."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("DEVSTACK_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("PIPELINE_ID", "unittest0001")
    return Settings.from_env()


@pytest.fixture
def fake_terraform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    script = tmp_path / "terraform"
    script.write_text(FAKE_TERRAFORM)
    script.chmod(0o755)
    monkeypatch.setenv("TF_BIN", str(script))
    monkeypatch.setenv("TF_PLUGIN_DIR", str(tmp_path / "no-mirror"))
    return script


def point_at(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setattr(Settings, "aws_endpoint", property(lambda self: url))


def test_apply_failure_is_one_line_naming_the_resource_and_the_log(
    settings: Settings,
    fake_terraform: Path,
    localstack_stand_in: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    point_at(monkeypatch, localstack_stand_in)
    monkeypatch.setenv("FAKE_TF", "fail")
    tf = Terraform(settings)
    with pytest.raises(StackError) as failed:
        tf.apply("1:1", print)
    message = str(failed.value)
    assert "\n" not in message
    assert message == (
        f"terraform apply failed at {ERROR_ADDRESS}: creating Kinesis Stream (s): boom; "
        f"log: {tf.log}"
    )
    assert "the full story" in tf.log.read_text()  # the detail is in the log, not on screen


def test_apply_refuses_when_localstack_does_not_answer(
    settings: Settings, fake_terraform: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_at(monkeypatch, "http://127.0.0.1:9")  # discard port: nothing listens
    with pytest.raises(StackError) as failed:
        Terraform(settings).apply("1:1", print)
    assert str(failed.value) == (
        "LocalStack does not answer at http://127.0.0.1:9: terraform apply not run "
        "(start the stack with `make up`)"
    )


def test_apply_is_skipped_only_while_the_same_localstack_runs_the_same_inputs(
    settings: Settings,
    fake_terraform: Path,
    localstack_stand_in: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    point_at(monkeypatch, localstack_stand_in)
    tf = Terraform(settings)
    done = tf.apply("1:1", print)
    assert done.startswith("26 added, 0 changed, 0 destroyed in ")
    assert done.endswith('(slowest: module.kinesis.aws_kinesis_stream.this["geo"] 20s)')
    assert tf.apply("1:1", print).startswith("unchanged")
    assert tf.apply("1:1", print, force=True).startswith("26 added")
    # Another LocalStack process: the old state describes nothing; everything is applied anew.
    notes: list[str] = []
    assert tf.apply("2:2", notes.append).startswith("26 added")
    assert any("LocalStack was restarted" in n for n in notes)
    # Other inputs (here the shard count) change the fingerprint: applied again.
    more_shards = Terraform(dataclasses.replace(settings, shards=settings.shards + 1))
    assert more_shards.apply("2:2", print).startswith("26 added")
    assert tf.applied_to() == "2:2"
    assert tf.outputs().api_url == "http://x/_aws/execute-api/abc/dev"


def test_a_missing_provider_is_one_line_naming_it_and_the_log(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real terraform, offline, with an empty provider mirror."""
    monkeypatch.delenv("TF_BIN", raising=False)
    mirror = tmp_path / "empty-mirror"
    mirror.mkdir()
    monkeypatch.setenv("TF_PLUGIN_DIR", str(mirror))
    tf = Terraform(settings)
    with pytest.raises(StackError) as failed:
        tf.init(print)
    message = str(failed.value)
    assert "\n" not in message
    assert message.startswith(
        f"terraform init failed (AWS provider from mirror TF_PLUGIN_DIR={mirror})"
    )
    assert "hashicorp/aws" in message and message.endswith(f"; log: {tf.log}")
    assert "Failed to query available provider packages" in tf.log.read_text()


def test_no_terraform_at_all_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TF_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(terraform, "REPO_ROOT", tmp_path)
    with pytest.raises(StackError, match=r"^no terraform \(nor OpenTofu\) found: install"):
        terraform.binary()


def test_outputs_without_a_state_say_to_run_make_up(
    settings: Settings, fake_terraform: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = fake_terraform.with_name("terraform-empty")
    empty.write_text(f"#!{sys.executable}\nprint('{{}}')\n")
    empty.chmod(0o755)
    monkeypatch.setenv("TF_BIN", str(empty))
    with pytest.raises(StackError, match="no Terraform outputs yet: run `make up`"):
        Terraform(settings).outputs()


def test_local_api_key_is_random_private_and_stable(settings: Settings, tmp_path: Path) -> None:
    first = terraform.local_api_key(settings)
    assert len(first) == 32 and terraform.local_api_key(settings) == first
    assert (settings.home / "api-key").stat().st_mode & 0o077 == 0
    other = dataclasses.replace(settings, home=tmp_path / "other")
    assert terraform.local_api_key(other) != first
    assert Terraform(settings).variables()["api_key"] == first


def test_a_resource_that_already_exists_gets_a_hint(
    settings: Settings,
    fake_terraform: Path,
    localstack_stand_in: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """E.g. a LocalStack still holding what an older devstack created without Terraform."""
    point_at(monkeypatch, localstack_stand_in)
    monkeypatch.setenv("FAKE_TF", "fail")
    monkeypatch.setenv("FAKE_TF_SUMMARY", "creating S3 Bucket (b): BucketAlreadyExists")
    with pytest.raises(
        StackError,
        match=r"BucketAlreadyExists \(LocalStack holds resources this "
        r"state does not know.*`make down && make up` restarts it empty\); log: ",
    ):
        Terraform(settings).apply("1:1", print)
