# Module-level `terraform test` runs against a mocked AWS provider (make tf-check, offline).

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-2"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  # Policies must be JSON: the provider still validates the arguments it is given.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  # ARNs other resources take as arguments must look like ARNs; the connector's stays random, so
  # a replaced connector shows as a new ARN.
  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-west-2:123456789012:key/00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/mock"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-2:123456789012:log-group:mock"
    }
  }
  mock_resource "aws_mskconnect_custom_plugin" {
    defaults = {
      arn = "arn:aws:kafkaconnect:eu-west-2:123456789012:custom-plugin/mock/0"
    }
  }
}

variables {
  # msk
  name       = "pinterest-0a1b2c3d4e5f"
  vpc_id     = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  # msk_connect (plugin_zip_path comes from TF_VAR_plugin_zip_path: make tf-check passes an empty zip)
  connector_name           = "0a1b2c3d4e5f-connector"
  plugin_name              = "0a1b2c3d4e5f-plugin"
  bucket                   = "user-0a1b2c3d4e5f-bucket"
  bucket_arn               = "arn:aws:s3:::user-0a1b2c3d4e5f-bucket"
  bucket_kms_key_arn       = "arn:aws:kms:eu-west-2:123456789012:key/11111111-1111-1111-1111-111111111111"
  broker_security_group_id = "sg-0123456789abcdef0"
  s3_prefix_list_id        = "pl-0123456789abcdef0"
  bootstrap_brokers        = "b-1.mock.kafka.eu-west-2.amazonaws.com:9098"
  cluster_arn              = "arn:aws:kafka:eu-west-2:123456789012:cluster/pinterest-0a1b2c3d4e5f/uuid"
  topic_arn_prefix         = "arn:aws:kafka:eu-west-2:123456789012:topic/pinterest-0a1b2c3d4e5f/uuid"
  group_arn_prefix         = "arn:aws:kafka:eu-west-2:123456789012:group/pinterest-0a1b2c3d4e5f/uuid"
  topics                   = { pin = "0a1b2c3d4e5f.pin", geo = "0a1b2c3d4e5f.geo", user = "0a1b2c3d4e5f.user" }
  topics_regex             = "0a1b2c3d4e5f\\.(pin|geo|user)"
}

run "msk_clients_authenticate_with_iam_over_tls" {
  command = plan
  module {
    source = "./modules/msk"
  }

  assert {
    condition     = aws_msk_cluster.this.client_authentication[0].sasl[0].iam == true
    error_message = "MSK clients must authenticate with IAM"
  }

  assert {
    condition     = aws_msk_cluster.this.client_authentication[0].unauthenticated == false
    error_message = "MSK must refuse unauthenticated clients"
  }

  assert {
    condition     = aws_msk_cluster.this.encryption_info[0].encryption_in_transit[0].client_broker == "TLS"
    error_message = "MSK client traffic must be TLS only"
  }
}

run "connector_created" {
  command = apply
  module {
    source = "./modules/msk_connect"
  }

  assert {
    condition     = aws_mskconnect_connector.s3_sink.connector_configuration["s3.region"] == "eu-west-2"
    error_message = "the S3 sink writes to another region than the provider's"
  }

  assert {
    condition     = aws_mskconnect_connector.s3_sink.connector_configuration["topics.regex"] == "0a1b2c3d4e5f\\.(pin|geo|user)"
    error_message = "the S3 sink does not subscribe to exactly the three topics"
  }

  assert {
    condition     = aws_mskconnect_connector.s3_sink.kafkaconnect_version == "3.7.x"
    error_message = "the connector does not run on the newest Kafka Connect MSK Connect offers (3.7.x)"
  }
}

run "kafkaconnect_version_must_be_one_msk_connect_runs" {
  command = plan
  module {
    source = "./modules/msk_connect"
  }
  variables {
    kafkaconnect_version = "3.8.x"
  }

  expect_failures = [var.kafkaconnect_version]
}

run "log_retention_change_keeps_the_connector" {
  command = apply
  module {
    source = "./modules/msk_connect"
  }
  variables {
    log_retention_days = 30
  }

  assert {
    condition     = output.connector_arn == run.connector_created.connector_arn
    error_message = "a change outside the connector's configuration replaced it"
  }
}

run "configuration_change_replaces_the_connector" {
  command = apply
  module {
    source = "./modules/msk_connect"
  }
  variables {
    log_retention_days = 30
    flush_size         = 1000
  }

  assert {
    condition     = output.connector_arn != run.log_retention_change_keeps_the_connector.connector_arn
    error_message = "a new connector configuration must replace the connector (replace_triggered_by)"
  }
}
