"""`make run` stage times on each Kinesis engine.

    .venv/bin/python -m bench.bench_run [--rows 11153,100000] [--engines kinesis-mock,inprocess]
        [--batch 500] [--timeout 3600]

For each engine and size: the stack is restarted on the engine (fresh LocalStack state, see
bench/engines.py), then `python -m devstack run --rows N` runs on it (warm: installs, jars and the
stack are ready, so its `stack` stage only checks them). The stage times come from the run's
reconciliation.json; `exact` says whether the run's reconciliation held (exit code 0).
A run longer than `--timeout` seconds is stopped and reported as such.
Prints a table and one JSON line per run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import emit
from bench.engines import ENGINES, engines_arg, on_engine
from devstack.config import Settings

STAGES = ["stack", "seed", "post batch", "sink", "batch job", "post stream", "stream job",
          "reconcile", "report"]  # fmt: skip


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.bench_run",
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(__doc__ or "").split("\n\n", 2)[2],
    )
    p.add_argument("--rows", default="11153,100000", help="events per table, one run each")
    p.add_argument("--engines", type=engines_arg, default=list(ENGINES), help="default: both")
    p.add_argument("--batch", type=int, default=500, help="records per request (make run's BATCH)")
    p.add_argument("--timeout", type=float, default=3600, help="seconds a run may take")
    args = p.parse_args(argv)
    args.rows = [int(r) for r in args.rows.split(",")]
    return args


def one_run(rows: int, batch: int, timeout: float) -> dict[str, Any]:
    runs = Settings.from_env().home / "runs"
    before = set(runs.glob("2*")) if runs.exists() else set()
    cmd = [sys.executable, "-m", "devstack", "run", "--rows", str(rows), "--batch", str(batch),
           "--job-timeout", str(int(timeout))]  # fmt: skip
    start = time.monotonic()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"wall_s": round(time.monotonic() - start, 1), "note": f"over {timeout:.0f} s"}
    wall = time.monotonic() - start
    new = sorted(set(runs.glob("2*")) - before)
    report = new[-1] / "reconciliation.json" if new else Path("/nonexistent")
    if not report.exists():
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        return {"wall_s": round(wall, 1), "note": f"exit {done.returncode}: {' | '.join(tail)}"}
    timings = json.loads(report.read_text())["timings"]
    return {
        **{stage: timings.get(stage) for stage in STAGES},
        "total_s": round(sum(timings.values()), 1), "wall_s": round(wall, 1),
        "exact": done.returncode == 0, "run": new[-1].name,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rows: list[dict[str, Any]] = []
    for engine in args.engines:
        for n in args.rows:
            with on_engine(engine):
                print(f"[bench] {engine}: make run, {n:,} rows", file=sys.stderr, flush=True)
                rows.append({"bench": "run", "engine": engine, "rows": n,
                             **one_run(n, args.batch, args.timeout)})  # fmt: skip
                print(f"[bench] {rows[-1]}", file=sys.stderr, flush=True)
    print()
    emit(rows, ["engine", "rows", *STAGES, "total_s", "wall_s", "exact", "note"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
