variable "pipeline_id" {
  type        = string
  description = "Your pipeline id: the bucket (`user-<id>-bucket`, globally unique), the streams and the API derive their names from it."
}

variable "aws_region" {
  type        = string
  description = "AWS region of every resource."
  default     = "us-east-1"
}

variable "kinesis_shard_count" {
  type        = number
  description = "Shards per stream (1 shard takes 1 MB/s or 1000 records/s)."
  default     = 1
}

variable "api_manage_account_logging_role" {
  type        = bool
  description = "Set the region-wide API Gateway CloudWatch role the stage's logs need: only when `aws apigateway get-account` shows none, since it replaces the one there."
  default     = false
}

variable "force_destroy" {
  type        = bool
  description = "Let `terraform destroy` delete the data bucket even when it holds objects."
  default     = false
}
