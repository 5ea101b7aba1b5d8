# The MSK cluster: IAM client authentication over TLS (port 9098), TLS between brokers, KMS
# encryption at rest, broker logs in CloudWatch. Clients join the `clients` security group.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  replication_factor  = min(3, var.broker_count)
  min_insync_replicas = max(1, local.replication_factor - 1)
  log_group           = "/msk/${var.name}/brokers"
  arn_tail            = "${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}"
  arn_head            = "arn:${data.aws_partition.current.partition}:kafka:${local.arn_tail}"
}

# ---- security groups -----------------------------------------------------------------------

resource "aws_security_group" "brokers" {
  name        = "${var.name}-brokers"
  description = "MSK brokers of ${var.name}: IAM/TLS from the clients group only"
  vpc_id      = var.vpc_id
}

resource "aws_security_group" "clients" {
  #checkov:skip=CKV2_AWS_5:attached by the client modules (rest_proxy), not here
  name        = "${var.name}-clients"
  description = "Kafka clients of ${var.name}: may reach the brokers on 9098"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "brokers_from_clients" {
  security_group_id            = aws_security_group.brokers.id
  referenced_security_group_id = aws_security_group.clients.id
  ip_protocol                  = "tcp"
  from_port                    = 9098
  to_port                      = 9098
  description                  = "Kafka over TLS with IAM authentication"
}

resource "aws_vpc_security_group_egress_rule" "clients_to_brokers" {
  security_group_id            = aws_security_group.clients.id
  referenced_security_group_id = aws_security_group.brokers.id
  ip_protocol                  = "tcp"
  from_port                    = 9098
  to_port                      = 9098
  description                  = "Kafka over TLS with IAM authentication"
}

# ---- encryption and logs -------------------------------------------------------------------

module "key" {
  source            = "../kms_key"
  description       = "MSK ${var.name}: data at rest and broker logs"
  log_group_name    = local.log_group
  log_statement_sid = "BrokerLogGroupUsesKey"
}

resource "aws_cloudwatch_log_group" "brokers" {
  name              = local.log_group
  retention_in_days = var.log_retention_days
  kms_key_id        = module.key.arn
}

# ---- cluster -------------------------------------------------------------------------------

resource "aws_msk_configuration" "this" {
  name           = "${var.name}-${replace(var.kafka_version, ".", "-")}"
  kafka_versions = [var.kafka_version]

  # Topics are created explicitly (by the REST proxy host); acks=all producers need min.insync.
  server_properties = <<-EOT
    auto.create.topics.enable=false
    default.replication.factor=${local.replication_factor}
    min.insync.replicas=${local.min_insync_replicas}
    num.partitions=${var.default_partitions}
    unclean.leader.election.enable=false
  EOT

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_msk_cluster" "this" {
  cluster_name           = var.name
  kafka_version          = var.kafka_version
  number_of_broker_nodes = var.broker_count
  enhanced_monitoring    = "PER_BROKER"

  broker_node_group_info {
    instance_type   = var.broker_instance_type
    client_subnets  = var.subnet_ids
    security_groups = [aws_security_group.brokers.id]

    storage_info {
      ebs_storage_info {
        volume_size = var.broker_volume_gb
      }
    }

    connectivity_info {
      public_access {
        type = "DISABLED"
      }
    }
  }

  client_authentication {
    unauthenticated = false

    sasl {
      iam = true
    }
  }

  encryption_info {
    encryption_at_rest_kms_key_arn = module.key.arn

    encryption_in_transit {
      client_broker = "TLS"
      in_cluster    = true
    }
  }

  configuration_info {
    arn      = aws_msk_configuration.this.arn
    revision = aws_msk_configuration.this.latest_revision
  }

  logging_info {
    broker_logs {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.brokers.name
      }
    }
  }

  lifecycle {
    precondition {
      condition     = var.broker_count % length(var.subnet_ids) == 0
      error_message = "broker_count must be a multiple of the number of subnets."
    }
  }
}
