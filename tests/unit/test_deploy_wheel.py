"""The wheel Databricks installs: built from the repo, with both entry points and their code."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from jobs.deploy.wheel import BuildError, build_wheel, content_tag

# What a python_wheel_task does with the installed wheel (the Databricks CLI's python_wheel_wrapper
# reproduces it in bundle/trampoline/python_wheel.go): sys.argv = [package, *parameters], find the
# entry point in the distribution's metadata, call it, ignore what it returns. A run fails only if
# the call raises. Run in a child whose sys.path starts with the wheel's install, so the job's
# modules come from the wheel, not from the checkout.
TRAMPOLINE = """
import json, sys
from importlib import metadata
target, name, *params = sys.argv[1:]
sys.path.insert(0, target)
(dist,) = metadata.distributions(path=[target])
(entry,) = [ep for ep in dist.entry_points if ep.group == "console_scripts" and ep.name == name]
sys.argv = ["pinterest_pipeline", *params]
function = entry.load()
origin = sys.modules[function.__module__].__file__
try:
    returned = function()
except SystemExit as e:
    outcome = {"raised": e.code}
else:
    outcome = {"returned": returned}
print(json.dumps({**outcome, "origin": origin}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built wheel installed on its own (as a cluster library) into a folder."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--target", str(target), str(wheel)],
        check=True,
    )  # fmt: skip
    return target


def test_wheel_holds_the_jobs_and_their_entry_points(wheel: Path) -> None:
    assert wheel.name.startswith("pinterest_pipeline-") and wheel.name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        scripts = whl.read(entry_points).decode()
    for module in ("jobs/batch/__main__.py", "jobs/streaming/__main__.py", "contracts/names.py"):
        assert module in names
    assert not any(n.startswith(("tests/", "dags/")) for n in names)
    assert "pinterest-batch = jobs.batch.__main__:entry_point" in scripts
    assert "pinterest-stream = jobs.streaming.__main__:entry_point" in scripts
    assert len(content_tag(wheel)) == 12


def call_like_databricks(installed: Path, name: str, *params: str) -> tuple[dict, str]:
    done = subprocess.run(
        [sys.executable, "-c", TRAMPOLINE, str(installed), name, *params],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        (
            "pinterest-batch",
            ["--input", "/nonexistent", "--output", "/tmp/out", "--pipeline-id", "No_Good"],
            "pinterest-batch: invalid PIPELINE_ID",
        ),
        (
            "pinterest-stream",
            ["--checkpoints", "/tmp/ck", "--output", "/tmp/out", "--streams", "board"],
            "pinterest-stream: error: --streams: give some of pin, geo, user",
        ),
    ],
)
def test_entry_point_fails_the_databricks_run_on_bad_input(
    installed: Path, name: str, params: list[str], message: str
) -> None:
    """A returned 1 or 2 would be a green run: the failure must leave the call as SystemExit."""
    outcome, stderr = call_like_databricks(installed, name, *params)
    assert outcome.get("raised") == 2, f"{name} returned {outcome} instead of raising"
    assert outcome["origin"].startswith(str(installed)), "the job did not come from the wheel"
    assert stderr.strip().splitlines() == [stderr.strip().splitlines()[0]]
    assert stderr.startswith(message), stderr


@pytest.mark.parametrize(
    ("module", "params"),
    [
        (
            "jobs.batch",
            ["--input", "/nonexistent", "--output", "/tmp/o", "--pipeline-id", "No_Good"],
        ),
        (
            "jobs.streaming",
            ["--checkpoints", "/tmp/ck", "--output", "/tmp/o", "--streams", "board"],
        ),
    ],
)
def test_python_m_keeps_its_exit_code(module: str, params: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", module, *params], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr


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


@pytest.mark.parametrize("module", ["jobs.batch.__main__", "jobs.streaming.__main__"])
def test_entry_point_returns_quietly_when_the_job_succeeds(
    module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SystemExit(0) would be a needless exception in Databricks' driver: success returns."""
    job = __import__(module, fromlist=["entry_point"])
    monkeypatch.setattr(job, "main", lambda: 0)
    assert job.entry_point() is None
    monkeypatch.setattr(job, "main", lambda: 1)
    with pytest.raises(SystemExit) as failed:
        job.entry_point()
    assert failed.value.code == 1
