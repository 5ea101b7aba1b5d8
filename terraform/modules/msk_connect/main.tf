# MSK Connect runs the Confluent S3 sink (the seed's <id>-plugin and <id>-connector): it consumes
# the pipeline's topics with IAM authentication and writes JSON objects to the data bucket.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  arn_tail   = "${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}"
  log_group  = "/msk-connect/${var.connector_name}"
  topic_arns = [for t in values(var.topics) : "${var.topic_arn_prefix}/${t}"]

  # DESIGN section 6: JSON lines under topics/<topic>/partition=<p>/<topic>+<p>+<offset>.json.
  connector_configuration = {
    "connector.class"                = "io.confluent.connect.s3.S3SinkConnector"
    "tasks.max"                      = tostring(var.tasks_max)
    "topics.regex"                   = var.topics_regex
    "s3.region"                      = data.aws_region.current.name
    "s3.bucket.name"                 = var.bucket
    "topics.dir"                     = "topics"
    "flush.size"                     = tostring(var.flush_size)
    "rotate.schedule.interval.ms"    = tostring(var.rotate_schedule_interval_ms)
    "timezone"                       = "UTC"
    "storage.class"                  = "io.confluent.connect.s3.storage.S3Storage"
    "format.class"                   = "io.confluent.connect.s3.format.json.JsonFormat"
    "partitioner.class"              = "io.confluent.connect.storage.partitioner.DefaultPartitioner"
    "schema.compatibility"           = "NONE"
    "key.converter"                  = "org.apache.kafka.connect.storage.StringConverter"
    "value.converter"                = "org.apache.kafka.connect.json.JsonConverter"
    "value.converter.schemas.enable" = "false"
  }
}

# ---- plugin --------------------------------------------------------------------------------

resource "aws_s3_object" "plugin" {
  bucket      = var.bucket
  key         = "plugins/${basename(var.plugin_zip_path)}"
  source      = var.plugin_zip_path
  source_hash = filemd5(var.plugin_zip_path)
  kms_key_id  = var.bucket_kms_key_arn
}

# Custom plugins are immutable: a new zip (a new object version) replaces the plugin, and with it
# the connector.
resource "aws_mskconnect_custom_plugin" "s3_sink" {
  name         = var.plugin_name
  content_type = "ZIP"

  location {
    s3 {
      bucket_arn     = var.bucket_arn
      file_key       = aws_s3_object.plugin.key
      object_version = aws_s3_object.plugin.version_id
    }
  }
}

# ---- execution role ------------------------------------------------------------------------

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["kafkaconnect.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:kafkaconnect:${local.arn_tail}:connector/${var.connector_name}/*"]
    }
  }
}

resource "aws_iam_role" "connector" {
  name               = "${var.connector_name}-execution"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "connector" {
  statement {
    sid       = "ConnectToCluster"
    actions   = ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"]
    resources = [var.cluster_arn]
  }

  statement {
    sid       = "ReadPipelineTopics"
    actions   = ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
    resources = local.topic_arns
  }

  # MSK Connect keeps its own state in topics named __amazon_msk_connect_*.
  statement {
    sid       = "ConnectInternalTopics"
    actions   = ["kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:ReadData", "kafka-cluster:WriteData"]
    resources = ["${var.topic_arn_prefix}/__amazon_msk_connect_*"]
  }

  statement {
    sid     = "ConsumerGroups"
    actions = ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"]
    resources = [
      "${var.group_arn_prefix}/connect-${var.connector_name}",
      "${var.group_arn_prefix}/__amazon_msk_connect_*",
    ]
  }

  statement {
    sid       = "ListDataBucket"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]
    resources = [var.bucket_arn]
  }

  statement {
    sid       = "WriteSinkObjects"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    resources = ["${var.bucket_arn}/topics/*"]
  }

  statement {
    sid       = "EncryptSinkObjects"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.bucket_kms_key_arn]
  }
}

