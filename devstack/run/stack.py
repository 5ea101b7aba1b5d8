"""The local stack as `python -m devstack run` uses it: up (noting whether it was already up),
its settings, and down.

Through devstack's own CLI, so a run does exactly what `make up` and `make down` do.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from devstack import proc
from devstack.config import Settings


class StackUnavailable(RuntimeError):
    """`devstack up` failed; its own message has already been printed."""


def running_services() -> list[str]:
    """Services of ours that are running now (by their pidfiles)."""
    pids = Settings.from_env().pids
    return sorted(p.stem for p in pids.glob("*.pid") if proc.alive(p)) if pids.exists() else []


def ensure_up(console: Console) -> tuple[dict[str, str], bool]:
    """Start the stack if needed; returns (its settings, whether this call started it)."""
    was_running = bool(running_services())
    if was_running:
        console.print("reusing the running stack (it will be left running)")
    code = subprocess.call([sys.executable, "-m", "devstack", "up"])
    if code != 0:
        raise StackUnavailable(f"`python -m devstack up` failed (exit code {code})")
    return stack_env(), not was_running


def stack_env() -> dict[str, str]:
    """The `export NAME=value` lines of `python -m devstack env`, as a dict."""
    out = subprocess.run(
        [sys.executable, "-m", "devstack", "env"], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise StackUnavailable(f"`python -m devstack env` failed: {out.stderr.strip()}")
    env: dict[str, str] = {}
    for line in out.stdout.splitlines():
        words = shlex.split(line, comments=True)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            name, _, value = words[1].partition("=")
            env[name] = value
    return env


def down(console: Console) -> None:
    code = subprocess.call([sys.executable, "-m", "devstack", "down"])
    if code != 0:
        console.print(f"[red]`python -m devstack down` failed (exit code {code})[/red]")


def log_path(service: str) -> Path:
    return Settings.from_env().logs / f"{service}.log"
