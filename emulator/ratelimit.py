"""A thread-safe pacer: records leave at no more than `rate` per second, without bursts."""

from __future__ import annotations

import threading
import time


class RateLimiter:
    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next: float | None = None
        self._lock = threading.Lock()

    def acquire(self, n: int, stop: threading.Event) -> bool:
        """Wait until n more records may leave; False if `stop` was set while waiting.

        Each caller books its slot under the lock, then waits outside it, so concurrent
        workers share one schedule. Idle time is not saved up for a later burst.
        """
        if not self.interval:
            return not stop.is_set()
        with self._lock:
            now = time.monotonic()
            start = now if self._next is None or self._next < now else self._next
            self._next = start + n * self.interval
        delay = start - now
        return not stop.wait(delay) if delay > 0 else not stop.is_set()
