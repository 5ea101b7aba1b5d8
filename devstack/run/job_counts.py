"""What the jobs themselves counted: malformed lines and unparseable values, per table.

The batch job writes them to results/batch-summary.json, the streaming job to a metrics file
beside each checkpoint (<checkpoints>/<id>_<table>_table.metrics.json).
"""

from __future__ import annotations

import json
from pathlib import Path

from contracts.names import BATCH_SUMMARY_FILE, Names
from devstack.run.job_process import JobError


def job_quality(run_dir: Path, names: Names, path: str, table: str) -> tuple[int, dict[str, int]]:
    """(malformed lines, unparseable values per column) a job reported for one table.

    batch: results/batch-summary.json; stream: the metrics file beside the checkpoints.
    """
    if path == "batch":
        where = run_dir / "results" / BATCH_SUMMARY_FILE
    else:
        where = run_dir / "checkpoints" / names.stream_metrics_file(table)
    try:
        data = json.loads(where.read_text(encoding="utf-8"))
        found = data["quality"][table] if path == "batch" else data["quality"]
    except (OSError, ValueError, KeyError) as exc:
        raise JobError(
            f"the {path} job's counts for {table} are missing: {where} ({exc})"
        ) from None
    columns = {c: int(v["count"]) for c, v in found["unparseable"].items()}
    return int(found["malformed"]["count"]), columns
