"""The wheel Databricks installs: built from the repo, with both entry points and their code."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from jobs.deploy.wheel import BuildError, build_wheel, content_tag


def test_wheel_holds_the_jobs_and_their_entry_points(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "out")
    assert wheel.name.startswith("pinterest_pipeline-") and wheel.name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        scripts = whl.read(entry_points).decode()
    for module in ("jobs/batch/__main__.py", "jobs/streaming/__main__.py", "contracts/names.py"):
        assert module in names
    assert not any(n.startswith(("tests/", "dags/")) for n in names)
    assert "pinterest-batch = jobs.batch.__main__:main" in scripts
    assert "pinterest-stream = jobs.streaming.__main__:main" in scripts
    assert len(content_tag(wheel)) == 12


def test_build_failure_is_reported(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "pyproject.toml").write_text(
        "[project]\nname = 'x'\nversion = 'bad version'\n"
    )
    with pytest.raises(BuildError, match="building the wheel failed"):
        build_wheel(tmp_path / "out", source=tmp_path / "src")
    (tmp_path / "src" / "pyproject.toml").write_text("[project\nbroken")
    with pytest.raises(BuildError, match=r"pyproject\.toml"):
        build_wheel(tmp_path / "out", source=tmp_path / "src")
