"""The e2e tests use the integration tests' session stack (started once, or reused)."""

from tests.integration.conftest import stack  # noqa: F401  (the fixture, shared)
