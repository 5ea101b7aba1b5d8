variable "enabled" {
  type        = bool
  description = "Create the role; false creates nothing (a flag instead of count on the module, so key policies can name the role without waiting for the whole module)."
  default     = true
}

variable "name" {
  type        = string
  description = "Name of the IAM role (`pinterest-<id>-databricks` from the root); Databricks credentials point at its ARN."

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "name must be a valid IAM role name (1-64 of letters, digits and +=,.@_-)."
  }
}

variable "external_ids" {
  type        = list(string)
  description = "External ids Databricks shows for the storage credential and the service credential that use this role; 0000 is Databricks' documented placeholder until they exist."

  validation {
    condition     = length(var.external_ids) > 0 && alltrue([for e in var.external_ids : length(trimspace(e)) > 0])
    error_message = "external_ids must hold at least one non-empty external id (0000 until Databricks shows yours)."
  }
}

variable "unity_catalog_role_arn" {
  type        = string
  description = "The Databricks Unity Catalog master role that assumes this role; empty = Databricks' role for the provider's partition."
  default     = ""

  validation {
    condition     = var.unity_catalog_role_arn == "" || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.unity_catalog_role_arn))
    error_message = "unity_catalog_role_arn must be empty or an IAM role ARN."
  }
}

variable "bucket_arn" {
  type        = string
  description = "ARN of the data bucket."
}

variable "bucket_kms_key_arn" {
  type        = string
  description = "ARN of the data bucket's KMS key (decrypt to read, generate data keys to write)."
}

variable "read_prefixes" {
  type        = list(string)
  description = "Key prefixes Databricks only reads (what the S3 sink lands), each ending in /."
  default     = ["topics/"]

  validation {
    condition     = alltrue([for p in var.read_prefixes : can(regex("^[^/*][^*]*/$", p))])
    error_message = "read_prefixes must be key prefixes ending in / (no leading /, no *)."
  }
}

variable "write_prefixes" {
  type        = list(string)
  description = "Key prefixes Databricks reads and writes (Delta tables, streaming checkpoints), each ending in /."
  default     = ["delta/", "checkpoints/"]

  validation {
    condition     = alltrue([for p in var.write_prefixes : can(regex("^[^/*][^*]*/$", p))])
    error_message = "write_prefixes must be key prefixes ending in / (no leading /, no *)."
  }
}

variable "stream_arns" {
  type        = map(string)
  description = "Kinesis stream ARN per table: the only streams the role may read."
}

variable "streams_kms_key_arn" {
  type        = string
  description = "ARN of the streams' KMS key (reading an encrypted stream needs kms:Decrypt)."
}
