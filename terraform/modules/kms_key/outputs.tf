output "arn" {
  description = "ARN of the KMS key (for kms_key_id of the log group, or other uses the caller grants)."
  value       = aws_kms_key.this.arn
}

output "key_id" {
  description = "Id of the KMS key."
  value       = aws_kms_key.this.key_id
}
