"""Options of the `kinesis` source, and the credentials they lead to (STS against moto)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer

from jobs.streaming import kinesis_offsets as off
from jobs.streaming.kinesis_client import make_client
from jobs.streaming.kinesis_options import OptionError, parse_duration, parse_options

BASE = {"streamName": "a", "region": "us-east-1"}


def test_databricks_option_names_are_accepted_case_insensitively() -> None:
    opts = parse_options(
        {
            "STREAMNAME": " a , b ",
            "Region": "eu-west-1",
            "initialposition": "EARLIEST",
            "maxRecordsPerFetch": "500",
            "maxRecordsPerBatch": "100",
            "shardFetchInterval": "2s",
            "minFetchPeriod": "400ms",
            "maxFetchDuration": "1m",
        }
    )
    assert opts.streams == ("a", "b")
    assert opts.region == "eu-west-1"
    assert opts.initial_position == "trim_horizon"
    assert (opts.max_records_per_fetch, opts.max_records_per_batch) == (500, 100)
    assert (opts.shard_fetch_interval_s, opts.min_fetch_period_s) == (2.0, 0.4)
    assert opts.max_fetch_duration_s == 60.0


def test_defaults() -> None:
    opts = parse_options(BASE)
    assert opts.initial_position == "latest"
    assert opts.max_records_per_batch is None
    assert opts.max_records_per_fetch == 10000
    assert opts.endpoint_url is None and opts.role_arn is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"region": "us-east-1"}, "'streamName' is required"),
        ({**BASE, "initialPosition": "oldest"}, "not one of latest, earliest"),
        ({**BASE, "initialPosition": "at_timestamp"}, "needs 'initialTimestamp'"),
        ({**BASE, "maxRecordsPerFetch": "20000"}, "between 1 and 10000"),
        ({**BASE, "maxRecordsPerBatch": "many"}, "must be an integer"),
        ({**BASE, "shardFetchInterval": "soon"}, "not a duration"),
        ({**BASE, "awsAccessKey": "AKIA"}, "both 'awsAccessKey' and 'awsSecretKey'"),
        (
            {**BASE, "initialPosition": '{"at_timestamp": "1/2/2020", "format": "M/d/y"}'},
            "'format' is not supported",
        ),
    ],
)
def test_bad_options_give_one_line_errors(options: dict[str, str], message: str) -> None:
    with pytest.raises(OptionError, match=message) as err:
        parse_options(options)
    assert "\n" not in str(err.value)


def test_at_timestamp_accepts_iso_epoch_and_the_databricks_json_form() -> None:
    iso = parse_options(
        {**BASE, "initialPosition": "at_timestamp", "initialTimestamp": "2024-01-02T03:04:05Z"}
    )
    epoch = parse_options(
        {**BASE, "initialPosition": "at_timestamp", "initialTimestamp": "1704164645"}
    )
    json_form = parse_options(
        {**BASE, "initialPosition": '{"at_timestamp": "2024-01-02 03:04:05"}'}
    )
    assert iso.initial_timestamp_ms == epoch.initial_timestamp_ms == 1704164645000
    assert json_form.initial_timestamp_ms == 1704164645000
    assert off.iterator_args(off.at_timestamp(1704164645000)) == {
        "ShardIteratorType": "AT_TIMESTAMP",
        "Timestamp": 1704164645.0,
    }


def test_durations() -> None:
    assert parse_duration("250ms") == 0.25
    assert parse_duration("3") == 3.0
    assert parse_duration("2 minutes") == 120.0


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _access_key(client: object) -> str:
    return client._request_signer._credentials.get_frozen_credentials().access_key  # type: ignore[attr-defined]


def test_explicit_keys_are_used(moto_url: str) -> None:
    opts = parse_options(
        {**BASE, "endpointUrl": moto_url, "awsAccessKey": "AKIAEXAMPLE", "awsSecretKey": "secret"}
    )
    assert _access_key(make_client(opts)) == "AKIAEXAMPLE"


def test_role_arn_assumes_the_role_through_sts(moto_url: str) -> None:
    opts = parse_options(
        {
            **BASE,
            "endpointUrl": moto_url,
            "awsAccessKey": "AKIAEXAMPLE",
            "awsSecretKey": "secret",
            "roleArn": "arn:aws:iam::123456789012:role/kinesis-reader",
            "roleExternalId": "ext-id",
            "roleSessionName": "test-session",
        }
    )
    client = make_client(opts)
    key = _access_key(client)
    assert key != "AKIAEXAMPLE" and key.startswith("ASIA")  # temporary STS credentials
    client.create_stream(StreamName="via-role", ShardCount=1)  # and they work for Kinesis
    assert client.list_shards(StreamName="via-role")["Shards"]
