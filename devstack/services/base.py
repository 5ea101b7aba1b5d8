"""What every service launcher provides to the stack."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from pathlib import Path

from devstack.config import Settings
from devstack.say import Say


class Service(ABC):
    name: str
    ports: tuple[int, ...] = ()

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def pidfile(self) -> Path:
        return self.settings.pids / f"{self.name}.pid"

    @property
    def log(self) -> Path:
        return self.settings.logs / f"{self.name}.log"

    def install(self, say: Say) -> None:  # noqa: B027 (optional hook)
        """Fetch what the service needs into the cache; fast when already there."""

    def prepare(self, say: Say) -> None:  # noqa: B027 (optional hook)
        """One-off work before a start (config files, storage formatting)."""

    @abstractmethod
    def command(self) -> list[str]: ...

    def extra_env(self) -> dict[str, str]:
        return {}

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.extra_env())
        return env

    @abstractmethod
    def healthy(self) -> bool: ...

    @property
    def address(self) -> str:
        return ", ".join(f"127.0.0.1:{p}" for p in self.ports) or "-"
