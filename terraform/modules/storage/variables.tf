variable "bucket" {
  type        = string
  description = "Name of the data bucket (`user-<id>-bucket`, from the names module)."
}

variable "force_destroy" {
  type        = bool
  description = "Let `terraform destroy` delete the bucket even when it still holds objects."
  default     = false
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

variable "reader_principal_arns" {
  type        = list(string)
  description = "IAM role ARNs (for example the Databricks instance profile role) allowed to read the bucket and decrypt its objects."
  default     = []

  validation {
    condition     = alltrue([for a in var.reader_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", a))])
    error_message = "reader_principal_arns must hold IAM role ARNs (arn:aws:iam::<account>:role/...)."
  }
}

variable "access_log_bucket" {
  type        = string
  description = "Existing bucket that receives S3 server access logs of the data bucket; empty disables access logging."
  default     = ""
}

variable "key_user_principal_arns" {
  type        = list(string)
  description = "IAM role ARNs that read and write objects through their own IAM policy (for example the Databricks access role): the key policy lets them decrypt and generate data keys through S3."
  default     = []
}

variable "lifecycle_rules" {
  type        = bool
  description = "Create the bucket's lifecycle configuration (noncurrent versions expire after noncurrent_version_days). Only the local stack turns it off: LocalStack never runs lifecycle rules, and the provider waits at least 55 s for 10 identical read-backs of a new configuration."
  default     = true
}
