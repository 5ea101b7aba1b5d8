# An existing deployment keeps its KMS keys across a refactor: apply the key addresses an older
# version of the root held (before_kms_key/), then plan today's root on that same state (state_key).
# A key without its moved block would be destroyed and created anew: its ARN would be unknown in
# the plan and the assertions below could not hold. Terraform >= 1.11 only (state_key); make
# tf-validate runs this directory after the others.

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
}

run "before_kms_key" {
  state_key = "aws_root"
  module {
    source = "./tests/upgrade/before_kms_key"
  }

  override_resource {
    target = module.kinesis.aws_kms_key.streams
    values = {
      arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-1111-1111-1111-111111111111"
    }
  }

  override_resource {
    target = module.storage.aws_kms_key.data
    values = {
      arn = "arn:aws:kms:eu-west-2:123456789012:key/22222222-2222-2222-2222-222222222222"
    }
  }
}

run "today_keeps_both_keys" {
  state_key = "aws_root"
  command   = plan

  assert {
    condition     = module.kinesis.kms_key_arn == "arn:aws:kms:eu-west-2:123456789012:key/11111111-1111-1111-1111-111111111111"
    error_message = "the plan replaces the streams' key (a moved block of modules/kinesis is missing)"
  }

  assert {
    condition     = module.storage.kms_key_arn == "arn:aws:kms:eu-west-2:123456789012:key/22222222-2222-2222-2222-222222222222"
    error_message = "the plan replaces the data bucket's key (a moved block of modules/storage is missing)"
  }
}
