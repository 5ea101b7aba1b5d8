"""Helpers of the Terraform tests: parse the HCL with python-hcl2, run terraform console."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
from hcl2 import SerializationOptions

REPO = Path(__file__).resolve().parents[2]
TF_ROOT = REPO / "terraform"
MODULES_DIR = TF_ROOT / "modules"
LOCAL_ROOT = TF_ROOT / "envs" / "local"  # the local stack's root (LocalStack)
EXAMPLE_ROOT = TF_ROOT / "examples" / "minimal"  # the root users copy
MODULES = sorted(p.name for p in MODULES_DIR.iterdir() if p.is_dir())
MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")

_OPTIONS = SerializationOptions(
    strip_string_quotes=True, explicit_blocks=False, with_comments=False
)


@cache
def parse(path: Path) -> dict[str, Any]:
    """One .tf file as python-hcl2 sees it (blocks are lists of dicts)."""
    with path.open(encoding="utf-8") as f:
        return hcl2.load(f, serialization_options=_OPTIONS)


def internal_modules() -> set[str]:
    """Modules that other modules call (source = "../<name>"), not the root."""
    return {
        body["source"].removeprefix("../")
        for m in MODULES
        for _, block in blocks(MODULES_DIR / m, "module")
        for body in block.values()
    }


def config_dirs() -> list[Path]:
    """The root configurations (AWS, local, the example) and every module."""
    return [TF_ROOT, LOCAL_ROOT, EXAMPLE_ROOT, *(MODULES_DIR / m for m in MODULES)]


def tf_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.tf"))


def all_tf_files() -> list[Path]:
    return [f for d in config_dirs() for f in tf_files(d)]


def blocks(directory: Path, kind: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every top-level block of one kind (variable, output, resource, data, ...) in a directory."""
    for f in tf_files(directory):
        for block in parse(f).get(kind, []):
            yield f, block


def labelled(directory: Path, kind: str, type_: str) -> dict[str, dict[str, Any]]:
    """Resources or data sources of one type in a directory, by name."""
    found: dict[str, dict[str, Any]] = {}
    for _, block in blocks(directory, kind):
        found.update(block.get(type_, {}))
    return found


def locals_of(directory: Path) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for _, block in blocks(directory, "locals"):
        merged.update(block)
    return merged


def tf_binary() -> str:
    """terraform (or OpenTofu), as `make tf-tools` provides it through TF_BIN."""
    candidates = [os.environ.get("TF_BIN", ""), "terraform", "tofu"]
    candidates.append(str(REPO / ".devstack" / "cache" / "bin" / "tofu"))
    for c in candidates:
        if c and (found := shutil.which(c)):
            return found
    raise RuntimeError("no terraform or tofu binary: run `make tf-tools` (or set TF_BIN)")


def console(expression: str, cwd: Path, *args: str) -> bytes:
    """Evaluate an expression with `terraform console` and return base64encode(expression)'s bytes.

    Wrapping the expression in base64encode keeps the console's HCL string quoting out of the way.
    """
    env = dict(os.environ, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
    env.setdefault("TF_CLI_CONFIG_FILE", os.devnull)
    out = subprocess.run(
        [tf_binary(), "console", *args],
        input=f"base64encode({expression})\n",
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )
    match = re.search(r'"([A-Za-z0-9+/=]*)"', out.stdout)
    # terraform exits non-zero on an invalid variable; OpenTofu warns and prints no value.
    if out.returncode != 0 or not match:
        raise AssertionError(f"terraform console failed: {out.stderr.strip()} {out.stdout.strip()}")
    return base64.b64decode(match.group(1))


def hcl_string(value: str) -> str:
    """A Python string as an HCL quoted string literal (for console expressions)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${")
    return '"' + escaped.replace("%{", "%%{").replace("\n", "\\n") + '"'


_TEMPLATEFILE = re.compile(r"^\$\{templatefile\((?P<path>.+?), \{(?P<args>.*)\}\)\}$", re.S)


def templatefile_call(expression: str) -> tuple[str, dict[str, str]]:
    """Split a `${templatefile(path, {k = v, ...})}` expression into path and argument map."""
    match = _TEMPLATEFILE.match(expression)
    assert match, f"not a templatefile call: {expression!r}"
    args = match.group("args")
    keys = list(re.finditer(r"(?:^|, )([a-z][a-z0-9_]*) = ", args))
    values = {}
    for i, key in enumerate(keys):
        end = keys[i + 1].start() if i + 1 < len(keys) else len(args)
        values[key.group(1)] = args[key.end() : end]
    return match.group("path"), values
