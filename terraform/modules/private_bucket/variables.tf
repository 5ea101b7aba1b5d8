variable "bucket" {
  type        = string
  description = "Name of the bucket (globally unique)."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket))
    error_message = "bucket must be a valid S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens."
  }
}

variable "force_destroy" {
  type        = bool
  description = "Let `terraform destroy` delete the bucket even when it still holds objects."
  default     = false
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the KMS key that encrypts the objects (SSE-KMS with a bucket key)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:...)."
  }
}

variable "noncurrent_version_days" {
  type        = number
  description = "Days a replaced or deleted object version is kept before it expires."
  default     = 30

  validation {
    condition     = var.noncurrent_version_days >= 1
    error_message = "noncurrent_version_days must be at least 1."
  }
}

variable "access_log_bucket" {
  type        = string
  description = "Existing bucket that receives S3 server access logs of this bucket; empty disables access logging."
  default     = ""
}

variable "reader_principal_arns" {
  type        = list(string)
  description = "IAM principal ARNs the bucket policy lets read the objects (they also need kms:Decrypt on the key)."
  default     = []
}

variable "lifecycle_rules" {
  type        = bool
  description = "Create the lifecycle configuration (expire noncurrent versions, abort stale multipart uploads). Only the local stack turns it off: LocalStack never runs lifecycle rules, and the provider waits at least 55 s for 10 identical read-backs of a new configuration."
  default     = true
}
