"""Defaults that come from the environment (README, Configuration); never from source."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ROWS = 11_153
"""Rows per table by default: the size of the real data."""
DEFAULT_SEED = 42


def devstack_home() -> Path:
    """The local state folder: DEVSTACK_HOME, or `<repo>/.devstack`."""
    return Path(os.environ.get("DEVSTACK_HOME") or REPO_ROOT / ".devstack")


def source_db_url() -> str:
    """SOURCE_DB_URL, or the SQLite file `source.db` in the state folder."""
    return os.environ.get("SOURCE_DB_URL") or f"sqlite:///{devstack_home() / 'source.db'}"


def api_url() -> str | None:
    return os.environ.get("API_URL") or None


def api_key() -> str | None:
    return os.environ.get("API_KEY") or None
