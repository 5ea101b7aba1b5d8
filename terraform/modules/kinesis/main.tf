# Three Kinesis data streams, one per table, encrypted with a customer managed key.

locals {
  # Consumers (the Databricks access role) read the records, which Kinesis decrypts for them.
  key_statements = [{
    sid            = "ConsumersDecryptThroughKinesis"
    actions        = ["kms:Decrypt"]
    principal_arns = var.consumer_principal_arns
    via_service    = "kinesis"
  }]
}

module "key" {
  source = "../kms_key"
  count  = var.kms_encryption ? 1 : 0 # none only on LocalStack (see variables.tf)

  description          = "Kinesis streams ${join(", ", values(var.streams))}"
  principal_statements = local.key_statements
}

resource "aws_kinesis_stream" "this" {
  for_each = var.streams

  name             = each.value
  shard_count      = var.on_demand ? null : var.shard_count
  retention_period = var.retention_hours
  encryption_type  = var.kms_encryption ? "KMS" : "NONE"
  kms_key_id       = one(module.key[*].arn)

  stream_mode_details {
    stream_mode = var.on_demand ? "ON_DEMAND" : "PROVISIONED"
  }
}
