variable "pipeline_id" {
  type        = string
  description = "The identifier every name derives from (PIPELINE_ID); also the local REST API's id."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{2,30}[a-z0-9]$", var.pipeline_id))
    error_message = "pipeline_id must be 4-32 characters of lowercase letters, digits and '-', starting and ending with a letter or digit."
  }
}

variable "localstack_endpoint" {
  type        = string
  description = "LocalStack's URL as Terraform reaches it (devstack: http://127.0.0.1:$DEVSTACK_LOCALSTACK_PORT)."
  default     = "http://127.0.0.1:4566"

  validation {
    condition     = can(regex("^https?://[^/]+$", var.localstack_endpoint))
    error_message = "localstack_endpoint must be http(s)://host[:port] with no path."
  }
}

variable "client_endpoint" {
  type        = string
  description = "LocalStack's URL as the emulators reach it, for api_invoke_url; null = localstack_endpoint (docker-compose: Terraform runs in a container, clients on the host)."
  default     = null
}

variable "rest_proxy_uri" {
  type        = string
  description = "The local Kafka REST proxy as LocalStack's API Gateway reaches it (devstack: http://127.0.0.1:$DEVSTACK_REST_PROXY_PORT)."
  default     = "http://127.0.0.1:8082"
}

variable "aws_region" {
  type        = string
  description = "Region LocalStack serves the resources in."
  default     = "us-east-1"
}

variable "shard_count" {
  type        = number
  description = "Shards per Kinesis stream (DEVSTACK_SHARDS)."
  default     = 4
}

variable "api_key" {
  type        = string
  description = "Value of the API key (devstack: random, made once, kept in .devstack/api-key); null or empty = LocalStack generates one."
  default     = null
  sensitive   = true
}
