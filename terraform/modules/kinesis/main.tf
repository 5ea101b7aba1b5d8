# Three Kinesis data streams, one per table, encrypted with a customer managed key.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

resource "aws_kms_key" "streams" {
  count               = var.kms_encryption ? 1 : 0 # none only on LocalStack (see variables.tf)
  description         = "Kinesis streams ${join(", ", values(var.streams))}"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.streams_key_policy.json
}

data "aws_iam_policy_document" "streams_key_policy" {
  #checkov:skip=CKV_AWS_109:key policy: "*" is this key, and the account root must keep control of it
  #checkov:skip=CKV_AWS_111:key policy: "*" is this key, and the account root must keep control of it
  #checkov:skip=CKV_AWS_356:key policy: in a key policy the resource "*" means this key only
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  # Consumers (the Databricks access role) read the records, which Kinesis decrypts on their behalf.
  dynamic "statement" {
    for_each = length(var.consumer_principal_arns) > 0 ? [1] : []

    content {
      sid       = "ConsumersDecryptThroughKinesis"
      actions   = ["kms:Decrypt"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = var.consumer_principal_arns
      }

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["kinesis.${data.aws_region.current.name}.amazonaws.com"]
      }
    }
  }
}

resource "aws_kinesis_stream" "this" {
  for_each = var.streams

  name             = each.value
  shard_count      = var.on_demand ? null : var.shard_count
  retention_period = var.retention_hours
  encryption_type  = var.kms_encryption ? "KMS" : "NONE"
  kms_key_id       = one(aws_kms_key.streams[*].arn)

  stream_mode_details {
    stream_mode = var.on_demand ? "ON_DEMAND" : "PROVISIONED"
  }
}
