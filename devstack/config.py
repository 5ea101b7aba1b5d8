"""Where the local stack keeps things, its ports, and its tunables (from the environment)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from contracts.names import Names

REPO_ROOT = Path(__file__).resolve().parents[1]

HOST = "127.0.0.1"


def _port_env(name: str, default: int) -> int:
    """A port from the environment (another stack or program may hold the default)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SystemExit(f"{name} must be a TCP port (1-65535), got {raw!r}")
    return int(raw)


LOCALSTACK_PORT = _port_env("DEVSTACK_LOCALSTACK_PORT", 4566)
KAFKA_PORT = _port_env("DEVSTACK_KAFKA_PORT", 9092)
KAFKA_CONTROLLER_PORT = _port_env("DEVSTACK_KAFKA_CONTROLLER_PORT", 9093)
REST_PROXY_PORT = _port_env("DEVSTACK_REST_PROXY_PORT", 8082)

AWS_REGION = "us-east-1"
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}


class StackError(RuntimeError):
    """A failure the CLI reports as one clear line (no stack trace)."""


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise StackError(f"{name} must be an integer, got {raw!r}") from None
    if value <= 0:
        raise StackError(f"{name} must be > 0, got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    """Everything devstack derives from the environment, resolved once per command."""

    home: Path
    names: Names
    partitions: int
    shards: int
    timeout: int
    flush_size: int
    rotate_ms: int

    @classmethod
    def from_env(cls) -> Settings:
        home = Path(os.environ.get("DEVSTACK_HOME") or REPO_ROOT / ".devstack").resolve()
        try:
            names = Names.from_env()
        except ValueError as exc:
            raise StackError(str(exc)) from None
        return cls(
            home=home,
            names=names,
            partitions=_int_env("DEVSTACK_PARTITIONS", 3),
            shards=_int_env("DEVSTACK_SHARDS", 4),
            timeout=_int_env("DEVSTACK_TIMEOUT", 180),
            flush_size=_int_env("SINK_FLUSH_SIZE", 500),
            rotate_ms=_int_env("SINK_ROTATE_MS", 5000),
        )

    @cached_property
    def cache(self) -> Path:
        return self.home / "cache"

    @cached_property
    def logs(self) -> Path:
        return self.home / "logs"

    @cached_property
    def pids(self) -> Path:
        return self.home / "pids"

    @property
    def aws_endpoint(self) -> str:
        return f"http://{HOST}:{LOCALSTACK_PORT}"

    @property
    def kafka_bootstrap(self) -> str:
        return f"{HOST}:{KAFKA_PORT}"

    @property
    def rest_proxy_uri(self) -> str:
        return f"http://{HOST}:{REST_PROXY_PORT}"

    def aws_env(self) -> dict[str, str]:
        """The standard AWS variables that point boto3 (and the sink) at LocalStack."""
        return {
            "AWS_ENDPOINT_URL": self.aws_endpoint,
            "AWS_REGION": AWS_REGION,
            "AWS_DEFAULT_REGION": AWS_REGION,
            **DUMMY_CREDENTIALS,
        }
