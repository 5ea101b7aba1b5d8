variable "pipeline_id" {
  type        = string
  description = "The identifier every name derives from (topics, streams, bucket); the seed calls it the user id."

  validation {
    # Same rule as contracts/names.py: the id ends up in S3 bucket names.
    condition     = can(regex("^[a-z0-9][a-z0-9-]{2,30}[a-z0-9]$", var.pipeline_id))
    error_message = "pipeline_id must be 4-32 characters of lowercase letters, digits and '-', starting and ending with a letter or digit."
  }
}
