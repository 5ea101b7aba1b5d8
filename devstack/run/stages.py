"""Named, timed stages with a one-line start and end message each."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console


class Stages:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str, what: str) -> Iterator[None]:
        self.console.rule(f"[bold]{name}[/bold]: {what}")
        start = time.monotonic()
        try:
            yield
        finally:
            self.timings[name] = round(time.monotonic() - start, 2)
        self.console.print(f"[dim]{name} took {self.timings[name]:.1f} s[/dim]")

    def print_table(self) -> None:
        self.console.print(
            "Stage timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in self.timings.items())
        )
        self.console.print(f"Total: {sum(self.timings.values()):.1f} s")
