"""Wire format: byte-exact bodies against hand-written expectations, and reading 2xx answers."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from contracts.names import Names
from contracts.records import GEO, PIN, USER, datetime_text, to_wire
from emulator.wire import build_request, read_outcome

NAMES = Names("0a1b2c3d4e5f")
API = "https://abc123.execute-api.us-east-1.amazonaws.com/dev/"

GEO_ROW = {
    "ind": 7528,
    "timestamp": dt.datetime(2020, 2, 18, 4, 5, 9),
    "latitude": -89.9787,
    "longitude": -173.293,
    "country": "Côte d'Ivoire",
}
USER_ROW = {
    "ind": 2863,
    "first_name": "Dylan",
    "last_name": "Holmes",
    "age": 32,
    "date_joined": dt.datetime(2016, 10, 23, 14, 6, 51),
}
PIN_ROW = {
    "index": 7528,
    "unique_id": "fbe53c66-3442-4773-b19e-d3ec6f54dddf",
    "title": "No Title Data Available",
    "description": "No description available Story format",
    "poster_name": "User Info Error",
    "follower_count": "1.5k",
    "tag_list": "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e",
    "is_image_or_video": "multi-video(story page format)",
    "image_src": "Image src error.",
    "downloaded": 0,
    "save_location": "Local save in /data/mens-fashion",
    "category": "mens-fashion",
}


def test_to_wire_formats_datetimes_and_keeps_everything_else() -> None:
    assert to_wire(GEO, GEO_ROW) == {
        "ind": 7528,
        "timestamp": "2020-02-18 04:05:09",
        "latitude": -89.9787,
        "longitude": -173.293,
        "country": "Côte d'Ivoire",
    }
    assert to_wire(PIN, PIN_ROW) == PIN_ROW


def test_batch_body_is_rest_proxy_v2() -> None:
    rows = [to_wire(USER, USER_ROW), to_wire(USER, {**USER_ROW, "ind": 2864})]
    req = build_request("batch", API, NAMES, "user", rows, multi=True)
    assert req.method == "POST"
    assert req.url == f"{API}topics/0a1b2c3d4e5f.user"
    assert req.headers["Content-Type"] == "application/vnd.kafka.json.v2+json"
    assert "x-api-key" not in req.headers
    assert req.body == (
        b'{"records":[{"value":{"ind":2863,"first_name":"Dylan","last_name":"Holmes","age":32,'
        b'"date_joined":"2016-10-23 14:06:51"}},{"value":{"ind":2864,"first_name":"Dylan",'
        b'"last_name":"Holmes","age":32,"date_joined":"2016-10-23 14:06:51"}}]}'
    )


def test_batch_body_for_one_pin_is_the_seed_format() -> None:
    req = build_request("batch", API, NAMES, "pin", [to_wire(PIN, PIN_ROW)], multi=False)
    assert req.body == (
        b'{"records":[{"value":{"index":7528,"unique_id":"fbe53c66-3442-4773-b19e-d3ec6f54dddf",'
        b'"title":"No Title Data Available","description":"No description available Story format",'
        b'"poster_name":"User Info Error","follower_count":"1.5k",'
        b'"tag_list":"N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e",'
        b'"is_image_or_video":"multi-video(story page format)","image_src":"Image src error.",'
        b'"downloaded":0,"save_location":"Local save in /data/mens-fashion",'
        b'"category":"mens-fashion"}}]}'
    )


def test_stream_put_record_body() -> None:
    req = build_request("stream", API, NAMES, "geo", [to_wire(GEO, GEO_ROW)], multi=False)
    assert req.method == "PUT"
    assert req.url == f"{API}streams/streaming-0a1b2c3d4e5f-geo/record"
    assert req.headers["Content-Type"] == "application/json"
    assert (
        req.body
        == (
            '{"StreamName":"streaming-0a1b2c3d4e5f-geo","Data":{"ind":7528,'
            '"timestamp":"2020-02-18 04:05:09","latitude":-89.9787,"longitude":-173.293,'
            '"country":"Côte d\'Ivoire"},"PartitionKey":"7528"}'
        ).encode()
    )


def test_stream_put_records_body() -> None:
    rows = [to_wire(USER, USER_ROW), to_wire(USER, {**USER_ROW, "ind": 9, "age": 80})]
    req = build_request("stream", API, NAMES, "user", rows, multi=True, api_key="k-123")
    assert req.url == f"{API}streams/streaming-0a1b2c3d4e5f-user/records"
    assert req.headers["x-api-key"] == "k-123"
    assert req.body == (
        b'{"StreamName":"streaming-0a1b2c3d4e5f-user","Records":['
        b'{"Data":{"ind":2863,"first_name":"Dylan","last_name":"Holmes","age":32,'
        b'"date_joined":"2016-10-23 14:06:51"},"PartitionKey":"2863"},'
        b'{"Data":{"ind":9,"first_name":"Dylan","last_name":"Holmes","age":80,'
        b'"date_joined":"2016-10-23 14:06:51"},"PartitionKey":"9"}]}'
    )


def test_api_url_with_or_without_trailing_slash() -> None:
    row = [to_wire(GEO, GEO_ROW)]
    a = build_request("batch", "http://h:1/dev", NAMES, "geo", row, multi=False)
    b = build_request("batch", "http://h:1/dev/", NAMES, "geo", row, multi=False)
    assert a.url == b.url == "http://h:1/dev/topics/0a1b2c3d4e5f.geo"


@pytest.mark.parametrize(
    ("mode", "text", "retry", "failed"),
    [
        (
            "batch",
            '{"offsets":[{"partition":0,"offset":1,"error_code":null,"error":null}]}',
            [],
            [],
        ),
        ("batch", "", [], []),
        ("batch", "not json", [], []),
        (
            "batch",
            '{"offsets":[{"partition":0,"offset":1,"error_code":null},'
            '{"partition":null,"offset":null,"error_code":2,"error":"timeout"},'
            '{"partition":null,"offset":null,"error_code":1,"error":"too large"}]}',
            [1],
            [2],
        ),
        ("stream", '{"SequenceNumber":"49","ShardId":"shardId-000000000000"}', [], []),
        (
            "stream",
            '{"FailedRecordCount":2,"Records":[{"ErrorCode":"ProvisionedThroughputExceededException",'
            '"ErrorMessage":"slow down"},{"SequenceNumber":"1","ShardId":"s"},'
            '{"ErrorCode":"InternalFailure","ErrorMessage":"oops"}]}',
            [0, 2],
            [],
        ),
        ("stream", '{"FailedRecordCount":0,"Records":[{"SequenceNumber":"1"}]}', [], []),
        (
            "stream",
            '{"__type":"ResourceNotFoundException","message":"Stream x not found"}',
            [],
            [0, 1, 2],
        ),
        ("stream", '{"__type":"ProvisionedThroughputExceededException"}', [0, 1, 2], []),
    ],
)
def test_read_outcome(mode: str, text: str, retry: list[int], failed: list[int]) -> None:
    outcome = read_outcome(mode, 3, text)  # type: ignore[arg-type]
    assert (outcome.retry, outcome.failed) == (retry, failed)
    assert (outcome.error is None) == (not retry and not failed)


class IsoEncoder(json.JSONEncoder):
    """What public posting scripts that call isoformat() use."""

    def default(self, o: Any) -> Any:
        return o.isoformat() if isinstance(o, dt.datetime) else super().default(o)


def test_datetime_styles() -> None:
    value = dt.datetime(2019, 5, 14, 9, 31, 2)
    assert datetime_text(value, "str") == "2019-05-14 09:31:02"
    assert datetime_text(value, "isoformat") == "2019-05-14T09:31:02"
    assert datetime_text(value.replace(microsecond=5), "str") == "2019-05-14 09:31:02.000005"
    assert [datetime_text(value, "mix", i)[10] for i in range(4)] == [" ", "T", " ", "T"]
    with pytest.raises(ValueError, match="unknown datetime style"):
        datetime_text(value, "epoch")  # type: ignore[arg-type]


def test_to_wire_in_each_style_is_what_clients_send() -> None:
    assert to_wire(USER, USER_ROW, "str")["date_joined"] == str(USER_ROW["date_joined"])
    iso = USER_ROW["date_joined"].isoformat()
    assert to_wire(USER, USER_ROW, "isoformat")["date_joined"] == iso
    even, odd = {**USER_ROW, "ind": 10}, {**USER_ROW, "ind": 11}
    assert to_wire(USER, even, "mix")["date_joined"] == "2016-10-23 14:06:51"
    assert to_wire(USER, odd, "mix")["date_joined"] == "2016-10-23T14:06:51"


@pytest.mark.parametrize(("style", "encoder"), [("str", None), ("isoformat", IsoEncoder)])
def test_public_batch_request_is_byte_for_byte_the_public_script(style: Any, encoder: Any) -> None:
    # The public script: json.dumps({"records": [{"value": row}]}, default=str) of the raw
    # database row (datetime objects), to POST /topics/<topic> with only a Content-Type.
    for row in (GEO_ROW, USER_ROW, PIN_ROW):
        spec = GEO if "timestamp" in row else USER if "date_joined" in row else PIN
        req = build_request(
            "batch", API, NAMES, spec.table, [to_wire(spec, row, style)], multi=False,
            shape="public",
        )  # fmt: skip
        payload = {"records": [{"value": row}]}
        public = json.dumps(payload, cls=encoder) if encoder else json.dumps(payload, default=str)
        assert req.body == public.encode()
        assert req.method == "POST" and req.url == f"{API}topics/{NAMES.topic(spec.table)}"
        assert req.headers == {"Content-Type": "application/vnd.kafka.json.v2+json"}
    assert (
        b"C\\u00f4te d'Ivoire"
        in build_request(
            "batch", API, NAMES, "geo", [to_wire(GEO, GEO_ROW)], multi=False, shape="public"
        ).body
    )


def test_public_stream_request_is_byte_for_byte_the_public_script() -> None:
    req = build_request(
        "stream", API, NAMES, "user", [to_wire(USER, USER_ROW, "isoformat")], multi=False,
        api_key="k", shape="public",
    )  # fmt: skip
    stream = "streaming-0a1b2c3d4e5f-user"
    public = {"StreamName": stream, "Data": USER_ROW, "PartitionKey": "partition-1"}
    assert req.body == json.dumps(public, cls=IsoEncoder).encode()
    assert req.method == "PUT" and req.url == f"{API}streams/{stream}/record"
    assert req.headers == {"Content-Type": "application/json", "x-api-key": "k"}


def test_public_shape_is_one_record_per_request() -> None:
    rows = [to_wire(USER, USER_ROW)] * 2
    with pytest.raises(ValueError, match="one record per request"):
        build_request("stream", API, NAMES, "user", rows, multi=True, shape="public")
