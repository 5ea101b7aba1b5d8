"""Sink configuration: the property names of Confluent's S3 sink connector (the Terraform ones)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from contracts.names import SINK_TOPICS_DIR

# Accepted because the connector configuration carries them; checked where a value matters.
_EXPECTED = {
    "connector.class": "io.confluent.connect.s3.S3SinkConnector",
    "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
    "partitioner.class": "io.confluent.connect.storage.partitioner.DefaultPartitioner",
    "storage.class": "io.confluent.connect.s3.storage.S3Storage",
    "value.converter.schemas.enable": "false",
}
_IGNORED = {"tasks.max", "key.converter", "value.converter", "key.converter.schemas.enable"}
_KNOWN = {
    "name",
    "topics",
    "topics.regex",
    "topics.dir",
    "flush.size",
    "rotate.interval.ms",
    "s3.bucket.name",
    "s3.region",
    "errors.tolerance",
    "behavior.on.null.values",
}
CONSUMER_PREFIX = "consumer.override."
DEFAULT_NAME = "devstack-s3-sink"
"""The connector name when none is given: its consumer group is connect-<name>."""


class ConfigError(ValueError):
    """A configuration the sink cannot run with; its message is shown to the user as is."""


@dataclass(frozen=True)
class SinkConfig:
    topics_regex: str
    bucket: str
    flush_size: int
    rotate_interval_ms: int = -1  # <= 0: no time-based rotation (the connector's default)
    topics_dir: str = SINK_TOPICS_DIR
    region: str = "us-east-1"
    name: str = DEFAULT_NAME
    errors_tolerance: str = "none"  # "all": skip records that are not JSON instead of stopping
    null_values: str = "fail"  # behavior.on.null.values: fail or ignore
    consumer_overrides: dict[str, str] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()

    @property
    def group_id(self) -> str:
        return self.group_id_of(self.name)

    @staticmethod
    def group_id_of(name: str) -> str:
        return f"connect-{name}"  # what Kafka Connect names a sink connector's group


def parse_properties(text: str) -> dict[str, str]:
    """Java .properties: `k=v`, `k: v` or `k v`, # and ! comments, backslash continuations."""
    props: dict[str, str] = {}
    logical = ""
    for raw in text.splitlines():
        line = raw.lstrip()
        if not logical and (not line or line[0] in "#!"):
            continue
        if _continues(line):
            logical += line[:-1]
            continue
        _put(props, logical + line)
        logical = ""
    if logical:
        _put(props, logical)
    return props


def _put(props: dict[str, str], line: str) -> None:
    match = re.match(r"((?:\\.|[^=:\s\\])*)\s*[=:]?\s*(.*)$", line)
    assert match is not None  # the pattern matches any string
    props[_unescape(match.group(1))] = _unescape(match.group(2))


def _continues(line: str) -> bool:
    trailing = len(line) - len(line.rstrip("\\"))
    return trailing % 2 == 1


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        ch = m.group(1)
        if ch.startswith("u"):
            return chr(int(ch[1:], 16))
        return {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}.get(ch, ch)

    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", one, text)


def build(props: dict[str, str]) -> SinkConfig:
    """Validate the properties; every problem is a ConfigError with a one-line message."""
    for key, expected in _EXPECTED.items():
        if key in props and props[key] != expected:
            raise ConfigError(f"{key}={props[key]} is not supported (only {expected})")
    return SinkConfig(
        topics_regex=_topics_regex(props),
        bucket=_required(props, "s3.bucket.name"),
        flush_size=_int(props, "flush.size", None, minimum=1),
        rotate_interval_ms=_int(props, "rotate.interval.ms", -1, minimum=-1),
        topics_dir=props.get("topics.dir", SINK_TOPICS_DIR).strip("/") or SINK_TOPICS_DIR,
        region=props.get("s3.region")
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        name=props.get("name", DEFAULT_NAME),
        errors_tolerance=_choice(props, "errors.tolerance", "none", ("none", "all")),
        null_values=_choice(props, "behavior.on.null.values", "fail", ("fail", "ignore")),
        consumer_overrides={
            k[len(CONSUMER_PREFIX) :]: v for k, v in props.items() if k.startswith(CONSUMER_PREFIX)
        },
        unknown=tuple(
            sorted(
                k
                for k in props
                if k not in _KNOWN | _IGNORED | set(_EXPECTED) and not k.startswith(CONSUMER_PREFIX)
            )
        ),
    )


def _topics_regex(props: dict[str, str]) -> str:
    regex, topics = props.get("topics.regex"), props.get("topics")
    if bool(regex) == bool(topics):
        raise ConfigError("set exactly one of topics.regex and topics")
    if topics:
        return "|".join(re.escape(t.strip()) for t in topics.split(",") if t.strip())
    assert regex is not None
    try:
        re.compile(regex)
    except re.error as exc:
        raise ConfigError(f"topics.regex={regex!r} is not a valid regex: {exc}") from None
    return regex


def _required(props: dict[str, str], key: str) -> str:
    value = props.get(key, "").strip()
    if not value:
        raise ConfigError(f"missing required property {key}")
    return value


def _int(props: dict[str, str], key: str, default: int | None, minimum: int) -> int:
    raw = props.get(key)
    if raw is None:
        if default is None:
            raise ConfigError(f"missing required property {key}")
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{key}={raw!r} is not an integer") from None
    if value < minimum:
        raise ConfigError(f"{key}={value} must be >= {minimum}")
    return value


def _choice(props: dict[str, str], key: str, default: str, allowed: tuple[str, ...]) -> str:
    value = props.get(key, default).strip().lower()
    if value not in allowed:
        raise ConfigError(f"{key}={value!r} must be one of {', '.join(allowed)}")
    return value
