# `terraform test` against a mocked AWS provider (make tf-check, offline): the whole root
# configuration is planned and applied in memory, so every module's wiring is evaluated and the
# names the emulators rely on (contracts/names.py) are checked on the resulting values.

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
  # s3_sink_plugin_zip comes from TF_VAR_s3_sink_plugin_zip: make tf-check passes an empty zip,
  # the mocked provider uploads nothing.
}

run "names_follow_the_pipeline_id" {
  command = plan

  assert {
    condition = output.topics == {
      pin  = "0a1b2c3d4e5f.pin"
      geo  = "0a1b2c3d4e5f.geo"
      user = "0a1b2c3d4e5f.user"
    }
    error_message = "topics are not <id>.<table>"
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
    condition     = output.data_bucket == "user-0a1b2c3d4e5f-bucket"
    error_message = "the data bucket is not user-<id>-bucket"
  }

  assert {
    condition     = output.msk_connect_connector == "0a1b2c3d4e5f-connector"
    error_message = "the S3 sink connector is not <id>-connector"
  }

  assert {
    condition     = output.emulator_env.PIPELINE_ID == "0a1b2c3d4e5f" && output.emulator_env.AWS_REGION == "eu-west-2"
    error_message = "emulator_env does not carry the pipeline id and region"
  }
}

run "deployed" {
  command = apply
}

# A change of the REST proxy alone (size, and a new bootstrap that replaces the host) must leave
# the connector alone: a module-wide depends_on on the proxy deferred the connector module's data
# sources, left its configuration unknown and replaced it on every proxy change.
run "proxy_only_change_keeps_the_connector" {
  command = apply
  variables {
    rest_proxy_instance_type = "t3.medium"
    confluent_version        = "7.9.2"
  }

  assert {
    condition     = output.msk_connect_connector_arn == run.deployed.msk_connect_connector_arn
    error_message = "a change of the REST proxy alone replaced the MSK Connect connector"
  }
}

# The optional parts wire without cycles: the Databricks role (named in the stream and bucket key
# policies), the Airflow UI open to the REST proxy host, the stream admin routes, the account role.
run "optional_parts_apply" {
  command = apply
  variables {
    databricks_access                  = true
    databricks_external_ids            = ["8a1c1d2e-0000-4000-8000-000000000001"]
    mwaa_webserver_via_rest_proxy_host = true
    api_stream_admin_routes            = true
    api_manage_account_logging_role    = true
  }

  assert {
    condition     = output.databricks_role_arn != null && run.deployed.databricks_role_arn == null
    error_message = "databricks_access does not create the Databricks role (or creates it by default)"
  }
}

run "pipeline_id_longer_than_24_is_refused" {
  command = plan
  variables {
    pipeline_id = "a234567890123456789012345"
  }

  expect_failures = [var.pipeline_id]
}

run "pipeline_id_of_24_fits_every_bucket_name" {
  command = plan
  variables {
    pipeline_id = "a23456789012345678901234"
  }

  assert {
    condition     = length(output.mwaa_dag_bucket) <= 63 && length(output.data_bucket) <= 63
    error_message = "a 24-character pipeline_id makes a bucket name longer than S3's 63 characters"
  }
}
