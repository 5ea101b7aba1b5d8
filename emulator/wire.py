"""What goes over HTTP: request bodies for both APIs, and what a 2xx answer says about each record.

batch:  POST {api}/topics/<topic>            REST proxy v2, {"records":[{"value": row}, ...]}
stream: PUT  {api}/streams/<stream>/record   {"StreamName", "Data": row, "PartitionKey"}
        PUT  {api}/streams/<stream>/records  {"StreamName", "Records":[{"Data", "PartitionKey"}]}

Two shapes: `project` (compact UTF-8 JSON, partition key = event index, PutRecords for batches)
and `public`, byte for byte what the public `user_posting_emulation.py` scripts send: one record
per request, `json.dumps(payload, default=str)` (spaces after separators, non-ASCII escaped),
only a Content-Type header, and a constant partition key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from contracts.names import Names
from contracts.records import SPECS, dumps

Mode = Literal["batch", "stream"]
MODES: tuple[Mode, ...] = ("batch", "stream")
Shape = Literal["project", "public"]
SHAPES: tuple[Shape, ...] = get_args(Shape)
PUBLIC_PARTITION_KEY = "partition-1"
"""The public scripts send one constant partition key (so every record goes to one shard)."""

BATCH_CONTENT_TYPE = "application/vnd.kafka.json.v2+json"
BATCH_ACCEPT = "application/vnd.kafka.v2+json, application/json"
STREAM_CONTENT_TYPE = "application/json"
MAX_STREAM_BATCH = 500
"""Kinesis PutRecords takes at most 500 records per call."""

# REST proxy v2 per-record error_code 1 means "non-retriable Kafka exception".
_REST_NON_RETRIABLE = 1
# Kinesis errors worth another try (throttling and transient service failures).
_KINESIS_RETRIABLE = (
    "ProvisionedThroughputExceeded",
    "InternalFailure",
    "ServiceUnavailable",
    "LimitExceeded",
    "KMSThrottling",
)


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Outcome:
    """What a 2xx answer says about the records of one request (positions in that request)."""

    retry: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    error: str | None = None


def build_request(
    mode: Mode,
    api_url: str,
    names: Names,
    table: str,
    rows: list[dict[str, Any]],
    *,
    multi: bool,
    api_key: str | None = None,
    shape: Shape = "project",
) -> Request:
    """One request carrying `rows` (already in wire form, see contracts.records.to_wire).

    `multi` picks the stream route: PutRecords (/records) when the batch size is above 1.
    """
    if shape == "public":
        return _public_request(mode, api_url, names, table, rows, api_key)
    base = api_url.rstrip("/")
    if mode == "batch":
        url = f"{base}/topics/{names.topic(table)}"
        body: dict[str, Any] = {"records": [{"value": row} for row in rows]}
        headers = {"Content-Type": BATCH_CONTENT_TYPE, "Accept": BATCH_ACCEPT}
        method = "POST"
    else:
        stream = names.stream(table)
        key = SPECS[table].index_field
        if multi:
            url = f"{base}/streams/{stream}/records"
            records = [{"Data": row, "PartitionKey": str(row[key])} for row in rows]
            body = {"StreamName": stream, "Records": records}
        else:
            (row,) = rows
            url = f"{base}/streams/{stream}/record"
            body = {"StreamName": stream, "Data": row, "PartitionKey": str(row[key])}
        headers = {"Content-Type": STREAM_CONTENT_TYPE, "Accept": "application/json"}
        method = "PUT"
    if api_key:
        headers["x-api-key"] = api_key
    return Request(method, url, headers, dumps(body).encode("utf-8"))


def _public_request(
    mode: Mode,
    api_url: str,
    names: Names,
    table: str,
    rows: list[dict[str, Any]],
    api_key: str | None,
) -> Request:
    """One record the way the public scripts post it."""
    if len(rows) != 1:
        raise ValueError("the public shape sends one record per request")
    (row,) = rows
    base = api_url.rstrip("/")
    if mode == "batch":
        method, url = "POST", f"{base}/topics/{names.topic(table)}"
        body: dict[str, Any] = {"records": [{"value": row}]}
        headers = {"Content-Type": BATCH_CONTENT_TYPE}
    else:
        stream = names.stream(table)
        method, url = "PUT", f"{base}/streams/{stream}/record"
        body = {"StreamName": stream, "Data": row, "PartitionKey": PUBLIC_PARTITION_KEY}
        headers = {"Content-Type": STREAM_CONTENT_TYPE}
    if api_key:
        headers["x-api-key"] = api_key
    # Their json.dumps(..., default=str): the default separators and ASCII escapes.
    return Request(method, url, headers, json.dumps(body, default=str).encode("utf-8"))


def read_outcome(mode: Mode, n: int, text: str) -> Outcome:
    """Per-record failures reported inside a 2xx answer for a request of n records."""
    try:
        body = json.loads(text) if text.strip() else {}
    except ValueError:
        return Outcome()  # a 2xx with a non-JSON body: nothing says a record failed
    if not isinstance(body, dict):
        return Outcome()
    if mode == "batch":
        return _rest_proxy_outcome(n, body)
    return _kinesis_outcome(n, body)


def _rest_proxy_outcome(n: int, body: dict[str, Any]) -> Outcome:
    out = Outcome()
    for i, offset in enumerate((body.get("offsets") or [])[:n]):
        code = offset.get("error_code") if isinstance(offset, dict) else None
        if code is None:
            continue
        out.error = f"record error {code}: {offset.get('error') or 'no message'}"
        (out.failed if code == _REST_NON_RETRIABLE else out.retry).append(i)
    return out


def _kinesis_outcome(n: int, body: dict[str, Any]) -> Outcome:
    # An AWS error passed through with a 2xx status (no integration response mapped it).
    error_type = str(body.get("__type") or body.get("ErrorCode") or "")
    if error_type:
        message = f"{error_type}: {body.get('message') or body.get('ErrorMessage') or ''}"
        positions = list(range(n))
        if _retriable_kinesis(error_type):
            return Outcome(retry=positions, error=message.strip())
        return Outcome(failed=positions, error=message.strip())
    out = Outcome()
    if not body.get("FailedRecordCount"):
        return out
    for i, record in enumerate((body.get("Records") or [])[:n]):
        code = record.get("ErrorCode") if isinstance(record, dict) else None
        if not code:
            continue
        out.error = f"{code}: {record.get('ErrorMessage') or ''}".strip()
        (out.retry if _retriable_kinesis(str(code)) else out.failed).append(i)
    return out


def _retriable_kinesis(code: str) -> bool:
    return any(name in code for name in _KINESIS_RETRIABLE)
