# The data bucket: the S3 sink writes topics/... here and the batch job reads it.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_root = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
}

resource "aws_kms_key" "data" {
  description         = "${var.bucket} objects"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.data_key_policy.json
}

resource "aws_kms_alias" "data" {
  name          = "alias/${var.bucket}"
  target_key_id = aws_kms_key.data.key_id
}

data "aws_iam_policy_document" "data_key_policy" {
  #checkov:skip=CKV_AWS_109:key policy: "*" is this key, and the account root must keep control of it
  #checkov:skip=CKV_AWS_111:key policy: "*" is this key, and the account root must keep control of it
  #checkov:skip=CKV_AWS_356:key policy: in a key policy the resource "*" means this key only
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }
  }

  dynamic "statement" {
    for_each = length(var.reader_principal_arns) > 0 ? [1] : []

    content {
      sid       = "ReadersDecrypt"
      actions   = ["kms:Decrypt", "kms:DescribeKey"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = var.reader_principal_arns
      }
    }
  }

  # Roles that read and write objects through their own IAM policy (the Databricks access role):
  # they use the key only through S3, for the objects their policy lets them touch.
  dynamic "statement" {
    for_each = length(var.key_user_principal_arns) > 0 ? [1] : []

    content {
      sid       = "KeyUsersThroughS3"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = var.key_user_principal_arns
      }

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
      }
    }
  }
}

module "bucket" {
  source                  = "../private_bucket"
  bucket                  = var.bucket
  force_destroy           = var.force_destroy
  kms_key_arn             = aws_kms_key.data.arn
  noncurrent_version_days = var.noncurrent_version_days
  lifecycle_rules         = var.lifecycle_rules
  access_log_bucket       = var.access_log_bucket
  reader_principal_arns   = var.reader_principal_arns
}
