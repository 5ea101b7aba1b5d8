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
  description = "Name of the CloudWatch log group that may use the key; a \"*\" makes it a pattern (ArnLike). null: no CloudWatch Logs statement."
  default     = null

  validation {
    condition     = var.log_group_name == null ? true : can(regex("^[A-Za-z0-9_./#*-]+$", var.log_group_name))
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

variable "principal_statements" {
  type = list(object({
    sid            = string
    actions        = list(string)
    principal_arns = list(string)
    via_service    = optional(string)
  }))
  description = "Key policy statements for IAM principals: each lets principal_arns run actions (kms:...) on the key, only through the AWS service via_service (for example \"s3\", \"kinesis\") when set. A statement whose principal_arns is empty is left out."
  default     = []

  validation {
    condition = alltrue([
      for s in var.principal_statements :
      can(regex("^[A-Za-z0-9]+$", s.sid)) && length(s.actions) > 0 && alltrue([for a in s.actions : startswith(a, "kms:")])
      && (s.via_service == null ? true : can(regex("^[a-z0-9-]+$", s.via_service)))
    ])
    error_message = "principal_statements: each needs an alphanumeric sid, kms: actions, and via_service (if set) a service name such as s3 or kinesis."
  }

  validation {
    condition     = length(distinct([for s in var.principal_statements : s.sid])) == length(var.principal_statements)
    error_message = "principal_statements: each sid must be unique."
  }
}
