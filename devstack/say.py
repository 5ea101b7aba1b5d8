"""How the stack's commands report progress: `Say` takes one line for the user.

`to_stderr` is what `python -m devstack` and `python -m devstack run` pass: a timestamped line on
stderr, so stdout stays for what scripts read (`devstack env`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

Say = Callable[[str], None]


def to_stderr(message: str) -> None:
    print(f"[devstack {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
