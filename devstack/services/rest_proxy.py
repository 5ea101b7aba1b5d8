"""Launcher of the project's Kafka REST proxy (devstack/rest_proxy)."""

from __future__ import annotations

import sys

import requests

from devstack.config import HOST, REST_PROXY_PORT
from devstack.services.base import Service


class RestProxy(Service):
    name = "rest_proxy"
    ports = (REST_PROXY_PORT,)

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "devstack.rest_proxy",
            "--host", HOST, "--port", str(REST_PROXY_PORT),
            "--bootstrap", self.settings.kafka_bootstrap,
        ]  # fmt: skip

    def healthy(self) -> bool:
        return requests.get(f"http://{HOST}:{REST_PROXY_PORT}/health", timeout=2).ok
