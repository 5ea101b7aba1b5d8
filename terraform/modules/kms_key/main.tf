# A customer managed KMS key with rotation. The account root administers it (so IAM policies of
# the calling module can grant it further uses); the key policy may also let CloudWatch Logs use it
# for named log groups and let given principals use it, directly or only through one AWS service.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  region    = data.aws_region.current.name
  partition = data.aws_partition.current.partition
  account   = data.aws_caller_identity.current.account_id
  # A statement needs principals: one whose list is empty (an optional role not created) is left out.
  principal_statements = [for s in var.principal_statements : s if length(s.principal_arns) > 0]
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

  dynamic "statement" {
    for_each = var.log_group_name == null ? [] : [var.log_group_name]

    content {
      sid       = var.log_statement_sid
      actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["logs.${local.region}.amazonaws.com"]
      }

      # A "*" in the name covers log groups another service creates (MWAA's airflow-<env>-<stream>).
      condition {
        test     = strcontains(statement.value, "*") ? "ArnLike" : "ArnEquals"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:${statement.value}"]
      }
    }
  }

  dynamic "statement" {
    for_each = local.principal_statements

    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = statement.value.principal_arns
      }

      # Through one service only: the key serves that service's data (S3 objects, Kinesis records).
      dynamic "condition" {
        for_each = statement.value.via_service == null ? [] : [statement.value.via_service]

        content {
          test     = "StringEquals"
          variable = "kms:ViaService"
          values   = ["${condition.value}.${local.region}.amazonaws.com"]
        }
      }
    }
  }
}
