"""`devstack env`: `export NAME=value` lines for scripts and users to `eval`."""

from __future__ import annotations

import shlex

from devstack import resources
from devstack.config import Settings, StackError


def variables(settings: Settings) -> dict[str, str]:
    """The variables of README's Configuration table, as the running stack defines them."""
    try:
        api = resources.current_api(settings)
    except Exception:
        raise StackError(
            f"LocalStack does not answer at {settings.aws_endpoint}: run `make up` first"
        ) from None
    if api is None:
        raise StackError("the stack has no REST API yet: run `make up` first")
    names = settings.names
    return {
        "PIPELINE_ID": names.pipeline_id,
        **settings.aws_env(),
        "API_URL": api.url,
        "API_KEY": api.key,
        "DATA_BUCKET": names.bucket,
        "KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "KAFKA_TOPICS": ",".join(names.topics),
        "KINESIS_STREAMS": ",".join(names.streams),
        "DEVSTACK_HOME": str(settings.home),
    }


def export_lines(values: dict[str, str]) -> list[str]:
    return [f"export {name}={shlex.quote(value)}" for name, value in values.items()]
