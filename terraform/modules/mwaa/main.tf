# Amazon MWAA: the environment that runs the daily batch DAG, its versioned source bucket (dags/
# and requirements.txt), an execution role, a private web server and all five log streams.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition      = data.aws_partition.current.partition
  region         = data.aws_region.current.region
  account        = data.aws_caller_identity.current.account_id
  bucket         = "airflow-${replace(lower(var.name), "_", "-")}-${local.account}"
  secrets_prefix = var.name
  dag_files      = fileset(var.dags_dir, "*.py")
}

# ---- key: bucket, environment, log groups and secrets --------------------------------------

resource "aws_kms_key" "mwaa" {
  description         = "MWAA ${var.name}: source bucket, environment, logs, Airflow secrets"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.mwaa_key_policy.json
}

data "aws_iam_policy_document" "mwaa_key_policy" {
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

  # MWAA names its log groups airflow-<environment>-<stream>.
  statement {
    sid       = "AirflowLogGroupsUseKey"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:airflow-${var.name}-*"]
    }
  }
}

# ---- source bucket -------------------------------------------------------------------------

resource "aws_s3_bucket" "source" {
  #checkov:skip=CKV_AWS_144:cross-region replication doubles cost; the bucket is re-created from the repo by terraform
  #checkov:skip=CKV2_AWS_62:nothing consumes bucket events; MWAA polls the bucket itself
  #checkov:skip=CKV_AWS_18:access logging needs a second bucket; every object here comes from the repo
  bucket        = local.bucket
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_ownership_controls" "source" {
  bucket = aws_s3_bucket.source.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "source" {
  bucket                  = aws_s3_bucket.source.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# MWAA requires a versioned bucket (requirements.txt is referenced by version).
resource "aws_s3_bucket_versioning" "source" {
  bucket = aws_s3_bucket.source.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "source" {
  bucket = aws_s3_bucket.source.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.mwaa.arn
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "source" {
  bucket = aws_s3_bucket.source.id

  rule {
    id     = "expire-old-versions"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }

  depends_on = [aws_s3_bucket_versioning.source]
}

data "aws_iam_policy_document" "source_bucket" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.source.arn, "${aws_s3_bucket.source.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "source" {
  bucket = aws_s3_bucket.source.id
  policy = data.aws_iam_policy_document.source_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.source]
}

resource "aws_s3_object" "dags" {
  for_each = local.dag_files

  bucket      = aws_s3_bucket.source.id
  key         = "dags/${each.value}"
  source      = "${var.dags_dir}/${each.value}"
  source_hash = filemd5("${var.dags_dir}/${each.value}")
  kms_key_id  = aws_kms_key.mwaa.arn

  depends_on = [aws_s3_bucket_versioning.source]
}

resource "aws_s3_object" "requirements" {
  bucket      = aws_s3_bucket.source.id
  key         = "requirements.txt"
  source      = var.requirements_path
  source_hash = filemd5(var.requirements_path)
  kms_key_id  = aws_kms_key.mwaa.arn

  depends_on = [aws_s3_bucket_versioning.source]
}

# ---- Airflow Variables in Secrets Manager --------------------------------------------------

resource "aws_secretsmanager_secret" "variables" {
  #checkov:skip=CKV2_AWS_57:these hold plain settings (for example the pipeline id), not credentials to rotate
  for_each = var.airflow_variables

  name                    = "${local.secrets_prefix}/variables/${each.key}"
  description             = "Airflow Variable ${each.key} of ${var.name}"
  kms_key_id              = aws_kms_key.mwaa.arn
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "variables" {
  for_each = var.airflow_variables

  secret_id     = aws_secretsmanager_secret.variables[each.key].id
  secret_string = each.value
}

# ---- execution role ------------------------------------------------------------------------

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["airflow.amazonaws.com", "airflow-env.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "PublishMetrics"
    actions   = ["airflow:PublishMetrics"]
    resources = ["arn:${local.partition}:airflow:${local.region}:${local.account}:environment/${var.name}"]
  }

  statement {
    sid       = "ReadSourceBucket"
    actions   = ["s3:GetObject*", "s3:GetBucket*", "s3:List*"]
    resources = [aws_s3_bucket.source.arn, "${aws_s3_bucket.source.arn}/*"]
  }

  statement {
    sid = "WriteAirflowLogs"
    actions = [
      "logs:CreateLogStream",
      "logs:CreateLogGroup",
      "logs:PutLogEvents",
      "logs:GetLogEvents",
      "logs:GetLogRecord",
      "logs:GetLogGroupFields",
      "logs:GetQueryResults",
    ]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:airflow-${var.name}-*"]
  }

  # These three actions support no resource-level permissions: IAM accepts only "*".
  statement {
    sid       = "AccountLevelReads"
    actions   = ["logs:DescribeLogGroups", "s3:GetAccountPublicAccessBlock", "cloudwatch:PutMetricData"]
    resources = ["*"]
  }

  # The Celery queue lives in an account MWAA owns, hence the account wildcard.
  statement {
    sid = "CeleryQueue"
    actions = [
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
      "sqs:ReceiveMessage",
      "sqs:SendMessage",
    ]
    resources = ["arn:${local.partition}:sqs:${local.region}:*:airflow-celery-*"]
  }

  statement {
    sid       = "UseEnvironmentKey"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Encrypt"]
    resources = [aws_kms_key.mwaa.arn]

    condition {
      test     = "StringLike"
      variable = "kms:ViaService"
      values = [
        "sqs.${local.region}.amazonaws.com",
        "s3.${local.region}.amazonaws.com",
        "secretsmanager.${local.region}.amazonaws.com",
      ]
    }
  }

  # Connections (databricks_default) and Variables come from Secrets Manager.
  statement {
    sid       = "ReadAirflowSecrets"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = ["arn:${local.partition}:secretsmanager:${local.region}:${local.account}:secret:${local.secrets_prefix}/*"]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "mwaa-execution"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# ---- network -------------------------------------------------------------------------------

resource "aws_security_group" "mwaa" {
  name        = "${var.name}-mwaa"
  description = "MWAA ${var.name}: components talk to each other; HTTPS out (AWS APIs, Databricks)"
  vpc_id      = var.vpc_id
}

# MWAA requires a self-referencing rule: scheduler, workers, web server and the metadata
# database endpoint share this group.
resource "aws_vpc_security_group_ingress_rule" "self" {
  security_group_id            = aws_security_group.mwaa.id
  referenced_security_group_id = aws_security_group.mwaa.id
  ip_protocol                  = "-1"
  description                  = "MWAA components among themselves"
}

resource "aws_vpc_security_group_egress_rule" "self" {
  security_group_id            = aws_security_group.mwaa.id
  referenced_security_group_id = aws_security_group.mwaa.id
  ip_protocol                  = "-1"
  description                  = "MWAA components among themselves (metadata database endpoint)"
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.mwaa.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "AWS APIs and the Databricks workspace through the NAT gateway"
}

# ---- environment ---------------------------------------------------------------------------

resource "aws_mwaa_environment" "this" {
  name                            = var.name
  airflow_version                 = var.airflow_version
  environment_class               = var.environment_class
  max_workers                     = var.max_workers
  execution_role_arn              = aws_iam_role.execution.arn
  kms_key                         = aws_kms_key.mwaa.arn
  source_bucket_arn               = aws_s3_bucket.source.arn
  dag_s3_path                     = "dags/"
  requirements_s3_path            = aws_s3_object.requirements.key
  requirements_s3_object_version  = aws_s3_object.requirements.version_id
  webserver_access_mode           = "PRIVATE_ONLY"
  weekly_maintenance_window_start = "SUN:03:00"

  airflow_configuration_options = {
    "core.load_examples"     = "False"
    "secrets.backend"        = "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend"
    "secrets.backend_kwargs" = jsonencode({ connections_prefix = "${local.secrets_prefix}/connections", variables_prefix = "${local.secrets_prefix}/variables" })
  }

  network_configuration {
    security_group_ids = [aws_security_group.mwaa.id]
    subnet_ids         = var.subnet_ids
  }

  logging_configuration {
    dag_processing_logs {
      enabled   = true
      log_level = var.log_level
    }

    scheduler_logs {
      enabled   = true
      log_level = var.log_level
    }

    task_logs {
      enabled   = true
      log_level = var.log_level
    }

    webserver_logs {
      enabled   = true
      log_level = var.log_level
    }

    worker_logs {
      enabled   = true
      log_level = var.log_level
    }
  }

  depends_on = [aws_iam_role_policy.execution, aws_s3_object.dags]
}
