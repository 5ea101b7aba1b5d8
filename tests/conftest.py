"""Fixtures shared by every test: ONE local Spark session per pytest run (~10 s to start)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """local[2] with Delta and S3A (jobs.common.spark); needs `make jars`."""
    from jobs.common.spark import get_spark  # imported here: tests without Spark stay light

    session = get_spark("pytest")
    yield session
    session.stop()