resource "aws_iam_role_policy" "connector" {
  name   = "s3-sink"
  role   = aws_iam_role.connector.id
  policy = data.aws_iam_policy_document.connector.json
}

# ---- logs ----------------------------------------------------------------------------------

module "logs_key" {
  source            = "../kms_key"
  description       = "MSK Connect ${var.connector_name} worker logs"
  log_group_name    = local.log_group
  log_statement_sid = "WorkerLogGroupUsesKey"
}

resource "aws_cloudwatch_log_group" "workers" {
  name              = local.log_group
  retention_in_days = var.log_retention_days
  kms_key_id        = module.logs_key.arn
}

# ---- network: the workers' own group --------------------------------------------------------

# Terraform drops AWS's allow-all egress, so each path the workers take is a rule: Kafka to the
# brokers, HTTPS to S3 through the gateway endpoint (the sink's only AWS API). DNS and the
# container credentials endpoint are not filtered by security groups.
resource "aws_security_group" "workers" {
  name        = "${var.connector_name}-workers"
  description = "MSK Connect workers of ${var.connector_name}: Kafka to the brokers, HTTPS to S3"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "workers_to_brokers" {
  security_group_id            = aws_security_group.workers.id
  referenced_security_group_id = var.broker_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 9098
  to_port                      = 9098
  description                  = "Kafka over TLS with IAM authentication"
}

resource "aws_vpc_security_group_ingress_rule" "brokers_from_workers" {
  security_group_id            = var.broker_security_group_id
  referenced_security_group_id = aws_security_group.workers.id
  ip_protocol                  = "tcp"
  from_port                    = 9098
  to_port                      = 9098
  description                  = "Kafka over TLS with IAM authentication from ${var.connector_name}"
}

resource "aws_vpc_security_group_egress_rule" "workers_to_s3" {
  security_group_id = aws_security_group.workers.id
  prefix_list_id    = var.s3_prefix_list_id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "S3 through the VPC's gateway endpoint (the sink writes the objects)"
}

# ---- connector -----------------------------------------------------------------------------

# In-place connector updates are unreliable, so any change of what the connector does replaces it.
resource "terraform_data" "connector_config" {
  input = sha256(jsonencode({
    configuration = local.connector_configuration
    version       = var.kafkaconnect_version
    capacity      = [var.mcu_count, var.worker_count]
  }))
}

resource "aws_mskconnect_connector" "s3_sink" {
  name                       = var.connector_name
  kafkaconnect_version       = var.kafkaconnect_version
  connector_configuration    = local.connector_configuration
  service_execution_role_arn = aws_iam_role.connector.arn

  capacity {
    provisioned_capacity {
      mcu_count    = var.mcu_count
      worker_count = var.worker_count
    }
  }

  kafka_cluster {
    apache_kafka_cluster {
      bootstrap_servers = var.bootstrap_brokers

      vpc {
        security_groups = [aws_security_group.workers.id]
        subnets         = var.subnet_ids
      }
    }
  }

  kafka_cluster_client_authentication {
    authentication_type = "IAM"
  }

  kafka_cluster_encryption_in_transit {
    encryption_type = "TLS"
  }

  plugin {
    custom_plugin {
      arn      = aws_mskconnect_custom_plugin.s3_sink.arn
      revision = aws_mskconnect_custom_plugin.s3_sink.latest_revision
    }
  }

  log_delivery {
    worker_log_delivery {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.workers.name
      }
    }
  }

  # Workers that start before their rules exist fail to reach the brokers or S3.
  depends_on = [
    aws_iam_role_policy.connector,
    aws_vpc_security_group_egress_rule.workers_to_brokers,
    aws_vpc_security_group_ingress_rule.brokers_from_workers,
    aws_vpc_security_group_egress_rule.workers_to_s3,
  ]

  lifecycle {
    replace_triggered_by = [terraform_data.connector_config]
  }
}
