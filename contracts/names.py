"""Every name in the pipeline, derived from one identifier, PIPELINE_ID (DESIGN section 3)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

TABLES: tuple[str, ...] = ("pin", "geo", "user")
"""The three event tables, in the order the emulator posts them."""

SOURCE_TABLES: dict[str, str] = {
    "pin": "pinterest_data",
    "geo": "geolocation_data",
    "user": "user_data",
}
"""Table name in the source database, per event table."""

DEFAULT_PIPELINE_ID = "0a1b2c3d4e5f"
API_STAGE = "dev"
STREAM_SCHEMA = "stream"

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{2,30}[a-z0-9]$")


def pipeline_id_from_env() -> str:
    """PIPELINE_ID from the environment, or the documented default."""
    return os.environ.get("PIPELINE_ID", DEFAULT_PIPELINE_ID)


@dataclass(frozen=True)
class Names:
    """All resource names for one pipeline id."""

    pipeline_id: str

    def __post_init__(self) -> None:
        # The id ends up in bucket names, so it must satisfy S3's naming rules.
        if not _ID_RE.match(self.pipeline_id):
            raise ValueError(
                f"invalid PIPELINE_ID {self.pipeline_id!r}: use 4-32 characters of "
                "lowercase letters, digits and '-', starting and ending with a letter or digit"
            )

    @classmethod
    def from_env(cls) -> Names:
        return cls(pipeline_id_from_env())

    def topic(self, table: str) -> str:
        return f"{self.pipeline_id}.{_check(table)}"

    def stream(self, table: str) -> str:
        return f"streaming-{self.pipeline_id}-{_check(table)}"

    @property
    def bucket(self) -> str:
        return f"user-{self.pipeline_id}-bucket"

    @property
    def topics(self) -> list[str]:
        return [self.topic(t) for t in TABLES]

    @property
    def streams(self) -> list[str]:
        return [self.stream(t) for t in TABLES]

    @property
    def topics_regex(self) -> str:
        """The sink's `topics.regex`: exactly this pipeline's three topics."""
        return re.escape(self.pipeline_id) + r"\.(pin|geo|user)"

    def table(self, table: str) -> str:
        """Batch (and, under the stream schema, streaming) Delta table name."""
        return f"{self.pipeline_id}_{_check(table)}_table"

    def stream_table(self, table: str) -> str:
        return f"{STREAM_SCHEMA}.{self.table(table)}"

    def table_of_topic(self, topic: str) -> str:
        prefix = f"{self.pipeline_id}."
        if not topic.startswith(prefix):
            raise ValueError(f"topic {topic!r} does not belong to pipeline {self.pipeline_id}")
        return _check(topic[len(prefix) :])

    def table_of_stream(self, stream: str) -> str:
        prefix = f"streaming-{self.pipeline_id}-"
        if not stream.startswith(prefix):
            raise ValueError(f"stream {stream!r} does not belong to pipeline {self.pipeline_id}")
        return _check(stream[len(prefix) :])


def sink_key(topic: str, partition: int, start_offset: int, topics_dir: str = "topics") -> str:
    """S3 key of one sink object: the start offset makes rewrites idempotent."""
    return (
        f"{topics_dir}/{topic}/partition={partition}/{topic}+{partition}+{start_offset:010d}.json"
    )


def sink_prefix(topic: str) -> str:
    return f"topics/{topic}/"


def _check(table: str) -> str:
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}: expected one of {', '.join(TABLES)}")
    return table
