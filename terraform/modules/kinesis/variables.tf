variable "streams" {
  type        = map(string)
  description = "Stream name per table (`streaming-<id>-<table>`, from the names module)."

  validation {
    condition     = length(var.streams) > 0 && alltrue([for s in values(var.streams) : can(regex("^[a-zA-Z0-9_.-]{1,128}$", s))])
    error_message = "streams must map tables to valid Kinesis stream names (1-128 of a-z, A-Z, 0-9, _ . -)."
  }
}

variable "on_demand" {
  type        = bool
  description = "Use on-demand capacity (pay per GB, about 29 USD per stream and month minimum) instead of provisioned shards."
  default     = false
}

variable "shard_count" {
  type        = number
  description = "Shards per stream when on_demand is false (1 shard = 1 MB/s or 1000 records/s in)."
  default     = 1

  validation {
    condition     = var.shard_count >= 1 && var.shard_count <= 64
    error_message = "shard_count must be between 1 and 64."
  }
}

variable "retention_hours" {
  type        = number
  description = "How long records stay in the streams, in hours (24 to 8760)."
  default     = 24

  validation {
    condition     = var.retention_hours >= 24 && var.retention_hours <= 8760
    error_message = "retention_hours must be between 24 and 8760."
  }
}

variable "consumer_principal_arns" {
  type        = list(string)
  description = "IAM role ARNs that read the streams (for example the Databricks access role): the key policy lets them decrypt through Kinesis."
  default     = []
}

variable "kms_encryption" {
  type        = bool
  description = "Encrypt the streams with a customer managed KMS key of the module. Only the local stack turns it off (no key, no encryption): LocalStack's Kinesis stores records unencrypted anyway, the provider waits a fixed 10 s after StartStreamEncryption, and the streams would wait for the key (its rotation check takes 5 s or more)."
  default     = true
}
