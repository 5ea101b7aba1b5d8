# The log retention periods CloudWatch Logs accepts are one list, modules/log_retention_days.json:
# the root and every module that creates a log group refuse a value outside it (mocked AWS
# provider, make tf-check, offline).

mock_provider "aws" {
  # A real region name: the network module derives its zone names from it.
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-2"
    }
  }
  # Policies must be JSON: the provider still validates the arguments it is given.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
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
  mock_data "aws_availability_zones" {
    defaults = {
      names = ["eu-west-2a", "eu-west-2b", "eu-west-2c"]
    }
  }
  # ARNs other resources take as arguments must look like ARNs (the provider validates them); the
  # connector's stays random, so a replaced connector shows as a new ARN.
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
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::mock"
    }
  }
  mock_resource "aws_msk_configuration" {
    defaults = {
      arn = "arn:aws:kafka:eu-west-2:123456789012:configuration/mock/0"
    }
  }
  mock_resource "aws_msk_cluster" {
    defaults = {
      arn = "arn:aws:kafka:eu-west-2:123456789012:cluster/mock/0"
    }
  }
  mock_resource "aws_mskconnect_custom_plugin" {
    defaults = {
      arn = "arn:aws:kafkaconnect:eu-west-2:123456789012:custom-plugin/mock/0"
    }
  }
  mock_resource "aws_lb" {
    defaults = {
      arn      = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/net/mock/0"
      dns_name = "mock-rest.elb.eu-west-2.amazonaws.com"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/mock/0"
    }
  }
  mock_resource "aws_security_group" {
    defaults = {
      id = "sg-0a0a0a0a0a0a0a0a0"
    }
  }
  mock_resource "aws_vpc_endpoint" {
    defaults = {
      prefix_list_id = "pl-0123456789abcdef0"
    }
  }
}

variables {
  pipeline_id = "0a1b2c3d4e5f"
  aws_region  = "eu-west-2"
  # the modules' inputs
  name                  = "pinterest-0a1b2c3d4e5f"
  vpc_id                = "vpc-0123456789abcdef0"
  subnet_ids            = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  openapi_template_path = "../contracts/openapi.yaml"
  rest_proxy_uri        = "http://internal-nlb.example:8082"
  nlb_arn               = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/net/mock/0"
  stream_arns = {
    pin  = "arn:aws:kinesis:eu-west-2:123456789012:stream/streaming-0a1b2c3d4e5f-pin"
    geo  = "arn:aws:kinesis:eu-west-2:123456789012:stream/streaming-0a1b2c3d4e5f-geo"
    user = "arn:aws:kinesis:eu-west-2:123456789012:stream/streaming-0a1b2c3d4e5f-user"
  }
  streams_kms_key_arn      = "arn:aws:kms:eu-west-2:123456789012:key/00000000-0000-0000-0000-000000000000"
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

run "network_refuses_a_period_outside_the_list" {
  command = plan
  module {
    source = "./modules/network"
  }
  variables {
    flow_log_retention_days = 2
  }

  expect_failures = [var.flow_log_retention_days]
}

run "msk_refuses_a_period_outside_the_list" {
  command = plan
  module {
    source = "./modules/msk"
  }
  variables {
    log_retention_days = 366
  }

  expect_failures = [var.log_retention_days]
}

run "msk_connect_refuses_a_period_outside_the_list" {
  command = plan
  module {
    source = "./modules/msk_connect"
  }
  variables {
    log_retention_days = 0
  }

  expect_failures = [var.log_retention_days]
}

run "api_gateway_refuses_a_period_outside_the_list" {
  command = plan
  module {
    source = "./modules/api_gateway"
  }
  variables {
    log_retention_days = 1000
  }

  expect_failures = [var.log_retention_days]
}

run "root_takes_a_period_of_the_list" {
  command = plan
  variables {
    log_retention_days = 731
  }
}

run "root_refuses_a_period_outside_the_list" {
  command = plan
  variables {
    log_retention_days = 2
  }

  expect_failures = [var.log_retention_days]
}
