# Where resources stood before they moved into the internal modules (kms_key,
# private_bucket): existing states follow them instead of replacing them.

moved {
  from = aws_kms_key.mwaa
  to   = module.key.aws_kms_key.this
}

moved {
  from = aws_s3_bucket.source
  to   = module.source_bucket.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_ownership_controls.source
  to   = module.source_bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_public_access_block.source
  to   = module.source_bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_versioning.source
  to   = module.source_bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.source
  to   = module.source_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.source
  to   = module.source_bucket.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_policy.source
  to   = module.source_bucket.aws_s3_bucket_policy.this
}
