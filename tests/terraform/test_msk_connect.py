"""MSK Connect: the S3 sink of DESIGN section 6, replaced on change, least privilege."""

from __future__ import annotations

from tests.terraform.hcl import MODULES_DIR, labelled, locals_of

MODULE = MODULES_DIR / "msk_connect"


def test_connector_configuration_is_the_design_sink() -> None:
    config = locals_of(MODULE)["connector_configuration"]
    assert config["connector.class"] == "io.confluent.connect.s3.S3SinkConnector"
    assert config["topics.regex"] == "${var.topics_regex}"
    assert "topics" not in config, "topics and topics.regex are exclusive"
    assert config["flush.size"] == "${tostring(var.flush_size)}"
    assert config["format.class"] == "io.confluent.connect.s3.format.json.JsonFormat"
    assert config["partitioner.class"] == (
        "io.confluent.connect.storage.partitioner.DefaultPartitioner"
    )
    assert config["value.converter"] == "org.apache.kafka.connect.json.JsonConverter"
    assert config["value.converter.schemas.enable"] == "false"
    assert config["s3.bucket.name"] == "${var.bucket}"
    assert config["s3.region"] == "${data.aws_region.current.name}"
    assert config.get("topics.dir", "topics") == "topics"
    # DefaultPartitioner ignores rotate.interval.ms; only the scheduled rotation flushes by time.
    assert "rotate.interval.ms" not in config
    assert "rotate.schedule.interval.ms" in config and config["timezone"] == "UTC"


def test_configuration_change_replaces_the_connector() -> None:
    connector = labelled(MODULE, "resource", "aws_mskconnect_connector")["s3_sink"]
    assert connector["connector_configuration"] == "${local.connector_configuration}"
    triggers = connector["lifecycle"][0]["replace_triggered_by"]
    assert triggers == ["${terraform_data.connector_config}"]
    holder = labelled(MODULE, "resource", "terraform_data")["connector_config"]
    assert "local.connector_configuration" in holder["input"]
    assert holder["input"].startswith("${sha256(")


def test_connector_uses_iam_over_tls_and_the_uploaded_plugin() -> None:
    connector = labelled(MODULE, "resource", "aws_mskconnect_connector")["s3_sink"]
    assert connector["kafka_cluster_client_authentication"][0]["authentication_type"] == "IAM"
    assert connector["kafka_cluster_encryption_in_transit"][0]["encryption_type"] == "TLS"
    plugin = connector["plugin"][0]["custom_plugin"][0]
    assert plugin["arn"] == "${aws_mskconnect_custom_plugin.s3_sink.arn}"
    custom = labelled(MODULE, "resource", "aws_mskconnect_custom_plugin")["s3_sink"]
    location = custom["location"][0]["s3"][0]
    assert location["file_key"] == "${aws_s3_object.plugin.key}"
    assert location["object_version"] == "${aws_s3_object.plugin.version_id}"
    zip_object = labelled(MODULE, "resource", "aws_s3_object")["plugin"]
    assert zip_object["source"] == "${var.plugin_zip_path}"


def test_execution_role_is_limited_to_cluster_topics_and_bucket() -> None:
    doc = labelled(MODULE, "data", "aws_iam_policy_document")["connector"]
    by_sid = {st["sid"]: st for st in doc["statement"]}
    assert by_sid["ConnectToCluster"]["resources"] == ["${var.cluster_arn}"]
    assert by_sid["ReadPipelineTopics"]["resources"] == "${local.topic_arns}"
    assert set(by_sid["ReadPipelineTopics"]["actions"]) == {
        "kafka-cluster:DescribeTopic",
        "kafka-cluster:ReadData",
    }
    for st in doc["statement"]:
        resources = st["resources"]
        resources = [resources] if isinstance(resources, str) else resources
        for r in resources:
            assert r.startswith(
                (
                    "${var.cluster_arn",
                    "${local.topic_arns",
                    "${var.topic_arn_prefix}/",
                    "${var.group_arn_prefix}/",
                    "${var.bucket_arn",
                    "${var.bucket_kms_key_arn",
                )
            ), f"{st['sid']}: {r}"
    assert locals_of(MODULE)["topic_arns"] == (
        '${[for t in values(var.topics) : "${var.topic_arn_prefix}/${t}"]}'
    )
