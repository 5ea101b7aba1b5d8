"""Fuzz the API (schemathesis, from contracts/openapi.yaml): only 2xx/4xx with JSON bodies, no 5xx,
and the services stay up. `make test` runs a slice; `make fuzz` runs >= 1,000 requests
(FUZZ_EXAMPLES per operation and generation mode).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.integration.api_fuzzing import fuzz, fuzz_schema
from tests.integration.api_targets import FuzzTargets, assert_services_up, make_targets

pytestmark = pytest.mark.integration

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
PROXY_OPERATIONS = {"Produce", "DescribeTopic"}


@pytest.fixture(scope="module")
def targets(stack: Any) -> FuzzTargets:
    return make_targets(stack)


def test_fuzz_gateway(targets: FuzzTargets) -> None:
    schema = fuzz_schema(targets.topic, targets.stream)
    stats = fuzz(schema, targets.api_url, targets.api_headers, EXAMPLES)
    print(f"gateway: {stats.requests} requests, statuses {dict(stats.statuses)}")
    if stats.localstack_defects:
        print(f"  of which {stats.localstack_defects} hit LocalStack's non-UTF-8 defect")
    assert stats.requests >= EXAMPLES * 4, stats.requests
    assert not stats.problems, "\n".join(stats.problems[:20])
    assert_services_up(targets)


def test_fuzz_rest_proxy(targets: FuzzTargets) -> None:
    schema = fuzz_schema(targets.topic, targets.stream)
    stats = fuzz(schema, targets.rest_proxy_url, {}, EXAMPLES, only=PROXY_OPERATIONS)
    print(f"rest proxy: {stats.requests} requests, statuses {dict(stats.statuses)}")
    assert stats.requests >= EXAMPLES * 2, stats.requests
    assert not stats.problems, "\n".join(stats.problems[:20])
    # Positive cases reached the throwaway topic and were stored.
    assert stats.statuses[200] > 0, dict(stats.statuses)
    assert_services_up(targets)
