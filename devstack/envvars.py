"""`devstack env`: `export NAME=value` lines for scripts and users to `eval`."""

from __future__ import annotations

import shlex

from contracts.names import TABLES
from devstack import proc
from devstack.config import Settings, StackError
from devstack.services.localstack import LocalStack
from devstack.terraform import Terraform


def variables(settings: Settings) -> dict[str, str]:
    """The variables of README's Configuration table, as the running stack defines them: the
    AWS names from `terraform output -json` of the state applied to the running LocalStack."""
    localstack = LocalStack(settings)
    rec = proc.alive(localstack.pidfile)
    try:
        answers = localstack.healthy()
    except Exception:
        answers = False
    if not answers:
        raise StackError(
            f"LocalStack does not answer at {settings.aws_endpoint}: run `make up` first"
        )
    terraform = Terraform(settings)
    if rec is None or terraform.applied_to() != f"{rec.pid}:{rec.start_ticks}":
        raise StackError("the running LocalStack has no Terraform-made resources: run `make up`")
    outputs = terraform.outputs()
    names = settings.names
    return {
        "PIPELINE_ID": names.pipeline_id,
        **settings.aws_env(),
        "API_URL": outputs.api_url,
        "API_KEY": outputs.api_key,
        "DATA_BUCKET": outputs.bucket,
        "KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "KAFKA_TOPICS": ",".join(names.topics),
        "KINESIS_STREAMS": ",".join(outputs.streams[t] for t in TABLES),
        "DEVSTACK_HOME": str(settings.home),
    }


def export_lines(values: dict[str, str]) -> list[str]:
    return [f"export {name}={shlex.quote(value)}" for name, value in values.items()]
