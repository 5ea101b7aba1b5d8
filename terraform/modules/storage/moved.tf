# Where resources stood before they moved into the internal modules (kms_key, private_bucket):
# existing states follow them instead of replacing them.

moved {
  from = aws_kms_key.data
  to   = module.key.aws_kms_key.this
}

moved {
  from = aws_s3_bucket.data
  to   = module.bucket.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_ownership_controls.data
  to   = module.bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_public_access_block.data
  to   = module.bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_versioning.data
  to   = module.bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.data
  to   = module.bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.data
  to   = module.bucket.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_logging.data
  to   = module.bucket.aws_s3_bucket_logging.this
}

moved {
  from = aws_s3_bucket_policy.data
  to   = module.bucket.aws_s3_bucket_policy.this
}
