# The pipeline's REST API: its body is contracts/openapi.yaml rendered with templatefile, the same
# file the local stack imports. /{proxy+} goes through a VPC link to the REST proxy's NLB (or, with
# no NLB, straight to rest_proxy_uri: the local stack); the /streams routes call Kinesis with a role
# limited to the pipeline's streams.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  access_log = "/apigateway/${var.name}/${var.stage_name}/access"

  # Without a REST proxy (rest_proxy_uri = null: streams only) the API has no /{proxy+} route.
  rest_proxy = var.rest_proxy_uri != null

  # LocalStack switch: without a VPC link (vpc_link = false) /{proxy+} is an INTERNET integration
  # to rest_proxy_uri (the local REST proxy process).
  vpc_link = var.vpc_link && local.rest_proxy

  rendered = templatefile(var.openapi_template_path, {
    aws_region       = data.aws_region.current.name
    rest_proxy_uri   = local.rest_proxy ? var.rest_proxy_uri : ""
    connection_type  = local.vpc_link ? "VPC_LINK" : "INTERNET"
    vpc_link_id      = local.vpc_link ? aws_api_gateway_vpc_link.this[0].id : ""
    kinesis_role_arn = aws_iam_role.kinesis.arn
  })
  contract = yamldecode(local.rendered)

  body = local.rest_proxy ? local.rendered : jsonencode(merge(local.contract, {
    paths = { for path, item in local.contract.paths : path => item if path != "/{proxy+}" }
  }))
}

# ---- private integration -------------------------------------------------------------------

resource "aws_api_gateway_vpc_link" "this" {
  count       = local.vpc_link ? 1 : 0
  name        = "${var.name}-rest-proxy"
  description = "API Gateway to the Kafka REST proxy's internal NLB"
  target_arns = [var.nlb_arn]
}

# ---- Kinesis integration role --------------------------------------------------------------

data "aws_iam_policy_document" "kinesis_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "kinesis" {
  name               = "${var.name}-kinesis"
  assume_role_policy = data.aws_iam_policy_document.kinesis_assume.json
}

