"""Every name in the pipeline, derived from one identifier, PIPELINE_ID (DESIGN section 3)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

TABLES: tuple[str, ...] = ("pin", "geo", "user")
"""The three event tables, in the order the emulator posts them."""

DEFAULT_PIPELINE_ID = "0a1b2c3d4e5f"
API_STAGE = "dev"

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
        return re.escape(self.pipeline_id) + r"\.(" + "|".join(TABLES) + ")"

    def table(self, table: str) -> str:
        """The Delta table name of one table (both jobs)."""
        return f"{self.pipeline_id}_{_check(table)}_table"

    def stream_metrics_file(self, table: str) -> str:
        """What the streaming job counted for one table, written beside its checkpoints."""
        return f"{self.table(table)}.metrics.json"

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


BATCH_SUMMARY_FILE = "batch-summary.json"
"""What the batch job counted (landed, malformed, unparseable, cleaned), beside its answers."""

SINK_TOPICS_DIR = "topics"
"""The sink's `topics.dir`: where its objects go in the bucket (DESIGN section 6)."""


@dataclass(frozen=True)
class SinkKey:
    """Where one sink object sits: `<topics dir>/<topic>/partition=<p>/<topic>+<p>+<start>.json`.

    The start offset (10 digits at least) is the Kafka offset of the object's first line, so a
    rewrite after a restart lands on the same key (idempotent) and names say which offsets an
    object holds without reading it.
    """

    topic: str
    partition: int
    start_offset: int
    topics_dir: str = SINK_TOPICS_DIR

    @property
    def key(self) -> str:
        t, p = self.topic, self.partition
        return f"{self.topics_dir}/{t}/partition={p}/{t}+{p}+{self.start_offset:010d}.json"

    @classmethod
    def parse(cls, key: str) -> SinkKey | None:
        """The parts of a sink object's key (under any prefix), or None for another key."""
        match = _SINK_KEY_RE.fullmatch(key)
        if match is None:
            return None
        return cls(match["topic"], int(match["p"]), int(match["start"]), match["dir"])


_SINK_KEY_RE = re.compile(
    r"(?P<dir>.+)/(?P<topic>[^/]+)/partition=(?P<p>\d+)/(?P=topic)\+(?P=p)\+(?P<start>\d{10,})\.json"
)


def sink_key(
    topic: str, partition: int, start_offset: int, topics_dir: str = SINK_TOPICS_DIR
) -> str:
    """S3 key of one sink object (SinkKey)."""
    return SinkKey(topic, partition, start_offset, topics_dir).key


def sink_prefix(topic: str, topics_dir: str = SINK_TOPICS_DIR) -> str:
    """The prefix of every object the sink writes for one topic."""
    return f"{topics_dir}/{topic}/"


def sink_glob(root: str, topic: str) -> str:
    """Every sink object of one topic under `root` (a folder or URI), as a Hadoop/DuckDB glob."""
    return f"{root.rstrip('/')}/{SINK_TOPICS_DIR}/{topic}/partition=*/*.json"


def _check(table: str) -> str:
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}: expected one of {', '.join(TABLES)}")
    return table
