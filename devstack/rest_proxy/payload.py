"""Content-Type negotiation and produce-request parsing: bytes in, Kafka records out.

Pure functions, so every validation error can be unit-tested without a broker.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from enum import Enum
from typing import NoReturn

from devstack.rest_proxy import errors

RESPONSE_TYPE = "application/vnd.kafka.v2+json"


class Format(Enum):
    JSON = "json"
    BINARY = "binary"
    AVRO = "avro"
    JSONSCHEMA = "jsonschema"
    PROTOBUF = "protobuf"

    @property
    def needs_schema(self) -> bool:
        return self in (Format.AVRO, Format.JSONSCHEMA, Format.PROTOBUF)


# What Confluent REST Proxy 7.x accepts on POST /topics/{topic} (ProduceToTopicAction's
# @Consumes). Plain application/vnd.kafka.v2+json was the binary format in 5.x and is a 415 since.
_CONTENT_TYPES = {f"application/vnd.kafka.{f.value}.v2+json": f for f in Format}

_SCHEMA_FIELDS = ("key_schema", "key_schema_id", "value_schema", "value_schema_id")
_RECORD_FIELDS = {"key", "value", "partition"}


@dataclass(frozen=True)
class OutRecord:
    """One record ready for the producer: serialized key and value, optional partition."""

    key: bytes | None
    value: bytes | None
    partition: int | None


def embedded_format(content_type: str | None) -> Format:
    """The embedded format named by a Content-Type header, or a 415."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    fmt = _CONTENT_TYPES.get(media_type)
    if fmt is None:
        shown = media_type or "none"
        raise errors.ProxyError(
            415,
            415,
            f"HTTP 415 Unsupported Media Type: Content-Type {shown} is not supported; use "
            "application/vnd.kafka.json.v2+json or application/vnd.kafka.binary.v2+json",
        )
    return fmt


def parse_request(body: bytes, fmt: Format, path_partition: int | None) -> list[OutRecord]:
    """Validate a produce request body and serialize its records, or raise a 422."""
    document = _load_json(body)
    if not isinstance(document, dict):
        raise errors.unprocessable("Request body must be a JSON object with a 'records' array")
    unknown = set(document) - {"records", *_SCHEMA_FIELDS}
    if unknown:
        raise errors.unprocessable(f"Unrecognized field(s): {', '.join(sorted(unknown))}")
    records = document.get("records")
    if not isinstance(records, list) or not records:
        raise errors.unprocessable("records may not be empty: 'records' must be a non-empty array")
    checked = [_check_record(i, r, path_partition) for i, r in enumerate(records)]
    if fmt.needs_schema:
        _check_schemas(document, checked, fmt)
    return [_serialize(i, r, fmt, path_partition) for i, r in enumerate(checked)]


def _load_json(body: bytes) -> object:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise errors.unprocessable(f"Request body is not valid UTF-8: {exc.reason}") from None
    try:
        # Jackson rejects NaN and Infinity; so do we, or they would reach Kafka as invalid JSON.
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise errors.unprocessable(f"Malformed JSON: {exc}") from None


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _check_record(index: int, record: object, path_partition: int | None) -> dict[str, object]:
    if not isinstance(record, dict):
        raise errors.unprocessable(f"records[{index}] must be a JSON object")
    unknown = set(record) - _RECORD_FIELDS
    if unknown:
        raise errors.unprocessable(
            f"records[{index}] has unrecognized field(s): {', '.join(sorted(unknown))}"
        )
    partition = record.get("partition")
    if partition is not None:
        if path_partition is not None:
            raise errors.unprocessable(
                f"records[{index}].partition is not allowed: the URL names the partition"
            )
        if isinstance(partition, bool) or not isinstance(partition, int) or partition < 0:
            raise errors.unprocessable(f"records[{index}].partition must be an integer >= 0")
    return record


def _check_schemas(
    document: dict[str, object], records: list[dict[str, object]], fmt: Format
) -> NoReturn:
    has_key_schema = any(document.get(f) is not None for f in ("key_schema", "key_schema_id"))
    has_value_schema = any(document.get(f) is not None for f in ("value_schema", "value_schema_id"))
    if any(r.get("key") is not None for r in records) and not has_key_schema:
        raise errors.unprocessable(
            "Request includes keys but does not include key schema", errors.KEY_SCHEMA_MISSING
        )
    if any(r.get("value") is not None for r in records) and not has_value_schema:
        raise errors.unprocessable(
            "Request includes values but does not include value schema",
            errors.VALUE_SCHEMA_MISSING,
        )
    # Schema formats need a Schema Registry, which this proxy does not have.
    raise errors.unprocessable(
        f"Invalid schema: the {fmt.value} format needs a Schema Registry, which this proxy "
        "does not run; use the json or binary format",
        errors.INVALID_SCHEMA,
    )


def _serialize(
    index: int, record: dict[str, object], fmt: Format, path_partition: int | None
) -> OutRecord:
    encode = _decode_base64 if fmt is Format.BINARY else _dump_json
    own = record.get("partition")
    return OutRecord(
        key=encode(index, "key", record.get("key")),
        value=encode(index, "value", record.get("value")),
        partition=path_partition if path_partition is not None else _int_or_none(own),
    )


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _dump_json(index: int, field: str, value: object) -> bytes | None:
    """Compact JSON, non-ASCII kept as UTF-8: the bytes Jackson writes for the same value."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _decode_base64(index: int, field: str, value: object) -> bytes | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise errors.unprocessable(f"records[{index}].{field} must be a base64 string or null")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise errors.unprocessable(f"records[{index}].{field} is not valid base64") from None
