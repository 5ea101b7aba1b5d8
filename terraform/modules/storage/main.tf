# The data bucket: the S3 sink writes topics/... here and the batch job reads it.

locals {
  key_statements = [
    {
      sid            = "ReadersDecrypt"
      actions        = ["kms:Decrypt", "kms:DescribeKey"]
      principal_arns = var.reader_principal_arns
      via_service    = null
    },
    # Roles that read and write objects through their own IAM policy (the Databricks access role):
    # they use the key only through S3, for the objects their policy lets them touch.
    {
      sid            = "KeyUsersThroughS3"
      actions        = ["kms:Decrypt", "kms:GenerateDataKey"]
      principal_arns = var.key_user_principal_arns
      via_service    = "s3"
    },
  ]
}

module "key" {
  source               = "../kms_key"
  description          = "${var.bucket} objects"
  principal_statements = local.key_statements
}

resource "aws_kms_alias" "data" {
  name          = "alias/${var.bucket}"
  target_key_id = module.key.key_id
}

module "bucket" {
  source                  = "../private_bucket"
  bucket                  = var.bucket
  force_destroy           = var.force_destroy
  kms_key_arn             = module.key.arn
  noncurrent_version_days = var.noncurrent_version_days
  lifecycle_rules         = var.lifecycle_rules
  access_log_bucket       = var.access_log_bucket
  reader_principal_arns   = var.reader_principal_arns
}
