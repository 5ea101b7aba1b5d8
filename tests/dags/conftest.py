"""DAG tests: they run in .venv-airflow (`make test-dags`), never in the project venv.

Airflow reads its configuration when it is first imported, so the environment (a throwaway
AIRFLOW_HOME with a sqlite database, the repo's dags/ as dags_folder, no examples) is set here,
at import time, before any test module imports airflow. The migrated database is cached under
.devstack/cache/airflow/ per Airflow version and copied for each run: migrating takes seconds.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO / "dags"

if importlib.util.find_spec("airflow") is None:
    # The project venv has no Airflow (it conflicts with pyspark); `make test-dags` runs these.
    collect_ignore_glob = ["test_*.py"]
else:
    HOME = Path(tempfile.mkdtemp(prefix="airflow-home-"))
    os.environ.update(
        {
            "AIRFLOW_HOME": str(HOME),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{HOME / 'airflow.db'}",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(HOME / "logs"),
        }
    )


def _migrated_db() -> Path:
    """A freshly migrated metadata database for this Airflow version (built once, then cached)."""
    version = importlib.metadata.version("apache-airflow")
    cached = REPO / ".devstack" / "cache" / "airflow" / f"airflow-{version}.db"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        building = cached.with_suffix(f".{os.getpid()}.tmp")
        env = {**os.environ, "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{building}"}
        subprocess.run(
            [sys.executable, "-m", "airflow", "db", "migrate"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        building.replace(cached)
    return cached


@pytest.fixture(scope="session", autouse=True)
def airflow_home() -> Iterator[Path]:
    shutil.copyfile(_migrated_db(), HOME / "airflow.db")
    yield HOME
    shutil.rmtree(HOME, ignore_errors=True)
