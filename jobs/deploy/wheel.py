"""Build the project wheel that Databricks installs for the jobs."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class BuildError(RuntimeError):
    """The wheel could not be built (the message holds pip's last lines)."""


def build_wheel(out_dir: Path, source: Path = REPO) -> Path:
    """`pip wheel --no-deps` of a clean copy of the sources into out_dir; returns the .whl path.

    A copy, because setuptools builds in the source tree and its build/ folder keeps modules
    deleted since the last build, which would then ship in the wheel.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet"]
    with tempfile.TemporaryDirectory(prefix="pinterest-src-") as tmp:
        copy = _copy_sources(source, Path(tmp) / "src")
        done = subprocess.run(
            [*command, "--wheel-dir", str(out_dir), str(copy)],
            capture_output=True,
            text=True,
            check=False,
        )
    wheels = sorted(out_dir.glob("pinterest_pipeline-*.whl"))
    if done.returncode != 0 or not wheels:
        tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        raise BuildError(f"building the wheel failed: {tail or 'no wheel produced'}")
    return wheels[-1]


def _copy_sources(source: Path, dest: Path) -> Path:
    """pyproject.toml, the readme and license, and the packages it declares; nothing else."""
    dest.mkdir(parents=True)
    try:
        meta = tomllib.loads((source / "pyproject.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise BuildError(f"building the wheel failed: pyproject.toml: {e}") from None
    find = meta.get("tool", {}).get("setuptools", {}).get("packages", {}).get("find", {})
    packages = {pattern.rstrip("*.") for pattern in find.get("include", [])}
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for path in source.iterdir():
        if path.name in packages and path.is_dir():
            shutil.copytree(path, dest / path.name, ignore=skip)
        elif path.is_file() and path.name.startswith(("pyproject.toml", "README", "LICENSE")):
            shutil.copy2(path, dest / path.name)
    return dest


def content_tag(path: Path) -> str:
    """Short sha256 of the wheel: a folder name that changes whenever the code does."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
