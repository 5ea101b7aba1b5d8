# The smallest useful deployment: the streaming half of the pipeline. A REST API behind an API key
# puts the emulator's events into three KMS-encrypted Kinesis streams (`make emulate-stream`), and
# the data bucket holds what the streaming job writes. No VPC, MSK, REST proxy or MWAA: the API has
# only its /streams routes. The modules come by relative source; see README.md to copy this folder.

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project    = "pinterest-pipeline"
      PipelineId = var.pipeline_id
    }
  }
}

module "names" {
  source      = "../../modules/names"
  pipeline_id = var.pipeline_id
}

module "storage" {
  source        = "../../modules/storage"
  bucket        = module.names.bucket
  force_destroy = var.force_destroy
}

module "kinesis" {
  source      = "../../modules/kinesis"
  streams     = module.names.streams
  shard_count = var.kinesis_shard_count
}

module "api_gateway" {
  source                      = "../../modules/api_gateway"
  name                        = module.names.prefix
  openapi_template_path       = "${path.module}/../../../contracts/openapi.yaml"
  stage_name                  = module.names.api_stage
  rest_proxy_uri              = null # no Kafka side: the API serves the /streams routes only
  stream_arns                 = module.kinesis.stream_arns
  streams_kms_key_arn         = module.kinesis.kms_key_arn
  manage_account_logging_role = var.api_manage_account_logging_role
}
