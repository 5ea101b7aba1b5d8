"""The LocalStack plugin: `kinesis:inprocess` in the entry-point group localstack.aws.provider."""

from __future__ import annotations

from localstack.services.plugins import Service, aws_provider


@aws_provider(api="kinesis", name="inprocess")
def kinesis_inprocess() -> Service:
    # Imported when LocalStack loads the service, not when it lists the plugins.
    from localstack.services.moto import MotoFallbackDispatcher

    from devstack_kinesis.provider import InProcessKinesisProvider

    return Service.for_provider(
        InProcessKinesisProvider(), dispatch_table_factory=MotoFallbackDispatcher
    )
