# A customer managed KMS key that CloudWatch Logs may use for the named log group(s). The account
# root administers it, so IAM policies of the calling module can grant it further uses.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  region    = data.aws_region.current.name
  partition = data.aws_partition.current.partition
  account   = data.aws_caller_identity.current.account_id
}

resource "aws_kms_key" "this" {
  description         = var.description
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.this.json
}

data "aws_iam_policy_document" "this" {
  #checkov:skip=CKV_AWS_109:key policy: "*" is this key, and the account root must keep control of it
  #checkov:skip=CKV_AWS_111:key policy: "*" is this key, and the account root must keep control of it
  #checkov:skip=CKV_AWS_356:key policy: in a key policy the resource "*" means this key only
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account}:root"]
    }
  }

  statement {
    sid       = var.log_statement_sid
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    # A "*" in the name covers log groups another service creates (MWAA's airflow-<env>-<stream>).
    condition {
      test     = strcontains(var.log_group_name, "*") ? "ArnLike" : "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:${var.log_group_name}"]
    }
  }
}
