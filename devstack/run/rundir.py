"""Each run keeps its artefacts in `.devstack/runs/<timestamp>/`; `runs/latest` is the newest."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from devstack.config import Settings


def new_run_dir(runs: Path | None = None) -> Path:
    """Create a fresh, uniquely named run folder and point `latest` at it."""
    runs = runs or Settings.from_env().home / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = runs / stamp
    n = 1
    while run_dir.exists():  # two runs in the same second
        n += 1
        run_dir = runs / f"{stamp}-{n}"
    (run_dir / "results").mkdir(parents=True)
    latest = runs / "latest"
    tmp = runs / f".latest-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(run_dir.name)
    tmp.replace(latest)  # atomic: readers never see a missing `latest`
    return run_dir
