# Where resources stood before they moved into the internal modules (kms_key,
# private_bucket): existing states follow them instead of replacing them.

moved {
  from = aws_kms_key.logs
  to   = module.logs_key.aws_kms_key.this
}
