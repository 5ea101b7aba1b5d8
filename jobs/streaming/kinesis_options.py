"""The options of the `kinesis` source, parsed once and validated with one-line errors.

Names follow Databricks' built-in Kinesis source so that the same `readStream` code runs in both
places; `endpointUrl` (LocalStack) and `maxRecordsPerBatch` are this source's additions.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

POSITIONS = ("latest", "earliest", "trim_horizon", "at_timestamp")

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|seconds?|m|min|minutes?)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "sec": 1.0, "second": 1.0, "seconds": 1.0}
_UNIT_SECONDS |= {"m": 60.0, "min": 60.0, "minute": 60.0, "minutes": 60.0}


class OptionError(ValueError):
    """A bad option value; the message is one line meant for the user."""


@dataclass(frozen=True)
class SourceOptions:
    streams: tuple[str, ...]
    region: str
    initial_position: str
    """latest | trim_horizon | at_timestamp (earliest is trim_horizon)."""
    initial_timestamp_ms: int | None
    endpoint_url: str | None
    access_key: str | None
    secret_key: str | None
    session_token: str | None
    role_arn: str | None
    role_external_id: str | None
    role_session_name: str
    max_records_per_fetch: int
    max_records_per_batch: int | None
    max_fetch_duration_s: float
    min_fetch_period_s: float
    shard_fetch_interval_s: float


def parse_options(options: Mapping[str, str]) -> SourceOptions:
    """Options as Spark passes them (case-insensitive keys, string values)."""
    opts = {k.lower(): v for k, v in options.items() if v is not None}
    streams = tuple(s.strip() for s in opts.get("streamname", "").split(",") if s.strip())
    if not streams:
        raise OptionError("kinesis source: option 'streamName' is required")
    region = (
        opts.get("region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    )
    if not region:
        raise OptionError("kinesis source: option 'region' is required (or set AWS_REGION)")
    position, ts_ms = _initial_position(opts)
    access, secret = opts.get("awsaccesskey"), opts.get("awssecretkey")
    if bool(access) != bool(secret):
        raise OptionError("kinesis source: set both 'awsAccessKey' and 'awsSecretKey', or neither")
    cap = opts.get("maxrecordsperbatch")
    return SourceOptions(
        streams=streams,
        region=region,
        initial_position=position,
        initial_timestamp_ms=ts_ms,
        endpoint_url=opts.get("endpointurl") or None,
        access_key=access or None,
        secret_key=secret or None,
        session_token=opts.get("awssessiontoken") or None,
        role_arn=opts.get("rolearn") or None,
        role_external_id=opts.get("roleexternalid") or None,
        role_session_name=opts.get("rolesessionname") or "pinterest-pipeline-kinesis",
        max_records_per_fetch=_int(opts, "maxRecordsPerFetch", 10000, high=10000),
        max_records_per_batch=_int(opts, "maxRecordsPerBatch", 0) if cap else None,
        max_fetch_duration_s=_duration(opts, "maxFetchDuration", "10s"),
        min_fetch_period_s=_duration(opts, "minFetchPeriod", "200ms"),
        shard_fetch_interval_s=_duration(opts, "shardFetchInterval", "1s"),
    )


def _initial_position(opts: dict[str, str]) -> tuple[str, int | None]:
    raw = opts.get("initialposition", "latest").strip()
    if raw.startswith("{"):  # Databricks' JSON form: {"at_timestamp": "...", "format": "..."}
        try:
            spec = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise OptionError(f"kinesis source: bad JSON in 'initialPosition': {exc}") from None
        if "format" in spec:
            raise OptionError(
                "kinesis source: 'initialPosition' with a 'format' is not supported; "
                "give 'at_timestamp' as ISO 8601 or epoch seconds"
            )
        return "at_timestamp", parse_timestamp_ms(str(spec.get("at_timestamp", "")))
    position = raw.lower()
    if position not in POSITIONS:
        raise OptionError(
            f"kinesis source: initialPosition {raw!r} is not one of {', '.join(POSITIONS)}"
        )
    if position == "earliest":
        position = "trim_horizon"
    if position != "at_timestamp":
        return position, None
    if "initialtimestamp" not in opts:
        raise OptionError("kinesis source: initialPosition at_timestamp needs 'initialTimestamp'")
    return position, parse_timestamp_ms(opts["initialtimestamp"])


def parse_timestamp_ms(text: str) -> int:
    """ISO 8601 (UTC unless an offset is given) or epoch seconds, to epoch milliseconds."""
    text = text.strip()
    try:
        return int(float(text) * 1000)
    except ValueError:
        pass
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise OptionError(
            f"kinesis source: timestamp {text!r} is neither ISO 8601 nor epoch seconds"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return int(value.timestamp() * 1000)


def _int(opts: dict[str, str], name: str, default: int, high: int | None = None) -> int:
    raw = opts.get(name.lower())
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise OptionError(f"kinesis source: {name} must be an integer, got {raw!r}") from None
    if value < 1 or (high is not None and value > high):
        bounds = f"between 1 and {high}" if high else "at least 1"
        raise OptionError(f"kinesis source: {name} must be {bounds}, got {value}")
    return value


def parse_duration(text: str) -> float:
    """'400ms', '1s', '2 minutes' or a bare number of seconds, to seconds."""
    match = _DURATION_RE.match(text)
    if not match:
        raise OptionError(f"kinesis source: {text!r} is not a duration like 400ms, 1s or 2m")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2) or "s"]


def _duration(opts: dict[str, str], name: str, default: str) -> float:
    try:
        return parse_duration(opts.get(name.lower(), default))
    except OptionError as exc:
        raise OptionError(f"{exc} (option {name})") from None
