variable "name" {
  type        = string
  description = "Name of the REST API (also the prefix of its roles, key and usage plan)."
}

variable "openapi_template_path" {
  type        = string
  description = "Path of contracts/openapi.yaml, the API description rendered with templatefile (the same file the local stack imports)."

  validation {
    condition     = fileexists(var.openapi_template_path)
    error_message = "openapi_template_path must name an existing file (contracts/openapi.yaml)."
  }
}

variable "stage_name" {
  type        = string
  description = "Name of the deployed stage (contracts.names.API_STAGE, dev)."
  default     = "dev"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 letters, digits, '-' or '_'."
  }
}

variable "rest_proxy_uri" {
  type        = string
  description = "Base URL of the Kafka REST proxy as the VPC link reaches it (`http://<internal NLB>:8082`), no trailing slash. null: no REST proxy, the API has only the /streams routes (terraform/examples/minimal)."
  default     = null

  validation {
    condition     = var.rest_proxy_uri == null ? true : can(regex("^https?://[^/]+$", var.rest_proxy_uri))
    error_message = "rest_proxy_uri must be http(s)://host[:port] with no path and no trailing slash."
  }
}

variable "vpc_link" {
  type        = bool
  description = "Reach the REST proxy through a VPC link to nlb_arn. Only the local stack turns it off: LocalStack has no NLB, and /{proxy+} then calls rest_proxy_uri directly (INTERNET integration)."
  default     = true
}

variable "gateway_responses_as_resources" {
  type        = bool
  description = "Also create the contract's x-amazon-apigateway-gateway-responses as aws_api_gateway_gateway_response resources. Only the local stack turns it on: LocalStack's body import skips the extension, which AWS applies with the body."
  default     = false
}

variable "nlb_arn" {
  type        = string
  description = "ARN of the internal Network Load Balancer in front of the REST proxy (the VPC link target); null without vpc_link."
  default     = null
}

variable "stream_arns" {
  type        = map(string)
  description = "Kinesis stream ARN per table: the only streams the API's Kinesis role may touch."
}

variable "streams_kms_key_arn" {
  type        = string
  description = "ARN of the streams' KMS key (PutRecord on an encrypted stream needs kms:GenerateDataKey); null for unencrypted streams (the local stack)."
}

variable "throttle_rate_limit" {
  type        = number
  description = "Steady-state requests per second allowed for the API key (usage plan)."
  default     = 200

  validation {
    condition     = var.throttle_rate_limit > 0
    error_message = "throttle_rate_limit must be positive."
  }
}

variable "throttle_burst_limit" {
  type        = number
  description = "Burst of requests allowed for the API key (usage plan)."
  default     = 400

  validation {
    condition     = var.throttle_burst_limit > 0
    error_message = "throttle_burst_limit must be positive."
  }
}

variable "quota_per_day" {
  type        = number
  description = "Requests per day allowed for the API key; 0 means no quota."
  default     = 0

  validation {
    condition     = var.quota_per_day >= 0
    error_message = "quota_per_day must be 0 (no quota) or positive."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the stage's access logs in CloudWatch, in days."
  default     = 365

  validation {
    condition     = contains(jsondecode(file("${path.module}/../log_retention_days.json")), var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts, one of ${join(", ", jsondecode(file("${path.module}/../log_retention_days.json")))} (terraform/modules/log_retention_days.json)."
  }
}

variable "manage_account_logging_role" {
  type        = bool
  description = "Set the region-wide API Gateway CloudWatch role (aws_api_gateway_account, one per account and region): only when no role is set there yet (aws apigateway get-account), since it replaces the existing one."
  default     = false
}

variable "allow_stream_admin" {
  type        = bool
  description = "Let POST and DELETE /streams/{stream-name} create and delete the pipeline's streams (kinesis:CreateStream/DeleteStream); off, those routes answer 400."
  default     = false
}

variable "rest_api_tags" {
  type        = map(string)
  description = "Tags of the REST API (the local stack sets LocalStack's _custom_id_ here, so the API id and invoke URL survive restarts)."
  default     = {}
}

variable "api_key_value" {
  type        = string
  description = "Value of the API key (20-128 characters); null = API Gateway generates one (the local stack passes its own, so API_KEY survives restarts)."
  default     = null
  sensitive   = true

  validation {
    condition     = var.api_key_value == null ? true : length(var.api_key_value) >= 20 && length(var.api_key_value) <= 128
    error_message = "api_key_value must be 20-128 characters (or null)."
  }
}
