# The IAM role Databricks uses to read what the pipeline lands and write what the jobs produce:
# a Unity Catalog storage credential (S3) and service credential (Kinesis) both point at it.
# Trust and permissions follow Databricks' "Create a storage credential" / "Create service
# credentials" for AWS: the Unity Catalog master role assumes it with the credential's external
# id, and the role may assume itself.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  account   = data.aws_caller_identity.current.account_id
  # Built from the name, not taken from the role: the trust policy names the role itself.
  role_arn = "arn:${local.partition}:iam::${local.account}:role/${var.name}"

  # Databricks' Unity Catalog master role per AWS partition (as the Databricks Terraform
  # provider's aws_unity_catalog_assume_role_policy uses it).
  unity_catalog_master_roles = {
    "aws"        = "arn:aws:iam::414351767826:role/unity-catalog-prod-UCMasterRole-14S5ZJVKOTYTL"
    "aws-us-gov" = "arn:aws-us-gov:iam::044793339203:role/unity-catalog-prod-UCMasterRole-1QRFA8SGY15OJ"
  }
  unity_catalog_role_arn = var.unity_catalog_role_arn != "" ? var.unity_catalog_role_arn : local.unity_catalog_master_roles[local.partition]

  prefixes       = concat(var.read_prefixes, var.write_prefixes)
  list_prefixes  = flatten([for p in local.prefixes : [trimsuffix(p, "/"), "${p}*"]])
  read_objects   = [for p in var.read_prefixes : "${var.bucket_arn}/${p}*"]
  written_object = [for p in var.write_prefixes : "${var.bucket_arn}/${p}*"]
}

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "UnityCatalogAssumeRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = [local.unity_catalog_role_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = var.external_ids
    }
  }

  # Databricks requires the role to be able to assume itself (AWS no longer lets a role do so
  # implicitly); this names the role by ARN without a self-reference Terraform cannot create.
  statement {
    sid     = "ExplicitSelfRoleAssumption"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account}:root"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:PrincipalArn"
      values   = [local.role_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = var.external_ids
    }
  }
}

resource "aws_iam_role" "this" {
  count = var.enabled ? 1 : 0

  name                 = var.name
  description          = "Databricks (Unity Catalog credentials): read topics/ and the streams, write the tables"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "access" {
  statement {
    sid       = "ListThePipelinePrefixes"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = local.list_prefixes
    }
  }

  statement {
    sid       = "BucketFacts"
    actions   = ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]
    resources = [var.bucket_arn]
  }

  statement {
    sid       = "ReadLandedRecords"
    actions   = ["s3:GetObject"]
    resources = local.read_objects
  }

  statement {
    sid = "ReadWriteTablesAndCheckpoints"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = local.written_object
  }

  statement {
    sid       = "UseTheBucketKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.bucket_kms_key_arn]
  }

  statement {
    sid = "ReadThePipelineStreams"
    actions = [
      "kinesis:DescribeStream",
      "kinesis:ListShards",
      "kinesis:GetShardIterator",
      "kinesis:GetRecords",
    ]
    resources = values(var.stream_arns)
  }

  statement {
    sid       = "DecryptTheStreams"
    actions   = ["kms:Decrypt"]
    resources = [var.streams_kms_key_arn]
  }

  # Part of Databricks' documented policy: Unity Catalog checks that the role can assume itself.
  statement {
    sid       = "AssumeItself"
    actions   = ["sts:AssumeRole"]
    resources = [local.role_arn]
  }
}

resource "aws_iam_role_policy" "access" {
  count = var.enabled ? 1 : 0

  name   = "pipeline-data"
  role   = aws_iam_role.this[0].id
  policy = data.aws_iam_policy_document.access.json
}
