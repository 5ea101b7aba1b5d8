"""The layering: README's folder table ("may import") against the real imports, and the
import-linter contracts of `make lint` against an import that runs up."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("contracts", "emulator", "jobs", "devstack", "bench", "tests")
PACKAGE_NAME = r"\b((?:contracts|emulator|jobs|devstack)(?:\.\w+)?)\b"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def folder_table() -> dict[str, set[str]]:
    """README's folder table: package (dotted) -> the packages its "may import" cell names."""
    rows: dict[str, set[str]] = {}
    for line in (REPO / "README.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        allowed = set(re.findall(PACKAGE_NAME, cells[2]))
        for folder in re.findall(r"`([\w/]+)/`", cells[0]):
            rows[folder.replace("/", ".")] = allowed
    return rows


def owner(module: str, rows: dict[str, set[str]]) -> str:
    """The table's row that holds `module`: the longest row package it falls under."""
    candidates = [r for r in rows if module == r or module.startswith(r + ".")]
    return max(candidates, key=len) if candidates else module.split(".")[0]


def test_readme_table_lists_every_python_folder() -> None:
    rows = folder_table()
    for package in ("contracts", "emulator", "jobs.common", "jobs.batch", "jobs.streaming"):
        assert package in rows, f"README's folder table has no row for {package}"
    for package in ("jobs.deploy", "devstack", "bench", "tests"):
        assert package in rows, f"README's folder table has no row for {package}"


def test_every_import_is_allowed_by_the_readme_table() -> None:
    rows = folder_table()
    graph = grimp.build_graph(*PACKAGES)
    wrong = []
    for row, allowed in rows.items():
        if row in ("bench", "tests") or row not in graph.modules:
            continue
        for module in graph.find_descendants(row) | {row}:
            for imported in graph.find_modules_directly_imported_by(module):
                target = owner(imported, rows)
                if target != row and not any(
                    target == a or imported == a or imported.startswith(a + ".") for a in allowed
                ):
                    wrong.append(f"{module} -> {imported} (README: {row} may import {allowed})")
    assert not wrong, "\n".join(sorted(wrong))


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("layering")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in PACKAGES:
        shutil.copytree(REPO / package, root / package, ignore=ignore)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_contracts_hold_on_the_repo(tree_copy: Path) -> None:
    result = _lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("contracts/names.py", "import devstack.config", "contracts import nothing from the repo"),
        ("jobs/common/spark.py", "import jobs.batch.job", "jobs.common is below both jobs"),
        ("jobs/batch/job.py", "import jobs.streaming.job", "do not import each other"),
        ("devstack/config.py", "import jobs.common.spark", "never the jobs"),
        ("devstack/config.py", "import emulator.post", "only through emulator.api"),
    ],
)
def test_an_import_that_runs_up_fails_make_lint(
    tree_copy: Path, module: str, line: str, contract: str
) -> None:
    path = tree_copy / module
    original = path.read_text()
    path.write_text(original + f"\n{line}  # noqa\n")
    try:
        result = _lint_imports(tree_copy)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    assert re.search(rf"{re.escape(contract)}.* BROKEN", result.stdout), result.stdout
