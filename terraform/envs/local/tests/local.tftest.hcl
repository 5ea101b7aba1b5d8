# `terraform test` of the local root against a mocked AWS provider (make tf-check, offline): the
# LocalStack switches do what README says, and the outputs devstack reads have the local shape.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "us-east-1"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "000000000000"
    }
  }
  # Policies must be JSON: the provider still validates the arguments it is given.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::000000000000:role/mock"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:000000000000:log-group:mock"
    }
  }
  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      id = "0a1b2c3d4e5f"
    }
  }
}

variables {
  pipeline_id         = "0a1b2c3d4e5f"
  localstack_endpoint = "http://127.0.0.1:14566"
  rest_proxy_uri      = "http://127.0.0.1:18082"
  shard_count         = 2
  api_key             = "0123456789abcdef0123456789abcdef"
}

run "outputs_have_the_local_shape" {
  command = apply

  assert {
    condition     = output.api_invoke_url == "http://127.0.0.1:14566/_aws/execute-api/0a1b2c3d4e5f/dev"
    error_message = "api_invoke_url is not LocalStack's execute-api URL of stage dev"
  }

  assert {
    condition     = output.data_bucket == "user-0a1b2c3d4e5f-bucket"
    error_message = "the data bucket is not user-<id>-bucket"
  }

  assert {
    condition = output.stream_names == {
      pin  = "streaming-0a1b2c3d4e5f-pin"
      geo  = "streaming-0a1b2c3d4e5f-geo"
      user = "streaming-0a1b2c3d4e5f-user"
    }
    error_message = "Kinesis streams are not streaming-<id>-<table>"
  }

  assert {
    condition     = output.api_key == "0123456789abcdef0123456789abcdef"
    error_message = "the API key is not the one devstack keeps in .devstack/api-key"
  }
}

run "no_vpc_link_locally" {
  command = plan

  assert {
    condition     = module.api_gateway.vpc_link_id == null
    error_message = "the local stack must not create a VPC link (no NLB: /{proxy+} is an INTERNET integration)"
  }
}
