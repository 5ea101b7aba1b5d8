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
