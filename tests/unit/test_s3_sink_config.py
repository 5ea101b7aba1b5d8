"""S3 sink configuration: Java .properties parsing and the connector's property names."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from devstack import jsonlog
from devstack.s3_sink.__main__ import load_config, main, parse_args
from devstack.s3_sink.config import ConfigError, build, parse_properties

REQUIRED = {"topics.regex": r"abc\.(pin|geo)", "s3.bucket.name": "b", "flush.size": "10"}


def test_parse_properties_java_syntax() -> None:
    text = "\n".join(
        [
            "# comment",
            "! also a comment",
            "  topics.regex = abc\\\\.(pin|geo)",
            "flush.size:500",
            "name connector one",
            "long.value = first, \\",
            "    second",
            "escaped\\=key=v\\u00e9",
            "",
        ]
    )
    assert parse_properties(text) == {
        "topics.regex": "abc\\.(pin|geo)",
        "flush.size": "500",
        "name": "connector one",
        "long.value": "first, second",
        "escaped=key": "vé",
    }


def test_build_defaults() -> None:
    config = build(REQUIRED)
    assert config.flush_size == 10
    assert config.rotate_interval_ms == -1 and config.topics_dir == "topics"
    assert config.group_id == "connect-devstack-s3-sink"
    assert config.unknown == ()


def test_topics_list_becomes_an_exact_regex() -> None:
    props = {k: v for k, v in REQUIRED.items() if k != "topics.regex"}
    config = build({**props, "topics": "a.pin, a.geo"})
    assert config.topics_regex == r"a\.pin|a\.geo"


def test_terraform_connector_properties_are_accepted() -> None:
    props = {
        **REQUIRED,
        "connector.class": "io.confluent.connect.s3.S3SinkConnector",
        "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
        "storage.class": "io.confluent.connect.s3.storage.S3Storage",
        "value.converter.schemas.enable": "false",
        "tasks.max": "3",
        "consumer.override.session.timeout.ms": "10000",
        "s3.part.size": "5242880",
    }
    config = build(props)
    assert config.consumer_overrides == {"session.timeout.ms": "10000"}
    assert config.unknown == ("s3.part.size",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"flush.size": None}, "missing required property flush.size"),
        ({"s3.bucket.name": " "}, "missing required property s3.bucket.name"),
        ({"flush.size": "0"}, "flush.size=0 must be >= 1"),
        ({"flush.size": "ten"}, "is not an integer"),
        ({"rotate.interval.ms": "-5"}, "must be >= -1"),
        ({"topics.regex": "("}, "not a valid regex"),
        ({"topics": "x"}, "exactly one of topics.regex and topics"),
        ({"format.class": "io.confluent.connect.s3.format.avro.AvroFormat"}, "not supported"),
        ({"errors.tolerance": "some"}, "must be one of none, all"),
    ],
)
def test_bad_configurations(change: dict[str, str | None], message: str) -> None:
    props = {**REQUIRED, **change}
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        build({k: v for k, v in props.items() if v is not None})


def test_property_flags_win_over_the_file(tmp_path: Path) -> None:
    file = tmp_path / "sink.properties"
    file.write_text("topics.regex=x\ns3.bucket.name=from-file\nflush.size=3\n")
    args = parse_args(["--property-file", str(file), "--property", "flush.size=7"])
    config = load_config(args)
    assert (config.bucket, config.flush_size) == ("from-file", 7)


def test_missing_property_file_is_a_config_error(tmp_path: Path) -> None:
    args = argparse.Namespace(property_file=tmp_path / "none.properties", property=[])
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(args)


def test_cli_config_error_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--property", "flush.size=1", "--property", "s3.bucket.name=b"]) == 2
    err = capsys.readouterr().err
    assert err == "s3_sink: set exactly one of topics.regex and topics\n"


def test_cli_property_needs_equals(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--property", "flush.size"]) == 2
    assert "KEY=VALUE" in capsys.readouterr().err


def test_cli_bad_consumer_override_is_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")  # never contacted
    monkeypatch.setattr(jsonlog, "setup", lambda level: None)  # keep pytest's log handlers
    argv = [
        "--property",
        "topics=x",
        "--property",
        "s3.bucket.name=b",
        "--property",
        "flush.size=1",
    ]
    assert main([*argv, "--property", "consumer.override.session.timeout.ms=abc"]) == 2
    assert "invalid consumer configuration" in capsys.readouterr().err
