# The local stack's AWS resources: the modules of the AWS root (../../main.tf) that LocalStack's
# community runtime serves, applied to LocalStack by `make up` (devstack/terraform.py) and by the
# docker-compose `terraform` service. MSK, MSK Connect, MWAA, the network and the EC2 REST proxy
# stay local processes (Kafka, devstack's REST proxy and S3 sink). See README.md for the switches.

# As tflocal configures it: every service at LocalStack, path-style S3, no credential or account
# checks. Credentials come from the environment (LocalStack's dummy "test"/"test").
provider "aws" {
  region                      = var.aws_region
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {
    apigateway = var.localstack_endpoint
    iam        = var.localstack_endpoint
    kinesis    = var.localstack_endpoint
    kms        = var.localstack_endpoint
    logs       = var.localstack_endpoint
    s3         = var.localstack_endpoint
    sts        = var.localstack_endpoint
  }
}

locals {
  repo_root = "${path.root}/../../.."
}

module "names" {
  source      = "../../modules/names"
  pipeline_id = var.pipeline_id
}

module "storage" {
  source        = "../../modules/storage"
  bucket        = module.names.bucket
  force_destroy = true
  # LocalStack never runs lifecycle rules; the provider would wait 55 s for them (README).
  lifecycle_rules = false
}

module "kinesis" {
  #checkov:skip=CKV_AWS_43:LocalStack only: its Kinesis stores records unencrypted anyway (README, LocalStack switches)
  source      = "../../modules/kinesis"
  streams     = module.names.streams
  shard_count = var.shard_count
  # LocalStack stores records unencrypted anyway; the key and the encryption cost 15 s (README).
  kms_encryption = false
}

module "api_gateway" {
  source                = "../../modules/api_gateway"
  name                  = module.names.prefix
  openapi_template_path = "${local.repo_root}/contracts/openapi.yaml"
  stage_name            = module.names.api_stage
  rest_proxy_uri        = var.rest_proxy_uri
  vpc_link              = false # no NLB: /{proxy+} reaches the local REST proxy directly
  # LocalStack's body import skips the contract's gateway responses (the 403 that names x-api-key).
  gateway_responses_as_resources = true
  stream_arns                    = module.kinesis.stream_arns
  streams_kms_key_arn            = module.kinesis.kms_key_arn

  # LocalStack takes this tag as the API's id: the invoke URL survives restarts.
  rest_api_tags = { _custom_id_ = var.pipeline_id }
  api_key_value = try(coalesce(var.api_key), null) # null or "": LocalStack generates one
}
