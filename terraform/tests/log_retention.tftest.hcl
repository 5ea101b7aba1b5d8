# The log retention periods CloudWatch Logs accepts are one list, modules/log_retention_days.json:
# the root and every module that creates a log group refuse a value outside it (mocked AWS
# provider, make tf-check, offline).

mock_provider "aws" {
  source = "./tests/mocks"
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
