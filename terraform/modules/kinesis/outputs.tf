output "stream_names" {
  description = "Stream name per table."
  value       = { for t, s in aws_kinesis_stream.this : t => s.name }
}

output "stream_arns" {
  description = "Stream ARN per table."
  value       = { for t, s in aws_kinesis_stream.this : t => s.arn }
}

output "kms_key_arn" {
  description = "ARN of the KMS key of the streams (producers need kms:GenerateDataKey, consumers kms:Decrypt); null without kms_encryption."
  value       = one(module.key[*].arn)
}
