"""REST proxy request parsing: Content-Type negotiation and record validation, no broker."""

from __future__ import annotations

import base64
import json

import pytest

from devstack.rest_proxy import errors
from devstack.rest_proxy.payload import Format, OutRecord, embedded_format, parse_request


def body(records: object, **extra: object) -> bytes:
    return json.dumps({"records": records, **extra}).encode()


@pytest.mark.parametrize(
    ("content_type", "fmt"),
    [
        ("application/vnd.kafka.json.v2+json", Format.JSON),
        ("application/vnd.kafka.json.v2+json; charset=utf-8", Format.JSON),
        ("Application/VND.Kafka.Binary.V2+JSON", Format.BINARY),
        ("application/vnd.kafka.avro.v2+json", Format.AVRO),
    ],
)
def test_accepted_content_types(content_type: str, fmt: Format) -> None:
    assert embedded_format(content_type) is fmt


@pytest.mark.parametrize(
    "content_type",
    [None, "", "application/json", "application/vnd.kafka.v2+json", "text/plain"],
)
def test_other_content_types_are_415(content_type: str | None) -> None:
    with pytest.raises(errors.ProxyError) as caught:
        embedded_format(content_type)
    assert (caught.value.status, caught.value.error_code) == (415, 415)


def test_json_values_are_compact_utf8_and_keys_are_json() -> None:
    records = [
        {"value": {"title": "Café", "n": 1.5, "tags": ["a", "b"]}},
        {"key": "k1", "value": "plain", "partition": 2},
        {"value": None},
    ]
    out = parse_request(body(records), Format.JSON, None)
    assert out == [
        OutRecord(None, '{"title":"Café","n":1.5,"tags":["a","b"]}'.encode(), None),
        OutRecord(b'"k1"', b'"plain"', 2),
        OutRecord(None, None, None),
    ]


def test_binary_values_are_base64_decoded() -> None:
    raw = b"\x00\xffbytes"
    records = [{"key": base64.b64encode(b"k").decode(), "value": base64.b64encode(raw).decode()}]
    assert parse_request(body(records), Format.BINARY, None) == [OutRecord(b"k", raw, None)]


def test_path_partition_applies_to_every_record() -> None:
    out = parse_request(body([{"value": 1}, {"value": 2}]), Format.JSON, 1)
    assert [r.partition for r in out] == [1, 1]


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"\xff\xfe{}", "not valid UTF-8"),
        (b'{"records": [', "Malformed JSON"),
        (b'{"records": [{"value": NaN}]}', "Malformed JSON"),
        (b"[]", "must be a JSON object"),
        (b"{}", "records may not be empty"),
        (body([]), "records may not be empty"),
        (body("x"), "records may not be empty"),
        (body([1]), "records[0] must be a JSON object"),
        (body([{"value": 1, "valeu": 2}]), "unrecognized field(s): valeu"),
        (body([{"value": 1}], extra=1), "Unrecognized field(s): extra"),
        (body([{"value": 1, "partition": -1}]), "partition must be an integer >= 0"),
        (body([{"value": 1, "partition": "0"}]), "partition must be an integer >= 0"),
        (body([{"value": 1, "partition": True}]), "partition must be an integer >= 0"),
    ],
)
def test_malformed_requests_are_422(raw: bytes, fragment: str) -> None:
    with pytest.raises(errors.ProxyError) as caught:
        parse_request(raw, Format.JSON, None)
    assert (caught.value.status, caught.value.error_code) == (422, 422)
    assert fragment in caught.value.message


def test_record_partition_is_refused_on_the_partition_route() -> None:
    with pytest.raises(errors.ProxyError, match="the URL names the partition"):
        parse_request(body([{"value": 1, "partition": 0}]), Format.JSON, 0)


@pytest.mark.parametrize("value", [5, "not base64!", "YQ"])
def test_binary_needs_valid_base64(value: object) -> None:
    with pytest.raises(errors.ProxyError) as caught:
        parse_request(body([{"value": value}]), Format.BINARY, None)
    assert caught.value.status == 422


@pytest.mark.parametrize(
    ("records", "extra", "code"),
    [
        ([{"key": 1, "value": 2}], {"value_schema_id": 1}, errors.KEY_SCHEMA_MISSING),
        ([{"value": 2}], {"key_schema_id": 1}, errors.VALUE_SCHEMA_MISSING),
        ([{"key": 1, "value": 2}], {"key_schema": "s", "value_schema": "s"}, errors.INVALID_SCHEMA),
    ],
)
def test_schema_formats(records: list[object], extra: dict[str, object], code: int) -> None:
    with pytest.raises(errors.ProxyError) as caught:
        parse_request(body(records, **extra), Format.AVRO, None)
    assert (caught.value.status, caught.value.error_code) == (422, code)
