output "bucket" {
  description = "Name of the data bucket."
  value       = module.bucket.id
}

output "bucket_arn" {
  description = "ARN of the data bucket."
  value       = module.bucket.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the bucket's objects (writers need kms:GenerateDataKey, readers kms:Decrypt)."
  value       = module.key.arn
}
