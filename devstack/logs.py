"""`devstack logs`: the tail of each service's log (or follow one)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from devstack import proc
from devstack.config import Settings, StackError
from devstack.stack import services
from devstack.terraform import Terraform


def show(settings: Settings, name: str | None, lines: int, follow: bool) -> None:
    logs = {s.name: s.log for s in services(settings)}
    logs["terraform"] = Terraform(settings).log
    chosen = [log for log_name, log in logs.items() if name in (None, log_name)]
    if not chosen:
        raise StackError(f"unknown service {name!r}: expected one of {', '.join(logs)}")
    if follow and len(chosen) != 1:
        raise StackError("--follow needs one service name")
    for log in chosen:
        print(f"==> {log} <==")
        print(proc.log_tail(log, lines) if log.exists() else "(no log yet)")
    if follow:
        _follow(chosen[0])


def _follow(path: Path) -> None:
    with path.open("rb") as fh:
        fh.seek(0, 2)
        while True:
            chunk = fh.read()
            if chunk:
                sys.stdout.write(chunk.decode("utf-8", "replace"))
                sys.stdout.flush()
            else:
                time.sleep(0.5)
