"""The streaming job's command line and settings, without Spark (moto stands in for Kinesis)."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

from contracts.names import Names
from jobs.streaming.__main__ import config_from, main, parse_args
from jobs.streaming.job import StreamConfig

NAMES = Names("0a1b2c3d4e5f")


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "test")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("DATABRICKS_RUNTIME_VERSION", raising=False)


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    assert "--checkpoints" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--trigger", "soon"], "--trigger: 'available-now' or seconds > 0"),
        (["--trigger", "0"], "--trigger: 'available-now' or seconds > 0"),
        (["--streams", "pin,board"], "--streams: give some of pin, geo, user"),
        (["--initial-position", "at_timestamp"], "--initial-timestamp goes with"),
        (["--initial-position", "at_timestamp", "--initial-timestamp", "noon"], "neither ISO"),
        (["--max-records-per-batch", "0"], "at least 1"),
        (["--pipeline-id", "No_Good"], "invalid PIPELINE_ID"),
        (["--secret-scope", "s"], "works on Databricks only"),
        (["--service-credential", "kinesis"], "--service-credential works on Databricks only"),
        (
            ["--service-credential", "kinesis", "--role-arn", "arn:aws:iam::1:role/r"],
            "give one of --service-credential, --role-arn, --secret-scope",
        ),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--output", "out", "--checkpoints", "ck", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and err.count("\n") == 1


def test_output_or_catalog_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--checkpoints", "ck"]) == 2
    assert "give --output, or --catalog" in capsys.readouterr().err


def test_missing_stream_exits_1(moto_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--output", "o", "--checkpoints", "c", "--endpoint", moto_url])
    err = capsys.readouterr().err
    assert code == 1
    assert "Kinesis stream streaming-0a1b2c3d4e5f-pin: ResourceNotFoundException" in err
    assert err.count("\n") == 1


def test_unreachable_endpoint_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code = main(["--output", "o", "--checkpoints", "c", "--endpoint", f"http://127.0.0.1:{port}"])
    err = capsys.readouterr().err
    assert code == 1 and "cannot reach Kinesis" in err and err.count("\n") == 1


def test_existing_streams_pass_the_check(moto_url: str) -> None:
    from jobs.streaming.__main__ import check_streams

    kinesis = boto3.client("kinesis", endpoint_url=moto_url, region_name="us-east-1")
    for stream in NAMES.streams:
        kinesis.create_stream(StreamName=stream, ShardCount=1)
    config = config_from(parse_args(["--output", "o", "--checkpoints", "c"]), False)
    check_streams(StreamConfig(**{**config.__dict__, "endpoint": moto_url}))


def test_local_settings_and_table_names() -> None:
    args = parse_args(
        ["--output", "/data/out", "--checkpoints", "s3://b/ck", "--trigger", "1",
         "--max-records-per-batch", "500", "--endpoint", "http://127.0.0.1:4566"]
    )  # fmt: skip
    config = config_from(args, on_databricks=False)
    assert config.target("pin").location == "file:/data/out/0a1b2c3d4e5f_pin_table"
    assert config.checkpoint("geo") == "s3://b/ck/0a1b2c3d4e5f_geo_table"
    assert config.source_options("user", on_databricks=False) == {
        "streamName": "streaming-0a1b2c3d4e5f-user",
        "region": "us-east-1",
        "initialPosition": "earliest",
        "endpointUrl": "http://127.0.0.1:4566",
        "maxRecordsPerBatch": "500",
    }


def test_databricks_settings_use_the_builtin_source_options() -> None:
    args = parse_args(
        ["--catalog", "main", "--schema", "pinterest_stream", "--checkpoints", "s3://b/ck",
         "--endpoint", "http://127.0.0.1:4566", "--role-arn", "arn:aws:iam::1:role/r",
         "--initial-position", "at_timestamp", "--initial-timestamp", "2024-01-02T03:04:05Z"]
    )  # fmt: skip
    config = config_from(args, on_databricks=True)
    assert config.target("pin").location == "main.pinterest_stream.0a1b2c3d4e5f_pin_table"
    opts = config.source_options("pin", on_databricks=True)
    assert "endpointUrl" not in opts and opts["roleArn"] == "arn:aws:iam::1:role/r"
    assert json.loads(opts["initialPosition"]) == {
        "at_timestamp": "2024-01-02T03:04:05.000Z",
        "format": "yyyy-MM-dd'T'HH:mm:ss.SSSX",
    }


def test_service_credential_becomes_the_databricks_source_option() -> None:
    args = parse_args(
        [
            "--catalog",
            "main",
            "--checkpoints",
            "s3://b/ck",
            "--service-credential",
            "pinterest-kinesis",
        ]
    )
    opts = config_from(args, on_databricks=True).source_options("geo", on_databricks=True)
    assert opts == {
        "streamName": "streaming-0a1b2c3d4e5f-geo",
        "region": "us-east-1",
        "initialPosition": "earliest",
        "serviceCredential": "pinterest-kinesis",
    }
