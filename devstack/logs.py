"""`devstack logs`: the tail of each service's log (or follow one)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from devstack import proc
from devstack.config import Settings, StackError
from devstack.stack import services


def show(settings: Settings, name: str | None, lines: int, follow: bool) -> None:
    chosen = [s for s in services(settings) if name in (None, s.name)]
    if not chosen:
        known = ", ".join(s.name for s in services(settings))
        raise StackError(f"unknown service {name!r}: expected one of {known}")
    if follow and len(chosen) != 1:
        raise StackError("--follow needs one service name")
    for service in chosen:
        print(f"==> {service.log} <==")
        print(proc.log_tail(service.log, lines) if service.log.exists() else "(no log yet)")
    if follow:
        _follow(chosen[0].log)


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
