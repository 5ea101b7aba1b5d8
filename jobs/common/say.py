"""`Say`: how a job reports one line of progress (`print` by default; a test keeps the lines)."""

from __future__ import annotations

from collections.abc import Callable

Say = Callable[[str], None]
