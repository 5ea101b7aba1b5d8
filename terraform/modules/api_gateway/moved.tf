# Where resources stood before they moved into the internal modules (kms_key,
# private_bucket): existing states follow them instead of replacing them.

moved {
  from = aws_kms_key.logs
  to   = module.logs_key.aws_kms_key.this
}

# The VPC link became optional (no NLB on the local stack).
moved {
  from = aws_api_gateway_vpc_link.this
  to   = aws_api_gateway_vpc_link.this[0]
}