data "aws_iam_policy_document" "kinesis" {
  # What the routes call: PUT .../record(s) and GET /streams/{stream-name}.
  statement {
    sid       = "PipelineStreams"
    actions   = ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStream"]
    resources = values(var.stream_arns)
  }

  # POST and DELETE /streams/{stream-name} stay in the contract but fail with 400 (access denied)
  # unless turned on: anyone with the API key could otherwise delete the live streams.
  dynamic "statement" {
    for_each = var.allow_stream_admin ? [1] : []

    content {
      sid       = "CreateAndDeletePipelineStreams"
      actions   = ["kinesis:CreateStream", "kinesis:DeleteStream"]
      resources = values(var.stream_arns)
    }
  }

  # ListStreams (GET /streams) is an account-level action: IAM accepts no resource but "*".
  statement {
    sid       = "ListStreams"
    actions   = ["kinesis:ListStreams"]
    resources = ["*"]
  }

  # Unencrypted streams (the local stack) have no key to use.
  dynamic "statement" {
    for_each = var.streams_kms_key_arn == null ? [] : [var.streams_kms_key_arn]

    content {
      sid       = "EncryptRecords"
      actions   = ["kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "kinesis" {
  name   = "pipeline-streams"
  role   = aws_iam_role.kinesis.id
  policy = data.aws_iam_policy_document.kinesis.json
}

# ---- API, deployment, stage ----------------------------------------------------------------

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = "Pinterest pipeline ingestion API (Kafka REST proxy and Kinesis)"
  body        = local.body
  tags        = var.rest_api_tags

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

# LocalStack switch: its body import skips x-amazon-apigateway-gateway-responses (AWS applies them
# with the body), so the local root creates the contract's responses as resources. Decoded from the
# template rendered with placeholders: the responses use no variable, and for_each must be known
# at plan time.
locals {
  contract_gateway_responses = try(yamldecode(templatefile(var.openapi_template_path, {
    aws_region = "", rest_proxy_uri = "", connection_type = "", vpc_link_id = "", kinesis_role_arn = ""
  }))["x-amazon-apigateway-gateway-responses"], {})
}

resource "aws_api_gateway_gateway_response" "contract" {
  for_each = var.gateway_responses_as_resources ? local.contract_gateway_responses : {}

  rest_api_id         = aws_api_gateway_rest_api.this.id
  response_type       = each.key
  status_code         = try(each.value.statusCode, null)
  response_templates  = try(each.value.responseTemplates, null)
  response_parameters = try(each.value.responseParameters, null)
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # Redeploy whenever the rendered API description changes.
  triggers = {
    body = sha256(local.body)
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_api_gateway_gateway_response.contract]
}

module "logs_key" {
  source            = "../kms_key"
  description       = "API Gateway ${var.name} access logs"
  log_group_name    = local.access_log
  log_statement_sid = "AccessLogGroupUsesKey"
}

resource "aws_cloudwatch_log_group" "access" {
  name              = local.access_log
  retention_in_days = var.log_retention_days
  kms_key_id        = module.logs_key.arn
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:responses are not cacheable: every route writes (POST/PUT) or must be fresh
  #checkov:skip=CKV2_AWS_29:WAF costs more than this pipeline; every route needs an API key and the usage plan throttles it
  #checkov:skip=CKV2_AWS_51:the backends are private (VPC link) or AWS APIs; client certificates guard public HTTP backends
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.stage_name
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      ip                 = "$context.identity.sourceIp"
      apiKeyId           = "$context.identity.apiKeyId"
      requestTime        = "$context.requestTime"
      httpMethod         = "$context.httpMethod"
      resourcePath       = "$context.resourcePath"
      status             = "$context.status"
      responseLength     = "$context.responseLength"
      integrationStatus  = "$context.integration.status"
      integrationLatency = "$context.integration.latency"
      errorMessage       = "$context.error.message"
    })
  }

  depends_on = [aws_api_gateway_account.this]
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:responses are not cacheable: every route writes (POST/PUT) or must be fresh
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled    = true
    logging_level      = "ERROR"
    data_trace_enabled = false
  }
}

# ---- account-wide CloudWatch role (needed for stage logging) --------------------------------

# aws_api_gateway_account is one setting per account and region: applying it replaces whatever
# role another stack set there, so it is opt-in (manage_account_logging_role). Stage logging
# fails ("CloudWatch Logs role ARN must be set in account settings") until some role is set.

data "aws_iam_policy_document" "cloudwatch_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cloudwatch" {
  count              = var.manage_account_logging_role ? 1 : 0
  name               = "${var.name}-apigateway-cloudwatch"
  assume_role_policy = data.aws_iam_policy_document.cloudwatch_assume.json
}

resource "aws_iam_role_policy_attachment" "cloudwatch" {
  count      = var.manage_account_logging_role ? 1 : 0
  role       = aws_iam_role.cloudwatch[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "this" {
  count               = var.manage_account_logging_role ? 1 : 0
  cloudwatch_role_arn = aws_iam_role.cloudwatch[0].arn

  depends_on = [aws_iam_role_policy_attachment.cloudwatch]
}

# ---- API key and usage plan ----------------------------------------------------------------

resource "aws_api_gateway_api_key" "this" {
  name        = "${var.name}-key"
  description = "Key of the pipeline's emulators (header x-api-key)"
  value       = var.api_key_value # null: API Gateway generates one
}

resource "aws_api_gateway_usage_plan" "this" {
  name = "${var.name}-plan"

  api_stages {
    api_id = aws_api_gateway_rest_api.this.id
    stage  = aws_api_gateway_stage.this.stage_name
  }

  throttle_settings {
    rate_limit  = var.throttle_rate_limit
    burst_limit = var.throttle_burst_limit
  }

  dynamic "quota_settings" {
    for_each = var.quota_per_day > 0 ? [var.quota_per_day] : []

    content {
      limit  = quota_settings.value
      period = "DAY"
    }
  }
}

resource "aws_api_gateway_usage_plan_key" "this" {
  key_id        = aws_api_gateway_api_key.this.id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.this.id
}
