# Amazon MWAA: the environment that runs the daily batch DAG, its versioned source bucket (dags/
# and requirements.txt), an execution role, a private web server and all five log streams.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition      = data.aws_partition.current.partition
  region         = data.aws_region.current.name
  account        = data.aws_caller_identity.current.account_id
  bucket         = "airflow-${replace(lower(var.name), "_", "-")}-${local.account}"
  secrets_prefix = var.name
  dag_files      = fileset(var.dags_dir, "*.py")
}

# ---- key: bucket, environment, log groups and secrets --------------------------------------

module "key" {
  source      = "../kms_key"
  description = "MWAA ${var.name}: source bucket, environment, logs, Airflow secrets"
  # MWAA creates its log groups itself, named airflow-<environment>-<stream>.
  log_group_name    = "airflow-${var.name}-*"
  log_statement_sid = "AirflowLogGroupsUseKey"
}

# ---- source bucket -------------------------------------------------------------------------

# MWAA requires a versioned bucket (requirements.txt is referenced by version).
module "source_bucket" {
  #checkov:skip=CKV_AWS_18:access logging needs a second bucket; every object here comes from the repo
  source        = "../private_bucket"
  bucket        = local.bucket
  force_destroy = var.force_destroy
  kms_key_arn   = module.key.arn
}

resource "aws_s3_object" "dags" {
  for_each = local.dag_files

  bucket      = module.source_bucket.id
  key         = "dags/${each.value}"
  source      = "${var.dags_dir}/${each.value}"
  source_hash = filemd5("${var.dags_dir}/${each.value}")
  kms_key_id  = module.key.arn

  depends_on = [module.source_bucket]
}

resource "aws_s3_object" "requirements" {
  bucket      = module.source_bucket.id
  key         = "requirements.txt"
  source      = var.requirements_path
  source_hash = filemd5(var.requirements_path)
  kms_key_id  = module.key.arn

  depends_on = [module.source_bucket]
}

# ---- Airflow Variables in Secrets Manager --------------------------------------------------

resource "aws_secretsmanager_secret" "variables" {
  #checkov:skip=CKV2_AWS_57:these hold plain settings (for example the pipeline id), not credentials to rotate
  for_each = var.airflow_variables

  name                    = "${local.secrets_prefix}/variables/${each.key}"
  description             = "Airflow Variable ${each.key} of ${var.name}"
  kms_key_id              = module.key.arn
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
    resources = [module.source_bucket.arn, "${module.source_bucket.arn}/*"]
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
    resources = [module.key.arn]

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

# The private web server is an interface endpoint in these subnets with this group: hosts in the
# groups listed may reach the Airflow UI (README, "What reaches what": the ways in).
# count, not for_each: a group created in the same apply (the REST proxy's) is unknown at plan.
resource "aws_vpc_security_group_ingress_rule" "webserver_clients" {
  count = length(var.webserver_client_security_group_ids)

  security_group_id            = aws_security_group.mwaa.id
  referenced_security_group_id = var.webserver_client_security_group_ids[count.index]
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "Airflow UI (private web server)"
}

# ---- environment ---------------------------------------------------------------------------

resource "aws_mwaa_environment" "this" {
  name                            = var.name
  airflow_version                 = var.airflow_version
  environment_class               = var.environment_class
  max_workers                     = var.max_workers
  execution_role_arn              = aws_iam_role.execution.arn
  kms_key                         = module.key.arn
  source_bucket_arn               = module.source_bucket.arn
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
