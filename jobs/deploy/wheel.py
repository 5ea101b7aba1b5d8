"""Build the project wheel that Databricks installs for the jobs."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class BuildError(RuntimeError):
    """The wheel could not be built (the message holds pip's last lines)."""


def build_wheel(out_dir: Path, source: Path = REPO) -> Path:
    """`pip wheel --no-deps` of the repo into out_dir; returns the .whl path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet"]
    done = subprocess.run(
        [*command, "--wheel-dir", str(out_dir), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    wheels = sorted(out_dir.glob("pinterest_pipeline-*.whl"))
    if done.returncode != 0 or not wheels:
        tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        raise BuildError(f"building the wheel failed: {tail or 'no wheel produced'}")
    return wheels[-1]


def content_tag(path: Path) -> str:
    """Short sha256 of the wheel: a folder name that changes whenever the code does."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
