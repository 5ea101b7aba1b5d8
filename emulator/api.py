"""The emulator's public API: all that other packages (devstack's run, the benchmarks) use of it.

Seed a source database, post it through the API (batch or stream), make the events in wire form
or the files the S3 sink would land from them, build one request, and check the emulator's options
the way its command line does. The other modules of the package are its own and may change.
"""

from __future__ import annotations

from emulator.arg_types import non_negative_float, positive_int
from emulator.config import DEFAULT_ROWS, DEFAULT_SEED
from emulator.generate import WireRows, wire_events
from emulator.landed_files import write_landed
from emulator.post import PostError, post_events
from emulator.post_summary import PostSummary
from emulator.source import SeedResult, SourceError, seed
from emulator.wire import MAX_STREAM_BATCH, Mode, build_request

__all__ = [
    "DEFAULT_ROWS",
    "DEFAULT_SEED",
    "MAX_STREAM_BATCH",
    "Mode",
    "PostError",
    "PostSummary",
    "SeedResult",
    "SourceError",
    "WireRows",
    "build_request",
    "non_negative_float",
    "positive_int",
    "post_events",
    "seed",
    "wire_events",
    "write_landed",
]
