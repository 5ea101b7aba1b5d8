"""Entry point of `python -m devstack run` (hooked into devstack's CLI)."""

from __future__ import annotations

import sys

from rich.console import Console

from devstack.config import StackError
from devstack.run.job_process import JobError
from devstack.run.options import parse

EXIT_MISMATCH = 1
EXIT_STAGE_FAILED = 3


def main(argv: list[str] | None = None) -> int:
    opts = parse(argv)
    console = Console(highlight=False)
    if not console.is_terminal:  # logs and CI: wide enough that paths and tables do not wrap
        console = Console(highlight=False, width=160)
    # Imported here so that `--help` and bad flags answer at once.
    from devstack.run.pipeline import RunError, run
    from emulator.api import PostError, SourceError

    try:
        return run(opts, console)
    except (RunError, JobError, StackError, PostError, SourceError) as exc:
        console.print(f"[red]run failed:[/red] {exc}", highlight=False)
        return EXIT_STAGE_FAILED
    except KeyboardInterrupt:
        console.print("[red]interrupted[/red]")
        return 130
    except Exception as exc:  # e.g. a service that went away mid-run: one line, no trace
        first = (str(exc).strip().splitlines() or [""])[0]
        console.print(f"[red]run failed:[/red] {type(exc).__name__}: {first}", highlight=False)
        return EXIT_STAGE_FAILED


if __name__ == "__main__":
    sys.exit(main())
