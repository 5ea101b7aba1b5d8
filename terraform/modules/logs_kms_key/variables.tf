variable "description" {
  type        = string
  description = "Description of the KMS key: what it encrypts."

  validation {
    condition     = length(trimspace(var.description)) > 0
    error_message = "description must not be empty."
  }
}

variable "log_group_name" {
  type        = string
  description = "Name of the CloudWatch log group that may use the key; a \"*\" makes it a pattern (ArnLike)."

  validation {
    condition     = can(regex("^[A-Za-z0-9_./#*-]+$", var.log_group_name))
    error_message = "log_group_name may hold only letters, digits and _ . / # - * (CloudWatch log group names, plus the * wildcard)."
  }
}

variable "log_statement_sid" {
  type        = string
  description = "Sid of the key policy statement that lets CloudWatch Logs use the key."
  default     = "LogGroupUsesKey"

  validation {
    condition     = can(regex("^[A-Za-z0-9]+$", var.log_statement_sid))
    error_message = "log_statement_sid must be alphanumeric (an IAM statement Sid)."
  }
}
